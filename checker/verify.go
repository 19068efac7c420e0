package checker

import (
	"context"
	"fmt"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/engine"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/policies"
)

// PolicyTest is the outcome of one Rego unit test (a test_ rule of a
// *_test.rego file).
type PolicyTest struct {
	Package, Name string
	Position      model.Position // where the test is; Column is OPA's
	Err           error          // why the test could not run; nil when it ran
	Passed        bool
}

// VerifyPolicies compiles the policy folders dirs with the built-in rules,
// under the same pinned capabilities as lint (no network, no clock),
// checks their METADATA, and runs every Rego unit test: the built-in
// ones and the folders'. ctx bounds the run: a user's test can loop as
// long as a user's rule.
func VerifyPolicies(ctx context.Context, dirs []string) ([]PolicyTest, error) {
	pol, err := engine.Load(policies.FS())
	if err != nil {
		return nil, err
	}
	for _, dir := range dirs {
		if err := pol.AddDir(dir); err != nil {
			return nil, err
		}
	}
	e, err := engine.New(ctx, pol, policies.DefaultProfile)
	if err != nil {
		return nil, err
	}
	if err := engine.CheckMetadata(e.Rules()); err != nil {
		return nil, err
	}
	results, err := engine.RunTests(ctx, pol)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, fmt.Errorf("verify %s: %w", strings.Join(dirs, ", "), context.Cause(ctx))
	}
	out := make([]PolicyTest, 0, len(results))
	for _, r := range results {
		t := PolicyTest{Package: r.Package, Name: r.Name, Err: r.Error, Passed: r.Pass()}
		if r.Location != nil {
			t.Position = model.Position{File: r.Location.File, Line: r.Location.Row, Column: r.Location.Col}
		}
		out = append(out, t)
	}
	return out, nil
}
