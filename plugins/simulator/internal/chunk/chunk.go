// Package chunk splits the VMs of a simulation request and the plan and VM
// results of its forecast into the chunks a Simulate stream carries, and
// prepares each chunk's message on a spare core while earlier ones are
// sent. It knows nothing of the messages: callers pass functions that make
// them.
package chunk

import (
	"runtime"
	"sync"
)

// MaxItems is the most VMs (or results, or VM names in plan steps) a chunk
// holds: small enough that both ends of a stream overlap their work, large
// enough that each message's own cost is negligible.
const MaxItems = 16384

// Size is how many of total items go in a chunk: about a sixteenth, so that
// a small fleet is pipelined too, between 1024 and MaxItems.
func Size(total int) int { return min(MaxItems, max(1024, total/16)) }

// Ranges splits n items into [from, to) ranges of size.
func Ranges(n, size int) [][2]int {
	var out [][2]int
	for from := 0; from < n; from += size {
		out = append(out, [2]int{from, min(n, from+size)})
	}
	return out
}

// ByWeight splits n items into ranges of about MaxItems in weight, item i
// weighing weight(i)+1: a plan's few steps may name every VM of the fleet.
func ByWeight(n int, weight func(i int) int) [][2]int {
	var out [][2]int
	first, sum := 0, 0
	for i := range n {
		sum += weight(i) + 1
		if sum >= MaxItems {
			out = append(out, [2]int{first, i + 1})
			first, sum = i+1, 0
		}
	}
	if first < n {
		out = append(out, [2]int{first, n})
	}
	return out
}

// spareCores is how many messages are made at once: all cores but one,
// which stays with the simulation (a streaming simulator works while its
// VMs arrive and its results leave) or the caller.
func spareCores() int { return max(1, runtime.GOMAXPROCS(0)-1) }

// InFlight is the most messages a pipeline holds at once: those made or
// being made ahead of the sender, and the one it sends.
func InFlight() int { return 2*runtime.GOMAXPROCS(0) + 1 }

// Pipeline sends messages in the order they are added while making them on
// spare cores, up to two per core ahead of the one being sent.
type Pipeline[M any] struct {
	send    func(M) error
	pending chan chan M // each added message's future, in order
	workers chan struct{}
	done    chan struct{}
	mu      sync.Mutex
	err     error // the first error of send; later messages are dropped
}

// NewPipeline starts a pipeline that passes each message to send, making
// messages on the spare cores.
func NewPipeline[M any](send func(M) error) *Pipeline[M] {
	return NewPipelineWorkers(send, spareCores())
}

// NewPipelineWorkers is NewPipeline making at most workers messages at
// once, up to two per worker ahead of the one being sent.
func NewPipelineWorkers[M any](send func(M) error, workers int) *Pipeline[M] {
	workers = max(1, workers)
	p := &Pipeline[M]{send: send, pending: make(chan chan M, 2*workers+2), workers: make(chan struct{}, workers), done: make(chan struct{})}
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

// Add queues the message build returns, waiting while the pipeline is
// full. It returns the pipeline's error once a send has failed.
func (p *Pipeline[M]) Add(build func() M) error {
	if err := p.failed(); err != nil {
		return err
	}
	future := make(chan M, 1) // a builder never waits for the sender
	p.pending <- future
	go func() {
		p.workers <- struct{}{}
		future <- build()
		<-p.workers
	}()
	return nil
}

func (p *Pipeline[M]) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Close waits until every message is sent, or dropped after an error, and
// returns the first error. The pipeline takes no more messages.
func (p *Pipeline[M]) Close() error {
	close(p.pending)
	<-p.done
	return p.failed()
}
