#!/usr/bin/env bash
# The real scheduling and registration binaries, sent the most memory-hungry requests they
# accept (the largest allowed size, made of millions of tiny fields that protobuf turns into
# objects many times their size) by 16 clients at once: each server's peak resident memory
# must stay under the memory limit its Kubernetes Deployment sets (deploy/k8s/base).
# Usage: memory_test.sh <scheduling_server> <registration_server> <eventctl> <events_memcheck>
# Needs EVENTS_TEST_REDIS_URL.
set -euo pipefail
scheduling_bin=$1
registration_bin=$2
# shellcheck disable=SC2034  # read by smoke_lib.sh's expect_serving
eventctl=$3
memcheck=$4
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=tests/smoke/smoke_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/smoke_lib.sh"
smoke_init memory

# limit_mib SERVICE: the memory limit of SERVICE's container in deploy/k8s/base, in MiB.
limit_mib() {
  local value
  value=$(awk '/limits:/ {in_limits=1} in_limits && /memory:/ {print $2; exit}' \
    "$root/deploy/k8s/base/$1/deployment.yaml")
  [[ $value =~ ^([0-9]+)Mi$ ]] || fail "cannot read the memory limit of $1 (got '$value')"
  echo "${BASH_REMATCH[1]}"
}

# check SERVICE METHOD SHAPE BYTES: 16 clients for 3 s against the running server (pid).
check() {
  "$memcheck" --target "$addr" --pid "$pid" --method "$2" --shape "$3" --bytes "$4" \
    --clients 16 --seconds 3 --limit-mib "$(limit_mib "$1")" || fail "$1 $2 ($3) went over its memory limit"
}

# What the binaries need to start; no call here gets past parsing and validation.
export EVENTS_SERVICE_KEY=evk_not_checked_at_start EVENTS_SCHEDULING_ADDR=127.0.0.1:1
export REGISTRATION_LINK_SECRET=memory-test-link-secret-of-32-characters

"$scheduling_bin" >"$log" 2>&1 &
pid=$!
expect_serving scheduling events.v1.SchedulingService
max=$((256 * 1024))
check scheduling /events.v1.SchedulingService/GetEvent unknown "$max"
check scheduling /events.v1.SchedulingService/SetAgenda repeated "$max"
stop_server

"$registration_bin" >"$log" 2>&1 &
pid=$!
expect_serving registration events.v1.RegistrationService
check registration /events.v1.RegistrationService/Register unknown "$max"
check registration /events.v1.RegistrationService/Register repeated "$max"
check registration /events.v1.RegistrationService/ListRegistrations unknown "$max"
stop_server
drop_keys
echo "memory test: 5 passed, 0 failed"
