# shellcheck shell=bash disable=SC2154  # the settings, keys and ports it reads are scripts/bench's
# ./scripts/bench capacity: the figures docs/scaling.md is worked out from, measured in one
# run (docs/benchmarks.md, "Capacity"). Sourced by scripts/bench, which has by then started
# Redis (no persistence), scheduling and registration (rate limits off), made the
# organisation's keys and defined launch, start_server, new_event, run_loadgen and the
# EVALSHA helpers; this file only defines functions, and bench_capacity runs them:
#   1. memory: E webinars of P places (BENCH_CAPACITY_EVENTS, 40; BENCH_CAPACITY_PLACES,
#      250), each filled by P registrations, with integrations (one webhook subscribed to
#      every type, delivered to scripts/webhook-receiver) and notifications (sending to
#      tools/mailsink) running as in production; INFO memory before and after, MEMORY USAGE
#      of every key by kind, the partition streams' cost per entry and at their MAXLEN;
#   2. volumes: the domain events, webhook deliveries and e-mails those registrations
#      caused, counted from the streams, the receiver's log and notifications' metrics;
#   3. the idempotency record and rate-limit counters of a registration, from a few made
#      with eventctl through a registration service with its default limits;
#   4. one primary's ceiling, BENCH_CAPACITY_ROUNDS times: Register through the service
#      (closed loop, as mode registration) and the register script alone
#      (tools/register_ceiling, by EVALSHA, no service in front).

# cap_info_field SECTION FIELD: a field of INFO SECTION (digits and dots as Redis gives them).
cap_info_field() {
  rcli "$redis_port" info "$1" | tr -d '\r' | sed -n "s/^$2:\([0-9.]*\).*/\1/p"
}

# cap_load: the load averages (1, 5, 15 minutes) and how many CPUs share them.
cap_load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"; }

# cap_bytes BYTES: BYTES in a readable unit (bytes, KB, MB, GB; 1 KB = 1,000 bytes).
cap_bytes() {
  awk -v b="$1" 'BEGIN {
    if (b >= 1e9) printf "%.2f GB", b / 1e9; else if (b >= 1e6) printf "%.1f MB", b / 1e6;
    else if (b >= 1e4) printf "%.1f KB", b / 1e3; else printf "%d bytes", b }'
}

# cap_div A B [DECIMALS]: A/B ("-" when B is 0).
cap_div() {
  awk -v a="$1" -v b="$2" -v d="${3:-1}" 'BEGIN { if (b + 0 > 0) printf "%.*f", d, a / b; else printf "-" }'
}

# cap_partitions: the partition count the services keyed their data with, as they recorded
# it (common/bus/partition_guard.h); EVENTS_PARTITIONS, or its default, before they have.
cap_partitions() {
  local n
  n="$(rcli "$redis_port" --raw get "${EVENTS_REDIS_KEY_PREFIX:-}events:partitions")"
  [[ "$n" =~ ^[0-9]+$ ]] || n="${EVENTS_PARTITIONS:-256}"
  echo "$n"
}

# cap_stream_keys: the partition streams' key names, one a line.
cap_stream_keys() {
  local p n
  n="$(cap_partitions)"
  for ((p = 0; p < n; p++)); do
    echo "${EVENTS_REDIS_KEY_PREFIX:-}{p$p}:events"
  done
}

# cap_stream_marks: "stream last-id" for every partition stream (0-0 when empty), so that
# what a step added can be counted afterwards.
cap_stream_marks() {
  local key id
  while read -r key; do
    id="$(rcli "$redis_port" --raw xrevrange "$key" + - count 1 | sed -n 1p)"
    echo "$key ${id:-0-0}"
  done < <(cap_stream_keys)
}

# The entries of a stream after an id, counted by their "type" field inside Redis (the
# values are protobuf bytes, which a line-based reading of XRANGE could split).
CAP_COUNT_TYPES_LUA='
local counts, start = {}, ARGV[1]
while true do
  local entries = redis.call("XRANGE", KEYS[1], start, "+", "COUNT", 1000)
  if #entries == 0 then break end
  for _, e in ipairs(entries) do
    local f = e[2]
    for i = 1, #f, 2 do
      if f[i] == "type" then counts[f[i + 1]] = (counts[f[i + 1]] or 0) + 1 end
    end
    start = "(" .. e[1]
  end
end
local out = {}
for k, v in pairs(counts) do out[#out + 1] = k .. " " .. v end
return out'

# cap_count_types MARKS: "type count" lines, summed over the streams, for the entries after
# each stream's mark (as cap_stream_marks printed them).
cap_count_types() {
  local key id
  while read -r key id; do
    if [[ "$id" == 0-0 ]]; then id="-"; else id="($id"; fi
    timeout 120 redis-cli -h 127.0.0.1 -p "$redis_port" --raw eval "$CAP_COUNT_TYPES_LUA" 1 "$key" "$id"
  done <<<"$1" | awk 'NF == 2 { n[$1] += $2 } END { for (t in n) print t, n[t] }' | sort
}

# cap_key_shape: reads key names on stdin and prints, for each, its kind: the name with the
# partition, ids, hashes and numbers replaced by placeholders, so that keys made the same
# way group together.
cap_key_shape() {
  # Debian's awk (mawk) has no {n,} repetition: the patterns are spelt out.
  awk -v prefix="${EVENTS_REDIS_KEY_PREFIX:-}" '
    function at_least(n, class,   r, i) { r = ""; for (i = 0; i < n; i++) r = r class; return r class "*" }
    BEGIN {
      id = "[a-z]+_" at_least(10, "[0-9A-Za-z]") "(-[0-9A-Za-z]+)*"
      hash = at_least(32, "[0-9a-f]")
      mail = "[0-9]+[.]" at_least(8, "[0-9A-Za-z_-]")
    }
    {
      k = $0
      if (prefix != "" && index(k, prefix) == 1) k = substr(k, length(prefix) + 1)
      gsub(/[{]p[0-9]+[}]/, "{p}", k)
      gsub(id, "<id>", k)
      gsub(hash, "<hash>", k)
      gsub(mail, "<id>", k)
      gsub(/:[0-9]+/, ":<n>", k)
      sub(/:int:dlv:.*/, ":int:dlv:<delivery>", k)
      print k
    }'
}

# cap_key_table FILE: every key's "bytes<TAB>pttl<TAB>shape" (MEMORY USAGE with SAMPLES 0,
# so collections are measured whole rather than estimated) into FILE. A key that expired
# meanwhile has an empty bytes field.
cap_key_table() {
  local keys="$work/keys.txt"
  timeout 120 redis-cli -h 127.0.0.1 -p "$redis_port" --scan >"$keys"
  awk '{ printf "MEMORY USAGE \"%s\" SAMPLES 0\nPTTL \"%s\"\n", $0, $0 }' "$keys" |
    timeout 300 redis-cli -h 127.0.0.1 -p "$redis_port" >"$work/keys.usage"
  paste <(paste - - <"$work/keys.usage") <(cap_key_shape <"$keys") >"$1"
}

# cap_kind_label SHAPE: what a kind of key holds, for the keys this run makes; the shape
# itself for others.
cap_kind_label() {
  case "$1" in
    "{p}:rg:r:<id>") echo "registration record (hash)" ;;
    "{p}:rg:r:<id>:history") echo "registration history (list)" ;;
    "{p}:rg:<id>:all" | "{p}:rg:<id>:st:<n>" | "{p}:rg:<id>:pool:"* | "{p}:rg:<id>:wait:"*)
      echo "event's registration indexes (zsets)" ;;
    "{p}:rg:<id>:emails") echo "event's e-mail index (hash)" ;;
    "{p}:rg:<id>:idem:<hash>") echo "idempotency record (hash, 24 h)" ;;
    "{p}:rg:<id>:rl:"*) echo "rate-limit counter (string)" ;;
    "{p}:rg:<id>:facts" | "{p}:rg:<id>:counts" | "{p}:rg:<id>:settings")
      echo "event's facts, settings, counts (registration)" ;;
    "{p}:events") echo "domain-event streams (with consumer groups)" ;;
    "{p}:event:<id>") echo "event record (scheduling)" ;;
    "{p}:jobs" | "{p}:jobdata") echo "reminder jobs (scheduling)" ;;
    "{p}:upcoming" | "{p}:org:<id>:"*) echo "event indexes (scheduling)" ;;
    "{p}:nt:mail:"*) echo "notifications: e-mail record (hash)" ;;
    "{p}:nt:log:<id>") echo "notifications: organisation's mail log (zset)" ;;
    "nt:rate:r:"*) echo "notifications: a recipient's hourly count" ;;
    "nt:rate:o:"*) echo "notifications: an organisation's hourly count" ;;
    "{p}:int:dlv:"*) echo "integrations: webhook delivery (hash)" ;;
    "int:{<id>}:creg") echo "integrations: contacts projection (hash)" ;;
    "int:{<id>}:log:<id>") echo "integrations: a webhook's delivery log" ;;
    "int:{<id>}:"*) echo "integrations: ${1#int:\{<id>\}:}" ;;
    "auth:"* | "org:"* | "org-names") echo "organisation and keys (${1%%:*})" ;;
    *) echo "$1" ;;
  esac
}

# cap_cmdstats: "command calls usec" for every command Redis has run so far (INFO
# commandstats).
cap_cmdstats() {
  rcli "$redis_port" info commandstats | tr -d '\r' |
    sed -n 's/^cmdstat_\([^:]*\):calls=\([0-9]*\),usec=\([0-9]*\),.*/\1 \2 \3/p'
}

# cap_cmdstats_report BEFORE AFTER N: the commands that took Redis the most time between
# two cap_cmdstats, per registration. Commands a script calls are counted under their own
# name as well as in the script's EVALSHA.
cap_cmdstats_report() {
  note "where Redis's time went (INFO commandstats; a script's commands count in EVALSHA too):"
  awk -v n="$3" 'FILENAME == ARGV[1] { c0[$1] = $2; u0[$1] = $3; next }
    { c = $2 - c0[$1]; u = $3 - u0[$1]; if (u > 0) printf "%d %s %.2f %.1f\n", u, $1, c / n, u / n }' \
    <(printf '%s\n' "$1") <(printf '%s\n' "$2") | sort -k1,1nr | awk 'NR <= 10' |
    while read -r _ cmd calls us; do
      printf '      %-20s %6s calls %8s us per registration\n' "$cmd" "$calls" "$us"
    done
}

# cap_stop NAME: stops the process launched as NAME (SIGTERM, then SIGKILL after 10 s) and
# takes it off the list the EXIT trap stops.
cap_stop() {
  local i
  for i in "${!names[@]}"; do
    [[ "${names[$i]}" == "$1" && -n "${pids[$i]}" ]] || continue
    pid_alive "${pids[$i]}" && kill -TERM "${pids[$i]}" 2>/dev/null
    if ! wait_for_exit "${pids[$i]}" 10; then
      warn "$1 (pid ${pids[$i]}) did not stop; killing it"
      kill -KILL "${pids[$i]}" 2>/dev/null || true
      wait_for_exit "${pids[$i]}" 5 || true
    fi
    pids[i]=""
  done
}

# cap_wait_for_file FILE PATTERN SECONDS: waits until FILE has a line matching PATTERN.
cap_wait_for_file() {
  local deadline=$((EPOCHSECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    pid_alive "${pids[-1]}" || return 1
    ((EPOCHSECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# cap_start_downstream: the mail sink, the webhook receiver, integrations and notifications
# on free ports, and one webhook of the organisation subscribed to every event type ("*"),
# delivered to the receiver. Sets cap_mail_dir, cap_hook_log and notifications_metrics.
cap_start_downstream() {
  local port out secret_file="$work/receiver.secret"
  cap_mail_dir="$work/mail"
  cap_hook_log="$work/receiver.jsonl"
  mkdir -p "$cap_mail_dir"
  : >"$cap_hook_log"
  info "starting the mail sink, a webhook receiver, integrations and notifications"
  launch mailsink "$EVENTS_MAILSINK" --host 127.0.0.1 --port 0 --dir "$cap_mail_dir"
  cap_wait_for_file "$work/mailsink.log" '^port=' 20 || {
    show_log mailsink
    fail "the mail sink did not start (is python3-aiosmtpd installed? ./scripts/install-deps)"
  }
  cap_mail_port="$(awk -F= '/^port=/ { print $2; exit }' "$work/mailsink.log")"
  launch receiver python3 "$EVENTS_ROOT/scripts/webhook-receiver" --port 0 \
    --port-file "$work/receiver.port" --secret-file "$secret_file" --log "$cap_hook_log"
  cap_wait_for_file "$work/receiver.log" '^listening' 20 || {
    show_log receiver
    fail "the webhook receiver did not start"
  }
  port="$(cat "$work/receiver.port")"
  start_server integrations "$(service_binary integrations)" EVENTS_SERVICE_KEY="$service_key" \
    EVENTS_SCHEDULING_ADDR="$EVENTS_SCHEDULING_ADDR" \
    EVENTS_REGISTRATION_ADDR="$EVENTS_REGISTRATION_ADDR" \
    INTEGRATIONS_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64 | tr -d '\n')" \
    INTEGRATIONS_ALLOW_HTTP_LOOPBACK=true
  cap_integrations_addr="127.0.0.1:$server_port"
  # No per-organisation hourly limit: the whole run is one organisation's, which the
  # default (5,000 an hour) would hold back; the limit is discussed in docs/scaling.md.
  # People is not running: no mail here needs it (no access requests, no members).
  start_server notifications "$(service_binary notifications)" \
    EVENTS_SERVICE_KEY="$service_key" EVENTS_SCHEDULING_ADDR="$EVENTS_SCHEDULING_ADDR" \
    EVENTS_REGISTRATION_ADDR="$EVENTS_REGISTRATION_ADDR" \
    EVENTS_PEOPLE_ADDR="127.0.0.1:$(free_port)" \
    NOTIFICATIONS_SMTP_URL="smtp://127.0.0.1:$cap_mail_port" NOTIFICATIONS_SMTP_TLS=none \
    NOTIFICATIONS_PUBLIC_URL=http://localhost:8080 \
    NOTIFICATIONS_LIMIT_PER_ORGANISATION_PER_HOUR=0
  notifications_metrics="$server_metrics_port"
  out="$("$EVENTCTL" webhooks add "http://127.0.0.1:$port/hooks" --type '*' \
    --description "bench capacity" --integrations-server "$cap_integrations_addr")" ||
    fail "eventctl webhooks add failed"
  # The signing secret goes to the receiver's file only, never to the output.
  (
    umask 077
    sed -n 's/^  \(whsec_.*\)$/\1/p' <<<"$out" >"$secret_file"
  )
  [[ -s "$secret_file" ]] || fail "eventctl webhooks add printed no signing secret"
  note "webhook $(sed -n 's/^Webhook \(wh_[A-Za-z0-9]*\) .*/\1/p' <<<"$out") -> http://127.0.0.1:$port/hooks, every event type"
}

# cap_backlog: what the consumers still have to do: entries not yet read or not yet
# acknowledged by any consumer group, plus webhook deliveries and e-mails still due.
cap_backlog() {
  local key p n=0 v partitions
  while read -r key; do
    # XINFO GROUPS, flat: ... pending N ... lag N (lag is empty when Redis cannot tell).
    v="$(rcli "$redis_port" --raw xinfo groups "$key" 2>/dev/null |
      awk 'prev == "pending" || prev == "lag" { s += $1 } { prev = $0 } END { print s + 0 }')"
    n=$((n + v))
  done < <(cap_stream_keys)
  partitions="$(cap_partitions)"
  for ((p = 0; p < partitions; p++)); do
    v="$(rcli "$redis_port" zcard "${EVENTS_REDIS_KEY_PREFIX:-}{p$p}:int:due")"
    n=$((n + ${v:-0}))
    v="$(rcli "$redis_port" zcard "${EVENTS_REDIS_KEY_PREFIX:-}{p$p}:nt:due")"
    n=$((n + ${v:-0}))
  done
  echo "$n"
}

# cap_mail_count: e-mails the mail sink has saved so far.
cap_mail_count() { find "$cap_mail_dir" -maxdepth 1 -name '*.eml' | wc -l; }

# cap_wait_for_drain SECONDS: waits until the consumers have nothing left (cap_backlog 0)
# and neither the receiver nor the mail sink got anything more for 4 s; sets cap_drain_at
# (when the last webhook or e-mail arrived, epoch seconds).
cap_wait_for_drain() {
  local deadline=$((EPOCHSECONDS + $1)) hooks mails last="" quiet=0 backlog
  cap_drain_at=$EPOCHSECONDS
  while :; do
    hooks="$(wc -l <"$cap_hook_log")"
    mails="$(cap_mail_count)"
    backlog="$(cap_backlog)"
    if [[ "$hooks $mails" != "$last" ]]; then
      last="$hooks $mails"
      cap_drain_at=$EPOCHSECONDS
      quiet=0
    elif ((backlog == 0)); then
      quiet=$((quiet + 1))
      ((quiet >= 2)) && return 0
    fi
    if ((EPOCHSECONDS >= deadline)); then
      warn "the consumers still had $backlog to do after $1 s ($hooks webhooks, $mails e-mails so far); the counts below are short"
      return 0
    fi
    sleep 2
  done
}

# cap_register_events EVENTS PLACES: creates EVENTS webinars of PLACES places and fills
# each with PLACES registrations (loadgen, 16 at a time: a webinar's sign-ups arrive
# together, but not 64 at once). Sets cap_events (their ids), cap_registered and
# cap_confirmed; fails on any error.
cap_register_events() {
  local e json i
  cap_events=()
  for ((i = 1; i <= $1; i++)); do
    e="$(new_event "Capacity webinar $i" "$2")" || fail "could not create webinar $i"
    cap_events+=("$e")
  done
  cap_memory_events="$(cap_info_field memory used_memory)"
  cap_marks="$(cap_stream_marks)"
  info "registering $2 people for each of the $1 webinars ($(($1 * $2)) registrations; $(cap_load))"
  cap_registered=0 cap_confirmed=0
  cap_register_started=$EPOCHSECONDS
  i=0
  for e in "${cap_events[@]}"; do
    i=$((i + 1))
    json="$("$LOADGEN" --json --target register --server "$EVENTS_REGISTRATION_ADDR" \
      --event-id "$e" --mode concurrency --concurrency 16 --requests "$2" --duration 0 \
      --email-prefix "webinar$i" 2>"$work/loadgen.err")" ||
      fail "loadgen failed for webinar $i: $(tail -n 3 "$work/loadgen.err")"
    (($(json_num errors "$json") == 0)) || fail "webinar $i: $(json_num errors "$json") registrations failed"
    cap_registered=$((cap_registered + $(json_num confirmed "$json") + $(json_num waitlisted "$json")))
    cap_confirmed=$((cap_confirmed + $(json_num confirmed "$json")))
  done
  cap_register_seconds=$((EPOCHSECONDS - cap_register_started))
  note "$cap_registered registered ($cap_confirmed confirmed) in $cap_register_seconds s"
}

# cap_memory_report N: INFO memory's growth and every key by kind, per registration.
cap_memory_report() {
  local n="$1" table="$work/keys.table" used dataset stream_bytes stream_entries per_entry p
  used="$(cap_info_field memory used_memory)"
  dataset="$(cap_info_field memory used_memory_dataset)"
  cap_key_table "$table"
  echo
  info "memory per registration (INFO memory; $n registrations, $((${#cap_events[@]})) webinars)"
  note "used_memory: $(cap_bytes "$cap_memory_start") at the start, $(cap_bytes "$cap_memory_events") with the webinars made, $(cap_bytes "$used") after the registrations and every webhook and e-mail (dataset $(cap_bytes "$dataset"))"
  note "per webinar, before anyone registers: $(cap_bytes "$(cap_div "$((cap_memory_events - cap_memory_start))" "${#cap_events[@]}" 0)")"
  cap_mem_per_reg="$(cap_div "$((used - cap_memory_events))" "$n" 0)"
  echo "memory per registration: $cap_mem_per_reg bytes (used_memory, everything included)"
  echo
  info "by kind of key (MEMORY USAGE ... SAMPLES 0, every key; bytes per registration = all keys of the kind / $n)"
  printf '    %-50s %7s %11s %9s %6s  %s\n' kind keys bytes "per reg." share "expire (share of keys, longest)"
  # Each key's kind (cap_kind_label of its shape) added to the table, then summed by kind.
  local shape
  cut -f3 "$table" | sort -u | while IFS= read -r shape; do
    printf '%s\t%s\n' "$shape" "$(cap_kind_label "$shape")"
  done >"$work/kinds.txt"
  awk -F'\t' -v n="$n" '
    FILENAME == ARGV[1] { label[$1] = $2; next }
    { k = label[$3]; bytes[k] += $1; keys[k]++; total += $1
      if ($2 > 0) { ttl[k]++; if ($2 > maxttl[k]) maxttl[k] = $2 } }
    END {
      for (k in bytes) printf "%d\t%d\t%.1f\t%.1f\t%s\t%s\n", bytes[k], keys[k], bytes[k] / n,
        100 * bytes[k] / total,
        (ttl[k] ? sprintf("%d%%, %.0f h", 100 * ttl[k] / keys[k], maxttl[k] / 3600000) : "never"), k
    }' "$work/kinds.txt" "$table" | sort -t$'\t' -k1,1nr |
    while IFS=$'\t' read -r bytes keys per share expires kind; do
      printf '    %-50s %7s %11s %9s %5s%%  %s\n' "$kind" "$keys" "$bytes" "$per" "$share" "$expires"
    done
  note "all keys: $(awk -F'\t' '{ s += $1 } END { print s }' "$table") bytes in $(wc -l <"$table") keys (MEMORY USAGE leaves out allocator overhead and Redis's own structures, so it sums to less than used_memory)"
  # The streams: cost per entry now, and at their bound.
  stream_bytes=0 stream_entries=0
  while read -r key; do
    stream_entries=$((stream_entries + $(rcli "$redis_port" xlen "$key")))
  done < <(cap_stream_keys)
  stream_bytes="$(awk -F'\t' '$3 == "{p}:events" { s += $1 } END { print s + 0 }' "$table")"
  per_entry="$(cap_div "$stream_bytes" "$stream_entries" 0)"
  p="$(cap_partitions)"
  cap_stream_per_entry="$per_entry"
  echo "stream entry: $per_entry bytes ($stream_entries entries in $p partition streams, $(cap_bytes "$stream_bytes"), consumer groups' state included)"
  note "at the bound, MAXLEN ~ 1000000 per partition: $(cap_bytes "$(awk -v e="$per_entry" -v p="$p" 'BEGIN { printf "%.0f", e * 1e6 * p }')") for $p partitions (trimming is approximate: a little over 1,000,000 each)"
}

# cap_volumes_report N: domain events, webhooks and e-mails per registration.
cap_volumes_report() {
  local n="$1" types hooks mails
  echo
  info "what $n registrations caused (counted in this run)"
  types="$(cap_count_types "$cap_marks")"
  note "domain events on the partition streams, by type (per registration):"
  awk -v n="$n" '{ printf "      %-36s %8d  %.2f\n", $1, $2, $2 / n }' <<<"$types"
  cap_events_per_reg="$(awk -v n="$n" '{ s += $2 } END { printf "%.2f", s / n }' <<<"$types")"
  echo "domain events per registration: $cap_events_per_reg"
  hooks="$(wc -l <"$cap_hook_log")"
  note "webhook requests the receiver got, by type (verified, first time), per registration:"
  sed -n 's/.*"type": "\([^"]*\)".*"verified": true.*/\1/p' "$cap_hook_log" | sort | uniq -c |
    awk -v n="$n" '{ printf "      %-36s %8d  %.2f\n", $2, $1, $1 / n }'
  note "requests in all: $hooks, duplicates $(grep -c '"duplicate": true' "$cap_hook_log" || true), not verified $(grep -c '"verified": false' "$cap_hook_log" || true)"
  cap_hooks_per_reg="$(cap_div "$hooks" "$n" 2)"
  echo "webhook deliveries per registration, per webhook subscribed to every type: $cap_hooks_per_reg"
  mails="$(cap_mail_count)"
  note "e-mails, by template and outcome (notifications' events_notifications_mail_total):"
  curl -fsS --max-time 5 "http://127.0.0.1:$notifications_metrics/metrics" 2>/dev/null |
    sed -n 's/^events_notifications_mail_total{\(.*\)} \([0-9.e+]*\)$/\1 \2/p' |
    sed 's/outcome="\([^"]*\)",template="\([^"]*\)"/\2 \1/; s/template="\([^"]*\)",outcome="\([^"]*\)"/\1 \2/' |
    awk -v n="$n" '$3 > 0 { printf "      %-36s %-8s %8d  %.2f\n", $1, $2, $3, $3 / n }'
  cap_mails_per_reg="$(cap_div "$mails" "$n" 2)"
  echo "e-mails per registration: $cap_mails_per_reg ($mails saved by the mail sink)"
  note "the drain: the last webhook or e-mail arrived $((cap_drain_at - cap_register_started)) s after the first registration (registering took $cap_register_seconds s): $(cap_div "$hooks" "$((cap_drain_at - cap_register_started))" 0) webhooks/s and $(cap_div "$mails" "$((cap_drain_at - cap_register_started))" 0) e-mails/s at least, one replica of each, to local Python receivers"
  local busy
  busy="$(awk -v a="$cap_redis_cpu0" -v b="$cap_redis_cpu1" -v t0="$cap_redis_t0" -v t1="$cap_redis_t1" \
    -v idle="$cap_idle_cpu" 'BEGIN { print (b - a) * 1e6, (b - a - idle * (t1 - t0)) * 1e6 }')"
  cap_redis_us_per_reg="$(cap_div "${busy#* }" "$n" 0)"
  note "Redis CPU from the first registration to the last webhook or e-mail: $(cap_div "${busy% *}" "$n" 0) us per registration; less what Redis spends idle (the polling): $cap_redis_us_per_reg us (the register script, the consumers' reads and acknowledgements, deliveries and e-mail records)"
  cap_cmdstats_report "$cap_cmd0" "$cap_cmd1" "$n"
}

# cap_sample_limits: a few registrations made the way attendees make them (eventctl sends an
# idempotency key, as the web pages and the API do) through a registration service with its
# default rate limits, for the size and lifetime of the keys that bench's own registration
# (limits off, no keys) never makes.
cap_sample_limits() {
  local event i key bytes ttl kind count=20
  echo
  info "idempotency records and rate-limit counters ($count registrations by eventctl, default limits)"
  start_server registration-limits "$REGISTRATION" \
    EVENTS_SCHEDULING_ADDR="$EVENTS_SCHEDULING_ADDR" EVENTS_SERVICE_KEY="$service_key" \
    REGISTRATION_LINK_SECRET="$link_secret"
  local addr="127.0.0.1:$server_port"
  event="$(new_event "Capacity sample" 250)" || fail "could not create the sample webinar"
  for ((i = 1; i <= count; i++)); do
    # The answer holds the personal token: it goes nowhere.
    "$EVENTCTL" register "$event" --name "Sample Attendee $i" --email "sample-$i@bench.example.org" \
      --registration-server "$addr" >/dev/null 2>"$work/eventctl.err" ||
      fail "eventctl register failed: $(head -c 300 "$work/eventctl.err")"
  done
  for kind in idem rl; do
    rcli "$redis_port" --scan --pattern "*:rg:$event:$kind:*" >"$work/sample.keys"
    bytes=0 ttl=0
    while read -r key; do
      bytes=$((bytes + $(rcli "$redis_port" memory usage "$key" samples 0)))
      ttl="$(rcli "$redis_port" pttl "$key")"
    done <"$work/sample.keys"
    count="$(wc -l <"$work/sample.keys")"
    note "$kind: $count keys, $(cap_div "$bytes" "$count" 0) bytes each, expiring (the last one's PTTL) in $(cap_div "$ttl" 1000 0) s"
  done
  cap_stop registration-limits
}

# cap_ceiling ROUND: Register through the service (closed loop, CONCURRENCY in flight,
# WARMUP then SECONDS_MEASURED) and the register script alone (redis_evalsha_ceiling).
# Appends "service_rps redis_rps redis_cpu_us_per_registration" to cap_rounds.
cap_ceiling() {
  local event json r0 r1 d0 d1 calls rps
  echo
  info "one primary's ceiling, round $1 of $CAP_ROUNDS ($(cap_load))"
  event="$(new_event "Capacity ceiling $1" "$THROUGHPUT_CAPACITY")" || fail "could not create the event"
  note "register: closed loop, $CONCURRENCY in flight, ${WARMUP} s warm-up then ${SECONDS_MEASURED} s"
  r0="$(cpu_seconds registration)" d0="$(cpu_seconds redis)"
  run_loadgen json --target register --server "$EVENTS_REGISTRATION_ADDR" --event-id "$event" \
    --mode concurrency --concurrency "$CONCURRENCY" --warmup "$WARMUP" \
    --duration "$SECONDS_MEASURED" --email-prefix "ceiling$1"
  r1="$(cpu_seconds registration)" d1="$(cpu_seconds redis)"
  calls="$(json_num calls "$json")"
  rps="$(json_num ok_per_second "$json")"
  redis_evalsha_ceiling
  cap_rounds+=("$rps ${redis_rps:-0} $(json_num p50_us "$json") $(json_num p99_us "$json") ${redis_p50:-0} ${redis_p99:-0} $(per_call "$(awk -v a="$r0" -v b="$r1" 'BEGIN { print b - a }')" "$calls") $(per_call "$(awk -v a="$d0" -v b="$d1" 'BEGIN { print b - a }')" "$calls")")
}

bench_capacity() {
  CAP_EVENTS="${BENCH_CAPACITY_EVENTS:-40}"
  CAP_PLACES="${BENCH_CAPACITY_PLACES:-250}"
  CAP_ROUNDS="${BENCH_CAPACITY_ROUNDS:-2}"
  local drain="${BENCH_CAPACITY_DRAIN_SECONDS:-900}" v n r
  for v in CAP_EVENTS CAP_PLACES CAP_ROUNDS; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || fail "BENCH_${v#CAP_} must be a whole number of at least 1, got '${!v}'"
  done
  ((CAP_PLACES <= THROUGHPUT_CAPACITY)) || fail "BENCH_CAPACITY_PLACES must be at most $THROUGHPUT_CAPACITY"
  [[ "$drain" =~ ^[0-9]+$ ]] || fail "BENCH_CAPACITY_DRAIN_SECONDS must be a whole number, got '$drain'"
  for v in integrations notifications; do
    [[ -x "$(service_binary "$v")" ]] || fail "$(service_binary "$v") is not built; run ./scripts/build"
  done
  info "capacity: $(cap_load) before measuring"

  cap_start_downstream
  # What Redis spends with every service polling and nothing happening, so that the CPU a
  # registration costs can be told apart from it.
  sleep 2
  local idle0 idle_t0
  idle0="$(cpu_seconds redis)" idle_t0="$EPOCHREALTIME"
  sleep 10
  cap_idle_cpu="$(awk -v a="$idle0" -v b="$(cpu_seconds redis)" -v t0="$idle_t0" -v t1="$EPOCHREALTIME" \
    'BEGIN { printf "%.4f", (b - a) / (t1 - t0) }')"
  note "Redis idle, with scheduling, registration, integrations and notifications polling: $(awk -v c="$cap_idle_cpu" 'BEGIN { printf "%.1f", 100 * c }')% of a CPU"
  cap_memory_start="$(cap_info_field memory used_memory)"
  cap_redis_cpu0="$(cpu_seconds redis)" cap_redis_t0="$EPOCHREALTIME"
  cap_cmd0="$(cap_cmdstats)"
  cap_register_events "$CAP_EVENTS" "$CAP_PLACES"
  info "waiting for every webhook and e-mail (at most $drain s)"
  cap_wait_for_drain "$drain"
  cap_redis_cpu1="$(cpu_seconds redis)" cap_redis_t1="$EPOCHREALTIME"
  cap_cmd1="$(cap_cmdstats)"
  n="$cap_registered"
  cap_memory_report "$n"
  cap_volumes_report "$n"
  # The ceiling is measured as mode registration measures it: without the consumers.
  for v in notifications integrations receiver mailsink; do cap_stop "$v"; done
  cap_sample_limits

  cap_rounds=()
  for ((r = 1; r <= CAP_ROUNDS; r++)); do cap_ceiling "$r"; done

  echo
  info "one primary's ceiling ($(cap_load) after measuring; Redis without persistence)"
  printf '    %-6s %14s %20s %14s %20s %7s %12s %8s\n' round "service reg/s" "p50 / p99" \
    "redis reg/s" "p50 / p99" ratio "server us" "redis us"
  local sum_service=0 sum_redis=0 line service redis p50 p99 rp50 rp99 server_us redis_us
  r=0
  for line in "${cap_rounds[@]}"; do
    r=$((r + 1))
    read -r service redis p50 p99 rp50 rp99 server_us redis_us <<<"$line"
    printf '    %-6s %14.0f %9s / %6s ms %14.0f %9s / %6s ms %7s %12s %8s\n' "$r" "$service" \
      "$(ms "$p50")" "$(ms "$p99")" "$redis" "$rp50" "$rp99" "$(ratio "$service" "$redis")" \
      "$server_us" "$redis_us"
    sum_service="$(awk -v a="$sum_service" -v b="$service" 'BEGIN { print a + b }')"
    sum_redis="$(awk -v a="$sum_redis" -v b="$redis" 'BEGIN { print a + b }')"
  done
  note "service: Register by gRPC, registration_server on the same CPUs as Redis and the client; redis: the register script alone by EVALSHA from register_ceiling, one registration a call"
  note "server us / redis us: CPU time of registration_server and of Redis per registration through the service"
  local sum_redis_us=0
  for line in "${cap_rounds[@]}"; do
    read -r _ _ _ _ _ _ _ redis_us <<<"$line"
    sum_redis_us=$((sum_redis_us + redis_us))
  done
  note "Redis's own CPU per registration through the service, $(cap_div "$sum_redis_us" "$CAP_ROUNDS" 0) us on average, puts one Redis core's ceiling at about $(cap_div 1000000 "$(cap_div "$sum_redis_us" "$CAP_ROUNDS" 3)" 0) registrations/s when nothing else shares it"
  echo
  echo "memory per registration: $cap_mem_per_reg bytes; stream entry: $cap_stream_per_entry bytes"
  echo "per registration: $cap_events_per_reg domain events, $cap_hooks_per_reg webhook deliveries per webhook subscribed to everything, $cap_mails_per_reg e-mails, $cap_redis_us_per_reg us of Redis CPU with webhooks and e-mail"
  echo "one primary's ceiling: $(cap_div "$sum_service" "$CAP_ROUNDS" 0) registrations/s through the service, $(cap_div "$sum_redis" "$CAP_ROUNDS" 0) registrations/s Redis alone (mean of $CAP_ROUNDS rounds)"
  # shellcheck disable=SC2034  # read by scripts/bench's EXIT trap
  ok=1
  echo "register service/redis-alone throughput ratio: $(ratio "$sum_service" "$sum_redis")"
}
