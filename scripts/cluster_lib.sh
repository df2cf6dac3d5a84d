# shellcheck shell=bash
# A throwaway Redis Cluster on loopback, for ./scripts/test --redis-cluster, ./scripts/bench
# cluster and the fault suite. Sourced after scripts/lib.sh.
#
#   cluster_start DIR PRIMARIES REPLICAS [redis-server options...]
#       starts PRIMARIES * (1 + REPLICAS) nodes (no persistence, files under DIR), forms the
#       cluster with redis-cli --cluster create, and waits until every node says
#       cluster_state:ok. Sets cluster_ports (primaries first, as created) and cluster_pids.
#   cluster_seed_url        redis+cluster://127.0.0.1:<p1>,...: every node as a seed
#   cluster_stop            stops every node it started
#   cluster_node_start PORT starts the node of PORT again (after a kill), with its options
#                           and its nodes.conf, so it rejoins (a failed primary as a replica
#                           of the one that took over); sets cluster_pids for it
#   cluster_primary_of SLOT the port of the primary serving SLOT, as the live nodes say
#   cluster_replica_of PORT the port of a replica of the primary on PORT ("" when none)
#   cluster_node_id PORT    the node's id (CLUSTER MYID)
#
# Each node also listens on its port + 10000 (the cluster bus), so ports are picked with that
# one free too. cluster-node-timeout is 2000 ms unless given: a replica takes over a dead
# primary about 2 to 4 s after it stops answering.

cluster_ports=()
cluster_pids=()
cluster_dir=""
cluster_node_args=()

# cluster_free_port: a free loopback port whose bus port (+10000) is free too.
cluster_free_port() {
  local port _
  for _ in {1..50}; do
    port="$(free_port)" || return 1
    if ((port + 10000 <= 65535)) && ! port_in_use "$((port + 10000))"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

cluster_start() {
  local dir="$1" primaries="$2" replicas="$3"
  shift 3
  local nodes=$((primaries * (1 + replicas))) i port
  cluster_ports=()
  cluster_pids=()
  cluster_dir="$dir"
  cluster_node_args=("$@")
  for ((i = 0; i < nodes; i++)); do
    port="$(cluster_free_port)" || fail "found no free port pair for Redis Cluster node $i"
    cluster_ports+=("$port")
    cluster_pids+=("")
    cluster_node_start "$port"
  done
  for ((i = 0; i < nodes; i++)); do
    if ! wait_for_port "${cluster_ports[$i]}" 15 "${cluster_pids[$i]}"; then
      sed 's/^/    /' "$dir/${cluster_ports[$i]}/redis.log" >&2
      fail "Redis Cluster node on port ${cluster_ports[$i]} did not start (its log is above)"
    fi
  done
  local addresses=()
  for port in "${cluster_ports[@]}"; do addresses+=("127.0.0.1:$port"); done
  # --cluster create makes the first PRIMARIES addresses the primaries.
  if ! redis-cli --cluster create "${addresses[@]}" --cluster-replicas "$replicas" \
    --cluster-yes >"$dir/create.log" 2>&1; then
    sed 's/^/    /' "$dir/create.log" >&2
    fail "redis-cli --cluster create failed (its output is above)"
  fi
  local deadline=$((EPOCHSECONDS + 30))
  for port in "${cluster_ports[@]}"; do
    until [[ "$(redis-cli -p "$port" cluster info 2>/dev/null | tr -d '\r' |
      grep '^cluster_state:')" == "cluster_state:ok" ]]; do
      ((EPOCHSECONDS < deadline)) || fail "Redis Cluster node $port did not reach cluster_state:ok in 30 s"
      sleep 0.2
    done
  done
  # Replicas that have not finished their first sync still answer, but say so; wait for
  # every primary to count its replicas, so failover tests start from a whole cluster.
  for ((i = 0; i < primaries; i++)); do
    until [[ "$(redis-cli -p "${cluster_ports[$i]}" info replication 2>/dev/null | tr -d '\r' |
      grep -c '^slave[0-9]*:.*state=online')" -ge "$replicas" ]]; do
      ((EPOCHSECONDS < deadline)) || fail "the replicas of ${cluster_ports[$i]} did not come online in 30 s"
      sleep 0.2
    done
  done
}

cluster_node_start() {
  local port="$1" i
  mkdir -p "$cluster_dir/$port"
  redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes \
    --cluster-config-file "$cluster_dir/$port/nodes.conf" --cluster-node-timeout 2000 \
    --repl-diskless-sync-delay 0 --repl-ping-replica-period 1 \
    --save '' --appendonly no --daemonize no --dir "$cluster_dir/$port" "${cluster_node_args[@]}" \
    >>"$cluster_dir/$port/redis.log" 2>&1 &
  for i in "${!cluster_ports[@]}"; do
    [[ "${cluster_ports[$i]}" != "$port" ]] || cluster_pids[i]=$!
  done
}

# cluster_nodes: CLUSTER NODES from the first node that answers.
cluster_nodes() {
  local port
  for port in "${cluster_ports[@]}"; do
    redis-cli -p "$port" cluster nodes 2>/dev/null && return 0
  done
  return 1
}

cluster_primary_of() {
  # Fields: id ip:port@bus flags primary-id ping pong epoch link slot-ranges...
  cluster_nodes | awk -v slot="$1" '$3 ~ /master/ && $3 !~ /fail/ {
    for (i = 9; i <= NF; i++) {
      if ($i ~ /^\[/) continue
      n = split($i, r, "-"); lo = r[1]; hi = (n == 2 ? r[2] : r[1])
      if (slot + 0 >= lo + 0 && slot + 0 <= hi + 0) { split($2, a, "[:@]"); print a[2]; exit }
    } }'
}

cluster_node_id() { redis-cli -p "$1" cluster myid; }

cluster_replica_of() {
  local id
  id="$(cluster_node_id "$1")" || return 1
  cluster_nodes | awk -v id="$id" '$3 ~ /slave/ && $3 !~ /fail/ && $4 == id {
    split($2, a, "[:@]"); print a[2]; exit }'
}

cluster_seed_url() {
  local seeds=() port
  for port in "${cluster_ports[@]}"; do seeds+=("127.0.0.1:$port"); done
  local IFS=,
  printf 'redis+cluster://%s' "${seeds[*]}"
}

cluster_stop() {
  local pid
  for pid in "${cluster_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${cluster_pids[@]}"; do
    wait_for_exit "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  cluster_pids=()
}
