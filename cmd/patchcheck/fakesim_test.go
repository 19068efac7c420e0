package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/patchcheck/patchcheck/plugins/simulator"
	"github.com/patchcheck/patchcheck/plugins/simulator/reference"
)

// hardeningFake is the fakesim plugin of the modes that test what the host
// refuses or withholds: "env" fails every Simulate with the names of the
// variables it was started with; "nan" answers the reference forecast with
// a NaN final compliance.
func hardeningFake(mode string) simulator.Simulator {
	if mode == "env" {
		return envReporter{reference.New()}
	}
	return nanForecast{reference.New()}
}

type envReporter struct{ simulator.Simulator }

func (envReporter) Simulate(context.Context, simulator.Request) (*simulator.Forecast, error) {
	var names []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		names = append(names, name)
	}
	slices.Sort(names)
	return nil, fmt.Errorf("env: %s", strings.Join(names, " "))
}

type nanForecast struct{ simulator.Simulator }

func (n nanForecast) Simulate(ctx context.Context, req simulator.Request) (*simulator.Forecast, error) {
	fc, err := n.Simulator.Simulate(ctx, req)
	if err == nil {
		fc.Curve[len(fc.Curve)-1].Compliant = math.NaN()
	}
	return fc, err
}
