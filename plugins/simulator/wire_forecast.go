package simulator

import (
	"time"
)

func writeResult(w *wireWriter, v *VMResult) {
	w.raw(v.Name)
	w.intern(colRegion, v.Region)
	w.intern(colZone, v.Zone)
	w.intern(colAvailabilitySet, v.AvailabilitySet)
	w.varint(int64(v.UpdateDomain))
	w.varint(int64(v.Phase))
	var flags byte
	for bit, set := range []bool{v.Eligible, v.Compliant, v.AssessedAt != nil, v.InstallStart != nil, v.InstallEnd != nil, v.DaysAfterRelease != nil} {
		if set {
			flags |= 1 << bit
		}
	}
	w.b = append(w.b, flags)
	for _, t := range []*time.Time{v.AssessedAt, v.InstallStart, v.InstallEnd} {
		if t != nil {
			w.time(*t)
		}
	}
	if v.DaysAfterRelease != nil {
		w.float(*v.DaysAfterRelease)
	}
	w.raw(v.LocalInstall)
	w.varint(int64(v.Attempts))
	w.intern(colReason, v.Reason)
}

// minResultBytes is the least a VM result takes on the wire.
const minResultBytes = 10

// readResults reads a chunk's VM results. The times and day counts they
// point to are carved out of one slab per chunk instead of being allocated
// one by one.
func readResults(r *wireReader, part []VMResult) {
	times := make([]time.Time, 0, 3*len(part))
	days := make([]float64, 0, len(part))
	for j := range part {
		v := &part[j]
		v.Name = r.raw()
		v.Region = r.intern()
		v.Zone = r.intern()
		v.AvailabilitySet = r.intern()
		v.UpdateDomain = r.int()
		v.Phase = r.int()
		flags := r.byte()
		v.Eligible = flags&1 != 0
		v.Compliant = flags&2 != 0
		for bit, dst := range []**time.Time{&v.AssessedAt, &v.InstallStart, &v.InstallEnd} {
			if flags&(4<<bit) != 0 {
				times = append(times, r.time())
				*dst = &times[len(times)-1]
			}
		}
		if flags&32 != 0 {
			days = append(days, r.float())
			v.DaysAfterRelease = &days[len(days)-1]
		}
		v.LocalInstall = r.raw()
		v.Attempts = r.int()
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
func readSteps(r *wireReader, part []Step) {
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
