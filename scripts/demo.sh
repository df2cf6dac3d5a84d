# shellcheck shell=bash
# The short demo that ./scripts/run shows once everything is up. Sourced by scripts/run
# after lib.sh; not a command of its own.
#
# One function per service, demo_<service>, run in service order for each service that
# is running. To show a new service, add its function at the end of this file: it gets
# EVENTCTL (the eventctl binary) and, exported, EVENTS_SCHEDULING_ADDR,
# EVENTS_REGISTRATION_ADDR, EVENTS_ACCESSIBILITY_ADDR, EVENTS_FEEDBACK_ADDR,
# EVENTS_INTEGRATIONS_ADDR, EVENTS_REDIS_URL
# (for eventctl admin)
# and EVENTS_API_KEY (the demo organisation's key: organiser and access_coordinator), and
# returns non-zero when a step fails.
# Values one demo makes for a later one (the demo event's id, say) are left in DEMO_*
# variables.

# demo_show ARGS...: prints "$ eventctl ARGS" the way a person would type it.
demo_show() {
  local out="eventctl" arg
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@+,-]+$ ]]; then
      out+=" $arg"
    elif [[ "$arg" != *"'"* ]]; then
      out+=" '$arg'"
    elif [[ "$arg" != *[\"\$\`\\!]* ]]; then
      out+=" \"$arg\""
    else
      out+=" $(printf '%q' "$arg")"
    fi
  done
  printf '\n%s\n' "$(bold "\$ $out")"
}

# demo_step ARGS...: shows and runs one eventctl command; its output goes to the screen.
demo_step() {
  demo_show "$@"
  # shellcheck disable=SC2154  # EVENTCTL is set by scripts/lib.sh, sourced before this file
  "$EVENTCTL" "$@"
}

# demo_capture VAR ARGS...: shows and runs one eventctl command, prints its output and
# also stores it (without the trailing newline) in the variable named VAR.
demo_capture() {
  local var="$1" out
  shift
  demo_show "$@"
  out="$("$EVENTCTL" "$@")" || return 1
  printf '%s\n' "$out"
  printf -v "$var" '%s' "$out"
}

# demo_ensure_org REDIS_URL ENV_FILE: makes sure a demo organisation and its organiser key
# exist, and exports EVENTS_ORG_ID and EVENTS_API_KEY. The first run bootstraps it and keeps
# `eventctl admin bootstrap --format env` output in ENV_FILE (other lines there, such as
# scripts/run's EVENTS_SERVICE_KEY, are kept); later runs reuse it while the key still
# works (it lives in Redis, so it goes when .data/redis is deleted).
demo_ensure_org() {
  local redis_url="$1" env_file="$2" out
  if [[ -n "$(env_file_get "$env_file" EVENTS_API_KEY)" ]]; then
    demo_load_env "$env_file" &&
      "$EVENTCTL" list >/dev/null 2>&1 && {
      info "reusing the demo organisation $EVENTS_ORG_ID (key in ${env_file#"$EVENTS_ROOT"/})"
      return 0
    }
    warn "the key in ${env_file#"$EVENTS_ROOT"/} no longer works (was .data/redis deleted?); making a new demo organisation"
  fi
  info "creating the demo organisation and its first organiser key (eventctl admin bootstrap)"
  # --allow-same-name: when the env file is lost but Redis is not, the old organisation's
  # key went with the file, so the demo makes a new one rather than stopping.
  # The URL may hold a password: eventctl reads it from its environment.
  out="$(EVENTS_REDIS_URL="$redis_url" "$EVENTCTL" admin bootstrap \
    --org-name "Demo Community Health Network" --allow-same-name --format env)" || return 1
  local org_id key
  org_id="$(sed -n 's/^EVENTS_ORG_ID=//p' <<<"$out")"
  key="$(sed -n 's/^EVENTS_API_KEY=//p' <<<"$out")"
  if [[ -z "$org_id" || -z "$key" ]]; then
    warn "eventctl admin bootstrap printed something unexpected:"
    printf '%s\n' "$out" >&2
    return 1
  fi
  env_file_put "$env_file" EVENTS_ORG_ID "$org_id" EVENTS_API_KEY "$key"
  demo_load_env "$env_file"
  note "organisation $EVENTS_ORG_ID; its key is kept in ${env_file#"$EVENTS_ROOT"/}"
}

# demo_load_env FILE: exports EVENTS_ORG_ID and EVENTS_API_KEY from a bootstrap env file
# (read as data, not run as shell code).
demo_load_env() {
  local line
  EVENTS_ORG_ID="" EVENTS_API_KEY=""
  while IFS= read -r line; do
    case "$line" in
      EVENTS_ORG_ID=*) EVENTS_ORG_ID="${line#*=}" ;;
      EVENTS_API_KEY=*) EVENTS_API_KEY="${line#*=}" ;;
      *) ;; # other lines (comments, future keys) are not ours to read
    esac
  done <"$1"
  export EVENTS_ORG_ID EVENTS_API_KEY
  [[ -n "$EVENTS_ORG_ID" && -n "$EVENTS_API_KEY" ]]
}

# demo_scheduling: an organiser creates, publishes and reschedules an accessible webinar.
demo_scheduling() {
  local day next_day
  # About three weeks ahead, 10:00 to 11:30 London time.
  day="$(date -d '+21 days' +%F)"
  next_day="$(date -d "$day + 1 day" +%F)"

  demo_capture DEMO_EVENT_ID create \
    --title "Living well with long-term conditions: a co-produced learning webinar" \
    --description "Shared learning from people living with long-term conditions, carers and practitioners, planned and run together." \
    --start "${day}T10:00" --end "${day}T11:30" --zone Europe/London \
    --mode online --capacity 250 --join-link "https://meet.example.org/living-well" \
    --provision live_captions:always --provision bsl_interpreter:on-request -q || return 1
  if [[ -z "$DEMO_EVENT_ID" || "$DEMO_EVENT_ID" == *[[:space:]]* ]]; then
    warn "eventctl create -q should print only the new event's id, but printed: $DEMO_EVENT_ID"
    return 1
  fi
  demo_step show "$DEMO_EVENT_ID" || return 1
  demo_step publish "$DEMO_EVENT_ID" || return 1
  demo_step reschedule "$DEMO_EVENT_ID" --start "${next_day}T10:00" --end "${next_day}T11:30" \
    --reason "Moved by a day so more of the co-production group can take part" || return 1
  demo_step list --upcoming || return 1
  demo_step ics "$DEMO_EVENT_ID" || return 1
}

# demo_heading TEXT: a heading before a group of steps.
demo_heading() {
  printf '\n%s\n' "$(bold "## $*")"
}

# demo_brief ARGS...: shows and runs one eventctl command, but prints only the first line of
# its output (for commands whose full answer an earlier step already showed).
demo_brief() {
  local out
  demo_show "$@"
  out="$("$EVENTCTL" "$@")" || return 1
  printf '%s\n' "${out%%$'\n'*}"
}

# demo_register VAR full|brief ARGS...: shows and runs `eventctl register ARGS`, prints its
# output (all of it, or only the first line, which says where the person stands) and keeps
# the person's registration token in the variable named VAR.
demo_register() {
  local var="$1" mode="$2" out token
  shift 2
  demo_show register "$@"
  out="$("$EVENTCTL" register "$@")" || return 1
  token="$(sed -n 's/^  Token: *//p' <<<"$out")"
  if [[ -z "$token" ]]; then
    warn "eventctl register printed no token line:"
    printf '%s\n' "$out" >&2
    return 1
  fi
  if [[ "$mode" == full ]]; then
    printf '%s\n' "$out"
  else
    printf '%s\n' "${out%%$'\n'*}"
  fi
  printf -v "$var" '%s' "$token"
}

# demo_registration: five people register for an online event with three places; one
# brings a companion, two wait; a cancellation gives the first person waiting a place; the
# organiser lists and exports (attendance cannot be marked yet).
demo_registration() {
  # The tokens of Tom, Grace and Dafydd go to `other`: the demo needs only Aisha's and Priya's.
  # shellcheck disable=SC2034
  local day event aisha priya other
  day="$(date -d '+4 days' +%F)"

  demo_heading "An online event with 3 places, 4 days ahead, with live captions"
  demo_capture event create \
    --title "Carers' breaks: an evening conversation" \
    --description "Carers and people who plan short breaks talk about what helps." \
    --start "${day}T18:00" --end "${day}T19:00" --zone Europe/London \
    --mode online --capacity 3 --join-link "https://meet.example.org/carers-breaks" \
    --provision live_captions:always -q || return 1
  if [[ -z "$event" || "$event" == *[[:space:]]* ]]; then
    warn "eventctl create -q should print only the new event's id, but printed: $event"
    return 1
  fi
  demo_brief publish "$event" || return 1

  demo_heading "One question on the registration form"
  demo_step registrations configure "$event" \
    --question "heard_from:single-choice:How did you hear about this event?:a friend|a charity|my GP|online" ||
    return 1

  demo_heading "Five people register (no account needed); Tom's companion needs a place too"
  demo_register aisha full "$event" --name "Aisha Khan" --email aisha.khan@example.org \
    --participation lived-experience --answer "heard_from=a charity" --marketing || return 1
  demo_register other brief "$event" --name "Tom Reilly" --email tom.reilly@example.org \
    --participation carer --companion --answer "heard_from=a friend" || return 1
  demo_register priya brief "$event" --name "Priya Sharma" --email priya.sharma@example.org \
    --participation professional --organisation "Riverside Community NHS Trust" || return 1
  demo_register other brief "$event" --name "Grace Okafor" --email grace.okafor@example.org \
    --participation student --answer "heard_from=online" || return 1
  demo_register other brief "$event" --name "Dafydd Evans" --email dafydd.evans@example.org \
    --participation lived-experience --answer "heard_from=my GP" || return 1

  demo_heading "All 3 places are taken; 3 people wait, in the order they registered"
  demo_step registrations capacity "$event" || return 1
  demo_step registrations list "$event" || return 1

  demo_heading "Aisha cancels with her token; Priya, first in line, gets the place"
  demo_brief my cancel --token "$aisha" || return 1
  demo_step my show --token "$priya" || return 1
  demo_step registrations list "$event" || return 1

  demo_heading "The organiser's export (CSV)"
  demo_step registrations export "$event" || return 1

  demo_heading "Attendance opens 30 minutes before the start: marking it days ahead is refused"
  if demo_step registrations attend "$event" --email tom.reilly@example.org; then
    warn "attendance was marked days before the event started"
    return 1
  fi
  # shellcheck disable=SC2034  # for demos of later services
  DEMO_REGISTRATION_EVENT_ID="$event"
}

# demo_all: runs demo_<service> for each running service that has one, in service order.
# Arguments: the names of the running services.
demo_all() {
  local service
  for service in "$@"; do
    if declare -F "demo_$service" >/dev/null; then
      info "demo: $service"
      "demo_$service" || {
        warn "the $service demo failed (see above); the log is .run/$service.log"
        return 1
      }
    fi
  done
}

# demo_accessibility: an attendee of the demo webinar asks for a BSL interpreter; an
# organiser without the access_coordinator role sees only counts; the coordinator books an
# interpreter for the whole webinar, which fulfils the request; the attendee sees it
# fulfilled; the coordinator's read of the details is in the audit log.
demo_accessibility() {
  local event="${DEMO_EVENT_ID:-}" jordan out shown provision organiser_key env_file
  if [[ -z "$event" ]]; then
    warn "the accessibility demo needs the scheduling demo's event"
    return 1
  fi
  # shellcheck disable=SC2154  # EVENTS_RUN_DIR is set by scripts/lib.sh, sourced first
  env_file="$EVENTS_RUN_DIR/demo.env"

  demo_heading "Jordan registers for the webinar and asks for a BSL interpreter"
  demo_register jordan brief "$event" --name "Jordan Lee" --email jordan.lee@example.org \
    --participation lived-experience || return 1
  demo_step access request submit --token "$jordan" --need bsl_interpreter \
    --details "BSL is my first language; an interpreter on screen for the whole webinar, please" \
    --consent || return 1

  demo_heading "An organiser without the access_coordinator role sees counts, never details"
  organiser_key="$(env_file_get "$env_file" DEMO_ORGANISER_KEY)"
  if [[ -z "$organiser_key" ]] ||
    ! printf '%s\n' "$organiser_key" | "$EVENTCTL" admin check-key --role organiser >/dev/null 2>&1; then
    out="$("$EVENTCTL" admin org-key --org-id "$EVENTS_ORG_ID" --role organiser \
      --name "demo organiser (no access_coordinator role)" --format env)" || return 1
    organiser_key="${out#EVENTS_API_KEY=}"
    env_file_put "$env_file" DEMO_ORGANISER_KEY "$organiser_key"
  fi
  EVENTS_API_KEY="$organiser_key" demo_step access counts "$event" || return 1
  demo_show access requests list "$event"
  if EVENTS_API_KEY="$organiser_key" "$EVENTCTL" access requests list "$event"; then
    warn "an organiser without the access_coordinator role could list requests"
    return 1
  fi

  demo_heading "The access coordinator books an interpreter; it fulfils every BSL request"
  demo_step access requests list "$event" || return 1
  demo_show access provisions add "$event" --need bsl_interpreter \
    --description "BSL interpreter booked for the whole webinar"
  out="$("$EVENTCTL" access provisions add "$event" --need bsl_interpreter \
    --description "BSL interpreter booked for the whole webinar")" || return 1
  printf '%s\n' "$out"
  provision="$(grep -o 'pv_[0-9A-Z]*-[0-9A-Z]*' <<<"$out" | head -n1)"
  [[ -n "$provision" ]] || {
    warn "eventctl access provisions add printed no provision id"
    return 1
  }
  demo_step access provisions fulfil "$provision" || return 1

  demo_heading "Jordan sees the request fulfilled"
  demo_capture shown access request show --token "$jordan" || return 1
  [[ "$shown" == *": fulfilled"* ]] || {
    warn "the request is not fulfilled"
    return 1
  }

  demo_heading "The coordinator reads the details; the read is audited"
  demo_step access requests show "$(grep -o 'ar_[0-9A-Z]*-[0-9A-Z]*' <<<"$shown" | head -n1)" ||
    return 1
  demo_step access audit --limit 5 || return 1
}

# demo_feedback: after an online event, six attendees answer the survey (one changes their
# answers); the organiser reads the report (small groups withheld, contact details redacted),
# exports the anonymised responses and sees the organisation's trends. The event is days
# ahead, so the survey is opened by hand (eventctl feedback open-now: scripts/run sets
# FEEDBACK_ALLOW_MANUAL_OPEN=true; in production it opens when the event ends).
demo_feedback() {
  local day event i answer_token
  local -a tokens=()
  local -a names=("Amira Haddad" "Ben Carter" "Chloe Nwosu" "Dev Patel" "Erin Walsh" "Femi Adeyemi")
  day="$(date -d '+5 days' +%F)"

  demo_heading "An online webinar; six people register"
  demo_capture event create \
    --title "Co-producing care plans: what we learnt" \
    --description "People who use services and the staff who plan with them share what worked." \
    --start "${day}T14:00" --end "${day}T15:30" --zone Europe/London \
    --mode online --capacity 20 --join-link "https://meet.example.org/co-production" -q ||
    return 1
  demo_brief publish "$event" || return 1
  for i in "${!names[@]}"; do
    demo_register answer_token brief "$event" --name "${names[$i]}" \
      --email "$(tr 'A-Z ' 'a-z.' <<<"${names[$i]}")@example.org" || return 1
    tokens+=("$answer_token")
  done

  demo_heading "The survey every event gets (plain-language wording shown)"
  demo_step feedback survey show "$event" --easy-read || return 1

  demo_heading "The event is over: the survey opens and each registration is invited once"
  # The registrations reach feedback as domain events: wait (up to 5 s) until its projector
  # has seen all six, so that each is invited.
  for i in {1..20}; do
    [[ "$("$EVENTCTL" feedback report "$event" 2>/dev/null)" == *" of ${#names[@]} invited"* ]] &&
      break
    sleep 0.25
  done
  demo_brief feedback open-now "$event" || return 1

  demo_heading "Attendees answer with their registration token"
  demo_step feedback respond --token "${tokens[0]}" --answer overall=5 --answer recommend=10 \
    --answer access_needs_met=yes --answer "mattered_most=Being listened to. Call me on 07700 900123" ||
    return 1
  demo_brief feedback respond --token "${tokens[1]}" --answer overall=4 --answer recommend=9 \
    --answer access_needs_met=partly --comment "access_needs_met=The slides came late" \
    --answer "mattered_most=Hearing from people with lived experience" || return 1
  demo_brief feedback respond --token "${tokens[2]}" --answer overall=3 --answer recommend=6 \
    --answer "mattered_most=Clear captions; write to chloe@example.org" || return 1
  demo_brief feedback respond --token "${tokens[3]}" --answer overall=5 --answer recommend=8 \
    --answer help_shape=yes --answer "mattered_most=Practical examples" || return 1
  demo_brief feedback respond --token "${tokens[4]}" --answer overall=2 --answer recommend=3 \
    --answer "mattered_most=More time for questions" || return 1
  demo_brief feedback respond --token "${tokens[5]}" --answer overall=4 --answer recommend=9 \
    --answer help_shape=yes --answer "mattered_most=Small group discussion" || return 1

  demo_heading "Erin changes her answers: the new ones replace the old"
  demo_step feedback respond --token "${tokens[4]}" --answer overall=3 --answer recommend=7 \
    --answer "mattered_most=More time for questions, but good overall" || return 1

  demo_heading "The organiser's report"
  demo_step feedback report "$event" || return 1

  demo_heading "The responses as CSV (no names, tokens or registration ids)"
  demo_step feedback export "$event" || return 1

  demo_heading "The organisation's feedback over time"
  demo_step feedback trends || return 1
  # shellcheck disable=SC2034  # for the web demo: its survey is answered through the page
  DEMO_FEEDBACK_EVENT_ID="$event"
}

# demo_register_traced EVENT TRACE: Sam Lee registers through the web tier's HTTP API with a
# traceparent of trace TRACE (so the registration can be followed through the logs); through
# eventctl when the web service is not running (then TRACE is not the registration's).
demo_register_traced() {
  local event="$1" trace="$2" web status
  web="http://localhost:$(service_grpc_port web)"
  if ! curl -fsS -o /dev/null --max-time 2 "$web/readyz" 2>/dev/null; then
    demo_show register "$event" --name "Sam Lee" --email sam.lee@example.org --marketing
    "$EVENTCTL" register "$event" --name "Sam Lee" --email sam.lee@example.org --marketing |
      head -n 1
    return
  fi
  local body='{"name": "Sam Lee", "email": "sam.lee@example.org", "marketing_opt_in": true}'
  printf '\n%s\n' "$(bold "\$ curl -X POST $web/api/v1/events/$event/registrations -H 'traceparent: 00-$trace-00f067aa0ba902b7-01' -H 'Content-Type: application/json' -d '$body'")"
  # The answer holds Sam's personal token: only its status is shown.
  status="$(curl -sS -o /dev/null -w '%{http_code}' -X POST \
    -H "traceparent: 00-$trace-00f067aa0ba902b7-01" -H 'Content-Type: application/json' \
    -d "$body" "$web/api/v1/events/$event/registrations")" || return 1
  printf 'HTTP %s (the answer, with the personal token, is not shown)\n' "$status"
  [[ "$status" == 200 ]]
}

# demo_follow_trace TRACE: greps every service's log for the trace, as an operator would, and
# shows which service logged what (docs/operations.md, "Following one registration"). Waits
# a few seconds for the e-mail, which notifications sends after the webhook.
demo_follow_trace() {
  local trace="$1" i
  for i in $(seq 50); do
    grep -qF "\"trace_id\":\"$trace\"" "$EVENTS_RUN_DIR/notifications.log" 2>/dev/null && break
    sleep 0.1
  done
  demo_heading "That registration, followed by its trace id through every service's log"
  printf '\n%s\n' "$(bold "\$ grep $trace .run/*.log")"
  printf '(each line shortened to its log and message, counted)\n'
  grep -F "$trace" "$EVENTS_RUN_DIR"/*.log |
    sed -n 's/^[^:]*\/\([a-z]*\.log\):.*"msg":"\([^"]*\)".*/  \1: \2/p' | sort | uniq -c
}

# demo_integrations: a local receiver (scripts/webhook-receiver, which checks signatures on
# its own) is subscribed to registrations and tests; a test webhook and a new registration
# (registration.created and .confirmed) reach it signed; the organiser reads the delivery log and the consented contacts (CSV).
# The registration is made through the HTTP API with a traceparent, and then followed by its
# trace id through the logs (docs/operations.md, "Following one registration").
# Plain http to 127.0.0.1 is allowed because scripts/run sets INTEGRATIONS_ALLOW_HTTP_LOOPBACK.
demo_integrations() {
  local dir="$EVENTS_RUN_DIR" receiver_pid port out secret hook event i trace
  event="${DEMO_EVENT_ID:-}"
  rm -f "$dir/receiver.port" "$dir/receiver.secret" "$dir/receiver.out"
  python3 "$EVENTS_ROOT/scripts/webhook-receiver" --port 0 --port-file "$dir/receiver.port" \
    --secret-file "$dir/receiver.secret" --count 3 >"$dir/receiver.out" 2>&1 &
  receiver_pid=$!
  for i in $(seq 50); do
    [[ -s "$dir/receiver.port" ]] && break
    sleep 0.1
  done
  port="$(cat "$dir/receiver.port" 2>/dev/null)"
  [[ -n "$port" ]] || {
    warn "the webhook receiver did not start"
    kill "$receiver_pid" 2>/dev/null
    return 1
  }

  demo_heading "A mailing tool's endpoint subscribes to registrations (signed webhooks)"
  demo_show webhooks add "http://127.0.0.1:$port/hooks" --type 'registration.*' \
    --type webhook.test --description "demo receiver"
  out="$("$EVENTCTL" webhooks add "http://127.0.0.1:$port/hooks" --type 'registration.*' \
    --type webhook.test --description "demo receiver")" || {
    kill "$receiver_pid" 2>/dev/null
    return 1
  }
  printf '%s\n' "$out"
  hook="$(sed -n 's/^Webhook \(wh_[A-Z0-9]*\) .*/\1/p' <<<"$out")"
  secret="$(sed -n 's/^  \(whsec_.*\)$/\1/p' <<<"$out")"
  printf '%s\n' "$secret" >"$dir/receiver.secret"
  demo_step webhooks test "$hook" || {
    kill "$receiver_pid" 2>/dev/null
    return 1
  }
  trace="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  if [[ -n "$event" ]]; then
    demo_heading "Someone registers and agrees to hear from the organiser"
    demo_register_traced "$event" "$trace" || {
      kill "$receiver_pid" 2>/dev/null
      return 1
    }
  fi
  for i in $(seq 100); do
    (($(grep -c '^received' "$dir/receiver.out" 2>/dev/null || true) >= 3)) && break
    [[ -z "$event" ]] && (($(grep -c '^received' "$dir/receiver.out" || true) >= 1)) && break
    sleep 0.1
  done
  kill "$receiver_pid" 2>/dev/null
  wait "$receiver_pid" 2>/dev/null
  demo_heading "What the receiver got (it checked each signature itself)"
  cat "$dir/receiver.out"
  grep -q 'signature verified' "$dir/receiver.out" || {
    warn "the receiver got no correctly signed webhook"
    return 1
  }
  demo_step webhooks deliveries "$hook" || return 1
  [[ -n "$event" ]] && demo_follow_trace "$trace"
  if [[ -n "$event" ]]; then
    demo_heading "Consented contacts for a mailing tool (CSV)"
    for i in $(seq 50); do
      "$EVENTCTL" contacts export 2>/dev/null | grep -q sam.lee && break
      sleep 0.1
    done
    demo_step contacts export || return 1
  fi
  "$EVENTCTL" webhooks remove "$hook" >/dev/null
}

# demo_web: someone signs up for the demo webinar through its web page, as a browser would
# (GET the form, POST each step with its CSRF token and cookie), and asks for a BSL
# interpreter on the way; prints the event's page and the sign-up's personal link.
demo_web() {
  local event="${DEMO_EVENT_ID:-}" base jar page csrf key link status
  base="http://localhost:$(service_grpc_port web)"
  [[ -n "$event" ]] || {
    warn "the web demo needs the scheduling demo's event"
    return 1
  }
  demo_heading "The demo webinar's page: $base/events/$event"
  jar="$(mktemp)"
  # web_form URL FIELDS...: POSTs the fields (name=value, URL-encoded here) with the CSRF
  # token of the last page; sets page.
  web_form() {
    local url="$1" args=() field
    shift
    for field in "csrf=$csrf" "$@"; do args+=(--data-urlencode "$field"); done
    page="$(curl -fsS -b "$jar" -c "$jar" "${args[@]}" "$url")" || return 1
    csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)"
  }
  page="$(curl -fsS -b "$jar" -c "$jar" "$base/events/$event/register")" || return 1
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)"
  local mail_mark
  mail_mark="$(demo_mail_mark)"
  local details=("name=Sam Patel" "email=sam.patel@example.org"
    "participation=lived_experience" "support=yes")
  printf '    Sam Patel fills in the form at %s/events/%s/register\n' "$base" "$event"
  web_form "$base/events/$event/register" "${details[@]}" || return 1
  local access=("needs=bsl_interpreter" "details=British Sign Language, please"
    "contact_method=registration_email" "consent=yes")
  printf '    ... says yes, a BSL interpreter would help, and agrees to it being kept\n'
  web_form "$base/events/$event/register/access" "${details[@]}" "${access[@]}" || return 1
  key="$(sed -n 's/.*name="idempotency_key" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)"
  if [[ -z "$key" ]]; then
    rm -f "$jar"
    warn "the web form did not reach \"Check your answers\""
    return 1
  fi
  printf '    ... checks the answers and signs up\n'
  web_form "$base/events/$event/register/confirm" "${details[@]}" "${access[@]}" \
    "idempotency_key=$key" || return 1
  rm -f "$jar"
  status="$(sed -n 's/.*<p class="panel__body">\([^<]*\)<.*/\1/p' <<<"$page" | head -n 1)"
  link="$(grep -o 'href="[^"]*/manage/[^"]*"' <<<"$page" | head -n 1 | sed 's/^href="//; s/"$//')"
  if [[ -z "$status" || -z "$link" ]]; then
    warn "the web sign-up did not show its confirmation"
    return 1
  fi
  printf '    The confirmation page says: %s\n' "$status"
  printf '    Sam'"'"'s personal link (shown once, like a password): %s\n' "$link"
  demo_mail "$mail_mark" sam.patel@example.org
  if [[ -n "${DEMO_FEEDBACK_EVENT_ID:-}" ]]; then
    demo_web_feedback "$base" "$DEMO_FEEDBACK_EVENT_ID" || return 1
  fi
  demo_api "$base" || return 1
}

# demo_api_call SHOWN ARGS...: prints "$ curl SHOWN" (with $KEY, not the key itself), runs
# curl ARGS and prints its answer; sets answer.
demo_api_call() {
  local shown="$1"
  shift
  printf '\n%s\n' "$(bold "\$ curl $shown")"
  answer="$(curl -sS "$@")" || return 1
  printf '%s\n' "$answer" | cut -c1-400
}

# demo_api BASE: a mailing tool over the HTTP/JSON API (docs/api.md): the organiser makes it
# a key with the contacts scopes, it reads the consented contacts, someone unsubscribes in
# the tool, and the consent is withdrawn; then the OpenAPI document.
demo_api() {
  local api="$1/api/v1" answer key i
  demo_heading "A mailing tool over the HTTP/JSON API ($api)"
  demo_api_call "-X POST $api/api-keys -H 'Authorization: Bearer \$EVENTS_API_KEY' -H 'Content-Type: application/json' -d '{\"name\": \"Mailing tool\", \"scopes\": [\"contacts:read\", \"contacts:write\", \"registrations:read\"]}'" \
    -X POST "$api/api-keys" -H "Authorization: Bearer $EVENTS_API_KEY" \
    -H 'Content-Type: application/json' \
    -d '{"name": "Mailing tool", "scopes": ["contacts:read", "contacts:write", "registrations:read"]}' ||
    return 1
  key="$(sed -n 's/.*"api_key":"\(evk_[^"]*\)".*/\1/p' <<<"$answer")"
  [[ -n "$key" ]] || {
    warn "the API made no key"
    return 1
  }
  demo_api_call "'$api/contacts?page_size=5' -H 'Authorization: Bearer \$KEY'" \
    "$api/contacts?page_size=5" -H "Authorization: Bearer $key" || return 1
  if grep -q '"email":"sam.lee@example.org"[^}]*"subscribed":true' <<<"$answer"; then
    demo_api_call "-X POST $api/contacts/unsubscribe -H 'Authorization: Bearer \$KEY' -H 'Content-Type: application/json' -d '{\"email\": \"sam.lee@example.org\", \"source\": \"mailchimp\"}'" \
      -X POST "$api/contacts/unsubscribe" -H "Authorization: Bearer $key" \
      -H 'Content-Type: application/json' \
      -d '{"email": "sam.lee@example.org", "source": "mailchimp"}' || return 1
    # The contacts feed follows registration's change a moment later.
    for i in $(seq 50); do
      answer="$(curl -sS "$api/contacts?page_size=100" -H "Authorization: Bearer $key")"
      grep -q '"email":"sam.lee@example.org"[^}]*"subscribed":false' <<<"$answer" && break
      sleep 0.1
    done
    demo_api_call "'$api/contacts?page_size=5' -H 'Authorization: Bearer \$KEY'" \
      "$api/contacts?page_size=5" -H "Authorization: Bearer $key" || return 1
    grep -q '"email":"sam.lee@example.org"[^}]*"subscribed":false' <<<"$answer" || {
      warn "Sam Lee's consent was not withdrawn"
      return 1
    }
    printf '    Sam Lee unsubscribed in the mailing tool: "subscribed":false, consent withdrawn\n'
  fi
  printf '    Every path and field: %s/openapi.json (docs/api.md)\n' "$api"
}

# demo_web_feedback BASE EVENT: someone who took part in the feedback demo's webinar (its
# survey is open) answers the survey from their survey link, as a browser would (GET the
# survey, POST the answers with its CSRF token and cookie, follow to the thank-you page).
demo_web_feedback() {
  local base="$1" event="$2" grace jar page csrf heading
  demo_heading "Grace answers the survey through its web page"
  demo_register grace brief "$event" --name "Grace Okafor" --email grace.okafor@example.org ||
    return 1
  jar="$(mktemp)"
  printf '    Grace opens her survey link: %s/feedback/%s\n' "$base" "$grace"
  page="$(curl -fsS -b "$jar" -c "$jar" "$base/feedback/$grace")" || {
    rm -f "$jar"
    return 1
  }
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)"
  printf '    ... rates it 5, says her access needs were partly met and why, and sends it\n'
  page="$(curl -fsS -L -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
    --data-urlencode q-overall=5 --data-urlencode q-access_needs_met=partly \
    --data-urlencode "q-access_needs_met-comment=The captions lagged a little" \
    --data-urlencode "q-mattered_most=Hearing from carers like me" \
    --data-urlencode q-recommend=9 --data-urlencode q-help_shape=yes \
    "$base/feedback/$grace")" || {
    rm -f "$jar"
    return 1
  }
  rm -f "$jar"
  heading="$(sed -n 's/.*<h1 class="panel__title">\([^<]*\)<.*/\1/p' <<<"$page" | head -n 1)"
  if [[ -z "$heading" ]]; then
    warn "the web survey did not show its thank-you page"
    return 1
  fi
  printf '    The page says: %s\n' "$heading"
}

# demo_mail_mark: prints the name of the newest e-mail saved in .run/mail/ (nothing when
# there is none), so that demo_mail can tell the messages that come after it apart.
# shellcheck disable=SC2154  # EVENTS_MAIL_DIR and EVENTS_RUN_DIR are set by scripts/lib.sh
demo_mail_mark() {
  local file last=""
  for file in "$EVENTS_MAIL_DIR"/[0-9]*.eml; do
    [[ -e "$file" ]] && last="${file##*/}"
  done
  printf '%s' "$last"
}

# demo_mail MARK ADDRESS: waits (up to 20 s) for an e-mail to ADDRESS saved in .run/mail/
# after MARK (from demo_mail_mark), and prints its From, To, Subject and Date and its plain
# text. Never fails the demo: without a notifications server it says so in one line, and an
# e-mail that does not come is a warning (the server's log says why).
# shellcheck disable=SC2154  # EVENTS_MAIL_DIR and EVENTS_RUN_DIR are set by scripts/lib.sh
demo_mail() {
  local mark="$1" address="$2" pid file found="" deadline=$((EPOCHSECONDS + 20))
  pid="$(read_pid_file "$EVENTS_RUN_DIR/notifications.pid")"
  if [[ -z "$pid" ]] || ! pid_matches "$pid" notifications_server; then
    note "(no notifications server is running, so no e-mail was sent)"
    return 0
  fi
  demo_heading "The e-mail $address gets (the local mail sink keeps it; nothing is sent)"
  while [[ -z "$found" ]]; do
    for file in "$EVENTS_MAIL_DIR"/[0-9]*.eml; do
      [[ -e "$file" && "${file##*/}" > "$mark" ]] || continue
      # Only the header block: the envelope lines the sink adds and To name the recipient.
      if sed '/^\r\?$/q' "$file" | grep -qiF -- "$address"; then
        found="$file"
        break
      fi
    done
    [[ -n "$found" ]] && break
    if ((EPOCHSECONDS >= deadline)); then
      warn "no e-mail to $address reached ${EVENTS_MAIL_DIR#"$EVENTS_ROOT"/}/ within 20 s; see .run/notifications.log and .run/mailsink.log"
      return 0
    fi
    sleep 0.2
  done
  # Debian's python3, which has python3-icalendar (another python3 may come first in PATH).
  /usr/bin/python3 - "$found" <<'EOF' || warn "could not read $found"
import email
import email.policy
import sys

with open(sys.argv[1], "rb") as file:
    message = email.message_from_binary_file(file, policy=email.policy.default)
for name in ("From", "To", "Subject", "Date"):
    print("    %s: %s" % (name, message.get(name, "")))
body = message.get_body(preferencelist=("plain",))
print()
text = body.get_content() if body else "(no text/plain part)"
for line in text.splitlines():
    print("    " + line if line else "")
# The calendar file, read by a calendar library (python3-icalendar), as a calendar app would.
for part in message.iter_attachments():
    if part.get_content_type() != "text/calendar":
        continue
    try:
        import icalendar
    except ImportError:
        print("\n    (attached: %s; install python3-icalendar to read it here)" % part.get_filename())
        continue
    calendar = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    for event in calendar.walk("VEVENT"):
        print("\n    Attached %s, read with icalendar: %s, starts %s, UID %s, SEQUENCE %s"
              % (part.get_filename(), event.get("SUMMARY"), event.decoded("DTSTART").isoformat(),
                 event.get("UID"), event.get("SEQUENCE")))
# The personal link in the e-mail opens the person's own page.
import re
import urllib.request
link = re.search(r"https?://\S+/manage/\S+", text)
if link:
    with urllib.request.urlopen(link.group(0), timeout=10) as page:
        print("    The link in the e-mail opens the registration page (HTTP %d)." % page.status)
EOF
  printf '\n    Saved as %s: open it with any mail client, or read it as text.\n' \
    "${found#"$EVENTS_ROOT"/}"
}

# The demo organiser, a person: signs in to the organiser console by e-mail.
DEMO_ORGANISER_EMAIL="organiser@demo.example"

# demo_ensure_organiser WEB_URL: the demo organisation's first organiser as a person (roles
# organiser and access coordinator), invited over the HTTP/JSON API with the organiser key;
# an organisation that has them already is left as it is (409).
demo_ensure_organiser() {
  local api="$1/api/v1" status
  status="$(curl -sS -o /dev/null -w '%{http_code}' -X POST "$api/members" \
    -H "Authorization: Bearer $EVENTS_API_KEY" -H 'Content-Type: application/json' \
    -d "{\"name\": \"Dee Organiser\", \"email\": \"$DEMO_ORGANISER_EMAIL\", \"roles\": [\"MEMBER_ROLE_ORGANISER\", \"MEMBER_ROLE_ACCESS_COORDINATOR\"], \"idempotency_key\": \"demo-organiser\"}")"
  case "$status" in
    200) note "invited Dee Organiser ($DEMO_ORGANISER_EMAIL) to the organiser console" ;;
    409) ;;
    *)
      warn "inviting the demo organiser answered HTTP $status"
      return 1
      ;;
  esac
}

# demo_people: Dee Organiser signs in to the organiser console as a browser would: asks for a
# link, reads it from the e-mail in the local mailbox, opens it and presses "Sign in"; the
# overview lists the demo webinar.
# shellcheck disable=SC2154  # started is scripts/run's list of the services it started
demo_people() {
  local base jar page csrf link
  base="http://localhost:$(service_grpc_port web)"
  [[ " ${started[*]} " == *" web "* && " ${started[*]} " == *" notifications "* ]] || return 0
  demo_heading "Dee Organiser signs in to the organiser console: $base/manage"
  demo_ensure_organiser "$base" || return 1
  jar="$(mktemp)"
  page="$(curl -fsS -b "$jar" -c "$jar" "$base/manage/sign-in")" || return 1
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)"
  curl -fsS -o /dev/null -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" \
    --data-urlencode "email=$DEMO_ORGANISER_EMAIL" "$base/manage/sign-in" || return 1
  printf '    asked for a sign-in link for %s; waiting for the e-mail in %s/\n' \
    "$DEMO_ORGANISER_EMAIL" "${EVENTS_MAIL_DIR#"$EVENTS_ROOT"/}"
  local i
  for i in $(seq 100); do
    link="$("$EVENTS_ROOT/tools/mailsink/sign_in_link.py" "$DEMO_ORGANISER_EMAIL" \
      --dir "$EVENTS_MAIL_DIR" 2>/dev/null)" && [[ -n "$link" ]] &&
      ! grep -qxF "$link" "$EVENTS_RUN_DIR/used-links" 2>/dev/null && break
    link=""
    sleep 0.1
  done
  [[ -n "$link" ]] || {
    warn "no sign-in e-mail reached $EVENTS_MAIL_DIR in 10 s (see .run/notifications.log)"
    return 1
  }
  echo "$link" >>"$EVENTS_RUN_DIR/used-links"
  printf '    the e-mail links to %s/manage/sign-in/<token> (works once, 15 minutes, this browser only)\n' "$base"
  page="$(curl -fsS -b "$jar" -c "$jar" "$link")" || return 1
  csrf="$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' <<<"$page" | head -n 1)"
  page="$(curl -fsS -L -b "$jar" -c "$jar" --data-urlencode "csrf=$csrf" "$link")" || return 1
  rm -f "$jar"
  if ! grep -q 'Upcoming events' <<<"$page"; then
    warn "signing in did not end on the console's overview"
    return 1
  fi
  printf '    signed in: the overview lists %s upcoming event(s)\n' \
    "$(grep -c '<tr><td><a href="/manage/events/' <<<"$page")"
}
