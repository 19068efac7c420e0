package rpc

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
	"google.golang.org/protobuf/proto"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/chunk"
	"github.com/patchcheck/patchcheck/plugins/simulator/model"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// serverStream is the plugin's end of a Simulate call, in memory. With a
// gate, the messages from gateAt on arrive only once it is closed.
type serverStream struct {
	grpc.ServerStream
	in     *requestStream
	out    responseStream
	gate   chan struct{}
	gateAt int
}

func (s *serverStream) Context() context.Context { return context.Background() }
func (s *serverStream) Recv() (*pb.SimulateRequest, error) {
	if s.gate != nil && s.in.next >= s.gateAt {
		<-s.gate
	}
	return s.in.recv()
}
func (s *serverStream) Send(m *pb.SimulateResponse) error { return s.out.send(m) }
func (s *serverStream) trailerSent() bool {
	for _, b := range s.out.msgs {
		var m pb.SimulateResponse
		if proto.Unmarshal(b, &m) == nil && m.GetTrailer() != nil {
			return true
		}
	}
	return false
}

// echoStreaming is a StreamingSimulator answering each VM with its name;
// stopAfter > 0 makes it return an error after that many batches, and
// returnAfter > 0 return what it has without waiting for the rest.
type echoStreaming struct {
	stopAfter, returnAfter int
	returned               chan struct{} // closed as it returns early, when set
}

func (echoStreaming) Describe(context.Context) (model.Description, error) {
	return model.Description{}, nil
}
func (echoStreaming) Simulate(context.Context, model.Request) (*model.Forecast, error) {
	return nil, errors.New("not used")
}

func (e echoStreaming) SimulateStream(ctx context.Context, _ model.Request, count int, vms <-chan []model.VM, out model.ForecastSink) (*model.Forecast, error) {
	results := make([]model.VMResult, 0, count)
	batches := 0
	for batch := range vms {
		for _, vm := range batch {
			results = append(results, model.VMResult{Name: vm.Name})
		}
		if batches++; batches == e.stopAfter {
			return nil, errors.New("stopped early")
		}
		if batches == e.returnAfter {
			if e.returned != nil {
				defer close(e.returned)
			}
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := out.VMs(results); err != nil {
		return nil, err
	}
	return &model.Forecast{Trials: 1}, nil
}

func requestMessages(t *testing.T, n int) ([][]byte, []model.VM) {
	t.Helper()
	req := model.Request{Trials: 1, Fleet: model.Fleet{VMs: make([]model.VM, n)}}
	for i := range req.Fleet.VMs {
		req.Fleet.VMs[i].Name = fmt.Sprint("vm-", i)
	}
	var s requestStream
	sendRequest(t, &s, req)
	return s.msgs, req.Fleet.VMs
}

// serve runs the plugin side of a Simulate call on the request messages
// msgs with impl, failing the test if it hangs.
func serve(t *testing.T, msgs [][]byte, impl Simulator) (*serverStream, error) {
	t.Helper()
	s := &serverStream{in: &requestStream{msgs: msgs}}
	done := make(chan error, 1)
	go func() { done <- (&grpcServer{impl: impl}).Simulate(s) }()
	select {
	case err := <-done:
		return s, err
	case <-time.After(30 * time.Second):
		t.Fatal("the call hangs")
		return nil, nil
	}
}

// TestSimulateStreaming: the plugin side of a streaming simulator answers a
// whole request with a whole forecast, and a request cut off or garbled, or
// a simulator that stops, with an error and no trailer, without hanging.
func TestSimulateStreaming(t *testing.T) {
	const n = 3*chunk.MaxItems + 11
	msgs, sent := requestMessages(t, n)
	whole, err := serve(t, msgs, echoStreaming{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := receiveForecast(whole.out.recv, len(sent))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.VMs) != n || f.VMs[n-1].Name != fmt.Sprint("vm-", n-1) {
		t.Fatalf("%d results, the last %+v", len(f.VMs), f.VMs[len(f.VMs)-1])
	}

	marshal := func(m *pb.SimulateRequest) []byte {
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	extra := marshal(&pb.SimulateRequest{Part: &pb.SimulateRequest_Vms{Vms: &pb.VmChunk{Vms: []*pb.Vm{{Name: "extra"}}}}})
	header := marshal(&pb.SimulateRequest{Part: &pb.SimulateRequest_Header{Header: &pb.RequestHeader{}}})
	absurd := marshal(&pb.SimulateRequest{Part: &pb.SimulateRequest_Header{Header: &pb.RequestHeader{VmCount: 1 << 40}}})
	with := func(parts ...[]byte) [][]byte { return append(append([][]byte{}, msgs...), parts...) }
	for name, tc := range map[string]struct {
		msgs [][]byte
		impl echoStreaming
		code codes.Code
		want string
	}{
		"cut off":         {msgs[:3], echoStreaming{}, codes.InvalidArgument, fmt.Sprintf("held %d VMs, not the %d announced", 2*chunk.Size(n), n)},
		"more VMs":        {with(extra), echoStreaming{}, codes.InvalidArgument, fmt.Sprintf("more VMs than the %d announced", n)},
		"second header":   {with(header), echoStreaming{}, codes.InvalidArgument, "a second header"},
		"garbled":         {with([]byte{0xff}), echoStreaming{}, codes.InvalidArgument, "cannot parse"},
		"no header":       {msgs[1:], echoStreaming{}, codes.InvalidArgument, "does not start with its header"},
		"absurd count":    {[][]byte{absurd}, echoStreaming{}, codes.InvalidArgument, "more than the 67108864 a request may hold"},
		"nothing":         {nil, echoStreaming{}, codes.InvalidArgument, "has no header"},
		"simulator stops": {msgs, echoStreaming{stopAfter: 1}, codes.Unknown, "stopped early"},
		"simulator returns before a cut-off request ends": {msgs[:3], echoStreaming{returnAfter: 1}, codes.InvalidArgument, "not the"},
	} {
		s, err := serve(t, tc.msgs, tc.impl)
		if status.Code(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v; want %s saying %q", name, err, tc.code, tc.want)
		}
		if s.trailerSent() {
			t.Errorf("%s: a trailer was sent", name)
		}
	}
}

// TestNoTrailerAfterAnEarlyReturn: a simulator that returns before its
// request has all arrived gets no trailer sent when the rest of the request
// then turns out cut off.
func TestNoTrailerAfterAnEarlyReturn(t *testing.T) {
	msgs, _ := requestMessages(t, 3*chunk.MaxItems+11)
	for range 20 { // the reader's last steps race with the simulator's return
		returned := make(chan struct{})
		s := &serverStream{in: &requestStream{msgs: msgs[:3]}, gate: returned, gateAt: 2}
		done := make(chan error, 1)
		go func() { done <- (&grpcServer{impl: echoStreaming{returnAfter: 1, returned: returned}}).Simulate(s) }()
		select {
		case err := <-done:
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "not the") {
				t.Fatalf("%v; want the cut-off request's error", err)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the call hangs")
		}
		if s.trailerSent() {
			t.Fatal("a trailer was sent for a cut-off request")
		}
	}
}
