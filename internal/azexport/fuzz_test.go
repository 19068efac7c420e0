package azexport

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRead: any input is read or refused with an *Error at a line and
// column inside the file, never a panic; every value read is placed inside
// the file.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"[" + cliVM + "]",
		cliVM,
		instanceView,
		`{"count": 1, "data": [` + restVM + `], "skip_token": "abc", "total_records": 2400}`,
		"[" + restVM + "," + uniformSet + "]",
		`{"SkipToken": null, "Data": [` + restVM + `]}`,
		`{"value": [` + restVM + `], "nextLink": null}`,
		`[{"id": "x", "properties": {"osProfile": "@{a=b}"}}]`,
		`[{"osProfile": {"windowsConfiguration": {}, "linuxConfiguration": {}}}]`,
		`{"data": {"columns": []}}`,
		`{"$schema": "x", "resources": []}`,
		`{"vmAgent": {}}`,
		"\xff\xfe[\x00]\x00",
		"", "[]", "{}", "null", `"x"`, "[1]", "[{}] 1", `[{"zones": "1"}, {"zones": [1, "2"]}, {"zones": [true]}]`,
		`[{"instanceView": {"platformUpdateDomain": 99999999999}}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Read("f.json", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T %v: want an *Error", err, err)
			}
			if e.Line < 1 || e.Column < 1 || e.Line > bytes.Count(data, []byte("\n"))+bytes.Count(data, []byte("\r"))+1 {
				t.Fatalf("%v: placed outside the file", err)
			}
			return
		}
		for _, r := range d.Resources {
			for _, off := range []int{r.Off, r.ID.Off, r.PatchMode.Off, r.PowerState.Off, r.OS.Off, r.Zones.Off, r.UpdateDomain.Off} {
				if off < 0 || off > len(d.text) {
					t.Fatalf("offset %d outside the file of %d bytes", off, len(d.text))
				}
				if p := d.Pos(off); p.Line < 1 || p.Column < 1 {
					t.Fatalf("offset %d placed at %+v", off, p)
				}
			}
		}
	})
}
