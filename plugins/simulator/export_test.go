package simulator

// Round trips through the wire encoding, for the external tests.
func WireRequest(req Request) (Request, error) {
	msg, err := encodeRequest(req)
	if err != nil {
		return Request{}, err
	}
	return decodeRequest(msg)
}

func WireForecast(f *Forecast) (*Forecast, error) {
	msg, err := encodeForecast(f)
	if err != nil {
		return nil, err
	}
	return decodeForecast(msg)
}

// DecodeChunks decodes arbitrary bytes as each kind of bulk chunk.
func DecodeChunks(data []byte) {
	_, _ = decodeVMs([][]byte{data})
	_, _ = decodeResults([][]byte{data})
	_, _ = decodePlan([][]byte{data})
}

// EncodedChunks returns the bulk chunks of a request and its forecast.
func EncodedChunks(req Request, f *Forecast) [][]byte {
	var out [][]byte
	out = append(out, encodeVMs(req.Fleet.VMs)...)
	out = append(out, encodeResults(f.VMs)...)
	return append(out, encodePlan(f.Plan)...)
}
