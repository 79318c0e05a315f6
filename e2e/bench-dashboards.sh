#!/usr/bin/env bash
# Issue 16's benchmark: every SQL panel of every dashboard timed on a big store, over 24h, 7d and 30d, with All
# selected and with one channel + two models, beside two baselines of the same range (e2e DashboardBenchmark).
#
#   e2e/bench-dashboards.sh [--rows N] [--days D] [--runs R] [--store FILE] [--before GIT_REF]
#
# N rows (default 5000000) over D days (default 30) are written through the exporter's own write path as a first
# backfill, indexes built at its end (exporter StoreFill; ~1.5 GB for 5M rows under $TMPDIR). --store FILE times an
# existing store instead (it is only read, as Grafana reads it). --before GIT_REF also times each query that differs
# in the dashboards of that commit and compares the two results value by value. Needs no database server. Not part of `mvn verify`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rows=5000000
days=30
runs=3
store=""
before=""
while [ $# -gt 0 ]; do
    case "$1" in
        --rows) rows="$2"; shift 2 ;;
        --days) days="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --store) store="$2"; shift 2 ;;
        --before) before="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
work="$(mktemp -d "${TMPDIR:-/tmp}/tm-bench-dashboards.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mvn -q -B -pl exporter,e2e -am test-compile
mvn -q -B -pl exporter dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/exporter-cp"
mvn -q -B -pl e2e dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/e2e-cp"
if [ -z "$store" ]; then
    store="$work/store.db"
    java -Xmx1g -cp "exporter/target/test-classes:exporter/target/classes:$(cat "$work/exporter-cp")" \
        io.tokenmonitor.exporter.bench.StoreFill --out "$store" --rows "$rows" --days "$days"
fi
compare=()
if [ -n "$before" ]; then
    mkdir "$work/before"
    git archive "$before" grafana/dashboards | tar -x -C "$work/before"
    compare=(--before "$work/before/grafana/dashboards")
fi
java -Xmx1g -cp "e2e/target/test-classes:$(cat "$work/e2e-cp")" \
    io.tokenmonitor.e2e.grafana.DashboardBenchmark --store "$store" --runs "$runs" --dashboards grafana/dashboards \
    "${compare[@]}"
