package chunk

import (
	"errors"
	"fmt"
	"testing"
)

// TestPipelineInOrder: messages made on several cores ahead of the sender
// still go out in the order they were added; a send error stops the
// sending at once and is returned.
func TestPipelineInOrder(t *testing.T) {
	var got []int
	p := NewPipelineWorkers(func(i int) error {
		got = append(got, i)
		return nil
	}, 3) // several makers, so messages are made out of order
	for i := range 1000 {
		if err := p.Add(func() int { return i }); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("message %d went out as %d", i, v)
		}
	}
	if len(got) != 1000 {
		t.Fatalf("%d of 1000 messages went out", len(got))
	}

	stop := errors.New("stop")
	sent := 0
	p = NewPipelineWorkers(func(int) error {
		if sent++; sent == 2 {
			return stop
		}
		return nil
	}, 3)
	var addErr error
	for i := range 1000 {
		if addErr = p.Add(func() int { return i }); addErr != nil {
			break
		}
	}
	if err := p.Close(); err != stop || sent != 2 {
		t.Fatalf("after a send error: %v, %d sends", err, sent)
	}
	if addErr != nil && addErr != stop {
		t.Fatalf("Add after the send error: %v", addErr)
	}
}

func TestRanges(t *testing.T) {
	for _, tc := range []struct {
		n, size int
		want    string
	}{
		{0, 10, "[]"},
		{10, 10, "[[0 10]]"},
		{25, 10, "[[0 10] [10 20] [20 25]]"},
	} {
		if got := fmt.Sprint(Ranges(tc.n, tc.size)); got != tc.want {
			t.Errorf("Ranges(%d, %d) = %s, want %s", tc.n, tc.size, got, tc.want)
		}
	}
	for _, tc := range []struct{ total, want int }{{0, 1024}, {16 * 2000, 2000}, {1 << 30, MaxItems}} {
		if got := Size(tc.total); got != tc.want {
			t.Errorf("Size(%d) = %d, want %d", tc.total, got, tc.want)
		}
	}
}

// TestByWeight: steps are split by the VM names they carry, every step in
// exactly one range.
func TestByWeight(t *testing.T) {
	weights := []int{3 * MaxItems, 0, 10, MaxItems, 0}
	got := ByWeight(len(weights), func(i int) int { return weights[i] })
	if want := "[[0 1] [1 4] [4 5]]"; fmt.Sprint(got) != want {
		t.Fatalf("ByWeight = %v, want %s", got, want)
	}
	if r := ByWeight(0, nil); len(r) != 0 {
		t.Fatalf("ByWeight of nothing = %v", r)
	}
}
