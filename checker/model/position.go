package model

import (
	"cmp"
	"strconv"
	"strings"
)

// Position is a place in an input file: the one type the lint side uses
// wherever a file, a line and a column travel together (a finding, a
// related place, a syntax error, a waiver in the configuration).
//
// Structs embed it so that their JSON keeps the members "file", "line"
// and "column" at the embedding's place. Embedding also promotes String,
// so fmt's %v prints a Finding or a Related as its position alone: use %#v,
// or name the fields, when you need more.
//
// A place inside a file that the holder already names (a fact's Loc, a
// report.FileError) keeps only its line and column, and turns into a
// Position with In.
type Position struct {
	File   string `json:"file"`
	Line   int    `json:"line"`   // 1-based; 0 when unknown
	Column int    `json:"column"` // 1-based, in Unicode code points
}

// String returns "file:line:column", or the file alone when the line is
// unknown: a reader is better served by the file than by "file:0:0".
func (p Position) String() string {
	if p.Line <= 0 {
		return p.File
	}
	return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Column)
}

// Compare orders positions by file, then line, then column, and returns
// -1, 0 or +1 like strings.Compare; reports sort by it so output is stable.
func (p Position) Compare(q Position) int {
	if c := strings.Compare(p.File, q.File); c != 0 {
		return c
	}
	if c := cmp.Compare(p.Line, q.Line); c != 0 {
		return c
	}
	return cmp.Compare(p.Column, q.Column)
}

// In returns the position of l in file: a Loc does not carry its file,
// because every fact of a VM is in the VM's file.
func (l Loc) In(file string) Position {
	return Position{File: file, Line: l.Line, Column: l.Column}
}
