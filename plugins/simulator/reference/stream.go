package reference

import "math/rand/v2"

// stream is one VM's random numbers in one trial, keyed by (seed, trial,
// VM name): editing or adding one VM reshuffles no other VM's draws. It is
// a value (no allocation per VM and trial).
type stream struct{ pcg rand.PCG }

func newStream(seed int64, trial int, key uint64) stream {
	var s stream
	s.pcg.Seed(mix(seed, trial, 0), key)
	return s
}

// float returns a uniform number in [0, 1).
func (s *stream) float() float64 { return float64(s.pcg.Uint64()>>11) / (1 << 53) }

// mix combines a seed, a trial and a key into one well-spread number
// (splitmix64's finaliser), for draws that belong to no single VM, such as
// a region's zone order.
func mix(seed int64, trial int, key uint64) uint64 {
	z := uint64(seed)*0x9e3779b97f4a7c15 ^ uint64(trial)*0xbf58476d1ce4e5b9 ^ key
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
