package rpc

import (
	"context"
	"fmt"
	"io"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	istream "github.com/patchcheck/patchcheck/plugins/simulator/internal/stream"
	"github.com/patchcheck/patchcheck/plugins/simulator/model"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// grpcClient is the host side: a Simulator whose methods are gRPC calls. The
// context's deadline and cancellation travel with each call.
type grpcClient struct {
	client pb.SimulatorClient
}

// NewClient is the simulator the plugin at the other end of conn serves.
func NewClient(conn grpc.ClientConnInterface) Simulator {
	return &grpcClient{client: pb.NewSimulatorClient(conn)}
}

func (c *grpcClient) Describe(ctx context.Context) (model.Description, error) {
	resp, err := c.client.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return model.Description{}, fromStatus(err)
	}
	return fromDescription(resp), nil
}

func (c *grpcClient) Simulate(ctx context.Context, req model.Request) (*model.Forecast, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // ends the stream, whatever happened
	stream, err := c.client.Simulate(ctx)
	if err != nil {
		return nil, fromStatus(err)
	}
	// The request is sent while the forecast is read: a plugin may answer
	// before it has read the whole request.
	sent := make(chan error, 1)
	go func() {
		vms := req.Fleet.VMs
		err := istream.SendRequest(stream.Send, requestHeader(&req), func(from, to int, reuse []*pb.Vm) []*pb.Vm {
			return vmMessages(vms[from:to], reuse)
		})
		if err == nil {
			err = stream.CloseSend()
		}
		if err != nil && err != io.EOF {
			cancel() // the plugin waits for the rest of the request
		}
		sent <- err
	}()
	f, err := receiveForecast(stream.Recv, len(req.Fleet.VMs))
	if err != nil {
		cancel()
	}
	// io.EOF from Send means the plugin ended the call, and Recv said why;
	// Canceled means the reading failed first.
	if sendErr := <-sent; sendErr != nil && sendErr != io.EOF && status.Code(sendErr) != codes.Canceled {
		if _, ok := status.FromError(sendErr); ok {
			return nil, fromStatus(sendErr)
		}
		return nil, fmt.Errorf("sending the simulation request: %w", sendErr)
	}
	if err != nil {
		if _, ok := status.FromError(err); ok {
			return nil, fromStatus(err)
		}
		return nil, fmt.Errorf("reading the forecast: %w", err)
	}
	return f, nil
}

// receiveForecast reads the forecast for a request of vms VMs up to the end
// of the stream.
func receiveForecast(recv func() (*pb.SimulateResponse, error), vms int) (*model.Forecast, error) {
	results := make([]model.VMResult, vms)
	plan := []model.Step{}
	t, err := istream.ReadForecast(recv, vms, istream.ForecastParts{
		Steps: func(steps []*pb.Step) error {
			plan = append(plan, fromStepMessages(steps)...)
			return nil
		},
		Results: func(first int, r []*pb.VmResult) error {
			fromResultMessages(r, results[first:])
			return nil
		},
	})
	if err != nil {
		return nil, err
	}
	f := fromForecastTrailer(t)
	f.Plan, f.VMs = plan, results[:t.GetVmCount()]
	return f, nil
}

// callError is an error from a gRPC call: its message is the remote
// implementation's own (or gRPC's, for transport failures), and it keeps the
// status code so the host can tell a crash or a timeout from a model error.
type callError struct {
	st *status.Status
}

func fromStatus(err error) error {
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	return &callError{st: st}
}

func (e *callError) Error() string              { return e.st.Message() }
func (e *callError) GRPCStatus() *status.Status { return e.st }

// Unwrap lets errors.Is(err, context.DeadlineExceeded) and context.Canceled
// see through a call that ended that way.
func (e *callError) Unwrap() error {
	switch e.st.Code() {
	case codes.DeadlineExceeded:
		return context.DeadlineExceeded
	case codes.Canceled:
		return context.Canceled
	}
	return nil
}
