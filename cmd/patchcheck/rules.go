package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/policies"
)

func newRulesCommand(s streams) *cobra.Command {
	var profile, format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalog, read from the policies' METADATA",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			linter, err := checker.New(cmd.Context(), checker.Options{Profile: profile, Version: version})
			if err != nil {
				return err
			}
			rules := linter.Rules()
			switch format {
			case "json":
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"profile": linter.Profile(), "rules": rules})
			case "text":
				p := linter.Profile()
				fmt.Fprintf(s.out, "profile %s: %s\n\n", p.Name, p.Title)
				tw := tabwriter.NewWriter(s.out, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSEVERITY\tTITLE")
				for _, r := range rules {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
				}
				if err := tw.Flush(); err != nil {
					return err
				}
				fmt.Fprintln(s.out)
				for _, r := range rules {
					fmt.Fprintf(s.out, "%s  %s\n    %s\n    fix: %s\n\n", r.ID, r.Title, strings.ReplaceAll(r.Description, "\n", "\n    "), r.Remediation)
				}
				return nil
			}
			return fmt.Errorf("--format %q: want text or json", format)
		},
	}
	cmd.Flags().StringVar(&profile, "profile", policies.DefaultProfile, "knowledge profile: 2021-02 or current")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text or json")
	return cmd
}
