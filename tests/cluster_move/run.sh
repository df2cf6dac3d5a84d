#!/usr/bin/env bash
# From one Redis to a cluster (docs/scaling.md, "From one Redis to a cluster"), as an
# operator would do it (ctest cluster_move, label "cluster"):
#   1. a stack of its own (tests/stack/stack.sh) on one redis-server, filled through the
#      services: events published (reminder jobs), registrations (confirmed and waiting),
#      accessibility requests (their jobs), surveys (their window jobs), the domain events
#      on the partition streams with the services' consumer groups, and one group left
#      with entries pending;
#   2. the services stopped (nothing may write during the move);
#   3. a local cluster of 3 primaries (scripts/cluster_lib.sh), and
#      redis-cli --cluster import ... --cluster-from ... --cluster-copy;
#   4. tests/cluster_move/verify_move.py: every key on the primary that owns its hash tag's
#      slot, with the same type, DUMP, TTL, consumer groups and pending entries.
#
#   tests/cluster_move/run.sh        # MOVE_TEST_KEEP=1 keeps the logs folder
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/stack/stack.sh
source "$EVENTS_ROOT/tests/stack/stack.sh"
# shellcheck source=scripts/cluster_lib.sh
source "$EVENTS_ROOT/scripts/cluster_lib.sh"

export STACK_KEEP="${MOVE_TEST_KEEP:-0}"
stack_start cluster-move
# The cluster goes when the stack goes, whatever the outcome; the exit code stays the
# script's (stack_stop exits with the status it finds).
move_stop() {
  local rc=$?
  cluster_stop
  (exit "$rc")
  stack_stop
}
trap move_stop EXIT
source_port="${STACK_REDIS_URL##*:}"
source_port="${source_port%%/*}"

# --- 1. Data, through the services ----------------------------------------------------------
boot="$(stack_bootstrap "Move Organisation")"
EVENTS_API_KEY="$(sed -n 's/^EVENTS_API_KEY=//p' <<<"$boot")"
export EVENTS_API_KEY
day="$(date -d '+30 days' +%F)"
tokens=()
for n in 1 2 3 4 5 6; do
  event="$("$EVENTCTL" create -q --title "Move webinar $n" --start "${day}T1$n:00" \
    --end "${day}T1$n:45" --zone Europe/London --capacity 3 \
    --join-link "https://meet.example.org/move-$n")" || fail "eventctl create failed"
  "$EVENTCTL" publish "$event" >/dev/null || fail "eventctl publish $event failed"
  "$EVENTCTL" feedback survey edit "$event" --window-days 14 >/dev/null ||
    fail "eventctl feedback survey edit $event failed"
  for a in 1 2 3 4; do  # three confirmed, one waiting
    token="$("$EVENTCTL" register "$event" -q --name "Attendee $n-$a" \
      --email "attendee-$n-$a@example.org")" || fail "eventctl register $event failed"
    tokens+=("$token")
  done
  "$EVENTCTL" access request submit --token "${tokens[-4]}" --need bsl_interpreter \
    --details "Interpreter on screen, please" --consent >/dev/null ||
    fail "eventctl access request submit failed"
done
note "6 events, 24 registrations, 6 accessibility requests, 6 surveys"

rcli() { redis-cli -p "$source_port" "$@"; }
# Until every group of the services has read every stream to its end, so what moves is what
# a running installation holds (the consumers read within a second or so).
deadline=$((EPOCHSECONDS + 60))
until [[ "$(rcli --no-raw eval "
  local behind = 0
  for p = 0, $((STACK_PARTITIONS - 1)) do
    local s = '{p' .. p .. '}:events'
    if redis.call('EXISTS', s) == 1 then
      for _, g in ipairs(redis.call('XINFO', 'GROUPS', s)) do
        for i = 1, #g, 2 do
          if g[i] == 'lag' and g[i + 1] ~= 0 then behind = behind + 1 end
        end
      end
    end
  end
  return behind" 0)" == "(integer) 0" ]]; do
  ((EPOCHSECONDS < deadline)) || fail "the services' consumers did not catch up in 60 s"
  sleep 0.5
done
# A group with entries read and never acknowledged: pending entries must move too.
stream=""
for candidate in $(rcli --scan --pattern '{p*}:events'); do
  if (("$(rcli xlen "$candidate")" >= 2)); then
    stream="$candidate"
    break
  fi
done
[[ -n "$stream" ]] || fail "no partition stream holds two entries"
rcli xgroup create "$stream" move-check 0 >/dev/null
rcli xreadgroup group move-check checker count 2 streams "$stream" '>' >/dev/null
[[ "$(rcli xpending "$stream" move-check | head -n1)" -ge 1 ]] ||
  fail "no pending entry in $stream for the group move-check"

# --- 2. The services stop: nothing writes during the move ------------------------------------
# (the stack's own list of what it started; Redis stays up)
for pid in "${_stack_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
for pid in "${_stack_pids[@]}"; do wait_for_exit "$pid" 15 || fail "pid $pid did not stop"; done
_stack_pids=()
keys="$(rcli dbsize)"
note "the services are stopped; the source holds $keys keys"

# --- 3. The move --------------------------------------------------------------------------------
cluster_start "$STACK_DIR/cluster" 3 0
info "redis-cli --cluster import into 3 primaries (${cluster_ports[*]})"
import_started="$(date +%s%N)"
redis-cli --cluster import "127.0.0.1:${cluster_ports[0]}" \
  --cluster-from "127.0.0.1:$source_port" --cluster-copy >"$STACK_DIR/import.log" 2>&1 || {
  tail -n 20 "$STACK_DIR/import.log" >&2
  fail "redis-cli --cluster import failed"
}
note "copied $keys keys in $((($(date +%s%N) - import_started) / 1000000)) ms"

# --- 4. The check --------------------------------------------------------------------------------
nodes_csv="$(printf '127.0.0.1:%s,' "${cluster_ports[@]}")"
python3 "$EVENTS_ROOT/tests/cluster_move/verify_move.py" --source "127.0.0.1:$source_port" \
  --cluster "${nodes_csv%,}"
