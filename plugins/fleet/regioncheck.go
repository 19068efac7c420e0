package fleet

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/patchcheck/patchcheck/plugins/internal/regions"
	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/schemas"
)

// Shapes of values the region checks judge; the schema reports the others.
var (
	regionShape = regexp.MustCompile(`^[a-z0-9]+$`)
	monthShape  = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
)

// regionTable is the embedded table, read once: every fleet is checked
// against it.
var regionTable = sync.OnceValues(regions.Load)

// knownRegion is a region a fleet may use: from the embedded table, or
// declared under regions: at declaredAt (a JSON pointer).
type knownRegion struct {
	region     regions.Region
	declaredAt string // "" for a table region
}

// regionChecks holds what the region checks of one file share.
type regionChecks struct {
	doc       *document
	known     map[string]knownRegion
	names     []string            // every known name, for "did you mean"
	conflicts map[string][]string // the pair graph, declared regions included
	out       Errors

	defRegion, defZone     string // the defaults', when of the right shape
	defRegionOK, defZoneOK bool
	used                   []regionUse // the regions the VMs use, each with its first use, in VM order
	seen                   map[string]bool
	reportedDefaults       bool // the defaults' zone in the defaults' region
}

// newRegionChecks starts the region checks of a file: they refuse what the
// region table and the declared regions contradict: an unknown region (on
// a VM, in defaults, in the plan, as a declared region's pair), a declared
// region the table or an earlier declaration has already, a zone in a
// region without availability zones, and an explicit plan that leaves out
// a region a VM uses or puts two paired regions in one phase. Each VM then
// goes through vm, and the plan through phases.
func newRegionChecks(doc *document, declared []fileRegion, defaults *fileVM) *regionChecks {
	c := &regionChecks{doc: doc, seen: map[string]bool{}}
	tab, err := regionTable()
	if err != nil {
		c.out = Errors{doc.errAt("", "internal error: "+err.Error())}
		return c
	}
	c.known = make(map[string]knownRegion, len(tab.Regions))
	for _, r := range tab.Regions {
		c.known[r.Name] = knownRegion{region: r}
	}
	c.conflicts = tab.With(c.declared(declared)).Conflicts()
	if defaults != nil {
		c.defRegion, c.defRegionOK = regionValue(defaults.Region)
		c.defZone, c.defZoneOK = zoneValue(defaults.Zone)
		if c.defRegionOK {
			c.requireKnown("/defaults/region", c.defRegion)
		}
	}
	return c
}

// regionValue returns a region name when it is of a region's shape.
func regionValue(s string) (string, bool) {
	return s, regionShape.MatchString(s)
}

// declared reads the regions: list into c.known, refusing a region the
// table or an earlier declaration has already, and returns the declared
// regions that are new.
func (c *regionChecks) declared(list []fileRegion) []regions.Region {
	var out []regions.Region
	type pairRef struct{ ptr, name, pair string }
	var pairs []pairRef
	for i, m := range list {
		ptr := "/regions/" + strconv.Itoa(i)
		name, ok := regionValue(m.Name)
		if !ok {
			continue
		}
		if k, dup := c.known[name]; dup {
			if k.declaredAt == "" {
				c.fail(ptr+"/name", fmt.Sprintf("region %q is in the embedded region table already (%s); declare under regions only regions the table lacks", name, describeRegion(k.region)))
			} else {
				c.fail(ptr+"/name", fmt.Sprintf("region %q is declared already at %s (line %d); declare a region once", name, fieldOf(k.declaredAt), c.doc.locate(k.declaredAt).at().Line))
			}
			continue
		}
		r := regions.Region{Name: name, HasAvailabilityZones: m.HasAvailabilityZones}
		if pair, ok := regionValue(m.PairedRegion); ok {
			if pair == name {
				c.fail(ptr+"/pairedRegion", fmt.Sprintf("region %q is paired with itself; give the other region of the pair, or leave pairedRegion out for an unpaired region", name))
			} else {
				r.PairedRegion = pair
				pairs = append(pairs, pairRef{ptr + "/pairedRegion", name, pair})
			}
		}
		c.known[name] = knownRegion{region: r, declaredAt: ptr + "/name"}
		out = append(out, r)
	}
	// A pair may name a region declared further down, so pairs are judged
	// once every declaration is known.
	for n := range c.known {
		c.names = append(c.names, n)
	}
	slices.Sort(c.names) // "did you mean" must not depend on map order
	for _, p := range pairs {
		if _, ok := c.known[p.pair]; !ok {
			c.fail(p.ptr, c.unknownMessage(p.pair, fmt.Sprintf("the pair of declared region %q", p.name)))
		}
	}
	return out
}

// vm checks a VM's region and zone (its own, else the defaults'), and
// notes the region's first use.
func (c *regionChecks) vm(at where, vm *fileVM) {
	if c.known == nil {
		return // no region table
	}
	region, ownRegion := c.defRegion, false
	if vm.Region != "" {
		region, ownRegion = vm.Region, true
	} else if !c.defRegionOK {
		return // missing, or reported at defaults
	}
	k, known := c.known[region]
	if !known {
		if ownRegion && regionShape.MatchString(region) {
			c.requireKnown(at.ptr("/region"), region)
		}
		return // else the schema reports it, or it is reported at defaults.region
	}
	if !c.seen[region] {
		c.seen[region] = true
		regionAt := at.ptr("")
		if ownRegion {
			regionAt = at.ptr("/region")
		}
		c.used = append(c.used, regionUse{region: region, vm: at.ptr(""), at: regionAt})
	}

	// The VM's zone: its own, else the defaults'. A VM with an
	// availability set of its own and a zone is refused as such (by the
	// schema, or checkPlacement when the zone is the defaults').
	if vm.AvailabilitySet != "" {
		return
	}
	zone, zoneOK := zoneValue(vm.Zone) // not OK: the schema reports it
	ownZone := vm.Zone != ""
	if !ownZone {
		zone, zoneOK = c.defZone, c.defZoneOK
	}
	if !zoneOK || !k.region.RefusesZones() {
		return
	}
	zone = strconv.Quote(zone)
	why := c.noZonesReason(k)
	switch {
	case ownZone:
		c.fail(at.ptr("/zone"), fmt.Sprintf("zone %s in region %q, %s; leave zone out, or use an availability set", zone, region, why))
	case ownRegion:
		c.fail(at.ptr("/region"), fmt.Sprintf("region %q %s, yet the VM gets zone %s from defaults (line %d); give this VM no zone (move zone from defaults to the VMs that use it)", region, strings.TrimPrefix(why, "which "), zone, c.doc.locate("/defaults/zone").at().Line))
	case !c.reportedDefaults:
		c.reportedDefaults = true
		c.fail("/defaults/zone", fmt.Sprintf("zone %s for VMs in region %q (defaults.region), %s; leave zone out of defaults, or use availability sets", zone, region, why))
	}
}

// regionUse is one region the fleet's VMs use, and its first use: the VM,
// and the value to point at (the VM's own region, else the VM).
type regionUse struct {
	region, vm, at string
}

// zoneValue returns a zone when it is one the schema allows.
func zoneValue(z zoneText) (string, bool) {
	s := string(z)
	return s, s == "1" || s == "2" || s == "3"
}

// noZonesReason says why a region has no zones, and where that comes from.
func (c *regionChecks) noZonesReason(k knownRegion) string {
	if k.declaredAt == "" {
		return "which has no availability zones (embedded region table)"
	}
	decl := strings.TrimSuffix(k.declaredAt, "/name")
	return fmt.Sprintf("which is declared without availability zones at %s (line %d: set hasAvailabilityZones: true there if it has them)", fieldOf(decl), c.doc.locate(decl).at().Line)
}

// phases checks an explicit plan: every region it names is known, no
// phase holds two paired regions, and every region a VM uses is in it.
// (A region named twice is checkPhases' business.)
func (c *regionChecks) phases(plan [][]string) {
	if len(plan) == 0 || c.known == nil {
		return // no plan: the default plan covers every region
	}
	inPlan := map[string]bool{}
	for i, list := range plan {
		where := map[string]string{} // region -> its pointer in this phase
		for j, r := range list {
			if !regionShape.MatchString(r) {
				continue
			}
			ptr := "/phases/" + strconv.Itoa(i) + "/" + strconv.Itoa(j)
			inPlan[r] = true
			if !c.requireKnown(ptr, r) {
				continue
			}
			for _, other := range c.conflicts[r] {
				if at, ok := where[other]; ok {
					c.fail(ptr, fmt.Sprintf("region %q is paired with %q (%s, line %d) and cannot share its phase: Azure never updates paired regions in one phase; move one to another phase", r, other, fieldOf(at), c.doc.locate(at).at().Line))
					break
				}
			}
			if _, dup := where[r]; !dup {
				where[r] = ptr
			}
		}
	}
	for _, u := range c.used {
		if inPlan[u.region] {
			continue
		}
		c.failKey("/phases", fmt.Sprintf("the plan leaves out region %q, used by %s (line %d); add it to a phase (paired regions apart), or leave phases out for the default Azure-wide plan", u.region, fieldOf(u.vm), c.doc.locate(u.at).at().Line))
	}
}

// requireKnown reports an unknown region at ptr; ok is false for one.
func (c *regionChecks) requireKnown(ptr, name string) bool {
	if _, ok := c.known[name]; ok {
		return true
	}
	c.fail(ptr, c.unknownMessage(name, ""))
	return false
}

// unknownMessage explains an unknown region: the nearest known name, and
// how to declare a region the table lacks.
func (c *regionChecks) unknownMessage(name, what string) string {
	msg := fmt.Sprintf("unknown region %q", name)
	if what != "" {
		msg = fmt.Sprintf("unknown region %q as %s", name, what)
	}
	declare := fmt.Sprintf("declare it under regions: {name: %s, pairedRegion: ..., hasAvailabilityZones: ...}", name)
	if near := schemas.Nearest(name, c.names); near != "" {
		return msg + fmt.Sprintf("; did you mean %q? If %s is a region the embedded table lacks, %s", near, name, declare)
	}
	return msg + fmt.Sprintf(": not in the embedded region table (plugins/internal/regions/region-pairs.json); if it is a region the table lacks, %s", declare)
}

func (c *regionChecks) fail(ptr, msg string) {
	c.out = append(c.out, c.doc.errAt(ptr, msg))
}

func (c *regionChecks) failKey(ptr, msg string) {
	c.out = append(c.out, c.doc.errAtKey(ptr, msg))
}

// describeRegion names a table region's facts, for a duplicate declaration.
func describeRegion(r regions.Region) string {
	pair := "unpaired"
	if r.PairedRegion != "" {
		pair = "paired with " + r.PairedRegion
	}
	zones := "no availability zones"
	switch {
	case r.HasAvailabilityZones:
		zones = "availability zones"
	case r.ZonesUnknown:
		zones = "availability zones unknown"
	}
	return fmt.Sprintf("%s, %s, %s", r.DisplayName, pair, zones)
}

// checkReleaseMonth refuses a release.date outside release.month, compared
// in UTC as the date is stored: a forecast of December must start in
// December.
func checkReleaseMonth(doc *document, rel *fileRelease) Errors {
	month := rel.Month
	if !monthShape.MatchString(month) || rel.Date == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, rel.Date)
	if err != nil {
		return nil // reported as not RFC 3339
	}
	if got := t.UTC().Format("2006-01"); got != month {
		return Errors{doc.errAt("/release/date", fmt.Sprintf("the release date %s is in %s (UTC), outside release.month %q; give a date in %s, or change the month", t.UTC().Format(time.RFC3339), got, month, month))}
	}
	return nil
}

// DeclaredRegions returns the fleet's declared regions (regions:) as
// region-table entries, for the host to extend the pair graph and the
// default plan with (regions.Table.With, regions.Table.DefaultPlan).
func DeclaredRegions(f simulator.Fleet) []regions.Region {
	if len(f.Regions) == 0 {
		return nil
	}
	out := make([]regions.Region, len(f.Regions))
	for i, r := range f.Regions {
		out[i] = regions.Region{Name: r.Name, PairedRegion: r.PairedRegion, HasAvailabilityZones: r.HasAvailabilityZones}
	}
	return out
}
