// Package schemas embeds patchcheck's JSON Schemas so that validation never
// touches the network.
package schemas

import (
	"embed"
	"io/fs"
)

//go:embed *.schema.json
var files embed.FS

// FS returns the embedded schemas, each named NAME.schema.json.
func FS() fs.FS { return files }

// BaseURL is the $id prefix every embedded schema uses; a schema's URL is
// BaseURL + its file name.
const BaseURL = "https://patchcheck.dev/schemas/"

// VMPatchSettings is the schema of the patch-relevant part of a VM (PC010).
const VMPatchSettings = "vm-patch-settings.schema.json"

// LintReport documents `patchcheck lint --format json`.
const LintReport = "lint-report.schema.json"

// Fleet is the schema of a fleet file (SPEC §4.1), loaded by plugins/fleet.
const Fleet = "fleet.schema.json"

// Config is the schema of .patchcheck.yaml.
const Config = "config.schema.json"

// Context is the schema of a deployment context (--context FILE, context:
// in .patchcheck.yaml).
const Context = "deployment-context.schema.json"
