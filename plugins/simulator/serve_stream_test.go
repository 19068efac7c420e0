package simulator

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// serverStream is the plugin's end of a Simulate call, in memory.
type serverStream struct {
	grpc.ServerStream
	in  *stream[pb.SimulateRequest]
	out stream[pb.SimulateResponse]
}

func (s *serverStream) Context() context.Context           { return context.Background() }
func (s *serverStream) Recv() (*pb.SimulateRequest, error) { return s.in.recv() }
func (s *serverStream) Send(m *pb.SimulateResponse) error  { return s.out.send(m) }
func (s *serverStream) trailerSent() bool {
	return len(s.out.msgs) > 0 && s.out.msgs[len(s.out.msgs)-1].GetTrailer() != nil
}

// echoStreaming is a StreamingSimulator answering each VM with its name;
// stopAfter > 0 makes it return an error after that many batches.
type echoStreaming struct{ stopAfter int }

func (echoStreaming) Describe(context.Context) (Description, error) { return Description{}, nil }
func (echoStreaming) Simulate(context.Context, Request) (*Forecast, error) {
	return nil, errors.New("not used")
}

func (e echoStreaming) SimulateStream(ctx context.Context, _ Request, count int, vms <-chan []VM, out ForecastSink) (*Forecast, error) {
	results := make([]VMResult, 0, count)
	batches := 0
	for batch := range vms {
		for _, vm := range batch {
			results = append(results, VMResult{Name: vm.Name})
		}
		if batches++; batches == e.stopAfter {
			return nil, errors.New("stopped early")
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := out.VMs(results); err != nil {
		return nil, err
	}
	return &Forecast{Trials: 1}, nil
}

func requestMessages(t *testing.T, n int) ([]*pb.SimulateRequest, []VM) {
	t.Helper()
	req := Request{Trials: 1, Fleet: Fleet{VMs: make([]VM, n)}}
	for i := range req.Fleet.VMs {
		req.Fleet.VMs[i].Name = fmt.Sprint("vm-", i)
	}
	var s stream[pb.SimulateRequest]
	if err := sendRequest(s.send, req); err != nil {
		t.Fatal(err)
	}
	return s.msgs, req.Fleet.VMs
}

// TestSimulateStreaming: the plugin side of a streaming simulator answers a
// whole request with a whole forecast, and a request cut off, or a
// simulator that stops, with an error and no trailer, without hanging.
func TestSimulateStreaming(t *testing.T) {
	const n = 3*chunkItems + 11
	msgs, sent := requestMessages(t, n)
	whole := &serverStream{in: &stream[pb.SimulateRequest]{msgs: msgs}}
	if err := simulateStreaming(whole, echoStreaming{}); err != nil {
		t.Fatal(err)
	}
	bytes := 0
	for _, m := range whole.out.msgs {
		bytes += len(m.GetVmChunk())
	}
	if bytes > 8*n { // flags, phase, local time, attempts, windows, catch-up, reason: 7 bytes each when the VM is not repeated
		t.Errorf("the results took %d bytes for %d VMs: their names and placement were sent again", bytes, n)
	}
	f, err := receiveForecast(whole.out.recv, sent)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.VMs) != n || f.VMs[n-1].Name != fmt.Sprint("vm-", n-1) {
		t.Fatalf("%d results, the last %+v", len(f.VMs), f.VMs[len(f.VMs)-1])
	}

	for name, tc := range map[string]struct {
		msgs []*pb.SimulateRequest
		impl echoStreaming
		code codes.Code
		want string
	}{
		"cut off":         {msgs[:3], echoStreaming{}, codes.InvalidArgument, fmt.Sprintf("held %d VMs, not the %d announced", 2*chunkSize(n), n)},
		"corrupt chunk":   {append(append([]*pb.SimulateRequest{}, msgs[:2]...), &pb.SimulateRequest{Part: &pb.SimulateRequest_VmChunk{VmChunk: []byte{5, 1}}}), echoStreaming{}, codes.InvalidArgument, "VM chunk 1"},
		"no header":       {msgs[1:], echoStreaming{}, codes.InvalidArgument, "does not start with its header"},
		"simulator stops": {msgs, echoStreaming{stopAfter: 1}, codes.Unknown, "stopped early"},
	} {
		s := &serverStream{in: &stream[pb.SimulateRequest]{msgs: tc.msgs}}
		done := make(chan error, 1)
		go func() { done <- simulateStreaming(s, tc.impl) }()
		select {
		case err := <-done:
			if status.Code(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s: %v; want %s saying %q", name, err, tc.code, tc.want)
			}
			if s.trailerSent() {
				t.Errorf("%s: a trailer was sent", name)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("%s: the call hangs", name)
		}
	}
}
