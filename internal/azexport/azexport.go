// Package azexport reads what Azure's own tools print about virtual
// machines and scale sets, recognised by content, into one record per
// resource with the place of every value in the file.
//
// The shapes it reads (shared/reference/azure-exports.md):
//
//   - `az vm list [-d] -o json`, `az vm show [-d]`, `az vm get-instance-view`,
//     `az vmss list`, `az vmss list-instances`: the Azure CLI's flattened
//     shape, ARM's `properties` lifted to the top level (KindCLI);
//   - Azure Resource Graph results: `az graph query -o json`, an object
//     `{count, data: [rows], skip_token, total_records}`, and PowerShell's
//     `Search-AzGraph | ConvertTo-Json -Depth 100`, a bare array of rows or
//     `{Data, SkipToken}` (KindResourceGraph, KindRows);
//   - REST list responses `{value: [...], nextLink}` (KindRESTList) and
//     single REST resources, with or without `$expand=instanceView`
//     (KindResource).
//
// A row is the resource in REST shape (settings under `properties`) or in
// the CLI's shape; each resource is read whichever it has. The package
// knows nothing of fleets or rules: plugins/fleet turns the records into a
// fleet file (`patchcheck fleet import`), and checker could turn them into
// a baseline, which is why it sits in the module's top-level internal/.
package azexport

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
)

// Kind is the shape of a whole file.
type Kind string

const (
	// KindCLI is Azure CLI output: one resource or a list, properties at
	// the top level.
	KindCLI Kind = "Azure CLI output"
	// KindResourceGraph is an Azure Resource Graph result with its rows
	// under data (az graph query) or Data (PowerShell).
	KindResourceGraph Kind = "Azure Resource Graph result"
	// KindRows is a bare list of resources in REST shape: Resource Graph
	// rows as Search-AzGraph | ConvertTo-Json or an older az graph query
	// print them, or az resource list.
	KindRows Kind = "Resource Graph rows (a list in REST shape)"
	// KindRESTList is a REST list response, the resources under value.
	KindRESTList Kind = "REST list response"
	// KindResource is one resource in REST shape.
	KindResource Kind = "REST resource"
)

// Resource types, lower-case, as Type holds them.
const (
	TypeVM              = "microsoft.compute/virtualmachines"
	TypeScaleSet        = "microsoft.compute/virtualmachinescalesets"
	TypeScaleSetVM      = "microsoft.compute/virtualmachinescalesets/virtualmachines"
	TypeAvailabilitySet = "microsoft.compute/availabilitysets"
)

// Document is one file read.
type Document struct {
	Name string
	Kind Kind
	// NextPage is the continuation the file gives (Resource Graph's
	// skip_token, a REST nextLink): the file is one page of several. ""
	// when it gives none.
	NextPage string
	// Resources are the resources read, in the order of the file (Read;
	// Scan hands each to its function instead).
	Resources []Resource

	text  []byte
	lines []int // offsets at which lines start, made on first use
	each  func(*Document, *Resource) error
	n     int  // resources read
	rest  bool // the first resource read is in REST shape
}

// Resource is one resource of a document. A value the file does not give
// (or gives as null or "") is the zero value, Set false for Int and Bool.
// Each value's Off is where it is in the file (Document.Pos).
type Resource struct {
	Off  int  // the resource's opening brace
	REST bool // settings under properties; false for the CLI's flattened shape
	// Type is lower-case, from the type member, else from the ID; a
	// scale set's instance typed as a VM (as VirtualMachineScaleSetVMs
	// Get and List print it) has the ID's type.
	Type           Str
	ID             Str
	Name           Str
	Location       Str
	ResourceGroup  Str
	SubscriptionID Str  // Resource Graph's column
	Zones          Strs // ["2"]; the CLI's az vm create prints "2"
	// AvailabilitySet and ScaleSet are the IDs the resource refers to.
	AvailabilitySet   Str
	ScaleSet          Str
	OrchestrationMode Str // a scale set's: Uniform or Flexible
	Capacity          Int // a scale set's sku.capacity
	UpdateDomainCount Int // an availability set's platformUpdateDomainCount
	InstanceID        Str // a scale-set instance's
	// OS is "windows" or "linux" when osProfile says windowsConfiguration
	// or linuxConfiguration, at that member; OSDiskType is
	// storageProfile.osDisk.osType as written.
	OS                     Str
	OSDiskType             Str
	PatchMode              Str
	AssessmentMode         Str
	EnableAutomaticUpdates Bool
	ProvisionVMAgent       Bool
	TimeZone               Str
	Image                  Image
	// PowerState is the state after "VM " or "PowerState/", lower-case:
	// running, deallocated, stopped, starting, stopping, deallocating, …
	// From the CLI's powerState (-d), an instance view's statuses or
	// Resource Graph's properties.extended.instanceView.powerState.
	PowerState   Str
	UpdateDomain Int // instanceView.platformUpdateDomain
	AgentVersion Str // instanceView.vmAgent.vmAgentVersion
}

// Image is storageProfile.imageReference.
type Image struct {
	Publisher, Offer, Sku, Version Str
	// ID is a managed or gallery image; SharedGallery and CommunityGallery
	// are the gallery IDs of those kinds.
	ID, SharedGallery, CommunityGallery Str
}

// Custom reports whether the image is a custom or gallery image.
func (i Image) Custom() bool {
	return i.ID.V != "" || i.SharedGallery.V != "" || i.CommunityGallery.V != ""
}

// Str is a string the file gives, and where.
type Str struct {
	V   string
	Off int
}

// Int is a whole number the file gives, and where.
type Int struct {
	V   int
	Set bool
	Off int
}

// Bool is true or false as the file gives it, and where.
type Bool struct {
	V, Set bool
	Off    int
}

// Strs is a list of strings the file gives, and where.
type Strs struct {
	V   []string
	Off int
}

// Pos is a 1-based line and column (in code points).
type Pos struct{ Line, Column int }

// Error is a problem in a file, at its place.
type Error struct {
	File         string
	Line, Column int // 0 when unknown
	Message      string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Message
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Message)
}

// Errorf is an Error at offset off of the document.
func (d *Document) Errorf(off int, format string, args ...any) *Error {
	p := d.Pos(off)
	return &Error{File: d.Name, Line: p.Line, Column: p.Column, Message: fmt.Sprintf(format, args...)}
}

// Where is offset off as FILE:LINE:COLUMN.
func (d *Document) Where(off int) string {
	p := d.Pos(off)
	return fmt.Sprintf("%s:%d:%d", d.Name, p.Line, p.Column)
}

// Pos is the line and column of the token at or after off (white space,
// commas and colons skipped). Lines end at LF, CRLF or a lone CR.
func (d *Document) Pos(off int) Pos { return d.pos(skipSeparators(d.text, off)) }

// pos is the line and column of offset off itself.
func (d *Document) pos(off int) Pos {
	t := d.text
	off = min(max(off, 0), len(t))
	if d.lines == nil {
		d.lines = []int{0}
		for i, c := range t {
			if c == '\n' || c == '\r' && (i+1 == len(t) || t[i+1] != '\n') {
				d.lines = append(d.lines, i+1)
			}
		}
	}
	l, found := slices.BinarySearch(d.lines, off)
	if !found {
		l--
	}
	return Pos{l + 1, 1 + utf8.RuneCount(t[d.lines[l]:off])}
}

// skipSeparators is the offset of the token at or after off: white space,
// commas and colons skipped.
func skipSeparators(t []byte, off int) int {
	off = min(max(off, 0), len(t))
	for off < len(t) && strings.IndexByte(" \t\r\n,:", t[off]) >= 0 {
		off++
	}
	return off
}

// Read reads one file. The first problem found ends the reading: a file
// that is not JSON, not one of the shapes above, or holds a value of the
// wrong kind where a setting is read, is an *Error at its place.
func Read(name string, data []byte) (*Document, error) {
	return Scan(name, data, func(d *Document, r *Resource) error {
		d.Resources = append(d.Resources, *r)
		return nil
	})
}

// Scan is Read handing each resource to each as it is read, rather than
// keeping them all: an export of 100,000 VMs need not be held twice. An
// error each returns ends the reading, and Scan returns it.
func Scan(name string, data []byte, each func(*Document, *Resource) error) (*Document, error) {
	d := &Document{Name: name, text: utf8Text(data), each: each}
	if err := d.read(); err != nil {
		var ce callbackError
		if errors.As(err, &ce) {
			return nil, ce.err
		}
		var e *Error
		if errors.As(err, &e) {
			return nil, e
		}
		return nil, d.wrap(err)
	}
	return d, nil
}

// callbackError carries an error of Scan's function through the decoder
// unchanged.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// utf8Text is the file as UTF-8 without a byte order mark. Windows
// PowerShell 5.1 writes UTF-16 with a BOM (`>`, Out-File); columns count
// code points, so converting it moves no position.
func utf8Text(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, []byte("\xef\xbb\xbf")):
		return data[3:]
	case len(data)%2 == 0 && (bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff"))):
		u := make([]uint16, 0, len(data)/2-1)
		for i := 2; i < len(data); i += 2 {
			if data[0] == 0xff {
				u = append(u, uint16(data[i])|uint16(data[i+1])<<8)
			} else {
				u = append(u, uint16(data[i])<<8|uint16(data[i+1]))
			}
		}
		return []byte(string(utf16.Decode(u)))
	}
	return data
}

// decodeOptions: Azure's names are case-insensitive (the CLI prints
// provisionVmAgent where REST says provisionVMAgent).
var decodeOptions = jsonv2.MatchCaseInsensitiveNames(true)

func (d *Document) newDecoder() *jsontext.Decoder {
	// Over a bytes.Buffer the decoder reads the text in place.
	return jsontext.NewDecoder(bytes.NewBuffer(d.text))
}

func (d *Document) read() error {
	dec := d.newDecoder()
	switch dec.PeekKind() {
	case '[':
		if err := d.list(dec); err != nil {
			return err
		}
		d.Kind = KindCLI
		if d.rest {
			d.Kind = KindRows
		}
	case '{':
		if err := d.object(dec); err != nil {
			return err
		}
	default:
		off := int(dec.InputOffset())
		tok, err := dec.ReadToken()
		if err == io.EOF {
			return &Error{File: d.Name, Line: 1, Column: 1, Message: "the file is empty: expected the JSON that az vm list, az graph query or a REST list prints"}
		}
		if err != nil {
			return err
		}
		return d.Errorf(off, "%s: expected the JSON that az vm list, az graph query or a REST list prints (a list or an object)", describe(tok.Kind()))
	}
	off := int(dec.InputOffset())
	if _, err := dec.ReadToken(); err != io.EOF {
		if err != nil {
			return err
		}
		return d.Errorf(off, "a second JSON value after the first: give one command's output per file")
	}
	return nil
}

// list reads a list of resources, the decoder before its '['.
func (d *Document) list(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	for {
		switch dec.PeekKind() {
		case ']':
			_, err := dec.ReadToken()
			return err
		case '{':
			if err := d.resource(dec); err != nil {
				return err
			}
		default:
			off := int(dec.InputOffset())
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			return d.Errorf(off, "%s in the list of resources: expected a resource (a JSON object)", describe(tok.Kind()))
		}
	}
}

// Members of a wrapping object.
func isListName(name string) bool { return strings.EqualFold(name, "data") || name == "value" }

func isNextName(name string) bool {
	for _, n := range []string{"skip_token", "skipToken", "$skipToken", "nextLink", "@odata.nextLink"} {
		if strings.EqualFold(name, n) {
			return true
		}
	}
	return false
}

// object reads a root object: a wrapper around a list (Resource Graph,
// REST list), else one resource.
func (d *Document) object(dec *jsontext.Decoder) error {
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	listAt, listName := -1, ""
	var names []string
	for dec.PeekKind() != '}' {
		keyOff := int(dec.InputOffset())
		tok, err := dec.ReadToken()
		if err != nil {
			return err
		}
		name := tok.String()
		switch {
		case isListName(name) && dec.PeekKind() == '[':
			if listAt >= 0 {
				return d.Errorf(keyOff, "a second list of resources %q: %q at %s holds one already", name, listName, d.Where(listAt))
			}
			listAt, listName = keyOff, name
			if err := d.list(dec); err != nil {
				return err
			}
		case isListName(name) && dec.PeekKind() == '{' && strings.EqualFold(name, "data"):
			return d.Errorf(int(dec.InputOffset()), "a Resource Graph result in table format (columns and rows): ask for objectArray, as az graph query and Search-AzGraph do")
		case isNextName(name):
			off := int(dec.InputOffset())
			tok, err := dec.ReadToken()
			if err != nil {
				return err
			}
			switch tok.Kind() {
			case '"':
				d.NextPage = tok.String()
			case 'n':
			default:
				return d.Errorf(off, "%s: %s, expected a string or null", name, describe(tok.Kind()))
			}
		default:
			names = append(names, name)
			if err := dec.SkipValue(); err != nil {
				return err
			}
		}
	}
	if _, err := dec.ReadToken(); err != nil {
		return err
	}
	if listAt >= 0 {
		d.Kind = KindResourceGraph
		if listName == "value" {
			d.Kind = KindRESTList
		}
		return nil
	}
	has := func(want ...string) bool {
		for _, n := range names {
			for _, w := range want {
				if strings.EqualFold(n, w) {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("$schema", "contentVersion") && has("resources"):
		return d.Errorf(0, "an ARM template, not an export of deployed VMs: patchcheck fleet init reads templates")
	case has("id", "type", "properties", "osProfile", "storageProfile", "virtualMachineProfile"):
		// One resource: az vm show, az vm get-instance-view, a REST GET.
		// Read again from the start, as a resource.
		dec = d.newDecoder()
		if err := d.resource(dec); err != nil {
			return err
		}
		d.Kind = KindCLI
		if d.rest {
			d.Kind = KindResource
		}
		return nil
	case has("vmAgent", "platformUpdateDomain", "statuses"):
		return d.Errorf(0, "an instance view without its VM: az vm get-instance-view prints the VM with its instance view, which can be matched to the VM list by its id")
	}
	shown := names[:min(len(names), 6)]
	return d.Errorf(0, "not an export of Azure VMs: expected az vm list output (a list), a Resource Graph result {count, data, skip_token}, a REST list {value} or one resource; found an object with %s",
		describeNames(shown, len(names)))
}

func describeNames(shown []string, total int) string {
	if total == 0 {
		return "no members"
	}
	q := make([]string, len(shown))
	for i, n := range shown {
		q[i] = fmt.Sprintf("%q", n)
	}
	s := "members " + strings.Join(q, ", ")
	if total > len(shown) {
		s += fmt.Sprintf(" and %d more", total-len(shown))
	}
	return s
}

// describe names a JSON kind for messages.
func describe(k jsontext.Kind) string {
	switch k {
	case '"':
		return "a string"
	case '0':
		return "a number"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	case '[':
		return "a list"
	case '{':
		return "an object"
	}
	return "nothing"
}

// wrap places an error of the decoder: the text's syntax, or a value of the
// wrong kind where a setting is read.
func (d *Document) wrap(err error) *Error {
	var se *jsontext.SyntacticError
	var me *jsonv2.SemanticError
	switch {
	case errors.As(err, &se):
		msg := se.Err.Error()
		if errors.Is(se.Err, io.ErrUnexpectedEOF) {
			msg = "the file ends in the middle of a value (cut off?)"
		}
		// The decoder's offset is the offending byte itself: no token
		// to skip to.
		p := d.pos(int(se.ByteOffset))
		return &Error{File: d.Name, Line: p.Line, Column: p.Column, Message: "not valid JSON: " + msg}
	case errors.As(err, &me):
		msg := semanticMessage(me)
		if off := skipSeparators(d.text, int(me.ByteOffset)); bytes.HasPrefix(d.text[off:], []byte(`"@{`)) {
			msg += "; PowerShell's ConvertTo-Json cut the object off at its depth limit (default 2): run ConvertTo-Json -Depth 100"
		}
		return d.Errorf(int(me.ByteOffset), "%s", msg)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return d.Errorf(len(d.text), "not valid JSON: the file ends in the middle of a value (cut off?)")
	}
	return &Error{File: d.Name, Message: err.Error()}
}

// semanticMessage says which member holds what, and what was expected.
func semanticMessage(me *jsonv2.SemanticError) string {
	field := fieldOf(string(me.JSONPointer))
	if me.Err != nil && !errors.Is(me.Err, jsonv2.ErrUnknownName) {
		return field + ": " + me.Err.Error()
	}
	want := "another kind of value"
	if t := me.GoType; t != nil {
		switch t.Kind().String() {
		case "ptr", "struct":
			want = "an object"
		case "slice":
			want = "a list"
		}
	}
	return fmt.Sprintf("%s: %s, expected %s", field, describe(me.JSONKind), want)
}

// fieldOf renders a JSON pointer as errors name fields: data[3].properties.osProfile.
func fieldOf(ptr string) string {
	if ptr == "" {
		return "the resource"
	}
	var b strings.Builder
	for _, seg := range strings.Split(ptr[1:], "/") {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		if seg != "" && strings.Trim(seg, "0123456789") == "" {
			b.WriteString("[" + seg + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}
