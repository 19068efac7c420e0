package fleet

import (
	"cmp"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Shapes the schema enforces; the checks below judge only values of the
// right shape, so a malformed value is reported once, by the schema.
var (
	dateShape = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)
	timeShape = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// The checks of what a schema cannot express: unique VM names, known time
// zones, calendar dates, a release date inside the release month, powerOff
// from <= to, offPeak start != end, zone and availabilitySet split between
// defaults and a VM, a region in one phase only, and the region checks of
// regioncheck.go (known regions, zones, the explicit plan against the VMs
// and the pairs). They read defensively: a value of the wrong shape is the
// schema's to report, and the checks' findings add to the schema's.

// checkVM checks VM i, just read, for what the schema cannot, and returns
// its time zone (its own, else the defaults') as an IANA name, "" for
// none.
func (r *reader) checkVM(i int, vm *fileVM) (zone string) {
	doc, at := r.doc, where(i)
	r.errs = append(r.errs, checkVM(doc, at, vm)...)
	tz := DefaultTimeZone
	if r.top.Defaults != nil {
		tz = cmp.Or(r.top.Defaults.TimeZone, tz)
	}
	zone, err := IANAZone(cmp.Or(vm.TimeZone, tz))
	if err != nil && vm.TimeZone != "" {
		r.errs = append(r.errs, doc.errAt(at.ptr("/timeZone"), err.Error()))
	}
	if vm.Name != "" {
		if first, dup := r.names[vm.Name]; dup {
			firstAt := where(first).ptr("/name")
			r.errs = append(r.errs, doc.errAt(at.ptr("/name"), fmt.Sprintf("duplicate VM name %q: %s (line %d) has it already; VM names must be unique", vm.Name, fieldOf(firstAt), doc.locate(firstAt).at().Line)))
		} else {
			r.names[vm.Name] = i
		}
	}
	if r.top.Defaults != nil {
		r.errs = append(r.errs, checkPlacement(doc, at, vm, r.top.Defaults)...)
	}
	r.checkSpellings(i, vm)
	r.regions.vm(at, vm)
	return zone
}

// checkTop checks the top-level part, and the plan against the regions
// the VMs use.
func (r *reader) checkTop() Errors {
	doc, top := r.doc, &r.top
	var out Errors
	if s := top.Release.Date; s != "" {
		if _, err := time.Parse(time.RFC3339, s); err != nil {
			out = append(out, doc.errAt("/release/date", fmt.Sprintf("expected an RFC 3339 instant such as \"2026-12-08T18:00:00Z\"; found %q", s)))
		}
	}
	out = append(out, checkReleaseMonth(doc, &top.Release)...)
	if d := top.Defaults; d != nil {
		out = append(out, checkVM(doc, inDefaults, d)...)
		if _, err := IANAZone(d.TimeZone); err != nil && d.TimeZone != "" {
			out = append(out, doc.errAt(inDefaults.ptr("/timeZone"), err.Error()))
		}
	}
	out = append(out, checkPhases(doc, top.Phases)...)
	if r.regions == nil { // no VMs were read
		r.regions = newRegionChecks(doc, top.Regions, top.Defaults)
	}
	r.regions.phases(top.Phases)
	return append(out, r.regions.out...)
}

// where is a VM by its index, or the defaults block (inDefaults), for
// pointers made only when there is something to report.
type where int

const inDefaults where = -1

// ptr is the JSON pointer to the VM's (or the defaults') member suffix.
func (w where) ptr(suffix string) string {
	if w == inDefaults {
		return "/defaults" + suffix
	}
	return "/vms/" + strconv.Itoa(int(w)) + suffix
}

// checkVM checks one VM, or the defaults block, for what the schema
// cannot, but its time zone.
func checkVM(doc *document, at where, vm *fileVM) Errors {
	var out Errors
	if w := vm.OffPeak.v; vm.OffPeak.set && w.Start == w.End && timeShape.MatchString(w.Start) {
		out = append(out, doc.errAt(at.ptr("/offPeak/end"), fmt.Sprintf("offPeak starts and ends at %s, an empty window; give two different times (an end before the start crosses midnight)", w.Start)))
	}
	for i, o := range vm.PowerOff {
		op := at.ptr("/powerOff/" + strconv.Itoa(i))
		from, fromOK := calendarDate(doc, op+"/from", o.From, &out)
		to, toOK := calendarDate(doc, op+"/to", o.To, &out)
		if fromOK && toOK && to.Before(from) {
			out = append(out, doc.errAt(op+"/to", fmt.Sprintf("the outage ends (%s) before it starts (%s); to must be on or after from", o.To, o.From)))
		}
	}
	return out
}

// calendarDate parses a YYYY-MM-DD value, reporting shapely non-dates
// such as 2026-02-30.
func calendarDate(doc *document, ptr string, s string, out *Errors) (time.Time, bool) {
	if !dateShape.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		*out = append(*out, doc.errAt(ptr, fmt.Sprintf("%q is not a date on the calendar", s)))
		return time.Time{}, false
	}
	return t, true
}

// checkPlacement refuses a VM whose zone and availabilitySet would come one
// from the VM and the other from defaults.
func checkPlacement(doc *document, at where, vm, defaults *fileVM) Errors {
	vmZone, vmSet := vm.Zone != "", vm.AvailabilitySet != ""
	defZone, defSet := defaults.Zone != "", defaults.AvailabilitySet != ""
	switch {
	case vmSet && !vmZone && defZone:
		return Errors{doc.errAtKey(at.ptr("/availabilitySet"), fmt.Sprintf("availabilitySet conflicts with zone from defaults (line %d): zone and availabilitySet are mutually exclusive; move zone from defaults to the VMs that use it", doc.locate("/defaults/zone").key.Line))}
	case vmZone && !vmSet && defSet:
		return Errors{doc.errAtKey(at.ptr("/zone"), fmt.Sprintf("zone conflicts with availabilitySet from defaults (line %d): zone and availabilitySet are mutually exclusive; move availabilitySet from defaults to the VMs that use it", doc.locate("/defaults/availabilitySet").key.Line))}
	}
	return nil
}

// checkPhases refuses a region listed twice in the plan.
func checkPhases(doc *document, phases [][]string) Errors {
	var out Errors
	first := map[string]string{}
	for i, regions := range phases {
		for j, name := range regions {
			if name == "" {
				continue // not a region name: the schema says so
			}
			ptr := "/phases/" + strconv.Itoa(i) + "/" + strconv.Itoa(j)
			if f, dup := first[name]; dup {
				out = append(out, doc.errAt(ptr, fmt.Sprintf("region %q is already in the plan at %s (line %d); a region belongs to one phase", name, fieldOf(f), doc.locate(f).at().Line)))
				continue
			}
			first[name] = ptr
		}
	}
	return out
}
