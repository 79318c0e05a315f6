#!/usr/bin/env bash
# Lints real scrapes with `promtool check metrics` (issue 5, item 6): every finding fails.
# Usage: prometheus/check-metrics.sh URL...
#   e.g. prometheus/check-metrics.sh http://127.0.0.1:9466/metrics http://127.0.0.1:9467/metrics
# Prints each URL's findings, then "metrics checks: N passed, M failed"; exits non-zero on any
# failure (unreachable URL, non-2xx answer, empty body, or any promtool finding).
set -u
if [ $# -eq 0 ]; then
  echo "usage: $0 URL..." >&2
  exit 2
fi
command -v promtool >/dev/null 2>&1 || { echo "promtool not found (apt-get install -y prometheus)" >&2; exit 1; }

passed=0
failed=0
body="$(mktemp)"
trap 'rm -f "$body"' EXIT
for url in "$@"; do
  # text format: promtool check metrics reads the Prometheus text exposition format
  if ! curl -fsS --max-time 30 -H 'Accept: text/plain;version=0.0.4' -o "$body" "$url"; then
    failed=$((failed + 1)); echo "FAIL  $url (scrape failed)"; continue
  fi
  if [ ! -s "$body" ]; then
    failed=$((failed + 1)); echo "FAIL  $url (empty body)"; continue
  fi
  if findings="$(promtool check metrics <"$body" 2>&1)" && [ -z "$findings" ]; then
    passed=$((passed + 1)); echo "ok    $url ($(grep -c '^# TYPE' "$body") metric families)"
  else
    failed=$((failed + 1)); echo "FAIL  $url"; printf '%s\n' "$findings" | sed 's/^/      /'
  fi
done
echo "metrics checks: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
