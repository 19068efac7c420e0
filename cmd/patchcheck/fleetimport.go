package main

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/internal/saferead"
	"github.com/patchcheck/patchcheck/internal/safewrite"
	"github.com/patchcheck/patchcheck/plugins/fleet"
)

func newFleetImportCommand(s streams) *cobra.Command {
	var output, format, month string
	var stayOff bool
	maxSize := byteSize(defaultMaxFleetSize)
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Write a fleet file from what Azure prints: az vm list, Azure Resource Graph, REST lists, instance views",
		Long: "Read the JSON that az vm list [-d], az vm get-instance-view, az vmss list[-instances], az graph query,\n" +
			"Search-AzGraph | ConvertTo-Json -Depth 100 or a REST list prints (recognised by content; - for standard\n" +
			"input), merge the files by resource ID, and write a fleet file that simulate runs as it is. What Azure\n" +
			"does not say is assumed: each assumption is a comment in the YAML file and a note on standard error.\n" +
			"docs/fleet-import.md has the queries.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			if !slices.Contains(fleet.ImportFormats(), format) {
				return fmt.Errorf("--format %q: expected %s", format, strings.Join(fleet.ImportFormats(), " or "))
			}
			reads := safewrite.Reads{}
			for _, p := range paths {
				reads.Files = append(reads.Files, safewrite.File{Path: p, What: "export"})
			}
			// Refused before any work: the fleet file never replaces an
			// export it is read from.
			if err := safewrite.Check([]safewrite.Output{{Format: "fleet", Path: output}}, reads); err != nil {
				return err
			}
			sources, err := readExports(s, paths, int64(maxSize))
			if err != nil {
				return err
			}
			imported, err := fleet.Import(sources, fleet.ImportOptions{Month: month, StoppedStayOff: stayOff})
			if err != nil {
				return err
			}
			if err := safewrite.Write(s.out, s.err, output, func(w io.Writer) error { return imported.Write(w, format) }); err != nil {
				return fmt.Errorf("write the fleet file: %w", err)
			}
			return imported.WriteNotes(s.err)
		},
	}
	flags := cmd.Flags()
	flags.StringVarP(&output, "output", "o", "", "write the fleet file here instead of standard output")
	flags.StringVarP(&format, "format", "f", "yaml", "fleet file format: yaml (assumptions as comments) or json (for large fleets; notes on standard error only)")
	flags.StringVar(&month, "month", time.Now().Format("2006-01"), "release month of the fleet file, YYYY-MM")
	flags.BoolVar(&stayOff, "stopped-stay-off", false, "write VMs deallocated or stopped at export as off for the whole forecast (default: on)")
	flags.Var(&maxSize, "max-file-size", "largest export (or standard input) read: a larger one is refused (exit 2)")
	return cmd
}

// readExports reads each file (- once, for standard input) within the cap.
func readExports(s streams, paths []string, limit int64) ([]fleet.ImportSource, error) {
	var out []fleet.ImportSource
	stdin := false
	for _, p := range paths {
		var buf bytes.Buffer
		var err error
		if p == "-" {
			if stdin {
				return nil, fmt.Errorf("- is given twice: standard input can be read once")
			}
			stdin = true
			err = saferead.Limited(&buf, s.in, "standard input", limit)
		} else {
			err = saferead.ReadInto(&buf, p, limit)
		}
		if err != nil {
			return nil, fmt.Errorf("read export: %w", err)
		}
		name := p
		if p == "-" {
			name = "standard input"
		}
		out = append(out, fleet.ImportSource{Name: name, Data: buf.Bytes()})
	}
	return out, nil
}
