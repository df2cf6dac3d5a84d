# shellcheck shell=bash
# A whole stack for the end-to-end tests (tests/browser/run.sh, tests/api/run.sh): a
# throwaway redis-server, the mail sink (tools/mailsink), the seven services and the web
# service, all on free loopback ports (never scripts/run's), and always stopped again. Each
# service connects to Redis as its own user, limited to its keys (docs/redis-acl.md), and
# eventctl admin as "admin", as in production; the tests themselves may use the default
# user (STACK_REDIS_URL, no password) to look into Redis.
# Source it after scripts/lib.sh, then:
#
#   stack_start NAME         # starts everything and waits until each answers; sets
#                            # STACK_DIR (logs, mail, the Redis users' passwords),
#                            # STACK_REDIS_URL (the default user), STACK_WEB_URL and
#                            # exports EVENTS_<SERVICE>_ADDR for eventctl and the tests.
#                            # Installs EXIT/INT/TERM traps that stop it all (stack_stop).
#   stack_bootstrap ORG      # a new organisation: prints EVENTS_ORG_ID=... and
#                            # EVENTS_API_KEY=... lines (roles organiser, access_coordinator)
#
# INTEGRATIONS_ALLOW_HTTP_LOOPBACK=true, exported before stack_start, lets webhooks go to plain
# http on 127.0.0.1 (a receiver of the test's own); refused by default, as in production.
# STACK_LOG_LEVEL (default warn) is every server's EVENTS_LOG_LEVEL; the API tests use debug,
# so that their check of the logs (tests/stack/log_privacy.sh) reads every line there is.
# Every secret the stack makes (the service key, the random keys) is also kept, one a line,
# in STACK_DIR/secrets (mode 600), for that check.
#
# STACK_KEEP=1 keeps STACK_DIR (its path is printed). On failure the last lines of each
# log are printed. The mail sink keeps every e-mail notifications sends in STACK_DIR/mail,
# so the outbox settles as it would in production, and nothing leaves the machine.

# shellcheck disable=SC2154  # EVENTS_ROOT, EVENTCTL are set by scripts/lib.sh, sourced first
STACK_SERVICES=(scheduling registration accessibility feedback integrations notifications people)
# The services' EVENTS_PARTITIONS (eventctl admin bootstrap needs it for its invitation).
STACK_PARTITIONS=4
STACK_DIR=""
STACK_REDIS_URL=""
STACK_WEB_URL=""
_stack_pids=()
_stack_redis_pid=""
_stack_redis_port=""
declare -A _stack_port=()

# stack_require_binaries: fails naming what to build when a server or eventctl is missing.
stack_require_binaries() {
  local name
  for name in "${STACK_SERVICES[@]}" web; do
    [[ -x "$(service_binary "$name")" ]] || fail "$(service_binary "$name") is not built"
  done
  [[ -x "$EVENTCTL" ]] || fail "$EVENTCTL is not built"
}

# _stack_refusals: what Redis refused the stack's users (its ACL LOG: user, reason, key or
# command), one line each; nothing when it refused nothing.
_stack_refusals() {
  rcli "$_stack_redis_port" ACL LOG 20 2>/dev/null | awk '
    $0 == "reason" { getline; reason = $0 } $0 == "object" { getline; object = $0 }
    $0 == "context" { getline; context = $0 }
    $0 == "username" { getline; printf "    %s refused %s %s (%s)\n", $0, reason, object, context }'
}

# shellcheck disable=SC2317  # called by the EXIT trap
stack_stop() {
  local rc=$? pid log refusals=""
  for pid in "${_stack_pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${_stack_pids[@]}"; do
    wait_for_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
  done
  # A refusal a service swallowed (a worker that logs and retries) fails no page, so the
  # stack fails on it here: a service's Redis user lacks a key pattern or a command.
  [[ -n "$_stack_redis_port" ]] && refusals="$(_stack_refusals)"
  if [[ -n "$refusals" ]]; then
    printf 'FAIL: Redis refused the services (ACL LOG; add the pattern to deploy/k8s/base/redis/users.acl.template, docs/redis-acl.md):\n%s\n' "$refusals" >&2
    ((rc != 0 && rc != 77)) || rc=1
  fi
  if [[ -n "$_stack_redis_pid" ]]; then
    kill -TERM "$_stack_redis_pid" 2>/dev/null || true
    wait_for_exit "$_stack_redis_pid" 10 || kill -KILL "$_stack_redis_pid" 2>/dev/null || true
  fi
  if ((rc != 0 && rc != 77)) && [[ -n "$STACK_DIR" ]]; then
    # The services' logs say why a page was a 500 or a call failed.
    for log in "$STACK_DIR"/*.log; do
      [[ -s "$log" ]] || continue
      printf '\n----- last lines of %s -----\n' "${log##*/}"
      tail -n 15 "$log"
    done
  fi
  if [[ -n "$STACK_DIR" ]]; then
    if [[ "${STACK_KEEP:-0}" == "1" ]]; then
      info "logs kept in $STACK_DIR"
    else
      rm -rf "$STACK_DIR"
    fi
  fi
  exit "$rc"
}

# _stack_random_key: prints a new random key, and keeps it in STACK_DIR/secrets.
_stack_random_key() {
  local key
  key="$(head -c 32 /dev/urandom | base64 | tr -d '\n')"
  (umask 077 && printf '%s\n' "$key" >>"$STACK_DIR/secrets")
  printf '%s' "$key"
}

# _stack_admin_url: the Redis URL of the admin user (for eventctl admin, in its environment).
_stack_admin_url() { redis_user_url admin "$_stack_redis_port" "$STACK_DIR/redis-users"; }

# _stack_launch NAME ENV...: starts a server binary with the common settings and ENV on top,
# connected to Redis as NAME's own user (web has no Redis, and no user).
_stack_launch() {
  local name="$1" redis_url=""
  shift
  if [[ -f "$STACK_DIR/redis-users/$name" ]]; then
    redis_url="$(redis_user_url "$name" "$_stack_redis_port" "$STACK_DIR/redis-users")"
  fi
  # The URL holds a password: in the environment, not on the command line.
  EVENTS_REDIS_URL="$redis_url" setsid env "$@" \
    EVENTS_LISTEN_HOST=127.0.0.1 \
    EVENTS_METRICS_PORT="$(free_port)" \
    EVENTS_PARTITIONS="$STACK_PARTITIONS" \
    EVENTS_LOG_FORMAT=json \
    EVENTS_LOG_LEVEL="${STACK_LOG_LEVEL:-warn}" \
    EVENTS_SHUTDOWN_GRACE_MS=0 \
    EVENTS_DRAIN_TIMEOUT_MS=2000 \
    EVENTS_SCHEDULING_ADDR="$EVENTS_SCHEDULING_ADDR" \
    EVENTS_REGISTRATION_ADDR="$EVENTS_REGISTRATION_ADDR" \
    EVENTS_ACCESSIBILITY_ADDR="$EVENTS_ACCESSIBILITY_ADDR" \
    EVENTS_FEEDBACK_ADDR="$EVENTS_FEEDBACK_ADDR" \
    EVENTS_INTEGRATIONS_ADDR="$EVENTS_INTEGRATIONS_ADDR" \
    EVENTS_NOTIFICATIONS_ADDR="$EVENTS_NOTIFICATIONS_ADDR" \
    EVENTS_PEOPLE_ADDR="$EVENTS_PEOPLE_ADDR" \
    "$(service_binary "$name")" >"$STACK_DIR/$name.log" 2>&1 </dev/null &
  _stack_pids+=($!)
}

# stack_start NAME: see the top of this file. NAME names the temporary folder.
stack_start() {
  local name="$1" started_at=$EPOCHSECONDS service_key deadline
  stack_require_binaries
  STACK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/events-$name.XXXXXX")"
  trap stack_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  # Redis: a throwaway one, no persistence.
  local redis_port
  redis_port="$(free_port)"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize no --dir "$STACK_DIR" >"$STACK_DIR/redis.log" 2>&1 &
  _stack_redis_pid=$!
  wait_for_port "$redis_port" 15 "$_stack_redis_pid" ||
    fail "redis-server did not start on port $redis_port"
  # shellcheck disable=SC2034  # for the tests that source this file (console_run.sh)
  STACK_REDIS_URL="redis://127.0.0.1:$redis_port/0"
  _stack_redis_port="$redis_port"
  redis_users_create "$redis_port" "$STACK_DIR/redis-users" || fail "could not make the Redis users"

  service_key="$(EVENTS_REDIS_URL="$(_stack_admin_url)" "$EVENTCTL" admin service-key \
    --name "$name tests" --format env | sed -n 's/^EVENTS_SERVICE_KEY=//p')"
  [[ "$service_key" == evk_* ]] || fail "eventctl admin service-key printed no key"
  (umask 077 && printf '%s\n' "$service_key" >>"$STACK_DIR/secrets")

  # The mail sink: every e-mail is kept in STACK_DIR/mail, none is sent on.
  local mail_port
  mail_port="$(free_port)"
  setsid "$EVENTS_ROOT/tools/mailsink/mailsink.py" --host 127.0.0.1 --port "$mail_port" \
    --dir "$STACK_DIR/mail" >"$STACK_DIR/mailsink.log" 2>&1 </dev/null &
  _stack_pids+=($!)
  wait_for_port "$mail_port" 15 "${_stack_pids[-1]}" ||
    fail "the mail sink did not start (is python3-aiosmtpd installed? ./scripts/install-deps)"

  local svc
  for svc in "${STACK_SERVICES[@]}" web; do
    _stack_port[$svc]="$(free_port)"
  done
  export EVENTS_SCHEDULING_ADDR="127.0.0.1:${_stack_port[scheduling]}"
  export EVENTS_REGISTRATION_ADDR="127.0.0.1:${_stack_port[registration]}"
  export EVENTS_ACCESSIBILITY_ADDR="127.0.0.1:${_stack_port[accessibility]}"
  export EVENTS_FEEDBACK_ADDR="127.0.0.1:${_stack_port[feedback]}"
  export EVENTS_INTEGRATIONS_ADDR="127.0.0.1:${_stack_port[integrations]}"
  export EVENTS_NOTIFICATIONS_ADDR="127.0.0.1:${_stack_port[notifications]}"
  export EVENTS_PEOPLE_ADDR="127.0.0.1:${_stack_port[people]}"
  STACK_WEB_URL="http://localhost:${_stack_port[web]}"

  _stack_launch scheduling EVENTS_GRPC_PORT="${_stack_port[scheduling]}"
  _stack_launch registration EVENTS_GRPC_PORT="${_stack_port[registration]}" \
    EVENTS_SERVICE_KEY="$service_key" REGISTRATION_TRUSTED_PROXIES=127.0.0.1 \
    REGISTRATION_LINK_SECRET="$(_stack_random_key)"
  _stack_launch accessibility EVENTS_GRPC_PORT="${_stack_port[accessibility]}" \
    EVENTS_SERVICE_KEY="$service_key" ACCESSIBILITY_ENCRYPTION_KEY="$(_stack_random_key)" \
    ACCESSIBILITY_ENCRYPTION_KEY_ID=k1 ACCESSIBILITY_RETENTION_DAYS=30
  _stack_launch feedback EVENTS_GRPC_PORT="${_stack_port[feedback]}" \
    EVENTS_SERVICE_KEY="$service_key" FEEDBACK_ALLOW_MANUAL_OPEN=true
  _stack_launch integrations EVENTS_GRPC_PORT="${_stack_port[integrations]}" \
    EVENTS_SERVICE_KEY="$service_key" INTEGRATIONS_ENCRYPTION_KEY="$(_stack_random_key)"
  _stack_launch notifications EVENTS_GRPC_PORT="${_stack_port[notifications]}" \
    EVENTS_SERVICE_KEY="$service_key" NOTIFICATIONS_SMTP_URL="smtp://127.0.0.1:$mail_port" \
    NOTIFICATIONS_SMTP_TLS=none NOTIFICATIONS_FROM_ADDRESS=events@localhost \
    NOTIFICATIONS_PUBLIC_URL="$STACK_WEB_URL"
  _stack_launch people EVENTS_GRPC_PORT="${_stack_port[people]}" \
    PEOPLE_LINK_SECRET="$(_stack_random_key)" PEOPLE_ENCRYPTION_KEY="$(_stack_random_key)" \
    PEOPLE_TRUSTED_PROXIES=127.0.0.1 \
    PEOPLE_SIGN_INS_PER_ADDRESS=100 PEOPLE_SIGN_INS_PER_VISITOR=1000
  _stack_launch web WEB_PORT="${_stack_port[web]}" WEB_CSRF_KEY="$(_stack_random_key)" \
    WEB_PUBLIC_URL="$STACK_WEB_URL"

  # Polls each service's health (and the web service's /readyz) until a deadline.
  deadline=$((EPOCHSECONDS + 60))
  for svc in "${STACK_SERVICES[@]}"; do
    until "$EVENTCTL" health --server "127.0.0.1:${_stack_port[$svc]}" >/dev/null 2>&1; do
      ((EPOCHSECONDS < deadline)) || fail "$svc is not SERVING after 60 s (log: $STACK_DIR/$svc.log)"
      sleep 0.2
    done
  done
  until curl -fsS -o /dev/null --max-time 2 "$STACK_WEB_URL/readyz" 2>/dev/null; do
    ((EPOCHSECONDS < deadline)) || fail "web is not ready after 60 s (log: $STACK_DIR/web.log)"
    sleep 0.2
  done
  info "stack up in $((EPOCHSECONDS - started_at)) s: web on $STACK_WEB_URL"
}

# stack_bootstrap ORG: a new organisation and its first key, as KEY=value lines.
stack_bootstrap() {
  local boot
  boot="$(EVENTS_REDIS_URL="$(_stack_admin_url)" "$EVENTCTL" admin bootstrap --org-name "$1" \
    --format env)" || fail "eventctl admin bootstrap --org-name \"$1\" failed"
  [[ "$boot" == *EVENTS_ORG_ID=* && "$boot" == *EVENTS_API_KEY=evk_* ]] ||
    fail "eventctl admin bootstrap printed no key"
  printf '%s\n' "$boot"
}
