# shellcheck shell=bash disable=SC2154,SC2034  # the settings, ports and helpers it uses are scripts/bench's
# ./scripts/bench cluster: Register throughput against one Redis and against a local Redis
# Cluster of 3 primaries, in the same run, with the same load (docs/benchmarks.md, "Redis
# Cluster"). Sourced by scripts/bench, which has by then started the one Redis (no
# persistence), scheduling and registration on it, made the organisation's keys and defined
# launch, start_server, new_event and run_loadgen; this file only defines functions, and
# bench_cluster runs them:
#   1. a cluster of 3 primaries (no replicas: the one Redis has none either, and replication
#      would be work only one side does), and scheduling and registration on it
#      (EVENTS_REDIS_URL=redis+cluster://...), with an organisation of its own;
#   2. BENCH_CLUSTER_EVENTS (16) events on each side, so that the registrations spread over
#      the partitions and every primary works;
#   3. BENCH_CLUSTER_ROUNDS (2) rounds of the closed loop of mode registration (CONCURRENCY
#      in flight, warm-up, SECONDS_MEASURED), one Redis then the cluster in each round, the
#      calls spread over the events in turn.
# The 2 CPUs run the client, both stacks and every Redis: this measures what the cluster
# client costs, not how a cluster scales. The last line is the cluster/single throughput
# ratio (aim: at least 0.80).

# shellcheck source=scripts/cluster_lib.sh
source "$EVENTS_ROOT/scripts/cluster_lib.sh"

# bc_pid_cpu PID: the CPU seconds (user + system) PID has used so far (0 when gone).
bc_pid_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' \
    "/proc/$1/stat" 2>/dev/null || echo 0
}

# bc_cpu SIDE: the CPU seconds used so far by SIDE's registration server and its Redis
# ("single": the one Redis; "cluster": the three primaries together), as "registration redis".
bc_cpu() {
  local reg redis=0 i pid
  if [[ "$1" == single ]]; then
    reg="$(bc_pid_cpu "$bc_single_reg_pid")"
    redis="$(bc_pid_cpu "$bc_single_redis_pid")"
  else
    reg="$(bc_pid_cpu "$bc_cluster_reg_pid")"
    for pid in "${cluster_pids[@]}"; do
      redis="$(awk -v a="$redis" -v b="$(bc_pid_cpu "$pid")" 'BEGIN { print a + b }')"
    done
  fi
  echo "$reg $redis"
}

# bc_pid_of NAME: the pid scripts/bench launched as NAME.
bc_pid_of() {
  local i
  for i in "${!names[@]}"; do
    [[ "${names[$i]}" != "$1" ]] || echo "${pids[$i]}"
  done
}

# bc_events SIDE N: N new events on SIDE (with that side's scheduling and key), their ids
# comma-separated in bc_events_SIDE.
bc_events() {
  local side="$1" n="$2" i id list=""
  for ((i = 1; i <= n; i++)); do
    if [[ "$side" == single ]]; then
      id="$(new_event "Bench cluster $i" "$THROUGHPUT_CAPACITY")" || fail "could not create an event"
    else
      id="$(EVENTS_API_KEY="$bc_cluster_api_key" EVENTS_SCHEDULING_ADDR="$bc_cluster_sched" \
        new_event "Bench cluster $i" "$THROUGHPUT_CAPACITY")" || fail "could not create an event on the cluster"
    fi
    list+="${list:+,}$id"
  done
  printf -v "bc_events_$side" '%s' "$list"
}

# bc_spread: how the cluster side's events fall on the primaries ("port: events ...").
bc_spread() {
  local id port key out=() count
  declare -A per=()
  for port in "${cluster_ports[@]}"; do per[$port]=0; done
  for id in ${bc_events_cluster//,/ }; do
    for port in "${cluster_ports[@]}"; do
      key="$(redis-cli -p "$port" --scan --pattern "*:event:$id" 2>/dev/null | head -n1)"
      if [[ -n "$key" ]]; then
        per[$port]=$((per[$port] + 1))
        break
      fi
    done
  done
  for port in "${cluster_ports[@]}"; do
    count="${per[$port]}"
    out+=("127.0.0.1:$port $count")
    ((count > 0)) || warn "no event landed on the primary 127.0.0.1:$port; raise BENCH_CLUSTER_EVENTS"
  done
  local joined
  printf -v joined '%s, ' "${out[@]}"
  echo "${joined%, }"
}

# bc_measure SIDE ROUND: one closed-loop run against SIDE; keeps its JSON line and the CPU its
# registration server and Redis used.
declare -A bc_json=() bc_cpu0=() bc_cpu1=()
bc_measure() {
  local side="$1" round="$2" server events json
  if [[ "$side" == single ]]; then
    server="$EVENTS_REGISTRATION_ADDR" events="$bc_events_single"
  else
    server="$bc_cluster_reg" events="$bc_events_cluster"
  fi
  info "round $round, $side: Register, closed loop, $CONCURRENCY in flight over $BENCH_CLUSTER_EVENTS events, ${WARMUP} s warm-up then ${SECONDS_MEASURED} s"
  bc_cpu0[$side$round]="$(bc_cpu "$side")"
  run_loadgen json --target register --server "$server" --event-id "$events" \
    --mode concurrency --concurrency "$CONCURRENCY" --warmup "$WARMUP" \
    --duration "$SECONDS_MEASURED" --email-prefix "cluster-$side-$round"
  bc_cpu1[$side$round]="$(bc_cpu "$side")"
  bc_json[$side$round]="$json"
  local failed
  failed="$(json_num measured_errors "$json")"
  ((failed == 0)) || fail "$side, round $round: $failed measured calls failed (logs in $work)"
}

bench_cluster() {
  local events="${BENCH_CLUSTER_EVENTS:-16}" rounds="${BENCH_CLUSTER_ROUNDS:-2}" round side
  local boot key_line port
  for v in events rounds; do
    [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || fail "BENCH_CLUSTER_${v^^} must be a whole number above 0, got '${!v}'"
  done
  BENCH_CLUSTER_EVENTS="$events"

  info "starting a Redis Cluster of 3 primaries (no replicas, no persistence)"
  cluster_start "$work/cluster" 3 0
  # scripts/bench's cleanup stops what is in names/pids.
  for i in "${!cluster_ports[@]}"; do
    names+=("cluster-${cluster_ports[$i]}")
    pids+=("${cluster_pids[$i]}")
  done
  local cluster_url
  cluster_url="$(cluster_seed_url)"
  note "primaries: ${cluster_ports[*]}"
  boot="$("$EVENTCTL" admin bootstrap --org-name "Bench Cluster Org" --redis-url "$cluster_url" \
    --format env)" || fail "eventctl admin bootstrap failed on the cluster"
  bc_cluster_api_key="$(env_value EVENTS_API_KEY "$boot")"
  key_line="$("$EVENTCTL" admin service-key --name bench --redis-url "$cluster_url" --format env)" ||
    fail "eventctl admin service-key failed on the cluster"
  local cluster_service_key
  cluster_service_key="$(env_value EVENTS_SERVICE_KEY "$key_line")"
  [[ -n "$bc_cluster_api_key" && -n "$cluster_service_key" ]] || fail "eventctl printed no key"

  info "starting scheduling and registration on the cluster"
  start_server cluster-scheduling "$SCHEDULING" EVENTS_REDIS_URL="$cluster_url" \
    SCHEDULING_REMINDER_WORKER=false
  bc_cluster_sched="127.0.0.1:$server_port"
  start_server cluster-registration "$REGISTRATION" EVENTS_REDIS_URL="$cluster_url" \
    EVENTS_SCHEDULING_ADDR="$bc_cluster_sched" EVENTS_SERVICE_KEY="$cluster_service_key" \
    REGISTRATION_LINK_SECRET="$link_secret" REGISTRATION_RATE_PER_ADDRESS=0 \
    REGISTRATION_RATE_PER_EVENT=0
  bc_cluster_reg="127.0.0.1:$server_port"
  bc_single_reg_pid="$(bc_pid_of registration)"
  bc_single_redis_pid="$(bc_pid_of redis)"
  bc_cluster_reg_pid="$(bc_pid_of cluster-registration)"

  info "creating $events events on each side"
  bc_events single "$events"
  bc_events cluster "$events"
  note "the cluster side's events by primary: $(bc_spread)"

  for ((round = 1; round <= rounds; round++)); do
    for side in single cluster; do bc_measure "$side" "$round"; done
  done

  # Results: per round, then the sums.
  echo
  info "results ($CONCURRENCY clients, closed loop, ${SECONDS_MEASURED} s each; $(nproc) CPUs shared by the client, both stacks and every Redis)"
  printf '    %-18s %10s %10s %10s %14s %12s\n' "" "calls/s" "p50 ms" "p99 ms" "registration" "redis"
  declare -A total=()
  for ((round = 1; round <= rounds; round++)); do
    for side in single cluster; do
      local json="${bc_json[$side$round]}" r0 d0 r1 d1 calls
      read -r r0 d0 <<<"${bc_cpu0[$side$round]}"
      read -r r1 d1 <<<"${bc_cpu1[$side$round]}"
      calls="$(json_num calls "$json")"
      printf '    %-18s %10.1f %10s %10s %11s us %9s us\n' "$side (round $round)" \
        "$(json_num ok_per_second "$json")" "$(ms "$(json_num p50_us "$json")")" \
        "$(ms "$(json_num p99_us "$json")")" \
        "$(per_call "$(awk -v a="$r0" -v b="$r1" 'BEGIN { print b - a }')" "$calls")" \
        "$(per_call "$(awk -v a="$d0" -v b="$d1" 'BEGIN { print b - a }')" "$calls")"
      total[$side]="$(awk -v a="${total[$side]:-0}" -v b="$(json_num ok_per_second "$json")" 'BEGIN { print a + b }')"
    done
  done
  note "(registration and redis: CPU time per call, warm-up included; redis on the cluster side is the three primaries together)"
  local r verdict
  r="$(ratio "${total[cluster]}" "${total[single]}")"
  verdict="$(awk -v r="$r" 'BEGIN { print (r + 0 >= 0.8) ? "met" : "NOT met" }')"
  echo
  info "ratio over $rounds rounds (aim: at least 0.80: $verdict)"
  ok=1
  echo "cluster/single register throughput ratio: $r"
}
