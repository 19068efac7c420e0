package reference

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// outcome is one VM's fate in one trial.
type outcome struct {
	assessed      time.Time
	start, end    time.Time // the successful install; zero when none
	attempts      int
	firstFailed   bool
	lastAttempt   time.Time
	reason        string
	reached       bool // the rollout got to the VM's group
	phaseNotStart int  // -1, or the halted phase that kept this VM's phase from starting
}

// trial is one simulated month.
type trial struct {
	out    []outcome
	phases []simulator.Phase
	steps  []simulator.Step
}

// run simulates one month with rng deciding assessment times, batch
// membership, zone order and install failures.
func (m *model) run(ctx context.Context, rng *rand.Rand) *trial {
	st := m.req.Fleet.Settings
	tr := &trial{out: make([]outcome, len(m.vms))}
	interval := time.Duration(st.AssessmentIntervalHours * float64(time.Hour))
	for i := range m.vms {
		tr.out[i].phaseNotStart = -1
		if !m.vms[i].eligible {
			continue
		}
		// Periodic assessments start at a random offset; a VM that is off
		// waits for the next one (D3).
		at := m.release.Add(time.Duration(rng.Float64() * float64(interval)))
		for ; at.Before(m.horizon); at = at.Add(interval) {
			if m.vms[i].clock.isOn(at) {
				tr.out[i].assessed = at
				break
			}
		}
	}
	bake := time.Duration(st.PhaseBakeHours * float64(time.Hour))
	start := m.release
	halted := -1
	for p, regions := range m.phases {
		if ctx.Err() != nil {
			return nil
		}
		ph := simulator.Phase{Index: p, Regions: regions, Status: simulator.PhaseNotStarted}
		var members []int
		for _, r := range regions {
			members = append(members, m.regionVMs[r]...)
		}
		ph.VMs = len(members)
		if halted >= 0 {
			for _, i := range members {
				tr.out[i].phaseNotStart = halted
			}
			tr.phases = append(tr.phases, ph)
			continue
		}
		end := start
		for _, r := range regions {
			if e := m.region(tr, rng, p, r, start); e.After(end) {
				end = e
			}
		}
		attempted := 0
		for _, i := range members {
			o := tr.out[i]
			if o.attempts > 0 {
				attempted++
			}
			if o.firstFailed {
				ph.Unhealthy++
			}
			if !o.end.IsZero() {
				ph.Patched++
			}
		}
		s, e := start, end
		ph.Start, ph.End = &s, &e
		ph.Status = simulator.PhaseSucceeded
		if attempted > 0 && float64(ph.Unhealthy)/float64(attempted) > st.HealthThreshold {
			ph.Status = simulator.PhaseHalted
			halted = p
		}
		tr.phases = append(tr.phases, ph)
		start = end.Add(bake)
	}
	return tr
}

// region runs a region's groups from start: zones one after another (in a
// random order, as Microsoft does not publish one), each availability set
// update domain by update domain in slices of at most 20% of the set, and
// the other VMs in batches per subscription. Chains of different sets and
// subscriptions run side by side. It returns when the region is done.
func (m *model) region(tr *trial, rng *rand.Rand, phase int, region string, start time.Time) time.Time {
	zones := map[string][]int{}
	sets := map[string][]int{}
	subs := map[string][]int{}
	for _, i := range m.regionVMs[region] {
		vm := m.vms[i].vm
		switch {
		case vm.Zone != "":
			zones[vm.Zone] = append(zones[vm.Zone], i)
		case vm.AvailabilitySet != "":
			sets[vm.AvailabilitySet] = append(sets[vm.AvailabilitySet], i)
		default:
			subs[vm.Subscription] = append(subs[vm.Subscription], i)
		}
	}
	end := start
	later := func(t time.Time) {
		if t.After(end) {
			end = t
		}
	}
	// Zones: one at a time.
	zoneNames := sortedKeys(zones)
	rng.Shuffle(len(zoneNames), func(a, b int) { zoneNames[a], zoneNames[b] = zoneNames[b], zoneNames[a] })
	t := start
	for _, z := range zoneNames {
		t = m.group(tr, rng, phase, region, "zone "+z, zones[z], t)
	}
	later(t)
	// Availability sets: one update domain at a time, ≤20% of the set at once.
	for _, name := range sortedKeys(sets) {
		members := sets[name]
		limit := max(1, int(math.Floor(0.2*float64(len(members)))))
		if len(members) < 10 {
			limit = 1
		}
		byUD := map[int][]int{}
		for _, i := range members {
			ud := m.vms[i].vm.UpdateDomain
			byUD[ud] = append(byUD[ud], i)
		}
		uds := make([]int, 0, len(byUD))
		for ud := range byUD {
			uds = append(uds, ud)
		}
		sort.Ints(uds)
		t := start
		for _, ud := range uds {
			vms := byUD[ud]
			for s := 0; s*limit < len(vms); s++ {
				slice := vms[s*limit : min((s+1)*limit, len(vms))]
				t = m.group(tr, rng, phase, region, fmt.Sprintf("availability set %s, UD %d, slice %d", name, ud, s+1), slice, t)
			}
		}
		later(t)
	}
	// Subscriptions: never all of a subscription's VMs at once; the batch a
	// VM falls in changes from month to month (D10).
	for _, sub := range sortedKeys(subs) {
		members := append([]int(nil), subs[sub]...)
		rng.Shuffle(len(members), func(a, b int) { members[a], members[b] = members[b], members[a] })
		size := max(1, int(math.Ceil(m.req.Fleet.Settings.BatchShare*float64(len(members)))))
		if len(members) > 1 && size >= len(members) {
			size = len(members) - 1
		}
		t := start
		for b := 0; b*size < len(members); b++ {
			batch := members[b*size : min((b+1)*size, len(members))]
			t = m.group(tr, rng, phase, region, fmt.Sprintf("subscription %s, batch %d", sub, b+1), batch, t)
		}
		later(t)
	}
	return end
}

// group installs on a set of VMs that may be updated together, from start,
// and returns when the last of them is done (installed, or out of attempts).
func (m *model) group(tr *trial, rng *rand.Rand, phase int, region, label string, members []int, start time.Time) time.Time {
	end := start
	step := simulator.Step{Phase: phase, Region: region, Group: label, Start: start, End: start}
	first := time.Time{}
	for _, i := range members {
		s := &m.vms[i]
		o := &tr.out[i]
		o.reached = true
		step.VMs = append(step.VMs, s.vm.Name)
		if s.enabledAt.IsZero() {
			o.reason = "powered off during (almost) every off-peak window: enablement, which needs more than 3 hours of off-peak time, never finishes"
			continue
		}
		if o.assessed.IsZero() {
			o.reason = "never assessed: powered off at every periodic assessment"
			continue
		}
		from := latest(start, o.assessed, s.enabledAt)
		dur := time.Duration(max(s.vm.InstallMinutes, 1)) * time.Minute
		for {
			iv, window, ok := s.clock.firstFitWindow(from, dur, m.horizon)
			if !ok {
				if o.attempts == 0 {
					o.reason = "powered off or out of off-peak hours in every window before the horizon: no install possible"
				}
				break
			}
			o.attempts++
			o.lastAttempt = iv.end
			if first.IsZero() || iv.start.Before(first) {
				first = iv.start
			}
			if iv.end.After(end) {
				end = iv.end
			}
			if rng.Float64() < s.vm.FailureProbability {
				if o.attempts == 1 {
					o.firstFailed = true
				}
				from = window.end // retried in the next off-peak window (D5)
				continue
			}
			o.start, o.end = iv.start, iv.end
			break
		}
		if o.end.IsZero() && o.attempts > 0 {
			o.reason = fmt.Sprintf("every install attempt failed (%d attempts); still failing past day %d", o.attempts, m.req.Fleet.Settings.DeadlineDays)
		}
	}
	if !first.IsZero() {
		step.Start = first
	}
	step.End = end
	tr.steps = append(tr.steps, step)
	return end
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
