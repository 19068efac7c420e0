package arm

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"
)

//go:embed imageos.json
var imageOSJSON []byte

// imageOS infers an OS from a marketplace image; the table is data so new
// publishers need no code change.
type imageOS struct {
	OfferKeywords map[string][]string `json:"offerKeywords"`
	Publishers    map[string][]string `json:"publishers"`
	byPublisher   map[string]string
}

func loadImageOS() (*imageOS, error) {
	var t imageOS
	if err := json.Unmarshal(imageOSJSON, &t); err != nil {
		return nil, fmt.Errorf("parse embedded imageos.json: %w", err)
	}
	t.byPublisher = map[string]string{}
	for os, pubs := range t.Publishers {
		for _, p := range pubs {
			t.byPublisher[p] = os
		}
	}
	return &t, nil
}

// infer returns "windows", "linux" or "" for an image publisher and offer.
func (t *imageOS) infer(publisher, offer string) string {
	offer = strings.ToLower(offer)
	// Iterate in a fixed order so the answer never depends on map order.
	for _, os := range []string{"windows", "linux"} {
		for _, kw := range t.OfferKeywords[os] {
			if strings.Contains(offer, kw) {
				return os
			}
		}
	}
	return t.byPublisher[strings.ToLower(publisher)]
}
