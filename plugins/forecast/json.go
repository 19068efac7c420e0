package forecast

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

type jsonFormat struct{}

// Format writes the forecast as json.Encoder with a two-space indent
// would, byte for byte, but streams the plan and the VMs one element at a
// time: encoding a million-VM forecast whole built and indented two
// buffers of over half a gigabyte and took a third of the run. Every piece
// goes through safetext.JSON, which writes '#' and the characters a
// terminal or a CI runner would act on as \u escapes: the values are
// unchanged, but "##vso[" never appears on stdout.
func (jsonFormat) Format(w io.Writer, f *simulator.Forecast) error {
	head := *f
	head.Plan, head.VMs = nil, nil
	b, err := json.MarshalIndent(head, "", "  ")
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	rest := b
	for _, part := range []struct {
		name     string
		elements int
		nil      bool
		element  elementWriter
	}{
		{"plan", len(f.Plan), f.Plan == nil, func(b []byte, i int) ([]byte, any, bool) {
			b, ok := appendStep(b, &f.Plan[i])
			return b, &f.Plan[i], ok
		}},
		{"vms", len(f.VMs), f.VMs == nil, func(b []byte, i int) ([]byte, any, bool) {
			b, ok := appendResult(b, &f.VMs[i])
			return b, &f.VMs[i], ok
		}},
	} {
		marker := []byte("\n  \"" + part.name + "\": null")
		before, after, found := bytes.Cut(rest, marker)
		if !found {
			return fmt.Errorf("write the forecast: no %q member", part.name)
		}
		bw.Write(safetext.JSON(before))
		bw.Write(marker[:len(marker)-len("null")])
		if err := writeArray(bw, part.elements, part.nil, part.element); err != nil {
			return err
		}
		rest = after
	}
	bw.Write(safetext.JSON(rest))
	bw.WriteByte('\n')
	return bw.Flush()
}

// elementWriter appends element i of an array to b. When it cannot write
// the element exactly, it returns ok false and the element itself, which
// is then left to encoding/json.
type elementWriter func(b []byte, i int) (_ []byte, element any, ok bool)

// writeArray writes a member of the top-level object holding n elements,
// each indented as json.MarshalIndent would inside it.
func writeArray(w *bufio.Writer, n int, isNil bool, element elementWriter) error {
	switch {
	case isNil:
		_, err := w.WriteString("null")
		return err
	case n == 0:
		_, err := w.WriteString("[]")
		return err
	}
	w.WriteString("[\n")
	var buf []byte
	for i := range n {
		buf = append(buf[:0], "    "...)
		b, v, ok := element(buf, i)
		if !ok {
			m, err := json.MarshalIndent(v, "    ", "  ")
			if err != nil {
				return err
			}
			b = append(buf[:len("    ")], m...)
		}
		if i < n-1 {
			b = append(b, ',')
		}
		buf = append(b, '\n')
		w.Write(safetext.JSON(buf))
	}
	_, err := w.WriteString("  ]")
	return err
}
