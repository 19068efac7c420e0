package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// jsonFormat writes the report as documented by schemas/lint-report.schema.json.
// Files are encoded one at a time: encoding the whole report at once would
// hold a second copy of it in memory, tens of MB for a large repository.
type jsonFormat struct{}

func (jsonFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	head, err := json.Marshal(struct {
		Tool    string  `json:"tool"`
		Version string  `json:"version"`
		Profile Profile `json:"profile"`
	}{r.Tool, r.Version, r.Profile})
	if err != nil {
		return err
	}
	// Reopen the header object to append files and summary to it.
	bw.Write(head[:len(head)-1])
	bw.WriteString(`,"files":[`)
	for i := range r.Files {
		if i > 0 {
			bw.WriteByte(',')
		}
		data, err := json.Marshal(&r.Files[i])
		if err != nil {
			return fmt.Errorf("encode %s: %w", r.Files[i].Path, err)
		}
		bw.WriteString("\n")
		bw.Write(data)
	}
	sum, err := json.Marshal(r.Summarize())
	if err != nil {
		return err
	}
	bw.WriteString("\n],\"summary\":")
	bw.Write(sum)
	bw.WriteString("}\n")
	return bw.Flush()
}
