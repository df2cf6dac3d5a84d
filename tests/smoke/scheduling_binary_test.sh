#!/usr/bin/env bash
# Starts the real scheduling_server binary the way an operator would (environment only),
# and checks what ./scripts/run and Kubernetes rely on: health SERVING, reflection, a real
# call with a bootstrapped key, RPC counters on /metrics, and a clean exit on SIGTERM.
# Usage: scheduling_binary_test.sh <scheduling_server> <eventctl>; needs EVENTS_TEST_REDIS_URL.
set -euo pipefail
server_bin=$1
eventctl=$2
: "${EVENTS_TEST_REDIS_URL:?EVENTS_TEST_REDIS_URL is not set: run ./scripts/test}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fail() { echo "FAIL: $*" >&2; [ -f "$log" ] && tail -20 "$log" >&2; exit 1; }

work=$(mktemp -d)
log=$work/scheduling.log
grpc_port=$(free_port)
metrics_port=$(free_port)
prefix="smoke:$$:$RANDOM:"
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

export EVENTS_REDIS_URL=$EVENTS_TEST_REDIS_URL EVENTS_REDIS_KEY_PREFIX=$prefix
EVENTS_GRPC_PORT=$grpc_port EVENTS_METRICS_PORT=$metrics_port EVENTS_LISTEN_HOST=127.0.0.1 \
  "$server_bin" >"$log" 2>&1 &
pid=$!

addr=127.0.0.1:$grpc_port
"$eventctl" health --server "$addr" --wait 20 >/dev/null || fail "scheduling never became SERVING"
"$eventctl" health --server "$addr" --service events.v1.SchedulingService >/dev/null ||
  fail "events.v1.SchedulingService is not SERVING"
"$eventctl" reflect --server "$addr" | grep -qx 'events.v1.SchedulingService' ||
  fail "reflection does not list events.v1.SchedulingService"

eval "$("$eventctl" admin bootstrap --org-name "Smoke Test Org" --format env)"
[ -n "${EVENTS_API_KEY:-}" ] || fail "bootstrap printed no key"
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

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
grep -q "NOT_SERVING" "$log" || fail "did not report NOT_SERVING before stopping"
redis-cli -u "$EVENTS_TEST_REDIS_URL" --scan --pattern "${prefix}*" | xargs -r redis-cli -u "$EVENTS_TEST_REDIS_URL" del >/dev/null
echo "scheduling_server smoke test: 1 passed, 0 failed"
