package simulator

import (
	"os"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/rpc"
)

// Serve runs impl as a simulator plugin: it performs the go-plugin
// handshake on stdout and serves gRPC until the host closes the plugin. It is
// the whole main of a plugin program (see example/main.go). Run by hand,
// without a host, it prints that it is a plugin and exits with status 1.
//
// Once serving, the plugin's os.Stdout and os.Stderr are redirected to the
// host (stderr is shown to the user); do not write the handshake channel
// (stdout) before calling Serve.
func Serve(impl Simulator) {
	plugin.Serve(ServeConfig(impl))
}

// ServeConfig is the plugin.ServeConfig that Serve uses: the Handshake, impl
// under PluginName, gRPC only with raised message size limits, and an hclog
// logger writing JSON to stderr (the host parses it and shows warnings and
// errors). It is exported for plugins and tests that need to adjust it.
func ServeConfig(impl Simulator) *plugin.ServeConfig {
	return &plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         plugin.PluginSet{PluginName: &GRPCPlugin{Impl: impl}},
		GRPCServer:      rpc.NewServer,
		Logger: hclog.New(&hclog.LoggerOptions{
			Name:       PluginName,
			Level:      hclog.Info,
			Output:     os.Stderr,
			JSONFormat: true,
		}),
	}
}
