package simulatortest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// day is the length of a "day after release": an absolute 24 hours, so
// release + d days does not depend on the location the release is printed in.
const day = 24 * time.Hour

// interval is a half-open span of absolute time [start, end).
type interval struct{ start, end time.Time }

// contains reports whether [s, e) lies inside iv.
func (iv interval) contains(s, e time.Time) bool {
	return !s.Before(iv.start) && !e.After(iv.end)
}

// overlaps reports whether two half-open intervals share an instant.
func overlaps(a, b interval) bool {
	return a.start.Before(b.end) && b.start.Before(a.end)
}

func (iv interval) String() string {
	return "[" + iv.start.UTC().Format(time.RFC3339) + ", " + iv.end.UTC().Format(time.RFC3339) + ")"
}

// clockWindow is a daily local window in minutes after local midnight. An
// end at or before the start ends on the next local day (end == start is a
// full 24-hour window).
type clockWindow struct{ start, end int }

// occurrence is the window's occurrence that starts on local date y-m-d;
// d may overflow, time.Date normalises it. Both ends are built with
// time.Date in loc, so the occurrence follows daylight saving time: across
// a transition it is an hour (or, on Lord Howe, half an hour) shorter or
// longer than usual, and a wall time in a spring-forward gap resolves the
// way Go's time.Date resolves it.
func (w clockWindow) occurrence(loc *time.Location, y int, m time.Month, d int) interval {
	s := time.Date(y, m, d, w.start/60, w.start%60, 0, 0, loc)
	ed := d
	if w.end <= w.start {
		ed++
	}
	e := time.Date(y, m, ed, w.end/60, w.end%60, 0, 0, loc)
	return interval{s, e}
}

// parseClock parses "HH:MM" (00:00–23:59, and 24:00 as the end of the day).
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) == 0 || len(h) > 2 || len(m) != 2 {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("time %q: want HH:MM between 00:00 and 24:00", s)
	}
	return hh*60 + mm, nil
}

func parseWindow(start, end string) (clockWindow, error) {
	s, err := parseClock(start)
	if err != nil {
		return clockWindow{}, err
	}
	e, err := parseClock(end)
	if err != nil {
		return clockWindow{}, err
	}
	return clockWindow{s, e}, nil
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// parseWeekday accepts "Mon".."Sun" and longer spellings ("monday"), any case.
func parseWeekday(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	wd, ok := weekdayNames[s[:3]]
	return wd, ok
}

// powerRule is one PowerWindow: on during window on the given weekdays; the
// day of an occurrence is the day it starts.
type powerRule struct {
	days   [7]bool
	window clockWindow
}

// vmClock answers when a VM may install: inside one occurrence of its
// off-peak window, while it is on.
type vmClock struct {
	loc     *time.Location
	offPeak clockWindow
	power   []powerRule // empty: on at all times (outages aside)
	outages []interval  // [from 00:00, to+1 00:00) local
}

var (
	locMu    sync.Mutex
	locCache = map[string]*time.Location{}
)

// loadLocation is time.LoadLocation with a cache (CheckInvariants may run in
// parallel tests).
func loadLocation(name string) (*time.Location, error) {
	locMu.Lock()
	defer locMu.Unlock()
	if loc, ok := locCache[name]; ok {
		return loc, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locCache[name] = loc
	return loc, nil
}

func newVMClock(vm simulator.VM) (*vmClock, error) {
	loc, err := loadLocation(vm.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %v", vm.TimeZone, err)
	}
	c := &vmClock{loc: loc}
	if c.offPeak, err = parseWindow(vm.OffPeak.Start, vm.OffPeak.End); err != nil {
		return nil, fmt.Errorf("offPeak: %v", err)
	}
	for i, p := range vm.PowerSchedule {
		var r powerRule
		if r.window, err = parseWindow(p.Start, p.End); err != nil {
			return nil, fmt.Errorf("powerSchedule[%d]: %v", i, err)
		}
		for _, d := range p.Days {
			wd, ok := parseWeekday(d)
			if !ok {
				return nil, fmt.Errorf("powerSchedule[%d]: unknown day %q", i, d)
			}
			r.days[wd] = true
		}
		c.power = append(c.power, r)
	}
	for i, o := range vm.PowerOff {
		from, err1 := time.ParseInLocation("2006-01-02", o.From, loc)
		to, err2 := time.ParseInLocation("2006-01-02", o.To, loc)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("powerOff[%d]: want YYYY-MM-DD dates, got %q..%q", i, o.From, o.To)
		}
		y, m, d := to.Date()
		c.outages = append(c.outages, interval{from, time.Date(y, m, d+1, 0, 0, 0, 0, loc)})
	}
	return c, nil
}

// localDates calls fn for each local calendar date from the date of from
// minus before days to the date of to plus after days.
func (c *vmClock) localDates(from, to time.Time, before, after int, fn func(y int, m time.Month, d int)) {
	fy, fm, fd := from.In(c.loc).Date()
	ty, tm, td := to.In(c.loc).Date()
	last := time.Date(ty, tm, td+after, 0, 0, 0, 0, time.UTC)
	for cur := time.Date(fy, fm, fd-before, 0, 0, 0, 0, time.UTC); !cur.After(last); cur = cur.AddDate(0, 0, 1) {
		y, m, d := cur.Date()
		fn(y, m, d)
	}
}

// offPeakOccurrences lists the off-peak occurrences that start on a local
// date from the day before from's date to to's date.
func (c *vmClock) offPeakOccurrences(from, to time.Time) []interval {
	var out []interval
	c.localDates(from, to, 1, 0, func(y int, m time.Month, d int) {
		out = append(out, c.offPeak.occurrence(c.loc, y, m, d))
	})
	return out
}

// inOffPeak reports whether [s, e) lies inside a single off-peak occurrence.
func (c *vmClock) inOffPeak(s, e time.Time) bool {
	for _, occ := range c.offPeakOccurrences(s, e) {
		if occ.start.Before(occ.end) && occ.contains(s, e) {
			return true
		}
	}
	return false
}

// onIntervals returns the maximal spans when the VM is on that touch
// [from, to] (from the power schedule's occurrences, merged when they touch
// or overlap, minus the outages). With no schedule the VM is on from a day
// before from to a day after to, outages aside.
func (c *vmClock) onIntervals(from, to time.Time) []interval {
	var on []interval
	if len(c.power) == 0 {
		on = []interval{{from.Add(-day), to.Add(day)}}
	} else {
		c.localDates(from, to, 2, 1, func(y int, m time.Month, d int) {
			wd := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()
			for _, r := range c.power {
				if r.days[wd] {
					if occ := r.window.occurrence(c.loc, y, m, d); occ.start.Before(occ.end) {
						on = append(on, occ)
					}
				}
			}
		})
		on = union(on)
	}
	for _, o := range c.outages {
		on = subtract(on, o)
	}
	return on
}

// isOn reports whether the VM is on throughout [s, e).
func (c *vmClock) isOn(s, e time.Time) bool {
	for _, iv := range c.onIntervals(s, e) {
		if iv.contains(s, e) {
			return true
		}
	}
	return false
}

// inOutage reports the outage [s, e) intersects, if any.
func (c *vmClock) inOutage(s, e time.Time) (interval, bool) {
	for _, o := range c.outages {
		if overlaps(o, interval{s, e}) {
			return o, true
		}
	}
	return interval{}, false
}

func union(ivs []interval) []interval {
	if len(ivs) < 2 {
		return ivs
	}
	sort.Slice(ivs, func(i, j int) bool { return ivs[i].start.Before(ivs[j].start) })
	out := []interval{ivs[0]}
	for _, iv := range ivs[1:] {
		last := &out[len(out)-1]
		if !iv.start.After(last.end) {
			if iv.end.After(last.end) {
				last.end = iv.end
			}
			continue
		}
		out = append(out, iv)
	}
	return out
}

func subtract(ivs []interval, cut interval) []interval {
	var out []interval
	for _, iv := range ivs {
		if !overlaps(iv, cut) {
			out = append(out, iv)
			continue
		}
		if iv.start.Before(cut.start) {
			out = append(out, interval{iv.start, cut.start})
		}
		if cut.end.Before(iv.end) {
			out = append(out, interval{cut.end, iv.end})
		}
	}
	return out
}
