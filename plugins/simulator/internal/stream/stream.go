// Package stream keeps the order and the counts of a Simulate call's two
// streams (proto/simulator.proto): the request is a header, then chunks
// holding as many VMs as the header announced; the forecast is plan and VM
// result chunks, then a trailer counting them, then nothing. A stream that
// does not keep to this is an error naming what is wrong, so that a cut-off
// or garbled stream never passes for a whole request or forecast. Parts a
// receiver does not know (a newer peer's) are skipped. The package moves
// messages only; turning them into the Go types is the caller's.
package stream

import (
	"errors"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/plugins/simulator/internal/chunk"
	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// MaxVMs bounds the VM count a request header may announce: the plugin
// side allocates for that many VMs before they arrive.
const MaxVMs = 1 << 26

// spares keeps the message lists of chunks already sent, for the chunks
// still to be made to refill instead of allocating their own: a large
// fleet's messages would otherwise be new memory chunk after chunk. Once
// send returns, gRPC has encoded a message and reads it no more (neither
// side installs a stats handler, which may keep it). A list that finds
// spares full is left to the collector.
type spares[T any] chan []T

func newSpares[T any]() spares[T] { return make(chan []T, chunk.InFlight()) }

func (s spares[T]) put(list []T) {
	select {
	case s <- list:
	default:
	}
}

// get is a list to refill, or nil when none was sent yet.
func (s spares[T]) get() []T {
	select {
	case list := <-s:
		return list
	default:
		return nil
	}
}

// SendRequest sends header, then the chunks vmChunk makes for each range
// of the header's VMs, made on spare cores ahead of the sender. vmChunk
// may refill reuse, the messages of a chunk already sent (nil when there is
// none), and return them.
func SendRequest(send func(*pb.SimulateRequest) error, header *pb.RequestHeader, vmChunk func(from, to int, reuse []*pb.Vm) []*pb.Vm) error {
	if err := send(&pb.SimulateRequest{Part: &pb.SimulateRequest_Header{Header: header}}); err != nil {
		return err
	}
	n := int(header.GetVmCount())
	sent := newSpares[*pb.Vm]()
	p := chunk.NewPipeline(func(msg *pb.SimulateRequest) error {
		err := send(msg)
		sent.put(msg.GetVms().GetVms())
		return err
	})
	for _, r := range chunk.Ranges(n, chunk.Size(n)) {
		err := p.Add(func() *pb.SimulateRequest {
			return &pb.SimulateRequest{Part: &pb.SimulateRequest_Vms{Vms: &pb.VmChunk{Vms: vmChunk(r[0], r[1], sent.get())}}}
		})
		if err != nil {
			break // Close returns it
		}
	}
	return p.Close()
}

// ReadHeader reads a request's header, which must come before its VMs.
func ReadHeader(recv func() (*pb.SimulateRequest, error)) (*pb.RequestHeader, error) {
	for {
		msg, err := recv()
		if err == io.EOF {
			return nil, errors.New("the request has no header")
		}
		if err != nil {
			return nil, err
		}
		switch part := msg.GetPart().(type) {
		case *pb.SimulateRequest_Header:
			if n := part.Header.GetVmCount(); n > MaxVMs {
				return nil, fmt.Errorf("%d VMs announced, more than the %d a request may hold", n, MaxVMs)
			}
			return part.Header, nil
		case *pb.SimulateRequest_Vms:
			return nil, errors.New("the request does not start with its header")
		}
	}
}

// ReadVMs reads the VM chunks that follow the header up to the end of the
// stream, passing each chunk's VMs to each with the index of its first,
// and checks that they are the want VMs the header announced. An error
// from each ends the reading.
func ReadVMs(recv func() (*pb.SimulateRequest, error), want uint64, each func(first int, vms []*pb.Vm) error) error {
	var got uint64
	for {
		msg, err := recv()
		if err == io.EOF {
			if got != want {
				return fmt.Errorf("the request's chunks held %d VMs, not the %d announced", got, want)
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch part := msg.GetPart().(type) {
		case *pb.SimulateRequest_Header:
			return errors.New("a second header in the request")
		case *pb.SimulateRequest_Vms:
			vms := part.Vms.GetVms()
			if uint64(len(vms)) > want-got {
				return fmt.Errorf("the request's chunks hold more VMs than the %d announced", want)
			}
			if err := each(int(got), vms); err != nil {
				return err
			}
			got += uint64(len(vms))
		}
	}
}

// ForecastWriter sends a forecast: its plan steps and VM results in
// chunks, made on spare cores ahead of the sender, then the trailer with
// their counts.
type ForecastWriter struct {
	p              *chunk.Pipeline[*pb.SimulateResponse]
	send           func(*pb.SimulateResponse) error
	sent           spares[*pb.VmResult]
	steps, results int
}

// NewForecastWriter sends through send.
func NewForecastWriter(send func(*pb.SimulateResponse) error) *ForecastWriter {
	w := &ForecastWriter{send: send, sent: newSpares[*pb.VmResult]()}
	w.p = chunk.NewPipeline(func(msg *pb.SimulateResponse) error {
		err := send(msg)
		if r := msg.GetResults(); r != nil {
			w.sent.put(r.GetVms())
		}
		return err
	})
	return w
}

// Plan adds the next n steps, split in chunks; stepChunk makes the steps of
// a range of them.
func (w *ForecastWriter) Plan(n int, weight func(i int) int, stepChunk func(from, to int) []*pb.Step) error {
	w.steps += n
	for _, r := range chunk.ByWeight(n, weight) {
		err := w.p.Add(func() *pb.SimulateResponse {
			return &pb.SimulateResponse{Part: &pb.SimulateResponse_Plan{Plan: &pb.PlanChunk{Steps: stepChunk(r[0], r[1])}}}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Results adds the next n VM results, in chunks of size; resultChunk makes
// the results of a range of them, and may refill reuse, the messages of a
// chunk already sent (nil when there is none).
func (w *ForecastWriter) Results(n, size int, resultChunk func(from, to int, reuse []*pb.VmResult) []*pb.VmResult) error {
	w.results += n
	for _, r := range chunk.Ranges(n, size) {
		err := w.p.Add(func() *pb.SimulateResponse {
			return &pb.SimulateResponse{Part: &pb.SimulateResponse_Results{Results: &pb.VmResultChunk{Vms: resultChunk(r[0], r[1], w.sent.get())}}}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Abandon waits for the chunks under way after the forecast failed; no
// trailer is sent.
func (w *ForecastWriter) Abandon() { _ = w.p.Close() }

// Finish sends what is left, then trailer with the counts of the steps
// and results sent.
func (w *ForecastWriter) Finish(trailer *pb.ForecastTrailer) error {
	if err := w.p.Close(); err != nil {
		return err
	}
	trailer.VmCount, trailer.PlanStepCount = uint64(w.results), uint64(w.steps)
	return w.send(&pb.SimulateResponse{Part: &pb.SimulateResponse_Trailer{Trailer: trailer}})
}

// ForecastParts receive the chunks of a forecast as they arrive.
type ForecastParts struct {
	// Steps takes each plan chunk's steps.
	Steps func(steps []*pb.Step) error
	// Results takes each result chunk's results, with the index of the
	// first among all.
	Results func(first int, results []*pb.VmResult) error
}

// ReadForecast reads a forecast for a request of vms VMs up to the end of
// the stream, passing its chunks to parts, and returns its trailer once
// the counts agree and nothing follows it.
func ReadForecast(recv func() (*pb.SimulateResponse, error), vms int, parts ForecastParts) (*pb.ForecastTrailer, error) {
	steps, results := 0, 0
	for msgs := 0; ; msgs++ {
		msg, err := recv()
		if err == io.EOF {
			if msgs == 0 {
				return nil, errors.New("the simulator sent no forecast")
			}
			return nil, errors.New("the forecast ends without its trailer")
		}
		if err != nil {
			return nil, err
		}
		switch part := msg.GetPart().(type) {
		case *pb.SimulateResponse_Plan:
			s := part.Plan.GetSteps()
			steps += len(s)
			err = parts.Steps(s)
		case *pb.SimulateResponse_Results:
			r := part.Results.GetVms()
			if len(r) > vms-results {
				return nil, fmt.Errorf("the forecast holds more VM results than the request's %d VMs", vms)
			}
			err = parts.Results(results, r)
			results += len(r)
		case *pb.SimulateResponse_Trailer:
			return finish(recv, part.Trailer, steps, results)
		}
		if err != nil {
			return nil, err
		}
	}
}

// finish checks the trailer's counts and that the stream ends there.
func finish(recv func() (*pb.SimulateResponse, error), t *pb.ForecastTrailer, steps, results int) (*pb.ForecastTrailer, error) {
	if t.GetVmCount() != uint64(results) {
		return nil, fmt.Errorf("the forecast's trailer counts %d VM results, but %d arrived", t.GetVmCount(), results)
	}
	if t.GetPlanStepCount() != uint64(steps) {
		return nil, fmt.Errorf("the forecast's trailer counts %d plan steps, but %d arrived", t.GetPlanStepCount(), steps)
	}
	if _, err := recv(); err != io.EOF {
		if err == nil {
			err = errors.New("a message after the forecast's trailer")
		}
		return nil, err
	}
	return t, nil
}
