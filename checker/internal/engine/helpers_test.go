package engine_test

import "github.com/open-policy-agent/opa/v1/ast"

func parseModule(src string) (map[string]*ast.Module, error) {
	m, err := ast.ParseModuleWithOpts("evil.rego", src, ast.ParserOptions{RegoVersion: ast.RegoV1})
	if err != nil {
		return nil, err
	}
	return map[string]*ast.Module{"evil.rego": m}, nil
}
