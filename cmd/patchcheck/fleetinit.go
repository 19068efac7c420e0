package main

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/plugins/fleet"
	"github.com/patchcheck/patchcheck/plugins/regions"
)

func newFleetCommand(s streams) *cobra.Command {
	fleet := &cobra.Command{Use: "fleet", Short: "Work with fleet files for simulate"}
	var output string
	var params []string
	maxSize := byteSize(checker.DefaultMaxFileSize)
	initCmd := &cobra.Command{
		Use:   "init TEMPLATES...",
		Short: "Write a fleet file skeleton from templates (name, region, zone, availability set, OS, image, patch mode, time zone)",
		Long: "Read the VMs of templates (ARM, Bicep, Terraform plans) as lint does and write a fleet file for\n" +
			"simulate. What the templates do not say (the subscription, a region given by an expression) is\n" +
			"written as TODO, which simulate rejects until you fill it in.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, paths []string) error {
			// Refused before any work: the fleet file must not replace a
			// template or parameter file it is written from.
			if err := checkOutputs([]reportOutput{{format: "fleet", path: output}}, lintReads(paths, params, nil, nil, "", "")); err != nil {
				return err
			}
			linter, err := checker.New(cmd.Context(), checker.Options{Version: version, Parameters: params, MaxFileSize: int64(maxSize)})
			if err != nil {
				return err
			}
			vms, errs := linter.Inventory(cmd.Context(), checker.Discover(paths))
			if len(errs) > 0 {
				return errors.Join(errs...)
			}
			if len(vms) == 0 {
				return fmt.Errorf("no virtual machines found in %s", strings.Join(paths, ", "))
			}
			return writeOutput(s, output, func(out io.Writer) error { return writeFleet(out, vms, paths, time.Now()) })
		},
	}
	initCmd.Flags().StringVarP(&output, "output", "o", "", "write the fleet file here instead of standard output")
	initCmd.Flags().StringArrayVarP(&params, "parameters", "p", nil, "deployment parameter file (as for lint)")
	initCmd.Flags().Var(&maxSize, "max-file-size", "largest template or parameter file read (as for lint)")
	fleet.AddCommand(initCmd)
	return fleet
}

type fleetVM struct {
	Name                   string            `yaml:"name"`
	Subscription           string            `yaml:"subscription"`
	Region                 string            `yaml:"region"`
	Zone                   string            `yaml:"zone,omitempty"`
	AvailabilitySet        string            `yaml:"availabilitySet,omitempty"`
	OS                     string            `yaml:"os"`
	Image                  map[string]string `yaml:"image,omitempty"`
	CustomImage            bool              `yaml:"customImage,omitempty"`
	PatchMode              string            `yaml:"patchMode,omitempty"`
	EnableAutomaticUpdates *bool             `yaml:"enableAutomaticUpdates,omitempty"`
	TimeZone               string            `yaml:"timeZone,omitempty"`
}

func writeFleet(w io.Writer, vms []model.VM, paths []string, now time.Time) error {
	str := func(f model.Fact) string {
		if f.Known() {
			if s, ok := f.Value.(string); ok {
				return s
			}
		}
		return ""
	}
	tab, err := regions.Load()
	if err != nil {
		return fmt.Errorf("region table: %w", err)
	}
	var out []fleetVM
	for _, vm := range vms {
		fv := fleetVM{Name: vm.Name, Subscription: "TODO", Region: programmaticRegion(tab, vm.Placement.Location), Zone: vm.Placement.Zone,
			AvailabilitySet: vm.Placement.AvailabilitySet, OS: vm.OS.Value, PatchMode: str(vm.PatchMode), TimeZone: vm.Placement.TimeZone}
		if fv.Region == "" {
			fv.Region = "TODO"
		}
		if fv.OS == "unknown" {
			fv.OS = "TODO"
		}
		switch vm.Image.Kind {
		case model.ImageMarketplace:
			fv.Image = map[string]string{"publisher": str(vm.Image.Publisher), "offer": str(vm.Image.Offer), "sku": str(vm.Image.Sku)}
		case model.ImageCustom:
			fv.CustomImage = true
		}
		if vm.OS.Value == "windows" && vm.EnableAutomaticUpdates.Known() {
			if b, ok := vm.EnableAutomaticUpdates.Value.(bool); ok {
				fv.EnableAutomaticUpdates = &b
			}
		}
		out = append(out, fv)
	}
	body, err := yaml.MarshalWithOptions(map[string]any{"vms": out}, yaml.IndentSequence(true))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, `# Fleet file written by patchcheck fleet init from %s.
# Fill in every TODO (simulate rejects them), then: patchcheck simulate THIS_FILE
release:
  month: "%s"
defaults:
  timeZone: %s
  offPeak: {start: "%s", end: "%s"}
  installMinutes: %d
%s`, strings.Join(paths, ", "), now.Format("2006-01"),
		fleet.DefaultTimeZone, fleet.DefaultOffPeakStart, fleet.DefaultOffPeakEnd, fleet.DefaultInstallMinutes, body)
	return err
}

// programmaticRegion turns a template's location into the region name a
// fleet file wants. ARM and Terraform accept display names ("East US 2"),
// the fleet file only programmatic ones (eastus2): a display name the
// region table knows becomes its region; any other literal is lower-cased
// without spaces, the way Azure forms its names, and the fleet loader
// judges it (a region the table lacks must be declared under regions:).
func programmaticRegion(tab *regions.Table, location string) string {
	for _, r := range tab.Regions {
		if strings.EqualFold(r.DisplayName, location) || strings.EqualFold(r.Name, location) {
			return r.Name
		}
	}
	if name := strings.ToLower(strings.ReplaceAll(location, " ", "")); regionName.MatchString(name) {
		return name
	}
	return location
}

// regionName is the shape of a programmatic region name.
var regionName = regexp.MustCompile(`^[a-z0-9]+$`)
