#!/usr/bin/env bash
# Exporter benchmark: the figures of issue 2 ("Performance") measured in one run on this machine.
#
#   exporter/bench.sh [--rows N] [--seconds S] [other options]
#
#   --rows N          rows in the MariaDB logs table for the backfill    (default 5000000)
#   --seconds S       how long the 1,000 inserts/s freshness writer runs (default 60)
#   --first-rows N    table size of the first scrape measurement         (default 1000000)
#   --rate N          freshness writer's inserts per second              (default 1000)
#   --scrapes N       timed /metrics scrapes per measurement             (default 200)
#   --pg-rows N       rows for the PostgreSQL EXPLAIN; 0 skips PostgreSQL (default 100000)
#   --max-minutes M   stop and clean up after M minutes                  (default 45)
#   --no-profile      no JFR recording of the big backfill
#
# Needs MariaDB on 127.0.0.1:3306 (root, empty password) with local_infile=ON, and PostgreSQL on
# 127.0.0.1:5432 unless --pg-rows 0. The benchmark creates and drops its own database (tm_…) and a
# scratch directory under $TMPDIR; a full run takes about 15 minutes on 2 cores and needs ~6 GB of
# free disk (source table plus the exporter's store). It is not part of `mvn verify`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
case "${1:-}" in -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

jar=exporter/target/token-monitor-exporter.jar
if [ ! -f "$jar" ] || [ -n "$(find exporter/src/main exporter/pom.xml pom.xml -newer "$jar" -print -quit)" ]; then
  echo "bench.sh: building $jar" >&2
  mvn -q -B -pl exporter -am package -DskipTests
fi

. exporter/bench-java.sh
bench_java SyncBenchmark --jar "$root/$jar" "$@"
