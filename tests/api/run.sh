#!/usr/bin/env bash
# The HTTP/JSON API tests (ctest api_http, label "api"): starts a stack of its own
# (tests/stack/stack.sh: a throwaway redis-server, the mail sink, the services and the web
# service on free loopback ports), makes two organisations with eventctl, runs the gtest
# binary api_http_test against it with the addresses and keys in its environment, and
# always stops everything again.
#
#   tests/api/run.sh                          # what ctest runs (EVENTS_BUILD_DIR: the build)
#   tests/api/run.sh --gtest_filter='Hostile*' # arguments go to the gtest binary
#   API_TEST_KEEP=1 tests/api/run.sh          # keeps the logs folder (printed at the end)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/stack/stack.sh
source "$EVENTS_ROOT/tests/stack/stack.sh"

binary="$EVENTS_BUILD_DIR/tests/api/api_http_test"
[[ -x "$binary" ]] || fail "$binary is not built"
export STACK_KEEP="${API_TEST_KEEP:-0}"
stack_start api

# org_setting BOOT NAME: the value of NAME=... in eventctl's env output.
org_setting() { sed -n "s/^$2=//p" <<<"$1"; }
org_a="$(stack_bootstrap "API Test Organisation A")"
org_b="$(stack_bootstrap "API Test Organisation B")"
API_TEST_ORG_A_ID="$(org_setting "$org_a" EVENTS_ORG_ID)"
API_TEST_ORG_A_KEY="$(org_setting "$org_a" EVENTS_API_KEY)"
API_TEST_ORG_B_ID="$(org_setting "$org_b" EVENTS_ORG_ID)"
API_TEST_ORG_B_KEY="$(org_setting "$org_b" EVENTS_API_KEY)"
export API_TEST_ORG_A_ID API_TEST_ORG_A_KEY API_TEST_ORG_B_ID API_TEST_ORG_B_KEY
export API_TEST_WEB_URL="${STACK_WEB_URL/localhost/127.0.0.1}"

rc=0
"$binary" "$@" || rc=$?
exit "$rc"
