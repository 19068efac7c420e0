package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/policies"
)

func newRulesCommand(s streams) *cobra.Command {
	var profile, format string
	var policy []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalog, read from the policies' METADATA",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			linter, err := checker.New(cmd.Context(), checker.Options{Profile: profile, Version: currentBuild().Version, PolicyDirs: policy})
			if err != nil {
				return err
			}
			return report.WriteCatalog(s.out, format, linter.Profile(), linter.Rules())
		},
	}
	cmd.Flags().StringVar(&profile, "profile", policies.DefaultProfile, "knowledge profile: 2021-02 or current")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: "+strings.Join(report.CatalogFormats, ", "))
	cmd.Flags().StringArrayVar(&policy, "policy", nil, "also list the rules of this folder of your own Rego policies (repeatable)")
	return cmd
}
