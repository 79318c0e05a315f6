# Sourced by .ci/run (and by deploy/test/fresh-debian.sh, which runs it in a fresh Debian 12
# container): the databases the tests expect, MariaDB with root and an empty password on
# 127.0.0.1:3306 and PostgreSQL trusting user postgres on 127.0.0.1:5432.
#
#   ci_databases_start   uses a server that already answers so; else, where the port is free, starts a
#                        throwaway server in a temporary data directory (stopped by ci_databases_stop)
#   ci_databases_stop    stops, by process id, only the servers ci_databases_start started, and
#                        deletes their data directories
#
# It never changes a server it did not start: not its users, not its pg_hba.conf; it starts no service.
# A port taken by a server that does not let the tests in is an error with what to do.

CI_DB_PIDS=()
CI_DB_DIRS=()

_cdlog() { printf '.ci/databases: %s\n' "$*" >&2; }

mariadb_tcp() { mariadb -h 127.0.0.1 -P 3306 -u root -e 'SELECT 1' >/dev/null 2>&1; }
pg_tcp() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'SELECT 1' >/dev/null 2>&1; }

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# _ci_wait NAME PID COMMAND...: retries COMMAND for up to 60 s while PID lives.
_ci_wait() {
  local name="$1" pid="$2"; shift 2
  for _ in $(seq 1 60); do
    if "$@"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { _cdlog "$name exited at start"; return 1; }
    sleep 1
  done
  _cdlog "$name does not answer on 127.0.0.1 after 60 s"
  return 1
}

# _ci_datadir OWNER: sets CI_DB_DIR to a new empty directory OWNER can write (the service user
# when run as root).
_ci_datadir() {
  CI_DB_DIR="$(mktemp -d "${TMPDIR:-/tmp}/token-monitor-ci.XXXXXX")" || return 1
  CI_DB_DIRS+=("$CI_DB_DIR")
  if [ "$(id -u)" = 0 ]; then chown "$1" "$CI_DB_DIR" || return 1; fi
}

# _ci_as USER COMMAND...: COMMAND as USER when root (MariaDB and PostgreSQL refuse to run as root).
_ci_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u "$1" -- "${@:2}"; else "${@:2}"; fi
}

_ci_start_mariadb() {
  local bin dir log pid
  bin="$(command -v mariadbd || echo /usr/sbin/mariadbd)"
  _ci_datadir mysql:mysql || return 1
  dir="$CI_DB_DIR"
  log="$dir/mariadb.log"
  _cdlog "starting a throwaway MariaDB on 127.0.0.1:3306 in $dir"
  # "normal": root@localhost without a password, in this data directory only.
  _ci_as mysql mariadb-install-db --no-defaults --datadir="$dir/data" \
    --auth-root-authentication-method=normal --skip-test-db >"$log" 2>&1 \
    || { _cdlog "mariadb-install-db failed, see $log"; return 1; }
  # --no-defaults: nothing from /etc/mysql; the settings that matter are Debian's defaults.
  # --user=mysql: mariadbd refuses to run as root without it.
  "$bin" --no-defaults --user=mysql --datadir="$dir/data" --socket="$dir/mysqld.sock" \
    --pid-file="$dir/mysqld.pid" --bind-address=127.0.0.1 --port=3306 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci >>"$log" 2>&1 &
  pid=$!
  CI_DB_PIDS+=("$pid:TERM")
  _ci_wait MariaDB "$pid" mariadb_tcp || { tail -n 5 "$log" >&2; return 1; }
}

_ci_start_postgres() {
  local bin dir log pid
  bin="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n 1)/bin"
  _ci_datadir postgres:postgres || return 1
  dir="$CI_DB_DIR"
  log="$dir/postgres.log"
  _cdlog "starting a throwaway PostgreSQL on 127.0.0.1:5432 in $dir"
  _ci_as postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$log" 2>&1 || { _cdlog "initdb failed, see $log"; return 1; }
  # The server's log in its own (postgres-owned) data directory.
  log="$dir/data/server.log"
  _ci_as postgres "$bin/pg_ctl" -D "$dir/data" -l "$log" -s -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p 5432 -k $dir" start \
    || { _cdlog "PostgreSQL did not start, see $log"; tail -n 5 "$log" >&2; return 1; }
  pid="$(head -n 1 "$dir/data/postmaster.pid")"
  # SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
  CI_DB_PIDS+=("$pid:INT")
  _ci_wait PostgreSQL "$pid" pg_tcp
}

ci_databases_start() {
  if mariadb_tcp; then
    _cdlog "MariaDB answers on 127.0.0.1:3306 (root, empty password): using it"
  elif port_open 3306; then
    _cdlog "127.0.0.1:3306 is taken by a server that does not let root in with an empty password." \
      "The tests need that; this script changes no server's users. Stop that server (or run on a" \
      "test machine) and run again: a throwaway MariaDB is started where the port is free."
    return 1
  else
    _ci_start_mariadb || return 1
  fi
  if pg_tcp; then
    _cdlog "PostgreSQL answers on 127.0.0.1:5432 (postgres, trust): using it"
  elif port_open 5432; then
    _cdlog "127.0.0.1:5432 is taken by a server that does not trust user postgres." \
      "The tests need that; this script changes no pg_hba.conf. Stop that server (or run on a" \
      "test machine) and run again: a throwaway PostgreSQL is started where the port is free."
    return 1
  else
    _ci_start_postgres || return 1
  fi
}

ci_databases_stop() {
  local entry pid dir
  for entry in "${CI_DB_PIDS[@]}"; do
    pid="${entry%%:*}"
    _cdlog "stopping the server this script started (pid $pid)"
    kill -s "${entry#*:}" "$pid" 2>/dev/null || continue
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  done
  CI_DB_PIDS=()
  for dir in "${CI_DB_DIRS[@]}"; do rm -rf "$dir"; done
  CI_DB_DIRS=()
}
