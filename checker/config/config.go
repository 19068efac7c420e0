// Package config finds, reads and validates .patchcheck.yaml, the
// configuration a repository keeps beside its templates.
package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// FileName is the configuration file looked for.
const FileName = ".patchcheck.yaml"

// Limits that keep a hostile configuration (it comes with the pull request
// under review) from exhausting memory or the stack; the same as the fleet
// loader's (plugins/fleet/yaml.go). A few lines of anchors referring to
// anchors expand to billions of values, so the values reached through
// aliases are capped; a configuration holds settings and waivers, so
// its size is capped too.
const (
	MaxSize         = 1 << 20   // bytes
	maxDepth        = 64        // nesting of mappings and sequences
	maxAliasedNodes = 1_000_000 // values reached through aliases, counted expanded
)

// Config is a validated configuration. Paths in it are relative to Dir.
type Config struct {
	// Path is the file as the user would write it (relative to the
	// working directory when found by the upward search); outputs name it.
	Path string `json:"-"`
	// Dir is the file's folder, absolute: exclude and waiver paths are
	// anchored there, wherever patchcheck runs from.
	Dir      string            `json:"-"`
	Profile  string            `json:"profile"`
	FailOn   string            `json:"failOn"`
	Formats  []string          `json:"formats"`
	Severity map[string]string `json:"severity"`
	Exclude  []string          `json:"exclude"`
	Policies []string          `json:"policies"`
	Waivers  []Waiver          `json:"waivers"`
	// Context is the deployment context (context:, a file or inline
	// values); nil without one.
	Context *Context `json:"-"`
}

// Waiver accepts one rule's findings until a date, with a reason.
type Waiver struct {
	Rule     string `json:"rule"`
	Path     string `json:"path"`
	Resource string `json:"resource"`
	Reason   string `json:"reason"`
	Expires  string `json:"expires"`
	// Position is the waiver's place in the configuration file, set by Load.
	Position model.Position `json:"-"`
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
// The search stops at the repository root, the first folder holding .git
// (a folder, or a file in a worktree or submodule): a checkout nested in
// another folder must not take that folder's configuration. Outside any
// repository it goes up to the file system's root.
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
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return ""
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
	model.Position
	Field   string
	Message string
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	return e.Position.String() + ": " + msg
}

// Load reads and validates the configuration at path.
func Load(path string) (*Config, error) {
	plain, file, err := loadYAML(path, "configuration", schemas.Config)
	if err != nil {
		return nil, err
	}
	var c Config
	b, _ := json.Marshal(plain)
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("configuration %s: %w", path, err)
	}
	c.Path, c.Dir = path, dir
	for i := range c.Waivers {
		line, col := position(file, []string{"waivers", fmt.Sprint(i)})
		c.Waivers[i].Position = model.Position{File: path, Line: line, Column: col}
		if _, ok := ExpiresAt(c.Waivers[i].Expires); !ok {
			return nil, &Error{Position: c.Waivers[i].Position, Field: fmt.Sprintf("waivers[%d].expires", i), Message: fmt.Sprintf("%q is not a date", c.Waivers[i].Expires)}
		}
	}
	if c.Context, err = c.context(plain, file); err != nil {
		return nil, err
	}
	return &c, nil
}

// loadYAML reads a YAML (or JSON) file within the limits, and validates it
// against the embedded schema called schemaName; what names the file in
// errors. It returns the plain value and the syntax tree, for positions.
func loadYAML(path, what, schemaName string) (any, *ast.File, error) {
	data, err := read(path, what)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, here
		}
		return nil, nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	file, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if err := checkLimits(path, file); err != nil {
		return nil, nil, err
	}
	var raw any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if raw == nil {
		raw = map[string]any{}
	}
	plain, err := toJSON(raw)
	if err != nil {
		return nil, nil, fmt.Errorf("%s %s: %w", what, path, err)
	}
	if err := validate(path, file, plain, schemaName, nil); err != nil {
		return nil, nil, err
	}
	return plain, file, nil
}

// validate checks plain (found at prefix in file) against the embedded
// schema called schemaName; each failure is an Error at its line.
func validate(path string, file *ast.File, plain any, schemaName string, prefix []string) error {
	schema, err := schemas.Compile(schemaName)
	if err != nil {
		return err
	}
	if err := schema.Validate(plain); err != nil {
		failures, _ := schema.Failures(err)
		var errs []error
		for _, f := range failures {
			at := append(append([]string(nil), prefix...), f.Instance...)
			e := &Error{Position: model.Position{File: path}, Field: field(at), Message: f.Message}
			e.Line, e.Column = position(file, at)
			if schemaName == schemas.Context {
				var key string
				if e.Message, key = explainContext(f, plain); key != "" {
					e.Line, e.Column = keyPosition(file, at, key, e.Line, e.Column)
				}
			}
			errs = append(errs, e)
		}
		sort.Slice(errs, func(i, j int) bool { return errs[i].(*Error).Line < errs[j].(*Error).Line })
		return errors.Join(errs...)
	}
	return nil
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

// holds says what a file of this kind holds, when it is too large for one.
func holds(what string) string {
	if what == "context file" {
		return "a context file holds a few properties of the deployment"
	}
	return "a configuration holds settings and waivers"
}

// keyPosition finds the line and column of key in the mapping at path;
// line and col when it is not there.
func keyPosition(file *ast.File, path []string, key string, line, col int) (int, int) {
	p := "$"
	for _, seg := range path {
		p += "." + seg
	}
	yp, err := yaml.PathString(p)
	if err != nil {
		return line, col
	}
	node, err := yp.FilterFile(file)
	if err != nil {
		return line, col
	}
	if m, ok := node.(*ast.MappingNode); ok {
		for _, v := range m.Values {
			if tk := v.Key.GetToken(); tk != nil && tk.Position != nil && tk.Value == key {
				return tk.Position.Line, tk.Position.Column
			}
		}
	}
	return line, col
}

// read reads a regular file of at most MaxSize bytes. Anything else is
// refused before it is opened: a named pipe would block the open forever,
// a device would never end.
func read(path, what string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s)", info.Mode().Type())
	}
	if info.Size() > MaxSize {
		return nil, fmt.Errorf("larger than 1 MiB (%d bytes): %s", info.Size(), holds(what))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The file may have grown since Stat.
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than 1 MiB: %s", holds(what))
	}
	return data, nil
}

// checkLimits walks the syntax tree before anything is decoded, counting
// nesting and the values aliases expand to, as the fleet loader does.
func checkLimits(path string, file *ast.File) error {
	l := &limits{path: path, anchors: map[string]int{}}
	for _, doc := range file.Docs {
		if doc == nil {
			continue
		}
		l.size(doc.Body, 0)
		if l.err != nil {
			return l.err
		}
	}
	return nil
}

type limits struct {
	path    string
	anchors map[string]int // anchor name -> its value's size, aliases expanded
	aliased int            // values reached through aliases so far
	err     error
}

func (l *limits) fail(n ast.Node, format string, args ...any) {
	e := &Error{Position: model.Position{File: l.path}, Message: fmt.Sprintf(format, args...)}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Column = tk.Position.Line, tk.Position.Column
	}
	l.err = e
}

// size is the number of values n stands for, aliases counted expanded.
func (l *limits) size(n ast.Node, depth int) int {
	if l.err != nil || n == nil {
		return 1
	}
	if depth > maxDepth {
		l.fail(n, "nested more than %d levels deep", maxDepth)
		return 1
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		total := 1
		for _, v := range n.Values {
			total += l.size(v, depth)
		}
		return total
	case *ast.MappingValueNode:
		return l.size(n.Key, depth+1) + l.size(n.Value, depth+1)
	case *ast.SequenceNode:
		total := 1
		for _, v := range n.Values {
			total += l.size(v, depth+1)
		}
		return total
	case *ast.AnchorNode:
		s := l.size(n.Value, depth)
		l.anchors[anchorName(n.Name)] = s
		return s
	case *ast.AliasNode:
		s := max(l.anchors[anchorName(n.Value)], 1)
		l.aliased += s
		if l.aliased > maxAliasedNodes {
			l.fail(n, "aliases expand to more than %d values (an alias bomb?): write the values out", maxAliasedNodes)
		}
		return s
	case *ast.TagNode:
		return l.size(n.Value, depth)
	case *ast.MappingKeyNode:
		return l.size(n.Value, depth)
	}
	return 1
}

// anchorName is the name of an anchor or of the anchor an alias refers to.
func anchorName(n ast.Node) string {
	if s, ok := n.(*ast.StringNode); ok {
		return s.Value
	}
	if n != nil {
		if tk := n.GetToken(); tk != nil {
			return tk.Value
		}
	}
	return ""
}
