#!/usr/bin/env bash
# Issue 15's benchmark: 1,000 API-key budgets evaluated on a 5M-row store, against BUDGET_INTERVAL (15 s) and
# against 1,000 channel/model budgets on the same store (baseline, same run).
#
#   exporter/bench-accounts.sh [--rows N]     (default 5000000; needs ~4 GB of free disk under $TMPDIR)
#
# Needs no database server: the store is filled through the exporter's own write path. Not part of `mvn verify`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. exporter/bench-java.sh
bench_java -Xmx1g AccountBudgetBenchmark "$@"
