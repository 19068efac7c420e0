package simulator

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"math"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// This file moves a request and a forecast through the Simulate stream. The
// request: a header with its small parts (encoding/gob) and the VM count,
// then the VMs in chunks of the bulk encoding (wire*.go). The forecast: the
// plan and the VM results in chunks, in the order the simulator hands them
// out, then a trailer with the rest (gob) and the counts. Chunks are encoded
// ahead of the sender and decoded as they arrive (chunks.go).

// maxAnnouncedItems bounds the counts a header may announce: the receiver
// allocates for them before the chunks arrive.
const maxAnnouncedItems = 1 << 26

// sendRequest sends req as its header and its VMs' chunks.
func sendRequest(send func(*pb.SimulateRequest) error, req Request) error {
	vms := req.Fleet.VMs
	req.Fleet.VMs = nil // a copy: the caller's request is untouched
	header, err := gobEncode(req)
	if err != nil {
		return fmt.Errorf("encoding the request: %w", err)
	}
	first := &pb.RequestHeader{RequestGob: header, Vms: uint64(len(vms))}
	if err := send(&pb.SimulateRequest{Part: &pb.SimulateRequest_Header{Header: first}}); err != nil {
		return err
	}
	return sendChunks(vms, itemRanges(len(vms), chunkSize(len(vms))), 48, writeVM, func(c []byte) error {
		return send(&pb.SimulateRequest{Part: &pb.SimulateRequest_VmChunk{VmChunk: c}})
	})
}

// receiveRequest reads what sendRequest sent, up to the end of the stream.
func receiveRequest(recv func() (*pb.SimulateRequest, error)) (Request, error) {
	defer pauseGC()()
	req, n, err := receiveRequestHeader(recv)
	if err != nil {
		return Request{}, err
	}
	vms, err := newVMDecoder(n)
	if err != nil {
		return Request{}, err
	}
	if req.Fleet.VMs, err = receiveVMs(recv, vms, n); err != nil {
		return Request{}, err
	}
	return req, nil
}

// receiveRequestHeader reads the request without its VMs, and their count.
func receiveRequestHeader(recv func() (*pb.SimulateRequest, error)) (Request, uint64, error) {
	first, err := recv()
	if err != nil {
		return Request{}, 0, err
	}
	h := first.GetHeader()
	if h == nil {
		return Request{}, 0, errors.New("the request does not start with its header")
	}
	var req Request
	if err := gob.NewDecoder(bytes.NewReader(h.GetRequestGob())).Decode(&req); err != nil {
		return Request{}, 0, fmt.Errorf("request header: %w", err)
	}
	return req, h.GetVms(), nil
}

func newVMDecoder(n uint64) (*chunkDecoder[VM], error) {
	return newChunkDecoder("VM", n, true, minVMBytes, readVMs)
}

// receiveVMs reads the VM chunks that follow the header, up to the end of
// the stream, and returns the n VMs they hold.
func receiveVMs(recv func() (*pb.SimulateRequest, error), vms *chunkDecoder[VM], n uint64) ([]VM, error) {
	for {
		msg, err := recv()
		if err == io.EOF {
			return vms.finish(n)
		}
		if err == nil {
			chunk, ok := msg.GetPart().(*pb.SimulateRequest_VmChunk)
			if !ok {
				err = fmt.Errorf("a %T after the request's header", msg.GetPart())
			} else {
				err = vms.add(chunk.VmChunk)
			}
		}
		if err != nil {
			vms.abandon()
			return nil, err
		}
	}
}

// forecastSink is the ForecastSink of the plugin side: it sends the plan
// and the VM results in chunks, encoded on spare cores, as they are handed
// out, and counts them for the trailer.
type forecastSink struct {
	p            *pipeline[*pb.SimulateResponse]
	send         func(*pb.SimulateResponse) error
	vm           func(i int) *VM // the request's VM i, when it has arrived; else nil
	size         int             // results per chunk
	steps, count int
}

var _ ForecastSink = (*forecastSink)(nil)

// newForecastSink sends a forecast for a request of vms VMs.
func newForecastSink(send func(*pb.SimulateResponse) error, vm func(i int) *VM, vms int) *forecastSink {
	return &forecastSink{p: newPipeline(send), send: send, vm: vm, size: chunkSize(vms)}
}

// vmsOf is forecastSink.vm for a request whose VMs have all arrived.
func vmsOf(vms []VM) func(i int) *VM {
	return func(i int) *VM {
		if i < len(vms) {
			return &vms[i]
		}
		return nil
	}
}

func (s *forecastSink) Plan(steps []Step) error {
	s.steps += len(steps)
	return addChunks(s.p, steps, planRanges(steps), 24, writeStep, func(c []byte) *pb.SimulateResponse {
		return &pb.SimulateResponse{Part: &pb.SimulateResponse_PlanChunk{PlanChunk: c}}
	})
}

func (s *forecastSink) VMs(results []VMResult) error {
	first := s.count
	s.count += len(results)
	for _, r := range itemRanges(len(results), s.size) {
		part, next := results[r[0]:r[1]], first+r[0]
		err := s.p.add(func() *pb.SimulateResponse {
			chunk := encodeChunk(part, 64, func(w *wireWriter, v *VMResult) {
				writeResult(w, v, s.vm(next)) // encodeChunk writes in order
				next++
			})
			return &pb.SimulateResponse{Part: &pb.SimulateResponse_VmChunk{VmChunk: chunk}}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// abandon waits for the chunks under way after the forecast failed.
func (s *forecastSink) abandon() { _ = s.p.close() }

// finish sends what is left and the trailer with rest, the forecast
// without its plan and VM results.
func (s *forecastSink) finish(rest *Forecast) error {
	if err := s.p.close(); err != nil {
		return err
	}
	header := *rest
	header.VMs, header.Plan = nil, nil
	raw, err := gobEncode(header)
	if err != nil {
		return fmt.Errorf("encoding the forecast: %w", err)
	}
	trailer := &pb.ForecastTrailer{ForecastGob: raw, Vms: uint64(s.count), PlanSteps: uint64(s.steps)}
	return s.send(&pb.SimulateResponse{Part: &pb.SimulateResponse_Trailer{Trailer: trailer}})
}

// sendForecast sends a whole forecast for the request's VMs: its plan, its
// VM results, its trailer.
func sendForecast(send func(*pb.SimulateResponse) error, f *Forecast, vms []VM) error {
	s := newForecastSink(send, vmsOf(vms), len(vms))
	if err := s.Plan(f.Plan); err != nil {
		s.abandon()
		return err
	}
	if err := s.VMs(f.VMs); err != nil {
		s.abandon()
		return err
	}
	return s.finish(f)
}

// receiveForecast reads what the plugin sent for the request's VMs, up to
// the end of the stream. A forecast cannot hold more results than VMs.
func receiveForecast(recv func() (*pb.SimulateResponse, error), vms []VM) (*Forecast, error) {
	defer pauseGC()()
	read := func(r *wireReader, part []VMResult, first int) {
		readResults(r, part, vms[min(first, len(vms)):])
	}
	results, err := newChunkDecoder("VM result", uint64(len(vms)), true, minResultBytes, read)
	if err != nil {
		return nil, err
	}
	// Nothing bounds the number of steps but the bytes that arrive, so
	// the plan's steps are allocated chunk by chunk.
	plan, err := newChunkDecoder("plan step", math.MaxInt32, false, minStepBytes, readSteps)
	if err != nil {
		return nil, err
	}
	abandon := func() {
		results.abandon()
		plan.abandon()
	}
	for parts := 0; ; parts++ {
		msg, err := recv()
		if err == io.EOF {
			abandon()
			if parts == 0 {
				return nil, errors.New("the simulator sent no forecast")
			}
			return nil, errors.New("the forecast ends without its trailer")
		}
		if err != nil {
			abandon()
			return nil, err
		}
		switch part := msg.GetPart().(type) {
		case *pb.SimulateResponse_VmChunk:
			err = results.add(part.VmChunk)
		case *pb.SimulateResponse_PlanChunk:
			err = plan.add(part.PlanChunk)
		case *pb.SimulateResponse_Trailer:
			return finishForecast(recv, part.Trailer, results, plan)
		default:
			err = fmt.Errorf("an unknown part %T of the forecast", part)
		}
		if err != nil {
			abandon()
			return nil, err
		}
	}
}

// finishForecast completes the forecast with its trailer, which must be
// the stream's last message.
func finishForecast(recv func() (*pb.SimulateResponse, error), t *pb.ForecastTrailer, results *chunkDecoder[VMResult], plan *chunkDecoder[Step]) (*Forecast, error) {
	vms, err := results.finish(t.GetVms())
	if err != nil {
		plan.abandon()
		return nil, err
	}
	steps, err := plan.finish(t.GetPlanSteps())
	if err != nil {
		return nil, err
	}
	var f Forecast
	if err := gob.NewDecoder(bytes.NewReader(t.GetForecastGob())).Decode(&f); err != nil {
		return nil, fmt.Errorf("forecast trailer: %w", err)
	}
	if _, err := recv(); err != io.EOF {
		if err == nil {
			err = errors.New("a message after the forecast's trailer")
		}
		return nil, err
	}
	f.VMs, f.Plan = vms, steps
	for i := range f.Phases {
		if f.Phases[i].Regions == nil {
			f.Phases[i].Regions = []string{} // gob drops empty slices; a phase's regions are a list
		}
	}
	return &f, nil
}

func gobEncode(v any) ([]byte, error) {
	var b bytes.Buffer
	if err := gob.NewEncoder(&b).Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
