#!/usr/bin/env bash
# The alert and recording rules of deploy/monitoring, offline (ctest ops_rules): `promtool
# check rules` on the rules file and on the PrometheusRule's copy of them, then `promtool
# test rules` on the unit tests in deploy/monitoring/rules/tests/ (each alert fires when it
# should, with its labels and annotations, and stays quiet when it should).
#
#   tests/ops/rules.sh
#
# promtool comes with Debian's prometheus package (./scripts/install-deps installs it).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

command -v promtool >/dev/null 2>&1 ||
  fail "promtool is not installed: it comes with Debian's prometheus package (./scripts/install-deps)"
command -v python3 >/dev/null 2>&1 || fail "python3 is not installed (./scripts/install-deps)"

mon="$EVENTS_ROOT/deploy/monitoring"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/events-ops-rules.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

promtool check rules "$mon/rules/events.rules.yaml"
# The PrometheusRule's spec is a rules file of its own: the operator hands it to Prometheus.
python3 -c 'import sys, yaml
yaml.safe_dump(yaml.safe_load(open(sys.argv[1]))["spec"], open(sys.argv[2], "w"))' \
  "$mon/prometheus-rule.yaml" "$tmp/prometheus-rule-spec.yaml"
promtool check rules "$tmp/prometheus-rule-spec.yaml"
# promtool reads each test's rule_files relative to the test file.
promtool test rules "$mon"/rules/tests/*.test.yaml
