package engine

import (
	"context"
	"fmt"

	"github.com/open-policy-agent/opa/v1/tester"
)

// RunTests runs the policies' Rego unit tests (*_test.rego) with the same
// capabilities and profile data as a lint run.
func RunTests(ctx context.Context, p *Policies) ([]*tester.Result, error) {
	compiler, err := p.Compile(p.Tests)
	if err != nil {
		return nil, err
	}
	store := p.Store()
	txn, err := store.NewTransaction(ctx)
	if err != nil {
		return nil, fmt.Errorf("open policy store: %w", err)
	}
	defer store.Abort(ctx, txn)
	ch, err := tester.NewRunner().
		SetCompiler(compiler).
		SetStore(store).
		CapturePrintOutput(true).
		RaiseBuiltinErrors(true).
		RunTests(ctx, txn)
	if err != nil {
		return nil, fmt.Errorf("run rego tests: %w", err)
	}
	var results []*tester.Result
	for r := range ch {
		results = append(results, r)
	}
	return results, nil
}
