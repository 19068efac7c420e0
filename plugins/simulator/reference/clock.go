package reference

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// interval is a half-open span of absolute time [start, end).
type interval struct{ start, end time.Time }

// clock answers "when may this VM be worked on?": the off-peak windows of
// its time zone, intersected with the times it is on. Windows are built
// from local calendar dates, so they follow daylight saving time.
type clock struct {
	loc      *time.Location
	offStart int // minutes after local midnight
	offEnd   int
	power    []powerRule // empty: always on
	outages  []interval  // whole local days when the VM is off
	// windows caches the off-peak window occurrences by local day (days
	// since 0001-01-01): VMs share clocks, and every turn and assessment
	// looks up the same few weeks. A model is used by one goroutine.
	windows map[int]interval
}

type powerRule struct {
	days       [7]bool // indexed by time.Weekday
	start, end int     // minutes after local midnight; end <= start crosses midnight
}

func parseHHMM(s string) (int, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("time %q: want HH:MM between 00:00 and 23:59", s)
	}
	return hh*60 + mm, nil
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// newClock builds a VM's clock; locs caches loaded time zones.
func newClock(vm simulator.VM, locs map[string]*time.Location) (*clock, error) {
	loc, ok := locs[vm.TimeZone]
	if !ok {
		var err error
		if loc, err = time.LoadLocation(vm.TimeZone); err != nil {
			return nil, fmt.Errorf("vm %s: time zone %q: %w", vm.Name, vm.TimeZone, err)
		}
		locs[vm.TimeZone] = loc
	}
	c := &clock{loc: loc}
	var err error
	if c.offStart, err = parseHHMM(vm.OffPeak.Start); err != nil {
		return nil, fmt.Errorf("vm %s: offPeak.start: %w", vm.Name, err)
	}
	if c.offEnd, err = parseHHMM(vm.OffPeak.End); err != nil {
		return nil, fmt.Errorf("vm %s: offPeak.end: %w", vm.Name, err)
	}
	if c.offStart == c.offEnd {
		return nil, fmt.Errorf("vm %s: offPeak window is empty (start equals end)", vm.Name)
	}
	for i, p := range vm.PowerSchedule {
		var r powerRule
		if r.start, err = parseHHMM(p.Start); err != nil {
			return nil, fmt.Errorf("vm %s: powerSchedule[%d].start: %w", vm.Name, i, err)
		}
		if r.end, err = parseHHMM(p.End); err != nil {
			return nil, fmt.Errorf("vm %s: powerSchedule[%d].end: %w", vm.Name, i, err)
		}
		for _, d := range p.Days {
			wd, ok := weekdays[strings.ToLower(d)[:min(3, len(d))]]
			if !ok {
				return nil, fmt.Errorf("vm %s: powerSchedule[%d]: unknown day %q", vm.Name, i, d)
			}
			r.days[wd] = true
		}
		c.power = append(c.power, r)
	}
	for i, o := range vm.PowerOff {
		from, err1 := time.ParseInLocation("2006-01-02", o.From, loc)
		to, err2 := time.ParseInLocation("2006-01-02", o.To, loc)
		if err1 != nil || err2 != nil || to.Before(from) {
			return nil, fmt.Errorf("vm %s: powerOff[%d]: want from <= to as YYYY-MM-DD", vm.Name, i)
		}
		y, m, d := to.Date()
		c.outages = append(c.outages, interval{from, time.Date(y, m, d+1, 0, 0, 0, 0, loc)})
	}
	return c, nil
}

// at returns the instant of minute-of-day mins on the local date y-m-d (d
// may overflow; time.Date normalises it). A local time that does not exist,
// in the spring-forward gap, moves to the first valid instant after it: the
// transition itself. time.Date alone may move it backwards, which would put
// an install before its window. A repeated local time (fall back) is one
// instant, and windows are spans of absolute time, so the repeated hour
// counts once.
func (c *clock) at(y int, m time.Month, d, mins int) time.Time {
	t := time.Date(y, m, d, mins/60, mins%60, 0, 0, c.loc)
	if t.Hour()*60+t.Minute() == mins {
		return t // the local time exists (the common case)
	}
	want := time.Date(y, m, d, mins/60, mins%60, 0, 0, time.UTC)
	got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	if got.Equal(want) {
		return t
	}
	start, end := t.ZoneBounds()
	if got.Before(want) && !end.IsZero() {
		return end // t was put before the gap; the gap ends at the transition
	}
	return start // t was put after the gap, whose end is where t's zone period starts
}

// window returns the off-peak window occurrence that starts on local date
// y-m-d.
func (c *clock) window(y int, m time.Month, d int) interval {
	key := monthDays(y, m) + d
	if w, ok := c.windows[key]; ok {
		return w
	}
	s := c.at(y, m, d, c.offStart)
	e := c.at(y, m, d, c.offEnd)
	if c.offEnd <= c.offStart {
		e = c.at(y, m, d+1, c.offEnd)
	}
	if c.windows == nil {
		c.windows = map[int]interval{}
	}
	c.windows[key] = interval{s, e}
	return interval{s, e}
}

// monthDays is the number of days from 0001-01-01 to the day before the
// first of month m of year y (Gregorian), so that monthDays(y, m) + d
// numbers local dates even when d overflows the month.
func monthDays(y int, m time.Month) int {
	mm := int(m)
	if mm <= 2 {
		y--
		mm += 12
	}
	// Days before March 1 of year y, counted from a fixed origin, plus the
	// days of the months from March to m.
	return 365*y + y/4 - y/100 + y/400 + (153*(mm-3)+2)/5
}

// windowAfter returns the first off-peak window occurrence that ends after
// t: the one t is in, or the next.
func (c *clock) windowAfter(t time.Time) interval {
	y, m, d := t.In(c.loc).Date()
	for day := d - 1; ; day++ {
		if w := c.window(y, m, day); w.end.After(t) && w.start.Before(w.end) {
			return w
		}
	}
}

// nextWindowStart returns the start of the first off-peak window occurrence
// that starts at or after t.
func (c *clock) nextWindowStart(t time.Time) time.Time {
	y, m, d := t.In(c.loc).Date()
	for day := d - 1; ; day++ {
		if w := c.window(y, m, day); !w.start.Before(t) {
			return w.start
		}
	}
}

// onIntervals returns when the VM is on during [from, to).
func (c *clock) onIntervals(from, to time.Time) []interval {
	var on []interval
	if len(c.power) == 0 {
		on = []interval{{from, to}}
	} else {
		lf := from.In(c.loc)
		y, m, d := lf.Date()
		for day := d - 1; ; day++ {
			date := time.Date(y, m, day, 0, 0, 0, 0, c.loc)
			if !date.Before(to) {
				break
			}
			for _, r := range c.power {
				if !r.days[date.Weekday()] {
					continue
				}
				s := c.at(y, m, day, r.start)
				e := c.at(y, m, day, r.end)
				if r.end <= r.start {
					e = c.at(y, m, day+1, r.end)
				}
				if iv, ok := clip(interval{s, e}, from, to); ok {
					on = append(on, iv)
				}
			}
		}
		on = union(on)
	}
	for _, o := range c.outages {
		on = subtract(on, o)
	}
	return on
}

// eachWorkable calls fn, in order, for each span in [from, to) when the VM
// is inside an off-peak window and on, with the start of the window
// occurrence the span belongs to, until fn returns false. It is lazy
// because callers usually need only the first few spans of a month.
func (c *clock) eachWorkable(from, to time.Time, fn func(span interval, window time.Time) bool) {
	if !from.Before(to) {
		return
	}
	y, m, d := from.In(c.loc).Date()
	for day := d - 1; ; day++ {
		w := c.window(y, m, day)
		if !w.start.Before(to) {
			return
		}
		part, ok := clip(w, from, to)
		if !ok {
			continue
		}
		if len(c.power) == 0 && len(c.outages) == 0 {
			if !fn(part, w.start) { // always on: no need to cut the window
				return
			}
			continue
		}
		for _, on := range c.onIntervals(part.start, part.end) {
			if !fn(on, w.start) {
				return
			}
		}
	}
}

// firstWorkable returns the first instant in [from, until) when the VM is
// in an off-peak window and on.
func (c *clock) firstWorkable(from, until time.Time) (t time.Time, ok bool) {
	c.eachWorkable(from, until, func(span interval, _ time.Time) bool {
		t, ok = span.start, true
		return false
	})
	return t, ok
}

// work is an install (or enablement) done from a workable instant: work
// that pauses when a window closes or the VM goes off, and resumes in the
// next off-peak window while the VM is on (D5, D12).
type work struct {
	end     time.Time     // when the last minute is done; zero when not done before the horizon
	windows int           // off-peak window occurrences it used
	done    time.Duration // work done by the horizon
}

// doWork runs dur of work from from, up to horizon, calling span (when not
// nil) for each span worked.
func (c *clock) doWork(from time.Time, dur time.Duration, horizon time.Time, span func(interval)) work {
	var out work
	if dur <= 0 {
		out.end = from
		return out
	}
	last := time.Time{}
	c.eachWorkable(from, horizon, func(iv interval, window time.Time) bool {
		if !window.Equal(last) {
			out.windows++
			last = window
		}
		left := dur - out.done
		if n := iv.end.Sub(iv.start); n < left {
			out.done += n
			if span != nil {
				span(iv)
			}
			return true
		}
		out.done = dur
		out.end = iv.start.Add(left)
		if span != nil {
			span(interval{iv.start, out.end})
		}
		return false
	})
	return out
}

// isOn reports whether the VM is on at t.
func (c *clock) isOn(t time.Time) bool {
	if len(c.power) == 0 && len(c.outages) == 0 {
		return true // always on: the common case, checked at every assessment
	}
	return len(c.onIntervals(t, t.Add(time.Minute))) > 0
}

func clip(iv interval, from, to time.Time) (interval, bool) {
	if iv.start.Before(from) {
		iv.start = from
	}
	if iv.end.After(to) {
		iv.end = to
	}
	return iv, iv.start.Before(iv.end)
}

func union(ivs []interval) []interval {
	if len(ivs) < 2 {
		return ivs
	}
	sort.Slice(ivs, func(i, j int) bool { return ivs[i].start.Before(ivs[j].start) })
	out := ivs[:1]
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
		if !iv.start.Before(cut.end) || !cut.start.Before(iv.end) {
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
