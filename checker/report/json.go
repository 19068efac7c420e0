package report

import (
	"encoding/json"
	"io"
)

// jsonFormat writes the report as documented by schemas/lint-report.schema.json.
type jsonFormat struct{}

type jsonReport struct {
	*Report
	Summary Summary `json:"summary"`
}

func (jsonFormat) Format(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Report: r, Summary: r.Summarize()})
}
