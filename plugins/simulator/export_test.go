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

func WireForecast(f *Forecast) (*Forecast, error) {
	var s stream[pb.SimulateResponse]
	if err := sendForecast(s.send, f); err != nil {
		return nil, err
	}
	return receiveForecast(s.recv, len(f.VMs))
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
	if d, err := newChunkDecoder("VM result", n, true, minResultBytes, readResults); err == nil {
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
	keep := func(c []byte) error { out = append(out, c); return nil }
	_ = sendChunks(req.Fleet.VMs, itemRanges(len(req.Fleet.VMs)), 48, writeVM, keep)
	_ = sendChunks(f.VMs, itemRanges(len(f.VMs)), 96, writeResult, keep)
	_ = sendChunks(f.Plan, planRanges(f.Plan), 24, writeStep, keep)
	return out
}
