#!/usr/bin/env bash
# The organiser console's browser tests (ctest console_browser, label "browser"): a stack of
# its own (tests/stack/stack.sh: a throwaway redis-server, the mail sink, the services and the
# web service on free loopback ports), two organisations whose first organisers are invited
# by `eventctl admin bootstrap --person-...`, an event, and tests/browser/console.test.js in
# Debian's Chromium. The sign-in e-mails land in the stack's mail folder, where the tests
# read the links, as a person reads their mailbox.
#
#   tests/browser/console_run.sh                       # what ctest runs
#   BROWSER_TEST_ONLY=regex tests/browser/console_run.sh  # tests whose names match
#   BROWSER_TEST_FILES='console_events*.test.js' tests/browser/console_run.sh
#   BROWSER_TEST_KEEP=1 tests/browser/console_run.sh   # keeps the logs and mail
#   SAVE_SCREENSHOTS=1 tests/browser/console_run.sh    # also docs/screenshots/console-*.png
#
# Skips (77) without Chromium or the npm packages, except in CI (CI=true).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/browser/lib.sh
source "$EVENTS_ROOT/tests/browser/lib.sh"
# shellcheck source=tests/stack/stack.sh
source "$EVENTS_ROOT/tests/stack/stack.sh"

started_at=$EPOCHSECONDS
browser_require_tools "console browser tests"
stack_require_binaries
export STACK_KEEP="${BROWSER_TEST_KEEP:-0}"
# --- Ian Integrations (console_integrations.test.js), settings of the stack's integrations
# service (it inherits the environment): webhooks to the test's own receiver on plain http to
# 127.0.0.1, and the three-day retry schedule divided by a million (11 tries in a second or
# two, polled every 100 ms), so a delivery to a receiver that keeps failing becomes a dead
# letter while the test waits.
export INTEGRATIONS_ALLOW_HTTP_LOOPBACK=true INTEGRATIONS_TEST_RETRY_DIVISOR=1000000 \
  INTEGRATIONS_POLL_MS=100 INTEGRATIONS_HTTP_TIMEOUT_MS=2000
# --- end of Ian Integrations' stack settings
stack_start console

# bootstrap ORG NAME EMAIL: an organisation whose first organiser is invited by e-mail.
bootstrap() {
  "$EVENTCTL" admin bootstrap --org-name "$1" --person-name "$2" --person-email "$3" \
    --partitions "$STACK_PARTITIONS" \
    --redis-url "$STACK_REDIS_URL" --format env ||
    fail "eventctl admin bootstrap --org-name \"$1\" --person-... failed"
}
boot="$(bootstrap "Riverside Carers Forum" "Alex Organiser" alex@riverside.example)"
EVENTS_API_KEY="$(sed -n 's/^EVENTS_API_KEY=//p' <<<"$boot")"
export EVENTS_API_KEY
bootstrap "Hilltop Health Network" "Hana Other" hana@hilltop.example >/dev/null

# invite NAME EMAIL ROLE...: a member of the first organisation, invited over the HTTP/JSON
# API with the organiser key (roles: MEMBER_ROLE_ORGANISER...). Each test file signs in as
# people of its own, so that files never share a sign-in link or an authenticator code.
invite() {
  local name="$1" email="$2" roles status
  shift 2
  roles="$(printf '"MEMBER_ROLE_%s",' "$@")"
  status="$(curl -sS -o "$STACK_DIR/invite.out" -w '%{http_code}' -X POST "$STACK_WEB_URL/api/v1/members" \
    -H "Authorization: Bearer $EVENTS_API_KEY" -H 'Content-Type: application/json' \
    -d "{\"name\": \"$name\", \"email\": \"$email\", \"roles\": [${roles%,}]}")"
  [[ "$status" == 200 ]] || fail "inviting $name answered HTTP $status: $(cat "$STACK_DIR/invite.out")"
}
invite "Evan Events" evan@riverside.example ORGANISER
invite "Rae Registrations" rae@riverside.example ORGANISER
invite "Ada Access" ada@riverside.example ACCESS_COORDINATOR
invite "Fran Feedback" fran@riverside.example ORGANISER
invite "Ian Integrations" ian@riverside.example ORGANISER

day="$(date -d '+20 days' +%F)"
event="$("$EVENTCTL" create --title "Living well with long-term conditions" \
  --start "${day}T10:00" --end "${day}T12:00" --zone Europe/London --mode online \
  --capacity 40 --join-link "https://meet.example.org/living-well" -q)"
"$EVENTCTL" publish "$event" >/dev/null
"$EVENTCTL" register "$event" --name "Sam Attendee" --email sam@example.org >/dev/null

# --- Rae Registrations (console_registrations.test.js): an event of her own, so that turning
# approval on and adding pools and questions through the pages changes no other file's event.
# It starts in 20 minutes: attendance can be marked from 30 minutes before an event starts.
reg_start="$(TZ=Europe/London date -d '+20 minutes' +%FT%H:%M)"
reg_end="$(TZ=Europe/London date -d '+140 minutes' +%FT%H:%M)"
reg_event="$("$EVENTCTL" create --title "Peer support evening for carers" \
  --start "$reg_start" --end "$reg_end" --zone Europe/London --mode online \
  --capacity 20 --join-link "https://meet.example.org/peer-support" -q)"
"$EVENTCTL" publish "$reg_event" >/dev/null
export BROWSER_REG_EVENT="$reg_event" BROWSER_REG_EVENT_TITLE="Peer support evening for carers"
# --- end of Rae Registrations
# --- Evan Events (console_events.test.js): a published event with one sign-up, which the test
# reschedules and then cancels through the console; Pat's e-mails show that attendees are told.
evan_day="$(date -d '+30 days' +%F)"
evan_event="$("$EVENTCTL" create --title "Coffee morning for carers" \
  --start "${evan_day}T10:30" --end "${evan_day}T12:00" --zone Europe/London --mode online \
  --capacity 12 --join-link "https://meet.example.org/coffee" -q)"
"$EVENTCTL" publish "$evan_event" >/dev/null
"$EVENTCTL" register "$evan_event" --name "Pat Attendee" --email pat@example.org >/dev/null
export BROWSER_EVENTS_MOVING_TITLE="Coffee morning for carers"
# --- end of Evan Events' block
# --- Ian Integrations (console_integrations.test.js): Ivy, a viewer whom the server refuses;
# and an event of his own with a sign-up that agreed to hear from the organisation, so the
# contacts export has a row (and no other file's counts change).
invite "Ivy Viewer" ivy@riverside.example VIEWER
ian_day="$(date -d '+40 days' +%F)"
ian_event="$("$EVENTCTL" create --title "Carers' news and updates" \
  --start "${ian_day}T14:00" --end "${ian_day}T15:00" --zone Europe/London --mode online \
  --capacity 30 --join-link "https://meet.example.org/news" -q)"
"$EVENTCTL" publish "$ian_event" >/dev/null
"$EVENTCTL" register "$ian_event" --name "Nia Newsletter" --email nia@example.org --marketing >/dev/null
export BROWSER_INTEGRATIONS_CONTACT="nia@example.org"
# --- end of Ian Integrations

# --- Fran Feedback (console_feedback.test.js): an event whose survey seven people answered
# (opened at once with OpenSurveyNow: the stack sets FEEDBACK_ALLOW_MANUAL_OPEN, as scheduling
# takes no events in the past), with one small group so that the report withholds it: only
# three people answer "How likely are you to recommend...", and one attendee's access request
# is still open, a group of one, so the access breakdown is withheld as a whole. A second
# event with the standard survey, which Fran changes and opens through the pages. A viewer,
# and a third organisation with an event of its own, for the refusals.
fb_until() { # fb_until WHAT COMMAND...: retried until feedback's projection knows the event
  local what="$1" until=$((EPOCHSECONDS + 20))
  shift
  until "$@" >/dev/null 2>"$STACK_DIR/fb.err"; do
    ((EPOCHSECONDS < until)) || fail "$what: $(cat "$STACK_DIR/fb.err")"
    sleep 0.2
  done
}
fb_day="$(date -d '+25 days' +%F)"
fb_event() { # fb_event TITLE SLUG: a published online event on fb_day
  local id
  id="$("$EVENTCTL" create --title "$1" --start "${fb_day}T14:00" --end "${fb_day}T16:00" \
    --zone Europe/London --mode online --capacity 30 --join-link "https://meet.example.org/$2" -q)"
  "$EVENTCTL" publish "$id" >/dev/null
  printf '%s' "$id"
}
fb_report="$(fb_event "Carers' wellbeing workshop" wellbeing)"
fb_build="$(fb_event "Money advice drop-in" money-advice)"
fb_tokens=()
for n in 1 2 3 4 5 6 7; do
  fb_tokens+=("$("$EVENTCTL" register "$fb_report" --name "Wellbeing Attendee $n" \
    --email "wellbeing$n@example.org" -q)")
done
"$EVENTCTL" access request submit --token "${fb_tokens[0]}" --need live_captions --consent \
  --details "Captions for the whole session" >/dev/null
# Feedback learns of access requests from accessibility's events (its projector, a consumer):
# an answer given before that arrives is counted as "no access request" (seen on a loaded
# machine), so wait until feedback holds the attendee's access status (fb:<event>:a:<id>).
# shellcheck disable=SC2317  # called through fb_until
fb_knows_access() {
  [[ -n "$(redis-cli -u "$STACK_REDIS_URL" --scan --pattern "*fb:$fb_report:a:${fb_tokens[0]%%.*}")" ]]
}
fb_until "feedback's copy of the access request" fb_knows_access
fb_until "eventctl feedback open-now $fb_report" "$EVENTCTL" feedback open-now "$fb_report"
# The answers: overall 5,5,5,5,4,4,4; access needs met yes x6 and partly x1; six written
# answers; recommend from three people only; help shape yes x4, no x3.
fb_overall=(5 5 5 5 4 4 4)
fb_access=(partly yes yes yes yes yes yes)
fb_help=(yes yes yes yes no no no)
for i in 0 1 2 3 4 5 6; do
  fb_args=(--answer "overall=${fb_overall[$i]}" --answer "access_needs_met=${fb_access[$i]}"
    --answer "help_shape=${fb_help[$i]}")
  ((i == 6)) || fb_args+=(--answer "mattered_most=Meeting other carers, said attendee $((i + 1))")
  ((i > 2)) || fb_args+=(--answer "recommend=$((8 + i))")
  fb_until "eventctl feedback respond (attendee $((i + 1)))" \
    "$EVENTCTL" feedback respond --token "${fb_tokens[$i]}" "${fb_args[@]}"
done
"$EVENTCTL" feedback report "$fb_report" --json >"$STACK_DIR/fb-report.json"
grep -q '"suppressed": *true' "$STACK_DIR/fb-report.json" ||
  fail "the seeded report withholds nothing: $(cat "$STACK_DIR/fb-report.json")"
invite "Val Viewer" val@riverside.example VIEWER
fb_other_key="$(bootstrap "Valley Volunteers" "Omar Other" omar@valley.example |
  sed -n 's/^EVENTS_API_KEY=//p')"
fb_other="$(EVENTS_API_KEY="$fb_other_key" "$EVENTCTL" create --title "Valley coffee morning" \
  --start "${fb_day}T10:00" --end "${fb_day}T11:00" --zone Europe/London --mode online \
  --capacity 10 --join-link "https://meet.example.org/valley" -q)"
export BROWSER_FB_REPORT_EVENT="$fb_report" BROWSER_FB_BUILD_EVENT="$fb_build"
fb_month="$(LC_ALL=C date -d "$fb_day" '+%B %Y')"
export BROWSER_FB_OTHER_EVENT="$fb_other" BROWSER_FB_MONTH="$fb_month"
# --- end of Fran Feedback

# --- Ada Access (console_access.test.js): an event in 8 days whose attendees asked for
# support when they signed up. A BSL interpreter is asked for 14 days ahead, so those two are
# late and at risk at once; a hearing loop (7 days) is due tomorrow, so at risk too; a quiet
# space (3 days) and regular breaks (2 days) are due in 5 and 6 days. Otto Organiser is an
# organiser without the access coordinator role; Vic Valley is the first member of another
# organisation (an organiser and access coordinator there).
invite "Otto Organiser" otto@riverside.example ORGANISER
bootstrap "Valley Deaf Club" "Vic Valley" vic@valley.example >/dev/null
access_day="$(date -d '+8 days' +%F)"
access_event="$("$EVENTCTL" create --title "Accessible gardening workshop" \
  --start "${access_day}T14:00" --end "${access_day}T16:00" --zone Europe/London --mode online \
  --capacity 30 --join-link "https://meet.example.org/gardening" -q)"
"$EVENTCTL" publish "$access_event" >/dev/null
# access_request NAME EMAIL NEED...: a sign-up that asks for support, as the attendee does.
access_request() {
  local name="$1" email="$2" token need
  local needs=()
  shift 2
  token="$("$EVENTCTL" register "$access_event" --name "$name" --email "$email" -q)" ||
    fail "eventctl register for $name failed"
  for need in "$@"; do needs+=(--need "$need"); done
  "$EVENTCTL" access request submit --token "$token" "${needs[@]}" \
    --details "Please get in touch about what I need." --consent >/dev/null ||
    fail "eventctl access request submit for $name failed"
}
access_request "Bea Signer" bea@example.org bsl_interpreter large_print
access_request "Cal Signer" cal@example.org bsl_interpreter
access_request "Dee Quiet" dee@example.org quiet_space
access_request "Eve Loop" eve@example.org hearing_loop
access_request "Fay Breaks" fay@example.org regular_breaks
export BROWSER_ACCESS_EVENT="$access_event" BROWSER_ACCESS_EVENT_TITLE="Accessible gardening workshop"
# --- end of Ada Access

export BROWSER_BASE_URL="$STACK_WEB_URL" BROWSER_MAIL_DIR="$STACK_DIR/mail"
export BROWSER_EVENT="$event" BROWSER_EVENT_TITLE="Living well with long-term conditions"
info "organisations ready in $((EPOCHSECONDS - started_at)) s; running the console tests"
only=()
[[ -z "${BROWSER_TEST_ONLY:-}" ]] || only=(--test-name-pattern="$BROWSER_TEST_ONLY")
rc=0
# BROWSER_TEST_FILES: a glob under tests/browser/ (default: every console*.test.js).
shopt -s nullglob
# shellcheck disable=SC2206  # the glob is meant to expand
files=("$EVENTS_ROOT"/tests/browser/${BROWSER_TEST_FILES:-console*.test.js})
shopt -u nullglob
((${#files[@]})) || fail "no test file matches tests/browser/${BROWSER_TEST_FILES:-console*.test.js}"
browser_node --test --test-reporter=spec --test-concurrency=1 "${only[@]}" "${files[@]}" || rc=$?
info "console browser tests took $((EPOCHSECONDS - started_at)) s in all"
exit "$rc"
