#!/usr/bin/env bash
# One registration followed by its trace id across the platform (ctest trace_registration,
# docs/operations.md "Trace context"): starts a stack of its own (tests/stack/stack.sh), a
# webhook receiver subscribed to registrations, and registers through the web tier's HTTP
# API with a traceparent of its own choosing. Then the trace id must be on:
#   - the web tier's request line (web.log),
#   - registration's access line for Register (registration.log),
#   - integrations' "webhook delivered" line (integrations.log),
#   - notifications' "e-mail sent" line (notifications.log),
#   - the traceparent header the webhook receiver got;
# and each consumer line must be a new span of that trace, not the web tier's. The test
# fails naming each one that is missing.
#
#   tests/api/trace_run.sh               # what ctest runs (EVENTS_BUILD_DIR: the build)
#   TRACE_TEST_KEEP=1 tests/api/trace_run.sh   # keeps the logs folder (printed at the end)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/stack/stack.sh
source "$EVENTS_ROOT/tests/stack/stack.sh"

export STACK_KEEP="${TRACE_TEST_KEEP:-0}"
# info is enough: every line this test looks for is at info.
export STACK_LOG_LEVEL=info
# The receiver is plain http on 127.0.0.1.
export INTEGRATIONS_ALLOW_HTTP_LOOPBACK=true
stack_start trace

boot="$(stack_bootstrap "Trace Test Organisation")"
EVENTS_API_KEY="$(sed -n 's/^EVENTS_API_KEY=//p' <<<"$boot")"
export EVENTS_API_KEY

# The receiver (scripts/webhook-receiver) logs one JSON line per request, with the
# traceparent header it got.
receiver_log="$STACK_DIR/receiver.jsonl"
python3 "$EVENTS_ROOT/scripts/webhook-receiver" --port 0 --port-file "$STACK_DIR/receiver.port" \
  --secret-file "$STACK_DIR/receiver.secret" --log "$receiver_log" \
  >"$STACK_DIR/receiver.log" 2>&1 </dev/null &
_stack_pids+=($!)
wait_for_file() {
  local deadline=$((EPOCHSECONDS + 15))
  until [[ -s "$1" ]]; do
    ((EPOCHSECONDS < deadline)) || return 1
    sleep 0.1
  done
}
wait_for_file "$STACK_DIR/receiver.port" || fail "the webhook receiver did not start"
receiver_port="$(cat "$STACK_DIR/receiver.port")"

out="$("$EVENTCTL" webhooks add "http://127.0.0.1:$receiver_port/hooks" --type 'registration.*' \
  --description "trace test receiver")" || fail "eventctl webhooks add failed: $out"
secret="$(sed -n 's/^  \(whsec_.*\)$/\1/p' <<<"$out")"
[[ -n "$secret" ]] || fail "eventctl webhooks add printed no secret: $out"
(umask 077 && printf '%s\n' "$secret" >"$STACK_DIR/receiver.secret")
(umask 077 && printf '%s\n' "$secret" >>"$STACK_DIR/secrets")

day="$(date -d '+10 days' +%F)"
event="$("$EVENTCTL" create --title "Trace test webinar" --description "Followed by its trace." \
  --start "${day}T10:00" --end "${day}T11:00" --zone Europe/London --mode online \
  --capacity 10 --join-link "https://meet.example.org/trace" -q)" || fail "eventctl create failed"
"$EVENTCTL" publish "$event" >/dev/null || fail "eventctl publish $event failed"

# Registration learns of the publication from scheduling's events: retry while it is not
# open yet (a 4xx), as a person would.
trace="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
parent="00f067aa0ba902b7"
answer="$STACK_DIR/register.json"
deadline=$((EPOCHSECONDS + 20))
until status="$(curl -sS -o "$answer" -w '%{http_code}' -X POST \
  -H "traceparent: 00-$trace-$parent-01" -H 'Content-Type: application/json' \
  -d '{"name": "Trace Tester", "email": "trace.tester@example.org"}' \
  "${STACK_WEB_URL/localhost/127.0.0.1}/api/v1/events/$event/registrations")" &&
  [[ "$status" == 200 ]]; do
  ((EPOCHSECONDS < deadline)) || fail "registering answered $status: $(cat "$answer")"
  sleep 0.3
done
info "registered with trace $trace"

# found FILE PATTERN...: the lines of FILE with the trace id and every fixed string given.
found() {
  local file="$1" line
  shift
  line="$(grep -F "\"trace_id\":\"$trace\"" "$file" 2>/dev/null || true)"
  for pattern in "$@"; do line="$(grep -F -- "$pattern" <<<"$line" || true)"; done
  printf '%s' "$line"
}

# The side effects happen after the answer (a consumer, then a dispatcher): wait for them.
declare -A where=(
  [web]="web.log|\"msg\":\"request\""
  [registration]="registration.log|\"rpc\":\"/events.v1.RegistrationService/Register\""
  [integrations]="integrations.log|\"msg\":\"webhook delivered\""
  [notifications]="notifications.log|\"msg\":\"e-mail sent\""
)
declare -A lines=()
deadline=$((EPOCHSECONDS + 30))
while :; do
  missing=()
  for name in web registration integrations notifications; do
    file="${where[$name]%%|*}"
    lines[$name]="$(found "$STACK_DIR/$file" "${where[$name]#*|}")"
    [[ -n "${lines[$name]}" ]] || missing+=("$name: no line with trace_id $trace and ${where[$name]#*|} in $file")
  done
  header="$(grep -F "\"traceparent\": \"00-$trace-" "$receiver_log" 2>/dev/null || true)"
  [[ -n "$header" ]] || missing+=("the webhook receiver got no request with a traceparent header of trace $trace (${receiver_log##*/})")
  ((${#missing[@]} == 0 || EPOCHSECONDS >= deadline)) && break
  sleep 0.3
done

rc=0
for m in "${missing[@]}"; do
  printf 'FAIL: %s\n' "$m" >&2
  rc=1
done
# The consumers' work is a child of the call that wrote the event, not the web tier's span
# again: each line has a span of its own and a parent.
for name in integrations notifications; do
  [[ -n "${lines[$name]}" ]] || continue
  if grep -qF "\"span_id\":\"$parent\"" <<<"${lines[$name]}"; then
    printf 'FAIL: %s reuses the caller'"'"'s span id: %s\n' "$name" "${lines[$name]}" >&2
    rc=1
  fi
done
if ((rc == 0)); then
  info "trace $trace found on web, registration, integrations (webhook delivered), notifications (e-mail sent) and the receiver's traceparent header"
fi
exit "$rc"
