// Package policies embeds patchcheck's Rego rules, their knowledge profiles
// and the pinned OPA capabilities, so the binary needs no files at run time.
package policies

import (
	"embed"
	"io/fs"
)

//go:generate go run ./internal/gencaps -o capabilities.json

//go:embed lib rules profiles/*.json capabilities.json
var files embed.FS

// FS returns the embedded policy tree: *.rego modules (tests included, named
// *_test.rego), profiles/<name>.json and capabilities.json.
func FS() fs.FS { return files }

// DefaultProfile is the knowledge profile used when none is chosen: the seed's
// 2021-02 edition of Azure's rules.
const DefaultProfile = "2021-02"
