package reference

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// minLinuxAgent is the oldest Linux VM agent that supports the feature (D16).
var minLinuxAgent = [4]int{2, 2, 53, 1}

// model is everything about a request that does not change between trials.
type model struct {
	req       simulator.Request
	release   time.Time
	deadline  time.Time
	horizon   time.Time // installs are simulated this far, to say how late a late VM is
	vms       []vmState
	phases    [][]string     // region names per phase
	phaseOf   map[string]int // region -> phase
	regionVMs map[string][]int
	intake    *intake // while VMs are added
}

// intake is what judging each VM as it is added needs.
type intake struct {
	supported map[string]bool
	patterns  []*regexp.Regexp
	locs      map[string]*time.Location
	clocks    map[string]*clock // VMs with the same schedule share a clock
	enabled   map[string]time.Time
	names     map[string]bool
}

// vmState is a VM's trial-independent facts.
type vmState struct {
	vm        *simulator.VM
	clock     *clock
	eligible  bool
	reason    string    // why not eligible
	enabledAt time.Time // zero: enablement never finishes before the horizon
}

// prepare builds the model of a whole request.
func prepare(req simulator.Request) (*model, error) {
	m, err := newModel(req, len(req.Fleet.VMs))
	if err != nil {
		return nil, err
	}
	for i := range req.Fleet.VMs {
		if err := m.add(&req.Fleet.VMs[i]); err != nil {
			return nil, err
		}
	}
	if err := m.plan(); err != nil {
		return nil, err
	}
	return m, nil
}

// newModel checks req's settings and readies what its VMs are judged by;
// the VMs (about vms of them) are then given to add, in order, and plan
// fixes the phases.
func newModel(req simulator.Request, vms int) (*model, error) {
	fl := req.Fleet
	st := fl.Settings
	switch {
	case fl.Release.Date.IsZero():
		return nil, inputError("the release date is missing")
	case st.DeadlineDays <= 0:
		return nil, inputError("settings.deadlineDays must be positive")
	case st.AssessmentIntervalHours <= 0:
		return nil, inputError("settings.assessmentIntervalHours must be positive")
	case st.HealthThreshold < 0 || st.HealthThreshold > 1:
		return nil, inputError("settings.healthThreshold must be between 0 and 1")
	case st.BatchShare <= 0 || st.BatchShare > 1:
		return nil, inputError("settings.batchShare must be in (0, 1]")
	case st.PhaseBakeHours < 0 || st.EnablementMinutes < 0:
		return nil, inputError("settings.phaseBakeHours and enablementMinutes must not be negative")
	}
	m := &model{
		req:       req,
		release:   fl.Release.Date.UTC(),
		regionVMs: map[string][]int{},
		phaseOf:   map[string]int{},
		vms:       make([]vmState, 0, vms),
	}
	m.deadline = m.release.Add(time.Duration(st.DeadlineDays) * 24 * time.Hour)
	m.horizon = m.deadline.Add(time.Duration(st.DeadlineDays) * 24 * time.Hour)

	in := &intake{
		supported: make(map[string]bool, len(req.SupportedImages)),
		patterns:  make([]*regexp.Regexp, len(req.ImagePatterns)),
		locs:      map[string]*time.Location{},
		clocks:    map[string]*clock{},
		enabled:   map[string]time.Time{},
		names:     make(map[string]bool, vms),
	}
	for _, k := range req.SupportedImages {
		in.supported[strings.ToLower(k)] = true
	}
	for i, p := range req.ImagePatterns {
		re, err := regexp.Compile(p.SkuRegex)
		if err != nil {
			return nil, inputError("image pattern %d: %v", i, err)
		}
		in.patterns[i] = re
	}
	m.intake = in
	return m, nil
}

// add judges the fleet's next VM.
func (m *model) add(vm *simulator.VM) error {
	in := m.intake
	if in.names[vm.Name] {
		return inputError("vm name %q is used twice", vm.Name)
	}
	in.names[vm.Name] = true
	key := clockKey(vm)
	c, ok := in.clocks[key]
	if !ok {
		var err error
		if c, err = newClock(*vm, in.locs); err != nil {
			return inputError("%v", err)
		}
		in.clocks[key] = c
	}
	s := vmState{vm: vm, clock: c}
	s.eligible, s.reason = eligibility(m.req, vm, in.supported, in.patterns)
	if s.eligible {
		done, ok := in.enabled[key]
		if !ok {
			done, _ = c.accumulate(m.release, time.Duration(m.req.Fleet.Settings.EnablementMinutes)*time.Minute, m.horizon)
			in.enabled[key] = done
		}
		s.enabledAt = done
		m.regionVMs[vm.Region] = append(m.regionVMs[vm.Region], len(m.vms))
	}
	m.vms = append(m.vms, s)
	return nil
}

// clockKey identifies a VM's schedule: VMs with equal keys share a clock.
func clockKey(vm *simulator.VM) string {
	var b strings.Builder
	b.WriteString(vm.TimeZone)
	b.WriteString("|" + vm.OffPeak.Start + "-" + vm.OffPeak.End)
	for _, p := range vm.PowerSchedule {
		b.WriteString("|p" + strings.Join(p.Days, ",") + p.Start + "-" + p.End)
	}
	for _, o := range vm.PowerOff {
		b.WriteString("|o" + o.From + "-" + o.To)
	}
	return b.String()
}

// eligibility says whether the platform orchestrates the VM, and why not.
func eligibility(req simulator.Request, vm *simulator.VM, supported map[string]bool, patterns []*regexp.Regexp) (bool, string) {
	os := strings.ToLower(vm.OS)
	switch {
	case os != "windows" && os != "linux":
		return false, fmt.Sprintf("unknown OS %q", vm.OS)
	case !strings.EqualFold(vm.PatchMode, "AutomaticByPlatform"):
		return false, fmt.Sprintf("not platform-orchestrated: patchMode %s", vm.PatchMode)
	case vm.CustomImage:
		return false, "custom image: automatic guest patching supports only platform images"
	case !imageSupported(req, vm.Image, supported, patterns):
		return false, fmt.Sprintf("image %s:%s:%s is not supported under profile %s", vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku, req.Profile)
	case os == "windows" && req.WindowsNeedsAutoUpdates && !vm.EnableAutomaticUpdates:
		return false, fmt.Sprintf("enableAutomaticUpdates is false; profile %s requires true with AutomaticByPlatform", req.Profile)
	case os == "linux" && vm.AgentVersion != "" && olderAgent(vm.AgentVersion):
		return false, fmt.Sprintf("Linux VM agent %s is older than 2.2.53.1", vm.AgentVersion)
	}
	return true, ""
}

func imageSupported(req simulator.Request, img simulator.Image, supported map[string]bool, patterns []*regexp.Regexp) bool {
	if supported[strings.ToLower(img.Publisher+":"+img.Offer+":"+img.Sku)] {
		return true
	}
	for i, p := range req.ImagePatterns {
		if strings.EqualFold(p.Publisher, img.Publisher) && strings.EqualFold(p.Offer, img.Offer) && patterns[i].MatchString(strings.ToLower(img.Sku)) {
			return true
		}
	}
	return false
}

// olderAgent compares a dotted version with 2.2.53.1; unparsable versions
// count as older, so a broken inventory is never a pass.
func olderAgent(v string) bool {
	parts := strings.Split(v, ".")
	for i := range minLinuxAgent {
		n := 0
		if i < len(parts) {
			var err error
			if n, err = strconv.Atoi(parts[i]); err != nil {
				return true
			}
		}
		if n != minLinuxAgent[i] {
			return n < minLinuxAgent[i]
		}
	}
	return false
}

// plan fixes the phases: the fleet's explicit plan, checked against the
// pairs, or a default plan of growing phases (1, 2, 4, … regions, smallest
// regions first, the canary-then-broad shape of safe deployment) that never
// puts two paired regions together.
func (m *model) plan() error {
	m.intake = nil // every VM is in
	pairs := m.req.RegionPairs
	conflict := func(a, b string) bool {
		for _, p := range pairs[a] {
			if p == b {
				return true
			}
		}
		for _, p := range pairs[b] {
			if p == a {
				return true
			}
		}
		return false
	}
	if len(m.req.Fleet.Phases) > 0 {
		for i, phase := range m.req.Fleet.Phases {
			for j, a := range phase {
				if prev, dup := m.phaseOf[a]; dup {
					return inputError("region %s is in phase %d and phase %d of the plan", a, prev, i)
				}
				m.phaseOf[a] = i
				for _, b := range phase[j+1:] {
					if conflict(a, b) {
						return inputError("phase %d puts paired regions %s and %s together; paired regions are never updated in the same phase", i, a, b)
					}
				}
			}
			m.phases = append(m.phases, append([]string(nil), phase...))
		}
		return nil
	}
	regions := make([]string, 0, len(m.regionVMs))
	for r := range m.regionVMs {
		regions = append(regions, r)
	}
	sort.Slice(regions, func(i, j int) bool {
		a, b := len(m.regionVMs[regions[i]]), len(m.regionVMs[regions[j]])
		if a != b {
			return a < b
		}
		return regions[i] < regions[j]
	})
	for _, r := range regions {
		for i := 0; ; i++ {
			if i == len(m.phases) {
				m.phases = append(m.phases, nil)
			}
			fits := len(m.phases[i]) < 1<<i
			for _, other := range m.phases[i] {
				fits = fits && !conflict(r, other)
			}
			if fits {
				m.phases[i] = append(m.phases[i], r)
				m.phaseOf[r] = i
				break
			}
		}
	}
	for _, p := range m.phases {
		sort.Strings(p)
	}
	return nil
}
