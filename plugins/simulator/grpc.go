package simulator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/chunk"
	istream "github.com/patchcheck/patchcheck/plugins/simulator/internal/stream"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// This file is the go-plugin wiring: the handshake both sides must agree on,
// and the gRPC shims that carry a Simulator between processes as the
// messages of proto/simulator.proto (convert.go maps them to the Go types;
// internal/stream keeps the order and the counts of a call's streams).

// Handshake is the go-plugin handshake between patchcheck and a simulator
// plugin. The magic cookie is not a security measure: it only stops a plugin
// binary started by hand from sitting there waiting for a host. The protocol
// version must equal the host's or the host refuses the plugin.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  ProtocolVersion,
	MagicCookieKey:   "PATCHCHECK_PLUGIN",
	MagicCookieValue: "patchcheck-simulator-6b1f0c2e9d4a",
}

// PluginName is the name under which a simulator is served and dispensed.
const PluginName = "simulator"

// MaxMessageBytes bounds one gRPC message in either direction. A plugin may
// answer with its whole forecast in one chunk, which for a large fleet is far
// past gRPC's default limit, so both sides raise it to this bound.
const MaxMessageBytes = 1 << 30

// GRPCPlugin is the plugin.GRPCPlugin for a Simulator. A plugin sets Impl
// (Serve does this); the host leaves it nil and dispenses a client.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Simulator
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)

// GRPCServer registers the simulator service on the plugin's gRPC server.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("simulator plugin: no Simulator to serve")
	}
	pb.RegisterSimulatorServer(s, &grpcServer{impl: p.Impl})
	return nil
}

// GRPCClient returns a Simulator that calls the plugin over conn.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return &grpcClient{client: pb.NewSimulatorClient(conn)}, nil
}

// The transport's flow-control windows and socket buffers. gRPC's defaults
// (small windows grown by bandwidth estimation) suit many small calls across
// a network; a forecast is one large call over a local socket, where they
// made the transfer cost more than encoding it (docs/performance.md).
const (
	windowBytes   = 64 << 20
	ioBufferBytes = 1 << 20
)

// grpcServerOptions are the server options every simulator plugin adds.
func grpcServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(MaxMessageBytes),
		grpc.MaxSendMsgSize(MaxMessageBytes),
		grpc.InitialWindowSize(windowBytes),
		grpc.InitialConnWindowSize(windowBytes),
		grpc.WriteBufferSize(ioBufferBytes),
		grpc.ReadBufferSize(ioBufferBytes),
	}
}

// newGRPCServer is ServeConfig.GRPCServer: go-plugin's default server with
// the message size limits raised.
func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	return plugin.DefaultGRPCServer(append(opts, grpcServerOptions()...))
}

// grpcDialOptions are the client options the host adds.
func grpcDialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(windowBytes),
		grpc.WithInitialConnWindowSize(windowBytes),
		grpc.WithWriteBufferSize(ioBufferBytes),
		grpc.WithReadBufferSize(ioBufferBytes),
		grpc.WithDefaultCallOptions(
			grpc.MaxCallRecvMsgSize(MaxMessageBytes),
			grpc.MaxCallSendMsgSize(MaxMessageBytes),
		),
	}
}

// grpcServer is the plugin side: it decodes the request, calls the
// implementation and encodes its forecast.
type grpcServer struct {
	pb.UnimplementedSimulatorServer
	impl Simulator
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
	if impl, ok := s.impl.(StreamingSimulator); ok {
		return simulateStreaming(stream, impl, req, n)
	}
	if n > 0 {
		req.Fleet.VMs = make([]VM, n)
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

var _ ForecastSink = (*forecastSink)(nil)

// newForecastSink sends a forecast for a request of vms VMs through send.
func newForecastSink(send func(*pb.SimulateResponse) error, vms int) *forecastSink {
	return &forecastSink{w: istream.NewForecastWriter(send), size: chunk.Size(vms)}
}

func (s *forecastSink) Plan(steps []Step) error {
	return s.w.Plan(len(steps), func(i int) int { return len(steps[i].VMs) }, func(from, to int) []*pb.Step {
		return stepMessages(steps[from:to])
	})
}

func (s *forecastSink) VMs(results []VMResult) error {
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

// grpcClient is the host side: a Simulator whose methods are gRPC calls. The
// context's deadline and cancellation travel with each call.
type grpcClient struct {
	client pb.SimulatorClient
}

func (c *grpcClient) Describe(ctx context.Context) (Description, error) {
	resp, err := c.client.Describe(ctx, &pb.DescribeRequest{})
	if err != nil {
		return Description{}, fromStatus(err)
	}
	return fromDescription(resp), nil
}

func (c *grpcClient) Simulate(ctx context.Context, req Request) (*Forecast, error) {
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
func receiveForecast(recv func() (*pb.SimulateResponse, error), vms int) (*Forecast, error) {
	results := make([]VMResult, vms)
	plan := []Step{}
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
