package simulator

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// This file moves a request and a forecast through the Simulate stream: a
// header with the small parts (encoding/gob) and the counts, then the
// per-VM parts in chunks of the bulk encoding (wire*.go), encoded ahead of
// the sender and decoded as they arrive (chunks.go).

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
	return sendChunks(vms, itemRanges(len(vms)), 48, writeVM, func(c []byte) error {
		return send(&pb.SimulateRequest{Part: &pb.SimulateRequest_VmChunk{VmChunk: c}})
	})
}

// receiveRequest reads what sendRequest sent, up to the end of the stream.
func receiveRequest(recv func() (*pb.SimulateRequest, error)) (Request, error) {
	defer pauseGC()()
	first, err := recv()
	if err != nil {
		return Request{}, err
	}
	h := first.GetHeader()
	if h == nil {
		return Request{}, errors.New("the request does not start with its header")
	}
	var req Request
	if err := gob.NewDecoder(bytes.NewReader(h.GetRequestGob())).Decode(&req); err != nil {
		return Request{}, fmt.Errorf("request header: %w", err)
	}
	vms, err := newChunkDecoder("VM", h.GetVms(), true, minVMBytes, readVMs)
	if err != nil {
		return Request{}, err
	}
	for {
		msg, err := recv()
		if err == io.EOF {
			break
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
			return Request{}, err
		}
	}
	if req.Fleet.VMs, err = vms.finish(); err != nil {
		return Request{}, err
	}
	return req, nil
}

// sendForecast sends f as its header, its VM results' chunks and its
// plan's chunks.
func sendForecast(send func(*pb.SimulateResponse) error, f *Forecast) error {
	header := *f
	header.VMs, header.Plan = nil, nil
	raw, err := gobEncode(header)
	if err != nil {
		return fmt.Errorf("encoding the forecast: %w", err)
	}
	first := &pb.ForecastHeader{ForecastGob: raw, Vms: uint64(len(f.VMs)), PlanSteps: uint64(len(f.Plan))}
	if err := send(&pb.SimulateResponse{Part: &pb.SimulateResponse_Header{Header: first}}); err != nil {
		return err
	}
	err = sendChunks(f.VMs, itemRanges(len(f.VMs)), 96, writeResult, func(c []byte) error {
		return send(&pb.SimulateResponse{Part: &pb.SimulateResponse_VmChunk{VmChunk: c}})
	})
	if err != nil {
		return err
	}
	return sendChunks(f.Plan, planRanges(f.Plan), 24, writeStep, func(c []byte) error {
		return send(&pb.SimulateResponse{Part: &pb.SimulateResponse_PlanChunk{PlanChunk: c}})
	})
}

// receiveForecast reads what sendForecast sent, up to the end of the
// stream. sentVMs is the number of VMs in the request: a forecast cannot
// hold more results than that, whatever its header says.
func receiveForecast(recv func() (*pb.SimulateResponse, error), sentVMs int) (*Forecast, error) {
	defer pauseGC()()
	first, err := recv()
	if err == io.EOF {
		return nil, errors.New("the simulator sent no forecast")
	}
	if err != nil {
		return nil, err
	}
	h := first.GetHeader()
	if h == nil {
		return nil, errors.New("the forecast does not start with its header")
	}
	if h.GetVms() > uint64(sentVMs) {
		return nil, fmt.Errorf("the forecast announces %d VM results for %d VMs", h.GetVms(), sentVMs)
	}
	var f Forecast
	if err := gob.NewDecoder(bytes.NewReader(h.GetForecastGob())).Decode(&f); err != nil {
		return nil, fmt.Errorf("forecast header: %w", err)
	}
	results, err := newChunkDecoder("VM result", h.GetVms(), true, minResultBytes, readResults)
	if err != nil {
		return nil, err
	}
	// Nothing bounds the number of steps but the bytes that arrive, so
	// the plan's steps are allocated chunk by chunk.
	plan, err := newChunkDecoder("plan step", h.GetPlanSteps(), false, minStepBytes, readSteps)
	if err != nil {
		return nil, err
	}
	for {
		msg, err := recv()
		if err == io.EOF {
			break
		}
		if err == nil {
			switch part := msg.GetPart().(type) {
			case *pb.SimulateResponse_VmChunk:
				if plan.chunks > 0 {
					err = errors.New("VM results after the plan")
				} else {
					err = results.add(part.VmChunk)
				}
			case *pb.SimulateResponse_PlanChunk:
				err = plan.add(part.PlanChunk)
			default:
				err = fmt.Errorf("a %T after the forecast's header", part)
			}
		}
		if err != nil {
			results.abandon()
			plan.abandon()
			return nil, err
		}
	}
	if f.VMs, err = results.finish(); err != nil {
		return nil, err
	}
	if f.Plan, err = plan.finish(); err != nil {
		return nil, err
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
