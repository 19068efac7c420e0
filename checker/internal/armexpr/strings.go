package armexpr

import (
	"encoding/base64"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
)

// stringCall evaluates the string and sequence functions; ok is false when
// c is not one of them.
func (e *evaluator) stringCall(c call, args []any) (v any, ok bool) {
	switch c.name {
	case "tolower", "toupper", "trim", "base64":
		s, u := strArgs(c, args, 1)
		if u != nil {
			return *u, true
		}
		switch c.name {
		case "tolower":
			return strings.ToLower(s[0]), true
		case "toupper":
			return strings.ToUpper(s[0]), true
		case "trim":
			return strings.TrimSpace(s[0]), true
		}
		out := base64.StdEncoding.EncodeToString([]byte(s[0]))
		if !e.budget.Spend(len(out)) {
			return e.budget.Exhausted(), true
		}
		return out, true
	case "startswith", "endswith":
		// Without regard to case, as ARM compares them.
		s, u := strArgs(c, args, 2)
		if u != nil {
			return *u, true
		}
		a, b := strings.ToLower(s[0]), strings.ToLower(s[1])
		if c.name == "startswith" {
			return strings.HasPrefix(a, b), true
		}
		return strings.HasSuffix(a, b), true
	case "replace":
		s, u := strArgs(c, args, 3)
		if u != nil {
			return *u, true
		}
		if s[1] == "" {
			return Unknown{"replace: the string to replace is empty"}, true
		}
		if n := strings.Count(s[0], s[1]); !e.budget.Spend(len(s[0]) + n*len(s[2])) {
			return e.budget.Exhausted(), true
		}
		return strings.ReplaceAll(s[0], s[1], s[2]), true
	case "uri":
		s, u := strArgs(c, args, 2)
		if u != nil {
			return *u, true
		}
		return combineURI(s[0], s[1]), true
	case "substring":
		return substring(c, args), true
	case "split":
		return e.split(c, args), true
	case "first", "last":
		return firstLast(c, args), true
	case "skip", "take":
		return skipTake(c, args), true
	}
	return nil, false
}

// strArgs checks that c has n arguments, all known strings.
func strArgs(c call, args []any, n int) ([]string, *Unknown) {
	if len(args) != n {
		u := arity(c, n)
		return nil, &u
	}
	if u, ok := whole(args...); ok {
		return nil, &u
	}
	out := make([]string, n)
	for i, a := range args {
		s, ok := a.(string)
		if !ok {
			u := Unknown{fmt.Sprintf("%s: argument %d must be a string, not %s", c.name, i+1, kind(a))}
			return nil, &u
		}
		out[i] = s
	}
	return out, nil
}

// whole number argument (a count or an index).
func wholeNumber(c call, v any, what string) (int, *Unknown) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) > 1<<31 {
		u := Unknown{fmt.Sprintf("%s: the %s must be a whole number", c.name, what)}
		return 0, &u
	}
	return int(f), nil
}

// substring(s, start[, length]) fails, as in ARM, outside the string.
// Positions count characters.
func substring(c call, args []any) any {
	if len(args) != 2 && len(args) != 3 {
		return Unknown{fmt.Sprintf("substring() takes 2 or 3 arguments, got %d", len(args))}
	}
	if u, ok := whole(args...); ok {
		return u
	}
	s, ok := args[0].(string)
	if !ok {
		return Unknown{"substring: the first argument must be a string"}
	}
	r := []rune(s)
	start, u := wholeNumber(c, args[1], "start index")
	if u != nil {
		return *u
	}
	length := len(r) - start
	if len(args) == 3 {
		if length, u = wholeNumber(c, args[2], "length"); u != nil {
			return *u
		}
	}
	if start < 0 || length < 0 || start > len(r) || start+length > len(r) {
		return Unknown{fmt.Sprintf("substring: start %d and length %d are outside the string of %d characters", start, length, len(r))}
	}
	return string(r[start : start+length])
}

// split cuts a string at a delimiter or at any of an array of delimiters
// (the first that matches at each place), keeping empty parts, as .NET's
// String.Split does.
func (e *evaluator) split(c call, args []any) any {
	if len(args) != 2 {
		return arity(c, 2)
	}
	if u, ok := whole(args...); ok {
		return u
	}
	s, ok := args[0].(string)
	if !ok {
		return Unknown{"split: the first argument must be a string"}
	}
	var delims []string
	switch d := args[1].(type) {
	case string:
		delims = []string{d}
	case []any:
		for _, x := range d {
			switch ds := x.(type) {
			case string:
				delims = append(delims, ds)
			case Unknown:
				return ds
			default:
				return Unknown{"split: delimiters must be strings"}
			}
		}
	default:
		return Unknown{"split: the delimiter must be a string or an array of strings"}
	}
	if len(delims) == 0 || slices.Contains(delims, "") {
		return Unknown{"split: an empty delimiter"}
	}
	var out []any
	start := 0
	for i := 0; i < len(s); {
		matched := false
		for _, d := range delims {
			if strings.HasPrefix(s[i:], d) {
				out = append(out, s[start:i])
				i += len(d)
				start, matched = i, true
				break
			}
		}
		if !matched {
			i++
		}
	}
	out = append(out, s[start:])
	if !e.budget.Spend(len(out) + len(s)) {
		return e.budget.Exhausted()
	}
	return out
}

// firstLast is first() and last() of an array (the element, known or not)
// or a string (a character).
func firstLast(c call, args []any) any {
	if len(args) != 1 {
		return arity(c, 1)
	}
	switch v := args[0].(type) {
	case Unknown:
		return v
	case []any:
		if len(v) == 0 {
			return Unknown{c.name + ": the array is empty"}
		}
		if c.name == "first" {
			return v[0]
		}
		return v[len(v)-1]
	case string:
		r := []rune(v)
		if len(r) == 0 {
			return Unknown{c.name + ": the string is empty"}
		}
		if c.name == "first" {
			return string(r[0])
		}
		return string(r[len(r)-1])
	}
	return Unknown{c.name + ": the argument must be an array or a string"}
}

// skipTake is skip() and take() on an array (its elements, known or not)
// or a string; counts out of range are clamped, as in ARM.
func skipTake(c call, args []any) any {
	if len(args) != 2 {
		return arity(c, 2)
	}
	if u, ok := whole(args...); ok {
		return u
	}
	n, u := wholeNumber(c, args[1], "count")
	if u != nil {
		return *u
	}
	cut := func(length int) (int, int) {
		n := min(max(n, 0), length)
		if c.name == "skip" {
			return n, length
		}
		return 0, n
	}
	switch v := args[0].(type) {
	case []any:
		from, to := cut(len(v))
		return slices.Clone(v[from:to])
	case string:
		r := []rune(v)
		from, to := cut(len(r))
		return string(r[from:to])
	}
	return Unknown{c.name + ": the first argument must be an array or a string"}
}

// combineURI is ARM's uri(base, relative), .NET's Uri(Uri, string): an
// absolute relative URI wins; otherwise it replaces what follows the last
// '/' of the base's path (or the whole path when it starts with '/'), and
// the base's query goes. Characters .NET and Go would escape differently
// leave the result unknown rather than guessed.
func combineURI(base, rel string) any {
	for _, s := range []string{base, rel} {
		for _, r := range s {
			if !uriChar(r) {
				return Unknown{fmt.Sprintf("uri: %q holds %q, whose escaping patchcheck does not reproduce", clipString(s), r)}
			}
		}
	}
	b, err := url.Parse(base)
	if err != nil || !b.IsAbs() || b.Host == "" || b.Opaque != "" {
		return Unknown{fmt.Sprintf("uri: the base %q is not an absolute URI", clipString(base))}
	}
	r, err := url.Parse(rel)
	if err != nil {
		return Unknown{fmt.Sprintf("uri: %q is not a URI", clipString(rel))}
	}
	u := b.ResolveReference(r)
	if u.Host == "" && u.Opaque == "" {
		return Unknown{fmt.Sprintf("uri: %q is not a URI with a host", clipString(rel))}
	}
	// .NET writes the scheme and host in lower case, without the
	// scheme's default port, and a bare host with a '/'.
	u.Scheme = strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		port = ""
	}
	u.Host = host
	if port != "" {
		u.Host = host + ":" + port
	}
	if u.Path == "" && u.Opaque == "" {
		u.Path = "/"
	}
	return u.String()
}

// uriChar reports whether r is written the same in a URI by .NET and Go:
// the unreserved and reserved characters of RFC 3986, without '%'.
func uriChar(r rune) bool {
	switch {
	case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		return true
	}
	return strings.ContainsRune("-._~:/?#[]@!$&'()*+,;=", r)
}

// clipString shortens a template value quoted in a reason.
func clipString(s string) string {
	const n = 120
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
