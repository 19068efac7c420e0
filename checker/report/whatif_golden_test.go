package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/checker"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/schemas"
)

// TestGoldenWhatIf pins the reports on testdata/what-if, what-if results
// as az deployment what-if and the REST API print them (a Modify caught by
// PC009 from its before state, Create, NoChange, Deploy, a potential
// change, Delete, Ignore, Unsupported, a scale set, a failed what-if), in
// the formats people and code scanning read; the JSON one also matches the
// documented schema.
func TestGoldenWhatIf(t *testing.T) {
	t.Chdir("../..")
	for _, profile := range []string{"2021-02", "current"} {
		l, err := checker.New(context.Background(), checker.Options{Profile: profile, Version: "0.0.0-test", Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		r := l.Run(context.Background(), checker.Discover([]string{"testdata/what-if"}), strings.NewReader(""))
		r.WorkDir = goldenWorkDir // the golden files must not depend on where the repository is
		if code := r.ExitCode("error"); code != report.ExitError {
			t.Errorf("%s: exit code %d, want %d (the failed what-if)", profile, code, report.ExitError)
		}
		for _, format := range []string{"text", "sarif", "json"} {
			t.Run(profile+"/"+format, func(t *testing.T) {
				f, err := report.New(format, report.Options{})
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := f.Format(&buf, r); err != nil {
					t.Fatal(err)
				}
				if format == "json" {
					validateLintReport(t, buf.Bytes())
				}
				golden := filepath.Join("testdata", "golden", "whatif-"+profile+"."+format)
				checkGolden(t, golden, buf.Bytes())
			})
		}
	}
}

// validateLintReport checks a JSON report against
// schemas/lint-report.schema.json, compiled as patchcheck embeds it.
func validateLintReport(t *testing.T, data []byte) {
	t.Helper()
	s, err := schemas.Compile(schemas.LintReport)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("the JSON report does not match the schema: %#v", err)
	}
}
