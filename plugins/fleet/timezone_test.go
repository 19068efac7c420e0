package fleet

import (
	"strings"
	"testing"
	"time"
)

func TestIANAZone(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		// Windows IDs (CLDR territory 001).
		{"Pacific Standard Time", "America/Los_Angeles"},
		{"Eastern Standard Time", "America/New_York"},
		{"W. Europe Standard Time", "Europe/Berlin"},
		{"Tokyo Standard Time", "Asia/Tokyo"},
		{"India Standard Time", "Asia/Calcutta"},
		{"US Mountain Standard Time", "America/Phoenix"},
		{"Mountain Standard Time", "America/Denver"},
		{"GMT Standard Time", "Europe/London"},
		{"AUS Eastern Standard Time", "Australia/Sydney"},
		{"Dateline Standard Time", "Etc/GMT+12"},
		{"UTC-11", "Etc/GMT+11"},
		{"UTC+12", "Etc/GMT-12"},
		{"Pacific Standard Time (Mexico)", "America/Tijuana"},
		// "UTC" is both; the IANA name wins and is kept.
		{"UTC", "UTC"},
		// IANA names are returned unchanged.
		{"America/Los_Angeles", "America/Los_Angeles"},
		{"Europe/Berlin", "Europe/Berlin"},
		{"Etc/UTC", "Etc/UTC"},
		{"Asia/Kolkata", "Asia/Kolkata"},
		{"Europe/Kyiv", "Europe/Kyiv"},
	}
	for _, tt := range tests {
		got, err := IANAZone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("IANAZone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestIANAZoneErrors(t *testing.T) {
	tests := []struct {
		in, suggestion string // suggestion "" means none expected
	}{
		{"Pacific Standard Tme", "Pacific Standard Time"},
		{"pacific standard time", "Pacific Standard Time"},
		{"america/new_york", "America/New_York"},
		{"America/Los Angeles", "America/Los_Angeles"},
		{"Los_Angeles", "America/Los_Angeles"},
		{"Europe/Berln", "Europe/Berlin"},
		{"W. Europe Standard Tim", "W. Europe Standard Time"},
		{"Mars/Olympus_Mons", ""},
		{"", ""},
		{"Local", ""},
	}
	for _, tt := range tests {
		got, err := IANAZone(tt.in)
		if err == nil {
			t.Errorf("IANAZone(%q) = %q, want an error", tt.in, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, "unknown time zone") {
			t.Errorf("IANAZone(%q) error %q should say unknown time zone", tt.in, msg)
		}
		if tt.suggestion == "" {
			if strings.Contains(msg, "did you mean") {
				t.Errorf("IANAZone(%q) error %q suggests something; want no suggestion", tt.in, msg)
			}
		} else if !strings.Contains(msg, `did you mean "`+tt.suggestion+`"?`) {
			t.Errorf("IANAZone(%q) error %q, want suggestion %q", tt.in, msg, tt.suggestion)
		}
	}
}

// TestWindowsZoneTable checks the embedded CLDR table: about 140 rows, each
// a zone time.LoadLocation knows, and every IANA name loadable.
func TestWindowsZoneTable(t *testing.T) {
	z := zones()
	if n := len(z.windows); n < 130 || n > 160 {
		t.Errorf("%d Windows zones, want about 140 (CLDR territory 001)", n)
	}
	for win, iana := range z.windows {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%s -> %s: %v", win, iana, err)
		}
	}
	if n := len(z.iana); n < 500 {
		t.Errorf("%d IANA names, want the whole tz database", n)
	}
	for name := range z.iana {
		if _, err := IANAZone(name); err != nil {
			t.Errorf("IANAZone(%q): %v", name, err)
		}
	}
}

func TestSecondTuesday(t *testing.T) {
	tests := []struct {
		year  int
		month time.Month
		want  time.Time // UTC
	}{
		{2026, time.December, time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)},  // PST (UTC-8); 1st is a Tuesday
		{2026, time.March, time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC)},     // DST began 2026-03-08: PDT (UTC-7)
		{2026, time.September, time.Date(2026, 9, 8, 17, 0, 0, 0, time.UTC)},  // 1st is a Tuesday
		{2026, time.April, time.Date(2026, 4, 14, 17, 0, 0, 0, time.UTC)},     // 1st is a Wednesday: latest possible date
		{2026, time.July, time.Date(2026, 7, 14, 17, 0, 0, 0, time.UTC)},      // 1st is a Wednesday
		{2026, time.June, time.Date(2026, 6, 9, 17, 0, 0, 0, time.UTC)},       // 1st is a Monday
		{2026, time.November, time.Date(2026, 11, 10, 18, 0, 0, 0, time.UTC)}, // DST ended 2026-11-01
		{2026, time.February, time.Date(2026, 2, 10, 18, 0, 0, 0, time.UTC)},
		{2025, time.March, time.Date(2025, 3, 11, 17, 0, 0, 0, time.UTC)},   // DST began 2025-03-09
		{2024, time.October, time.Date(2024, 10, 8, 17, 0, 0, 0, time.UTC)}, // 1st is a Tuesday
		{2027, time.January, time.Date(2027, 1, 12, 18, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		got := SecondTuesday(tt.year, tt.month)
		if got != tt.want {
			t.Errorf("SecondTuesday(%d, %s) = %v, want %v", tt.year, tt.month, got, tt.want)
		}
		la, _ := time.LoadLocation("America/Los_Angeles")
		local := got.In(la)
		if local.Weekday() != time.Tuesday || local.Hour() != 10 || local.Minute() != 0 || local.Day() < 8 || local.Day() > 14 {
			t.Errorf("SecondTuesday(%d, %s) = %v local, want a second Tuesday at 10:00", tt.year, tt.month, local)
		}
	}
}

func TestReleaseDate(t *testing.T) {
	tests := []struct {
		release string
		want    time.Time
	}{
		{`{month: "2026-03"}`, time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC)},
		{`{month: "2026-12", date: "2026-12-09T01:00:00Z"}`, time.Date(2026, 12, 9, 1, 0, 0, 0, time.UTC)},
		{`{month: "2026-12", date: "2026-12-08T10:00:00-08:00"}`, time.Date(2026, 12, 8, 18, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		f := mustLoad(t, "release: "+tt.release+"\nvms: [{name: a, subscription: s, region: eastus, os: linux}]\n")
		if f.Release.Date != tt.want {
			t.Errorf("release %s: date = %v, want %v", tt.release, f.Release.Date, tt.want)
		}
	}
}
