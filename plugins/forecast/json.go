package forecast

import (
	"io"
	"unicode/utf8"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	jsonv1 "github.com/go-json-experiment/json/v1"

	"github.com/patchcheck/patchcheck/internal/safetext"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

type jsonFormat struct{}

// Format encodes the forecast with a two-space indent through a
// jsontext.Encoder, which hands its output to the writer every few
// kilobytes: a forecast of a million VMs is written as it is encoded,
// never held whole a second time. The output passes through
// safetext.JSON, which writes '#' and the characters a terminal or a CI
// runner would act on as \u escapes: the values are unchanged, but
// "##vso[" never appears on stdout.
func (jsonFormat) Format(w io.Writer, f *simulator.Forecast) error {
	out := &neutralWriter{w: w, size: 64 << 10}
	enc := jsontext.NewEncoder(out,
		jsontext.WithIndent("  "),
		// A name from a fleet file that is not UTF-8 is written with
		// U+FFFD, as encoding/json did, rather than failing the forecast.
		jsontext.AllowInvalidUTF8(true),
		// The contract's tags are encoding/json's: a nil list is null,
		// and `omitempty` on catchUp leaves out false.
		json.FormatNilSliceAsNull(true),
		jsonv1.OmitEmptyWithLegacySemantics(true),
	)
	if err := json.MarshalEncode(enc, f); err != nil {
		return err
	}
	return out.flush(true)
}

// neutralWriter gathers the encoder's output and writes it to w through
// safetext.JSON once size bytes have gathered. The encoder writes whenever
// its buffer fills, so a piece may end inside a multi-byte rune: those
// bytes wait for the next piece. Cutting between runes is safe for
// safetext.JSON: outside strings JSON holds neither '#' nor a non-ASCII
// byte, and it rewrites each '#' and each unsafe rune on its own, so a
// piece of whole runes is rewritten as it would be within the whole
// document (TestNeutralWriterCutsBetweenRunes).
type neutralWriter struct {
	w    io.Writer
	size int
	buf  []byte
}

func (n *neutralWriter) Write(p []byte) (int, error) {
	n.buf = append(n.buf, p...)
	if len(n.buf) < n.size {
		return len(p), nil
	}
	return len(p), n.flush(false)
}

// flush writes what has gathered; unless final, it keeps back the bytes
// of a rune cut at the end.
func (n *neutralWriter) flush(final bool) error {
	cut := len(n.buf)
	if !final {
		cut = wholeRunes(n.buf)
	}
	if _, err := n.w.Write(safetext.JSON(n.buf[:cut])); err != nil {
		return err
	}
	n.buf = append(n.buf[:0], n.buf[cut:]...)
	return nil
}

// wholeRunes is the length of the longest prefix of b that does not end
// inside a rune.
func wholeRunes(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if utf8.FullRune(b[i:]) {
				return len(b)
			}
			return i
		}
	}
	return len(b)
}
