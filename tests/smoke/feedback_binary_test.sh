#!/usr/bin/env bash
# Starts the real feedback_server binary the way an operator would (environment only): a
# missing service key stops it with a message saying what to set; with one it reports
# SERVING, lists its API by reflection, answers an organiser's calls (a malformed event id is
# INVALID_ARGUMENT; an unknown one needs scheduling, which is not running here, so the answer
# names EVENTS_SCHEDULING_ADDR), exposes its metrics and exits cleanly on SIGTERM.
# Usage: feedback_binary_test.sh <feedback_server> <eventctl>; needs EVENTS_TEST_REDIS_URL.
set -euo pipefail
server_bin=$1
eventctl=$2
# shellcheck source=tests/smoke/smoke_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/smoke_lib.sh"
smoke_init feedback

status=0
env -u EVENTS_SERVICE_KEY "$server_bin" >"$log" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "without EVENTS_SERVICE_KEY the exit status was $status, not 2"
grep -q "EVENTS_SERVICE_KEY" "$log" || fail "the message does not name EVENTS_SERVICE_KEY"
status=0
FEEDBACK_MIN_GROUP=0 EVENTS_SERVICE_KEY=evk_x "$server_bin" >"$log" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "FEEDBACK_MIN_GROUP=0 was accepted (exit status $status)"
grep -q "FEEDBACK_MIN_GROUP" "$log" || fail "the message does not name FEEDBACK_MIN_GROUP"
status=0
FEEDBACK_ANONYMITY_KEY=short EVENTS_SERVICE_KEY=evk_x "$server_bin" >"$log" 2>&1 || status=$?
[[ "$status" -eq 2 ]] || fail "a 5-character FEEDBACK_ANONYMITY_KEY was accepted (exit status $status)"
grep -q "FEEDBACK_ANONYMITY_KEY" "$log" || fail "the message does not name FEEDBACK_ANONYMITY_KEY"

EVENTS_SERVICE_KEY=evk_not_checked_at_start EVENTS_SCHEDULING_ADDR=127.0.0.1:1 \
  FEEDBACK_PEER_DEADLINE_MS=300 "$server_bin" >"$log" 2>&1 &
pid=$!
expect_serving feedback events.v1.FeedbackService

eval "$("$eventctl" admin bootstrap --org-name "Smoke Test Org" --format env)"
[[ -n "${EVENTS_API_KEY:-}" ]] || fail "bootstrap printed no key"
if "$eventctl" --key "$EVENTS_API_KEY" feedback --feedback-server "$addr" report ev_01J9ABCDEFGHJKMNPQRSTVWXYZ \
  2>"$work/err"; then
  fail "a report of an event nobody knows worked"
fi
grep -q "EVENTS_SCHEDULING_ADDR" "$work/err" || fail "no helpful message: $(cat "$work/err")"
if "$eventctl" --key "$EVENTS_API_KEY" feedback --feedback-server "$addr" report nope 2>"$work/err"; then
  fail "a malformed event id was accepted"
fi
grep -q "event_id" "$work/err" || fail "the message does not name event_id: $(cat "$work/err")"

metrics=$(curl -fsS "http://127.0.0.1:$metrics_port/metrics") || fail "no /metrics"
grep -q 'events_feedback_responses_total' <<<"$metrics" || fail "/metrics has no feedback counters"
grep -q 'grpc_server_handled_total{grpc_code="INVALID_ARGUMENT",grpc_method="GetReport"' \
  <<<"$metrics" || fail "/metrics has no INVALID_ARGUMENT counter for GetReport"

# Every platform metric of issue 20 (docs/operations.md, "Metrics"): feedback runs a consumer
# group and a delayed-job queue, so it has them all.
platform_metrics=(
  process_cpu_seconds_total process_resident_memory_bytes process_virtual_memory_bytes
  process_open_fds process_max_fds process_threads process_start_time_seconds
  events_build_info events_metrics_scrape_duration_seconds_count
  events_redis_up events_redis_pool_connections events_redis_pool_waits_total
  events_redis_pool_wait_seconds_count events_redis_errors_total
  events_redis_script_duration_seconds_count
  events_consumer_lag events_consumer_pending events_consumer_oldest_pending_seconds
  events_consumer_redeliveries_total events_consumer_dead_letters_total
  events_dead_letter_entries
  events_delayed_jobs_due events_delayed_jobs_overdue events_delayed_jobs_fired_total
)
for name in "${platform_metrics[@]}"; do
  grep -qE "^${name}(\{| )" <<<"$metrics" || fail "/metrics has no $name"
done
grep -q 'events_build_info{service="feedback",version=' <<<"$metrics" ||
  fail "events_build_info does not name the service"
grep -q 'events_consumer_lag{group="feedback"}' <<<"$metrics" ||
  fail "events_consumer_lag has no series for the feedback group"
grep -q 'events_delayed_jobs_due{queue="feedback-window"}' <<<"$metrics" ||
  fail "events_delayed_jobs_due has no series for the feedback-window queue"
grep -qE '^events_redis_up 1$' <<<"$metrics" || fail "events_redis_up is not 1"

stop_server
grep -q "feedback stopped" "$log" || fail "did not log its stop"
drop_keys
echo "feedback_server smoke test: 1 passed, 0 failed"
