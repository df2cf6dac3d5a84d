# shellcheck shell=bash
# Shared by the *_binary_test.sh smoke tests, which start a real service binary the way an
# operator would (environment only). Sourced, after `set -euo pipefail`; the caller sets
# `eventctl` (the eventctl binary) and, once started, `pid` (the server's).

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
fail() { echo "FAIL: $*" >&2; [[ -n "${log:-}" && -f "$log" ]] && tail -20 "$log" >&2; exit 1; }

# smoke_init NAME: a work folder and NAME's log in it, free gRPC and metrics ports, a key
# prefix of its own on the test Redis (EVENTS_TEST_REDIS_URL), exported as the EVENTS_*
# variables the binary reads; the server started later (pid) is killed on exit.
smoke_init() {
  : "${EVENTS_TEST_REDIS_URL:?EVENTS_TEST_REDIS_URL is not set: run ./scripts/test}"
  work=$(mktemp -d)
  log=$work/$1.log
  grpc_port=$(free_port)
  metrics_port=$(free_port)
  prefix="smoke:$$:$RANDOM:"
  pid=""
  trap 'if [[ -n "$pid" ]]; then kill -9 "$pid" 2>/dev/null || true; fi; rm -rf "$work"' EXIT
  export EVENTS_REDIS_URL=$EVENTS_TEST_REDIS_URL EVENTS_REDIS_KEY_PREFIX=$prefix
  export EVENTS_GRPC_PORT=$grpc_port EVENTS_METRICS_PORT=$metrics_port EVENTS_LISTEN_HOST=127.0.0.1
  addr=127.0.0.1:$grpc_port
}

# expect_serving NAME GRPC_SERVICE: health SERVING (waiting up to 20 s), for GRPC_SERVICE
# too, and GRPC_SERVICE listed by reflection.
expect_serving() {
  # shellcheck disable=SC2154  # eventctl is the caller's
  "$eventctl" health --server "$addr" --wait 20 >/dev/null || fail "$1 never became SERVING"
  "$eventctl" health --server "$addr" --service "$2" >/dev/null || fail "$2 is not SERVING"
  "$eventctl" reflect --server "$addr" | grep -qx "$2" || fail "reflection does not list $2"
}

# stop_server: SIGTERM, then the exit status must be 0.
stop_server() {
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  pid=""
  [[ "$status" -eq 0 ]] || fail "exit status $status after SIGTERM"
}

# drop_keys: removes what the test wrote under its key prefix. On a Redis Cluster
# (./scripts/test --redis-cluster) each node is scanned for its own keys and each key
# deleted alone (-c follows a key to its primary; one DEL of keys of several slots would be
# refused).
drop_keys() {
  if [[ -n "${EVENTS_TEST_REDIS_CLUSTER_NODES:-}" ]]; then
    local node
    for node in $EVENTS_TEST_REDIS_CLUSTER_NODES; do
      redis-cli -h "${node%:*}" -p "${node##*:}" --scan --pattern "${prefix}*" |
        xargs -r -n 1 redis-cli -c -h "${node%:*}" -p "${node##*:}" del >/dev/null
    done
    return 0
  fi
  redis-cli -u "$EVENTS_TEST_REDIS_URL" --scan --pattern "${prefix}*" |
    xargs -r redis-cli -u "$EVENTS_TEST_REDIS_URL" del >/dev/null
}
