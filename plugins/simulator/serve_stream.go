package simulator

import (
	"context"
	"sync/atomic"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// simulateStreaming serves one Simulate call with a StreamingSimulator: the
// simulator takes each chunk's VMs as soon as they are decoded, and its
// plan and results are encoded and sent while it works on. The forecast's
// trailer goes out only when the whole request was received and the
// simulator succeeded, so a host never takes a partial forecast for a whole.
func simulateStreaming(stream pb.Simulator_SimulateServer, impl StreamingSimulator) error {
	resumeGC := pauseGC() // while the request is received, as in receiveRequest
	req, n, err := receiveRequestHeader(stream.Recv)
	if err != nil {
		resumeGC()
		return requestError(err)
	}
	decoder, err := newVMDecoder(n)
	if err != nil {
		resumeGC()
		return requestError(err)
	}
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	vms := make(chan []VM, 2)
	var decoded atomic.Int64 // VMs decoded so far, in order: the sink compares results with them
	decoder.deliverInOrder(func(part []VM) bool {
		decoded.Add(int64(len(part)))
		select {
		case vms <- part:
			return true
		case <-ctx.Done():
			return false
		}
	})
	received := make(chan error, 1)
	go func() {
		defer resumeGC()
		_, err := receiveVMs(stream.Recv, decoder, n)
		if err != nil {
			cancel() // before vms closes: the simulator must not take what came for the whole
		}
		close(vms)
		received <- err
	}()

	sink := newForecastSink(stream.Send, func(i int) *VM {
		if int64(i) < decoded.Load() {
			return &decoder.items[i]
		}
		return nil
	}, int(n))
	f, err := impl.SimulateStream(ctx, req, int(n), vms, sink)
	if err != nil {
		cancel()
	}
	go func() {
		for range vms { // a simulator that stopped early leaves batches behind
		}
	}()
	if recvErr := <-received; recvErr != nil {
		sink.abandon()
		return requestError(recvErr)
	}
	switch {
	case err != nil:
		sink.abandon()
		return toStatus(err)
	case f == nil:
		sink.abandon()
		return status.Error(codes.Internal, "the simulator returned neither a forecast nor an error")
	case f.VMs != nil || f.Plan != nil:
		sink.abandon()
		return status.Error(codes.Internal, "the simulator returned VM results or a plan from SimulateStream instead of handing them to the sink")
	}
	return sendError(sink.finish(f))
}
