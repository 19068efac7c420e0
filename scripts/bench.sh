#!/usr/bin/env bash
# bench.sh - throughput and memory benchmark for `patchcheck lint`.
#
# Usage: scripts/bench.sh [N]        N = number of corpus files (default 10000)
#
# What it does, all inside one temp dir (mktemp -d, removed on exit):
#   1. builds scripts/benchcorpus, scripts/benchrun and ./cmd/patchcheck;
#   2. writes a deterministic corpus of N realistic ARM templates and
#      parameter files (2-40 KB each, ~17 KB on average, 100 per folder);
#   3. baseline: walks, reads and json.Unmarshals every file with 2 worker
#      goroutines (comments stripped first), i.e. the bare cost of parsing;
#   4. runs `patchcheck lint --format json CORPUS` (default profile), then
#      the same with `--profile current`, under `benchrun exec`;
#   5. prints lint_time / baseline_time for both runs.
#
# DESIGN TARGET (on 2 cores): lint_time / baseline_time <= 1.5 and
# peak RSS < 100 MB for the default N=10000 corpus. To measure on 2 cores on a
# bigger machine, run `GOMAXPROCS=2 scripts/bench.sh` or
# `taskset -c 0,1 scripts/bench.sh`.
#
# Environment:
#   GOMAXPROCS   respected if set: passed unchanged to the baseline and to
#                patchcheck (the script never sets it itself)
#   SEED         corpus seed (default 1); same seed and N = byte-identical corpus
#   RUNS         runs per measurement, the fastest is reported (default 3)
#   PATCHCHECK   benchmark this prebuilt binary instead of building ./cmd/patchcheck
#   STRICT=1     exit 1 if a design target is missed (default: only report)
#   KEEP=1       keep the temp dir (corpus and binaries) and print its path
#   TMPDIR       where the temp dir is created (~170 MB for N=10000)
#
# Timings are wall-clock, best of RUNS; CPU time (user+sys) is shown as well
# because it is far less sensitive to other load on the machine.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

n="${1:-10000}"
seed="${SEED:-1}"
runs="${RUNS:-3}"
if ! [[ "$n" =~ ^[1-9][0-9]*$ && "$seed" =~ ^[0-9]+$ && "$runs" =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: scripts/bench.sh [N]   (N, SEED and RUNS must be positive integers)" >&2
	exit 2
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/patchcheck-bench.XXXXXX")"
if [[ "${KEEP:-0}" == 1 ]]; then
	trap 'echo "bench: kept $tmp"' EXIT
else
	trap 'rm -rf "$tmp"' EXIT
fi

cpus="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')"
echo "== $(go version), $cpus CPUs online, GOMAXPROCS=${GOMAXPROCS:-unset (Go default: all CPUs)}, N=$n, seed=$seed, runs=$runs"

echo "== build"
go build -o "$tmp/benchcorpus" ./scripts/benchcorpus
go build -o "$tmp/benchrun" ./scripts/benchrun
if [[ -n "${PATCHCHECK:-}" ]]; then
	pc="$PATCHCHECK"
	echo "using PATCHCHECK=$pc"
else
	pc="$tmp/patchcheck"
	go build -o "$pc" ./cmd/patchcheck
fi

echo "== corpus"
"$tmp/benchcorpus" -out "$tmp/corpus" -n "$n" -seed "$seed"

echo "== baseline"
"$tmp/benchrun" baseline -workers 2 -runs "$runs" -metrics "$tmp/baseline.txt" "$tmp/corpus"

echo "== patchcheck"
"$tmp/benchrun" exec -runs "$runs" -label "patchcheck lint (default profile)" -metrics "$tmp/lint-default.txt" \
	-- "$pc" lint --format json "$tmp/corpus"
"$tmp/benchrun" exec -runs "$runs" -label "patchcheck lint --profile current" -metrics "$tmp/lint-current.txt" \
	-- "$pc" lint --format json --profile current "$tmp/corpus"

metric() { awk -F= -v k="$2" '$1 == k { print $2 }' "$1"; }

base_s="$(metric "$tmp/baseline.txt" seconds)"
base_cpu="$(metric "$tmp/baseline.txt" cpu_seconds)"
missed=0
echo "== summary (design target on 2 cores: ratio <= 1.5, peak RSS < 100 MB)"
for prof in default current; do
	f="$tmp/lint-$prof.txt"
	verdict="$(awk -v l="$(metric "$f" seconds)" -v b="$base_s" -v lc="$(metric "$f" cpu_seconds)" -v bc="$base_cpu" \
		-v rss="$(metric "$f" peak_rss_bytes)" -v p="$prof" 'BEGIN {
		r = l / b; mb = rss / 1048576
		ok = (r <= 1.5 && rss >= 0 && mb < 100)
		printf "%-18s lint_time / baseline_time = %.2f (cpu time ratio %.2f), peak RSS %.1f MB  [%s]\n",
			(p == "default" ? "default profile:" : "--profile " p ":"), r, (bc > 0 ? lc / bc : 0), mb, ok ? "meets target" : "MISSES target"
		exit ok ? 0 : 3
	}')" || missed=1
	echo "$verdict"
done
if [[ "$missed" == 1 && "${STRICT:-0}" == 1 ]]; then
	exit 1
fi
