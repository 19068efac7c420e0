package checker

import (
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/patchcheck/patchcheck/checker/report"
)

// Shard is one of Of parts of a run (lint --shard K/N), Index being K,
// counted from 1. Every input belongs to exactly one shard, by a hash of
// its path relative to the working directory, so Of jobs, one per shard,
// check every input once whatever machine or folder they run in. The zero
// Shard is the whole run.
type Shard struct{ Index, Of int }

// ParseShard reads "K/N" (1 <= K <= N); "" is the whole run.
func ParseShard(s string) (Shard, error) {
	if s == "" {
		return Shard{}, nil
	}
	k, n, ok := strings.Cut(s, "/")
	index, errK := strconv.Atoi(k)
	of, errN := strconv.Atoi(n)
	if !ok || errK != nil || errN != nil || of < 1 || index < 1 || index > of {
		return Shard{}, fmt.Errorf("%q: want K/N with 1 <= K <= N, such as 1/4", s)
	}
	return Shard{Index: index, Of: of}, nil
}

// Whole reports whether s is the whole run.
func (s Shard) Whole() bool { return s.Of == 0 }

// String is "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Of) }

// shardOf is the shard (1-based) of path among n: FNV-1a of the path
// with forward slashes, relative to wd when inside it, modulo n. Standard
// input is in shard 1.
func shardOf(path, wd string, n int) int {
	if path == Stdin {
		return 1
	}
	key := filepath.Clean(path)
	if filepath.IsAbs(key) && wd != "" {
		if rel, err := filepath.Rel(wd, key); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			key = rel
		}
	}
	h := fnv.New64a()
	h.Write([]byte(filepath.ToSlash(key)))
	return int(h.Sum64()%uint64(n)) + 1
}

// Split returns the inputs of s, in their order, and the paths of the
// others; for the whole run, all inputs and no others.
func (s Shard) Split(inputs []Input) (mine []Input, others []Input) {
	if s.Whole() {
		return inputs, nil
	}
	wd, _ := os.Getwd()
	for _, in := range inputs {
		if shardOf(in.Path, wd, s.Of) == s.Index {
			mine = append(mine, in)
		} else {
			others = append(others, in)
		}
	}
	return mine, others
}

// Count is how many of inputs s checks.
func (s Shard) Count(inputs []Input) int {
	mine, _ := s.Split(inputs)
	return len(mine)
}

// dropLinkedElsewhere removes the findings about a linked template, seen
// as its own check would see it (Passed false), when the template is an
// input of another shard: that shard's own check of it reports them, as
// the whole run would (dropRepeatedLinked).
func (l *Linter) dropLinkedElsewhere(files []report.File, others []Input) {
	elsewhere := map[string]bool{}
	for _, in := range others {
		if in.Err == nil && in.Path != Stdin && (in.Explicit || !l.waivers.excluded(in.Path)) {
			elsewhere[filepath.Clean(in.Path)] = true
		}
	}
	if len(elsewhere) == 0 {
		return
	}
	for fi := range files {
		kept := files[fi].Findings[:0]
		for _, x := range files[fi].Findings {
			if len(x.Via) > 0 && !x.Passed && elsewhere[filepath.Clean(x.File)] {
				continue
			}
			kept = append(kept, x)
		}
		files[fi].Findings = kept
	}
}
