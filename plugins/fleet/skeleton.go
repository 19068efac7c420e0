package fleet

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/goccy/go-yaml"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/internal/regions"
)

// SkeletonVM is what a template says of one VM, for a fleet file
// skeleton (`patchcheck fleet init`). An empty string is "the template
// does not say"; a member the fleet file requires is then written TODO.
type SkeletonVM struct {
	Name            string
	Location        string // as the template writes it: "East US 2" or eastus2
	Zone            string
	AvailabilitySet string
	OS              string // windows, linux, or empty when unknown
	// Marketplace is an image reference by publisher, offer and sku (each
	// empty when the template does not say it); CustomImage is a gallery
	// or managed image.
	Marketplace            bool
	Publisher, Offer, Sku  string
	CustomImage            bool
	PatchMode              string
	EnableAutomaticUpdates *bool // Windows only; nil when the template does not say
	TimeZone               string
}

// skeletonVM is one entry of the skeleton's vms list, in the fleet
// file's member names and order.
type skeletonVM struct {
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

// WriteSkeleton writes a YAML fleet file for vms, read from the templates
// named in sources, for the release month of now. What a template cannot
// say (the subscription, a region given by an expression, an unknown OS)
// is written TODO, which Load rejects until someone fills it in.
func WriteSkeleton(w io.Writer, vms []SkeletonVM, sources []string, now time.Time) error {
	tab, err := regions.Load()
	if err != nil {
		return fmt.Errorf("region table: %w", err)
	}
	out := make([]skeletonVM, 0, len(vms))
	for _, vm := range vms {
		sv := skeletonVM{Name: vm.Name, Subscription: "TODO", Region: cmpTODO(programmaticRegion(tab, vm.Location)), Zone: vm.Zone,
			AvailabilitySet: vm.AvailabilitySet, OS: cmpTODO(vm.OS), CustomImage: vm.CustomImage, PatchMode: vm.PatchMode,
			EnableAutomaticUpdates: vm.EnableAutomaticUpdates, TimeZone: vm.TimeZone}
		if vm.Marketplace {
			sv.Image = map[string]string{"publisher": vm.Publisher, "offer": vm.Offer, "sku": vm.Sku}
		}
		out = append(out, sv)
	}
	body, err := yaml.MarshalWithOptions(map[string]any{"vms": out}, yaml.IndentSequence(true))
	if err != nil {
		return fmt.Errorf("write fleet skeleton: %w", err)
	}
	// The sources go in a comment line: safetext keeps a line break in a
	// file name from ending the comment and starting YAML of its own.
	_, err = fmt.Fprintf(w, `# Fleet file written by patchcheck fleet init from %s.
# Fill in every TODO (simulate rejects them), then: patchcheck simulate THIS_FILE
release:
  month: "%s"
defaults:
  timeZone: %s
  offPeak: {start: "%s", end: "%s"}
  installMinutes: %d
%s`, safetext.Text(strings.Join(sources, ", ")), now.Format("2006-01"),
		DefaultTimeZone, DefaultOffPeakStart, DefaultOffPeakEnd, DefaultInstallMinutes, body)
	return err
}

func cmpTODO(s string) string {
	if s == "" {
		return "TODO"
	}
	return s
}

// programmaticRegion turns a template's location into the region name a
// fleet file wants. ARM and Terraform accept display names ("East US 2"),
// the fleet file only programmatic ones (eastus2): a display name the
// region table knows becomes its region; any other literal is lower-cased
// without spaces, the way Azure forms its names, and Load judges it (a
// region the table lacks must be declared under regions:).
func programmaticRegion(tab *regions.Table, location string) string {
	for _, r := range tab.Regions {
		if strings.EqualFold(r.DisplayName, location) || strings.EqualFold(r.Name, location) {
			return r.Name
		}
	}
	if name := strings.ToLower(strings.ReplaceAll(location, " ", "")); regionShape.MatchString(name) {
		return name
	}
	return location
}
