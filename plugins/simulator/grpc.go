package simulator

import (
	"context"
	"errors"

	plugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/rpc"
)

// This file is the go-plugin wiring: the handshake both sides must agree on
// and the plugin that hands a Simulator to internal/rpc, which carries it
// between the processes as the messages of proto/simulator.proto.

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
const MaxMessageBytes = rpc.MaxMessageBytes

// GRPCPlugin is the plugin.GRPCPlugin for a Simulator. A plugin sets Impl
// (Serve does this); the host leaves it nil and dispenses a client.
type GRPCPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Simulator
}

var _ plugin.GRPCPlugin = (*GRPCPlugin)(nil)

// The transport declares the interfaces it serves again, as it cannot
// import this package; these lines keep the two declarations the same.
var (
	_ rpc.Simulator      = Simulator(nil)
	_ Simulator          = rpc.Simulator(nil)
	_ rpc.Streaming      = StreamingSimulator(nil)
	_ StreamingSimulator = rpc.Streaming(nil)
)

// GRPCServer registers the simulator service on the plugin's gRPC server.
func (p *GRPCPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	if p.Impl == nil {
		return errors.New("simulator plugin: no Simulator to serve")
	}
	rpc.Register(s, p.Impl)
	return nil
}

// GRPCClient returns a Simulator that calls the plugin over conn.
func (p *GRPCPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (interface{}, error) {
	return rpc.NewClient(conn), nil
}
