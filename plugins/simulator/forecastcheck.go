package simulator

import (
	"fmt"
	"math"
)

// CheckForecast refuses a forecast that does not answer for every VM of
// req, or whose numbers cannot be true: a NaN or infinite value, a share
// outside 0–1, a negative count or day, percentile bands out of order, a
// compliance curve that falls, or a final compliance the VM results
// contradict. The host runs it on every forecast a plugin returns: a
// plugin is another program, and a forecast that is partial or nonsense
// must never pass a --fail-under gate or reach a report. The error names
// the field.
func CheckForecast(req Request, f *Forecast) error {
	if err := checkComplete(req, f); err != nil {
		return err
	}
	if f.Trials < 1 {
		return fmt.Errorf("trials is %d, want 1 or more", f.Trials)
	}
	if err := checkCurve(f); err != nil {
		return err
	}
	for i := range f.VMs {
		if err := checkVMResult(&f.VMs[i]); err != nil {
			return fmt.Errorf("vms[%d] (%s).%w", i, f.VMs[i].Name, err)
		}
	}
	for i, p := range f.Phases {
		if err := checkCounts(p.VMs, []count{{"vms", p.VMs}, {"patched", p.Patched}, {"unhealthy", p.Unhealthy}}); err != nil {
			return fmt.Errorf("phases[%d].%w", i, err)
		}
	}
	for i, r := range f.Regions {
		if err := checkCounts(r.VMs, []count{{"vms", r.VMs}, {"eligible", r.Eligible}, {"compliant", r.Compliant}}); err != nil {
			return fmt.Errorf("regions[%d] (%s).%w", i, r.Region, err)
		}
	}
	return nil
}

// checkCurve checks the compliance curve: every share a finite number in
// 0–1, p10 ≤ p50 ≤ p90, no share lower than the day before's (each is the
// share patched by that day), and the last day's single-run share equal to
// checkComplete refuses a forecast that does not answer for every VM: a
// partial forecast must never pass for a complete one.
func checkComplete(req Request, fc *Forecast) error {
	if fc == nil {
		return fmt.Errorf("no forecast")
	}
	if len(fc.VMs) != len(req.Fleet.VMs) {
		return fmt.Errorf("%d VM results for %d VMs", len(fc.VMs), len(req.Fleet.VMs))
	}
	want := req.Fleet.Settings.DeadlineDays + 1
	if len(fc.Curve) != want {
		return fmt.Errorf("curve has %d points, want %d (days 0-%d)", len(fc.Curve), want, want-1)
	}
	inOrder := true
	for i, v := range fc.VMs {
		if !v.Compliant && v.Reason == "" {
			return fmt.Errorf("VM %s is not compliant but has no reason", v.Name)
		}
		inOrder = inOrder && v.Name == req.Fleet.VMs[i].Name
	}
	if inOrder {
		return nil // the common case, checked without a map of a million names
	}
	seen := make(map[string]bool, len(fc.VMs))
	for _, v := range fc.VMs {
		seen[v.Name] = true
	}
	for _, v := range req.Fleet.VMs {
		if !seen[v.Name] {
			return fmt.Errorf("no result for VM %s", v.Name)
		}
	}
	return nil
}

// the VM results' (within half a VM, for rounding).
func checkCurve(f *Forecast) error {
	for d, p := range f.Curve {
		for _, v := range []struct {
			name string
			val  float64
		}{{"compliant", p.Compliant}, {"p10", p.P10}, {"p50", p.P50}, {"p90", p.P90}} {
			if err := checkShare(v.val); err != nil {
				return fmt.Errorf("curve[%d].%s is %w", d, v.name, err)
			}
		}
		if p.P10 > p.P50 {
			return fmt.Errorf("curve[%d]: p10 %v > p50 %v", d, p.P10, p.P50)
		}
		if p.P50 > p.P90 {
			return fmt.Errorf("curve[%d]: p50 %v > p90 %v", d, p.P50, p.P90)
		}
		if d == 0 {
			continue
		}
		// Percentiles are interpolated, so allow for rounding.
		const slack = 1e-9
		prev := f.Curve[d-1]
		for _, v := range []struct {
			name      string
			now, then float64
		}{{"compliant", p.Compliant, prev.Compliant}, {"p10", p.P10, prev.P10}, {"p50", p.P50, prev.P50}, {"p90", p.P90, prev.P90}} {
			if v.now < v.then-slack {
				return fmt.Errorf("curve[%d].%s %v is below the day before's %v (the curve is the share patched by each day)", d, v.name, v.now, v.then)
			}
		}
	}
	if n := len(f.VMs); n > 0 && len(f.Curve) > 0 {
		compliant := 0
		for i := range f.VMs {
			if f.VMs[i].Compliant {
				compliant++
			}
		}
		last := len(f.Curve) - 1
		if got := f.Curve[last].Compliant; math.Abs(got*float64(n)-float64(compliant)) > 0.5 {
			return fmt.Errorf("curve[%d].compliant %v does not match the VM results (%d of %d compliant)", last, got, compliant, n)
		}
	}
	return nil
}

func checkShare(v float64) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fmt.Errorf("%v, want a finite number", v)
	case v < 0 || v > 1:
		return fmt.Errorf("%v, want a share between 0 and 1", v)
	}
	return nil
}

// checkVMResult checks one VM's numbers; the error starts with the field.
func checkVMResult(v *VMResult) error {
	if d := v.DaysAfterRelease; d != nil {
		switch {
		case math.IsNaN(*d) || math.IsInf(*d, 0):
			return fmt.Errorf("daysAfterRelease is %v, want a finite number", *d)
		case *d < 0:
			return fmt.Errorf("daysAfterRelease is %v, want 0 or more", *d)
		}
	}
	for _, c := range []count{{"attempts", v.Attempts}, {"installWindows", v.InstallWindows}, {"updateDomain", v.UpdateDomain}} {
		if c.val < 0 {
			return fmt.Errorf("%s is %d, want 0 or more", c.name, c.val)
		}
	}
	if v.Phase < -1 {
		return fmt.Errorf("phase is %d, want -1 (not orchestrated) or a phase index", v.Phase)
	}
	if v.InstallStart != nil && v.InstallEnd != nil && v.InstallEnd.Before(*v.InstallStart) {
		return fmt.Errorf("installEnd is before its installStart")
	}
	return nil
}

// count is a named count field of a forecast.
type count struct {
	name string
	val  int
}

// checkCounts checks the counts of a phase or region: none negative, none
// above its VMs.
func checkCounts(vms int, counts []count) error {
	for _, c := range counts {
		if c.val < 0 {
			return fmt.Errorf("%s is %d, want 0 or more", c.name, c.val)
		}
		if c.val > vms {
			return fmt.Errorf("%s is %d, more than its %d VMs", c.name, c.val, vms)
		}
	}
	return nil
}
