#!/usr/bin/env bash
# The HTTP/JSON API tests (ctest api_http, label "api"): starts a stack of its own
# (tests/stack/stack.sh: a throwaway redis-server, the mail sink, the services and the web
# service on free loopback ports), makes two organisations with eventctl, runs the gtest
# binary api_http_test against it with the addresses and keys in its environment, checks
# that no service logged personal data or a secret on the way (tests/stack/log_privacy.sh)
# and that every metric the dashboards and alerts use is exported
# (tests/stack/metrics_scrape.sh), and always stops everything again.
#
#   tests/api/run.sh                          # what ctest runs (EVENTS_BUILD_DIR: the build)
#   tests/api/run.sh --gtest_filter='Hostile*' # arguments go to the gtest binary
#   API_TEST_KEEP=1 tests/api/run.sh          # keeps the logs folder (printed at the end)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/stack/stack.sh
source "$EVENTS_ROOT/tests/stack/stack.sh"
# shellcheck source=tests/stack/log_privacy.sh
source "$EVENTS_ROOT/tests/stack/log_privacy.sh"
# shellcheck source=tests/stack/metrics_scrape.sh
source "$EVENTS_ROOT/tests/stack/metrics_scrape.sh"

binary="$EVENTS_BUILD_DIR/tests/api/api_http_test"
[[ -x "$binary" ]] || fail "$binary is not built"
export STACK_KEEP="${API_TEST_KEEP:-0}"
# Every line the services can write, for the privacy check at the end.
export STACK_LOG_LEVEL=debug
stack_start api

# org_setting BOOT NAME: the value of NAME=... in eventctl's env output.
org_setting() { sed -n "s/^$2=//p" <<<"$1"; }
org_a="$(stack_bootstrap "API Test Organisation A")"
org_b="$(stack_bootstrap "API Test Organisation B")"
API_TEST_ORG_A_ID="$(org_setting "$org_a" EVENTS_ORG_ID)"
API_TEST_ORG_A_KEY="$(org_setting "$org_a" EVENTS_API_KEY)"
API_TEST_ORG_B_ID="$(org_setting "$org_b" EVENTS_ORG_ID)"
API_TEST_ORG_B_KEY="$(org_setting "$org_b" EVENTS_API_KEY)"
export API_TEST_ORG_A_ID API_TEST_ORG_A_KEY API_TEST_ORG_B_ID API_TEST_ORG_B_KEY
export API_TEST_WEB_URL="${STACK_WEB_URL/localhost/127.0.0.1}"

# json_field LINE NAME: the string value of member NAME of a flat JSON log line ("" if none).
json_field() { sed -n "s/.*\"$2\":\"\([^\"]*\)\".*/\1/p" <<<"$1"; }

# One request followed across processes (docs/operations.md, "Trace context"): a page of the
# web tier that calls scheduling, asked once with a traceparent and once without one. The
# web tier's request line and scheduling's call line must carry the same trace_id: the
# caller's, or a fresh valid one.
check_trace_across_processes() {
  local trace parent="00f067aa0ba902b7" web_line sched_line fresh
  trace="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  curl -fsS -o /dev/null -H "traceparent: 00-$trace-$parent-01" -H "X-Request-Id: trace-given" \
    "$STACK_WEB_URL/" || { warn "GET / failed"; return 1; }
  curl -fsS -o /dev/null -H "X-Request-Id: trace-fresh" "$STACK_WEB_URL/" ||
    { warn "GET / failed"; return 1; }
  # Each line is written before its answer goes out, so both are there by now.
  web_line="$(grep -F '"request_id":"trace-given"' "$STACK_DIR/web.log" | grep -F '"msg":"request"' || true)"
  sched_line="$(grep -F '"request_id":"trace-given"' "$STACK_DIR/scheduling.log" |
    grep -F '"rpc":"/events.v1.SchedulingService/ListUpcomingEvents"' || true)"
  if [[ "$(json_field "$web_line" trace_id)" != "$trace" ||
    "$(json_field "$web_line" parent_span_id)" != "$parent" ||
    "$(json_field "$sched_line" trace_id)" != "$trace" ]]; then
    printf 'FAIL: the trace %s sent to the web tier is not in its line and scheduling'"'"'s:\n  web: %s\n  scheduling: %s\n' \
      "$trace" "$web_line" "$sched_line" >&2
    return 1
  fi
  web_line="$(grep -F '"request_id":"trace-fresh"' "$STACK_DIR/web.log" | grep -F '"msg":"request"' || true)"
  sched_line="$(grep -F '"request_id":"trace-fresh"' "$STACK_DIR/scheduling.log" |
    grep -F '"rpc":"/events.v1.SchedulingService/ListUpcomingEvents"' || true)"
  fresh="$(json_field "$web_line" trace_id)"
  if ! [[ "$fresh" =~ ^[0-9a-f]{32}$ && "$fresh" != 00000000000000000000000000000000 &&
    "$(json_field "$sched_line" trace_id)" == "$fresh" ]]; then
    printf 'FAIL: a request without traceparent has no fresh trace shared with scheduling:\n  web: %s\n  scheduling: %s\n' \
      "$web_line" "$sched_line" >&2
    return 1
  fi
  info "trace: web -> scheduling carried a given trace and a fresh one"
}

rc=0
"$binary" "$@" || rc=$?
check_trace_across_processes || { ((rc != 0)) || rc=1; }
# The people the samples register and the members they invite (tests/api/world.cc,
# samples_*.cc; their e-mail addresses are found as e-mail addresses), and the keys.
stack_log_privacy_check "Kai Moss" "Sam Rivers" "Sam R." "Noor Haddad" "Robin Reader" \
  "Ana Okafor" "Api Test Person" "Ivy" "$API_TEST_ORG_A_KEY" "$API_TEST_ORG_B_KEY" ||
  { ((rc != 0)) || rc=1; }
# Every metric the dashboards and alerts use exists on the services (deploy/monitoring).
stack_metrics_scrape_check || { ((rc != 0)) || rc=1; }
exit "$rc"
