package forecast

import (
	"encoding/json"
	"math"
	"strconv"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// The per-VM elements of a forecast (the VM results and the plan's steps)
// are written by hand, in exactly the bytes json.MarshalIndent writes for
// them as elements of a top-level member: MarshalIndent reflects over each
// struct and then re-scans its output to indent it, which took 7 of the 28
// seconds of a million-VM run. TestJSONIsTheEncodersOutput holds the two
// to the same bytes, and TestElementWritersKnowEveryField fails when a
// field is added to VMResult or Step without being written here.

// elementIndent is the indentation of an element's members: the prefix
// writeArray passes plus one level.
const elementIndent = "\n      "

// appendResult appends v as MarshalIndent(v, "    ", "  ") would. ok is
// false for a value it cannot write exactly (a time outside years
// 0-9999, a non-finite number), which the caller then hands to
// encoding/json for its error.
func appendResult(b []byte, v *simulator.VMResult) (_ []byte, ok bool) {
	o := objectWriter{b: append(b, '{')}
	o.str("name", v.Name)
	o.str("region", v.Region)
	o.str("zone", v.Zone)
	o.str("availabilitySet", v.AvailabilitySet)
	o.int("updateDomain", v.UpdateDomain)
	o.int("phase", v.Phase)
	o.bool("eligible", v.Eligible)
	o.timePtr("assessedAt", v.AssessedAt)
	o.timePtr("installStart", v.InstallStart)
	o.timePtr("installEnd", v.InstallEnd)
	o.int("installWindows", v.InstallWindows)
	if v.CatchUp { // omitempty
		o.bool("catchUp", true)
	}
	if v.LocalInstall != "" {
		o.str("localInstall", v.LocalInstall)
	}
	o.int("attempts", v.Attempts)
	if v.DaysAfterRelease == nil {
		o.member("daysAfterRelease")
		o.b = append(o.b, "null"...)
	} else {
		o.float("daysAfterRelease", *v.DaysAfterRelease)
	}
	o.bool("compliant", v.Compliant)
	if v.Reason != "" {
		o.str("reason", v.Reason)
	}
	return o.end()
}

// appendStep appends s as MarshalIndent(s, "    ", "  ") would.
func appendStep(b []byte, s *simulator.Step) (_ []byte, ok bool) {
	o := objectWriter{b: append(b, '{')}
	o.int("phase", s.Phase)
	o.str("region", s.Region)
	o.str("group", s.Group)
	o.time("start", s.Start)
	o.time("end", s.End)
	o.member("vms")
	switch {
	case s.VMs == nil:
		o.b = append(o.b, "null"...)
	case len(s.VMs) == 0:
		o.b = append(o.b, "[]"...)
	default:
		o.b = append(o.b, '[')
		for i, name := range s.VMs {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = append(o.b, elementIndent+"  "...)
			o.b = appendString(o.b, name)
		}
		o.b = append(o.b, elementIndent...)
		o.b = append(o.b, ']')
	}
	return o.end()
}

// resultFields and stepFields are the number of fields the writers above
// know, checked against the structs by a test.
const (
	resultFields = 17
	stepFields   = 6
)

// objectWriter appends the members of one indented object.
type objectWriter struct {
	b       []byte
	members int
	bad     bool
}

func (o *objectWriter) member(name string) {
	if o.members > 0 {
		o.b = append(o.b, ',')
	}
	o.members++
	o.b = append(o.b, elementIndent...)
	o.b = append(o.b, '"')
	o.b = append(o.b, name...) // member names are plain ASCII
	o.b = append(o.b, `": `...)
}

func (o *objectWriter) str(name, s string) {
	o.member(name)
	o.b = appendString(o.b, s)
}

func (o *objectWriter) int(name string, n int) {
	o.member(name)
	o.b = strconv.AppendInt(o.b, int64(n), 10)
}

func (o *objectWriter) bool(name string, v bool) {
	o.member(name)
	o.b = strconv.AppendBool(o.b, v)
}

func (o *objectWriter) time(name string, t time.Time) {
	o.member(name)
	if y := t.Year(); y < 0 || y > 9999 {
		o.bad = true // MarshalJSON refuses it
		return
	}
	o.b = append(o.b, '"')
	o.b = t.AppendFormat(o.b, time.RFC3339Nano)
	o.b = append(o.b, '"')
}

func (o *objectWriter) timePtr(name string, t *time.Time) {
	if t == nil {
		o.member(name)
		o.b = append(o.b, "null"...)
		return
	}
	o.time(name, *t)
}

// float writes f as encoding/json does: the shortest form that reads back
// as f, in exponent form only below 1e-6 or from 1e21, with a one-digit
// negative exponent not padded.
func (o *objectWriter) float(name string, f float64) {
	o.member(name)
	if math.IsInf(f, 0) || math.IsNaN(f) {
		o.bad = true
		return
	}
	format := byte('f')
	if a := math.Abs(f); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	o.b = strconv.AppendFloat(o.b, f, format, -1, 64)
	if n := len(o.b); format == 'e' && n >= 4 && o.b[n-4] == 'e' && o.b[n-3] == '-' && o.b[n-2] == '0' {
		o.b[n-2] = o.b[n-1]
		o.b = o.b[:n-1]
	}
}

func (o *objectWriter) end() ([]byte, bool) {
	if o.members > 0 {
		o.b = append(o.b, "\n    "...)
	}
	return append(o.b, '}'), !o.bad
}

// appendString appends s as a JSON string the way encoding/json quotes it.
// Printable ASCII other than the characters it escapes is copied; anything
// else (control characters, <, >, &, non-ASCII) goes through encoding/json
// so its escaping rules stay its own.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
