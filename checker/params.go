package checker

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/patchcheck/patchcheck/checker/internal/arm"
	"github.com/patchcheck/patchcheck/checker/internal/jsonpos"
)

// parameterFinder pairs templates with their deployment parameter files:
// the files given with --parameters, else x.parameters.json beside x.json,
// else a parameter file in the same folder whose metadata.template names
// the template. Folder scans are remembered for the run.
type parameterFinder struct {
	explicit []string
	maxSize  int64 // Options.MaxFileSize
	// walked are the files found by walking folders: their siblings were
	// walked too, so pairing looks them up here instead of asking the disk.
	walked map[string]bool
	mu     sync.Mutex
	byDir  map[string]map[string]string // dir -> template base name (lower-case) -> parameter file

	// parsed holds the --parameters files, which serve every template of
	// the run, once parsed. Parsed files are read-only, so workers share
	// them. Paired files serve one template each and are not kept: holding
	// thousands of parsed documents would cost more than parsing them.
	parsedMu sync.Mutex
	parsed   map[string]parsedParameters
}

type parsedParameters struct {
	file *arm.ParameterFile
	err  error
}

func newParameterFinder(explicit []string, walked map[string]bool, maxSize int64) *parameterFinder {
	return &parameterFinder{explicit: explicit, maxSize: maxSize, walked: walked, byDir: map[string]map[string]string{}, parsed: map[string]parsedParameters{}}
}

// loadExplicit reads and parses one --parameters file, once per run.
func (f *parameterFinder) loadExplicit(path string) (*arm.ParameterFile, error) {
	f.parsedMu.Lock()
	defer f.parsedMu.Unlock()
	if p, ok := f.parsed[path]; ok {
		return p.file, p.err
	}
	pf, err := parseParameterFile(path, f.maxSize)
	f.parsed[path] = parsedParameters{pf, err}
	return pf, err
}

func parseParameterFile(path string, maxSize int64) (*arm.ParameterFile, error) {
	data, err := readFile(path, maxSize)
	if err != nil {
		return nil, fmt.Errorf("parameter file: %w", err)
	}
	doc, err := jsonpos.Parse(path, data)
	if err != nil {
		return nil, fmt.Errorf("parameter file %w", err)
	}
	return arm.NewParameterFile(doc)
}

// find returns the parameter files for the template at path, parsed, and
// their paths. A parameter file that cannot be read or is not one is an
// error: the template's values would be wrong without it.
func (f *parameterFinder) find(in Input) ([]*arm.ParameterFile, []string, error) {
	if len(f.explicit) > 0 {
		var files []*arm.ParameterFile
		for _, p := range f.explicit {
			pf, err := f.loadExplicit(p)
			if err != nil {
				return nil, nil, err
			}
			files = append(files, pf)
		}
		return files, f.explicit, nil
	}
	if in.Path == Stdin {
		return nil, nil, nil
	}
	p := f.pair(in)
	if p == "" {
		return nil, nil, nil
	}
	pf, err := parseParameterFile(p, f.maxSize)
	if err != nil {
		return nil, nil, err
	}
	return []*arm.ParameterFile{pf}, []string{p}, nil
}

func stem(name string) string {
	for _, ext := range []string{".jsonc", ".json", ".bicep"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}

func (f *parameterFinder) pair(in Input) string {
	dir, base := filepath.Split(in.Path)
	s := stem(base)
	if strings.HasSuffix(strings.ToLower(s), ".parameters") {
		return ""
	}
	for _, ext := range []string{".parameters.json", ".parameters.jsonc"} {
		candidate := filepath.Join(dir, s+ext)
		if !in.Explicit {
			if f.walked[candidate] {
				return candidate
			}
			continue
		}
		if info, err := os.Stat(candidate); err == nil && !info.IsDir() {
			return candidate
		}
	}
	return f.byMetadata(dir)[strings.ToLower(base)]
}

// byMetadata maps template names to the parameter files of dir that name
// them in metadata.template. Only files with "param" in their name are
// looked at (azuredeploy.parameters.json, main.params.prod.json, …), and
// only those whose first 512 bytes mention the deploymentParameters schema
// are parsed, so a folder of templates is not read twice.
func (f *parameterFinder) byMetadata(dir string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if m, ok := f.byDir[dir]; ok {
		return m
	}
	m := map[string]string{}
	f.byDir[dir] = m
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return m
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if !e.IsDir() && ParameterCandidate(e.Name()) {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, n := range names {
		p := filepath.Join(dir, n)
		if !looksLikeParameters(p) {
			continue
		}
		pf, err := parseParameterFile(p, f.maxSize)
		if err != nil {
			continue // not a usable parameter file: it cannot name a template
		}
		if t := pf.TemplateHint(); t != "" {
			if _, taken := m[strings.ToLower(filepath.Base(t))]; !taken {
				m[strings.ToLower(filepath.Base(t))] = p
			}
		}
	}
	return m
}

// looksLikeParameters peeks at the start of a file for the deployment
// parameters schema, so finding parameter files does not read every
// template of a folder twice. Only regular files are opened: a FIFO
// named like a parameter file must not block the run.
func looksLikeParameters(path string) bool {
	f, err := openRegular(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	return strings.Contains(strings.ToLower(string(head[:n])), "deploymentparameters")
}
