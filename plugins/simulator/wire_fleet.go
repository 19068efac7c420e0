package simulator

// Interned columns of the bulk encoding.
const (
	colSubscription = iota
	colRegion
	colZone
	colAvailabilitySet
	colOS
	colPublisher
	colOffer
	colSku
	colPatchMode
	colAgent
	colTimeZone
	colWindow
	colDay
	colDate
	colReason
	colGroup
	colEnablement
)

func writeVM(w *wireWriter, vm *VM) {
	w.raw(vm.Name)
	w.intern(colSubscription, vm.Subscription)
	w.intern(colRegion, vm.Region)
	w.intern(colZone, vm.Zone)
	w.intern(colAvailabilitySet, vm.AvailabilitySet)
	w.varint(int64(vm.UpdateDomain))
	w.intern(colOS, vm.OS)
	w.intern(colPublisher, vm.Image.Publisher)
	w.intern(colOffer, vm.Image.Offer)
	w.intern(colSku, vm.Image.Sku)
	w.intern(colPatchMode, vm.PatchMode)
	w.intern(colAgent, vm.AgentVersion)
	w.intern(colTimeZone, vm.TimeZone)
	w.intern(colWindow, vm.OffPeak.Start)
	w.intern(colWindow, vm.OffPeak.End)
	var flags byte
	if vm.CustomImage {
		flags |= 1
	}
	if vm.EnableAutomaticUpdates {
		flags |= 2
	}
	if vm.PowerSchedule != nil {
		flags |= 4 // keeps nil and empty apart, as the contract's JSON does
	}
	if vm.PowerOff != nil {
		flags |= 8
	}
	w.b = append(w.b, flags)
	w.uvarint(uint64(len(vm.PowerSchedule)))
	for _, p := range vm.PowerSchedule {
		w.uvarint(uint64(len(p.Days)))
		for _, d := range p.Days {
			w.intern(colDay, d)
		}
		w.intern(colWindow, p.Start)
		w.intern(colWindow, p.End)
	}
	w.uvarint(uint64(len(vm.PowerOff)))
	for _, o := range vm.PowerOff {
		w.intern(colDate, o.From)
		w.intern(colDate, o.To)
	}
	w.varint(int64(vm.InstallMinutes))
	w.float(vm.FailureProbability)
	w.float(vm.UnhealthyProbability)
	w.intern(colEnablement, vm.Enablement)
}

// readVMs reads a chunk's VMs.
func readVMs(r *wireReader, part []VM, _ int) {
	for j := range part {
		readVM(r, &part[j])
		if r.err != nil {
			return
		}
	}
}

// minVMBytes is the least a VM takes on the wire.
const minVMBytes = 28

func readVM(r *wireReader, vm *VM) {
	vm.Name = r.raw()
	vm.Subscription = r.intern()
	vm.Region = r.intern()
	vm.Zone = r.intern()
	vm.AvailabilitySet = r.intern()
	vm.UpdateDomain = r.int()
	vm.OS = r.intern()
	vm.Image.Publisher = r.intern()
	vm.Image.Offer = r.intern()
	vm.Image.Sku = r.intern()
	vm.PatchMode = r.intern()
	vm.AgentVersion = r.intern()
	vm.TimeZone = r.intern()
	vm.OffPeak.Start = r.intern()
	vm.OffPeak.End = r.intern()
	flags := r.byte()
	vm.CustomImage = flags&1 != 0
	vm.EnableAutomaticUpdates = flags&2 != 0
	if n := r.count(3); n > 0 || flags&4 != 0 {
		vm.PowerSchedule = make([]PowerWindow, n)
		for i := range vm.PowerSchedule {
			p := &vm.PowerSchedule[i]
			if d := r.count(1); d > 0 {
				p.Days = make([]string, d)
				for k := range p.Days {
					p.Days[k] = r.intern()
				}
			}
			p.Start = r.intern()
			p.End = r.intern()
		}
	}
	if n := r.count(2); n > 0 || flags&8 != 0 {
		vm.PowerOff = make([]Outage, n)
		for i := range vm.PowerOff {
			vm.PowerOff[i].From = r.intern()
			vm.PowerOff[i].To = r.intern()
		}
	}
	vm.InstallMinutes = r.int()
	vm.FailureProbability = r.float()
	vm.UnhealthyProbability = r.float()
	vm.Enablement = r.intern()
}
