package simulatortest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // fleets name IANA zones; the oracle must not depend on the host's zoneinfo

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Tolerance is the absolute tolerance of every curve comparison.
const Tolerance = 1e-9

// CheckInvariants checks a forecast against the rules every simulator must
// obey, whatever its model. It is an independent oracle: it recomputes what
// it can from the request (eligibility, local windows, power, pairs, zones,
// update domains, the curve) and only compares the forecast's own summaries
// (phases, region summaries) with that; it never reads the forecast's Plan.
// It returns one error per violation found, nil when there are none.
func CheckInvariants(req simulator.Request, f *simulator.Forecast) []error {
	if f == nil {
		return []error{fmt.Errorf("forecast is nil")}
	}
	c := &checker{req: req, f: f}
	c.setup()
	c.header()
	c.results()
	c.windows()
	c.conflicts()
	c.phases()
	c.curve()
	c.regions()
	return c.errs
}

type checker struct {
	req               simulator.Request
	f                 *simulator.Forecast
	errs              []error
	release, deadline time.Time
	rows              []row // one per fleet VM, in fleet order
	pairs             map[string]map[string]bool
	planned           map[string]bool // regions of the plan in force (explicit, else the request's default)
	plan              [][]string      // the plan in force
}

// row joins a fleet VM with its result and what the oracle recomputed.
type row struct {
	vm       simulator.VM
	res      *simulator.VMResult // nil when the forecast has none
	clock    *vmClock            // nil when the VM's schedule cannot be parsed
	eligible bool
	why      string    // why not eligible
	install  *interval // reported install, nil when none
}

func (c *checker) errorf(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func (c *checker) setup() {
	c.release = c.req.Fleet.Release.Date
	c.deadline = c.release.Add(time.Duration(c.req.Fleet.Settings.DeadlineDays) * day)
	c.pairs = pairGraph(c.req.RegionPairs)
	c.plan = c.req.DefaultPhases
	if len(c.req.Fleet.Phases) > 0 {
		c.plan = c.req.Fleet.Phases
	}
	c.planned = map[string]bool{}
	for _, p := range c.plan {
		for _, r := range p {
			c.planned[r] = true
		}
	}
	c.rows = make([]row, len(c.req.Fleet.VMs))
	for i, vm := range c.req.Fleet.VMs {
		r := &c.rows[i]
		r.vm = vm
		r.eligible, r.why = Eligibility(c.req, vm)
		clk, err := newVMClock(vm)
		if err != nil {
			c.errorf("VM %q: cannot check its schedule: %v", vm.Name, err)
		} else {
			r.clock = clk
		}
	}
}

// paired reports whether two regions must never share a phase or time
// (either direction of RegionPairs counts; region names compare
// case-insensitively).
func (c *checker) paired(a, b string) bool {
	return c.pairs[strings.ToLower(a)][strings.ToLower(b)]
}

func pairGraph(m map[string][]string) map[string]map[string]bool {
	g := map[string]map[string]bool{}
	add := func(a, b string) {
		a, b = strings.ToLower(a), strings.ToLower(b)
		if a == b {
			return
		}
		if g[a] == nil {
			g[a] = map[string]bool{}
		}
		g[a][b] = true
	}
	for a, bs := range m {
		for _, b := range bs {
			add(a, b)
			add(b, a)
		}
	}
	return g
}

func (c *checker) header() {
	f := c.f
	if !f.Release.Equal(c.release) {
		c.errorf("forecast release %s, want the fleet's release %s", ts(f.Release), ts(c.release))
	}
	if !f.Deadline.Equal(c.deadline) {
		c.errorf("forecast deadline %s, want release + %d×24h = %s", ts(f.Deadline), c.req.Fleet.Settings.DeadlineDays, ts(c.deadline))
	}
	if f.Seed != c.req.Seed {
		c.errorf("forecast seed %d, want the request's %d", f.Seed, c.req.Seed)
	}
	if want := max(c.req.Trials, 1); f.Trials != want {
		c.errorf("forecast trials %d, want %d", f.Trials, want)
	}
}

func (c *checker) results() {
	index := map[string]int{}
	for i, vm := range c.req.Fleet.VMs {
		if _, dup := index[vm.Name]; dup {
			c.errorf("fleet names VM %q twice; results cannot be matched", vm.Name)
			continue
		}
		index[vm.Name] = i
	}
	if len(c.f.VMs) != len(c.req.Fleet.VMs) {
		c.errorf("forecast has %d VM results, fleet has %d VMs", len(c.f.VMs), len(c.req.Fleet.VMs))
	}
	for k := range c.f.VMs {
		res := &c.f.VMs[k]
		i, ok := index[res.Name]
		switch {
		case !ok:
			c.errorf("VM result %q names no fleet VM", res.Name)
		case c.rows[i].res != nil:
			c.errorf("VM %q has more than one result", res.Name)
		default:
			c.rows[i].res = res
		}
	}
	for i := range c.rows {
		r := &c.rows[i]
		if r.res == nil {
			c.errorf("VM %q has no result", r.vm.Name)
			continue
		}
		c.result(r)
	}
}

func (c *checker) result(r *row) {
	vm, res := r.vm, r.res
	name := vm.Name
	if res.Region != vm.Region || res.Zone != vm.Zone || res.AvailabilitySet != vm.AvailabilitySet || res.UpdateDomain != vm.UpdateDomain {
		c.errorf("VM %q: result placement region=%q zone=%q set=%q UD=%d differs from the fleet's region=%q zone=%q set=%q UD=%d",
			name, res.Region, res.Zone, res.AvailabilitySet, res.UpdateDomain, vm.Region, vm.Zone, vm.AvailabilitySet, vm.UpdateDomain)
	}
	if res.Eligible != r.eligible {
		if r.eligible {
			c.errorf("VM %q: reported not eligible, but it is eligible (reason given: %q)", name, res.Reason)
		} else {
			c.errorf("VM %q: reported eligible, but it is not: %s", name, r.why)
		}
	}
	switch {
	case (res.InstallStart == nil) != (res.InstallEnd == nil):
		c.errorf("VM %q: installStart and installEnd must both be set or both be null", name)
	case res.InstallStart != nil:
		iv := interval{*res.InstallStart, *res.InstallEnd}
		if !iv.start.Before(iv.end) {
			c.errorf("VM %q: install interval %s is empty or reversed", name, iv)
		} else {
			r.install = &iv
		}
		if iv.start.Before(c.release) {
			c.errorf("VM %q: install starts %s, before the release %s", name, ts(iv.start), ts(c.release))
		}
	}
	if res.InstallStart == nil && (res.InstallWindows != 0 || res.CatchUp) {
		c.errorf("VM %q: no install, yet installWindows %d / catchUp %v", name, res.InstallWindows, res.CatchUp)
	}
	if !r.eligible || !res.Eligible {
		if res.Phase != -1 {
			c.errorf("VM %q: not eligible but in phase %d, want -1", name, res.Phase)
		}
		if res.InstallStart != nil || res.InstallEnd != nil {
			c.errorf("VM %q: not eligible but has install times", name)
		}
		if res.Compliant {
			c.errorf("VM %q: not eligible but compliant", name)
		}
	} else if !c.planned[vm.Region] {
		if res.Phase != -1 || res.InstallStart != nil || res.Compliant {
			c.errorf("VM %q: region %s is in no phase of the fleet's plan, yet the VM has phase %d, install or compliance", name, vm.Region, res.Phase)
		}
	} else if res.Phase < 0 {
		c.errorf("VM %q: eligible but phase %d; an eligible VM belongs to its region's phase", name, res.Phase)
	}
	if res.Compliant {
		switch {
		case res.InstallEnd == nil:
			c.errorf("VM %q: compliant without an install", name)
		case res.InstallEnd.After(c.deadline):
			c.errorf("VM %q: compliant but its install ends %s, after the deadline %s", name, ts(*res.InstallEnd), ts(c.deadline))
		}
	} else if strings.TrimSpace(res.Reason) == "" {
		c.errorf("VM %q: not compliant and no reason given", name)
	}
	if res.LocalInstall != "" {
		lt, err := time.Parse(time.RFC3339, res.LocalInstall)
		switch {
		case err != nil:
			c.errorf("VM %q: localInstall %q is not RFC 3339: %v", name, res.LocalInstall, err)
		case res.InstallStart == nil:
			c.errorf("VM %q: localInstall %q without an installStart", name, res.LocalInstall)
		case lt.After(*res.InstallStart) || res.InstallStart.Sub(lt) >= time.Second:
			// RFC 3339 without fractional seconds truncates the instant.
			c.errorf("VM %q: localInstall %q is not the instant of installStart %s", name, res.LocalInstall, res.InstallStart.UTC().Format(time.RFC3339Nano))
		case r.clock != nil:
			_, got := lt.Zone()
			_, want := res.InstallStart.In(r.clock.loc).Zone()
			if got != want {
				c.errorf("VM %q: localInstall %q has UTC offset %ds, %s is at %ds then", name, res.LocalInstall, got, vm.TimeZone, want)
			}
		}
	}
}

// windows checks every reported install against the VM's local off-peak
// window and power state.
func (c *checker) windows() {
	for i := range c.rows {
		r := &c.rows[i]
		if r.install == nil || r.clock == nil {
			continue
		}
		s, e := r.install.start, r.install.end
		loc := r.clock.loc
		local := s.In(loc).Format("2006-01-02 15:04 MST") + " – " + e.In(loc).Format("2006-01-02 15:04 MST")
		switch n := r.res.InstallWindows; {
		case n < 1:
			c.errorf("VM %q: installed but installWindows is %d", r.vm.Name, n)
			continue
		case n > 1 || e.Sub(s) != time.Duration(max(r.vm.InstallMinutes, 1))*time.Minute:
			// An install that paused (the window closed, or the VM went
			// off) and carried on: its first and last instants lie in
			// off-peak windows while the VM is on; the spans between are
			// the model's own (its tests check them).
			for _, m := range []interval{{s, s.Add(time.Nanosecond)}, {e.Add(-time.Nanosecond), e}} {
				if !r.clock.inOffPeak(m.start, m.end) || !r.clock.isOn(m.start, m.end) {
					c.errorf("VM %q: install over %d windows %s (local %s) has a first or last instant outside an off-peak window while on", r.vm.Name, n, *r.install, local)
				}
			}
			continue
		}
		if !r.clock.inOffPeak(s, e) {
			c.errorf("VM %q: install %s (local %s) is outside every off-peak window occurrence (%s–%s %s)",
				r.vm.Name, *r.install, local, r.vm.OffPeak.Start, r.vm.OffPeak.End, r.vm.TimeZone)
		}
		if o, off := r.clock.inOutage(s, e); off {
			c.errorf("VM %q: install %s (local %s) runs while powered off (outage %s)", r.vm.Name, *r.install, local, o)
		} else if !r.clock.isOn(s, e) {
			c.errorf("VM %q: install %s (local %s) is outside its power schedule (powered off)", r.vm.Name, *r.install, local)
		}
	}
}

// setKey identifies an availability set: its name within a subscription and
// region.
type setKey struct{ sub, region, name string }

func keyOf(vm simulator.VM) setKey {
	return setKey{vm.Subscription, vm.Region, vm.AvailabilitySet}
}

// SetConcurrency is how many VMs of an availability set of n VMs may
// install at once: 20% of the set, rounded down, at least one.
func SetConcurrency(n int) int { return max(1, n/5) }

// conflicts checks installs against each other: paired regions never at the
// same time, zones of a region one at a time, update domains of a set one
// at a time, and a set's concurrency cap.
func (c *checker) conflicts() {
	// Only installs in the VMs' turns are ordered: a VM that missed its turn
	// or failed is patched on its own (catchUp), outside the order. Paired
	// regions never share a phase, and phases never overlap (phases()).
	var inst []*row
	for i := range c.rows {
		if c.rows[i].install != nil && !c.rows[i].res.CatchUp {
			inst = append(inst, &c.rows[i])
		}
	}
	for i, a := range inst {
		for _, b := range inst[i+1:] {
			if !overlaps(*a.install, *b.install) {
				continue
			}
			va, vb := a.vm, b.vm
			if va.Region == vb.Region && va.Zone != "" && vb.Zone != "" && va.Zone != vb.Zone {
				c.errorf("VMs %q (zone %s) and %q (zone %s) in different zones of region %s install at the same time: %s and %s",
					va.Name, va.Zone, vb.Name, vb.Zone, va.Region, *a.install, *b.install)
			}
			if va.AvailabilitySet != "" && keyOf(va) == keyOf(vb) && va.UpdateDomain != vb.UpdateDomain {
				c.errorf("VMs %q (UD %d) and %q (UD %d) in different update domains of availability set %s install at the same time: %s and %s",
					va.Name, va.UpdateDomain, vb.Name, vb.UpdateDomain, va.AvailabilitySet, *a.install, *b.install)
			}
		}
	}
	// The cap counts every fleet VM of the set, eligible or not.
	size := map[setKey]int{}
	for _, r := range c.rows {
		if r.vm.AvailabilitySet != "" {
			size[keyOf(r.vm)]++
		}
	}
	type event struct {
		at    time.Time
		delta int
		name  string
	}
	events := map[setKey][]event{}
	for _, r := range inst {
		if r.vm.AvailabilitySet == "" {
			continue
		}
		k := keyOf(r.vm)
		events[k] = append(events[k], event{r.install.start, +1, r.vm.Name}, event{r.install.end, -1, r.vm.Name})
	}
	keys := make([]setKey, 0, len(events))
	for k := range events {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.sub != b.sub {
			return a.sub < b.sub
		}
		if a.region != b.region {
			return a.region < b.region
		}
		return a.name < b.name
	})
	if !c.req.AvailabilitySetCap {
		return // the 2021 doc has no cap inside an update domain
	}
	for _, k := range keys {
		ev := events[k]
		sort.Slice(ev, func(i, j int) bool {
			if !ev[i].at.Equal(ev[j].at) {
				return ev[i].at.Before(ev[j].at)
			}
			return ev[i].delta < ev[j].delta // an install ending frees its slot for one starting then
		})
		limit := SetConcurrency(size[k])
		n, worst := 0, 0
		var at time.Time
		for _, e := range ev {
			n += e.delta
			if n > worst {
				worst, at = n, e.at
			}
		}
		if worst > limit {
			c.errorf("availability set %s (subscription %s, region %s, %d VMs): %d concurrent installs at %s, cap is %d",
				k.name, k.sub, k.region, size[k], worst, ts(at), limit)
		}
	}
}

func (c *checker) phases() {
	f := c.f
	pos := map[int]int{} // phase index -> position in f.Phases
	regionPhase := map[string]int{}
	for i := range f.Phases {
		p := &f.Phases[i]
		if i > 0 && p.Index <= f.Phases[i-1].Index {
			c.errorf("phase indices not strictly increasing: %d after %d", p.Index, f.Phases[i-1].Index)
		}
		if _, dup := pos[p.Index]; !dup {
			pos[p.Index] = i
		}
		switch p.Status {
		case simulator.PhaseSucceeded, simulator.PhaseHalted, simulator.PhaseNotStarted:
		default:
			c.errorf("phase %d: unknown status %q", p.Index, p.Status)
		}
		for j, a := range p.Regions {
			if prev, dup := regionPhase[a]; dup {
				c.errorf("region %s is in phase %d and phase %d", a, prev, p.Index)
			} else {
				regionPhase[a] = p.Index
			}
			for _, b := range p.Regions[j+1:] {
				if c.paired(a, b) {
					c.errorf("phase %d contains paired regions %s and %s", p.Index, a, b)
				}
			}
		}
		switch p.Status {
		case simulator.PhaseNotStarted:
			if p.Start != nil || p.End != nil {
				c.errorf("phase %d: not-started but has a start or end", p.Index)
			}
		case simulator.PhaseSucceeded:
			if p.Start == nil || p.End == nil {
				c.errorf("phase %d: succeeded without both start and end", p.Index)
			}
		case simulator.PhaseHalted:
			if p.Start == nil {
				c.errorf("phase %d: halted without a start", p.Index)
			}
			if p.Unhealthy < 1 {
				c.errorf("phase %d: halted with %d unhealthy VMs", p.Index, p.Unhealthy)
			}
		}
		if p.Start != nil && p.End != nil && p.End.Before(*p.Start) {
			c.errorf("phase %d: ends %s before it starts %s", p.Index, ts(*p.End), ts(*p.Start))
		}
		if p.Start != nil && p.Start.Before(c.release) {
			c.errorf("phase %d: starts %s, before the release %s", p.Index, ts(*p.Start), ts(c.release))
		}
		if p.Patched < 0 || p.Patched > p.VMs || p.Unhealthy < 0 || p.Unhealthy > p.VMs {
			c.errorf("phase %d: patched %d and unhealthy %d must lie in [0, vms=%d]", p.Index, p.Patched, p.Unhealthy, p.VMs)
		}
		if i == 0 {
			continue
		}
		prev := &f.Phases[i-1]
		st := c.req.Fleet.Settings
		bake := time.Duration(st.PhaseBakeHours * float64(time.Hour))
		switch {
		case prev.Status == simulator.PhaseHalted && st.HaltHours == nil && (p.Status != simulator.PhaseNotStarted || p.Start != nil):
			c.errorf("phase %d is %s after halted phase %d; every phase after a halted one must be not-started", p.Index, p.Status, prev.Index)
		case prev.Status == simulator.PhaseHalted && st.HaltHours != nil && p.Start != nil && prev.End != nil &&
			p.Start.Before(prev.End.Add(time.Duration(*st.HaltHours*float64(time.Hour)))):
			c.errorf("phase %d starts %s, before halted phase %d's end %s plus haltHours %g", p.Index, ts(*p.Start), prev.Index, ts(*prev.End), *st.HaltHours)
		case prev.Status == simulator.PhaseNotStarted && p.Status != simulator.PhaseNotStarted:
			c.errorf("phase %d is %s after not-started phase %d", p.Index, p.Status, prev.Index)
		case p.Start != nil && prev.Status == simulator.PhaseSucceeded && prev.End != nil && p.Start.Before(prev.End.Add(bake)):
			c.errorf("phase %d starts %s, before phase %d ends %s plus the bake time", p.Index, ts(*p.Start), prev.Index, ts(*prev.End))
		}
	}
	if len(c.plan) != len(f.Phases) {
		c.errorf("the plan in force has %d phases, forecast has %d", len(c.plan), len(f.Phases))
	} else {
		for i := range c.plan {
			switch {
			case len(c.req.Fleet.Phases) > 0 && !sameSet(c.plan[i], f.Phases[i].Regions):
				c.errorf("phase %d has regions %v, the fleet's explicit plan says %v", f.Phases[i].Index, f.Phases[i].Regions, c.plan[i])
			case len(c.req.Fleet.Phases) == 0:
				for _, r := range f.Phases[i].Regions {
					if !contains(c.plan[i], r) {
						c.errorf("phase %d lists region %s, which the default plan puts elsewhere", f.Phases[i].Index, r)
					}
				}
			}
		}
	}
	// Every phased VM: its phase exists, holds its region, and spans its install.
	count := map[int]int{}
	halted := false
	for i := range f.Phases {
		if f.Phases[i].Status == simulator.PhaseHalted {
			halted = true
		}
	}
	for i := range c.rows {
		r := &c.rows[i]
		if r.res == nil || r.res.Phase < 0 {
			continue
		}
		count[r.res.Phase]++
		k, ok := pos[r.res.Phase]
		if !ok {
			c.errorf("VM %q: phase %d does not exist", r.vm.Name, r.res.Phase)
			continue
		}
		p := &f.Phases[k]
		if !contains(p.Regions, r.vm.Region) {
			c.errorf("VM %q: its phase %d has regions %v, not its region %s", r.vm.Name, p.Index, p.Regions, r.vm.Region)
		}
		if p.Status == simulator.PhaseNotStarted {
			if r.res.InstallStart != nil || r.res.Compliant {
				what := "not-started"
				if halted {
					what = "not-started (an earlier phase halted)"
				}
				c.errorf("VM %q: installs or is compliant in %s phase %d", r.vm.Name, what, p.Index)
			}
			continue
		}
		if r.install == nil {
			continue
		}
		if p.Start != nil && r.install.start.Before(*p.Start) {
			c.errorf("VM %q: install %s starts before its phase %d starts %s", r.vm.Name, *r.install, p.Index, ts(*p.Start))
		}
		if p.End != nil && !r.res.CatchUp && !r.install.start.Before(*p.End) {
			c.errorf("VM %q: install %s in its turn starts after its phase %d ends %s", r.vm.Name, *r.install, p.Index, ts(*p.End))
		}
	}
	for i := range f.Phases {
		p := &f.Phases[i]
		if p.VMs != count[p.Index] {
			c.errorf("phase %d: vms %d, but %d VM results name this phase", p.Index, p.VMs, count[p.Index])
		}
	}
}

func (c *checker) curve() {
	days := c.req.Fleet.Settings.DeadlineDays
	cv := c.f.Curve
	if len(cv) != days+1 {
		c.errorf("curve has %d points, want days 0..%d (%d points)", len(cv), days, days+1)
	}
	total := len(c.req.Fleet.VMs)
	for d, p := range cv {
		if p.Day != d {
			c.errorf("curve point %d has day %d", d, p.Day)
		}
		for _, v := range []struct {
			name string
			val  float64
		}{{"compliant", p.Compliant}, {"p10", p.P10}, {"p50", p.P50}, {"p90", p.P90}} {
			if math.IsNaN(v.val) || v.val < -Tolerance || v.val > 1+Tolerance {
				c.errorf("curve day %d: %s %v outside [0, 1]", p.Day, v.name, v.val)
			}
			if d > 0 {
				var before float64
				switch v.name {
				case "compliant":
					before = cv[d-1].Compliant
				case "p10":
					before = cv[d-1].P10
				case "p50":
					before = cv[d-1].P50
				case "p90":
					before = cv[d-1].P90
				}
				if v.val < before-Tolerance {
					c.errorf("curve %s decreases from %v on day %d to %v on day %d", v.name, before, d-1, v.val, d)
				}
			}
		}
		if p.P10 > p.P50+Tolerance || p.P50 > p.P90+Tolerance {
			c.errorf("curve day %d: want p10 ≤ p50 ≤ p90, got %v, %v, %v", p.Day, p.P10, p.P50, p.P90)
		}
		if total == 0 {
			continue
		}
		by := c.release.Add(time.Duration(d) * day)
		n := 0
		for _, r := range c.rows {
			if r.res != nil && r.res.Compliant && r.res.InstallEnd != nil && !r.res.InstallEnd.After(by) {
				n++
			}
		}
		if want := float64(n) / float64(total); math.Abs(p.Compliant-want) > Tolerance {
			c.errorf("curve day %d: compliant %v, but %d of %d fleet VMs are compliant with installEnd ≤ %s (%v)",
				d, p.Compliant, n, total, ts(by), want)
		}
	}
}

// regions checks the per-region summaries against the VM results.
func (c *checker) regions() {
	type counts struct{ vms, eligible, compliant int }
	want := map[string]*counts{}
	for _, r := range c.rows {
		w := want[r.vm.Region]
		if w == nil {
			w = &counts{}
			want[r.vm.Region] = w
		}
		w.vms++
		if r.eligible {
			w.eligible++
		}
		if r.res != nil && r.res.Compliant {
			w.compliant++
		}
	}
	phaseOf := map[string]int{}
	for _, p := range c.f.Phases {
		for _, r := range p.Regions {
			phaseOf[r] = p.Index
		}
	}
	seen := map[string]bool{}
	for _, s := range c.f.Regions {
		if seen[s.Region] {
			c.errorf("region %s has more than one summary", s.Region)
			continue
		}
		seen[s.Region] = true
		w := want[s.Region]
		if w == nil {
			c.errorf("region summary %s names no region of the fleet", s.Region)
			continue
		}
		if s.VMs != w.vms || s.Eligible != w.eligible || s.Compliant != w.compliant {
			c.errorf("region %s summary vms/eligible/compliant %d/%d/%d, want %d/%d/%d",
				s.Region, s.VMs, s.Eligible, s.Compliant, w.vms, w.eligible, w.compliant)
		}
		if p, ok := phaseOf[s.Region]; ok && s.Phase != p {
			c.errorf("region %s summary says phase %d, it is in phase %d", s.Region, s.Phase, p)
		} else if !ok && s.Phase != -1 {
			c.errorf("region %s summary says phase %d, it is in no phase", s.Region, s.Phase)
		}
	}
	names := make([]string, 0, len(want))
	for r := range want {
		names = append(names, r)
	}
	sort.Strings(names)
	for _, r := range names {
		if !seen[r] {
			c.errorf("region %s has no summary", r)
		}
	}
}

// Eligibility recomputes whether the platform orchestrates vm under req,
// and if not, why. The rules, in order: OS is windows or linux (any case);
// the patch mode (the VM's own, else the request's DefaultPatchModes for
// its OS) is AutomaticByPlatform (any case); not a custom image; the
// image's lower-case "publisher:offer:sku" key is in SupportedImages
// (compared lower-case) or an ImagePattern matches (publisher and offer
// equal ignoring case, the unanchored regexp matching the lower-case sku);
// a Windows VM has enableAutomaticUpdates when WindowsNeedsAutoUpdates; a
// Linux VM's agentVersion is empty or, compared numerically part by part
// (missing parts are 0), at least the request's MinLinuxAgent — an
// unparsable version is not, and no version is when MinLinuxAgent does not
// parse.
func Eligibility(req simulator.Request, vm simulator.VM) (bool, string) {
	os := strings.ToLower(vm.OS)
	mode := req.DefaultPatchModes.For(&vm)
	switch {
	case os != "windows" && os != "linux":
		return false, fmt.Sprintf("unknown OS %q", vm.OS)
	case !strings.EqualFold(mode, "AutomaticByPlatform"):
		return false, fmt.Sprintf("patchMode %s is not AutomaticByPlatform", mode)
	case vm.CustomImage:
		return false, "custom image"
	case !imageSupported(req, vm.Image):
		return false, fmt.Sprintf("image %s:%s:%s is not supported", vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku)
	case os == "windows" && req.WindowsNeedsAutoUpdates && !vm.EnableAutomaticUpdates:
		return false, "Windows with enableAutomaticUpdates false"
	case os == "linux" && vm.AgentVersion != "" && !versionAtLeast(vm.AgentVersion, req.MinLinuxAgent):
		return false, fmt.Sprintf("Linux agent %s is older than %s", vm.AgentVersion, req.MinLinuxAgent)
	}
	return true, ""
}

func imageSupported(req simulator.Request, img simulator.Image) bool {
	key := strings.ToLower(img.Publisher + ":" + img.Offer + ":" + img.Sku)
	for _, k := range req.SupportedImages {
		if strings.ToLower(k) == key {
			return true
		}
	}
	for _, p := range req.ImagePatterns {
		if !strings.EqualFold(p.Publisher, img.Publisher) || !strings.EqualFold(p.Offer, img.Offer) {
			continue
		}
		if re, err := regexp.Compile(p.SkuRegex); err == nil && re.MatchString(strings.ToLower(img.Sku)) {
			return true
		}
	}
	return false
}

// versionAtLeast compares dotted numeric versions; false when v or min does
// not parse.
func versionAtLeast(v, min string) bool {
	parse := func(s string) ([]int, bool) {
		var out []int
		for _, p := range strings.Split(s, ".") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				return nil, false
			}
			out = append(out, n)
		}
		return out, true
	}
	a, ok := parse(v)
	if !ok {
		return false
	}
	b, ok := parse(min)
	if !ok {
		return false
	}
	for i := range max(len(a), len(b)) {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x > y
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
