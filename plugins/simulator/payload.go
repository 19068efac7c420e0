package simulator

import (
	"bytes"
	"encoding/gob"
	"errors"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// encodeRequest splits a request into its gob-encoded header and its VMs in
// the bulk encoding.
func encodeRequest(req Request) (*pb.SimulateRequest, error) {
	vms := req.Fleet.VMs
	req.Fleet.VMs = nil // a copy: the caller's request is untouched
	header, err := gobEncode(req)
	if err != nil {
		return nil, err
	}
	return &pb.SimulateRequest{RequestGob: header, VmChunks: encodeVMs(vms)}, nil
}

func decodeRequest(in *pb.SimulateRequest) (Request, error) {
	defer pauseGC()()
	var req Request
	if err := gob.NewDecoder(bytes.NewReader(in.GetRequestGob())).Decode(&req); err != nil {
		return Request{}, err
	}
	vms, err := decodeVMs(in.GetVmChunks())
	if err != nil {
		return Request{}, err
	}
	req.Fleet.VMs = vms
	return req, nil
}

// encodeForecast splits a forecast into its gob-encoded header and its VM
// results and plan in the bulk encoding.
func encodeForecast(f *Forecast) (*pb.SimulateResponse, error) {
	header := *f
	header.VMs, header.Plan = nil, nil
	raw, err := gobEncode(header)
	if err != nil {
		return nil, err
	}
	return &pb.SimulateResponse{ForecastGob: raw, VmChunks: encodeResults(f.VMs), PlanChunks: encodePlan(f.Plan)}, nil
}

func decodeForecast(resp *pb.SimulateResponse) (*Forecast, error) {
	defer pauseGC()()
	raw := resp.GetForecastGob()
	if len(raw) == 0 {
		return nil, errors.New("the simulator sent no forecast")
	}
	var f Forecast
	if err := gob.NewDecoder(bytes.NewReader(raw)).Decode(&f); err != nil {
		return nil, err
	}
	var err error
	if f.VMs, err = decodeResults(resp.GetVmChunks()); err != nil {
		return nil, err
	}
	if f.Plan, err = decodePlan(resp.GetPlanChunks()); err != nil {
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
