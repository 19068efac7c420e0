package reference

import (
	"context"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// missed says why a VM did not install in its turn of the rollout.
type missed uint8

const (
	missedNone       missed = iota
	missedOff               // off (or no off-peak time) in the window of its turn
	missedEnablement        // enablement not finished by the end of that window
	missedPhaseOver         // its group's turn came after its phase's hours
)

// Phase markers of outcome.notStarted.
const (
	phaseStarted      = -1 // the VM's phase started
	phaseAfterHorizon = -2 // the VM's phase would start after the simulated period
)

// outcome is one VM's fate in one trial.
type outcome struct {
	rng        stream
	offset     time.Duration // of its periodic assessments after the release
	batchU     float64       // its place among its batch-mates, drawn monthly (D10)
	assessed   time.Time     // first periodic assessment after the release
	turn       time.Time     // when its group's turn came; zero: never
	missed     missed
	start, end time.Time // the successful install; zero when none
	windows    int
	catchUp    bool
	attempts   int
	failed     int       // failed attempts
	lastFail   time.Time // end of the last failed attempt
	unhealthy  bool
	stalled    time.Time     // start of an install still unfinished at the horizon
	doneBy     time.Duration // work of that install done by the deadline
	notStarted int           // phaseStarted, phaseAfterHorizon, or the halted phase that stopped the rollout before this VM's phase
}

// trial is one simulated month.
type trial struct {
	index  int
	out    []outcome
	phases []simulator.Phase
	steps  []simulator.Step // trial 0 only
}

// run simulates one month: Azure's phases on their schedule, each region's
// orchestrated turns, then each VM that missed its turn or failed patched
// on its own at its next chance. Nothing one VM does delays another: the
// chain of turns moves on past a VM that is off, not yet enabled, or whose
// attempt fails, and random numbers are drawn per VM.
func (m *model) run(ctx context.Context, index int, steps bool) *trial {
	st := m.req.Fleet.Settings
	tr := &trial{index: index, out: make([]outcome, len(m.vms))}
	interval := hours(st.AssessmentIntervalHours)
	for i := range m.vms {
		o := &tr.out[i]
		o.notStarted = phaseStarted
		if !m.vms[i].eligible {
			continue
		}
		o.rng = newStream(m.req.Seed, index, m.vms[i].key)
		// Assessments fall on whole minutes ("the first minute the VM is
		// on inside its off-peak window").
		o.offset = time.Duration(o.rng.float() * float64(interval)).Truncate(time.Minute)
		o.batchU = o.rng.float()
		o.assessed, _ = m.vms[i].clock.firstWorkable(ceilMinute(m.release.Add(o.offset)), m.horizon)
	}
	if steps {
		tr.steps = []simulator.Step{}
	}
	phaseLen, bake := hours(st.PhaseHours), hours(st.PhaseBakeHours)
	start := m.release
	stoppedBy := phaseStarted
	for p, regions := range m.phases {
		if ctx.Err() != nil {
			return nil
		}
		ph := simulator.Phase{Index: p, Regions: m.shown[p], Status: simulator.PhaseNotStarted}
		var members []int
		for _, r := range regions {
			members = append(members, m.regionVMs[r]...)
		}
		ph.VMs = len(members)
		if stoppedBy != phaseStarted || !start.Before(m.horizon) {
			mark := stoppedBy
			if mark == phaseStarted {
				mark = phaseAfterHorizon
			}
			for _, i := range members {
				tr.out[i].notStarted = mark
			}
			tr.phases = append(tr.phases, ph)
			continue
		}
		end := start.Add(phaseLen)
		for _, r := range regions {
			m.region(tr, p, r, start, end)
		}
		for _, i := range members {
			m.catchUp(tr, i, end)
			if o := &tr.out[i]; !o.end.IsZero() && !o.end.After(end) {
				ph.Patched++
				if o.unhealthy {
					ph.Unhealthy++
				}
			}
		}
		s, e := start.UTC(), end.UTC()
		ph.Start, ph.End = &s, &e
		ph.Status = simulator.PhaseSucceeded
		start = end.Add(bake)
		if ph.Patched > 0 && float64(ph.Unhealthy)/float64(ph.Patched) > st.HealthThreshold {
			ph.Status = simulator.PhaseHalted
			if st.HaltHours == nil {
				stoppedBy = p
			} else {
				start = end.Add(hours(*st.HaltHours))
			}
		}
		tr.phases = append(tr.phases, ph)
	}
	return tr
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)) }

// region runs a region's orchestrated turns in [start, phaseEnd): zones one
// after another (in an order drawn each month, as Microsoft publishes
// none), inside a zone and outside availability sets each subscription's
// VMs in batches (D8), and each availability set update domain by update
// domain (D9), under the current profile at most 20% of the set at once.
// Chains of different subscriptions and sets run side by side.
func (m *model) region(tr *trial, phase int, region string, start, phaseEnd time.Time) {
	zones := map[string][]int{}
	sets := map[setKey][]int{}
	subs := map[string][]int{}
	for _, i := range m.regionVMs[region] {
		vm := m.vms[i].vm
		switch {
		case vm.Zone != "":
			zones[vm.Zone] = append(zones[vm.Zone], i)
		case vm.AvailabilitySet != "":
			k := setKey{vm.Subscription, vm.AvailabilitySet}
			sets[k] = append(sets[k], i)
		default:
			subs[vm.Subscription] = append(subs[vm.Subscription], i)
		}
	}
	g := groupRun{m: m, tr: tr, phase: phase, region: region, phaseEnd: phaseEnd}

	zoneNames := sortedKeys(zones)
	zoneKey := func(z string) uint64 { return mix(m.req.Seed, tr.index, nameKey(region+"\x00"+z)) }
	sort.SliceStable(zoneNames, func(a, b int) bool { return zoneKey(zoneNames[a]) < zoneKey(zoneNames[b]) })
	t := start
	for _, z := range zoneNames {
		bySub := map[string][]int{}
		for _, i := range zones[z] {
			sub := m.vms[i].vm.Subscription
			bySub[sub] = append(bySub[sub], i)
		}
		zoneEnd := t
		for _, sub := range sortedKeys(bySub) {
			zoneEnd = latest(zoneEnd, g.batches(fmt.Sprintf("zone %s, subscription %s", z, sub), bySub[sub], t))
		}
		t = zoneEnd
	}

	setKeys := make([]setKey, 0, len(sets))
	for k := range sets {
		setKeys = append(setKeys, k)
	}
	sort.Slice(setKeys, func(a, b int) bool { return setKeys[a].less(setKeys[b]) })
	for _, k := range setKeys {
		g.availabilitySet(k, sets[k], m.setSize[setKey{k.sub, k.name}.in(region)], start)
	}

	for _, sub := range sortedKeys(subs) {
		g.batches("subscription "+sub, subs[sub], start)
	}
}

// setKey names an availability set within a region.
type setKey struct{ sub, name string }

func (k setKey) less(o setKey) bool {
	if k.sub != o.sub {
		return k.sub < o.sub
	}
	return k.name < o.name
}

// in names the set across regions.
func (k setKey) in(region string) string { return k.sub + "\x00" + region + "\x00" + k.name }

// groupRun runs the turns of one region's groups.
type groupRun struct {
	m        *model
	tr       *trial
	phase    int
	region   string
	phaseEnd time.Time
}

// batches runs a subscription's VMs in batches of about batchShare of
// them, one batch after another from start, and returns when the last is
// done. A VM's batch comes from its own monthly draw, so adding or
// removing a VM moves no other VM to another batch; the doc promises this
// batching on a best-effort basis only.
func (g groupRun) batches(label string, members []int, start time.Time) time.Time {
	n := max(1, int(math.Ceil(1/g.m.req.Fleet.Settings.BatchShare-1e-9)))
	byBatch := make([][]int, n)
	for _, i := range members {
		b := min(n-1, int(g.tr.out[i].batchU*float64(n)))
		byBatch[b] = append(byBatch[b], i)
	}
	t := start
	for b, batch := range byBatch {
		if len(batch) > 0 {
			t = g.group(fmt.Sprintf("%s, batch %d", label, b+1), batch, t)
		}
	}
	return t
}

// availabilitySet runs a set's update domains one after another (D9); under
// the current profile an update domain goes in slices of at most 20% of
// the set's size (one VM at a time in a set of fewer than 10).
func (g groupRun) availabilitySet(k setKey, members []int, size int, start time.Time) {
	byUD := map[int][]int{}
	for _, i := range members {
		ud := g.m.vms[i].vm.UpdateDomain
		byUD[ud] = append(byUD[ud], i)
	}
	uds := make([]int, 0, len(byUD))
	for ud := range byUD {
		uds = append(uds, ud)
	}
	sort.Ints(uds)
	limit := 0
	if g.m.req.AvailabilitySetCap {
		limit = max(1, size/5)
		if size < 10 {
			limit = 1
		}
	}
	t := start
	for _, ud := range uds {
		vms := byUD[ud]
		label := fmt.Sprintf("availability set %s, UD %d", k.name, ud)
		if limit == 0 || len(vms) <= limit {
			t = g.group(label, vms, t)
			continue
		}
		sort.SliceStable(vms, func(a, b int) bool { return g.tr.out[vms[a]].batchU < g.tr.out[vms[b]].batchU })
		for s := 0; s*limit < len(vms); s++ {
			t = g.group(fmt.Sprintf("%s, slice %d", label, s+1), vms[s*limit:min((s+1)*limit, len(vms))], t)
		}
	}
}

// group gives a group of VMs that may be updated together its turn at
// start, and returns when the group is done: when the last of its
// successful installs ends. A VM that is off, not yet enabled, or whose
// attempt fails holds nobody; it is patched on its own later (catchUp).
func (g groupRun) group(label string, members []int, start time.Time) time.Time {
	m, tr := g.m, g.tr
	end := start
	first := time.Time{}
	var names []string
	if tr.steps != nil {
		names = make([]string, 0, len(members))
	}
	for _, i := range members {
		s, o := &m.vms[i], &tr.out[i]
		o.turn = start
		if names != nil {
			names = append(names, s.vm.Name)
		}
		if !start.Before(g.phaseEnd) {
			o.missed = missedPhaseOver
			continue
		}
		w := s.clock.windowAfter(start)
		until := w.end
		if until.After(g.phaseEnd) {
			until = g.phaseEnd
		}
		from := start
		if s.enabledAt.IsZero() || !s.enabledAt.Before(until) {
			o.missed = missedEnablement
			continue
		}
		from = latest(from, s.enabledAt)
		x, ok := s.clock.firstWorkable(from, until)
		if !ok {
			o.missed = missedOff
			continue
		}
		if m.attempt(o, s, x) {
			end = latest(end, o.end)
			if first.IsZero() || x.Before(first) {
				first = x
			}
		}
	}
	if tr.steps != nil {
		if first.IsZero() {
			first = start
		}
		tr.steps = append(tr.steps, simulator.Step{Phase: g.phase, Region: g.region, Group: label,
			Start: first.UTC(), End: end.UTC(), VMs: names})
	}
	return end
}

// attempt runs one install attempt of VM s from the workable instant x and
// reports whether it succeeded.
func (m *model) attempt(o *outcome, s *vmState, x time.Time) bool {
	dur := time.Duration(max(s.vm.InstallMinutes, 1)) * time.Minute
	w := s.clock.doWork(x, dur, m.horizon, nil)
	o.attempts++
	if w.end.IsZero() {
		// Not done by the horizon: say how much was done by the deadline.
		o.stalled = x
		if x.Before(m.deadline) {
			o.doneBy = s.clock.doWork(x, dur, m.deadline, nil).done
		}
		return false
	}
	if o.rng.float() < s.vm.FailureProbability {
		o.failed++
		o.lastFail = w.end
		return false
	}
	o.start, o.end, o.windows = x, w.end, w.windows
	o.unhealthy = o.rng.float() < s.vm.UnhealthyProbability
	return true
}

// catchUp patches a VM that missed its turn or failed, on its own: a
// failed attempt is retried in the next off-peak window (D5); a VM that
// missed its turn is assessed and patched at its next periodic assessment
// when it is on (D3).
func (m *model) catchUp(tr *trial, i int, phaseEnd time.Time) {
	s, o := &m.vms[i], &tr.out[i]
	if !o.end.IsZero() || !o.stalled.IsZero() || o.turn.IsZero() {
		return
	}
	var x time.Time
	var ok bool
	switch {
	case o.failed > 0:
		x, ok = s.clock.firstWorkable(s.clock.nextWindowStart(o.lastFail), m.horizon)
	case o.missed != missedNone:
		if s.enabledAt.IsZero() {
			return
		}
		from := latest(o.turn, s.enabledAt)
		if o.missed == missedPhaseOver {
			from = latest(from, phaseEnd)
		}
		x, ok = m.nextAssessment(s, o, from)
	}
	for ok {
		if m.attempt(o, s, x) {
			o.catchUp = true
			return
		}
		if !o.stalled.IsZero() {
			return
		}
		x, ok = s.clock.firstWorkable(s.clock.nextWindowStart(o.lastFail), m.horizon)
	}
}

// nextAssessment returns the VM's first periodic assessment at or after
// from: assessments fall every assessmentIntervalHours after the VM's own
// offset, each at the first minute the VM is on inside an off-peak window.
func (m *model) nextAssessment(s *vmState, o *outcome, from time.Time) (time.Time, bool) {
	interval := hours(m.req.Fleet.Settings.AssessmentIntervalHours)
	base := m.release.Add(o.offset)
	j := int64(0)
	if from.After(base) {
		j = int64(from.Sub(base) / interval)
	}
	for tick := base.Add(time.Duration(j) * interval); tick.Before(m.horizon); tick = tick.Add(interval) {
		a, ok := s.clock.firstWorkable(ceilMinute(tick), m.horizon)
		if !ok {
			return time.Time{}, false
		}
		if !a.Before(from) {
			return a, true
		}
	}
	return time.Time{}, false
}

// ceilMinute rounds t up to a whole minute.
func ceilMinute(t time.Time) time.Time {
	if r := t.Truncate(time.Minute); !r.Equal(t) {
		return r.Add(time.Minute)
	}
	return t
}

func latest(ts ...time.Time) time.Time {
	out := ts[0]
	for _, t := range ts[1:] {
		if t.After(out) {
			out = t
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
