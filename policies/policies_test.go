package policies_test

import (
	"encoding/json"
	"io/fs"
	"path"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/patchcheck/patchcheck/policies"
)

// TestEveryRuleHasTests: each rule package directory holds its Rego tests.
func TestEveryRuleHasTests(t *testing.T) {
	dirs, err := fs.ReadDir(policies.FS(), "rules")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 10 {
		t.Fatalf("only %d rule directories embedded", len(dirs))
	}
	for _, d := range dirs {
		tests, _ := fs.Glob(policies.FS(), path.Join("rules", d.Name(), "*_test.rego"))
		if len(tests) == 0 {
			t.Errorf("rules/%s has no *_test.rego", d.Name())
		}
	}
}

// TestProfilesHaveTheSameShape: rules read the same keys whatever the
// profile, so every profile must provide all of them.
func TestProfilesHaveTheSameShape(t *testing.T) {
	keys := map[string][]string{}
	for _, name := range []string{"2021-02", "current"} {
		data, err := fs.ReadFile(policies.FS(), "profiles/"+name+".json")
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		if p["name"] != name {
			t.Errorf("profiles/%s.json names itself %v", name, p["name"])
		}
		var k []string
		for key := range p {
			if !strings.HasSuffix(key, "Note") {
				k = append(k, key)
			}
		}
		sort.Strings(k)
		keys[name] = k
		images := p["supportedImages"].(map[string]any)["exact"].(map[string]any)
		for key, v := range images {
			img := v.(map[string]any)
			want := strings.ToLower(img["publisher"].(string) + ":" + img["offer"].(string) + ":" + img["sku"].(string))
			if key != want {
				t.Errorf("%s: image key %q should be %q", name, key, want)
			}
		}
	}
	if !reflect.DeepEqual(keys["2021-02"], keys["current"]) {
		t.Errorf("profiles differ in keys: %v vs %v", keys["2021-02"], keys["current"])
	}
}

// TestSeedImageCounts pins the data to the sources: 7 rows in the seed (RHEL
// 7.x as one pattern), 163 rows (155 distinct keys) in the 2024-07 doc.
func TestSeedImageCounts(t *testing.T) {
	count := func(name string) (exact, patterns int) {
		data, _ := fs.ReadFile(policies.FS(), "profiles/"+name+".json")
		var p struct {
			SupportedImages struct {
				Exact       map[string]any `json:"exact"`
				SkuPatterns []any          `json:"skuPatterns"`
			} `json:"supportedImages"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		return len(p.SupportedImages.Exact), len(p.SupportedImages.SkuPatterns)
	}
	if e, p := count("2021-02"); e != 6 || p != 1 {
		t.Errorf("2021-02: %d exact + %d patterns, want 6 + 1", e, p)
	}
	if e, p := count("current"); e != 155 || p != 0 {
		t.Errorf("current: %d exact + %d patterns, want 155 + 0", e, p)
	}
}

func TestLoadProfile(t *testing.T) {
	seed, err := policies.LoadProfile("2021-02")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := policies.LoadProfile("current")
	if err != nil {
		t.Fatal(err)
	}
	if !seed.WindowsPlatformNeedsAutoUpdates() || cur.WindowsPlatformNeedsAutoUpdates() {
		t.Error("2021-02 requires enableAutomaticUpdates with AutomaticByPlatform; current does not")
	}
	if len(seed.ImageKeys()) != 6 || len(seed.SupportedImages.SkuPatterns) != 1 || len(cur.ImageKeys()) != 155 {
		t.Errorf("image counts %d+%d, %d", len(seed.ImageKeys()), len(seed.SupportedImages.SkuPatterns), len(cur.ImageKeys()))
	}
	if seed.AvailabilitySetCap || !cur.AvailabilitySetCap {
		t.Error("the 20% availability-set cap is a fact of the 2024 doc: current has it, 2021-02 does not")
	}
	if _, err := policies.LoadProfile("nope"); err == nil {
		t.Error("want an error for an unknown profile")
	}
}
