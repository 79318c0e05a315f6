#!/usr/bin/env bash
# Run by deploy/test.sh inside a fresh Debian 12 container (no systemd, its own loopback: docker's
# --network none), with mariadb-server and postgresql installed as .ci/run installs them (no
# service started) and this repository's .ci mounted at /ci: checks that .ci/databases.sh
#   1. refuses a MariaDB on 3306 that does not let root in over TCP, and changes none of its users;
#   2. starts throwaway servers where the ports are free, as the tests need them (root/empty on
#      127.0.0.1:3306, postgres trust on 127.0.0.1:5432), and stops them again by process id;
#   3. leaves the packaged servers' configuration and data as installed.
set -euo pipefail

fail() { printf 'ci-databases: FAILED: %s\n' "$*" >&2; exit 1; }
say() { printf 'ci-databases: %s\n' "$*" >&2; }
# What a changed pg_hba.conf or server configuration would show (the packaged MariaDB's data
# directory changes by running; its users are checked by logging in).
fingerprint() { find /etc/mysql /etc/postgresql /var/lib/postgresql -type f -print0 \
  | sort -z | xargs -0 sha256sum | sha256sum; }

source /ci/databases.sh
installed="$(fingerprint)"

say "1. the packaged MariaDB (root by unix socket only) on 3306"
mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
/usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 --port=3306 >/tmp/packaged.log 2>&1 &
packaged=$!
for _ in $(seq 1 60); do mariadb -u root -e 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
mariadb -u root -e 'SELECT 1' >/dev/null || fail "the packaged MariaDB did not start: $(tail -n 3 /tmp/packaged.log)"
if ci_databases_start; then fail "ci_databases_start accepted a MariaDB root cannot log in to over TCP"; fi
mariadb_tcp && fail "root logs in over TCP with an empty password: the packaged server's users were changed"
ci_databases_stop
kill "$packaged" && wait "$packaged" || true
port_open 3306 && fail "3306 still open after stopping the packaged MariaDB"

say "2. free ports: throwaway servers"
ci_databases_start || fail "ci_databases_start on a fresh Debian"
[ "${#CI_DB_PIDS[@]}" = 2 ] || fail "expected two servers started, got: ${CI_DB_PIDS[*]}"
mariadb -h 127.0.0.1 -P 3306 -u root -e 'CREATE DATABASE t; CREATE TABLE t.x (v VARCHAR(10)); SELECT 1' >/dev/null \
  || fail "MariaDB as the tests use it"
[ "$(mariadb -h 127.0.0.1 -u root -N -e 'SELECT @@character_set_server')" = utf8mb4 ] || fail "character set"
psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'CREATE DATABASE t' >/dev/null || fail "PostgreSQL as the tests use it"
pids=("${CI_DB_PIDS[@]%%:*}")
dirs=("${CI_DB_DIRS[@]}")
ci_databases_stop
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && fail "pid $pid still runs after ci_databases_stop"; done
for dir in "${dirs[@]}"; do [ -e "$dir" ] && fail "$dir left behind"; done
port_open 3306 && fail "3306 still open"
port_open 5432 && fail "5432 still open"

say "3. the packaged servers as installed"
[ "$(fingerprint)" = "$installed" ] || fail "files under /etc/mysql, /etc/postgresql or /var/lib/postgresql changed"
say "passed"
