package simulatortest

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/patchcheck/patchcheck/plugins/simulator"
)

// randomRegions are the regions RandomFleet draws from: the pairs of
// RegionPairList's first six entries, and two regions with no pair.
var randomRegions = []string{
	"eastus", "westus", "eastus2", "centralus", "northeurope", "westeurope",
	"southeastasia", "eastasia", "westus2", "westcentralus", "japaneast", "japanwest",
	"qatarcentral", "polandcentral",
}

// randomZones are the time zones RandomFleet draws from: DST in both
// hemispheres, a half-hour offset and Chatham's +12:45/+13:45.
var randomZones = []string{
	"UTC", "America/New_York", "Europe/London", "Asia/Kolkata", "Australia/Sydney", "Pacific/Chatham",
}

var randomSubscriptions = []string{"contoso-prod", "contoso-dev", "fabrikam"}

// zonelessRegions are the randomRegions without availability zones: VMs
// there get no zone, as a fleet file there would be refused.
var zonelessRegions = map[string]bool{"westus": true, "westcentralus": true}

// RandomFleet returns a valid request, the same for the same seed: 5–200
// VMs over 2–6 regions (pairs among them), zones, availability sets (UD 0–4)
// and neither, 1–3 subscriptions, assorted time zones, off-peak windows of
// 2–8 hours (some crossing midnight), about 15% weekday power schedules,
// about 10% outages, failure probabilities up to 0.2, about 20% ineligible
// VMs, default settings, and sometimes an explicit phase plan that respects
// the pairs. Trials is 1 and Seed is seed.
func RandomFleet(seed int64) simulator.Request {
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed_f1ee7))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	chance := func(p float64) bool { return rng.Float64() < p }

	// Release: the fixed December 2026 release, or a random month's Patch Tuesday.
	release := decemberRelease
	if chance(0.5) {
		la, err := loadLocation("America/Los_Angeles")
		if err != nil {
			panic(err)
		}
		year, month := 2025+rng.IntN(3), time.Month(1+rng.IntN(12))
		first := time.Date(year, month, 1, 10, 0, 0, 0, la)
		tuesday := 1 + (int(time.Tuesday)-int(first.Weekday())+7)%7 + 7
		release = simulator.Release{
			Month: fmt.Sprintf("%04d-%02d", year, int(month)),
			Date:  time.Date(year, month, tuesday, 10, 0, 0, 0, la),
		}
	}

	nRegions := 2 + rng.IntN(5)
	perm := rng.Perm(len(randomRegions))
	regions := make([]string, nRegions)
	for i := range regions {
		regions[i] = randomRegions[perm[i]]
	}
	subs := randomSubscriptions[:1+rng.IntN(len(randomSubscriptions))]

	// Availability sets: up to two per region, each in one subscription.
	type set struct{ name, sub string }
	sets := map[string][]set{}
	for _, r := range regions {
		for k := range rng.IntN(3) {
			sets[r] = append(sets[r], set{fmt.Sprintf("as-%s-%d", r, k), pick(subs)})
		}
	}

	nVMs := 5 + rng.IntN(196)
	vms := make([]simulator.VM, nVMs)
	for i := range vms {
		region := regions[i%nRegions] // every region gets a VM
		if i >= nRegions {
			region = pick(regions)
		}
		vm := simulator.VM{
			Name:         fmt.Sprintf("vm-%03d", i),
			Subscription: pick(subs),
			Region:       region,
			PatchMode:    "AutomaticByPlatform",
			TimeZone:     pick(randomZones),
		}
		switch u := rng.Float64(); {
		case u < 0.4:
			if z := fmt.Sprint(1 + rng.IntN(3)); !zonelessRegions[region] {
				vm.Zone = z
			}
		case u < 0.7 && len(sets[region]) > 0:
			s := sets[region][rng.IntN(len(sets[region]))]
			vm.AvailabilitySet, vm.Subscription = s.name, s.sub
			vm.UpdateDomain = rng.IntN(5)
		}
		if chance(0.5) {
			vm.OS = "windows"
			vm.EnableAutomaticUpdates = true
			vm.Image = []simulator.Image{
				{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2019-Datacenter"},
				{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2022-datacenter-azure-edition"},
			}[rng.IntN(2)]
		} else {
			vm.OS = "linux"
			vm.AgentVersion = []string{"", "2.2.53.1", "2.9.1.1", "2.10.0.8"}[rng.IntN(4)]
			vm.Image = []simulator.Image{
				{Publisher: "Canonical", Offer: "UbuntuServer", Sku: "18.04-LTS"},
				{Publisher: "canonical", Offer: "0001-com-ubuntu-server-jammy", Sku: "22_04-lts-gen2"},
				{Publisher: "RedHat", Offer: "RHEL", Sku: "7.8"},
				{Publisher: "RedHat", Offer: "RHEL", Sku: "8.6"}, // matched by ImagePatterns
			}[rng.IntN(4)]
		}
		if chance(0.2) {
			switch rng.IntN(5) {
			case 0:
				// "": none set, the request's default for the OS (never
				// AutomaticByPlatform) applies.
				vm.PatchMode = []string{"Manual", "ImageDefault", "AutomaticByOS", ""}[rng.IntN(4)]
			case 1:
				vm.CustomImage = true
			case 2:
				vm.Image = simulator.Image{Publisher: "Debian", Offer: "debian-10", Sku: "10"}
			case 3:
				vm.OS, vm.EnableAutomaticUpdates = "linux", false
				vm.Image = simulator.Image{Publisher: "Canonical", Offer: "UbuntuServer", Sku: "18.04-LTS"}
				vm.AgentVersion = []string{"2.2.49.2", "2.2.45", "2.2.53.0"}[rng.IntN(3)]
			case 4:
				vm.OS = "windows"
				vm.AgentVersion = ""
				vm.Image = simulator.Image{Publisher: "MicrosoftWindowsServer", Offer: "WindowsServer", Sku: "2019-Datacenter"}
				vm.EnableAutomaticUpdates = false
			}
		}
		start := rng.IntN(24*4) * 15
		length := 120 + rng.IntN(6*4+1)*15
		vm.OffPeak = simulator.Window{Start: clock(start), End: clock((start + length) % (24 * 60))}
		if chance(0.15) {
			days := []string{"Mon", "Tue", "Wed", "Thu", "Fri"}
			if chance(0.3) {
				days = append(days, "Sat")
			}
			switch rng.IntN(3) {
			case 0: // office hours
				vm.PowerSchedule = []simulator.PowerWindow{{Days: days, Start: "07:00", End: "19:00"}}
			case 1: // night shift, crossing midnight
				vm.PowerSchedule = []simulator.PowerWindow{{Days: days, Start: "20:00", End: "08:00"}}
			default: // long days, two windows
				vm.PowerSchedule = []simulator.PowerWindow{
					{Days: days, Start: "06:00", End: "12:00"},
					{Days: days, Start: "12:00", End: "23:30"},
				}
			}
		}
		if chance(0.1) {
			loc, err := loadLocation(vm.TimeZone)
			if err != nil {
				panic(err)
			}
			rel := release.Date.In(loc)
			from := time.Date(rel.Year(), rel.Month(), rel.Day()+rng.IntN(16), 0, 0, 0, 0, time.UTC)
			to := from.AddDate(0, 0, rng.IntN(8))
			vm.PowerOff = []simulator.Outage{{From: from.Format("2006-01-02"), To: to.Format("2006-01-02")}}
		}
		vm.InstallMinutes = 30 + rng.IntN(19)*5
		vm.FailureProbability = float64(rng.IntN(21)) / 100
		vms[i] = vm
	}

	fl := simulator.Fleet{Release: release, Settings: DefaultSettings(), VMs: vms}
	if chance(0.3) {
		fl.Phases = randomPlan(rng, regions)
	}
	req := request(fl)
	req.Seed = seed
	req.WindowsNeedsAutoUpdates = chance(0.8)
	return req
}

// randomPlan groups regions into phases, never two paired regions together.
func randomPlan(rng *rand.Rand, regions []string) [][]string {
	pairs := pairGraph(RegionPairs())
	order := append([]string(nil), regions...)
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	var plan [][]string
	for _, r := range order {
		var fits []int
		for i, phase := range plan {
			ok := true
			for _, other := range phase {
				ok = ok && !pairs[r][other]
			}
			if ok {
				fits = append(fits, i)
			}
		}
		if len(fits) == 0 || rng.IntN(len(fits)+1) == 0 {
			plan = append(plan, []string{r})
			continue
		}
		i := fits[rng.IntN(len(fits))]
		plan[i] = append(plan[i], r)
	}
	return plan
}

func clock(mins int) string { return fmt.Sprintf("%02d:%02d", mins/60, mins%60) }
