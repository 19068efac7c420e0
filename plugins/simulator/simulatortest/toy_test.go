package simulatortest

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// toySim is a deliberately simple simulator that obeys the rules, so Run can
// be exercised end to end without the real model: the plan in force, each
// phase as long as its installs, and within a phase a greedy
// list scheduler that starts each eligible VM at the earliest candidate time
// that fits its off-peak window and power and conflicts with nothing already
// scheduled.
type toySim struct{}

func (toySim) Describe(ctx context.Context) (simulator.Description, error) {
	return simulator.Description{Name: "toy", Version: "0.1.0", ProtocolVersion: simulator.ProtocolVersion}, nil
}

type toyVM struct {
	vm       simulator.VM
	clock    *vmClock
	eligible bool
	why      string
}

type toyPlaced struct {
	vm simulator.VM
	iv interval
}

func (s toySim) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fl := req.Fleet
	release := fl.Release.Date.UTC()
	deadline := release.Add(time.Duration(fl.Settings.DeadlineDays) * day)
	vms := make([]toyVM, len(fl.VMs))
	for i, vm := range fl.VMs {
		clk, err := newVMClock(vm)
		if err != nil {
			return nil, fmt.Errorf("vm %s: %v", vm.Name, err)
		}
		ok, why := Eligibility(req, vm)
		vms[i] = toyVM{vm, clk, ok, why}
	}
	plan := fl.Phases
	if len(plan) == 0 {
		plan = req.DefaultPhases
	}
	phaseOf := map[string]int{}
	for i, p := range plan {
		for _, r := range p {
			phaseOf[r] = i
		}
	}
	trials := max(req.Trials, 1)
	desc, _ := s.Describe(ctx)
	f := &simulator.Forecast{Simulator: desc, Release: release, Deadline: deadline, Seed: req.Seed, Trials: trials}
	days := fl.Settings.DeadlineDays
	curves := make([][]float64, trials)
	for tr := range trials {
		rng := rand.New(rand.NewPCG(uint64(req.Seed), uint64(tr)))
		phases, results := toyRun(req, vms, plan, phaseOf, release, deadline, rng)
		curve := make([]float64, days+1)
		for d := range curve {
			n := 0
			for _, r := range results {
				if r.Compliant && !r.InstallEnd.After(release.Add(time.Duration(d)*day)) {
					n++
				}
			}
			if len(results) > 0 {
				curve[d] = float64(n) / float64(len(results))
			}
		}
		curves[tr] = curve
		if tr == 0 {
			f.Phases, f.VMs = phases, results
		}
	}
	f.Curve = make([]simulator.CurvePoint, days+1)
	vals := make([]float64, trials)
	for d := range f.Curve {
		for tr := range trials {
			vals[tr] = curves[tr][d]
		}
		sort.Float64s(vals)
		rank := func(q float64) float64 { return vals[max(0, int(math.Ceil(q*float64(trials)))-1)] }
		f.Curve[d] = simulator.CurvePoint{Day: d, Compliant: curves[0][d], P10: rank(0.1), P50: rank(0.5), P90: rank(0.9)}
	}
	sums := map[string]*simulator.RegionSummary{}
	var names []string
	for i, r := range f.VMs {
		s := sums[r.Region]
		if s == nil {
			s = &simulator.RegionSummary{Region: r.Region, Phase: -1}
			if p, ok := phaseOf[r.Region]; ok {
				s.Phase = p
			}
			sums[r.Region] = s
			names = append(names, r.Region)
		}
		s.VMs++
		if vms[i].eligible {
			s.Eligible++
		}
		if r.Compliant {
			s.Compliant++
		}
	}
	sort.Strings(names)
	for _, n := range names {
		f.Regions = append(f.Regions, *sums[n])
	}
	return f, nil
}

func toyRun(req simulator.Request, vms []toyVM, plan [][]string, phaseOf map[string]int, release, deadline time.Time, rng *rand.Rand) ([]simulator.Phase, []simulator.VMResult) {
	st := req.Fleet.Settings
	results := make([]simulator.VMResult, len(vms))
	for i, v := range vms {
		results[i] = simulator.VMResult{
			Name: v.vm.Name, Region: v.vm.Region, Zone: v.vm.Zone, AvailabilitySet: v.vm.AvailabilitySet,
			UpdateDomain: v.vm.UpdateDomain, Phase: -1, Eligible: v.eligible, Reason: v.why,
		}
		if p, ok := phaseOf[v.vm.Region]; ok && v.eligible {
			results[i].Phase = p
		}
		if v.eligible && results[i].Phase < 0 {
			results[i].Reason = "region in no phase"
		}
	}
	setSize := map[setKey]int{}
	for _, v := range vms {
		if v.vm.AvailabilitySet != "" {
			setSize[keyOf(v.vm)]++
		}
	}
	pairs := pairGraph(req.RegionPairs)
	var placed []toyPlaced
	conflict := func(vm simulator.VM, iv interval) bool {
		inSet := 0
		for _, o := range placed {
			if !overlaps(o.iv, iv) {
				continue
			}
			switch {
			case pairs[vm.Region][o.vm.Region]:
				return true
			case vm.Region == o.vm.Region && vm.Zone != "" && o.vm.Zone != "" && vm.Zone != o.vm.Zone:
				return true
			case vm.AvailabilitySet != "" && keyOf(vm) == keyOf(o.vm):
				if vm.UpdateDomain != o.vm.UpdateDomain {
					return true
				}
				inSet++
			}
		}
		return vm.AvailabilitySet != "" && inSet+1 > SetConcurrency(setSize[keyOf(vm)])
	}
	var phases []simulator.Phase
	start := release
	halted := false
	for p, regions := range plan {
		ph := simulator.Phase{Index: p, Regions: regions, Status: simulator.PhaseNotStarted}
		var members []int
		for i, v := range vms {
			if v.eligible && phaseOf[v.vm.Region] == p && contains(regions, v.vm.Region) {
				members = append(members, i)
			}
		}
		ph.VMs = len(members)
		if halted {
			for _, i := range members {
				results[i].Reason = "phase never started: an earlier phase halted"
				results[i].InstallStart, results[i].InstallEnd, results[i].LocalInstall = nil, nil, ""
			}
			phases = append(phases, ph)
			continue
		}
		end := start
		for _, i := range members {
			v, r := vms[i], &results[i]
			dur := time.Duration(max(v.vm.InstallMinutes, 1)) * time.Minute
			cands := []time.Time{start}
			for _, occ := range v.clock.offPeakOccurrences(start, deadline) {
				cands = append(cands, occ.start)
			}
			for _, on := range v.clock.onIntervals(start, deadline) {
				cands = append(cands, on.start)
			}
			for _, o := range placed {
				cands = append(cands, o.iv.end)
			}
			sort.Slice(cands, func(a, b int) bool { return cands[a].Before(cands[b]) })
			found, failed := false, 0
			for _, c := range cands {
				iv := interval{c, c.Add(dur)}
				if c.Before(start) || iv.end.After(deadline) {
					continue
				}
				if r.InstallEnd != nil && c.Before(*r.InstallEnd) {
					continue // after a failed attempt, a later slot
				}
				if v.clock.inOffPeak(iv.start, iv.end) && v.clock.isOn(iv.start, iv.end) && !conflict(v.vm, iv) {
					placed = append(placed, toyPlaced{v.vm, iv})
					s, e := iv.start, iv.end
					r.InstallStart, r.InstallEnd = &s, &e
					r.Attempts++
					if rng.Float64() < v.vm.FailureProbability {
						failed++ // a failed attempt holds nobody
						continue
					}
					if e.After(end) {
						end = e
					}
					r.LocalInstall = s.In(v.clock.loc).Format(time.RFC3339)
					r.InstallWindows = 1
					r.Compliant = true
					ph.Patched++
					if rng.Float64() < v.vm.UnhealthyProbability {
						ph.Unhealthy++
					}
					found = true
					break
				}
			}
			switch {
			case !found && failed > 0:
				r.InstallStart, r.InstallEnd = nil, nil
				r.Reason = fmt.Sprintf("still retrying a failing install: %d attempts failed", failed)
			case !found:
				r.Reason = "powered off during every off-peak window before the deadline"
			}
		}
		s, e := start, end
		ph.Start, ph.End = &s, &e
		ph.Status = simulator.PhaseSucceeded
		phases = append(phases, ph)
		start = end.Add(time.Duration(st.PhaseBakeHours * float64(time.Hour)))
		if ph.Patched > 0 && float64(ph.Unhealthy)/float64(ph.Patched) > st.HealthThreshold {
			phases[len(phases)-1].Status = simulator.PhaseHalted
			if st.HaltHours == nil {
				halted = true
			} else {
				start = end.Add(time.Duration(*st.HaltHours * float64(time.Hour)))
			}
		}
	}
	return phases, results
}
