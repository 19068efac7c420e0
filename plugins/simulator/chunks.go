package simulator

import (
	"fmt"
	"runtime"
	"sync"
)

// A large fleet crosses the plugin boundary as a stream of chunks, each a
// run of items in the bulk encoding: its item count, then the items. The
// sender encodes chunks on every core a few ahead of the one being sent;
// the receiver decodes each chunk on a free core while the next ones
// arrive. With the whole message encoded, then sent, then decoded, the hop
// took 30% of a million-VM forecast; overlapped, the three mostly share
// the same time.

// chunkItems is how many VMs (or results, or VM names in plan steps) a
// chunk holds: small enough that both ends overlap well, large enough that
// each message's overhead is negligible (a chunk of VMs is ~600 KB).
const chunkItems = 16384

// itemRanges splits n items into ranges of chunkItems.
func itemRanges(n int) [][2]int {
	var out [][2]int
	for from := 0; from < n; from += chunkItems {
		out = append(out, [2]int{from, min(n, from+chunkItems)})
	}
	return out
}

// planRanges splits a plan's steps by the VM names they carry: a few
// steps name every VM of the fleet.
func planRanges(steps []Step) [][2]int {
	var out [][2]int
	first, weight := 0, 0
	for i, s := range steps {
		weight += len(s.VMs) + 1
		if weight >= chunkItems {
			out = append(out, [2]int{first, i + 1})
			first, weight = i+1, 0
		}
	}
	if first < len(steps) {
		out = append(out, [2]int{first, len(steps)})
	}
	return out
}

// encodeChunk encodes part as one chunk.
func encodeChunk[T any](part []T, bytesPerItem int, write func(*wireWriter, *T)) []byte {
	w := newWireWriter(bytesPerItem * len(part))
	w.uvarint(uint64(len(part)))
	for j := range part {
		write(w, &part[j])
	}
	return w.b
}

// sendChunks encodes items[r[0]:r[1]] for each range r as a chunk, on
// every core and up to two chunks per core ahead of the sender, and sends
// the chunks in order. It stops at the first error of send.
func sendChunks[T any](items []T, ranges [][2]int, bytesPerItem int, write func(*wireWriter, *T), send func([]byte) error) error {
	encoded := make([]chan []byte, len(ranges))
	for i := range encoded {
		encoded[i] = make(chan []byte, 1) // an encoder never waits for the sender
	}
	ahead := make(chan struct{}, 2*runtime.GOMAXPROCS(0))
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for i, r := range ranges {
			select {
			case ahead <- struct{}{}:
			case <-stop:
				return
			}
			go func() { encoded[i] <- encodeChunk(items[r[0]:r[1]], bytesPerItem, write) }()
		}
	}()
	for i := range ranges {
		chunk := <-encoded[i]
		<-ahead
		if err := send(chunk); err != nil {
			return err
		}
	}
	return nil
}

// chunkDecoder decodes chunks into one slice as they arrive, each on a
// free core while the caller receives the next.
type chunkDecoder[T any] struct {
	what    string // the item, for errors
	minItem int    // the least bytes an item takes, which bounds the count a chunk can claim
	read    func(*wireReader, []T)

	announced int
	items     []T   // all the items, when allocated up front
	parts     [][]T // else one slice per chunk, joined by finish
	filled    int   // items claimed by the chunks so far
	chunks    int

	cores chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
}

// newChunkDecoder decodes announced items, allocated up front when
// upFront is set (the count is then bounded by maxAnnouncedItems) and
// chunk by chunk otherwise.
func newChunkDecoder[T any](what string, announced uint64, upFront bool, minItem int, read func(*wireReader, []T)) (*chunkDecoder[T], error) {
	if announced > maxAnnouncedItems {
		return nil, fmt.Errorf("%d %ss announced, more than the %d a stream may hold", announced, what, maxAnnouncedItems)
	}
	d := &chunkDecoder[T]{what: what, minItem: minItem, read: read, announced: int(announced), cores: make(chan struct{}, runtime.GOMAXPROCS(0))}
	if upFront && announced > 0 {
		d.items = make([]T, announced)
	}
	return d, nil
}

// add starts decoding one chunk. An error it returns, or one a decoding
// found, ends the stream: the caller then calls abandon.
func (d *chunkDecoder[T]) add(chunk []byte) error {
	if err := d.failed(); err != nil {
		return err
	}
	index := d.chunks
	d.chunks++
	r := &wireReader{s: string(chunk)}
	n := r.count(d.minItem)
	if r.err != nil {
		return fmt.Errorf("%s chunk %d: %w", d.what, index, r.err)
	}
	if n > d.announced-d.filled {
		return fmt.Errorf("%s chunk %d: more %ss than the %d announced", d.what, index, d.what, d.announced)
	}
	var part []T
	if d.items != nil {
		part = d.items[d.filled : d.filled+n]
	} else {
		part = make([]T, n)
		d.parts = append(d.parts, part)
	}
	d.filled += n
	d.cores <- struct{}{}
	d.wg.Go(func() {
		defer func() { <-d.cores }()
		d.read(r, part)
		if err := r.done(); err != nil {
			d.fail(fmt.Errorf("%s chunk %d: %w", d.what, index, err))
		}
	})
	return nil
}

func (d *chunkDecoder[T]) fail(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err == nil {
		d.err = err
	}
}

func (d *chunkDecoder[T]) failed() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.err
}

// abandon waits for the decodings under way, after an error.
func (d *chunkDecoder[T]) abandon() { d.wg.Wait() }

// finish waits for every decoding and returns the items: nil for none, as
// encoding/gob decodes an empty slice.
func (d *chunkDecoder[T]) finish() ([]T, error) {
	d.wg.Wait()
	if err := d.failed(); err != nil {
		return nil, err
	}
	if d.filled != d.announced {
		return nil, fmt.Errorf("the stream ended after %d of the %d %ss announced", d.filled, d.announced, d.what)
	}
	if d.items == nil && d.filled > 0 {
		d.items = make([]T, 0, d.filled)
		for _, p := range d.parts {
			d.items = append(d.items, p...)
		}
	}
	if len(d.items) == 0 {
		return nil, nil
	}
	return d.items, nil
}
