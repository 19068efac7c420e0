package simulator

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// TestSendChunksInOrder: chunks encoded on several cores ahead of the
// sender still go out in order, each holding its range; a send error stops
// the sending at once.
func TestSendChunksInOrder(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	items := make([]VM, 5*chunkItems+7)
	for i := range items {
		items[i].Name = fmt.Sprint(i)
	}
	var got []VM
	err := sendChunks(items, itemRanges(len(items), chunkItems), 16, writeVM, func(c []byte) error {
		r := &wireReader{s: string(c)}
		part := make([]VM, r.count(minVMBytes))
		readVMs(r, part, 0)
		if err := r.done(); err != nil {
			return err
		}
		got = append(got, part...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(items) {
		t.Fatalf("%d items arrived of %d", len(got), len(items))
	}
	for i := range got {
		if got[i].Name != items[i].Name {
			t.Fatalf("item %d arrived as %q", i, got[i].Name)
		}
	}

	sent := 0
	stop := errors.New("stop")
	err = sendChunks(items, itemRanges(len(items), chunkItems), 16, writeVM, func([]byte) error {
		sent++
		if sent == 2 {
			return stop
		}
		return nil
	})
	if err != stop || sent != 2 {
		t.Fatalf("after a send error: %v, %d sends", err, sent)
	}
}

// TestPlanRangesWeighSteps: the plan is split by the VM names its steps
// carry, every step in exactly one range.
func TestPlanRangesWeighSteps(t *testing.T) {
	steps := []Step{{VMs: make([]string, 3*chunkItems)}, {}, {VMs: make([]string, 10)}, {VMs: make([]string, chunkItems)}, {}}
	ranges := planRanges(steps)
	want := [][2]int{{0, 1}, {1, 4}, {4, 5}}
	if fmt.Sprint(ranges) != fmt.Sprint(want) {
		t.Fatalf("planRanges = %v, want %v", ranges, want)
	}
	if r := planRanges(nil); len(r) != 0 {
		t.Fatalf("planRanges(nil) = %v", r)
	}
}

// TestBrokenStreams: a stream that does not hold what its trailer says,
// or holds parts out of order, is an error naming what is wrong, never a
// forecast or request with items missing.
func TestBrokenStreams(t *testing.T) {
	results := make([]VMResult, chunkItems+5)
	write := func(w *wireWriter, v *VMResult) { writeResult(w, v, nil) }
	chunks := [][]byte{encodeChunk(results[:chunkItems], 64, write), encodeChunk(results[chunkItems:], 64, write)}
	trailer := func(vms, steps uint64) *pb.SimulateResponse {
		raw, err := gobEncode(Forecast{})
		if err != nil {
			t.Fatal(err)
		}
		return &pb.SimulateResponse{Part: &pb.SimulateResponse_Trailer{Trailer: &pb.ForecastTrailer{ForecastGob: raw, Vms: vms, PlanSteps: steps}}}
	}
	vmChunk := func(c []byte) *pb.SimulateResponse {
		return &pb.SimulateResponse{Part: &pb.SimulateResponse_VmChunk{VmChunk: c}}
	}
	planChunk := func(c []byte) *pb.SimulateResponse {
		return &pb.SimulateResponse{Part: &pb.SimulateResponse_PlanChunk{PlanChunk: c}}
	}
	plan := EncodedChunks(Request{}, &Forecast{Plan: []Step{{}}})[0]
	n := uint64(len(results))
	for _, tc := range []struct {
		name string
		msgs []*pb.SimulateResponse
		want string
	}{
		{"nothing", nil, "sent no forecast"},
		{"no trailer", []*pb.SimulateResponse{vmChunk(chunks[0]), vmChunk(chunks[1])}, "ends without its trailer"},
		{"fewer results than the trailer says", []*pb.SimulateResponse{vmChunk(chunks[0]), trailer(n, 0)}, "held 16384 VM results, not the 16389 announced"},
		{"more results than the trailer says", []*pb.SimulateResponse{vmChunk(chunks[0]), vmChunk(chunks[1]), trailer(10, 0)}, "held 16389 VM results, not the 10 announced"},
		{"more results than VMs", []*pb.SimulateResponse{vmChunk(chunks[0]), vmChunk(chunks[1]), vmChunk(chunks[1])}, "more VM results than the 16389 expected"},
		{"missing plan", []*pb.SimulateResponse{vmChunk(chunks[0]), vmChunk(chunks[1]), trailer(n, 1)}, "held 0 plan steps, not the 1 announced"},
		{"after the trailer", []*pb.SimulateResponse{planChunk(plan), vmChunk(chunks[0]), vmChunk(chunks[1]), trailer(n, 1), planChunk(plan)}, "after the forecast's trailer"},
		{"corrupt chunk", []*pb.SimulateResponse{vmChunk(chunks[0][:len(chunks[0])-3]), vmChunk(chunks[1]), trailer(n, 0)}, "VM result chunk 0"},
		{"empty message", []*pb.SimulateResponse{{}}, "unknown part"},
	} {
		s := &stream[pb.SimulateResponse]{msgs: tc.msgs}
		f, err := receiveForecast(s.recv, make([]VM, len(results)))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, %v; want an error saying %q", tc.name, f != nil, err, tc.want)
		}
	}
	whole := &stream[pb.SimulateResponse]{msgs: []*pb.SimulateResponse{planChunk(plan), vmChunk(chunks[0]), vmChunk(chunks[1]), trailer(n, 1)}}
	if f, err := receiveForecast(whole.recv, make([]VM, len(results))); err != nil || len(f.VMs) != len(results) || len(f.Plan) != 1 {
		t.Fatalf("the whole stream: %v", err)
	}

	req := &stream[pb.SimulateRequest]{msgs: []*pb.SimulateRequest{{Part: &pb.SimulateRequest_VmChunk{VmChunk: []byte{0}}}}}
	if _, err := receiveRequest(req.recv); err == nil || !strings.Contains(err.Error(), "does not start with its header") {
		t.Errorf("a request without its header: %v", err)
	}
	raw, err := gobEncode(Request{})
	if err != nil {
		t.Fatal(err)
	}
	absurd := &stream[pb.SimulateRequest]{msgs: []*pb.SimulateRequest{{Part: &pb.SimulateRequest_Header{Header: &pb.RequestHeader{RequestGob: raw, Vms: 1 << 40}}}}}
	if _, err := receiveRequest(absurd.recv); err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("a request announcing 2^40 VMs: %v", err)
	}
}
