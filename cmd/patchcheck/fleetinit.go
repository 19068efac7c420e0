package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/internal/safewrite"
	"github.com/patchcheck/patchcheck/plugins/fleet"
)

func newFleetCommand(s streams) *cobra.Command {
	fleetCmd := &cobra.Command{Use: "fleet", Short: "Work with fleet files for simulate"}
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
			if err := safewrite.Check([]safewrite.Output{{Format: "fleet", Path: output}}, lintReads(paths, params, nil, nil, "", "")); err != nil {
				return err
			}
			linter, err := checker.New(cmd.Context(), checker.Options{Version: currentBuild().Version, Parameters: params, MaxFileSize: int64(maxSize)})
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
			return safewrite.Write(s.out, s.err, output, func(out io.Writer) error {
				return fleet.WriteSkeleton(out, skeletonVMs(vms), paths, time.Now())
			})
		},
	}
	initCmd.Flags().StringVarP(&output, "output", "o", "", "write the fleet file here instead of standard output")
	initCmd.Flags().StringArrayVarP(&params, "parameters", "p", nil, "deployment parameter file (as for lint)")
	initCmd.Flags().Var(&maxSize, "max-file-size", "largest template or parameter file read (as for lint)")
	fleetCmd.AddCommand(initCmd, newFleetImportCommand(s))
	return fleetCmd
}

// skeletonVMs is what the templates say of each VM, in the terms of the
// fleet file: only known values, the rest left for the skeleton's TODOs.
func skeletonVMs(vms []model.VM) []fleet.SkeletonVM {
	str := func(f model.Fact) string {
		if f.Known() {
			if s, ok := f.Value.(string); ok {
				return s
			}
		}
		return ""
	}
	out := make([]fleet.SkeletonVM, 0, len(vms))
	for _, vm := range vms {
		sv := fleet.SkeletonVM{Name: vm.Name, Location: vm.Placement.Location, Zone: vm.Placement.Zone,
			AvailabilitySet: vm.Placement.AvailabilitySet, PatchMode: str(vm.PatchMode), TimeZone: vm.Placement.TimeZone}
		if vm.OS.Value == "windows" || vm.OS.Value == "linux" {
			sv.OS = vm.OS.Value
		}
		switch vm.Image.Kind {
		case model.ImageMarketplace:
			sv.Marketplace, sv.Publisher, sv.Offer, sv.Sku = true, str(vm.Image.Publisher), str(vm.Image.Offer), str(vm.Image.Sku)
		case model.ImageCustom:
			sv.CustomImage = true
		}
		if vm.OS.Value == "windows" && vm.EnableAutomaticUpdates.Known() {
			if b, ok := vm.EnableAutomaticUpdates.Value.(bool); ok {
				sv.EnableAutomaticUpdates = &b
			}
		}
		out = append(out, sv)
	}
	return out
}
