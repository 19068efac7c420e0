package main

import (
	"errors"
	"math"

	"github.com/dustin/go-humanize"
)

// byteSize is a flag value for a size in bytes, written with a unit as
// people write sizes (64MiB, 100MB, 1.5GiB) or as a plain byte count.
type byteSize int64

func (b *byteSize) String() string { return humanize.IBytes(uint64(*b)) }

func (b *byteSize) Type() string { return "size" }

func (b *byteSize) Set(s string) error {
	n, err := humanize.ParseBytes(s)
	if err != nil || n == 0 || n > math.MaxInt64 {
		return errors.New("want a positive size such as 64MiB, 100MB or 1048576 (bytes)")
	}
	*b = byteSize(n)
	return nil
}
