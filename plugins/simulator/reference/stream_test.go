package reference

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

// collector is a ForecastSink that keeps what it is handed.
type collector struct {
	plan     []simulator.Step
	vms      []simulator.VMResult
	planCall int
	failAt   int // fail the failAt-th call to VMs (0: never)
	vmCalls  int
}

func (c *collector) Plan(steps []simulator.Step) error {
	c.planCall++
	c.plan = append(c.plan, steps...)
	return nil
}

func (c *collector) VMs(results []simulator.VMResult) error {
	if c.vmCalls++; c.vmCalls == c.failAt {
		return errors.New("the host went away")
	}
	c.vms = append(c.vms, results...)
	return nil
}

// streamVMs sends the request's VMs on a channel in batches of size.
func streamVMs(vms []simulator.VM, size int) <-chan []simulator.VM {
	ch := make(chan []simulator.VM)
	go func() {
		defer close(ch)
		for from := 0; from < len(vms); from += size {
			ch <- vms[from:min(len(vms), from+size)]
		}
	}()
	return ch
}

// TestSimulateStreamMatchesSimulate: taking the VMs as they arrive and
// handing out the plan and results gives the forecast Simulate gives, for
// random fleets, several trials, and batches of every size.
func TestSimulateStreamMatchesSimulate(t *testing.T) {
	reqs := []simulator.Request{smallRequest(), simulatortest.LargeFleet(40_000)}
	for seed := range int64(30) {
		req := simulatortest.RandomFleet(seed)
		req.Trials = 1 + int(seed%3)
		reqs = append(reqs, req)
	}
	for i, req := range reqs {
		want, err := New().Simulate(context.Background(), req)
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
		for _, size := range []int{1, 7, len(req.Fleet.VMs)} {
			header := req
			header.Fleet.VMs = nil
			sink := &collector{}
			got, err := New().SimulateStream(context.Background(), header, len(req.Fleet.VMs), streamVMs(req.Fleet.VMs, size), sink)
			if err != nil {
				t.Fatalf("request %d, batches of %d: %v", i, size, err)
			}
			if got.VMs != nil || got.Plan != nil || sink.planCall != 1 {
				t.Fatalf("request %d: results or plan returned instead of handed out (%d plan calls)", i, sink.planCall)
			}
			got.VMs, got.Plan = sink.vms, sink.plan
			a, _ := json.Marshal(want)
			b, _ := json.Marshal(got)
			if string(a) != string(b) {
				t.Fatalf("request %d, batches of %d: the streamed forecast differs", i, size)
			}
		}
	}
}

// TestSimulateStreamStops: a fleet cut off (the context is canceled before
// the channel closes) is never simulated as if whole, and a sink error
// stops the simulation with that error.
func TestSimulateStreamStops(t *testing.T) {
	req := simulatortest.LargeFleet(40_000)
	header := req
	header.Fleet.VMs = nil
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, err := New().SimulateStream(ctx, header, len(req.Fleet.VMs), streamVMs(req.Fleet.VMs[:10], 4), &collector{})
	if f != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("a cut-off fleet: %v, %v", f != nil, err)
	}
	sink := &collector{failAt: 2}
	f, err = New().SimulateStream(context.Background(), header, len(req.Fleet.VMs), streamVMs(req.Fleet.VMs, 1000), sink)
	if f != nil || err == nil || err.Error() != "the host went away" || len(sink.vms) != resultBatch(len(req.Fleet.VMs)) {
		t.Fatalf("a failing sink: %v, %v, %d results kept", f != nil, err, len(sink.vms))
	}
	dup := append([]simulator.VM{}, req.Fleet.VMs[:3]...)
	dup[2].Name = dup[0].Name
	if _, err := New().SimulateStream(context.Background(), header, 3, streamVMs(dup, 1), &collector{}); err == nil {
		t.Fatal("a duplicate VM name was accepted")
	}
}
