package fleet

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // time.LoadLocation works on machines without a tz database

	"github.com/agnivade/levenshtein"
)

// windowsZonesTSV maps Windows time zone IDs to IANA zones: the
// territory="001" rows of Unicode CLDR windowsZones.xml (see its header and
// gen_zones.go).
//
//go:embed windowsZones.tsv
var windowsZonesTSV string

// ianaZonesTXT lists the IANA zone names of Go's embedded tz database; it
// only feeds "did you mean" suggestions.
//
//go:embed ianaZones.txt
var ianaZonesTXT string

type zoneTables struct {
	windows map[string]string // Windows ID -> IANA name
	iana    map[string]bool   // IANA names
	all     []string          // every accepted spelling, sorted, for suggestions
	norm    []string          // all[i] normalised by normZone
	// loadable remembers the IANA names time.LoadLocation has found in the
	// embedded tzdata: a fleet names a handful of zones a million times,
	// and loading one parses its rules afresh each time.
	loadable sync.Map
}

// normZone folds case and treats "_" as " " for suggestions.
func normZone(s string) string { return strings.ToLower(strings.ReplaceAll(s, "_", " ")) }

var zones = sync.OnceValue(func() *zoneTables {
	t := &zoneTables{windows: map[string]string{}, iana: map[string]bool{}}
	for _, line := range dataLines(windowsZonesTSV) {
		win, iana, ok := strings.Cut(line, "\t")
		if ok {
			t.windows[win] = iana
			t.all = append(t.all, win)
		}
	}
	for _, name := range dataLines(ianaZonesTXT) {
		t.iana[name] = true
		t.all = append(t.all, name)
	}
	sort.Strings(t.all)
	for _, c := range t.all {
		t.norm = append(t.norm, normZone(c))
	}
	return t
})

func dataLines(s string) []string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimRight(line, "\r")
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// IANAZone resolves a time zone as a fleet file may give it: an IANA name
// (returned as is, e.g. "UTC" or "Europe/Berlin") or a Windows time zone ID
// (converted with the CLDR table: "Pacific Standard Time" gives
// "America/Los_Angeles", "W. Europe Standard Time" gives "Europe/Berlin").
// IANA names must be in Go's embedded tz database (ianaZones.txt), so the
// answer does not depend on the machine. Names are case-sensitive; for
// anything else the error suggests the closest known spelling, if any.
func IANAZone(name string) (string, error) {
	t := zones()
	if t.iana[name] {
		if _, ok := t.loadable.Load(name); ok {
			return name, nil
		}
		if _, err := time.LoadLocation(name); err == nil {
			t.loadable.Store(name, true)
			return name, nil
		}
	}
	if iana, ok := t.windows[name]; ok {
		return iana, nil
	}
	msg := fmt.Sprintf("unknown time zone %q: expected an IANA name (e.g. America/Los_Angeles) or a Windows time zone ID (e.g. Pacific Standard Time)", name)
	if near := t.suggest(name); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return "", fmt.Errorf("%s", msg)
}

// suggest finds a close known spelling: the same name in another case,
// spaces for underscores, the city part of an IANA name, or a small edit.
func (t *zoneTables) suggest(name string) string {
	n := normZone(strings.TrimSpace(name))
	if n == "" || len(n) > 64 {
		return ""
	}
	for i, c := range t.norm {
		if c == n {
			return t.all[i]
		}
	}
	for i, c := range t.norm {
		if j := strings.LastIndexByte(c, '/'); j >= 0 && c[j+1:] == n {
			return t.all[i]
		}
	}
	best, bestDist := "", 1<<30
	for i, c := range t.norm {
		limit := max(2, len(c)/5)
		if abs(len(c)-len(n)) > limit {
			continue // the distance is at least the length difference
		}
		if d := levenshtein.ComputeDistance(n, c); d <= limit && d < bestDist {
			best, bestDist = t.all[i], d
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

var losAngeles = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		// Unreachable: time/tzdata is linked in.
		panic("fleet: load America/Los_Angeles: " + err.Error())
	}
	return loc
})

// SecondTuesday is the default release instant of a month: 10:00
// America/Los_Angeles (PST or PDT, whichever is in force) on the month's
// second Tuesday ("Patch Tuesday"), returned in UTC so it compares with ==.
func SecondTuesday(year int, month time.Month) time.Time {
	first := time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
	day := 1 + (int(time.Tuesday)-int(first.Weekday())+7)%7 + 7
	return time.Date(year, month, day, 10, 0, 0, 0, losAngeles()).UTC()
}
