package model

import (
	"reflect"
	"testing"
)

func TestSetMarketplace(t *testing.T) {
	known := func(v string) Fact { return Fact{State: Literal, Value: v} }
	for _, tc := range []struct {
		img  Image
		want string
	}{
		{Image{Publisher: known("Canonical"), Offer: known("UbuntuServer"), Sku: known("18.04-LTS")}, "canonical:ubuntuserver:18.04-lts"},
		{Image{Publisher: known("Canonical"), Offer: known("UbuntuServer"), Sku: Fact{State: Absent}}, ""},
	} {
		img := tc.img
		img.SetMarketplace()
		if img.Kind != ImageMarketplace || img.Key != tc.want {
			t.Errorf("%+v: kind %q, key %q; want marketplace, %q", tc.img, img.Kind, img.Key, tc.want)
		}
	}
}

func TestUniqueRelated(t *testing.T) {
	a, b := Related{Position: Position{File: "a", Line: 1}}, Related{Position: Position{File: "b", Line: 2}}
	if got := UniqueRelated([]Related{a, b, a, b, a}); !reflect.DeepEqual(got, []Related{a, b}) {
		t.Errorf("UniqueRelated = %v", got)
	}
	if got := UniqueRelated(nil); got != nil {
		t.Errorf("UniqueRelated(nil) = %v", got)
	}
}
