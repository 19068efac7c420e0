package checker

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
	"github.com/patchcheck/patchcheck/checker/model"
	"github.com/patchcheck/patchcheck/checker/report"
	"github.com/patchcheck/patchcheck/internal/saferead"
)

// linker reads the templates (and parameter files) that deployments link
// to, for one run. Each file is read and parsed at most once, however many
// links lead to it and whichever worker asks first; the parsed documents
// are read-only and shared. What an input may read is decided per input
// (linksFor).
type linker struct {
	maxSize int64 // Options.MaxFileSize
	mu      sync.Mutex
	files   map[string]*linkedFile // by real path (symbolic links resolved)
}

type linkedFile struct {
	once sync.Once
	doc  *jsonpos.Document
	err  error
}

func newLinker(maxSize int64) *linker {
	return &linker{maxSize: maxSize, files: map[string]*linkedFile{}}
}

// linksFor is the arm.Linker of one input: it reads only inside the
// input's repository (the nearest folder above the input holding .git, a
// folder or, in a worktree or submodule, a file), or, outside any
// repository, inside the input's own folder. Symbolic links are resolved
// before that check, so one cannot lead out.
func (l *linker) linksFor(input string) *inputLinks {
	return &inputLinks{l: l, input: input}
}

type inputLinks struct {
	l     *linker
	input string
	once  sync.Once
	root  string // absolute, as found; "" when nothing may be read
	real  string // root with symbolic links resolved
	what  string // the root for a person: "the repository …" or "the folder …"
	why   string // why nothing may be read, when root is ""
}

// findRoot decides, on the first link, where the input may read from.
func (in *inputLinks) findRoot() {
	if in.input == Stdin || in.input == "" {
		in.why = "the template came from standard input, so patchcheck reads no file it links to"
		return
	}
	dir, err := filepath.Abs(filepath.Dir(in.input))
	if err != nil {
		in.why = fmt.Sprintf("the folder of %s is not known: %v", in.input, err)
		return
	}
	in.root, in.what = dir, "the folder of "+in.input+" (no repository: no .git above it)"
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			in.root, in.what = d, "the repository it belongs to ("+displayPath(d)+")"
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if in.real, err = filepath.EvalSymlinks(in.root); err != nil {
		in.root, in.why = "", fmt.Sprintf("the folder %s cannot be resolved: %v", displayPath(in.root), err)
	}
}

// displayPath names a folder relative to the working directory when it is
// inside it, so messages do not depend on where the repository is checked
// out.
func displayPath(abs string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && within(".", rel) {
			if rel == "." {
				return "the working folder"
			}
			return rel
		}
	}
	return abs
}

// within reports whether path is root or below it (both absolute, or both
// relative to the same folder), lexically.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Load implements arm.Linker.
func (in *inputLinks) Load(path string) (*jsonpos.Document, error) {
	in.once.Do(in.findRoot)
	if in.root == "" {
		return nil, errors.New(in.why)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if !within(in.root, abs) {
		return nil, fmt.Errorf("%s is outside %s, which is all patchcheck reads linked templates from", path, in.what)
	}
	real, err := filepath.EvalSymlinks(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("there is no file %s", path)
	case err != nil:
		return nil, fmt.Errorf("%s cannot be resolved: %w", path, err)
	case !within(in.real, real):
		return nil, fmt.Errorf("%s is a symbolic link that leads outside %s, which is all patchcheck reads linked templates from", path, in.what)
	}
	return in.l.load(real, path)
}

// load reads and parses the file at real once per run; name is how the
// first link to reach it names it.
func (l *linker) load(real, name string) (*jsonpos.Document, error) {
	l.mu.Lock()
	f, ok := l.files[real]
	if !ok {
		f = &linkedFile{}
		l.files[real] = f
	}
	l.mu.Unlock()
	f.once.Do(func() { f.doc, f.err = l.read(real, name) })
	return f.doc, f.err
}

// read reads a linked file the way inputs are read (regular files only,
// under the size cap) and parses it.
func (l *linker) read(real, name string) (*jsonpos.Document, error) {
	// Checked here, not only by readFile, to word it for a link: opening
	// a FIFO would wait for a writer.
	info, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file: patchcheck reads regular files only", name, saferead.FileKind(info.Mode()))
	}
	data, err := readFile(real, l.maxSize)
	var tl *TooLargeError
	if errors.As(err, &tl) {
		err = &TooLargeError{Name: name, Limit: tl.Limit}
	}
	if err != nil {
		return nil, err
	}
	doc, err := jsonpos.Parse(name, data)
	var se *jsonpos.SyntaxError
	if errors.As(err, &se) {
		return nil, fmt.Errorf("%s is not valid JSON (line %d, column %d: %s)", name, se.Line, se.Column, se.Msg)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return doc, nil
}

// The linker must keep satisfying the adapter's interface.
var _ arm.Linker = (*inputLinks)(nil)

// unfollowedFindings reports, as PC011, each deployment whose linked
// template was not checked: never a silent pass.
func (l *Linter) unfollowedFindings(us []arm.Unfollowed) []model.Finding {
	if len(us) == 0 {
		return nil
	}
	rule, _ := l.engine.Rule("PC011") // built in: its ID is reserved
	out := make([]model.Finding, 0, len(us))
	for _, u := range us {
		out = append(out, model.Finding{
			RuleID: rule.ID, Severity: rule.Severity, Title: rule.Title, Remediation: rule.Remediation,
			Message: fmt.Sprintf("%s of deployment '%s' was not followed: %s; the VMs the linked template deploys were not checked",
				u.Property, clip(u.Deployment), u.Reason),
			Position: u.Loc.In(u.File), Pointer: u.Loc.Pointer,
			Resource: u.Deployment, ResourceType: u.Type, ResourcePointer: u.ResourcePointer, Via: u.Via,
		})
	}
	return out
}

// dropRepeatedLinked removes from the report the findings about a linked
// template that say nothing new. A VM of a linked template that took no
// value from its deployment (Passed false) is the VM the file's own check
// sees: its findings are dropped when the same finding (rule, place,
// message, value sources) was reported already, by the linked file
// checked as an input itself or through an earlier link. A VM that did
// take values from its deployment keeps every finding, even one that
// reads the same: it is about what that deployment deploys.
func dropRepeatedLinked(files []report.File) {
	// Only the files some link reached unchanged are compared: most runs
	// have none.
	reached := map[string]bool{}
	for _, f := range files {
		for i := range f.Findings {
			if x := &f.Findings[i]; len(x.Via) > 0 && !x.Passed {
				reached[filepath.Clean(x.File)] = true
			}
		}
	}
	if len(reached) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, f := range files {
		for i := range f.Findings {
			if x := &f.Findings[i]; len(x.Via) == 0 && reached[filepath.Clean(x.File)] {
				seen[findingKey(x)] = true
			}
		}
	}
	for fi := range files {
		kept := files[fi].Findings[:0]
		for i := range files[fi].Findings {
			x := &files[fi].Findings[i]
			if len(x.Via) > 0 && !x.Passed {
				k := findingKey(x)
				if seen[k] {
					continue
				}
				seen[k] = true
			}
			kept = append(kept, *x)
		}
		files[fi].Findings = kept
	}
}

// findingKey is what makes two findings the same finding: everything but
// the way its file was reached and the waiver that accepts it.
func findingKey(f *model.Finding) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%s\x00%s\x00%d\x00%d\x00%s\x00%s\x00%s\x00%s", f.RuleID, f.Severity, filepath.Clean(f.File), f.Line, f.Column,
		f.Pointer, f.Resource, f.ResourcePointer, f.Message)
	for _, r := range f.Related {
		fmt.Fprintf(&b, "\x00%s\x00%d\x00%d\x00%s", filepath.Clean(r.File), r.Line, r.Column, r.Message)
	}
	return b.String()
}
