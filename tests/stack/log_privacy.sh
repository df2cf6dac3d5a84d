# shellcheck shell=bash
# The check that no service logs personal data or a secret (docs/operations.md, "What is never
# logged"), for the end-to-end tests that run a stack (tests/stack/stack.sh). Source it after
# stack.sh, run the tests against the stack (at STACK_LOG_LEVEL=debug, so every line is
# written), then:
#
#   stack_log_privacy_check TERM...   # TERMs: more text that must not appear (names, keys)
#
# It searches every server's log in STACK_DIR for
#   - any e-mail address at all (the tests' own, and any other person's);
#   - API keys (evk_...), session tokens (evs_...), registration tokens (rg_....<secret>),
#     sign-in link tokens (sil_....<MAC>) and webhook endpoint secrets (whsec_...) by their
#     shape, so tokens made during the run are found without knowing them;
#   - every secret the stack made (STACK_DIR/secrets), the Redis users' passwords, and TERMs.
# On a match it prints the log, the line number and what kind of thing matched, never the
# match itself (that would put the secret in the test's output), and returns 1. It first
# checks itself on planted lines, so a pattern that matches nothing fails the check.

# shellcheck disable=SC2154  # STACK_DIR, STACK_SERVICES: set by stack.sh, sourced first
_PRIVACY_EMAIL='[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}'
_PRIVACY_API_KEY='evk_[A-Za-z0-9_-]{16,}'
_PRIVACY_SESSION='evs_[A-Za-z0-9_-]{16,}'
_PRIVACY_REGISTRATION_TOKEN='rg_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}'
# A link id alone (sil_...) may be logged; the token is the id, a dot and its MAC.
_PRIVACY_SIGN_IN_LINK='sil_[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16,}'
_PRIVACY_WEBHOOK_SECRET='whsec_[A-Za-z0-9+/=_-]{16,}'

# _privacy_scan TERMS_FILE FILE...: prints "FILE:LINE: KIND" for each match; status 0 when it
# found something.
_privacy_scan() {
  local terms="$1" file found=1 hit
  shift
  for file in "$@"; do
    [[ -s "$file" ]] || continue
    while IFS= read -r hit; do
      printf '    %s:%s\n' "${file##*/}" "$hit"
      found=0
    done < <(
      grep -noE "$_PRIVACY_EMAIL" "$file" | sed 's/:.*/: an e-mail address/'
      grep -noE "$_PRIVACY_API_KEY" "$file" | sed 's/:.*/: an API key (evk_)/'
      grep -noE "$_PRIVACY_SESSION" "$file" | sed 's/:.*/: a session token (evs_)/'
      grep -noE "$_PRIVACY_REGISTRATION_TOKEN" "$file" | sed 's/:.*/: a registration token/'
      grep -noE "$_PRIVACY_SIGN_IN_LINK" "$file" | sed 's/:.*/: a sign-in link token (sil_)/'
      grep -noE "$_PRIVACY_WEBHOOK_SECRET" "$file" | sed 's/:.*/: a webhook secret (whsec_)/'
      if [[ -s "$terms" ]]; then
        grep -noFf "$terms" "$file" | sed 's/:.*/: a name, key or password the run used/'
      fi
    )
  done
  return "$found"
}

# stack_log_privacy_check TERM...: see the top of this file.
stack_log_privacy_check() {
  local terms="$STACK_DIR/privacy-terms" canary="$STACK_DIR/privacy-canary" term kind logs=()
  local name
  (
    umask 077
    : >"$terms"
    for term in "$@"; do [[ -n "$term" ]] && printf '%s\n' "$term"; done >>"$terms"
    [[ -f "$STACK_DIR/secrets" ]] && cat "$STACK_DIR/secrets" >>"$terms"
    for term in "$STACK_DIR"/redis-users/*; do [[ -f "$term" ]] && { cat "$term"; echo; }; done >>"$terms"
  )
  # The check of the check: each kind planted once must be found, each on its own line.
  {
    echo '{"msg":"x","email":"someone.else@example.net"}'
    echo '{"msg":"key evk_AAAAAAAAAAAAAAAAAAAAAAAA"}'
    echo '{"msg":"session evs_BBBBBBBBBBBBBBBBBBBBBBBB"}'
    echo '{"msg":"token rg_0abc-x1.CCCCCCCCCCCCCCCCCCCC"}'
    echo '{"msg":"link sil_01JABCDEF.DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD"}'
    echo '{"msg":"secret whsec_RUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUVFRUU="}'
    [[ -n "${1:-}" ]] && printf '{"msg":"%s"}\n' "$1"
  } >"$canary"
  local planted
  planted="$(wc -l <"$canary")"
  if [[ "$(_privacy_scan "$terms" "$canary" | wc -l)" -lt "$planted" ]]; then
    rm -f "$canary"
    warn "the log privacy check does not find what was planted for it; the check is broken"
    return 1
  fi
  rm -f "$canary"

  for name in "${STACK_SERVICES[@]}" web; do logs+=("$STACK_DIR/$name.log"); done
  # Logs that are missing or empty would pass for clean ones.
  local lines
  lines="$(cat "${logs[@]}" 2>/dev/null | wc -l)"
  if ((lines == 0)); then
    warn "the log privacy check found no log lines in $STACK_DIR; nothing was checked"
    return 1
  fi
  local out
  if out="$(_privacy_scan "$terms" "${logs[@]}")"; then
    kind="$(wc -l <<<"$out")"
    printf 'FAIL: %s line(s) of the services'"'"' logs hold personal data or a secret (docs/operations.md, "What is never logged"):\n%s\n' \
      "$kind" "$out" >&2
    return 1
  fi
  info "log privacy: no e-mail address, name, token, key or password in $lines log lines of ${#logs[@]} servers"
}
