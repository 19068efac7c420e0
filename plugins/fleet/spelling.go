package fleet

import (
	"fmt"
	"strings"
)

// spellings holds the first spelling of each subscription and availability
// set the VMs name. Azure compares these names ignoring case, so "AS1" and
// "as1" are one set; the simulator compares them as written, so a fleet
// that spells one name two ways would split a set (or a subscription's
// batches) in two. Such a fleet is refused at the second spelling.
type spellings struct {
	exact  map[spellingKey]bool  // every spelling met: the common case costs one lookup
	folded map[spellingKey]first // the key in lower case -> the first spelling
}

// spellingKey is a subscription (set "") or an availability set of a
// subscription in a region.
type spellingKey struct{ sub, region, set string }

func (k spellingKey) lower() spellingKey {
	return spellingKey{strings.ToLower(k.sub), k.region, strings.ToLower(k.set)}
}

// first is a name's first spelling and the VM that wrote it.
type first struct {
	spelling string
	vm       int
	own      bool // on the VM, not from defaults
}

func newSpellings() *spellings {
	return &spellings{exact: map[spellingKey]bool{}, folded: map[spellingKey]first{}}
}

// checkSpellings notes VM i's subscription and availability set (its own, else the
// defaults'), reporting a name spelled otherwise before.
func (r *reader) checkSpellings(i int, vm *fileVM) {
	d := r.top.Defaults
	if d == nil {
		d = &fileVM{}
	}
	sub, ownSub := vm.Subscription, vm.Subscription != ""
	if !ownSub {
		sub = d.Subscription
	}
	if sub != "" {
		r.spelled(i, "subscription", spellingKey{sub: sub}, sub, ownSub)
	}
	set, ownSet := vm.AvailabilitySet, vm.AvailabilitySet != ""
	if !ownSet {
		set = d.AvailabilitySet
	}
	region := vm.Region
	if region == "" {
		region = d.Region
	}
	if set != "" && sub != "" {
		// A set belongs to a subscription and a region: the same name
		// elsewhere is another set. The subscription's own spelling is
		// judged above.
		r.spelled(i, "availabilitySet", spellingKey{strings.ToLower(sub), region, set}, set, ownSet)
	}
}

func (r *reader) spelled(i int, field string, key spellingKey, spelling string, own bool) {
	s := r.spellings
	if s.exact[key] {
		return
	}
	s.exact[key] = true
	folded := key.lower()
	f, seen := s.folded[folded]
	if !seen {
		s.folded[folded] = first{spelling: spelling, vm: i, own: own}
		return
	}
	ptr := where(i).ptr("/" + field)
	if !own {
		ptr = inDefaults.ptr("/" + field)
	}
	firstAt := where(f.vm).ptr("/" + field)
	if !f.own {
		firstAt = inDefaults.ptr("/" + field)
	}
	r.errs = append(r.errs, r.doc.errAt(ptr, fmt.Sprintf("%s %q is %q of %s (line %d) in another case: Azure's names ignore case, so both name one %s; spell it one way",
		field, spelling, f.spelling, fieldOf(firstAt), r.doc.locate(firstAt).at().Line, noun(field))))
}

func noun(field string) string {
	if field == "availabilitySet" {
		return "availability set"
	}
	return field
}
