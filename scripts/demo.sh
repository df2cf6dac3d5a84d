# shellcheck shell=bash
# The short demo that ./scripts/run shows once everything is up. Sourced by scripts/run
# after lib.sh; not a command of its own.
#
# One function per service, demo_<service>, run in service order for each service that
# is running. To show a new service, add its function at the end of this file: it gets
# EVENTCTL (the eventctl binary) and, exported, EVENTS_SCHEDULING_ADDR and EVENTS_API_KEY
# (the demo organisation's organiser key), and returns non-zero when a step fails.
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
    else
      out+=" $(printf '%q' "$arg")"
    fi
  done
  printf '\n%s\n' "$(bold "\$ $out")"
}

# demo_step ARGS...: shows and runs one eventctl command; its output goes to the screen.
demo_step() {
  demo_show "$@"
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
# `eventctl admin bootstrap --format env` output in ENV_FILE; later runs reuse that file
# while the key still works (it lives in Redis, so it goes when .data/redis is deleted).
demo_ensure_org() {
  local redis_url="$1" env_file="$2" out
  if [[ -s "$env_file" ]]; then
    demo_load_env "$env_file" &&
      "$EVENTCTL" list >/dev/null 2>&1 && {
      info "reusing the demo organisation $EVENTS_ORG_ID (key in ${env_file#"$EVENTS_ROOT"/})"
      return 0
    }
    warn "the key in ${env_file#"$EVENTS_ROOT"/} no longer works (was .data/redis deleted?); making a new demo organisation"
  fi
  info "creating the demo organisation and its first organiser key (eventctl admin bootstrap)"
  out="$("$EVENTCTL" admin bootstrap --org-name "Demo Community Health Network" \
    --redis-url "$redis_url" --format env)" || return 1
  if ! grep -qE '^EVENTS_ORG_ID=.+' <<<"$out" || ! grep -qE '^EVENTS_API_KEY=.+' <<<"$out"; then
    warn "eventctl admin bootstrap printed something unexpected:"
    printf '%s\n' "$out" >&2
    return 1
  fi
  (
    umask 077 # the file holds a secret key
    printf '%s\n' "$out" >"$env_file.tmp"
  )
  mv -f "$env_file.tmp" "$env_file"
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
    --format online --capacity 250 --join-link "https://meet.example.org/living-well" \
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
