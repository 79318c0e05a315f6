#!/usr/bin/env bash
# Where the end of a first backfill's bulk mode goes (issue 12, goal 4): a StoreFill store's raw rows alone, the
# rollup passes and deferred index builds replayed on copies of it, as shipped and in two other formulations, each
# checked to give the same rollups (BackfillPassesBenchmark's comment says which).
#
#   exporter/bench-passes.sh [--rows N] [--days D] [--runs R]   (defaults 1000000, 20, 3; ~3 min and ~1.5 GB
#                                                                 of free disk under $TMPDIR at the defaults)
#
# Needs no database server. Not part of `mvn verify`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
case "${1:-}" in -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
. exporter/bench-java.sh
bench_java -Xmx256m BackfillPassesBenchmark --work "$work" "$@"
