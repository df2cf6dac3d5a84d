#!/usr/bin/env bash
# Starts the real scheduling_server binary the way an operator would (environment only),
# and checks what ./scripts/run and Kubernetes rely on: health SERVING, reflection, a real
# call with a bootstrapped key, RPC counters on /metrics, and a clean exit on SIGTERM.
# Usage: scheduling_binary_test.sh <scheduling_server> <eventctl>; needs EVENTS_TEST_REDIS_URL.
set -euo pipefail
server_bin=$1
eventctl=$2
# shellcheck source=tests/smoke/smoke_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/smoke_lib.sh"
smoke_init scheduling
"$server_bin" >"$log" 2>&1 &
pid=$!
expect_serving scheduling events.v1.SchedulingService

eval "$("$eventctl" admin bootstrap --org-name "Smoke Test Org" --format env)"
[[ -n "${EVENTS_API_KEY:-}" ]] || fail "bootstrap printed no key"
id=$("$eventctl" --server "$addr" --key "$EVENTS_API_KEY" create -q --title "Smoke webinar" \
  --start 2037-06-01T10:00 --end 2037-06-01T11:00 --zone Europe/London --capacity 10)
[[ $id == ev_* ]] || fail "create printed '$id', not an event id"
"$eventctl" --server "$addr" --key "$EVENTS_API_KEY" publish "$id" >/dev/null || fail "publish failed"
"$eventctl" --server "$addr" list --upcoming | grep -q "$id" || fail "not listed as upcoming"
if "$eventctl" --server "$addr" publish "$id" 2>"$work/err"; then fail "publish without a key worked"; fi
grep -q "API key" "$work/err" || fail "no helpful message without a key: $(cat "$work/err")"

metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || fail "no /metrics"
grep -q 'grpc_server_handled_total{grpc_code="OK",grpc_method="CreateEvent"' <<<"$metrics" ||
  fail "/metrics has no CreateEvent counter"
grep -q 'grpc_server_handled_total{grpc_code="UNAUTHENTICATED",grpc_method="PublishEvent"' <<<"$metrics" ||
  fail "/metrics has no UNAUTHENTICATED counter"

stop_server
grep -q "NOT_SERVING" "$log" || fail "did not report NOT_SERVING before stopping"
drop_keys
echo "scheduling_server smoke test: 1 passed, 0 failed"
