# Sourced by deploy/test.sh: makes `docker compose` (v2) and a running dockerd available, as root on
# Debian. Idempotent; installs nothing over a bookworm package and leaves dockerd as it found it.
#
#   docker_env_setup   returns 0 when docker is usable, 2 when it cannot run here (reason in $DOCKER_SKIP)
#   docker_env_stop    stops dockerd if docker_env_setup started it

DOCKER_STATE=/var/cache/token-monitor
# bookworm's docker-compose is the python 1.29, which rejects the compose file (top-level `name:`,
# `depends_on.required`). trixie's docker-compose is compose v2 as one static Go binary (Depends:
# libc6 >= 2.34); it is unpacked as a CLI plugin through a private apt configuration, so neither
# the machine's sources nor its installed packages change.
COMPOSE_PLUGIN=/usr/libexec/docker/cli-plugins/docker-compose
DOCKERD_STARTED=0
DOCKER_SKIP=

_dlog() { printf 'deploy/test: %s\n' "$*" >&2; }

_apt() {
  if [ "${apt_updated:-0}" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

_install_compose_v2() {
  if [ -x "$COMPOSE_PLUGIN" ] && "$COMPOSE_PLUGIN" version --short 2>/dev/null | grep -q '^v\?2\.'; then
    return 0
  fi
  local dir="$DOCKER_STATE/trixie"
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/deb"
  echo 'deb http://deb.debian.org/debian trixie main' > "$dir/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
              -o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache")
  _dlog "installing compose v2 from Debian trixie's docker-compose into $COMPOSE_PLUGIN"
  apt-get "${opts[@]}" update -qq || return 1
  rm -f "$dir/deb"/*.deb
  # apt's download sandbox user cannot write here; as root that is only a warning.
  (cd "$dir/deb" && apt-get "${opts[@]}" download -qq docker-compose/trixie 2>/dev/null) || return 1
  local unpacked="$dir/unpacked"
  rm -rf "$unpacked" && dpkg -x "$dir"/deb/docker-compose_*.deb "$unpacked" || return 1
  install -D -m 0755 "$unpacked/usr/libexec/docker/cli-plugins/docker-compose" "$COMPOSE_PLUGIN" || return 1
  "$COMPOSE_PLUGIN" version --short | grep -q '^v\?2\.' || { _dlog "$COMPOSE_PLUGIN is not compose v2"; return 1; }
}

docker_env_setup() {
  if [ "$(id -u)" != 0 ]; then
    DOCKER_SKIP="not root: dockerd and image builds need root"
    return 2
  fi
  # Called as `docker_env_setup || …`, where set -e does not apply: every step checks itself.
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    _apt docker.io || return 1
  fi
  command -v debootstrap >/dev/null 2>&1 || _apt debootstrap || return 1
  _install_compose_v2 || return 1

  if docker version >/dev/null 2>&1; then
    return 0
  fi
  # No bridge, no iptables, no NAT: every container uses the host's network and only 127.0.0.1.
  _dlog "starting dockerd (no bridge, no iptables; log $DOCKER_STATE/dockerd.log)"
  mkdir -p "$DOCKER_STATE"
  dockerd --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
    >"$DOCKER_STATE/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  DOCKERD_STARTED=1
  for _ in $(seq 1 60); do
    if docker version >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$DOCKERD_PID" 2>/dev/null; then
      DOCKERD_STARTED=0
      DOCKER_SKIP="dockerd exits at start: $(grep -E 'level=(fatal|error)' "$DOCKER_STATE/dockerd.log" | tail -n 1)"
      return 2
    fi
    sleep 1
  done
  DOCKER_SKIP="dockerd did not answer within 60 s (see $DOCKER_STATE/dockerd.log)"
  docker_env_stop
  return 2
}

docker_env_stop() {
  if [ "$DOCKERD_STARTED" = 1 ]; then
    _dlog "stopping the dockerd this script started (pid $DOCKERD_PID)"
    kill "$DOCKERD_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
    DOCKERD_STARTED=0
  fi
}
