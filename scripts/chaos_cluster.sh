# shellcheck shell=bash disable=SC2154,SC2034  # it reads and sets scripts/chaos's variables
# The fault suite's Redis Cluster scenarios (./scripts/chaos cluster-reshard cluster-failover).
# Sourced by scripts/chaos after scripts/lib.sh and scripts/cluster_lib.sh; it only defines
# functions. The cluster is 3 primaries and 3 replicas on loopback (cluster_lib.sh: no
# persistence, cluster-node-timeout 2000 ms), and the services reach it by
# EVENTS_REDIS_URL=redis+cluster://... docs/development.md, "Quality gate: fault suite", says
# what each scenario checks and what it printed.

# start_cluster: the scenario's Redis Cluster (called by stack_up ... cluster, in place of
# start_redis); sets redis_url to its seeds.
start_cluster() {
  cluster_start "$dir/cluster" 3 1
  redis_url="$(cluster_seed_url)"
  note "Redis Cluster: primaries ${cluster_ports[*]:0:3}, replicas ${cluster_ports[*]:3}"
}

# event_slot EVENT: the hash slot of EVENT's partition, from the key scheduling wrote for
# it on whichever primary holds it; prints it, or "SLOT TAG" with a second argument "tag"
# (TAG: the partition's hash tag, {p<N>}).
event_slot() {
  local port key slot
  for port in "${cluster_ports[@]}"; do
    key="$(redis-cli -p "$port" --scan --pattern "*:event:$1" 2>/dev/null | head -n1)"
    if [[ "$key" =~ (\{p[0-9]+\}) ]]; then
      slot="$(redis-cli -p "$port" cluster keyslot "${BASH_REMATCH[1]}")"
      echo "$slot${2:+ ${BASH_REMATCH[1]}}"
      return 0
    fi
  done
  return 1
}

# slots_upto PORT SLOT: how many of the slots the primary on PORT serves are SLOT or lower,
# and the highest of them (-1 if none). redis-cli --cluster reshard moves a primary's lowest
# slots first, so moving that many moves SLOT (last) if PORT serves it.
slots_upto() {
  cluster_nodes | awk -v port="$1" -v slot="$2" '{ split($2, a, "[:@]") }
    a[2] == port { n = 0; top = -1
      for (i = 9; i <= NF; i++) {
        if ($i ~ /^\[/) continue
        k = split($i, r, "-"); lo = r[1] + 0; hi = (k == 2 ? r[2] : r[1]) + 0
        if (hi > slot + 0) hi = slot + 0
        if (hi >= lo) { n += hi - lo + 1; if (hi > top) top = hi }
      }
      print n, top; exit }'
}

# reshard FROM TO SLOT: redis-cli --cluster reshard from the primary on port FROM to the one
# on TO of every slot FROM serves up to SLOT (its lowest first); waits until the cluster
# agrees that TO serves the last of them. Prints how many moved and how long it took.
reshard() {
  local from="$1" to="$2" count last started took
  read -r count last <<<"$(slots_upto "$from" "$3")"
  ((count > 0)) || fail "127.0.0.1:$from serves no slot up to $3"
  started=$EPOCHREALTIME
  redis-cli --cluster reshard "127.0.0.1:$from" --cluster-from "$(cluster_node_id "$from")" \
    --cluster-to "$(cluster_node_id "$to")" --cluster-slots "$count" --cluster-yes \
    --cluster-pipeline 100 >>"$dir/reshard.log" 2>&1 ||
    fail "redis-cli --cluster reshard failed (see $dir/reshard.log)"
  local deadline=$((EPOCHSECONDS + 20))
  until [[ "$(cluster_primary_of "$last")" == "$to" ]]; do
    ((EPOCHSECONDS < deadline)) || fail "slot $last is not on 127.0.0.1:$to 20 s after the reshard"
    sleep 0.05
  done
  took="$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  note "moved $count slot(s), the last $last, from 127.0.0.1:$from to 127.0.0.1:$to in $took s"
}

# redirections: the MOVED, ASK and TRYAGAIN answers every node has given so far (Redis's
# INFO errorstats; they went to the services, the only clients that send keyed commands).
redirections() {
  local port moved=0 ask=0 tryagain=0 line
  for port in "${cluster_ports[@]}"; do
    while IFS= read -r line; do
      case "$line" in
        errorstat_MOVED:count=*) moved=$((moved + ${line#*=})) ;;
        errorstat_ASK:count=*) ask=$((ask + ${line#*=})) ;;
        errorstat_TRYAGAIN:count=*) tryagain=$((tryagain + ${line#*=})) ;;
        *) ;;
      esac
    done < <(redis-cli -p "$port" info errorstats 2>/dev/null | tr -d '\r')
  done
  echo "MOVED $moved, ASK $ask, TRYAGAIN $tryagain"
}

# start_registrations N [VAR=value...]: registration servers 2..N next to the first (each on
# ports of its own); sets registration_addrs to all N addresses, comma-separated.
start_registrations() {
  local n="$1" i port_var
  shift
  registration_addrs="$EVENTS_REGISTRATION_ADDR"
  for ((i = 2; i <= n; i++)); do
    port_var="port_registration$i"
    printf -v "$port_var" '%s' "$(free_port)"
    printf -v "metrics_registration$i" '%s' "$(free_port)"
    start_service "registration$i" "${REGISTRATION_ENV[@]}" "$@"
    registration_addrs+=",127.0.0.1:${!port_var}"
  done
}

# named_load NAME SERVERS EVENT SECONDS RATE TIMEOUT_MS [LOADGEN ARGS...]: start_load's open
# loop, for several loads at once: recorded in $dir/calls-NAME.tsv, summary in
# $dir/loadgen-NAME.log; sets load_pids[NAME].
declare -A load_pids=()
named_load() {
  local name="$1" servers="$2" event="$3" seconds="$4" rate="$5" timeout_ms="$6"
  shift 6
  "$LOADGEN" --target register --server "$servers" --event-id "$event" \
    --mode rate --rate "$rate" --duration "$seconds" --timeout-ms "$timeout_ms" \
    --email-prefix "chaos-$name" --record "$dir/calls-$name.tsv" "$@" \
    >"$dir/loadgen-$name.log" 2>&1 &
  load_pids[$name]=$!
}

# finish_named_load NAME: waits for that load and shows its summary.
finish_named_load() {
  local rc=0
  wait "${load_pids[$1]}" || rc=$?
  sed 's/^/    /' "$dir/loadgen-$1.log"
  ((rc == 0)) || fail "loadgen $1 failed (exit code $rc)"
}

# list_registrations EVENT: EVENT's registrations as stored now, in $dir/registrations.json.
list_registrations() {
  "$EVENTCTL" registrations list "$1" --status all --limit 1000000 --format json \
    >"$dir/registrations.json" || fail "could not list the registrations of $1"
}

# fill_slot PORT TAG N: N keys of 1 KB under hash tag TAG on the primary on PORT (outside
# every service's keys), so that migrating TAG's slot takes a while: its keys go over in
# batches, and the registrations meanwhile meet ASK and TRYAGAIN.
fill_slot() {
  local value
  value="$(head -c 1000 /dev/zero | tr '\0' x)"
  seq 1 "$3" | awk -v tag="$2" -v v="$value" '{ printf "SET chaos-filler:%s:%d %s\n", tag, $1, v }' |
    redis-cli -p "$1" >/dev/null || fail "could not fill slot $2 on 127.0.0.1:$1"
}

# The 2,000-registration race for 100 places, over 4 registration servers, while redis-cli
# --cluster reshard moves the event's slot to another primary and back. Exactly 100
# confirmed, nothing lost, every call answered OK or UNAVAILABLE (retryable).
#
# redis-cli --cluster reshard moves a primary's lowest slots first; so that it moves the
# event's slot alone, and while the places are being taken, the slots below it are first
# moved off the two primaries concerned (no load yet, nearly empty), and the slot gets 20,000
# keys of filler, so that its keys go over in batches. The race runs at 80/s: the
# 100 places go in the first 1.3 s, while the slot moves; the waiting list fills while it
# moves back.
scenario_cluster_reshard() {
  local capacity=100 requests=2000 rate=80 event slot tag home away="" third port tries rc=0
  stack_up cluster-reshard cluster
  start_registrations 4
  # The move needs a primary whose slots all lie above the event's, so that the slot is its
  # lowest there too and can come back alone; and a primary emptied of every slot would turn
  # into a replica. So the event is made again (a new id, another partition) until its slot
  # is not on the primary of the highest slots.
  for ((tries = 1; ; tries++)); do
    event="$(new_event "Chaos cluster-reshard" "$capacity")" || fail "could not create the event"
    read -r slot tag <<<"$(event_slot "$event" tag)"
    [[ -n "$slot" ]] || fail "found no key of $event in the cluster"
    home="$(cluster_primary_of "$slot")"
    for port in "${cluster_ports[@]:0:3}"; do
      if [[ "$port" != "$home" && "$(slots_upto "$port" "$slot")" == "0 -1" ]]; then
        away="$port"
        break
      fi
    done
    [[ -z "$away" ]] || break
    ((tries < 20)) || fail "20 events in a row landed on the primary of the highest slots"
  done
  for port in "${cluster_ports[@]:0:3}"; do
    [[ "$port" == "$home" || "$port" == "$away" ]] || third="$port"
  done
  info "cluster-reshard: the event's slot $slot ($tag) made the lowest of 127.0.0.1:$home (the slots below it go to 127.0.0.1:$third), with 20,000 keys of filler"
  if [[ "$(slots_upto "$home" "$((slot - 1))")" != "0 -1" ]]; then
    reshard "$home" "$third" "$((slot - 1))"
  fi
  fill_slot "$home" "$tag" 20000
  info "cluster-reshard: $requests registrations for $capacity places at $rate/s over 4 registration servers, while redis-cli --cluster reshard moves slot $slot to 127.0.0.1:$away and back"
  named_load race "$registration_addrs" "$event" 0 "$rate" 5000 --requests "$requests"
  sleep 0.2
  reshard "$home" "$away" "$slot"
  note "redirections so far: $(redirections)"
  sleep 2
  reshard "$away" "$home" "$slot"
  pid_alive "${load_pids[race]}" || warn "the load ended before the slot was back; the second move ran without load"
  finish_named_load race
  note "redirections the nodes answered in all: $(redirections)"
  list_registrations "$event"
  python3 "$CHECK" registrations --record "$dir/calls-race.tsv" --list "$dir/registrations.json" \
    --capacity "$capacity" --full || rc=1
  python3 "$CHECK" answered --record "$dir/calls-race.tsv" --allow OK,UNAVAILABLE || rc=1
  return "$rc"
}

# closed_loop NAME SERVER EVENT: registrations a second through SERVER, 16 in flight, 1 s of
# warm-up then 4 s (loadgen --json); prints the figure.
closed_loop() {
  "$LOADGEN" --target register --server "$2" --event-id "$3" --mode concurrency \
    --concurrency 16 --warmup 1 --duration 4 --email-prefix "chaos-$1-tp" --json \
    2>"$dir/throughput-$1.log" | grep -o '"ok_per_second":[0-9.]*' | cut -d: -f2 || true
}

# A primary killed (SIGKILL) under load; its replica takes over; the services carry on
# without a restart. Two registration servers share the event and the load: one with
# asynchronous replication (Redis's default), one with EVENTS_REDIS_WAIT_REPLICAS=1. The
# killed node is started again (as Kubernetes would), rejoins as the new primary's replica,
# and WAIT is confirmed again. Lost = acknowledged registrations not in Redis afterwards:
# with asynchronous replication a loss may or may not happen in a given run (reported, not
# failed); with WAIT any loss fails. Both servers' throughput is measured first, same run.
scenario_cluster_failover() {
  local capacity=100000 seconds=16 rate=120 event slot victim replica wait_addr rc=0
  local tp_async tp_wait kill_ms promoted_ms back_ms end_ms pid_async pid_wait deadline
  stack_up cluster-failover cluster
  port_registration2="$(free_port)" metrics_registration2="$(free_port)"
  start_service registration2 "${REGISTRATION_ENV[@]}" EVENTS_REDIS_WAIT_REPLICAS=1 \
    EVENTS_REDIS_WAIT_TIMEOUT_MS=500
  wait_addr="127.0.0.1:$port_registration2"
  pid_async="${proc_pid[registration]}" pid_wait="${proc_pid[registration2]}"
  event="$(new_event "Chaos cluster-failover" "$capacity")" || fail "could not create the event"
  slot="$(event_slot "$event")" || fail "found no key of $event in the cluster"
  victim="$(cluster_primary_of "$slot")"
  replica="$(cluster_replica_of "$victim")"
  [[ -n "$victim" && -n "$replica" ]] || fail "found no primary and replica for slot $slot"

  info "cluster-failover: the cost of WAIT, closed loop (16 in flight, 4 s each)"
  tp_async="$(closed_loop async "$EVENTS_REGISTRATION_ADDR" "$event")"
  tp_wait="$(closed_loop wait "$wait_addr" "$event")"
  [[ -n "$tp_async" && -n "$tp_wait" ]] || fail "a throughput run failed (see $dir/throughput-*.log)"
  note "registrations/s: asynchronous $tp_async, WAIT 1 replica $tp_wait (WAIT/async $(awk -v a="$tp_wait" -v b="$tp_async" 'BEGIN { printf "%.2f", a / b }'))"

  info "cluster-failover: SIGKILL of the primary 127.0.0.1:$victim (the event's slot $slot) under $rate registrations/s to each server for $seconds s; its replica 127.0.0.1:$replica takes over"
  named_load async "$EVENTS_REGISTRATION_ADDR" "$event" "$seconds" "$rate" 5000
  named_load wait "$wait_addr" "$event" "$seconds" "$rate" 5000
  sleep 3
  local i
  for i in "${!cluster_ports[@]}"; do
    if [[ "${cluster_ports[$i]}" == "$victim" ]]; then
      kill -KILL "${cluster_pids[$i]}"
      # (Braces: bash reports the killed job on the shell's stderr when it reaps it.)
      { wait "${cluster_pids[$i]}"; } 2>/dev/null || true
    fi
  done
  kill_ms="$(now_ms)"
  deadline=$((EPOCHSECONDS + 30))
  until [[ "$(redis-cli -p "$replica" role 2>/dev/null | head -n1)" == master ]]; do
    ((EPOCHSECONDS < deadline)) || fail "the replica 127.0.0.1:$replica did not take over within 30 s"
    sleep 0.05
  done
  promoted_ms="$(now_ms)"
  note "the replica took over $((promoted_ms - kill_ms)) ms after the kill"
  # Started again on its folder: it rejoins as the new primary's replica (empty, then synced).
  cluster_node_start "$victim"
  until [[ "$(cluster_replica_of "$replica")" == "$victim" ]] &&
    redis-cli -p "$replica" info replication | tr -d '\r' | grep -q "port=$victim,state=online"; do
    ((EPOCHSECONDS < deadline)) || fail "127.0.0.1:$victim did not rejoin as a replica within 30 s"
    sleep 0.1
  done
  back_ms="$(now_ms)"
  note "127.0.0.1:$victim rejoined as the replica of 127.0.0.1:$replica $((back_ms - kill_ms)) ms after the kill"
  finish_named_load async
  finish_named_load wait
  end_ms="$(now_ms)"
  pid_alive "$pid_async" || fail "the registration server without WAIT did not survive the failover"
  pid_alive "$pid_wait" || fail "the registration server with WAIT did not survive the failover"
  note "both registration servers carried on without a restart"
  list_registrations "$event"
  info "cluster-failover: asynchronous replication (a loss may or may not happen in a given run)"
  python3 "$CHECK" registrations --record "$dir/calls-async.tsv" --list "$dir/registrations.json" \
    --capacity "$capacity" --tolerate-loss || rc=1
  python3 "$CHECK" recovery --record "$dir/calls-async.tsv" --window "failover:$kill_ms:$end_ms" || rc=1
  info "cluster-failover: EVENTS_REDIS_WAIT_REPLICAS=1 (no acknowledged registration may be lost)"
  python3 "$CHECK" registrations --record "$dir/calls-wait.tsv" --list "$dir/registrations.json" \
    --capacity "$capacity" || rc=1
  # Until the replica is back, WAIT cannot be confirmed: UNAVAILABLE, by design.
  python3 "$CHECK" recovery --record "$dir/calls-wait.tsv" --window "replica-back:$back_ms:$end_ms" || rc=1
  return "$rc"
}
