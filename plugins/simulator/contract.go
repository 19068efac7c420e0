// Package simulator is the contract between patchcheck and a forecast
// simulator for Go programs: the Go interface and its request and response
// types (contract.go; the types' fields are documented in package model),
// Serve for a plugin's main and Open for the host (serve.go, host.go), and
// the go-plugin handshake between them (grpc.go). For a plugin in any
// language the contract is proto/simulator.proto; docs/plugins.md says how
// a plugin speaks it. How the types travel as its messages is internal
// (internal/rpc, internal/stream, internal/chunk). It imports nothing of
// checker; the reference model lives in plugins/simulator/reference and
// knows nothing of go-plugin.
package simulator

import (
	"context"

	"github.com/patchcheck/patchcheck/plugins/simulator/model"
)

// ProtocolVersion is the plugin protocol version, that of
// proto/simulator.proto: host and plugin must agree (go-plugin's handshake
// checks it), and DescribeResponse repeats it.
const ProtocolVersion = 4

// Simulator predicts how a fleet is patched this month. Implementations must
// be pure: the same Request gives the same Forecast (time and randomness come
// in the request).
type Simulator interface {
	Describe(ctx context.Context) (Description, error)
	Simulate(ctx context.Context, req Request) (*Forecast, error)
}

// StreamingSimulator is a Simulator that can overlap its work with the
// plugin transport: it starts on the fleet while its VMs still arrive, and
// hands out the plan and the VM results as soon as they are final, while it
// works on the rest (further trials, the curve). Over gRPC the plugin side
// uses SimulateStream when the implementation has it, so moving a large
// fleet and its forecast between the processes costs little more than the
// simulation itself; in-process callers use Simulate. Both must give the
// same forecast for the same request.
type StreamingSimulator interface {
	Simulator
	// SimulateStream simulates req, whose Fleet.VMs is empty: its count
	// VMs arrive in order on vms, in batches the simulator may keep, and
	// vms is closed after the last. When the request cannot be read to its end,
	// ctx is canceled before vms is closed, so a simulator must check ctx
	// after the last batch and never take a cut-off fleet for the whole.
	// It passes the plan's steps and the VM results to out, each in order
	// (the slices become out's), and returns the rest of the forecast with
	// Plan and VMs nil.
	SimulateStream(ctx context.Context, req Request, count int, vms <-chan []VM, out ForecastSink) (*Forecast, error)
}

// The request and forecast types, defined in package model (where their
// fields are documented) so the transport can map them to the messages
// without importing this package. They are the same types under a second
// name, as os.FileInfo is fs.FileInfo.
type (
	// ForecastSink takes a forecast's plan and VM results in parts.
	ForecastSink = model.ForecastSink
	// Description identifies a simulator.
	Description = model.Description
	// Request is everything a simulation may depend on.
	Request = model.Request
	// DefaultPatchModes are Azure's patch modes for a VM that sets none.
	DefaultPatchModes = model.DefaultPatchModes
	// ImagePattern matches a family of SKUs by regular expression.
	ImagePattern = model.ImagePattern
	// Fleet is a validated fleet file with defaults applied.
	Fleet = model.Fleet
	// DeclaredRegion is a region a fleet declares.
	DeclaredRegion = model.DeclaredRegion
	// Release is the monthly patch release being rolled out.
	Release = model.Release
	// Settings are the model's assumptions.
	Settings = model.Settings
	// Window is a daily local time window.
	Window = model.Window
	// PowerWindow says when a VM is on.
	PowerWindow = model.PowerWindow
	// Outage is a dated period when a VM is off.
	Outage = model.Outage
	// Image is a marketplace image reference.
	Image = model.Image
	// VM is one machine of the fleet.
	VM = model.VM
	// Forecast is the simulator's answer.
	Forecast = model.Forecast
	// Assumptions are the inputs of a forecast that are not facts of Azure.
	Assumptions = model.Assumptions
	// Phase is one step of the cross-region rollout.
	Phase = model.Phase
	// Step is one unit of the plan.
	Step = model.Step
	// VMResult is one VM's forecast.
	VMResult = model.VMResult
	// CurvePoint is the share of the fleet patched by a day after release.
	CurvePoint = model.CurvePoint
	// RegionSummary counts one region's outcome.
	RegionSummary = model.RegionSummary
)

// Enablement states of a VM, plans a forecast can follow, and phase
// statuses (see package model).
const (
	EnablementDone    = model.EnablementDone
	EnablementPending = model.EnablementPending

	PlanAzureDefault = model.PlanAzureDefault
	PlanExplicit     = model.PlanExplicit

	PhaseSucceeded  = model.PhaseSucceeded
	PhaseHalted     = model.PhaseHalted
	PhaseNotStarted = model.PhaseNotStarted
)
