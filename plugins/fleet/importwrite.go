package fleet

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/patchcheck/patchcheck/internal/safetext"
)

// ImportFormats are the formats Imported.Write writes.
func ImportFormats() []string { return []string{"yaml", "json"} }

// Write writes the fleet file: YAML with every assumption in comments, or
// JSON, which has no comments (the fleet schema refuses members it does
// not know), so its notes are only those WriteNotes prints.
//
// Every value comes from the exports and may be hostile: strings are
// quoted whenever they are not plainly safe, and written so that no line
// of the file can carry a CI runner's command (safetext).
func (im *Imported) Write(w io.Writer, format string) error {
	bw := bufio.NewWriter(w)
	var err error
	switch format {
	case "yaml":
		err = im.writeYAML(bw)
	case "json":
		err = im.writeJSON(bw)
	default:
		return fmt.Errorf("unknown format %q: expected %s", format, strings.Join(ImportFormats(), " or "))
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// WriteNotes prints what was read and assumed, for standard error: one
// line each, neutralised by safetext.
func (im *Imported) WriteNotes(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for _, r := range im.read {
		fmt.Fprintf(bw, "patchcheck: read %s\n", safetext.Text(r))
	}
	for _, n := range im.notes {
		fmt.Fprintf(bw, "patchcheck: note: %s\n", safetext.Text(n))
	}
	fmt.Fprintf(bw, "patchcheck: imported %s\n", plural(len(im.vms), "VM"))
	return bw.Flush()
}

func (im *Imported) writeYAML(w *bufio.Writer) error {
	comment(w, "", "", "Fleet file written by patchcheck fleet import from "+strings.Join(im.sources, ", ")+".")
	comment(w, "", "", "It runs as it is: patchcheck simulate THIS_FILE")
	if len(im.notes) > 0 {
		w.WriteString("#\n")
		comment(w, "", "", "What Azure's exports do not say, and what was assumed (also printed on standard error):")
		for _, n := range im.notes {
			comment(w, "", "- ", n)
		}
	}
	fmt.Fprintf(w, "release:\n  month: %s\n", yamlScalar(im.month))
	fmt.Fprintf(w, "defaults:\n  timeZone: %s\n  offPeak: {start: %s, end: %s}\n  installMinutes: %d\n",
		DefaultTimeZone, yamlScalar(DefaultOffPeakStart), yamlScalar(DefaultOffPeakEnd), DefaultInstallMinutes)
	if len(im.regions) > 0 {
		w.WriteString("regions:\n")
		for _, r := range im.regions {
			fmt.Fprintf(w, "  - {name: %s, hasAvailabilityZones: %t}\n", yamlScalar(r.Name), r.HasAvailabilityZones)
		}
	}
	w.WriteString("vms:\n")
	for i := range im.vms {
		v := &im.vms[i]
		for _, c := range v.comments {
			comment(w, "  ", "", c)
		}
		fmt.Fprintf(w, "  - name: %s\n", yamlScalar(v.name))
		field := func(key, value string) { fmt.Fprintf(w, "    %s: %s\n", key, value) }
		field("subscription", yamlScalar(v.subscription))
		field("region", yamlScalar(v.region))
		if v.zone != "" {
			field("zone", strconv.Quote(v.zone))
		}
		if v.availabilitySet != "" {
			field("availabilitySet", yamlScalar(v.availabilitySet))
			field("updateDomain", strconv.Itoa(v.updateDomain))
		}
		field("os", v.os)
		if v.image != nil {
			field("image", fmt.Sprintf("{publisher: %s, offer: %s, sku: %s}", yamlScalar(v.image.Publisher), yamlScalar(v.image.Offer), yamlScalar(v.image.Sku)))
		}
		if v.customImage {
			field("customImage", "true")
		}
		if v.patchMode != "" {
			field("patchMode", v.patchMode)
		}
		if v.enableAutomaticUpdates != nil {
			field("enableAutomaticUpdates", strconv.FormatBool(*v.enableAutomaticUpdates))
		}
		if v.agentVersion != "" {
			field("agentVersion", strconv.Quote(v.agentVersion))
		}
		if v.timeZone != "" {
			field("timeZone", yamlScalar(v.timeZone))
		}
		if v.off {
			field("powerOff", fmt.Sprintf("[{from: %s, to: %s}]", strconv.Quote(im.powerOff.From), strconv.Quote(im.powerOff.To)))
		}
	}
	return nil
}

// comment writes text as YAML comment lines, indented, the first starting
// with lead, wrapped near 100 columns. safetext keeps a line break in the
// text from ending the comment, and a CI command prefix from being one.
func comment(w *bufio.Writer, indent, lead, text string) {
	line := indent + "# " + lead
	cont := indent + "# " + strings.Repeat(" ", utf8.RuneCountInString(lead))
	n := 0
	for _, word := range strings.Fields(safetext.Text(text)) {
		if n > 0 && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > 100 {
			w.WriteString(strings.TrimRight(line, " ") + "\n")
			line, n = cont, 0
		}
		if n > 0 {
			line += " "
		}
		line += word
		n++
	}
	w.WriteString(strings.TrimRight(line, " ") + "\n")
}

// plainSafe is a string YAML reads back as the same string when written
// bare: a letter first, then letters, digits and a few marks that start no
// YAML syntax in a block or flow mapping value.
var plainSafe = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9 ._/()+-]*$`)

// yamlKeyword reports whether YAML 1.1 or 1.2 reads the plain scalar s
// as something other than a string.
func yamlKeyword(s string) bool {
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "on", "off", "y", "n", "null":
		return true
	}
	return false
}

// yamlScalar writes s as a YAML scalar that reads back as the string s:
// bare when plainly safe, else double-quoted with escapes. In quotes a '#'
// is written \x23, so that "##vso[" or "##[" never appear in the file, and
// control, line-separator and bidirectional-formatting characters are
// escaped: no value can break its line or show other than it is.
func yamlScalar(s string) string {
	if plainSafe.MatchString(s) && !strings.HasSuffix(s, " ") && !yamlKeyword(s) && !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '#':
			b.WriteString(`\x23`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r == utf8.RuneError, unicode.IsControl(r), r == '\u2028', r == '\u2029', r == '\ufeff',
			r == '\u061c', r == '\u200e', r == '\u200f', r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func (im *Imported) writeJSON(w *bufio.Writer) error {
	var line []byte
	var err error
	q := func(s string) {
		if err == nil {
			line, err = jsontext.AppendQuote(line, s)
		}
	}
	emit := func() {
		// safetext.JSON writes '#' and the unsafe characters as \u
		// escapes: the same values, no CI command in any line.
		w.Write(safetext.JSON(line))
		line = line[:0]
	}
	line = append(line, `{`+"\n"+`  "release": {"month": `...)
	q(im.month)
	line = fmt.Appendf(line, "},\n  \"defaults\": {\"timeZone\": %q, \"offPeak\": {\"start\": %q, \"end\": %q}, \"installMinutes\": %d},\n",
		DefaultTimeZone, DefaultOffPeakStart, DefaultOffPeakEnd, DefaultInstallMinutes)
	if len(im.regions) > 0 {
		line = append(line, `  "regions": [`...)
		for i, r := range im.regions {
			if i > 0 {
				line = append(line, ", "...)
			}
			line = append(line, `{"name": `...)
			q(r.Name)
			line = fmt.Appendf(line, `, "hasAvailabilityZones": %t}`, r.HasAvailabilityZones)
		}
		line = append(line, "],\n"...)
	}
	line = append(line, `  "vms": [`+"\n"...)
	emit()
	for i := range im.vms {
		v := &im.vms[i]
		member := func(key string) { line = append(line, `, "`+key+`": `...) }
		line = append(line, `    {"name": `...)
		q(v.name)
		member("subscription")
		q(v.subscription)
		member("region")
		q(v.region)
		if v.zone != "" {
			member("zone")
			q(v.zone)
		}
		if v.availabilitySet != "" {
			member("availabilitySet")
			q(v.availabilitySet)
			member("updateDomain")
			line = strconv.AppendInt(line, int64(v.updateDomain), 10)
		}
		member("os")
		q(v.os)
		if v.image != nil {
			member("image")
			line = append(line, `{"publisher": `...)
			q(v.image.Publisher)
			line = append(line, `, "offer": `...)
			q(v.image.Offer)
			line = append(line, `, "sku": `...)
			q(v.image.Sku)
			line = append(line, '}')
		}
		if v.customImage {
			member("customImage")
			line = append(line, "true"...)
		}
		if v.patchMode != "" {
			member("patchMode")
			q(v.patchMode)
		}
		if v.enableAutomaticUpdates != nil {
			member("enableAutomaticUpdates")
			line = strconv.AppendBool(line, *v.enableAutomaticUpdates)
		}
		if v.agentVersion != "" {
			member("agentVersion")
			q(v.agentVersion)
		}
		if v.timeZone != "" {
			member("timeZone")
			q(v.timeZone)
		}
		if v.off {
			member("powerOff")
			line = append(line, `[{"from": `...)
			q(im.powerOff.From)
			line = append(line, `, "to": `...)
			q(im.powerOff.To)
			line = append(line, "}]"...)
		}
		line = append(line, '}')
		if i < len(im.vms)-1 {
			line = append(line, ',')
		}
		line = append(line, '\n')
		if err != nil {
			return fmt.Errorf("write VM %s: %w", safetext.Text(v.name), err)
		}
		emit()
	}
	line = append(line, "  ]\n}\n"...)
	emit()
	return err
}
