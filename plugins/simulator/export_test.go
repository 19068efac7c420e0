package simulator

import (
	"io"

	pb "github.com/patchcheck/patchcheck/plugins/simulator/proto"
)

// stream is an in-memory Simulate stream in one direction.
type stream[M any] struct {
	msgs []*M
	next int
}

func (s *stream[M]) send(m *M) error {
	s.msgs = append(s.msgs, m)
	return nil
}

func (s *stream[M]) recv() (*M, error) {
	if s.next == len(s.msgs) {
		return nil, io.EOF
	}
	s.next++
	return s.msgs[s.next-1], nil
}

// Round trips through the stream encoding, for the external tests.
func WireRequest(req Request) (Request, error) {
	var s stream[pb.SimulateRequest]
	if err := sendRequest(s.send, req); err != nil {
		return Request{}, err
	}
	return receiveRequest(s.recv)
}

// WireForecast round-trips f, the forecast for the VMs vms.
func WireForecast(f *Forecast, vms []VM) (*Forecast, error) {
	var s stream[pb.SimulateResponse]
	if err := sendForecast(s.send, f, vms); err != nil {
		return nil, err
	}
	return receiveForecast(s.recv, vms)
}

// DecodeChunks decodes arbitrary bytes as each kind of bulk chunk, as the
// only chunk of a stream announcing as many items as it claims.
func DecodeChunks(data []byte) {
	decode := func(d interface {
		add([]byte) error
		abandon()
	}) {
		if d.add(data) != nil {
			d.abandon()
		}
	}
	r := &wireReader{s: string(data)}
	n := uint64(r.count(1))
	if d, err := newChunkDecoder("VM", n, true, minVMBytes, readVMs); err == nil {
		decode(d)
		_, _ = d.finish(n)
	}
	noVMs := func(r *wireReader, part []VMResult, _ int) { readResults(r, part, nil) }
	if d, err := newChunkDecoder("VM result", n, true, minResultBytes, noVMs); err == nil {
		decode(d)
		_, _ = d.finish(n)
	}
	if d, err := newChunkDecoder("plan step", n, false, minStepBytes, readSteps); err == nil {
		decode(d)
		_, _ = d.finish(n)
	}
}

// EncodedChunks returns the bulk chunks of a request and its forecast.
func EncodedChunks(req Request, f *Forecast) [][]byte {
	var out [][]byte
	_ = sendChunks(req.Fleet.VMs, itemRanges(len(req.Fleet.VMs), chunkSize(len(req.Fleet.VMs))), 48, writeVM, func(c []byte) error { out = append(out, c); return nil })
	_ = sendForecast(func(m *pb.SimulateResponse) error {
		if c := m.GetVmChunk(); c != nil {
			out = append(out, c)
		}
		if c := m.GetPlanChunk(); c != nil {
			out = append(out, c)
		}
		return nil
	}, f, req.Fleet.VMs)
	return out
}
