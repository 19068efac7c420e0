package fleet

import (
	"cmp"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/patchcheck/patchcheck/internal/azexport"
	"github.com/patchcheck/patchcheck/plugins/internal/regions"
	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// Importing a fleet (`patchcheck fleet import`): Azure's own exports (see
// internal/azexport) become a fleet file that simulate runs as it is.
// Several files merge by resource ID; what Azure does not say is assumed,
// and every assumption is said: in the file's comments (YAML), per VM and
// summed up, and on standard error.

// ImportSource is one file of Azure's output.
type ImportSource struct {
	Name string // for messages
	Data []byte
}

// ImportOptions is what Import cannot read from Azure.
type ImportOptions struct {
	// Month is the release month written, "YYYY-MM".
	Month string
	// StoppedStayOff writes a VM deallocated or stopped at export as off
	// for the whole forecast; without it such a VM is written as on.
	StoppedStayOff bool
}

// DefaultUpdateDomainCount is the number of update domains Azure gives an
// availability set unless its template asks for more (up to 20):
// simulator-facts.md §4.1.
const DefaultUpdateDomainCount = 5

// Imported is a fleet read from Azure's exports, ready to write.
type Imported struct {
	month    string
	sources  []string
	read     []string // what each source was
	vms      []importedVM
	regions  []simulator.DeclaredRegion
	notes    []string
	powerOff simulator.Outage // for VMs off at export, with StoppedStayOff
}

// importedVM is one VM of the fleet file, in its terms.
type importedVM struct {
	sortKey   string
	sortIndex int

	name, subscription, region, zone, availabilitySet string
	updateDomain                                      int
	hasUpdateDomain                                   bool
	os                                                string
	image                                             *simulator.Image
	customImage                                       bool
	patchMode                                         string
	enableAutomaticUpdates                            *bool
	agentVersion, timeZone                            string
	off                                               bool // powerOff over the forecast
	comments                                          []string

	resourceGroup string // lower-case, for names that clash
	scaleSet      string // a Uniform scale set's name (its ID's last segment), for its instances and stand-ins
	setKey        string // the availability set's ID, lower-case
	at            at     // where the exports name the VM first
}

// VMCount is the number of VMs imported.
func (im *Imported) VMCount() int { return len(im.vms) }

// maxImportErrors caps the problems listed: the first ones say what is
// wrong, a thousand more of the same only bury them.
const maxImportErrors = 50

// Import reads every source, merges what they say of each resource, and
// turns VMs and scale sets into a fleet. A source that cannot be read, a
// resource without what a fleet needs (its ID, location, OS), a value the
// fleet cannot hold, and two sources that disagree on a value are errors,
// each at its file:line:column.
func Import(sources []ImportSource, opts ImportOptions) (*Imported, error) {
	if !monthShape.MatchString(opts.Month) {
		return nil, fmt.Errorf("release month %q: expected YYYY-MM, e.g. 2026-12", opts.Month)
	}
	tab, err := regionTable()
	if err != nil {
		return nil, fmt.Errorf("region table: %w", err)
	}
	im := &Imported{month: opts.Month}
	m := &merger{byKey: map[string]*entry{}}
	var paged []string // files with a continuation
	lastPage := false  // a paged kind of file without one
	for _, src := range sources {
		im.sources = append(im.sources, src.Name)
		counts := map[string]int{}
		doc, err := azexport.Scan(src.Name, src.Data, func(doc *azexport.Document, r *azexport.Resource) error {
			m.add(doc, r, counts)
			return nil
		})
		if err != nil {
			m.errs = append(m.errs, err)
			continue
		}
		im.read = append(im.read, describeRead(doc, counts))
		switch {
		case doc.NextPage != "":
			paged = append(paged, src.Name)
		case doc.Kind == azexport.KindResourceGraph || doc.Kind == azexport.KindRESTList:
			lastPage = true
		}
	}
	if len(paged) > 0 {
		// Pages are not numbered: what can be told is whether a last page
		// is among the inputs.
		msg := fmt.Sprintf("%s with a continuation (skip token or next link), each one page of several: %s; the fleet holds the pages given", plural(len(paged), "input"), someNames(paged))
		if !lastPage {
			msg += ", and none of the inputs is a last page, so the VMs of the pages after them are missing: give every page as its own file"
		}
		im.notes = append(im.notes, msg)
	}
	if len(m.errs) == 0 {
		b := &builder{im: im, tab: tab, m: m, opts: opts}
		b.build()
	}
	if len(m.errs) > 0 {
		return nil, joinCapped(m.errs)
	}
	if len(im.vms) == 0 {
		return nil, fmt.Errorf("no virtual machines in %s: expected az vm list, Resource Graph or REST output that lists VMs or scale sets", strings.Join(im.sources, ", "))
	}
	return im, nil
}

func joinCapped(errs []error) error {
	if len(errs) > maxImportErrors {
		more := len(errs) - maxImportErrors
		errs = append(errs[:maxImportErrors:maxImportErrors], fmt.Errorf("… and %d more problems", more))
	}
	return errors.Join(errs...)
}

// at is a place in a source.
type at struct {
	doc *azexport.Document
	off int
}

func (a at) String() string { return a.doc.Where(a.off) }

// Merged values: the first source to give one wins, and a later source
// giving another is a conflict.
type mstr struct {
	v   string
	set bool
	at  at
}

type mint struct {
	v   int
	set bool
	at  at
}

type mbool struct {
	v, set bool
	at     at
}

// entry is one resource, merged from every source that names it.
type entry struct {
	key   string // lower-case ID
	typ   string
	first at
	order int

	id, name, location, subscriptionID, zones, availabilitySet, scaleSet, orchestrationMode mstr
	capacity, updateDomainCount, updateDomain                                               mint
	os, osDiskType, patchMode, timeZone, powerState, agentVersion                           mstr
	enableAutomaticUpdates                                                                  mbool
	publisher, offer, sku, customImage                                                      mstr
}

// label names the resource in messages.
func (e *entry) label() string {
	if e.name.set {
		return fmt.Sprintf("%q (%s)", e.name.v, e.id.v)
	}
	return e.id.v
}

type merger struct {
	byKey   map[string]*entry
	entries []*entry
	skipped map[string]int // resources of other types, by type
	errs    []error
}

// imported reports whether fleet import reads resources of type typ.
func imported(typ string) bool {
	switch typ {
	case azexport.TypeVM, azexport.TypeScaleSet, azexport.TypeScaleSetVM, azexport.TypeAvailabilitySet:
		return true
	}
	return false
}

// add merges resource r of doc, counting it by type in counts.
func (m *merger) add(doc *azexport.Document, r *azexport.Resource, counts map[string]int) {
	if r.Type.V == "" {
		m.errs = append(m.errs, doc.Errorf(r.Off, "a resource with neither a type nor an id: fleet import needs the id of every VM (keep id, type and properties in a Resource Graph query's project)"))
		return
	}
	if !imported(r.Type.V) {
		if m.skipped == nil {
			m.skipped = map[string]int{}
		}
		m.skipped[r.Type.V]++
		return
	}
	if r.ID.V == "" {
		m.errs = append(m.errs, doc.Errorf(r.Off, "a %s without an id: fleet import needs it for the subscription and to merge inputs (keep id in a Resource Graph query's project)", r.Type.V))
		return
	}
	id, ok := azexport.ParseID(r.ID.V)
	if !ok {
		m.errs = append(m.errs, doc.Errorf(r.ID.Off, "id %q is not an Azure resource ID /subscriptions/…/resourceGroups/…/providers/…", r.ID.V))
		return
	}
	if id.Type != r.Type.V {
		m.errs = append(m.errs, doc.Errorf(r.Type.Off, "type %q, but the id names a %s", r.Type.V, id.Type))
		return
	}
	counts[r.Type.V]++
	m.merge(doc, r)
}

// describeRead says what a file was and held.
func describeRead(doc *azexport.Document, counts map[string]int) string {
	var parts []string
	for _, t := range []struct{ typ, one string }{{azexport.TypeVM, "VM"}, {azexport.TypeScaleSetVM, "scale-set instance"},
		{azexport.TypeScaleSet, "scale set"}, {azexport.TypeAvailabilitySet, "availability set"}} {
		if n := counts[t.typ]; n > 0 {
			parts = append(parts, plural(n, t.one))
		}
	}
	if len(parts) == 0 {
		parts = []string{"no VMs"}
	}
	return fmt.Sprintf("%s: %s, %s", doc.Name, doc.Kind, strings.Join(parts, ", "))
}

// merge adds what r says of its resource.
func (m *merger) merge(doc *azexport.Document, r *azexport.Resource) {
	key := strings.ToLower(r.ID.V)
	e := m.byKey[key]
	if e == nil {
		e = &entry{key: key, typ: r.Type.V, first: at{doc, r.Off}, order: len(m.entries)}
		m.byKey[key] = e
		m.entries = append(m.entries, e)
	}
	str := func(f *mstr, what string, v azexport.Str) {
		if v.V == "" {
			return
		}
		if !f.set {
			*f = mstr{v.V, true, at{doc, v.Off}}
			return
		}
		if !strings.EqualFold(f.v, v.V) {
			m.conflict(doc, v.Off, e, what, strconv.Quote(v.V), strconv.Quote(f.v), f.at)
		}
	}
	num := func(f *mint, what string, v azexport.Int) {
		if !v.Set {
			return
		}
		if !f.set {
			*f = mint{v.V, true, at{doc, v.Off}}
			return
		}
		if f.v != v.V {
			m.conflict(doc, v.Off, e, what, strconv.Itoa(v.V), strconv.Itoa(f.v), f.at)
		}
	}
	str(&e.id, "id", r.ID)
	str(&e.name, "name", r.Name)
	str(&e.location, "location", r.Location)
	str(&e.subscriptionID, "subscriptionId", r.SubscriptionID)
	if len(r.Zones.V) > 0 {
		zones := slices.Clone(r.Zones.V)
		slices.Sort(zones)
		str(&e.zones, "zones", azexport.Str{V: strings.Join(zones, ","), Off: r.Zones.Off})
	}
	str(&e.availabilitySet, "availabilitySet.id", r.AvailabilitySet)
	str(&e.scaleSet, "virtualMachineScaleSet.id", r.ScaleSet)
	str(&e.orchestrationMode, "orchestrationMode", r.OrchestrationMode)
	num(&e.capacity, "sku.capacity", r.Capacity)
	num(&e.updateDomainCount, "platformUpdateDomainCount", r.UpdateDomainCount)
	num(&e.updateDomain, "instanceView.platformUpdateDomain", r.UpdateDomain)
	str(&e.os, "the OS configuration", r.OS)
	str(&e.osDiskType, "storageProfile.osDisk.osType", r.OSDiskType)
	str(&e.patchMode, "patchSettings.patchMode", r.PatchMode)
	str(&e.timeZone, "windowsConfiguration.timeZone", r.TimeZone)
	str(&e.powerState, "the power state", r.PowerState)
	str(&e.agentVersion, "instanceView.vmAgent.vmAgentVersion", r.AgentVersion)
	if v := r.EnableAutomaticUpdates; v.Set {
		if f := &e.enableAutomaticUpdates; !f.set {
			*f = mbool{v.V, true, at{doc, v.Off}}
		} else if f.v != v.V {
			m.conflict(doc, v.Off, e, "enableAutomaticUpdates", strconv.FormatBool(v.V), strconv.FormatBool(f.v), f.at)
		}
	}
	img := r.Image
	str(&e.publisher, "imageReference.publisher", img.Publisher)
	str(&e.offer, "imageReference.offer", img.Offer)
	str(&e.sku, "imageReference.sku", img.Sku)
	str(&e.customImage, "the custom image", cmp.Or(img.ID, img.SharedGallery, img.CommunityGallery))
}

func (m *merger) conflict(doc *azexport.Document, off int, e *entry, what, here, there string, first at) {
	m.errs = append(m.errs, doc.Errorf(off, "%s of %s is %s here but %s at %s: the inputs disagree, and fleet import does not guess which is current; export them again at one time, or leave one out",
		what, e.label(), here, there, first))
}

// builder turns the merged resources into the fleet's VMs.
type builder struct {
	im   *Imported
	tab  *regions.Table
	m    *merger
	opts ImportOptions

	setCounts map[string]int    // availability set ID -> update domains, from the exports
	regionOf  map[string]string // location -> region, worked out once a location

	// assumptions, each summed up in one note
	linux, noPower, offNow, udAssumed, badAgent, badTimeZone, renamedSets, droppedZones, noImage, flexible []string
}

func (b *builder) fail(a at, format string, args ...any) {
	b.m.errs = append(b.m.errs, a.doc.Errorf(a.off, format, args...))
}

func (b *builder) build() {
	im, m := b.im, b.m
	// In the order of their IDs, so that the file and its notes do not
	// depend on the order of the inputs.
	slices.SortFunc(m.entries, func(x, y *entry) int { return strings.Compare(x.key, y.key) })
	b.setCounts, b.regionOf = map[string]int{}, map[string]string{}
	instances := map[string][]*entry{} // scale-set ID -> its instances
	for _, e := range m.entries {
		switch e.typ {
		case azexport.TypeAvailabilitySet:
			if e.updateDomainCount.set {
				b.setCounts[e.key] = e.updateDomainCount.v
			}
		case azexport.TypeScaleSetVM:
			id, _ := azexport.ParseID(e.id.v)
			instances[strings.ToLower(id.Parent)] = append(instances[strings.ToLower(id.Parent)], e)
		}
	}
	var uniform []string
	for _, e := range m.entries {
		switch e.typ {
		case azexport.TypeVM:
			b.add(e, e.key, 0, false)
		case azexport.TypeScaleSetVM:
			id, _ := azexport.ParseID(e.id.v)
			parent := m.byKey[strings.ToLower(id.Parent)]
			if parent != nil {
				fillFromSet(e, parent)
			}
			n, _ := strconv.Atoi(id.Name)
			if vm := b.add(e, strings.ToLower(id.Parent), n, false); vm != nil {
				vm.scaleSet = lastSegment(id.Parent)
			}
		case azexport.TypeScaleSet:
			name := cmp.Or(e.name.v, lastSegment(e.id.v))
			switch {
			case strings.EqualFold(e.orchestrationMode.v, "Flexible"):
				b.flexible = append(b.flexible, name)
			case len(instances[e.key]) > 0:
				uniform = append(uniform, fmt.Sprintf("%s: its %s from the instance list", name, plural(len(instances[e.key]), "instance")))
			default:
				uniform = append(uniform, b.standIns(e, name))
			}
		}
	}
	if len(m.errs) > 0 {
		return
	}
	b.uniqueNames()
	b.uniqueSets()
	b.updateDomains()
	b.regions()
	slices.SortStableFunc(im.vms, func(x, y importedVM) int {
		return cmp.Or(strings.Compare(x.sortKey, y.sortKey), cmp.Compare(x.sortIndex, y.sortIndex))
	})
	b.powerOffDates()
	b.summarise(uniform)
}

// standIns writes a Uniform scale set given without its instances as
// capacity VMs named like Azure's instances (set_0, set_1, …), spread over
// the set's zones in turn: the set's size counts in the forecast, and each
// stand-in has the set's settings.
func (b *builder) standIns(set *entry, name string) string {
	n := 1
	what := "capacity unknown (no sku.capacity): one stand-in VM"
	if set.capacity.set {
		n = set.capacity.v
		what = fmt.Sprintf("%s from its capacity (sku.capacity)", plural(n, "stand-in VM"))
	}
	if n < 0 || n > 1000 {
		// Azure caps a Uniform set at 1,000 instances.
		b.fail(set.capacity.at, "scale set %s: capacity %d, expected 0 to 1000", set.label(), n)
		return ""
	}
	zones := splitZones(set.zones.v)
	for i := range n {
		e := *set
		e.typ = azexport.TypeScaleSetVM
		e.name = mstr{v: fmt.Sprintf("%s_%d", name, i), set: true, at: set.first}
		if len(zones) > 0 {
			e.zones = mstr{v: zones[i%len(zones)], set: true, at: set.zones.at}
		}
		if vm := b.add(&e, set.key, i, true); vm != nil {
			vm.scaleSet = lastSegment(set.id.v)
			vm.comments = append(vm.comments, "stand-in for an instance of Uniform scale set "+name+" (no instance list given)")
		}
	}
	switch {
	case n == 1:
		what += " " + name + "_0"
	case n > 1:
		what += fmt.Sprintf(" %s_0…%s_%d", name, name, n-1)
	}
	return name + ": " + what
}

// fillFromSet gives an instance what its scale set's model says and the
// instance's own listing leaves out.
func fillFromSet(e, set *entry) {
	for _, f := range []struct{ dst, src *mstr }{
		{&e.location, &set.location}, {&e.os, &set.os}, {&e.osDiskType, &set.osDiskType}, {&e.patchMode, &set.patchMode},
		{&e.timeZone, &set.timeZone}, {&e.publisher, &set.publisher}, {&e.offer, &set.offer}, {&e.sku, &set.sku},
		{&e.customImage, &set.customImage},
	} {
		if !f.dst.set {
			*f.dst = *f.src
		}
	}
	if !e.enableAutomaticUpdates.set {
		e.enableAutomaticUpdates = set.enableAutomaticUpdates
	}
	if !e.zones.set && len(splitZones(set.zones.v)) == 1 {
		e.zones = set.zones
	}
}

func splitZones(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func lastSegment(id string) string { return id[strings.LastIndexByte(id, '/')+1:] }

// add turns one VM (or scale-set instance, or a stand-in for one) into the
// fleet's terms, and returns it; nil when it cannot be.
func (b *builder) add(e *entry, sortKey string, sortIndex int, standIn bool) *importedVM {
	id, _ := azexport.ParseID(e.id.v)
	vm := importedVM{sortKey: sortKey, sortIndex: sortIndex, name: cmp.Or(e.name.v, id.Name),
		subscription: strings.ToLower(id.Subscription), resourceGroup: strings.ToLower(id.ResourceGroup), at: e.first}
	where := e.first

	if !e.location.set {
		b.fail(where, "%s has no location: fleet import needs the region of every VM", e.label())
		return nil
	}
	region, ok := b.regionOf[e.location.v]
	if !ok {
		region = programmaticRegion(b.tab, e.location.v)
		b.regionOf[e.location.v] = region
	}
	vm.region = region
	if !regionShape.MatchString(vm.region) {
		b.fail(e.location.at, "location %q is not a region name such as westeurope", e.location.v)
		return nil
	}
	switch zones := splitZones(e.zones.v); {
	case len(zones) > 1:
		b.fail(e.zones.at, "%s is in %d zones (%s): a VM is in one", e.label(), len(zones), e.zones.v)
		return nil
	case len(zones) == 1 && (zones[0] == "1" || zones[0] == "2" || zones[0] == "3"):
		vm.zone = zones[0]
	case len(zones) == 1:
		b.droppedZones = append(b.droppedZones, fmt.Sprintf("%s (zone %q)", vm.name, zones[0]))
		vm.comments = append(vm.comments, fmt.Sprintf("zone %q is not 1, 2 or 3: left out", zones[0]))
	}
	if e.availabilitySet.set {
		if vm.zone != "" {
			b.fail(e.availabilitySet.at, "%s is in zone %s and in an availability set: a VM is in one or the other", e.label(), vm.zone)
			return nil
		}
		vm.availabilitySet = strings.ToLower(lastSegment(e.availabilitySet.v))
		vm.setKey = strings.ToLower(e.availabilitySet.v)
		if e.updateDomain.set {
			if e.updateDomain.v < 0 || e.updateDomain.v > 19 {
				b.fail(e.updateDomain.at, "update domain %d, expected 0 to 19", e.updateDomain.v)
				return nil
			}
			vm.updateDomain, vm.hasUpdateDomain = e.updateDomain.v, true
		}
	}

	switch {
	case e.os.set:
		vm.os = e.os.v
	case strings.EqualFold(e.osDiskType.v, "windows"), strings.EqualFold(e.osDiskType.v, "linux"):
		vm.os = strings.ToLower(e.osDiskType.v)
	case e.osDiskType.set:
		b.fail(e.osDiskType.at, "osType %q: expected Windows or Linux", e.osDiskType.v)
		return nil
	default:
		b.fail(where, "cannot tell the OS of %s: neither osProfile.windowsConfiguration/linuxConfiguration nor storageProfile.osDisk.osType is given (keep properties in a Resource Graph query's project)", e.label())
		return nil
	}

	if e.patchMode.set {
		i := slices.IndexFunc(patchModes, func(m string) bool { return strings.EqualFold(m, e.patchMode.v) })
		if i < 0 {
			b.fail(e.patchMode.at, "patchMode %q: expected one of %s", e.patchMode.v, strings.Join(patchModes, ", "))
			return nil
		}
		vm.patchMode = patchModes[i]
	}
	if vm.os == "windows" && e.enableAutomaticUpdates.set {
		v := e.enableAutomaticUpdates.v
		vm.enableAutomaticUpdates = &v
	}
	switch {
	case e.customImage.set:
		vm.customImage = true
	case e.publisher.set && e.offer.set && e.sku.set:
		vm.image = &simulator.Image{Publisher: e.publisher.v, Offer: e.offer.v, Sku: e.sku.v}
	default:
		b.noImage = append(b.noImage, vm.name)
		vm.comments = append(vm.comments, "no image in the exports (a VM created from a disk?): neither image nor customImage written")
	}
	if e.agentVersion.set {
		if agentVersionShape.MatchString(e.agentVersion.v) {
			vm.agentVersion = e.agentVersion.v
		} else {
			b.badAgent = append(b.badAgent, vm.name)
			vm.comments = append(vm.comments, fmt.Sprintf("agent version %q is not a version number: left out", e.agentVersion.v))
		}
	}
	if vm.os == "linux" {
		b.linux = append(b.linux, vm.name)
	}
	if e.timeZone.set {
		if _, err := IANAZone(e.timeZone.v); err == nil {
			vm.timeZone = e.timeZone.v
		} else {
			b.badTimeZone = append(b.badTimeZone, fmt.Sprintf("%s (%q)", vm.name, e.timeZone.v))
			vm.comments = append(vm.comments, fmt.Sprintf("time zone %q is not in CLDR's Windows table: left out, so UTC", e.timeZone.v))
		}
	}
	switch e.powerState.v {
	case "":
		if !standIn {
			b.noPower = append(b.noPower, vm.name)
		}
	case "deallocated", "deallocating", "stopped", "stopping":
		b.offNow = append(b.offNow, vm.name)
		if b.opts.StoppedStayOff {
			vm.off = true
			vm.comments = append(vm.comments, e.powerState.v+" at export: off for the forecast (--stopped-stay-off)")
		} else {
			vm.comments = append(vm.comments, e.powerState.v+" at export: written as on (--stopped-stay-off keeps it off)")
		}
	}
	b.im.vms = append(b.im.vms, vm)
	return &b.im.vms[len(b.im.vms)-1]
}

// uniqueNames qualifies names that clash (Azure's VM names are unique
// only within a resource group; the fleet's across the file): every VM of
// such a name becomes resourceGroup/name, and subscription/resourceGroup/name
// where that still clashes. A VM and a scale set's instance (or stand-in)
// can still share that, as a VM web_0 and the first instance of a set web
// in one resource group do: the instance becomes
// subscription/resourceGroup/set/name. A name that clashes even so (two
// resources of one name and resource group in the exports) is an error,
// since simulate would refuse the file.
func (b *builder) uniqueNames() {
	vms := b.im.vms
	count := func(name func(*importedVM) string) map[string]int {
		n := map[string]int{}
		for i := range vms {
			n[strings.ToLower(name(&vms[i]))]++
		}
		return n
	}
	plain := count(func(v *importedVM) string { return v.name })
	withGroup := func(v *importedVM) string { return v.resourceGroup + "/" + v.name }
	withSub := func(v *importedVM) string { return v.subscription + "/" + withGroup(v) }
	grouped, full := count(withGroup), count(withSub)
	var renamed []string
	longer := false
	for i := range vms {
		v := &vms[i]
		if plain[strings.ToLower(v.name)] < 2 {
			continue
		}
		old := v.name
		switch {
		case grouped[strings.ToLower(withGroup(v))] < 2:
			v.name = withGroup(v)
		case full[strings.ToLower(withSub(v))] < 2 || v.scaleSet == "":
			v.name, longer = withSub(v), true
		default:
			v.name, longer = v.subscription+"/"+v.resourceGroup+"/"+v.scaleSet+"/"+v.name, true
		}
		renamed = append(renamed, v.name)
		v.comments = append(v.comments, fmt.Sprintf("named %s: another VM is named %s too", v.name, old))
	}
	if len(renamed) > 0 {
		as := "resourceGroup/name"
		if longer {
			as += " (subscription/resourceGroup/name, or subscription/resourceGroup/scaleSet/name for a scale set's instance, where that still clashes)"
		}
		b.im.notes = append(b.im.notes, fmt.Sprintf("%s share a name with another VM (names are unique only within a resource group): written as %s: %s", plural(len(renamed), "VM"), as, someNames(renamed)))
	}
	first := map[string]*importedVM{}
	for i := range vms {
		v := &vms[i]
		k := strings.ToLower(v.name)
		if o := first[k]; o != nil {
			b.fail(v.at, "two VMs would be named %s in the fleet (this one and the one at %s): the exports give two resources of that name in one resource group", v.name, o.at)
			continue
		}
		first[k] = v
	}
}

// uniqueSets qualifies availability-set names that clash within a
// subscription (the simulator knows a set by subscription, region and
// name) with the resource group, as names are.
func (b *builder) uniqueSets() {
	ids := map[string]map[string]bool{} // subscription/name -> set IDs
	for _, v := range b.im.vms {
		if v.setKey == "" {
			continue
		}
		k := v.subscription + "/" + v.availabilitySet
		if ids[k] == nil {
			ids[k] = map[string]bool{}
		}
		ids[k][v.setKey] = true
	}
	for i := range b.im.vms {
		v := &b.im.vms[i]
		if v.setKey != "" && len(ids[v.subscription+"/"+v.availabilitySet]) > 1 {
			v.availabilitySet = v.resourceGroup + "/" + v.availabilitySet
			if !slices.Contains(b.renamedSets, v.availabilitySet) {
				b.renamedSets = append(b.renamedSets, v.availabilitySet)
			}
		}
	}
}

// updateDomains places the VMs of availability sets whose update domain no
// instance view gave: in the order of a stable hash of their names, each
// to the set's least used update domain (the lowest of equals), so a set's
// VMs spread evenly, as Azure spreads them, and the same export always
// gives the same domains. The set's count is its platformUpdateDomainCount
// when the exports list the set, else Azure's default, 5.
func (b *builder) updateDomains() {
	type member struct {
		vm   *importedVM
		hash uint64
	}
	sets := map[string][]member{}
	var keys []string
	for i := range b.im.vms {
		v := &b.im.vms[i]
		if v.setKey == "" {
			continue
		}
		if _, ok := sets[v.setKey]; !ok {
			keys = append(keys, v.setKey)
		}
		h := fnv.New64a()
		h.Write([]byte(strings.ToLower(v.name)))
		sets[v.setKey] = append(sets[v.setKey], member{v, h.Sum64()})
	}
	slices.Sort(keys)
	defaultCount := false
	for _, k := range keys {
		members := sets[k]
		n, known := b.setCounts[k]
		if !known || n < 1 || n > 20 {
			n = DefaultUpdateDomainCount
		}
		used := make([]int, max(n, 20))
		var unknown []member
		for _, m := range members {
			if m.vm.hasUpdateDomain {
				used[m.vm.updateDomain]++
			} else {
				unknown = append(unknown, m)
			}
		}
		slices.SortFunc(unknown, func(x, y member) int {
			return cmp.Or(cmp.Compare(x.hash, y.hash), strings.Compare(x.vm.name, y.vm.name))
		})
		for _, m := range unknown {
			ud := 0
			for d := 1; d < n; d++ {
				if used[d] < used[ud] {
					ud = d
				}
			}
			used[ud]++
			m.vm.updateDomain, m.vm.hasUpdateDomain = ud, true
			src := "Azure's default count"
			if known {
				src = "the set's platformUpdateDomainCount"
			} else {
				defaultCount = true
			}
			m.vm.comments = append(m.vm.comments, fmt.Sprintf("updateDomain %d assumed (no instance view): spread over %d update domains, %s", ud, n, src))
			b.udAssumed = append(b.udAssumed, m.vm.name)
		}
	}
	if len(b.udAssumed) > 0 {
		count := "its platformUpdateDomainCount where the export lists the set"
		if defaultCount {
			count = fmt.Sprintf("%d, Azure's default count, where the export does not list the set", DefaultUpdateDomainCount)
		}
		b.im.notes = append(b.im.notes, fmt.Sprintf("%s in availability sets without an instance view: update domain assumed, spread evenly over the set's update domains (%s) in the order of a hash of the VM name; az vm get-instance-view output gives the real ones: %s",
			plural(len(b.udAssumed), "VM"), count, someNames(b.udAssumed)))
	}
}

// regions declares the regions the embedded table lacks (unpaired, with
// zones when a VM there has one) and leaves out zones in table regions
// without availability zones, so that simulate runs the file as it is.
func (b *builder) regions() {
	declared := map[string]int{}
	for i := range b.im.vms {
		v := &b.im.vms[i]
		r, known := b.tab.Lookup(v.region)
		switch {
		case !known:
			k, ok := declared[v.region]
			if !ok {
				k = len(b.im.regions)
				declared[v.region] = k
				b.im.regions = append(b.im.regions, simulator.DeclaredRegion{Name: v.region})
			}
			if v.zone != "" {
				b.im.regions[k].HasAvailabilityZones = true
			}
		case v.zone != "" && r.RefusesZones():
			b.droppedZones = append(b.droppedZones, fmt.Sprintf("%s (zone %s in %s)", v.name, v.zone, v.region))
			v.comments = append(v.comments, fmt.Sprintf("zone %s left out: region %s has no availability zones in the embedded region table", v.zone, v.region))
			v.zone = ""
		}
	}
	for _, r := range b.im.regions {
		zones := ""
		if r.HasAvailabilityZones {
			zones = ", with availability zones"
		}
		b.im.notes = append(b.im.notes, fmt.Sprintf("region %s is not in the embedded region table: declared under regions, unpaired%s; give its pairedRegion if it has one", r.Name, zones))
	}
}

// powerOffDates is the outage written for VMs off at export: from the
// first day of the release month to the day after the deadline (the
// release plus the default deadlineDays), so it covers the whole forecast
// in any time zone.
func (b *builder) powerOffDates() {
	m, _ := time.Parse("2006-01", b.im.month)
	release := SecondTuesday(m.Year(), m.Month())
	end := release.AddDate(0, 0, DefaultDeadlineDays+1)
	b.im.powerOff = simulator.Outage{From: m.Format("2006-01-02"), To: end.Format("2006-01-02")}
}

// summarise writes the notes of the assumptions made.
func (b *builder) summarise(uniform []string) {
	im := b.im
	if len(b.linux) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s: Azure's model gives no time zone for Linux, so they run in UTC (defaults.timeZone)", plural(len(b.linux), "Linux VM")))
	}
	if len(b.badTimeZone) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s with a Windows time zone not in CLDR's table: written without, so UTC: %s", plural(len(b.badTimeZone), "VM"), someNames(b.badTimeZone)))
	}
	if len(b.offNow) > 0 {
		if b.opts.StoppedStayOff {
			im.notes = append(im.notes, fmt.Sprintf("%s deallocated or stopped at export: off from %s to %s, the whole forecast (--stopped-stay-off): %s",
				plural(len(b.offNow), "VM"), im.powerOff.From, im.powerOff.To, someNames(b.offNow)))
		} else {
			im.notes = append(im.notes, fmt.Sprintf("%s deallocated or stopped at export: written as on for the whole forecast; --stopped-stay-off keeps them off: %s",
				plural(len(b.offNow), "VM"), someNames(b.offNow)))
		}
	}
	if len(b.noPower) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s with no power state in the exports (az vm list gives it with --show-details): written as on: %s", plural(len(b.noPower), "VM"), someNames(b.noPower)))
	}
	if len(b.badAgent) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s with an agent version that is not a version number (\"Unknown\" while the agent does not report): left out: %s", plural(len(b.badAgent), "VM"), someNames(b.badAgent)))
	}
	if len(b.noImage) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s with no image reference (created from a disk, or not in the export): written without an image, which simulate counts as unsupported: %s", plural(len(b.noImage), "VM"), someNames(b.noImage)))
	}
	if len(b.droppedZones) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s with a zone the fleet cannot hold, left out: %s", plural(len(b.droppedZones), "VM"), someNames(b.droppedZones)))
	}
	if len(b.renamedSets) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("availability sets of one name in several resource groups of a subscription: written as resourceGroup/name: %s", someNames(b.renamedSets)))
	}
	for _, u := range uniform {
		if u != "" {
			im.notes = append(im.notes, "Uniform scale set "+u+"; its instances are VMs outside availability sets")
		}
	}
	if len(b.flexible) > 0 {
		im.notes = append(im.notes, fmt.Sprintf("%s with Flexible orchestration not written as such: their VMs are listed as VMs (az vm list), and imported with them: %s", plural(len(b.flexible), "scale set"), someNames(b.flexible)))
	}
	if n := len(b.m.skipped); n > 0 {
		var parts []string
		for t, c := range b.m.skipped {
			parts = append(parts, fmt.Sprintf("%d %s", c, t))
		}
		slices.Sort(parts)
		im.notes = append(im.notes, "skipped resources that are neither VMs nor scale sets: "+strings.Join(parts, ", "))
	}
	if len(im.vms) > largeYAML {
		im.notes = append(im.notes, fmt.Sprintf("%d VMs: --format json loads much faster in simulate than YAML (docs/fleet.md)", len(im.vms)))
	}
}

// largeYAML is the fleet size above which JSON is the format to write
// (docs/fleet.md: "JSON is the format for fleets above ~20,000 VMs").
const largeYAML = 20000

func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + one + "s"
}

// someNames lists the first few names, enough to find the rest in the
// file's comments.
func someNames(names []string) string {
	const shown = 5
	if len(names) <= shown {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:shown], ", "), len(names)-shown)
}
