#!/bin/sh
# Forms the Redis Cluster of the redis-cluster component, once: run by the Job
# redis-cluster-create (job.yaml). Idempotent: run again on a formed cluster, it does nothing.
#
# Environment:
#   REDIS_CLUSTER_NODES     every node, "host:port host:port ..." (the StatefulSet's pods)
#   REDIS_CLUSTER_REPLICAS  replicas per primary (1: 6 nodes make 3 primaries, 3 replicas)
#   REDIS_CLUSTER_USER      the Redis user it connects as (clusteradmin), and
#   REDISCLI_AUTH           that user's password (redis-cli reads it; never on a command line)
#   REDIS_CLUSTER_WAIT_SECONDS  how long to wait for the nodes (default 300)
#
# 1. Waits until every node answers PING, or until one of them already has hash slots.
# 2. No node has slots: redis-cli --cluster create with the nodes' current addresses (CLUSTER
#    MEET takes addresses, not names), then waits for cluster_state:ok on every node.
# 3. A node has slots, and every node that answers reports cluster_state:ok and sees the
#    others connected: the cluster is formed; nothing to do.
# 4. A node has slots but the nodes do not see each other (every pod restarted at once, say,
#    and they look for each other at their old addresses): introduces every node at its
#    current address (CLUSTER MEET; a known node only gets its address updated), waits
#    until it is whole, and points replicas still replicating from an old address at their
#    primary's current one. If that does not mend it, exits 1: docs/deploy.md, "Repairing".
set -eu

user="${REDIS_CLUSTER_USER:?set REDIS_CLUSTER_USER (the Redis user that forms the cluster)}"
: "${REDISCLI_AUTH:?set REDISCLI_AUTH (the password of REDIS_CLUSTER_USER)}"
nodes="${REDIS_CLUSTER_NODES:?set REDIS_CLUSTER_NODES (host:port of every node)}"
replicas="${REDIS_CLUSTER_REPLICAS:-1}"
wait_seconds="${REDIS_CLUSTER_WAIT_SECONDS:-300}"

say() { echo "create-cluster: $*"; }
fail() {
  echo "create-cluster: $*" >&2
  exit 1
}
# cli HOST:PORT ARGS...: redis-cli as the forming user, giving up after 5 s.
cli() {
  addr="$1"
  shift
  timeout 5 redis-cli --user "$user" -h "${addr%:*}" -p "${addr##*:}" "$@"
}
# cluster_field HOST:PORT NAME: a field of CLUSTER INFO ("" when the node does not answer).
cluster_field() {
  { cli "$1" cluster info 2>/dev/null || true; } | tr -d '\r' | sed -n "s/^$2://p"
}
# address NAME:PORT: the node's current IP and port (getent: DNS, as the pods resolve it);
# an IP address stays as it is.
address() {
  case "${1%:*}" in
    *[!0-9.]*) ip="$(getent hosts "${1%:*}" | awk '{ print $1; exit }')" || true ;;
    *) ip="${1%:*}" ;;
  esac
  [ -n "$ip" ] && echo "$ip:${1##*:}"
}

total=0
for n in $nodes; do total=$((total + 1)); done
deadline=$(($(date +%s) + wait_seconds))
while :; do
  up=""
  count=0
  formed=""
  for n in $nodes; do
    addr="$(address "$n")" || continue
    [ "$(cli "$addr" ping 2>/dev/null | tr -d '\r')" = PONG ] || continue
    up="$up $addr"
    count=$((count + 1))
    slots="$(cluster_field "$addr" cluster_slots_assigned)"
    if [ "${slots:-0}" -gt 0 ]; then formed="$addr"; fi
  done
  [ -n "$formed" ] && break
  [ "$count" -eq "$total" ] && break
  if [ "$(date +%s)" -ge "$deadline" ]; then
    fail "only $count of $total nodes answer PING as $user after $wait_seconds s (nodes: $nodes). Are the pods running, is the Secret redis-users complete, and may this Job reach them (NetworkPolicy redis-cluster)?"
  fi
  sleep 2
done

# healthy ADDR...: every ADDR reports cluster_state:ok and sees every ADDR as a connected,
# not failing node (CLUSTER NODES). Right after all pods restarted, a node may still say ok
# while it cannot reach anyone: the links tell.
healthy() {
  for a in "$@"; do
    [ "$(cluster_field "$a" cluster_state)" = ok ] || return 1
    view="$({ cli "$a" cluster nodes 2>/dev/null || true; } | tr -d '\r')"
    for b in "$@"; do
      echo "$view" | awk -v b="$b" '{ split($2, x, "@"); if (x[1] == b && $8 == "connected" && $3 !~ /fail/) f = 1 }
        END { exit !f }' || return 1
    done
  done
}
# wait_healthy SECONDS ADDR...: until healthy ADDR...; 1 if time runs out.
wait_healthy() {
  until_s=$(($(date +%s) + $1))
  shift
  until healthy "$@"; do
    [ "$(date +%s)" -ge "$until_s" ] && return 1
    sleep 1
  done
}

# repoint ADDR...: a replica whose replication still goes to its primary's old address is
# told CLUSTER REPLICATE again, and connects to the address the cluster now knows (Redis 7.0
# updates its view of a node that moved, but not always a replica's link to it). Replicas
# whose link goes where it should are left alone: a new REPLICATE would restart their sync.
repoint() {
  for a in "$@"; do
    info="$({ cli "$a" info replication 2>/dev/null || true; } | tr -d '\r')"
    echo "$info" | grep -q '^role:slave' || continue
    was="$(echo "$info" | sed -n 's/^master_host://p'):$(echo "$info" | sed -n 's/^master_port://p')"
    view="$({ cli "$a" cluster nodes 2>/dev/null || true; } | tr -d '\r')"
    primary="$(echo "$view" | awk '$3 ~ /myself/ { print $4 }')"
    now="$(echo "$view" | awk -v p="$primary" '$1 == p { split($2, x, "@"); print x[1] }')"
    if [ -n "$now" ] && [ "$now" != "$was" ]; then
      say "replica $a replicates from $was, but its primary is at $now: pointing it there"
      cli "$a" cluster replicate "$primary" >/dev/null || say "CLUSTER REPLICATE on $a failed"
    fi
  done
}

if [ -n "$formed" ]; then
  missing=""
  [ "$count" -eq "$total" ] || missing=" ($((total - count)) of $total nodes do not answer: the cluster runs without them)"
  # shellcheck disable=SC2086  # one argument per address
  if healthy $up; then
    # shellcheck disable=SC2086
    repoint $up
    say "the cluster is formed already (cluster_state:ok, every node that answers sees the others)$missing: nothing to do"
    exit 0
  fi
  say "the cluster has slots but is not whole (cluster_state $(cluster_field "$formed" cluster_state) on $formed, or nodes that do not see each other)$missing: introducing the $count nodes that answer at their current addresses"
  for a in $up; do
    cli "$formed" cluster meet "${a%:*}" "${a##*:}" >/dev/null || say "CLUSTER MEET $a failed"
  done
  # shellcheck disable=SC2086
  if wait_healthy 90 $up; then
    # shellcheck disable=SC2086
    repoint $up
    say "cluster_state:ok again, every node that answers sees the others$missing"
    exit 0
  fi
  fail "the cluster is still not whole 90 s after introducing the nodes: check it as admin (redis-cli --cluster check) and repair it (docs/deploy.md, \"Repairing the cluster\")"
fi

say "forming the cluster of $total nodes ($replicas replica(s) per primary):$up"
# shellcheck disable=SC2086  # one argument per address
redis-cli --user "$user" --cluster create $up --cluster-replicas "$replicas" --cluster-yes
# shellcheck disable=SC2086
wait_healthy 120 $up || fail "the cluster is not whole 120 s after forming it: check it as admin (redis-cli --cluster check)"
say "formed: cluster_state:ok on all $total nodes"
