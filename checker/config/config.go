// Package config finds, reads and validates .patchcheck.yaml, the
// configuration a repository keeps beside its templates.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/patchcheck/patchcheck/schemas"
)

// FileName is the configuration file looked for.
const FileName = ".patchcheck.yaml"

// Config is a validated configuration. Paths in it are relative to Dir.
type Config struct {
	Path     string            `json:"-"`
	Dir      string            `json:"-"`
	Profile  string            `json:"profile"`
	FailOn   string            `json:"failOn"`
	Formats  []string          `json:"formats"`
	Severity map[string]string `json:"severity"`
	Exclude  []string          `json:"exclude"`
	Policies []string          `json:"policies"`
	Waivers  []Waiver          `json:"waivers"`
}

// Waiver accepts one rule's findings until a date, with a reason.
type Waiver struct {
	Rule     string `json:"rule"`
	Path     string `json:"path"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
	Expires  string `json:"expires"`
	Line     int    `json:"-"` // in the configuration file
	Column   int    `json:"-"`
}

// ExpiresAt is the first moment a waiver with this expiry date no longer
// applies: the day after the date (YYYY-MM-DD), in UTC. ok is false when
// the date is not one. Configuration and inline waivers both use it.
func ExpiresAt(date string) (end time.Time, ok bool) {
	t, err := time.Parse("2006-01-02", date)
	if err != nil {
		return time.Time{}, false
	}
	return t.AddDate(0, 0, 1), true
}

// Find returns the configuration file in dir or its nearest parent, or "".
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, FileName)
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Error is a problem in the configuration file, with its place.
type Error struct {
	File         string
	Line, Column int
	Field        string
	Message      string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Field, e.Message)
	}
	return fmt.Sprintf("%s: %s: %s", e.File, e.Field, e.Message)
}

// Load reads and validates the configuration at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	if raw == nil {
		raw = map[string]any{}
	}
	plain, err := toJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	schema, err := schemas.Compile(schemas.Config)
	if err != nil {
		return nil, err
	}
	if err := schema.Validate(plain); err != nil {
		failures, _ := schema.Failures(err)
		var errs []error
		for _, f := range failures {
			e := &Error{File: path, Field: field(f.Instance), Message: f.Message}
			e.Line, e.Column = position(file, f.Instance)
			errs = append(errs, e)
		}
		sort.Slice(errs, func(i, j int) bool { return errs[i].(*Error).Line < errs[j].(*Error).Line })
		return nil, errors.Join(errs...)
	}
	var c Config
	b, _ := json.Marshal(plain)
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	c.Path, c.Dir = path, filepath.Dir(path)
	for i := range c.Waivers {
		c.Waivers[i].Line, c.Waivers[i].Column = position(file, []string{"waivers", fmt.Sprint(i)})
		if _, ok := ExpiresAt(c.Waivers[i].Expires); !ok {
			return nil, &Error{File: path, Line: c.Waivers[i].Line, Column: c.Waivers[i].Column, Field: fmt.Sprintf("waivers[%d].expires", i), Message: fmt.Sprintf("%q is not a date", c.Waivers[i].Expires)}
		}
	}
	return &c, nil
}

// toJSON normalises YAML values (integers, maps with any keys) to what
// encoding/json would produce, for the schema validator.
func toJSON(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

func field(path []string) string {
	var b strings.Builder
	for _, p := range path {
		if p != "" && p[0] >= '0' && p[0] <= '9' {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return "(top level)"
	}
	return b.String()
}

// position finds the line and column of a value in the YAML file.
func position(file *ast.File, path []string) (int, int) {
	p := "$"
	for _, seg := range path {
		if seg != "" && seg[0] >= '0' && seg[0] <= '9' {
			p += "[" + seg + "]"
		} else {
			p += "." + seg
		}
	}
	yp, err := yaml.PathString(p)
	if err != nil {
		return 0, 0
	}
	node, err := yp.FilterFile(file)
	if err != nil || node == nil {
		if len(path) > 0 {
			return position(file, path[:len(path)-1])
		}
		return 1, 1
	}
	tok := node.GetToken()
	if tok == nil || tok.Position == nil {
		return 0, 0
	}
	return tok.Position.Line, tok.Position.Column
}
