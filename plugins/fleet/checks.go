package fleet

import (
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

// check runs what a schema cannot express: unique VM names, known time
// zones, calendar dates, a release date inside the release month, powerOff
// from <= to, offPeak start != end, zone and availabilitySet split between
// defaults and a VM, a region in one phase only, and the region checks of
// regioncheck.go (known regions, zones, the explicit plan against the VMs
// and the pairs). It reads defensively, so its findings add to the
// schema's.
//
// The by-kind reader (kinds.go) runs check on one VM of each kind and
// trusts a clean result for all: no check may depend on a VM's name or on
// how many VMs share a kind (the regions the VMs use are the same set).
func check(doc *document) Errors {
	root, _ := doc.root.(map[string]any)
	var out Errors
	if rel, ok := root["release"].(map[string]any); ok {
		if s, ok := rel["date"].(string); ok {
			if _, err := time.Parse(time.RFC3339, s); err != nil {
				out = append(out, doc.errAt("/release/date", fmt.Sprintf("expected an RFC 3339 instant such as \"2026-12-08T18:00:00Z\"; found %q", s)))
			}
		}
		out = append(out, checkReleaseMonth(doc, rel)...)
	}
	defaults, _ := root["defaults"].(map[string]any)
	if defaults != nil {
		out = append(out, checkVM(doc, "/defaults", defaults)...)
	}
	vms, _ := root["vms"].([]any)
	firstName := map[string]string{} // name -> pointer of its first use
	for i, item := range vms {
		vm, ok := item.(map[string]any)
		if !ok {
			continue
		}
		ptr := "/vms/" + strconv.Itoa(i)
		out = append(out, checkVM(doc, ptr, vm)...)
		if name, ok := vm["name"].(string); ok && name != "" {
			if first, dup := firstName[name]; dup {
				out = append(out, doc.errAt(ptr+"/name", fmt.Sprintf("duplicate VM name %q: %s (line %d) has it already; VM names must be unique", name, fieldOf(first), doc.locate(first).at().Line)))
			} else {
				firstName[name] = ptr + "/name"
			}
		}
		if defaults != nil {
			out = append(out, checkPlacement(doc, ptr, vm, defaults)...)
		}
	}
	out = append(out, checkPhases(doc, root["phases"])...)
	out = append(out, checkRegions(doc, root)...)
	return out
}

// checkVM checks one VM, or the defaults block, for what the schema cannot.
func checkVM(doc *document, ptr string, vm map[string]any) Errors {
	var out Errors
	if tz, ok := vm["timeZone"].(string); ok && tz != "" {
		if _, err := IANAZone(tz); err != nil {
			out = append(out, doc.errAt(ptr+"/timeZone", err.Error()))
		}
	}
	if w, ok := vm["offPeak"].(map[string]any); ok {
		start, _ := w["start"].(string)
		end, _ := w["end"].(string)
		if start == end && timeShape.MatchString(start) {
			out = append(out, doc.errAt(ptr+"/offPeak/end", fmt.Sprintf("offPeak starts and ends at %s, an empty window; give two different times (an end before the start crosses midnight)", start)))
		}
	}
	outages, _ := vm["powerOff"].([]any)
	for i, item := range outages {
		o, ok := item.(map[string]any)
		if !ok {
			continue
		}
		op := ptr + "/powerOff/" + strconv.Itoa(i)
		from, fromOK := calendarDate(doc, op+"/from", o["from"], &out)
		to, toOK := calendarDate(doc, op+"/to", o["to"], &out)
		if fromOK && toOK && to.Before(from) {
			out = append(out, doc.errAt(op+"/to", fmt.Sprintf("the outage ends (%s) before it starts (%s); to must be on or after from", o["to"], o["from"])))
		}
	}
	return out
}

// calendarDate parses a YYYY-MM-DD value, reporting shapely non-dates
// such as 2026-02-30.
func calendarDate(doc *document, ptr string, v any, out *Errors) (time.Time, bool) {
	s, ok := v.(string)
	if !ok || !dateShape.MatchString(s) {
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
func checkPlacement(doc *document, ptr string, vm, defaults map[string]any) Errors {
	_, vmZone := vm["zone"]
	_, vmSet := vm["availabilitySet"]
	_, defZone := defaults["zone"]
	_, defSet := defaults["availabilitySet"]
	switch {
	case vmSet && !vmZone && defZone:
		return Errors{doc.errAtKey(ptr+"/availabilitySet", fmt.Sprintf("availabilitySet conflicts with zone from defaults (line %d): zone and availabilitySet are mutually exclusive; move zone from defaults to the VMs that use it", doc.locate("/defaults/zone").key.Line))}
	case vmZone && !vmSet && defSet:
		return Errors{doc.errAtKey(ptr+"/zone", fmt.Sprintf("zone conflicts with availabilitySet from defaults (line %d): zone and availabilitySet are mutually exclusive; move availabilitySet from defaults to the VMs that use it", doc.locate("/defaults/availabilitySet").key.Line))}
	}
	return nil
}

// checkPhases refuses a region listed twice in the plan.
func checkPhases(doc *document, v any) Errors {
	phases, _ := v.([]any)
	var out Errors
	first := map[string]string{}
	for i, p := range phases {
		regions, _ := p.([]any)
		for j, r := range regions {
			name, ok := r.(string)
			if !ok {
				continue
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
