package rpc

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/chunk"
	istream "github.com/patchcheck/patchcheck/plugins/simulator/internal/stream"
	"github.com/patchcheck/patchcheck/plugins/simulator/model"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// errStopped ends the reading of a request whose simulator has stopped.
var errStopped = errors.New("the simulator stopped")

// simulateStreaming serves one Simulate call of req, whose n VMs are still
// to come, with a StreamingSimulator: the simulator takes each chunk's VMs
// as soon as they are read, and its plan and results are sent while it
// works on. The trailer goes out only when the whole request was received
// and the simulator succeeded, so a host never takes a partial forecast
// for a whole.
func simulateStreaming(stream pb.Simulator_SimulateServer, impl Streaming, req model.Request, n int) error {
	ctx, cancel := context.WithCancel(stream.Context())
	defer cancel()
	vms := make(chan []model.VM, 2)
	received := make(chan error, 1)
	go func() {
		all := make([]model.VM, n) // the batches are parts of one slice
		// Each chunk's VMs are converted on a spare core while the next
		// chunk is received, and handed over in order.
		handOver := chunk.NewPipeline(func(batch []model.VM) error {
			select {
			case vms <- batch:
				return nil
			case <-ctx.Done():
				return errStopped
			}
		})
		err := istream.ReadVMs(stream.Recv, uint64(n), func(first int, msgs []*pb.Vm) error {
			batch := all[first : first+len(msgs)]
			return handOver.Add(func() []model.VM {
				fromVMMessages(msgs, batch)
				return batch
			})
		})
		if closeErr := handOver.Close(); err == nil {
			err = closeErr
		}
		if err != nil {
			cancel() // before vms closes: the simulator must not take what came for the whole
		}
		close(vms)
		received <- err
	}()

	sink := newForecastSink(stream.Send, n)
	f, err := impl.SimulateStream(ctx, req, n, vms, sink)
	if err != nil && ctx.Err() == nil {
		// The simulator's own failure: the rest of the request no longer
		// matters (the reader stops once the call ends).
		cancel()
		sink.w.Abandon()
		return toStatus(err)
	}
	go func() {
		for range vms { // a simulator that stopped early leaves batches behind
		}
	}()
	if recvErr := <-received; recvErr != nil && !errors.Is(recvErr, errStopped) {
		sink.w.Abandon()
		return requestError(recvErr)
	}
	switch {
	case err != nil:
		sink.w.Abandon()
		return toStatus(err)
	case f == nil:
		sink.w.Abandon()
		return status.Error(codes.Internal, "the simulator returned neither a forecast nor an error")
	case f.VMs != nil || f.Plan != nil:
		sink.w.Abandon()
		return status.Error(codes.Internal, "the simulator returned VM results or a plan from SimulateStream instead of handing them to the sink")
	}
	return sendError(sink.w.Finish(forecastTrailer(f)))
}
