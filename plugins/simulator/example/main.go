// Command example is a third-party simulator plugin for patchcheck: a
// simple but valid rollout model that `patchcheck simulate` accepts in place
// of its built-in one, and that passes the conformance suite
// (plugins/simulator/simulatortest). Copy it to start your own.
//
// A Go plugin implements simulator.Simulator (plugins/simulator/contract.go)
// and hands it to simulator.Serve, which performs the go-plugin handshake
// and serves it over gRPC with the messages of
// plugins/simulator/proto/simulator.proto, the contract a plugin in any
// language implements. patchcheck starts the program, calls Describe and
// Simulate, and stops it. Rules:
//
//   - Be pure: the same Request must give the same Forecast; time and
//     randomness come in the request (Release.Date, Seed).
//   - Write nothing to stdout before Serve (stdout carries the handshake).
//     Log to stderr; patchcheck shows it.
//   - Return an error rather than a partial forecast; its message reaches the
//     user. Respect the context: patchcheck bounds each call and stops a
//     plugin that overruns.
//
// The model: the VMs the platform orchestrates (eligible) are patched
// phase by phase of the plan, one install at a time, each VM at the
// earliest time its off-peak window, power schedule and outages allow; an
// install fails with the VM's failure probability and is retried at its
// next chance; a phase whose unhealthy share exceeds the health threshold
// halts the rollout. One install at a time keeps every rule about zones,
// update domains and paired regions without modelling them, and makes the
// model quadratic in a phase's VMs: it suits fleets of hundreds of VMs.
//
// Build it and run it (patchcheck runs an external simulator only with the
// binary's SHA-256, so a swapped binary is refused):
//
//	go build -o example ./plugins/simulator/example
//	patchcheck simulate fleet.yaml --simulator ./example \
//	    --simulator-sha256 "$(sha256sum ./example | cut -d' ' -f1)"
//
// Run by hand, the program only says that it is a plugin and exits.
package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

const day = 24 * time.Hour

type exampleSimulator struct{}

func (exampleSimulator) Describe(context.Context) (simulator.Description, error) {
	return simulator.Description{Name: "example", Version: "0.2.0", ProtocolVersion: simulator.ProtocolVersion}, nil
}

// vmState is what the model knows of one VM: whether it is eligible, and
// when it may install between release and deadline.
type vmState struct {
	vm       *simulator.VM
	loc      *time.Location
	eligible bool
	why      string
	offPeak  []span // occurrences of the off-peak window
	power    []span // occurrences of the power schedule's windows
	outages  []span
	starts   []time.Time // the only times after which an install can first fit, sorted
}

func (s exampleSimulator) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	desc, _ := s.Describe(ctx)
	if req.MinLinuxAgent == "" {
		// The profile's facts come with the request; without them the
		// model would judge Linux agents by nothing.
		return nil, fmt.Errorf("the request carries no minimum Linux agent version")
	}
	fl := &req.Fleet
	release := fl.Release.Date.UTC()
	days := fl.Settings.DeadlineDays
	deadline := release.Add(time.Duration(days) * day)
	vms := make([]vmState, len(fl.VMs))
	for i := range fl.VMs {
		vm := &fl.VMs[i]
		loc, err := time.LoadLocation(vm.TimeZone)
		if err != nil {
			return nil, fmt.Errorf("VM %s: time zone: %w", vm.Name, err)
		}
		ok, why := eligible(&req, vm)
		vms[i] = newVMState(vm, loc, release, deadline)
		vms[i].eligible, vms[i].why = ok, why
	}
	plan := fl.Phases
	if len(plan) == 0 {
		plan = req.DefaultPhases
	}
	trials := max(req.Trials, 1)
	f := &simulator.Forecast{
		Simulator: desc, Release: release, Deadline: deadline, Seed: req.Seed, Trials: trials,
		Plan: []simulator.Step{}, Regions: []simulator.RegionSummary{},
	}
	curves := make([][]float64, trials)
	for t := range trials {
		if err := ctx.Err(); err != nil {
			return nil, err // cancelled or timed out: no partial forecast
		}
		rng := rand.New(rand.NewPCG(uint64(req.Seed), uint64(t)))
		phases, results, err := run(ctx, &req, vms, plan, release, deadline, rng)
		if err != nil {
			return nil, err
		}
		curves[t] = curve(results, release, days)
		if t == 0 {
			f.Phases, f.VMs = phases, results
		}
	}
	f.Curve = bands(curves, days)
	f.Regions = regions(vms, f)
	return f, nil
}

// run is one trial: each phase of the plan in turn, its VMs one at a time.
func run(ctx context.Context, req *simulator.Request, vms []vmState, plan [][]string, release, deadline time.Time, rng *rand.Rand) ([]simulator.Phase, []simulator.VMResult, error) {
	st := req.Fleet.Settings
	phaseOf := map[string]int{}
	for p, regions := range plan {
		for _, r := range regions {
			phaseOf[r] = p
		}
	}
	results := make([]simulator.VMResult, len(vms))
	members := make([][]int, len(plan))
	for i, v := range vms {
		r := &results[i]
		*r = simulator.VMResult{
			Name: v.vm.Name, Region: v.vm.Region, Zone: v.vm.Zone, AvailabilitySet: v.vm.AvailabilitySet,
			UpdateDomain: v.vm.UpdateDomain, Phase: -1, Eligible: v.eligible, Reason: v.why,
		}
		if p, ok := phaseOf[v.vm.Region]; ok && v.eligible {
			r.Phase = p
			members[p] = append(members[p], i)
		} else if v.eligible {
			r.Reason = "its region is in no phase of the plan"
		}
	}
	phases := make([]simulator.Phase, len(plan))
	start, halted := release, false
	for p := range plan {
		ph := &phases[p]
		*ph = simulator.Phase{Index: p, Regions: plan[p], Status: simulator.PhaseNotStarted, VMs: len(members[p])}
		if halted || !start.Before(deadline) {
			why := "its phase did not start before the deadline"
			if halted {
				why = "its phase never started: an earlier phase halted"
			}
			for _, i := range members[p] {
				results[i].Reason = why
			}
			continue
		}
		end, err := runPhase(ctx, vms, members[p], results, ph, release, start, deadline, rng)
		if err != nil {
			return nil, nil, err
		}
		s, e := start, end
		ph.Start, ph.End, ph.Status = &s, &e, simulator.PhaseSucceeded
		start = end.Add(time.Duration(st.PhaseBakeHours * float64(time.Hour)))
		if ph.Patched > 0 && float64(ph.Unhealthy)/float64(ph.Patched) > st.HealthThreshold {
			ph.Status = simulator.PhaseHalted
			if st.HaltHours == nil {
				halted = true
			} else {
				start = end.Add(time.Duration(*st.HaltHours * float64(time.Hour)))
			}
		}
	}
	return phases, results, nil
}

// runPhase gives each VM of the phase its turn, one install at a time, the
// VM that can start first going first, and returns when the turns end. A
// VM whose install failed tries again at each later off-peak window on its
// own (catch-up), while the rollout moves on.
func runPhase(ctx context.Context, vms []vmState, members []int, results []simulator.VMResult, ph *simulator.Phase, release, start, deadline time.Time, rng *rand.Rand) (time.Time, error) {
	cursor := start
	// next[i] is VM i's earliest start from some time before cursor: while
	// it is not before cursor, it is its earliest from cursor too.
	next := map[int]time.Time{}
	never := deadline.Add(time.Nanosecond)
	var failed []int
	left := slices.Clone(members)
	for len(left) > 0 {
		if err := ctx.Err(); err != nil {
			return time.Time{}, err
		}
		best, bestAt := -1, never
		for k, i := range left {
			at, known := next[i]
			if !known || at.Before(cursor) {
				var ok bool
				if at, ok = vms[i].earliest(cursor, deadline); !ok {
					at = never
				}
				next[i] = at
			}
			if at.Before(bestAt) {
				best, bestAt = k, at
			}
		}
		if best < 0 {
			break // no one left can install before the deadline
		}
		i := left[best]
		left = slices.Delete(left, best, best+1)
		cursor = bestAt.Add(installTime(vms[i].vm))
		if !attempt(&vms[i], &results[i], ph, release, bestAt, rng) {
			failed = append(failed, i)
		}
	}
	for _, i := range left {
		results[i].Reason = "powered off during every off-peak window left before the deadline"
	}
	for _, i := range failed {
		v, r := &vms[i], &results[i]
		for !r.Compliant {
			at, ok := v.earliest(v.windowEnd(*r.InstallStart), deadline)
			if !ok {
				r.InstallStart = nil
				r.Reason = fmt.Sprintf("still retrying a failing install: %d attempts failed before the deadline", r.Attempts)
				break
			}
			r.CatchUp = attempt(v, r, ph, release, at, rng)
		}
	}
	return cursor, nil
}

// attempt installs v at s, and reports whether the install succeeded. A
// failed attempt leaves its start in r for the next one to follow.
func attempt(v *vmState, r *simulator.VMResult, ph *simulator.Phase, release, s time.Time, rng *rand.Rand) bool {
	r.Attempts++
	r.InstallStart = &s
	if rng.Float64() < v.vm.FailureProbability {
		return false
	}
	e := s.Add(installTime(v.vm))
	days := e.Sub(release).Hours() / 24
	r.InstallEnd, r.InstallWindows, r.DaysAfterRelease = &e, 1, &days
	r.LocalInstall = s.In(v.loc).Format(time.RFC3339)
	r.Compliant, r.Reason = true, ""
	ph.Patched++
	if rng.Float64() < v.vm.UnhealthyProbability {
		ph.Unhealthy++
	}
	return true
}

func installTime(vm *simulator.VM) time.Duration {
	return time.Duration(max(vm.InstallMinutes, 1)) * time.Minute
}

// span is a half-open interval of time [start, end).
type span struct{ start, end time.Time }

func (a span) holds(s, e time.Time) bool { return !s.Before(a.start) && !e.After(a.end) }

// newVMState works out when vm may install between release and deadline.
func newVMState(vm *simulator.VM, loc *time.Location, release, deadline time.Time) vmState {
	v := vmState{vm: vm, loc: loc}
	every := []string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}
	v.offPeak = occurrences(loc, every, vm.OffPeak.Start, vm.OffPeak.End, release, deadline)
	for _, w := range vm.PowerSchedule {
		v.power = append(v.power, occurrences(loc, w.Days, w.Start, w.End, release, deadline)...)
	}
	for _, o := range vm.PowerOff {
		from, err1 := time.ParseInLocation(time.DateOnly, o.From, loc)
		to, err2 := time.ParseInLocation(time.DateOnly, o.To, loc)
		if err1 == nil && err2 == nil {
			v.outages = append(v.outages, span{from, to.AddDate(0, 0, 1)})
		}
	}
	for _, group := range [][]span{v.offPeak, v.power, v.outages} {
		for _, sp := range group {
			v.starts = append(v.starts, sp.start, sp.end)
		}
	}
	slices.SortFunc(v.starts, time.Time.Compare)
	return v
}

// windowEnd is the end of the off-peak window that holds s.
func (v *vmState) windowEnd(s time.Time) time.Time {
	for _, w := range v.offPeak {
		if w.holds(s, s) && s.Before(w.end) {
			return w.end
		}
	}
	return s.Add(time.Minute)
}

// earliest is the first time from `from` at which v can install before the
// deadline: inside one occurrence of its off-peak window and of its power
// schedule (if it has one), clear of its outages. That time is `from` or
// the start or end of a window or an outage, so only those are tried.
func (v *vmState) earliest(from, deadline time.Time) (time.Time, bool) {
	dur := installTime(v.vm)
	fits := func(s time.Time) bool {
		e := s.Add(dur)
		return !e.After(deadline) && inAny(v.offPeak, s, e) &&
			(len(v.vm.PowerSchedule) == 0 || inAny(v.power, s, e)) && !overlapsAny(v.outages, s, e)
	}
	if fits(from) {
		return from, true
	}
	i, _ := slices.BinarySearchFunc(v.starts, from, time.Time.Compare)
	for _, s := range v.starts[i:] {
		if s.Add(dur).After(deadline) {
			break
		}
		if fits(s) {
			return s, true
		}
	}
	return time.Time{}, false
}

// occurrences lists the occurrences of the daily window start–end (local
// "HH:MM"; an end at or before the start is on the next day) that start on
// the given weekdays, from the day before from to the deadline. Built with
// time.Date in loc, they follow daylight saving time.
func occurrences(loc *time.Location, weekdays []string, start, end string, from, deadline time.Time) []span {
	s, okS := clock(start)
	e, okE := clock(end)
	if !okS || !okE {
		return nil
	}
	next := 0
	if e <= s {
		next = 1
	}
	var out []span
	fy, fm, fd := from.In(loc).Date()
	for k := -1; ; k++ {
		date := time.Date(fy, fm, fd+k, 12, 0, 0, 0, time.UTC) // a calendar day
		y, m, d := date.Date()
		occ := span{time.Date(y, m, d, s/60, s%60, 0, 0, loc), time.Date(y, m, d+next, e/60, e%60, 0, 0, loc)}
		if !occ.start.Before(deadline) {
			return out
		}
		day := date.Weekday().String()[:3]
		if occ.start.Before(occ.end) && slices.ContainsFunc(weekdays, func(w string) bool { return len(w) >= 3 && strings.EqualFold(w[:3], day) }) {
			out = append(out, occ)
		}
	}
}

// clock parses "HH:MM" into minutes after midnight (24:00 is the end of
// the day).
func clock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 24 || mm < 0 || mm > 59 || hh == 24 && mm != 0 {
		return 0, false
	}
	return hh*60 + mm, true
}

func inAny(spans []span, s, e time.Time) bool {
	return slices.ContainsFunc(spans, func(sp span) bool { return sp.holds(s, e) })
}

func overlapsAny(spans []span, s, e time.Time) bool {
	return slices.ContainsFunc(spans, func(sp span) bool { return sp.start.Before(e) && s.Before(sp.end) })
}

// eligible says whether the platform orchestrates vm, and if not, why, by
// the profile's facts the request carries: a VM without a patch mode has
// the request's default for its OS, and the minimum Linux agent is the
// request's.
func eligible(req *simulator.Request, vm *simulator.VM) (bool, string) {
	os := strings.ToLower(vm.OS)
	mode := req.DefaultPatchModes.For(vm)
	switch {
	case os != "windows" && os != "linux":
		return false, fmt.Sprintf("unknown OS %q", vm.OS)
	case !strings.EqualFold(mode, "AutomaticByPlatform"):
		return false, fmt.Sprintf("patch mode %s is not AutomaticByPlatform", mode)
	case vm.CustomImage:
		return false, "custom image"
	case !supported(req, vm.Image):
		return false, fmt.Sprintf("image %s:%s:%s is not supported", vm.Image.Publisher, vm.Image.Offer, vm.Image.Sku)
	case os == "windows" && req.WindowsNeedsAutoUpdates && !vm.EnableAutomaticUpdates:
		return false, "Windows with enableAutomaticUpdates false"
	case os == "linux" && vm.AgentVersion != "" && !atLeast(vm.AgentVersion, req.MinLinuxAgent):
		return false, fmt.Sprintf("Linux agent %s is older than %s", vm.AgentVersion, req.MinLinuxAgent)
	}
	return true, ""
}

func supported(req *simulator.Request, img simulator.Image) bool {
	key := strings.ToLower(img.Publisher + ":" + img.Offer + ":" + img.Sku)
	if slices.ContainsFunc(req.SupportedImages, func(k string) bool { return strings.ToLower(k) == key }) {
		return true
	}
	for _, p := range req.ImagePatterns {
		if strings.EqualFold(p.Publisher, img.Publisher) && strings.EqualFold(p.Offer, img.Offer) {
			if re, err := regexp.Compile(p.SkuRegex); err == nil && re.MatchString(strings.ToLower(img.Sku)) {
				return true
			}
		}
	}
	return false
}

// atLeast compares dotted numeric versions; false when v does not parse.
func atLeast(v, least string) bool {
	a, b := strings.Split(v, "."), strings.Split(least, ".")
	for i := range max(len(a), len(b)) {
		x, y := 0, 0
		if i < len(a) {
			n, err := strconv.Atoi(a[i])
			if err != nil || n < 0 {
				return false
			}
			x = n
		}
		if i < len(b) {
			y, _ = strconv.Atoi(b[i])
		}
		if x != y {
			return x > y
		}
	}
	return true
}

// curve is the share of the fleet patched by each day after release.
func curve(results []simulator.VMResult, release time.Time, days int) []float64 {
	out := make([]float64, days+1)
	if len(results) == 0 {
		return out
	}
	for d := range out {
		by, n := release.Add(time.Duration(d)*day), 0
		for _, r := range results {
			if r.Compliant && !r.InstallEnd.After(by) {
				n++
			}
		}
		out[d] = float64(n) / float64(len(results))
	}
	return out
}

// bands is the curve of trial 0 with the 10th, 50th and 90th percentiles
// of all trials (nearest rank).
func bands(curves [][]float64, days int) []simulator.CurvePoint {
	out := make([]simulator.CurvePoint, days+1)
	vals := make([]float64, len(curves))
	for d := range out {
		for t, c := range curves {
			vals[t] = c[d]
		}
		slices.Sort(vals)
		rank := func(q float64) float64 { return vals[max(0, int(math.Ceil(q*float64(len(vals))))-1)] }
		out[d] = simulator.CurvePoint{Day: d, Compliant: curves[0][d], P10: rank(0.1), P50: rank(0.5), P90: rank(0.9)}
	}
	return out
}

// regions sums up each region of the fleet, in name order.
func regions(vms []vmState, f *simulator.Forecast) []simulator.RegionSummary {
	phaseOf := map[string]int{}
	for _, p := range f.Phases {
		for _, r := range p.Regions {
			phaseOf[r] = p.Index
		}
	}
	sums := map[string]*simulator.RegionSummary{}
	for i, v := range vms {
		s := sums[v.vm.Region]
		if s == nil {
			s = &simulator.RegionSummary{Region: v.vm.Region, Phase: -1}
			if p, ok := phaseOf[v.vm.Region]; ok {
				s.Phase = p
			}
			sums[v.vm.Region] = s
		}
		s.VMs++
		if v.eligible {
			s.Eligible++
		}
		if f.VMs[i].Compliant {
			s.Compliant++
		}
	}
	out := []simulator.RegionSummary{}
	for _, name := range slices.Sorted(maps.Keys(sums)) {
		out = append(out, *sums[name])
	}
	return out
}

func main() {
	simulator.Serve(exampleSimulator{})
}
