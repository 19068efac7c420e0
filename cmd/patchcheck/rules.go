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
	var policy []string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rule catalog, read from the policies' METADATA",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			linter, err := checker.New(cmd.Context(), checker.Options{Profile: profile, Version: version, PolicyDirs: policy})
			if err != nil {
				return err
			}
			rules := linter.Rules()
			switch format {
			case "json":
				enc := json.NewEncoder(s.out)
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"profile": linter.Profile(), "rules": rules})
			case "markdown":
				p := linter.Profile()
				fmt.Fprintf(s.out, "# patchcheck rules\n\nProfile `%s`: %s\n\n| ID | Severity | Title |\n|---|---|---|\n", p.Name, p.Title)
				for _, r := range rules {
					fmt.Fprintf(s.out, "| [%s](#%s) | %s | %s |\n", r.ID, strings.ToLower(r.ID), r.Severity, r.Title)
				}
				for _, r := range rules {
					fmt.Fprintf(s.out, "\n## %s\n\n**%s** (%s, package `%s`)\n\n%s\n\n**Fix:** %s\n", r.ID, r.Title, r.Severity, r.Package, r.Description, r.Remediation)
				}
				return nil
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
			return fmt.Errorf("--format %q: want text, json or markdown", format)
		},
	}
	cmd.Flags().StringVar(&profile, "profile", policies.DefaultProfile, "knowledge profile: 2021-02 or current")
	cmd.Flags().StringVarP(&format, "format", "f", "text", "output format: text, json or markdown")
	cmd.Flags().StringArrayVar(&policy, "policy", nil, "also list the rules of this folder of your own Rego policies (repeatable)")
	return cmd
}
