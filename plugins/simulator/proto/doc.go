// Package proto is the Go code generated from simulator.proto, the
// contract between patchcheck and a forecast simulator plugin in any
// language: the messages of the Simulate stream and the service. Edit the
// .proto, never the generated files; `go generate ./plugins/simulator`
// rewrites them (docs/plugins.md says what the contract promises).
package proto
