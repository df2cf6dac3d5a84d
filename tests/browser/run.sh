#!/usr/bin/env bash
# The browser tests (ctest web_browser, label "browser"): starts a stack of its own
# (tests/stack/stack.sh: a throwaway redis-server, the services and the web service, all on
# free loopback ports, never scripts/run's), makes an organisation and the test events with
# eventctl, runs the Node.js tests in tests/browser/ in Debian's Chromium, and always stops
# everything again.
#
#   tests/browser/run.sh                     # what ctest runs (EVENTS_BUILD_DIR: the build)
#   SAVE_SCREENSHOTS=1 tests/browser/run.sh  # also writes docs/screenshots/*.png
#   BROWSER_TEST_KEEP=1 tests/browser/run.sh # keeps the logs folder (printed at the end)
#   BROWSER_TEST_ONLY=regex tests/browser/run.sh  # only the tests whose names match
#   BROWSER_TEST_PAUSE=1 tests/browser/run.sh     # no tests: keeps the stack up until Ctrl-C
#
# Needs /usr/bin/chromium and the npm packages of package-lock.json in .tools/browser/
# (./scripts/install-deps installs both). When either is missing it exits 77 (ctest: skipped),
# except in CI (CI=true), where that is a failure.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/browser/lib.sh
source "$EVENTS_ROOT/tests/browser/lib.sh"
# shellcheck source=tests/stack/stack.sh
source "$EVENTS_ROOT/tests/stack/stack.sh"

started_at=$EPOCHSECONDS

browser_require_tools "browser tests"
stack_require_binaries
export STACK_KEEP="${BROWSER_TEST_KEEP:-0}"
stack_start browser
tmp="$STACK_DIR"

# --- The organisation and the test events ---------------------------------------------------
boot="$(stack_bootstrap "Browser Test Network")"
EVENTS_ORG_ID="$(sed -n 's/^EVENTS_ORG_ID=//p' <<<"$boot")"
EVENTS_API_KEY="$(sed -n 's/^EVENTS_API_KEY=//p' <<<"$boot")"
export EVENTS_ORG_ID EVENTS_API_KEY

day="$(date -d '+20 days' +%F)"
# create_event TITLE ARGS...: creates a draft with eventctl and prints its id.
create_event() {
  local title="$1" id
  shift
  id="$("$EVENTCTL" create --title "$title" --start "${day}T10:00" --end "${day}T12:00" \
    --zone Europe/London -q "$@")"
  [[ "$id" =~ ^[A-Za-z0-9_-]+$ ]] || fail "eventctl create printed no event id: $id"
  printf '%s' "$id"
}

# The open online event: access support provided, an agenda with a lived-experience
# co-facilitator (set over gRPC by setup.js: eventctl has no agenda command).
open_event="$(create_event "Living well with long-term conditions" \
  --description "Shared learning from people living with long-term conditions." \
  --mode online --capacity 200 --join-link "https://meet.example.org/living-well" \
  --provision live_captions:always --provision bsl_interpreter:on-request \
  --contact-name "Ana Okafor" --contact-email "ana@example.org")"
browser_node "$EVENTS_ROOT/tests/browser/setup.js" agenda "$open_event" "${day}"
# A full event: one place, taken below by someone signed up with eventctl.
full_event="$(create_event "Carers' peer support circle" --mode online --capacity 1 \
  --join-link "https://meet.example.org/carers")"
# An event with reserved places and a required question; companions are allowed (default).
pool_event="$(create_event "Co-producing services with people who use them" --mode in-person \
  --capacity 30 --venue-name "Community Hall" --venue-address "1 High Street, Leeds" \
  --venue-access "Step-free entrance and a hearing loop")"
"$EVENTCTL" registrations configure "$pool_event" \
  --pool "lived_experience:People with lived experience:5" \
  --question "diet:text:Do you have any food needs?" \
  --question "heard:single-choice:How did you hear about this event?:Friend|Newsletter|Other:required" \
  >/dev/null
# An event where the organiser approves each sign-up.
approval_event="$(create_event "Planning group for next year's programme" --mode online \
  --capacity 12 --join-link "https://meet.example.org/planning")"
"$EVENTCTL" registrations configure "$approval_event" --approval >/dev/null
for id in "$open_event" "$full_event" "$pool_event" "$approval_event"; do
  "$EVENTCTL" publish "$id" >/dev/null
done
holder="$("$EVENTCTL" register "$full_event" --name "Pat Holder" --email pat.holder@example.org)"
holder_token="$(sed -n 's/^  Token: *//p' <<<"$holder")"
[[ -n "$holder_token" ]] || fail "eventctl register printed no token: $holder"

# register_token EVENT NAME EMAIL: signs someone up with eventctl and prints their token.
register_token() {
  local out token
  out="$("$EVENTCTL" register "$1" --name "$2" --email "$3")"
  token="$(sed -n 's/^  Token: *//p' <<<"$out")"
  [[ -n "$token" ]] || fail "eventctl register printed no token: $out"
  printf '%s' "$token"
}
# retry_feedback ARGS...: an eventctl feedback command, retried until feedback's projection
# has seen the event (NOT_FOUND until then), with a deadline.
retry_feedback() {
  local until=$((EPOCHSECONDS + 20))
  until "$EVENTCTL" feedback "$@" >/dev/null 2>"$tmp/eventctl-feedback.err"; do
    ((EPOCHSECONDS < until)) || fail "eventctl feedback $*: $(cat "$tmp/eventctl-feedback.err")"
    sleep 0.2
  done
}

# Two events whose surveys open now (FEEDBACK_ALLOW_MANUAL_OPEN): a named one and an
# anonymous one. Attendance is never marked, so every confirmed sign-up may answer.
survey_event="$(create_event "Peer support online: what we learnt" --mode online --capacity 20 \
  --join-link "https://meet.example.org/peer-support")"
anon_event="$(create_event "Listening event on mental health services" --mode online \
  --capacity 20 --join-link "https://meet.example.org/listening")"
"$EVENTCTL" publish "$survey_event" >/dev/null
"$EVENTCTL" publish "$anon_event" >/dev/null
survey_keyboard_token="$(register_token "$survey_event" "Kai Keys" kai.keys@example.org)"
survey_nojs_token="$(register_token "$survey_event" "Nia Noscript" nia.noscript@example.org)"
survey_errors_token="$(register_token "$survey_event" "Eli Errors" eli.errors@example.org)"
anon_token="$(register_token "$anon_event" "Ash Anon" ash.anon@example.org)"
# The named survey: every kind of question required, with a multiple choice added, so that
# the tests meet each "answer this" error. From the default survey as eventctl shows it.
retry_feedback survey show "$survey_event" --format json
"$EVENTCTL" feedback survey show "$survey_event" --format json | node -e '
  const survey = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const d = survey.definition;
  for (const q of d.questions) {
    if (["overall", "access_needs_met", "mattered_most"].includes(q.id)) q.required = true;
  }
  d.questions.splice(2, 0, {
    id: "helped", type: "SURVEY_QUESTION_TYPE_MULTIPLE_CHOICE", required: true,
    text: "What helped you take part?", plainText: "What helped you join in?",
    choices: [{ id: "captions", text: "Live captions" }, { id: "breaks", text: "Breaks" },
              { id: "slides", text: "Slides sent before the event" }],
  });
  process.stdout.write(JSON.stringify(d));' >"$tmp/survey.json"
"$EVENTCTL" feedback survey edit "$survey_event" --file "$tmp/survey.json" >/dev/null
retry_feedback survey edit "$anon_event" --anonymous true
retry_feedback open-now "$survey_event"
retry_feedback open-now "$anon_event"

# --- The tests ------------------------------------------------------------------------------
export BROWSER_BASE_URL="$STACK_WEB_URL"
export BROWSER_OPEN_EVENT="$open_event" BROWSER_FULL_EVENT="$full_event"
export BROWSER_POOL_EVENT="$pool_event" BROWSER_FULL_HOLDER_TOKEN="$holder_token"
export BROWSER_APPROVAL_EVENT="$approval_event"
export BROWSER_SURVEY_KEYBOARD_TOKEN="$survey_keyboard_token"
export BROWSER_SURVEY_NOJS_TOKEN="$survey_nojs_token"
export BROWSER_SURVEY_ERRORS_TOKEN="$survey_errors_token" BROWSER_ANON_SURVEY_TOKEN="$anon_token"
export BROWSER_OUT_DIR="$tmp"
info "events ready in $((EPOCHSECONDS - started_at)) s; running the browser tests"
if [[ "${BROWSER_TEST_PAUSE:-0}" == "1" ]]; then
  env | grep '^BROWSER_' | sort
  info "the stack stays up until Ctrl-C"
  while true; do sleep 1; done
fi
only=()
[[ -z "${BROWSER_TEST_ONLY:-}" ]] || only=(--test-name-pattern="$BROWSER_TEST_ONLY")
rc=0
browser_node --test --test-reporter=spec --test-concurrency=1 "${only[@]}" \
  "$EVENTS_ROOT/tests/browser/pages.test.js" || rc=$?
info "browser tests took $((EPOCHSECONDS - started_at)) s in all"
exit "$rc"
