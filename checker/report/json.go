package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/patchcheck/patchcheck/internal/safetext"
)

// jsonFormat writes the report as documented by schemas/lint-report.schema.json.
// Files are encoded one at a time: encoding the whole report at once would
// hold a second copy of it in memory, tens of MB for a large repository.
// Each piece goes through safetext.JSON, which writes '#' and the
// characters a terminal or a CI runner would act on as \u escapes: the
// values are unchanged, but "##vso[" never appears on stdout.
type jsonFormat struct{}

func (jsonFormat) Format(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	var config *string // null when no configuration file was used
	if r.Config != "" {
		config = &r.Config
	}
	head, err := json.Marshal(struct {
		Tool    string  `json:"tool"`
		Version string  `json:"version"`
		Profile Profile `json:"profile"`
		Config  *string `json:"config"`
	}{r.Tool, r.Version, r.Profile, config})
	if err != nil {
		return err
	}
	// Reopen the header object to append files and summary to it.
	bw.Write(safetext.JSON(head[:len(head)-1]))
	bw.WriteString(`,"files":[`)
	for i := range r.Files {
		if i > 0 {
			bw.WriteByte(',')
		}
		data, err := json.Marshal(&r.Files[i])
		if err != nil {
			return fmt.Errorf("encode %s: %w", safetext.Text(r.Files[i].Path), err)
		}
		bw.WriteString("\n")
		bw.Write(safetext.JSON(data))
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
