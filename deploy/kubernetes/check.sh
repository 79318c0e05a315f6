#!/usr/bin/env bash
# Checks the Kubernetes package (deploy/kubernetes):
#   1. base/generated/ is what generate.sh writes from prometheus/rules, grafana/dashboards and
#      grafana/provisioning/datasources (byte for byte);
#   2. `kubectl kustomize` renders every overlay;
#   3. check/validate.mjs on each rendering: every object against the Kubernetes OpenAPI and the
#      Prometheus Operator CRD schemas (npm: kubernetes-models, @kubernetes-models/prometheus-operator),
#      the PrometheusRules equal the rule files, the dashboard ConfigMaps the dashboards, the
#      datasources and the AlertmanagerConfig their sources, the pods' hardening, and that
#      grafana-store/values.yaml mounts the exporter's claim in Grafana as the datasource expects.
# Needs kubectl with kustomize v4 or later (kubectl >= 1.21; Debian 12's kubernetes-client 1.20
# embeds kustomize v2.0.3, which cannot read these kustomizations), node and npm. The validator's
# packages, pinned with their integrity hashes in check/package-lock.json, are installed with
# `npm ci` into a temporary directory. Without a kubectl that can render, 2 and 3 are skipped with
# a message. The last line reads "kubernetes: N passed, M failed, K skipped".
set -u

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$dir/../.." && pwd)"
passed=0
failed=0
skipped=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

run() {
  local name="$1"; shift
  if "$@" >"$tmp/out" 2>&1; then
    passed=$((passed + 1))
    printf 'ok    %s\n' "$name"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' "$tmp/out"
    return 1
  fi
}
skip() {
  skipped=$((skipped + 1))
  printf 'SKIP  %s: %s\n' "$1" "$2"
}
finish() {
  echo "kubernetes: $passed passed, $failed failed, $skipped skipped"
  [ "$failed" = 0 ]
  exit
}

# 1. The generated files are current.
run "base/generated/ equals generate.sh's output" \
  bash -c 'bash "$1/generate.sh" "$2/generated" && diff -r -u "$1/base/generated" "$2/generated"' _ "$dir" "$tmp"

overlays=()
for o in "$dir"/overlays/*/; do overlays+=("$(basename "$o")"); done

# kubectl 1.20's kustomize v2.0.3 cannot read `patches`, `labels` or a directory in `resources`:
# such a kubectl is reported, not used.
kustomize_ok=0
if ! command -v kubectl >/dev/null 2>&1; then
  why="kubectl not found (install kubectl >= 1.21)"
elif kubectl kustomize --help 2>/dev/null | grep -q -- '--load-restrictor'; then
  kustomize_ok=1
else
  why="kubectl $(kubectl version --client 2>&1 | grep -o 'v[0-9]*\.[0-9]*\.[0-9]*' | head -n1): its kustomize is older than v4 (install kubectl >= 1.21)"
fi
if [ "$kustomize_ok" = 0 ]; then
  for o in "${overlays[@]}"; do skip "kubectl kustomize overlays/$o" "$why"; done
  finish
fi

# 2. Every overlay renders.
rendered=()
for o in "${overlays[@]}"; do
  run "kubectl kustomize overlays/$o" bash -c 'kubectl kustomize "$1" > "$2"' _ "$dir/overlays/$o" "$tmp/$o.yaml" \
    && rendered+=("$o")
done

# 3. The validator, with its pinned packages.
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    run "$tool for check/validate.mjs" bash -c "echo '$tool not found (apt-get install -y nodejs npm)'; exit 1"
    finish
  fi
done
mkdir -p "$tmp/check"
cp "$dir/check/package.json" "$dir/check/package-lock.json" "$dir/check/validate.mjs" "$tmp/check/"
run "npm ci (check/package-lock.json)" \
  bash -c 'cd "$1" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error' _ "$tmp/check" || finish
for o in "${rendered[@]}"; do
  node "$tmp/check/validate.mjs" "$tmp/$o.yaml" "$repo" > "$tmp/validate.out" 2>&1
  rc=$?
  while IFS= read -r line; do
    case "$line" in
      "ok    "*) passed=$((passed + 1)); printf 'ok    overlays/%s: %s\n' "$o" "${line#ok    }" ;;
      "FAIL  "*) failed=$((failed + 1)); printf 'FAIL  overlays/%s: %s\n' "$o" "${line#FAIL  }" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done < "$tmp/validate.out"
  # A validator that crashed before reporting a failure still fails the run.
  if [ "$rc" != 0 ] && ! grep -q '^FAIL' "$tmp/validate.out"; then
    failed=$((failed + 1))
    printf 'FAIL  overlays/%s: check/validate.mjs exited %s\n' "$o" "$rc"
  fi
done
finish
