package reference

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

const day = 24 * time.Hour

// curve is the share of the whole fleet patched by each day 0…days.
func (tr *trial) curve(m *model, days int) []float64 {
	counts := make([]int, days+1)
	for _, o := range tr.out {
		if o.end.IsZero() {
			continue
		}
		d := int(math.Ceil(float64(o.end.Sub(m.release)) / float64(day)))
		if d <= days {
			counts[max(d, 0)]++
		}
	}
	out := make([]float64, days+1)
	total := 0
	for d := range counts {
		total += counts[d]
		if n := len(tr.out); n > 0 {
			out[d] = float64(total) / float64(n)
		}
	}
	return out
}

// bands summarises the trials per day: trial 0 as "compliant", and the
// 10th, 50th and 90th percentiles across trials (linear interpolation).
func bands(perTrial [][]float64, days int) []simulator.CurvePoint {
	out := make([]simulator.CurvePoint, days+1)
	vals := make([]float64, len(perTrial))
	for d := range out {
		for t := range perTrial {
			vals[t] = perTrial[t][d]
		}
		sort.Float64s(vals)
		out[d] = simulator.CurvePoint{
			Day: d, Compliant: perTrial[0][d],
			P10: percentile(vals, 0.10), P50: percentile(vals, 0.50), P90: percentile(vals, 0.90),
		}
	}
	return out
}

func percentile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

// resultBatch is how many of n VM results fill hands to a sink at a time:
// about a sixteenth, so that the transport overlaps filling them for a
// small fleet too, between 1024 and 16384.
func resultBatch(n int) int { return min(16384, max(1024, n/16)) }

// fill writes trial tr into the forecast: phases, plan, per-VM results and
// per-region summaries. With a sink, the plan and the results go to it, in
// batches as they are made, instead of into f.
func (tr *trial) fill(m *model, f *simulator.Forecast, out simulator.ForecastSink) error {
	// Times are reported in UTC (the VM-local install time is LocalInstall),
	// so output does not depend on how a time zone prints.
	f.Phases = tr.phases
	f.Plan = tr.steps
	var batch []simulator.VMResult
	if out == nil {
		f.VMs = make([]simulator.VMResult, 0, len(m.vms))
	} else {
		if err := out.Plan(f.Plan); err != nil {
			return err
		}
		f.Plan = nil
	}
	regions := map[string]*simulator.RegionSummary{}
	for i := range m.vms {
		s, o := &m.vms[i], &tr.out[i]
		vm := s.vm
		r := simulator.VMResult{
			Name: vm.Name, Region: vm.Region, Zone: vm.Zone, AvailabilitySet: vm.AvailabilitySet,
			UpdateDomain: vm.UpdateDomain, Phase: -1, Eligible: s.eligible, Attempts: o.attempts,
		}
		if p, ok := m.phaseOf[vm.Region]; ok && s.eligible {
			r.Phase = p
		}
		if !o.assessed.IsZero() {
			a := o.assessed.UTC()
			r.AssessedAt = &a
		}
		if !s.eligible {
			r.Reason = s.reason
		} else if r.Phase < 0 {
			r.Reason = fmt.Sprintf("region %s is in no phase of the plan", vm.Region)
		} else {
			if !o.end.IsZero() {
				start, end := o.start.UTC(), o.end.UTC()
				r.InstallStart, r.InstallEnd = &start, &end
				r.InstallWindows = o.windows
				r.CatchUp = o.catchUp
				r.LocalInstall = start.In(s.clock.loc).Format(time.RFC3339)
				d := math.Round(end.Sub(m.release).Hours()/24*100) / 100
				r.DaysAfterRelease = &d
				r.Compliant = !end.After(m.deadline)
			}
			if !r.Compliant {
				r.Reason = m.reason(tr, s, o, r.Phase)
			}
		}
		if out == nil {
			f.VMs = append(f.VMs, r)
		} else {
			if batch == nil {
				batch = make([]simulator.VMResult, 0, min(resultBatch(len(m.vms)), len(m.vms)-i))
			}
			if batch = append(batch, r); len(batch) == cap(batch) {
				if err := out.VMs(batch); err != nil {
					return err
				}
				batch = nil
			}
		}
		rs := regions[vm.Region]
		if rs == nil {
			rs = &simulator.RegionSummary{Region: vm.Region, Phase: -1}
			if p, ok := m.phaseOf[vm.Region]; ok {
				rs.Phase = p
			}
			regions[vm.Region] = rs
		}
		rs.VMs++
		if s.eligible {
			rs.Eligible++
		}
		if r.Compliant {
			rs.Compliant++
		}
	}
	for _, name := range sortedKeys(regions) {
		f.Regions = append(f.Regions, *regions[name])
	}
	return nil
}
