package rpc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/chunk"
	istream "github.com/patchcheck/patchcheck/plugins/simulator/internal/stream"
	"github.com/patchcheck/patchcheck/plugins/simulator/model"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// grpcServer is the plugin side: it decodes the request, calls the
// implementation and encodes its forecast.
type grpcServer struct {
	pb.UnimplementedSimulatorServer
	impl Simulator
}

// Register serves impl as the simulator service of s; a Streaming
// implementation gets the VMs as they arrive.
func Register(s *grpc.Server, impl Simulator) {
	pb.RegisterSimulatorServer(s, &grpcServer{impl: impl})
}

func (s *grpcServer) Describe(ctx context.Context, _ *pb.DescribeRequest) (resp *pb.DescribeResponse, err error) {
	defer recoverPanic("Describe", &err)
	d, err := s.impl.Describe(ctx)
	if err != nil {
		return nil, toStatus(err)
	}
	return description(d), nil
}

func (s *grpcServer) Simulate(stream pb.Simulator_SimulateServer) (err error) {
	defer recoverPanic("Simulate", &err)
	header, err := istream.ReadHeader(stream.Recv)
	if err != nil {
		return requestError(err)
	}
	req := fromRequestHeader(header)
	n := int(header.GetVmCount())
	if impl, ok := s.impl.(Streaming); ok {
		return simulateStreaming(stream, impl, req, n)
	}
	if n > 0 {
		req.Fleet.VMs = make([]model.VM, n)
	}
	err = istream.ReadVMs(stream.Recv, uint64(n), func(first int, vms []*pb.Vm) error {
		fromVMMessages(vms, req.Fleet.VMs[first:])
		return nil
	})
	if err != nil {
		return requestError(err)
	}
	f, err := s.impl.Simulate(stream.Context(), req)
	if err != nil {
		return toStatus(err)
	}
	if f == nil {
		return status.Error(codes.Internal, "the simulator returned neither a forecast nor an error")
	}
	sink := newForecastSink(stream.Send, n)
	if err := sink.Plan(f.Plan); err != nil {
		sink.w.Abandon()
		return sendError(err)
	}
	if err := sink.VMs(f.VMs); err != nil {
		sink.w.Abandon()
		return sendError(err)
	}
	return sendError(sink.w.Finish(forecastTrailer(f)))
}

// forecastSink is the ForecastSink of the plugin side: it sends the plan
// and the VM results in chunks as they are handed out.
type forecastSink struct {
	w    *istream.ForecastWriter
	size int // results per chunk
}

var _ model.ForecastSink = (*forecastSink)(nil)

// newForecastSink sends a forecast for a request of vms VMs through send.
func newForecastSink(send func(*pb.SimulateResponse) error, vms int) *forecastSink {
	return &forecastSink{w: istream.NewForecastWriter(send), size: chunk.Size(vms)}
}

func (s *forecastSink) Plan(steps []model.Step) error {
	return s.w.Plan(len(steps), func(i int) int { return len(steps[i].VMs) }, func(from, to int) []*pb.Step {
		return stepMessages(steps[from:to])
	})
}

func (s *forecastSink) VMs(results []model.VMResult) error {
	return s.w.Results(len(results), s.size, func(from, to int, reuse []*pb.VmResult) []*pb.VmResult {
		return resultMessages(results[from:to], reuse)
	})
}

// requestError is the status for a request that could not be received: the
// call's own when it failed (the host went away), else a malformed request.
func requestError(err error) error {
	if _, ok := status.FromError(err); ok && status.Code(err) != codes.Unknown {
		return err
	}
	return status.Errorf(codes.InvalidArgument, "decoding the simulation request: %v", err)
}

// sendError is the status for a forecast that could not be sent.
func sendError(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok && status.Code(err) != codes.Unknown {
		return err
	}
	return status.Errorf(codes.Internal, "sending the forecast: %v", err)
}

// recoverPanic turns a panic in the implementation into an error for this
// call, so the host gets the panic's message instead of a dead process. The
// stack goes to the plugin's stderr, which the host shows.
func recoverPanic(method string, err *error) {
	if r := recover(); r != nil {
		fmt.Fprintf(os.Stderr, "simulator panicked in %s: %v\n%s", method, r, debug.Stack())
		*err = status.Errorf(codes.Internal, "the simulator panicked in %s: %v", method, r)
	}
}

// toStatus carries an implementation's error as a gRPC status with the
// error's own message.
func toStatus(err error) error {
	code := codes.Unknown
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	}
	return status.Error(code, err.Error())
}
