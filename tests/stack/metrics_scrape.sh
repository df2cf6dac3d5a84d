# shellcheck shell=bash
# The scrape test (issue 20): after a run against the stack of tests/stack/stack.sh, scrapes
# every service's /metrics and fails if any metric family that a dashboard or an alert of
# deploy/monitoring uses is missing from a service that should export it
# (deploy/monitoring/metrics.txt says which; recording rules and the names made outside the
# services, such as up, are left out). Each missing name is listed with its services.
# Source it after stack.sh, then, while the stack runs:
#
#   stack_metrics_scrape_check   # returns 1 (and says what is missing) when a name is missing
#
# tests/api/run.sh runs it after the API tests (ctest api_http), when every service has
# answered calls. A counter with labels has no series until its first event, so a family
# that the code registers but never touched is missing here: the services should make the
# children they know at start (docs/operations.md, "Metrics").

# shellcheck disable=SC2154  # EVENTS_ROOT, STACK_DIR and _stack_pids come from lib.sh and stack.sh
# _stack_metrics_port PID: the EVENTS_METRICS_PORT the server of PID was started with (stack.sh
# gives each a free one and keeps no list; the process's environment has it).
_stack_metrics_port() {
  tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null | sed -n 's/^EVENTS_METRICS_PORT=//p'
}

stack_metrics_scrape_check() {
  local dir="$STACK_DIR/metrics" pid port exe job scraped=0
  mkdir -p "$dir"
  for pid in "${_stack_pids[@]}"; do
    port="$(_stack_metrics_port "$pid")"
    [[ -n "$port" ]] || continue # the mail sink
    exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
    job="$(basename "${exe%_server}")"
    if ! curl -fsS --max-time 10 -o "$dir/$job.txt" "http://127.0.0.1:$port/metrics"; then
      printf 'FAIL: could not scrape %s (pid %s) at http://127.0.0.1:%s/metrics\n' "$job" "$pid" "$port" >&2
      return 1
    fi
    scraped=$((scraped + 1))
  done
  ((scraped > 0)) || { echo "FAIL: found no service to scrape" >&2; return 1; }
  python3 "$EVENTS_ROOT/tests/ops/monitoring.py" scrape-check "$dir"
}
