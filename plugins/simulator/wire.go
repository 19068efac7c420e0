package simulator

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// This file holds the primitives of the bulk wire encoding: the per-VM parts
// of a request and a forecast (wire_fleet.go). They are written by hand
// because every general encoder costs more than the simulation itself for a
// million VMs: encoding/gob took 3.0 s to encode and 4.5 s to decode a
// 1M-VM request, protobuf would need a copy of every type and its own
// allocation per string. Here a message is a byte string read without
// copying: strings are substrings of it, the few distinct values of a
// column (regions, images, time zones) are sent once, and pointers point
// into slabs, so decoding a VM costs a handful of allocations per thousand.

// wireWriter appends values to a buffer.
type wireWriter struct {
	b []byte
	// interned maps each string sent with intern to its index; last
	// remembers each column's previous value, because consecutive VMs
	// usually share region, image and time zone, and a string comparison
	// is cheaper than a map lookup.
	interned map[string]uint64
	last     [wireColumns]struct {
		s   string
		idx uint64
	}
}

// wireColumns is the number of interned columns (see the col* constants).
const wireColumns = colEnablement + 1

func newWireWriter(sizeHint int) *wireWriter {
	return &wireWriter{b: make([]byte, 0, sizeHint), interned: map[string]uint64{}}
}

func (w *wireWriter) uvarint(v uint64) { w.b = binary.AppendUvarint(w.b, v) }
func (w *wireWriter) varint(v int64)   { w.b = binary.AppendVarint(w.b, v) }

func (w *wireWriter) float(v float64) {
	w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(v))
}

// raw writes a string that is probably unique (a VM's name).
func (w *wireWriter) raw(s string) {
	w.uvarint(uint64(len(s)))
	w.b = append(w.b, s...)
}

// intern writes a string that repeats: its first occurrence as 0 and the
// text, later ones as 1 + its index among the strings sent so far.
func (w *wireWriter) intern(col int, s string) {
	if l := &w.last[col]; l.s == s && (s != "" || l.idx != 0) {
		w.uvarint(l.idx + 1)
		return
	}
	idx, ok := w.interned[s]
	if !ok {
		idx = uint64(len(w.interned))
		w.interned[s] = idx
		w.uvarint(0)
		w.raw(s)
	} else {
		w.uvarint(idx + 1)
	}
	w.last[col].s, w.last[col].idx = s, idx
}

// Time encodings: most times of a forecast are UTC instants, which take 6
// or 7 bytes as seconds and nanoseconds; any other time goes in
// time.Time's binary form (as encoding/gob sends it), which keeps its zone
// offset.
const (
	timeUTC    = 1
	timeBinary = 2
)

func (w *wireWriter) time(t time.Time) {
	if t.Location() == time.UTC {
		w.b = append(w.b, timeUTC)
		w.varint(t.Unix())
		w.uvarint(uint64(t.Nanosecond()))
		return
	}
	w.b = append(w.b, timeBinary, 0)
	n := len(w.b)
	var err error
	if w.b, err = t.AppendBinary(w.b); err != nil {
		// Only a zone offset that is not a whole minute, which no
		// simulator produces; send the instant in UTC instead.
		w.b, _ = t.UTC().AppendBinary(w.b[:n])
	}
	w.b[n-1] = byte(len(w.b) - n)
}

// wireReader reads what a wireWriter wrote. The first problem is kept in
// err and every later read returns zero values, so decoders check once.
type wireReader struct {
	s        string
	off      int
	interned []string
	err      error
}

var errTruncated = errors.New("message ends early")

func (r *wireReader) fail(err error) {
	if r.err == nil {
		r.err = fmt.Errorf("at byte %d: %w", r.off, err)
	}
}

func (r *wireReader) uvarint() uint64 {
	var v uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if r.off >= len(r.s) {
			r.fail(errTruncated)
			return 0
		}
		c := r.s[r.off]
		r.off++
		v |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return v
		}
	}
	r.fail(errors.New("varint overflows 64 bits"))
	return 0
}

func (r *wireReader) varint() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *wireReader) int() int { return int(r.varint()) }

// count reads a number of items, each at least min bytes long, and
// refuses one the rest of the message cannot hold (a corrupt count would
// otherwise make the decoder allocate without bound).
func (r *wireReader) count(min int) int {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.off)/uint64(min) {
		r.fail(fmt.Errorf("count %d exceeds what the message holds", n))
		return 0
	}
	return int(n)
}

func (r *wireReader) float() float64 {
	if len(r.s)-r.off < 8 {
		r.fail(errTruncated)
		return 0
	}
	v := binary.LittleEndian.Uint64([]byte(r.s[r.off : r.off+8]))
	r.off += 8
	return math.Float64frombits(v)
}

func (r *wireReader) byte() byte {
	if r.off >= len(r.s) {
		r.fail(errTruncated)
		return 0
	}
	c := r.s[r.off]
	r.off++
	return c
}

func (r *wireReader) raw() string {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.off) {
		r.fail(errTruncated)
		return ""
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *wireReader) intern() string {
	i := r.uvarint()
	if i == 0 {
		s := r.raw()
		r.interned = append(r.interned, s)
		return s
	}
	if i-1 >= uint64(len(r.interned)) {
		r.fail(fmt.Errorf("string #%d was never sent", i-1))
		return ""
	}
	return r.interned[i-1]
}

func (r *wireReader) time() time.Time {
	switch kind := r.byte(); kind {
	case timeUTC:
		sec := r.varint()
		nsec := r.uvarint()
		if nsec >= 1e9 {
			r.fail(fmt.Errorf("%d nanoseconds", nsec))
			return time.Time{}
		}
		return time.Unix(sec, int64(nsec)).UTC()
	case timeBinary:
		n := int(r.byte())
		if n > len(r.s)-r.off {
			r.fail(errTruncated)
			return time.Time{}
		}
		var t time.Time
		if err := t.UnmarshalBinary([]byte(r.s[r.off : r.off+n])); err != nil {
			r.fail(err)
		}
		r.off += n
		return t
	default:
		r.fail(fmt.Errorf("unknown time encoding %d", kind))
		return time.Time{}
	}
}

func (r *wireReader) done() error {
	if r.err == nil && r.off != len(r.s) {
		r.fail(fmt.Errorf("%d bytes left over", len(r.s)-r.off))
	}
	return r.err
}
