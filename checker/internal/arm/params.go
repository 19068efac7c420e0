package arm

import (
	"fmt"
	"strings"

	"github.com/patchcheck/patchcheck/checker/internal/armexpr"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/schemas"
)

// ParameterFile is a parsed deployment parameter file whose values override
// a template's parameter defaults.
type ParameterFile struct {
	Doc *jsonpos.Document
}

// TemplateHint is the template a parameter file names in
// metadata.template, if any.
func (p *ParameterFile) TemplateHint() string {
	if md := p.Doc.Root.Get("metadata"); md != nil {
		if t := md.Get("template"); t != nil && t.Kind == jsonpos.String {
			return t.Str
		}
	}
	return ""
}

// NewParameterFile checks that doc is a deployment parameter file.
func NewParameterFile(doc *jsonpos.Document) (*ParameterFile, error) {
	if kind, why := Classify(doc); kind != Parameters {
		if kind == Template {
			why = "it is a template"
		}
		return nil, fmt.Errorf("%s is not a deployment parameter file: %s", doc.Name, why)
	}
	return &ParameterFile{Doc: doc}, nil
}

// supply gives the scope the file's values. Parameter files hold values,
// not expressions; a Key Vault reference is a value patchcheck cannot know.
func (p *ParameterFile) supply(s *scope) {
	params := p.Doc.Root.Get("parameters")
	if params == nil || params.Kind != jsonpos.Object {
		return
	}
	for _, m := range params.Members {
		name := m.Key
		line, col := p.Doc.Position(m.KeyOffset)
		origin := model.Related{Position: model.Position{File: p.Doc.Name, Line: line, Column: col}, Pointer: "/parameters/" + schemas.EscapePointer(name),
			Message: fmt.Sprintf("parameter '%s' in the parameter file", name)}
		switch {
		case m.Value.Get("value") != nil:
			val := m.Value.Get("value")
			s.supplied[strings.ToLower(name)] = supplied{value: func() any { return literal(val) }, origin: origin}
		case m.Value.Get("reference") != nil:
			s.supplied[strings.ToLower(name)] = supplied{
				value: func() any {
					return armexpr.Unknown{Reason: fmt.Sprintf("parameter '%s' is a Key Vault reference", name)}
				},
				origin: origin,
			}
		}
	}
}

// literal converts a parameter file value as written: ARM does not evaluate
// expressions in parameter files.
func literal(v *jsonpos.Value) any {
	switch v.Kind {
	case jsonpos.String:
		return v.Str
	case jsonpos.Bool:
		return v.Bool
	case jsonpos.Null:
		return nil
	case jsonpos.Number:
		return synthNumber(v.Str)
	case jsonpos.Array:
		out := make([]any, len(v.Items))
		for i, item := range v.Items {
			out[i] = literal(item)
		}
		return out
	}
	out := make(map[string]any, len(v.Members))
	for _, m := range v.Members {
		out[m.Key] = literal(m.Value)
	}
	return out
}
