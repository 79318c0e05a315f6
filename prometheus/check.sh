#!/usr/bin/env bash
# Checks the Prometheus and Alertmanager configuration of Token Monitor:
#   1. promtool check config  prometheus.yml      (also checks the rule files it loads)
#   2. promtool check rules   rules/*.yml fleet/*.yml (with lint errors fatal; fleet/ is the
#                                                  example fleet budget, not loaded by prometheus.yml)
#   3. promtool test rules    tests/*.yml         (one check per test file)
#   4. amtool check-config    alertmanager.yml
#   5. coverage: every recording rule is checked by a test, every alert is tested firing and
#      not firing
# Works from any directory. Needs promtool and amtool (Debian packages prometheus and
# prometheus-alertmanager). Exits non-zero if any check fails; the last line reads
# "prometheus checks: N passed, M failed".
set -u

dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
passed=0
failed=0
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

# run NAME COMMAND...: runs the command, prints one line, shows the output only on failure.
run() {
  local name="$1"; shift
  if "$@" >"$out" 2>&1; then
    passed=$((passed + 1))
    printf 'ok    %s\n' "$name"
  else
    failed=$((failed + 1))
    printf 'FAIL  %s\n' "$name"
    sed 's/^/      /' "$out"
  fi
}

for tool in promtool amtool; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check.sh: $tool not found (apt-get install -y prometheus prometheus-alertmanager)" >&2
    echo "prometheus checks: 0 passed, 1 failed"
    exit 1
  fi
done

# 1. The config, and that its rule_files glob (relative to the config file) finds the rules.
run "promtool check config prometheus.yml" \
  bash -c 'o="$(promtool check config "$1" 2>&1)"; rc=$?; printf "%s\n" "$o";
           [ $rc -eq 0 ] || exit $rc;
           printf "%s\n" "$o" | grep -Eq "SUCCESS: [1-9][0-9]* rule files found" \
             || { echo "no rule files found by rule_files"; exit 1; }' _ "$dir/prometheus.yml"

# 2. The rule files on their own, lint errors (duplicate rules) fatal.
run "promtool check rules rules/*.yml fleet/*.yml" \
  promtool check rules --lint=all --lint-fatal "$dir"/rules/*.yml "$dir"/fleet/*.yml

# 3. Unit tests, one check per file (rule_files inside are relative to the test file).
for t in "$dir"/tests/*.yml; do
  run "promtool test rules tests/$(basename "$t")" promtool test rules "$t"
done

# 4. Alertmanager config. amtool does not open credentials_file, so the real path
#    /etc/alertmanager/secrets/bridge_token need not exist here.
run "amtool check-config alertmanager.yml" amtool check-config "$dir/alertmanager.yml"

# 5. Coverage of the rule tests.
coverage() {
  local missing=0 name
  # every recording rule name appears as `expr: <name>` in a test
  for name in $(sed -n 's/^ *- record: *\([^ ]*\).*/\1/p' "$dir"/rules/*.yml "$dir"/fleet/*.yml | sort -u); do
    if ! grep -Eq "^ *- expr: *${name}( |$)" "$dir"/tests/*.yml; then
      echo "recording rule $name has no value check in tests/"; missing=1
    fi
  done
  # every alert has a test where it fires and one where it does not
  for name in $(sed -n 's/^ *- alert: *\([^ ]*\).*/\1/p' "$dir"/rules/*.yml "$dir"/fleet/*.yml | sort -u); do
    awk -v a="$name" '
      /^ *- alertname:/ { cur = ($3 == a) }
      cur && /exp_alerts: *\[\]/ { quiet = 1 }
      cur && /- exp_labels:/ { fires = 1 }
      END { exit !(quiet && fires) }' "$dir"/tests/*.yml \
      || { echo "alert $name is not tested both firing and not firing"; missing=1; }
  done
  return $missing
}
run "every recording rule and alert covered by tests" coverage

echo "prometheus checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
