// Package armexpr parses and evaluates ARM template expressions
// ("[concat(parameters('prefix'), '-vm')]") against a template's parameters
// and variables, far enough to recover the patch settings real templates
// build from them. Hand-written: no Go library implements the ARM
// expression language. What it cannot know (a function it does not
// evaluate, a parameter without a value, the deployment's resource group)
// comes back as an Unknown value with the reason, never as a guess.
package armexpr

import (
	"fmt"
	"strconv"
	"strings"
)

// node is a parsed expression.
type node interface{}

type (
	lit  struct{ v any }
	call struct {
		name string
		args []node
	}
	member struct {
		target node
		name   string
	}
	index struct {
		target, key node
	}
)

// IsExpression reports whether s is an ARM expression: "[...]" and not the
// "[[" escape of a literal bracket.
func IsExpression(s string) bool {
	s = strings.TrimSpace(s)
	return len(s) >= 2 && s[0] == '[' && s[len(s)-1] == ']' && !strings.HasPrefix(s, "[[")
}

// parse parses an expression with or without its surrounding brackets.
func parse(src string) (node, error) {
	s := strings.TrimSpace(src)
	if IsExpression(s) {
		s = s[1 : len(s)-1]
	}
	p := &parser{s: s}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, p.errorf("unexpected %q after the expression", p.s[p.i:])
	}
	return n, nil
}

type parser struct {
	s string
	i int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("syntax error at character %d: %s", p.i+1, fmt.Sprintf(format, args...))
}

func (p *parser) space() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n' || p.s[p.i] == '\r') {
		p.i++
	}
}

func (p *parser) peek() byte {
	p.space()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *parser) expr() (node, error) {
	n, err := p.primary()
	if err != nil {
		return nil, err
	}
	for {
		switch p.peek() {
		case '.':
			p.i++
			p.space()
			name := p.ident()
			if name == "" {
				return nil, p.errorf("expected a property name after '.'")
			}
			n = member{target: n, name: name}
		case '[':
			p.i++
			key, err := p.expr()
			if err != nil {
				return nil, err
			}
			if p.peek() != ']' {
				return nil, p.errorf("expected ']'")
			}
			p.i++
			n = index{target: n, key: key}
		default:
			return n, nil
		}
	}
}

func (p *parser) ident() string {
	start := p.i
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' && p.i > start {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

func (p *parser) primary() (node, error) {
	switch c := p.peek(); {
	case c == 0:
		return nil, p.errorf("unexpected end of expression")
	case c == '\'':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for p.i < len(p.s) && (p.s[p.i] >= '0' && p.s[p.i] <= '9' || p.s[p.i] == '.') {
			p.i++
		}
		f, err := strconv.ParseFloat(p.s[start:p.i], 64)
		if err != nil {
			return nil, p.errorf("bad number %q", p.s[start:p.i])
		}
		return lit{f}, nil
	}
	name := p.ident()
	if name == "" {
		return nil, p.errorf("unexpected %q", p.s[p.i:p.i+1])
	}
	switch strings.ToLower(name) {
	case "true":
		if p.peek() != '(' {
			return lit{true}, nil
		}
	case "false":
		if p.peek() != '(' {
			return lit{false}, nil
		}
	case "null":
		if p.peek() != '(' {
			return lit{nil}, nil
		}
	}
	if p.peek() != '(' {
		return nil, p.errorf("expected '(' after %s", name)
	}
	p.i++
	c := call{name: strings.ToLower(name)}
	if p.peek() == ')' {
		p.i++
		return c, nil
	}
	for {
		arg, err := p.expr()
		if err != nil {
			return nil, err
		}
		c.args = append(c.args, arg)
		switch p.peek() {
		case ',':
			p.i++
		case ')':
			p.i++
			return c, nil
		default:
			return nil, p.errorf("expected ',' or ')' in the arguments of %s", name)
		}
	}
}

// str reads a single-quoted string; ” is a quote.
func (p *parser) str() (node, error) {
	p.i++ // opening quote
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == '\'' {
			if p.i+1 < len(p.s) && p.s[p.i+1] == '\'' {
				b.WriteByte('\'')
				p.i += 2
				continue
			}
			p.i++
			return lit{b.String()}, nil
		}
		b.WriteByte(c)
		p.i++
	}
	return nil, p.errorf("unterminated string")
}
