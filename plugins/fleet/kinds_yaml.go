package fleet

import (
	"bytes"
	"iter"
	"regexp"
	"strings"
)

// splitYAMLKinds splits a YAML fleet file by kind of VM, as splitJSONKinds
// does a JSON one: the YAML parser builds a syntax tree of every token,
// which took 15 s and 3.5 GB for 100,000 VMs. It reads the file as lines
// and takes only the plain shape such files have: a top-level "vms:" key
// holding a block sequence of block mappings, each with one "name:" line
// whose value is a string without escapes. Anything else, or anything
// whose meaning could depend on more than the lines of one VM (anchors,
// aliases, tags, block scalars, documents, directives, tabs, carriage
// returns), takes the ordinary path. Two VMs whose lines are identical but
// for the name's value are one kind, as in JSON.
func splitYAMLKinds(data []byte) (kindSplit, bool) {
	if bytes.ContainsAny(data, "&*!|>%\t\r") {
		return kindSplit{}, false
	}
	start := -1 // where the line after "vms:" starts
	for l := range lines(data) {
		switch {
		case bytes.HasPrefix(l.text, []byte("---")) || bytes.HasPrefix(l.text, []byte("...")):
			return kindSplit{}, false // document markers
		case isKeyLine(l.text, "vms"):
			if start >= 0 || len(bytes.TrimSpace(l.text)) != len("vms:") {
				return kindSplit{}, false // twice, or a flow sequence or a comment on the line
			}
			start = l.end
		}
	}
	if start < 0 {
		return kindSplit{}, false
	}

	// The sequence's items start with "- " at the first item's column and
	// run until the next such line. The sequence ends at a line to the left
	// of that column (at it, for a sequence at column 0) that is not an
	// item; blank and comment lines stay with the item before them.
	var items [][2]int // byte ranges
	dash := -1
	end := len(data)
	for l := range lines(data[start:]) {
		l.start, l.end = l.start+start, l.end+start
		if l.blank() {
			if len(items) > 0 {
				items[len(items)-1][1] = l.end
			}
			continue
		}
		in := l.indent()
		if dash < 0 {
			dash = in
		}
		switch isItem := in == dash && bytes.HasPrefix(l.text[in:], []byte("- ")); {
		case isItem:
			items = append(items, [2]int{l.start, l.end})
			continue
		case len(items) > 0 && in > dash:
			items[len(items)-1][1] = l.end
			continue
		case len(items) > 0 && (dash == 0 || in < dash):
			end = l.start // the next top-level key, or out of the sequence
		default:
			return kindSplit{}, false
		}
		break
	}
	if len(items) == 0 {
		return kindSplit{}, false
	}
	if end < len(data) {
		items[len(items)-1][1] = end // with the comments before the next key
	}

	kinds := newKindTable()
	var kindTexts [][]byte
	var kindOf []int
	var nameText []byte
	var nameEnds []int
	for _, r := range items {
		text := data[r[0]:r[1]]
		nameStart, nameEnd, name, ok := yamlItemName(text, dash)
		if !ok {
			return kindSplit{}, false
		}
		nameText = append(nameText, name...)
		nameEnds = append(nameEnds, len(nameText))
		k, isNew := kinds.kindOf(text, nameStart, nameEnd)
		if isNew {
			kindTexts = append(kindTexts, text)
		}
		kindOf = append(kindOf, k)
	}
	names, ok := uniqueNames(nameText, nameEnds)
	if !ok {
		return kindSplit{}, false
	}
	var doc bytes.Buffer
	doc.Write(data[:items[0][0]])
	for _, t := range kindTexts {
		doc.Write(t)
		if t[len(t)-1] != '\n' {
			doc.WriteByte('\n')
		}
	}
	doc.Write(data[items[len(items)-1][1]:])
	return kindSplit{document: doc.Bytes(), kindOf: kindOf, names: names}, true
}

// line is one line of a file: its text without the line break, and where
// it starts and ends in the file (end includes the break).
type line struct {
	text       []byte
	start, end int
}

// lines yields the lines of data.
func lines(data []byte) iter.Seq[line] {
	return func(yield func(line) bool) {
		for off := 0; off < len(data); {
			n := bytes.IndexByte(data[off:], '\n')
			end := off + n + 1
			if n < 0 {
				end, n = len(data), len(data)-off
			}
			if !yield(line{text: data[off : off+n], start: off, end: end}) {
				return
			}
			off = end
		}
	}
}

func (l line) indent() int { return len(l.text) - len(bytes.TrimLeft(l.text, " ")) }

// blank reports an empty or comment-only line.
func (l line) blank() bool {
	t := bytes.TrimLeft(l.text, " ")
	return len(t) == 0 || t[0] == '#'
}

// isKeyLine reports whether text is key at the start of a line.
func isKeyLine(text []byte, key string) bool {
	rest, ok := bytes.CutPrefix(text, []byte(key+":"))
	return ok && (len(rest) == 0 || rest[0] == ' ')
}

// plainName is a plain scalar that YAML reads as a string in every schema:
// it starts with a letter, holds no character YAML gives a meaning, and is
// no word YAML reads as a boolean, null or number.
var plainName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._/-]*$`)

var notStrings = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "nan": true, "inf": true, "infinity": true}

// yamlItemName finds the value of the name key of a sequence item's block
// mapping (the item's dash at column dash): where it is in text and the
// string it stands for. ok is false unless there is exactly one name line
// and its value is a plain or quoted string without escapes.
func yamlItemName(text []byte, dash int) (start, end int, name []byte, ok bool) {
	keyCol := dash + 2
	found := 0
	afterName := false // until a line at the keys' column or left of it
	for l := range lines(text) {
		if afterName && len(bytes.TrimSpace(l.text)) > 0 {
			if l.indent() > keyCol {
				return 0, 0, nil, false // the name goes on over more lines
			}
			afterName = false
		}
		var key []byte
		switch {
		case l.start == 0:
			key = l.text[keyCol:] // after "- "
			if len(key) > 0 && strings.IndexByte("{[-?'\"", key[0]) >= 0 {
				return 0, 0, nil, false // not a plain block mapping
			}
		case l.indent() == keyCol && !l.blank():
			key = l.text[keyCol:]
		default:
			continue
		}
		if !isKeyLine(key, "name") {
			continue
		}
		if found++; found > 1 {
			return 0, 0, nil, false
		}
		afterName = true
		value := key[len("name:"):]
		lead := len(value) - len(bytes.TrimLeft(value, " "))
		value = bytes.TrimRight(value[lead:], " ")
		start = l.start + (len(l.text) - len(key)) + len("name:") + lead
		end = start + len(value)
		switch {
		case len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0]:
			name = value[1 : len(value)-1]
			if bytes.ContainsAny(name, `"'\#`) {
				return 0, 0, nil, false
			}
		case plainName.Match(value) && !notStrings[strings.ToLower(string(value))]:
			name = value
		default:
			return 0, 0, nil, false
		}
	}
	return start, end, name, found == 1 && len(name) > 0
}
