#!/usr/bin/env bash
# registration_server refuses to start without a usable REGISTRATION_LINK_SECRET, saying
# which variable and what rule (docs/registration.md, "Personal links"): without it no
# personal link could be derived, and replicas with different secrets would give different
# links. Nothing here reaches Redis: the configuration is checked first.
# Usage: link_secret_startup_test.sh <registration_server>
set -euo pipefail
server_bin=$1
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail() { echo "FAIL: $*" >&2; cat "$log" >&2; exit 1; }

# expect_refused WHAT PROBLEM ENV...: the binary exits 2 and reports PROBLEM (the variable
# and the rule; the hint after it names the variable whatever went wrong, so it is not
# enough).
expect_refused() {
  local what=$1 problem=$2 status=0
  shift 2
  # Everything else is valid, except a Redis URL that stops a binary that took the secret
  # right after the configuration, before it serves (so a regression fails, not hangs).
  env -u REGISTRATION_LINK_SECRET "$@" EVENTS_SERVICE_KEY=evk_not_checked_at_start \
    EVENTS_REDIS_URL=not-a-redis-url "$server_bin" >"$log" 2>&1 || status=$?
  [[ "$status" -eq 2 ]] || fail "$what: the exit status was $status, not 2"
  grep -q -F -- "$problem" "$log" || fail "$what: the message does not say '$problem'"
}

expect_refused "no secret" "REGISTRATION_LINK_SECRET is not set; it is required"
expect_refused "an empty secret" "REGISTRATION_LINK_SECRET is not set; it is required" \
  REGISTRATION_LINK_SECRET=
expect_refused "a 31-character secret" "REGISTRATION_LINK_SECRET must be at least 32 characters" \
  REGISTRATION_LINK_SECRET=0123456789012345678901234567890
# A good secret is no problem (the Redis URL is the only one listed).
status=0
REGISTRATION_LINK_SECRET=01234567890123456789012345678901 EVENTS_SERVICE_KEY=evk_x \
  EVENTS_REDIS_URL=not-a-redis-url "$server_bin" >"$log" 2>&1 || status=$?
grep -q "^- EVENTS_REDIS_URL" "$log" || fail "a 32-character secret: the Redis URL was not reported"
if grep -q "^- REGISTRATION_LINK_SECRET" "$log"; then fail "a 32-character secret was refused"; fi
echo "registration link secret start-up test: 4 passed, 0 failed"
