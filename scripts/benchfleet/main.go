// Command benchfleet writes a fleet file (JSON) of N generated VMs, the same
// fleet the simulator benchmarks use (simulatortest.LargeFleet), so that the
// whole `patchcheck simulate` command can be measured on a large fleet:
//
//	go run ./scripts/benchfleet 100000 > /tmp/fleet.json
//	go run ./scripts/benchrun exec -runs 1 -- patchcheck simulate --format json /tmp/fleet.json
package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"

	"github.com/patchcheck/patchcheck/plugins/simulator/simulatortest"
)

func main() {
	n, err := strconv.Atoi(os.Args[len(os.Args)-1])
	if len(os.Args) != 2 || err != nil || n < 1 {
		fmt.Fprintln(os.Stderr, "usage: benchfleet N   (writes a JSON fleet of N VMs to standard output)")
		os.Exit(2)
	}
	w := bufio.NewWriter(os.Stdout)
	err = simulatortest.WriteFleetFile(w, simulatortest.LargeFleet(n))
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchfleet:", err)
		os.Exit(1)
	}
}
