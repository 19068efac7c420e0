package reference

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// model is everything about a request that does not change between trials.
type model struct {
	req       simulator.Request
	release   time.Time
	deadline  time.Time
	horizon   time.Time // installs are simulated this far, to say how late a late VM is
	vms       []vmState
	phases    [][]string       // region names per phase of the plan
	shown     [][]string       // per phase, the regions a forecast lists
	phaseOf   map[string]int   // region -> phase
	regionVMs map[string][]int // region -> its eligible VMs
	regions   map[string]bool  // every region of the fleet
	setSize   map[string]int   // availability set (setKey.in) -> its fleet VMs, eligible or not
	intake    *intake          // while VMs are added
}

// intake is what judging each VM as it is added needs.
type intake struct {
	supported map[string]bool
	patterns  []*regexp.Regexp
	minAgent  []int // the request's MinLinuxAgent, parsed
	locs      map[string]*time.Location
	clocks    map[string]*clock // VMs with the same schedule share a clock
	enabled   map[string]time.Time
	names     map[string]bool
}

// vmState is a VM's trial-independent facts.
type vmState struct {
	vm        *simulator.VM
	clock     *clock
	key       uint64 // the VM's name, hashed: keys its random numbers
	eligible  bool
	reason    string    // why not eligible
	enabledAt time.Time // when enablement is done (the release when it was done before); zero: never before the horizon
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
	case st.PhaseHours <= 0:
		return nil, inputError("settings.phaseHours must be positive")
	case st.HaltHours != nil && *st.HaltHours < 0:
		return nil, inputError("settings.haltHours must not be negative")
	case len(fl.Phases) == 0 && len(req.DefaultPhases) == 0:
		return nil, inputError("no phase plan: the fleet has no phases and the request no defaultPhases")
	}
	// The profile's facts come in the request, never from the model: one
	// missing would leave a VM judged by nothing.
	minAgent, ok := parseVersion(req.MinLinuxAgent)
	if !ok {
		return nil, inputError("the request's minLinuxAgent %q is not a dotted version: the host sends its profile's", req.MinLinuxAgent)
	}
	if d := req.DefaultPatchModes; d.Windows == "" || d.Linux == "" || d.WindowsAutomaticUpdatesOff == "" {
		return nil, inputError("the request's defaultPatchModes lack a mode (windows %q, linux %q, windowsAutomaticUpdatesOff %q): the host sends its profile's", d.Windows, d.Linux, d.WindowsAutomaticUpdatesOff)
	}
	m := &model{
		req:       req,
		release:   fl.Release.Date.UTC(),
		regionVMs: map[string][]int{},
		regions:   map[string]bool{},
		setSize:   map[string]int{},
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
		minAgent:  minAgent,
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
	s := vmState{vm: vm, clock: c, key: nameKey(vm.Name)}
	m.regions[vm.Region] = true
	if vm.AvailabilitySet != "" {
		m.setSize[setKey{vm.Subscription, vm.AvailabilitySet}.in(vm.Region)]++
	}
	s.eligible, s.reason = eligibility(m.req, vm, in)
	if s.eligible {
		s.enabledAt = m.release
		if strings.EqualFold(vm.Enablement, simulator.EnablementPending) {
			// Enablement is done once (D12): only a VM marked pending
			// spends the enablement time, resuming across windows.
			done, ok := in.enabled[key]
			if !ok {
				first, found := c.firstWorkable(m.release, m.horizon)
				if found {
					done = c.doWork(first, time.Duration(m.req.Fleet.Settings.EnablementMinutes)*time.Minute, m.horizon, nil).end
				}
				in.enabled[key] = done
			}
			s.enabledAt = done
		}
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
// A VM without a patch mode has the one the request's defaults give.
func eligibility(req simulator.Request, vm *simulator.VM, in *intake) (bool, string) {
	os := strings.ToLower(vm.OS)
	mode := req.DefaultPatchModes.For(vm)
	switch {
	case os != "windows" && os != "linux":
		return false, fmt.Sprintf("unknown OS %q", vm.OS)
	case !strings.EqualFold(mode, "AutomaticByPlatform"):
		return false, fmt.Sprintf("not platform-orchestrated: patchMode %s", mode)
	case vm.CustomImage:
		return false, "custom image: automatic guest patching supports only platform images"
	case !imageSupported(req, vm.Image, in.supported, in.patterns):
		return false, fmt.Sprintf("image %s:%s:%s is not supported under profile %s", vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku, req.Profile)
	case os == "windows" && req.WindowsNeedsAutoUpdates && !vm.EnableAutomaticUpdates:
		return false, fmt.Sprintf("enableAutomaticUpdates is false; profile %s requires true with AutomaticByPlatform", req.Profile)
	case os == "linux" && vm.AgentVersion != "" && olderAgent(vm.AgentVersion, in.minAgent):
		return false, fmt.Sprintf("Linux VM agent %s is older than %s", vm.AgentVersion, req.MinLinuxAgent)
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

// olderAgent compares a dotted version with minLinuxAgent, part by part
// (missing parts are 0); unparsable versions count as older, so a broken
// inventory is never a pass.
func olderAgent(v string, minLinuxAgent []int) bool {
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

// parseVersion reads dotted non-negative numbers ("2.2.53.1").
func parseVersion(v string) ([]int, bool) {
	if v == "" {
		return nil, false
	}
	parts := strings.Split(v, ".")
	out := make([]int, len(parts))
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// plan fixes the phases: the fleet's explicit plan, checked against the
// pairs, else the host's Azure-wide plan. Azure's phases do not depend on
// this customer's fleet: a VM follows its region's phase.
func (m *model) plan() error {
	m.intake = nil // every VM is in
	pairs := m.req.RegionPairs
	conflict := func(a, b string) bool {
		return slices.Contains(pairs[a], b) || slices.Contains(pairs[b], a)
	}
	explicit := len(m.req.Fleet.Phases) > 0
	plan := m.req.DefaultPhases
	if explicit {
		plan = m.req.Fleet.Phases
	}
	for i, phase := range plan {
		var shown []string
		for j, a := range phase {
			if prev, dup := m.phaseOf[a]; dup {
				return inputError("region %s is in phase %d and phase %d of the plan", a, prev, i)
			}
			m.phaseOf[a] = i
			if explicit {
				for _, b := range phase[j+1:] {
					if conflict(a, b) {
						return inputError("phase %d puts paired regions %s and %s together; paired regions are never updated in the same phase", i, a, b)
					}
				}
			}
			if explicit || m.regions[a] {
				shown = append(shown, a)
			}
		}
		sort.Strings(shown)
		if shown == nil {
			shown = []string{}
		}
		m.phases = append(m.phases, slices.Clone(phase))
		m.shown = append(m.shown, shown)
	}
	return nil
}

// nameKey hashes a VM name (FNV-1a): the key of the VM's random numbers.
func nameKey(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}
