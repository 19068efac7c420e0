// Package rpc carries a simulator across the gRPC service of
// proto/simulator.proto: it maps the Go types of package model to the
// messages and back (convert.go), serves an implementation on the plugin
// side (server.go, server_stream.go) and calls it on the host side
// (client.go). Package simulator wires it into go-plugin; internal/stream
// keeps the order and counts of a call's streams, internal/chunk their
// sizes.
package rpc

import (
	"context"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/patchcheck/patchcheck/plugins/simulator/model"
)

// Simulator and Streaming are simulator.Simulator and
// simulator.StreamingSimulator, declared again here because that package
// imports this one; Go interfaces match by their methods, and package
// simulator checks at compile time that the two pairs stay the same.
type (
	Simulator interface {
		Describe(ctx context.Context) (model.Description, error)
		Simulate(ctx context.Context, req model.Request) (*model.Forecast, error)
	}
	Streaming interface {
		Simulator
		SimulateStream(ctx context.Context, req model.Request, count int, vms <-chan []model.VM, out model.ForecastSink) (*model.Forecast, error)
	}
)

// MaxMessageBytes bounds one gRPC message in either direction. A plugin may
// answer with its whole forecast in one chunk, which for a large fleet is far
// past gRPC's default limit, so both sides raise it to this bound.
const MaxMessageBytes = 1 << 30

// The transport's flow-control windows and socket buffers. gRPC's defaults
// (small windows grown by bandwidth estimation) suit many small calls across
// a network; a forecast is one large call over a local socket, where they
// made the transfer cost more than encoding it (docs/performance.md).
const (
	windowBytes   = 64 << 20
	ioBufferBytes = 1 << 20
)

// ServerOptions are the server options every simulator plugin adds.
func ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.MaxRecvMsgSize(MaxMessageBytes),
		grpc.MaxSendMsgSize(MaxMessageBytes),
		grpc.InitialWindowSize(windowBytes),
		grpc.InitialConnWindowSize(windowBytes),
		grpc.WriteBufferSize(ioBufferBytes),
		grpc.ReadBufferSize(ioBufferBytes),
	}
}

// NewServer is a plugin's ServeConfig.GRPCServer: go-plugin's default
// server with ServerOptions added.
func NewServer(opts []grpc.ServerOption) *grpc.Server {
	return plugin.DefaultGRPCServer(append(opts, ServerOptions()...))
}

// DialOptions are the client options the host adds.
func DialOptions() []grpc.DialOption {
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
