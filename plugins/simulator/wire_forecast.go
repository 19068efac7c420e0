package simulator

import (
	"fmt"
	"math"
	"time"
)

// Flags of a VM result on the wire.
const (
	resultEligible = 1 << iota
	resultCompliant
	resultAssessedAt
	resultInstallStart
	resultInstallEnd
	resultDays
	// resultEchoesVM: the name and placement (region, zone, availability
	// set, update domain) are the request's VM at the same index, and are
	// not sent again.
	resultEchoesVM
	// resultDaysInHundredths: the day count is a whole number of
	// hundredths, sent as that number.
	resultDaysInHundredths
)

// writeResult writes v, the answer for vm (nil when the request has no VM
// at its index).
func writeResult(w *wireWriter, v *VMResult, vm *VM) {
	var flags byte
	for bit, set := range [...]bool{v.Eligible, v.Compliant, v.AssessedAt != nil, v.InstallStart != nil, v.InstallEnd != nil, v.DaysAfterRelease != nil} {
		if set {
			flags |= 1 << bit
		}
	}
	echoes := vm != nil && v.Name == vm.Name && v.Region == vm.Region && v.Zone == vm.Zone &&
		v.AvailabilitySet == vm.AvailabilitySet && v.UpdateDomain == vm.UpdateDomain
	if echoes {
		flags |= resultEchoesVM
	}
	var hundredths int64
	if d := v.DaysAfterRelease; d != nil && math.Abs(*d) < 1<<40 {
		if hundredths = int64(math.Round(*d * 100)); math.Float64bits(float64(hundredths)/100) == math.Float64bits(*d) {
			flags |= resultDaysInHundredths
		}
	}
	w.b = append(w.b, flags)
	if !echoes {
		w.raw(v.Name)
		w.intern(colRegion, v.Region)
		w.intern(colZone, v.Zone)
		w.intern(colAvailabilitySet, v.AvailabilitySet)
		w.varint(int64(v.UpdateDomain))
	}
	w.varint(int64(v.Phase))
	for _, t := range [...]*time.Time{v.AssessedAt, v.InstallStart, v.InstallEnd} {
		if t != nil {
			w.time(*t)
		}
	}
	switch {
	case flags&resultDaysInHundredths != 0:
		w.varint(hundredths)
	case v.DaysAfterRelease != nil:
		w.float(*v.DaysAfterRelease)
	}
	w.raw(v.LocalInstall)
	w.varint(int64(v.Attempts))
	w.varint(int64(v.InstallWindows))
	w.b = append(w.b, boolByte(v.CatchUp))
	w.intern(colReason, v.Reason)
}

// minResultBytes is the least a VM result takes on the wire.
const minResultBytes = 7

// readResults reads a chunk's VM results, vms being the request's VMs from
// the chunk's first result on. The times and day counts they point to are
// carved out of one slab per chunk instead of being allocated one by one.
func readResults(r *wireReader, part []VMResult, vms []VM) {
	times := make([]time.Time, 0, 3*len(part))
	days := make([]float64, 0, len(part))
	for j := range part {
		v := &part[j]
		flags := r.byte()
		if flags&resultEchoesVM != 0 {
			if j >= len(vms) {
				r.fail(fmt.Errorf("result %d stands for a VM the request does not have", j))
				return
			}
			vm := &vms[j]
			v.Name, v.Region, v.Zone, v.AvailabilitySet, v.UpdateDomain = vm.Name, vm.Region, vm.Zone, vm.AvailabilitySet, vm.UpdateDomain
		} else {
			v.Name = r.raw()
			v.Region = r.intern()
			v.Zone = r.intern()
			v.AvailabilitySet = r.intern()
			v.UpdateDomain = r.int()
		}
		v.Phase = r.int()
		v.Eligible = flags&resultEligible != 0
		v.Compliant = flags&resultCompliant != 0
		for bit, dst := range [...]**time.Time{&v.AssessedAt, &v.InstallStart, &v.InstallEnd} {
			if flags&(resultAssessedAt<<bit) != 0 {
				times = append(times, r.time())
				*dst = &times[len(times)-1]
			}
		}
		switch {
		case flags&resultDaysInHundredths != 0:
			days = append(days, float64(r.varint())/100)
		case flags&resultDays != 0:
			days = append(days, r.float())
		}
		if flags&resultDays != 0 {
			v.DaysAfterRelease = &days[len(days)-1]
		}
		v.LocalInstall = r.raw()
		v.Attempts = r.int()
		v.InstallWindows = r.int()
		v.CatchUp = r.byte() != 0
		v.Reason = r.intern()
		if r.err != nil {
			return
		}
	}
}

func writeStep(w *wireWriter, s *Step) {
	w.varint(int64(s.Phase))
	w.intern(colRegion, s.Region)
	w.intern(colGroup, s.Group)
	w.time(s.Start)
	w.time(s.End)
	w.b = append(w.b, boolByte(s.VMs != nil))
	w.uvarint(uint64(len(s.VMs)))
	for _, name := range s.VMs {
		w.raw(name)
	}
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// minStepBytes is the least a step takes on the wire.
const minStepBytes = 9

// readSteps reads a chunk's plan steps.
func readSteps(r *wireReader, part []Step, _ int) {
	for j := range part {
		s := &part[j]
		s.Phase = r.int()
		s.Region = r.intern()
		s.Group = r.intern()
		s.Start = r.time()
		s.End = r.time()
		hasVMs := r.byte() == 1
		if n := r.count(1); n > 0 || hasVMs {
			s.VMs = make([]string, n)
			for k := range s.VMs {
				s.VMs[k] = r.raw()
			}
		}
		if r.err != nil {
			return
		}
	}
}
