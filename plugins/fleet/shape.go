package fleet

import (
	"math"
	"regexp"
	"slices"
)

// Shapes and values of schemas/fleet.schema.json that fits checks in Go.
var (
	agentVersionShape = regexp.MustCompile(`^[0-9]+(\.[0-9]+){0,3}$`)
	patchModes        = []string{"AutomaticByPlatform", "AutomaticByOS", "Manual", "ImageDefault"}
	weekDays          = []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
)

// fits reports whether a VM the typed decode took passes the schema
// (schemas/fleet.schema.json: $defs/vm, and the root's rule that
// subscription, region and os are on the VM unless the defaults block has
// them), given the defaults block (nil when the file has none). It is the
// schema's judgement made in Go, because a million VMs go through it; a VM
// it refuses goes to the schema, which has the last word and the words to
// explain. A VM with an empty string or a null, which the typed form reads
// like a member left out, never gets here. TestFitsAgreesWithSchema holds
// the two together.
func (v *fileVM) fits(defaults *fileVM, shapes shapeMemo) bool {
	d := defaults
	if d == nil {
		d = &fileVM{}
	}
	switch {
	case v.Name == "":
	case v.Subscription == "" && d.Subscription == "", v.Subscription == "TODO":
	case v.Region == "" && d.Region == "", v.Region != "" && !shapes.match(regionShape, v.Region):
	case v.OS == "" && d.OS == "", v.OS != "" && v.OS != "windows" && v.OS != "linux":
	case v.Zone != "" && (v.AvailabilitySet != "" || v.Zone != "1" && v.Zone != "2" && v.Zone != "3"):
	case v.UpdateDomain.set && !wholeIn(v.UpdateDomain.v, 0, 19):
	case v.Image.set && (v.Image.v.Publisher == "" || v.Image.v.Offer == "" || v.Image.v.Sku == ""):
	case v.PatchMode != "" && !slices.Contains(patchModes, v.PatchMode):
	case v.AgentVersion != "" && !shapes.match(agentVersionShape, v.AgentVersion):
	case v.OffPeak.set && !(shapes.match(timeShape, v.OffPeak.v.Start) && shapes.match(timeShape, v.OffPeak.v.End)):
	case slices.ContainsFunc(v.PowerSchedule, func(w filePowerWindow) bool { return !shapes.powerWindowFits(w) }):
	case slices.ContainsFunc(v.PowerOff, func(o fileOutage) bool { return !shapes.match(dateShape, o.From) || !shapes.match(dateShape, o.To) }):
	case v.InstallMinutes.set && !wholeIn(v.InstallMinutes.v, 1, 10080):
	case v.FailureProbability.set && !(v.FailureProbability.v >= 0 && v.FailureProbability.v <= 1):
	case v.UnhealthyProbability.set && !(v.UnhealthyProbability.v >= 0 && v.UnhealthyProbability.v <= 1):
	case v.Enablement != "" && v.Enablement != "done" && v.Enablement != "pending":
	default:
		return true
	}
	return false
}

// powerWindowFits: at least one day, each a weekday and none twice, and
// two times of day.
func (shapes shapeMemo) powerWindowFits(w filePowerWindow) bool {
	if len(w.Days) == 0 || !shapes.match(timeShape, w.Start) || !shapes.match(timeShape, w.End) {
		return false
	}
	for i, day := range w.Days {
		if !slices.Contains(weekDays, day) || slices.Contains(w.Days[:i], day) {
			return false
		}
	}
	return true
}

// wholeIn reports whether f is a whole number from lo to hi.
func wholeIn(f, lo, hi float64) bool { return f == math.Trunc(f) && f >= lo && f <= hi }

// shapeMemo remembers which strings matched which pattern: a fleet repeats
// a few regions and times of day a million times, and a map answers sooner
// than a regular expression. It learns at most maxShapeMemo strings.
type shapeMemo map[shapeKey]bool

type shapeKey struct {
	re *regexp.Regexp
	s  string
}

const maxShapeMemo = 4096

func (m shapeMemo) match(re *regexp.Regexp, s string) bool {
	k := shapeKey{re, s}
	if ok, seen := m[k]; seen {
		return ok
	}
	ok := re.MatchString(s)
	if len(m) < maxShapeMemo {
		m[k] = ok
	}
	return ok
}
