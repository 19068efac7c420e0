package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/goccy/go-yaml/ast"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// Context is what the user knows of the deployment a template is linted
// for: the properties of subscription(), resourceGroup(), deployment(),
// environment(), tenant() and managementGroup()
// (schemas/deployment-context.schema.json).
type Context struct {
	// Source names where the values came from, for messages: "the
	// context file ctx.yaml" or "context: in .patchcheck.yaml".
	Source string
	// Path is the context file, "" when the values are inline.
	Path string
	// Values maps a function name as the file spells it (resourceGroup)
	// to its properties, plain JSON values.
	Values map[string]any
}

// LoadContext reads and validates a context file (YAML or JSON), within
// the limits of a configuration file.
func LoadContext(path string) (*Context, error) {
	plain, _, err := loadYAML(path, "context file", schemas.Context)
	if err != nil {
		return nil, err
	}
	values, _ := plain.(map[string]any)
	return &Context{Source: "the context file " + path, Path: path, Values: values}, nil
}

// context reads context: in the configuration: a path relative to the
// configuration file, or the values inline.
func (c *Config) context(plain any, file *ast.File) (*Context, error) {
	top, _ := plain.(map[string]any)
	v, ok := top["context"]
	if !ok {
		return nil, nil
	}
	switch x := v.(type) {
	case string:
		p := x
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(c.Path), p)
		}
		ctx, err := LoadContext(p)
		if err != nil {
			line, col := position(file, []string{"context"})
			return nil, fmt.Errorf("%s: context: %w", model.Position{File: c.Path, Line: line, Column: col}, err)
		}
		return ctx, nil
	case map[string]any:
		if err := validate(c.Path, file, x, schemas.Context, []string{"context"}); err != nil {
			return nil, err
		}
		return &Context{Source: "context: in " + c.Path, Values: x}, nil
	}
	return nil, nil // the schema allows nothing else
}

// explainContext words a context file's schema failure for its author: an
// unknown property names the expected ones, and the nearest; key is that
// property, for its position.
func explainContext(f schemas.Failure, plain any) (msg, key string) {
	if f.Keyword != "additionalProperties" || f.Node == nil {
		return f.Message, ""
	}
	unknown, known := schemas.UnknownKeys(f.Node, schemas.Lookup(plain, f.Instance))
	if len(unknown) == 0 {
		return f.Message, ""
	}
	msg = fmt.Sprintf("unknown property %q", unknown[0])
	if near := schemas.Nearest(unknown[0], known); near != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", near)
	}
	return msg + "; expected " + strings.Join(known, ", "), unknown[0]
}
