// Package integrations holds no code. Its tests check the files CI systems
// run: the GitHub action (action.yml), the Azure Pipelines template
// (azure-pipelines/patchcheck.yml), the pre-commit hook
// (.pre-commit-hooks.yaml), the install script (scripts/install.sh) and
// the release build (.goreleaser.yaml, Dockerfile). They run the scripts
// those files hold with bash, against fake patchcheck, go and curl
// commands, so no test reaches the network.
package integrations
