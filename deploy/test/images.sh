# Sourced by deploy/test.sh: the images the deployment test runs, built from Debian packages on this
# machine (no image registry is reachable from CI). Each is a `debootstrap --variant=minbase
# bookworm` root with a few packages, `docker import`ed under a tag derived from its recipe, so an
# image is built once per machine and rebuilt only when its recipe changes.
#
#   tm_image NAME "PACKAGES" "SETUP" CHANGES...   echoes the tag of the image, building it if missing
#
# SETUP is a shell script run in the root after the packages are installed; CHANGES are
# `docker import --change` instructions (ENTRYPOINT, USER, ...). Files named in TM_HOST_FILES are
# copied from this machine into the root last (the build image takes the machine's CA certificates,
# so that Maven reaches Maven Central wherever the machine's own Maven does, e.g. through a
# TLS-inspecting proxy).

TM_MIRROR="${TM_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
TM_SUITE=bookworm

_ilog() { printf 'deploy/test: %s\n' "$*" >&2; }

# The minbase root, kept as a tarball: every image starts from a copy of it.
_minbase() {
  local tarball="$DOCKER_STATE/minbase-$TM_SUITE.tar"
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null 2>&1 || _apt debootstrap
    local root="$DOCKER_STATE/minbase-root"
    rm -rf "$root"
    _ilog "debootstrap --variant=minbase $TM_SUITE (once per machine)"
    debootstrap --variant=minbase "$TM_SUITE" "$root" "$TM_MIRROR" >"$DOCKER_STATE/debootstrap.log" 2>&1 \
      || { _ilog "debootstrap failed, see $DOCKER_STATE/debootstrap.log"; return 1; }
    tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  printf '%s\n' "$tarball"
}

tm_image() {
  local name="$1" packages="$2" setup="$3"; shift 3
  local recipe key tag
  local f host_files=()
  for f in ${TM_HOST_FILES:-}; do host_files+=("$f"); done
  recipe="$(printf '%s\n' "$TM_SUITE" "$TM_MIRROR" "$packages" "$setup" "$@"
            [ "${#host_files[@]}" = 0 ] || sha256sum "${host_files[@]}")"
  key="$(printf '%s' "$recipe" | sha256sum | cut -c1-12)"
  tag="token-monitor-test/$name:$key"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    printf '%s\n' "$tag"
    return 0
  fi
  local tarball root
  tarball="$(_minbase)" || return 1
  root="$DOCKER_STATE/root-$name"
  _ilog "building image $tag from Debian packages: $packages"
  rm -rf "$root" && mkdir -p "$root"
  tar -C "$root" -xf "$tarball"
  # Services must not start inside the build root; /proc is needed by the JDK's postinst (keytool).
  printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  local rc=0
  chroot "$root" /bin/sh -ec "
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends $packages
      $setup
      apt-get clean
      rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log /var/cache/debconf/*-old
  " >"$DOCKER_STATE/build-$name.log" 2>&1 || rc=$?
  umount "$root/proc"
  rm -f "$root/usr/sbin/policy-rc.d"
  if [ "$rc" != 0 ]; then
    _ilog "building $name failed (exit $rc), see $DOCKER_STATE/build-$name.log"
    return 1
  fi
  for f in "${host_files[@]}"; do
    install -D -m 0644 "$f" "$root$f"
  done
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$root" -c . | docker import "${changes[@]}" - "$tag" >/dev/null
  rm -rf "$root"
  # Images of an older recipe are never used again.
  local old
  for old in $(docker images --format '{{.Repository}}:{{.Tag}}' "token-monitor-test/$name"); do
    [ "$old" = "$tag" ] || docker rmi "$old" >/dev/null 2>&1 || true
  done
  printf '%s\n' "$tag"
}
