package simulator

import (
	"fmt"
	"runtime"
	"sync"
)

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
)

// chunkRanges splits n items into up to one range per CPU, at least
// minChunk items each, so both ends encode and decode in parallel.
func chunkRanges(n int) [][2]int {
	const minChunk = 8192
	parts := min(runtime.GOMAXPROCS(0), max(1, n/minChunk))
	out := make([][2]int, 0, parts)
	for i := range parts {
		out = append(out, [2]int{n * i / parts, n * (i + 1) / parts})
	}
	return out
}

// parallel runs f for each index and returns the first error.
func parallel(n int, f func(i int) error) error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { errs[i] = f(i) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// encodeVMs encodes a fleet's VMs as chunks, in order.
func encodeVMs(vms []VM) [][]byte {
	return encodeChunks(vms, chunkRanges(len(vms)), 48, writeVM)
}

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
}

// decodeVMs decodes chunks written by encodeVMs.
func decodeVMs(chunks [][]byte) ([]VM, error) {
	return decodeChunks(chunks, "VM", minVMBytes, func(r *wireReader, part []VM) {
		for j := range part {
			readVM(r, &part[j])
			if r.err != nil {
				return
			}
		}
	})
}

// minVMBytes is the least a VM takes on the wire.
const minVMBytes = 26

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
}

// encodeChunks encodes items[r[0]:r[1]] for each range r as one chunk (its
// item count, then its items), the chunks in parallel.
func encodeChunks[T any](items []T, ranges [][2]int, bytesPerItem int, write func(*wireWriter, *T)) [][]byte {
	out := make([][]byte, len(ranges))
	_ = parallel(len(ranges), func(i int) error {
		part := items[ranges[i][0]:ranges[i][1]]
		w := newWireWriter(bytesPerItem * len(part))
		w.uvarint(uint64(len(part)))
		for j := range part {
			write(w, &part[j])
		}
		out[i] = w.b
		return nil
	})
	return out
}

// decodeChunks decodes chunks written by encodeChunks, in parallel, into
// one slice: read fills one chunk's part of it. minItem is the least bytes
// an item takes, which bounds the counts a corrupt chunk can claim.
func decodeChunks[T any](chunks [][]byte, what string, minItem int, read func(*wireReader, []T)) ([]T, error) {
	readers := make([]*wireReader, len(chunks))
	offsets := make([]int, len(chunks)+1)
	for i, c := range chunks {
		readers[i] = &wireReader{s: string(c)}
		n := readers[i].count(minItem)
		if readers[i].err != nil {
			return nil, fmt.Errorf("%s chunk %d: %w", what, i, readers[i].err)
		}
		offsets[i+1] = offsets[i] + n
	}
	items := make([]T, offsets[len(chunks)])
	err := parallel(len(readers), func(i int) error {
		read(readers[i], items[offsets[i]:offsets[i+1]])
		if err := readers[i].done(); err != nil {
			return fmt.Errorf("%s chunk %d: %w", what, i, err)
		}
		return nil
	})
	if err != nil || len(items) == 0 {
		return nil, err // nil for none, as encoding/gob decodes an empty slice
	}
	return items, nil
}
