package simulator

import (
	"fmt"
	"math"
	"runtime"
	"sync"
)

// A large fleet crosses the plugin boundary as a stream of chunks, each a
// run of items in the bulk encoding: its item count, then the items. The
// sender encodes chunks a few ahead of the one being sent; the receiver
// decodes each chunk while the next ones arrive; both leave one core to
// the simulation, which a StreamingSimulator runs at the same time. With
// the whole message encoded, then sent, then decoded, the hop took 30% of
// a million-VM forecast.

// chunkItems is the most VMs (or results, or VM names in plan steps) a
// chunk holds: small enough that both ends overlap well, large enough that
// each message's overhead is negligible (a chunk of VMs is ~600 KB).
const chunkItems = 16384

// chunkSize is how many of total items go in a chunk: about a sixteenth,
// so that a small fleet is pipelined too, between 1024 and chunkItems.
func chunkSize(total int) int { return min(chunkItems, max(1024, total/16)) }

// itemRanges splits n items into ranges of size.
func itemRanges(n, size int) [][2]int {
	var out [][2]int
	for from := 0; from < n; from += size {
		out = append(out, [2]int{from, min(n, from+size)})
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

// spareCores is how many cores encode or decode chunks at once: all but
// one, which stays with the simulation (a streaming simulator works while
// its VMs arrive and its results leave) or the caller.
func spareCores() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// pipeline sends messages in the order they are added while encoding them
// on every core, up to two per core ahead of the one being sent.
type pipeline[M any] struct {
	send    func(M) error
	pending chan chan M // each added message's future, in order
	workers chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	err     error // the first error of send; later messages are dropped
}

func newPipeline[M any](send func(M) error) *pipeline[M] {
	p := &pipeline[M]{send: send, pending: make(chan chan M, 2*runtime.GOMAXPROCS(0)), workers: make(chan struct{}, spareCores()), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		for future := range p.pending {
			msg := <-future
			if p.failed() == nil {
				if err := p.send(msg); err != nil {
					p.mu.Lock()
					p.err = err
					p.mu.Unlock()
				}
			}
		}
	}()
	return p
}

// add queues a message that encode makes, waiting while the pipeline is
// full. It returns the pipeline's error once a send has failed.
func (p *pipeline[M]) add(encode func() M) error {
	if err := p.failed(); err != nil {
		return err
	}
	future := make(chan M, 1) // an encoder never waits for the sender
	p.pending <- future
	go func() {
		p.workers <- struct{}{}
		future <- encode()
		<-p.workers
	}()
	return nil
}

func (p *pipeline[M]) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// close waits until every message is sent, or dropped after an error,
// and returns the first error.
func (p *pipeline[M]) close() error {
	close(p.pending)
	<-p.done
	return p.failed()
}

// sendChunks encodes items[r[0]:r[1]] for each range r as a chunk and
// sends the chunks in order, through a pipeline.
func sendChunks[T any](items []T, ranges [][2]int, bytesPerItem int, write func(*wireWriter, *T), send func([]byte) error) error {
	p := newPipeline(send)
	_ = addChunks(p, items, ranges, bytesPerItem, write, func(c []byte) []byte { return c }) // its error is p's, which close returns
	return p.close()
}

// addChunks adds to p one message per range of items, wrap making the
// message of each encoded chunk. It stops early when p has failed.
func addChunks[T, M any](p *pipeline[M], items []T, ranges [][2]int, bytesPerItem int, write func(*wireWriter, *T), wrap func([]byte) M) error {
	for _, r := range ranges {
		part := items[r[0]:r[1]]
		if err := p.add(func() M { return wrap(encodeChunk(part, bytesPerItem, write)) }); err != nil {
			return err
		}
	}
	return nil
}

// chunkDecoder decodes chunks into one slice as they arrive, each on a
// free core while the caller receives the next.
type chunkDecoder[T any] struct {
	what    string                                   // the item, for errors
	minItem int                                      // the least bytes an item takes, which bounds the count a chunk can claim
	read    func(r *wireReader, part []T, first int) // first: part[0]'s index among all the items

	capacity int   // the most items the chunks may hold
	items    []T   // all the items, when allocated up front
	parts    [][]T // else one slice per chunk, joined by finish
	filled   int   // items claimed by the chunks so far
	chunks   int

	cores chan struct{}
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error

	// With deliverInOrder, each chunk's items are passed on in order as
	// soon as they and every earlier chunk's are decoded.
	decoded   chan decodedPart[T]
	delivered chan struct{}
}

type decodedPart[T any] struct {
	items []T
	done  chan struct{}
}

// newChunkDecoder decodes at most capacity items, allocated up front when
// upFront is set (capacity is then bounded by maxAnnouncedItems) and chunk
// by chunk otherwise.
func newChunkDecoder[T any](what string, capacity uint64, upFront bool, minItem int, read func(*wireReader, []T, int)) (*chunkDecoder[T], error) {
	if upFront && capacity > maxAnnouncedItems {
		return nil, fmt.Errorf("%d %ss announced, more than the %d a stream may hold", capacity, what, maxAnnouncedItems)
	}
	d := &chunkDecoder[T]{what: what, minItem: minItem, read: read, capacity: int(min(capacity, math.MaxInt32)), cores: make(chan struct{}, spareCores())}
	if upFront && capacity > 0 {
		d.items = make([]T, capacity)
	}
	return d, nil
}

// deliverInOrder has deliver called with each chunk's items, in order, as
// they are decoded; deliver returns false to stop the deliveries. It must
// be called before the first chunk is added.
func (d *chunkDecoder[T]) deliverInOrder(deliver func([]T) bool) {
	d.decoded = make(chan decodedPart[T], 2*cap(d.cores))
	d.delivered = make(chan struct{})
	go func() {
		defer close(d.delivered)
		stopped := false
		for p := range d.decoded {
			<-p.done
			if !stopped && d.failed() == nil {
				stopped = !deliver(p.items)
			}
		}
	}()
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
	if n > d.capacity-d.filled {
		return fmt.Errorf("%s chunk %d: more %ss than the %d expected", d.what, index, d.what, d.capacity)
	}
	var part []T
	first := d.filled
	if d.items != nil {
		part = d.items[d.filled : d.filled+n]
	} else {
		part = make([]T, n)
		d.parts = append(d.parts, part)
	}
	d.filled += n
	done := make(chan struct{})
	if d.decoded != nil {
		d.decoded <- decodedPart[T]{items: part, done: done}
	}
	d.cores <- struct{}{}
	d.wg.Go(func() {
		defer func() { <-d.cores }()
		defer close(done)
		d.read(r, part, first)
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

// wait waits for the decodings and deliveries under way.
func (d *chunkDecoder[T]) wait() {
	d.wg.Wait()
	if d.decoded != nil {
		close(d.decoded)
		<-d.delivered
		d.decoded = nil
	}
}

// abandon waits for the decodings under way, after an error.
func (d *chunkDecoder[T]) abandon() { d.wait() }

// finish waits for every decoding and returns the items, which must be
// want in all: nil for none, as encoding/gob decodes an empty slice.
func (d *chunkDecoder[T]) finish(want uint64) ([]T, error) {
	d.wait()
	if err := d.failed(); err != nil {
		return nil, err
	}
	if uint64(d.filled) != want {
		return nil, fmt.Errorf("the chunks held %d %ss, not the %d announced", d.filled, d.what, want)
	}
	if d.items == nil && d.filled > 0 {
		d.items = make([]T, 0, d.filled)
		for _, p := range d.parts {
			d.items = append(d.items, p...)
		}
	}
	if d.filled == 0 {
		return nil, nil
	}
	return d.items[:d.filled], nil
}
