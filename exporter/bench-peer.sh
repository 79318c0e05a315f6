#!/usr/bin/env bash
# What watching a gateway costs: this exporter against prometheus-sql-exporter (issue 12), side by
# side in one run on this machine, in CPU-seconds per minute of the database and of each monitor.
#
#   exporter/bench-peer.sh [--rows N] [--seconds S] [--rate N] [--high-rate N] [--max-minutes M]
#
#   --rows N              rows in New API's logs table, over the last 30 days        (default 2000000)
#   --seconds S           length of each measured phase                              (default 60)
#   --rate N              the gateway's inserts per second in the steady state       (default 20)
#   --high-rate N         inserts per second of the last phase                       (default 1000)
#   --freshness-seconds S freshness probe at --high-rate; 0 skips it                 (default 20)
#   --settle-seconds S    the exporter runs at --rate this long after its backfill before
#                         its steady state is measured (the JIT's catch-up work)     (default 120)
#   --max-minutes M       stop and clean up after M minutes                          (default 20)
#
# Starts its own MariaDB (mariadb-install-db + mariadbd on a free 127.0.0.1 port, in a temporary
# directory, stopped and deleted at exit), so that mariadbd's CPU is only the benchmark's. Installs
# Debian's prometheus-sql-exporter when missing (as root). Needs mariadb-server and Java 17; about
# 12 minutes and 3 GB of disk at the defaults. It is not part of `mvn verify`.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
case "${1:-}" in -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

log() { printf 'bench-peer: %s\n' "$*" >&2; }

# As .ci/run's apt_install: as root only, and starting no service (policy-rc.d 101 for this install).
apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing packages: $*; install them (as root: apt-get install -y $*) and run again"
    exit 1
  fi
  log "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  log "installing $*"
  local policy=/usr/sbin/policy-rc.d ours=0 rc=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 0755 "$policy" && ours=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null || rc=$?
  if [ "$ours" = 1 ]; then rm -f "$policy"; fi
  return "$rc"
}
command -v prometheus-sql-exporter >/dev/null 2>&1 || apt_install prometheus-sql-exporter
command -v mariadb-install-db >/dev/null 2>&1 && { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } \
  || apt_install mariadb-server

jar=exporter/target/token-monitor-exporter.jar
if [ ! -f "$jar" ] || [ -n "$(find exporter/src/main exporter/pom.xml pom.xml -newer "$jar" -print -quit)" ]; then
  log "building $jar"
  mvn -q -B -pl exporter -am package -DskipTests
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/tm-bench-peer.XXXXXX")"
# Last resort after a JVM that could not clean up (killed): each started process wrote its id (and
# the MariaDB its data directory) to $work/pids; stop those still running, by id, and delete.
cleanup() {
  local f pid dir
  for f in "$work"/pids/*.pid; do
    [ -f "$f" ] || continue
    pid="$(sed -n 1p "$f")"
    dir="$(sed -n 2p "$f")"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
        && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE 'mariadbd|prometheus-sql-exporter|token-monitor-exporter'; then
      log "stopping leftover process $pid ($(basename "$f" .pid))"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    case "$dir" in "${TMPDIR:-/tmp}"/tm-peer-mariadb-*) rm -rf "$dir" ;; esac
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mvn -q -B -pl exporter -am test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$work/classpath"
# Private copies, so a build running beside the benchmark cannot change its classes mid-run.
cp -r exporter/target/classes "$work/classes"
cp -r exporter/target/test-classes "$work/test-classes"

java -Djava.io.tmpdir="${TMPDIR:-/tmp}" -cp "$work/test-classes:$work/classes:$(cat "$work/classpath")" \
    io.tokenmonitor.exporter.bench.PeerBenchmark --jar "$root/$jar" --dockerfile "$root/exporter/Dockerfile" \
    --pid-dir "$work/pids" "$@"
