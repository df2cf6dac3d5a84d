#!/usr/bin/env bash
# tools/register_ceiling against the test Redis (EVENTS_TEST_REDIS_URL, one Redis or a
# cluster): a run of a few hundred calls on an event it makes with room for all of them must
# register every caller (the JSON's calls, registered and held all equal, no refusals, no
# errors, a figure); the same e-mails again for that event must be refused as duplicates,
# and then the driver must refuse to give a figure (exit 2, "comparable":0, the reason).
# Usage: register_ceiling_test.sh <register_ceiling>.
set -euo pipefail
driver=$1
# shellcheck source=tests/smoke/smoke_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/smoke_lib.sh"
smoke_init register_ceiling
# The driver reads Redis as a service does: smoke_init exported EVENTS_REDIS_URL and a key
# prefix of this test's own, whose keys are dropped at the end.
trap 'drop_keys; rm -rf "$work"' EXIT

calls=300
prefix_mail="smoke-$$-$RANDOM"

# json_field KEY JSON: the value at "KEY": (a number or a string without quotes in it).
json_field() { grep -o "\"$1\":\"\?[^,\"}]*" <<<"$2" | head -n1 | sed 's/^[^:]*:"\{0,1\}//'; }

# 1. Every call registers someone.
rc=0
out=$("$driver" --requests "$calls" --concurrency 8 --email-prefix "$prefix_mail" 2>"$log") || rc=$?
((rc == 0)) || fail "the first run exited with $rc, not 0: $(cat "$log")"
for key in calls registered held confirmed; do
  value=$(json_field "$key" "$out")
  [[ "$value" == "$calls" ]] || fail "the first run's $key is '$value', not $calls: $out"
done
for key in refused errors waitlisted; do
  value=$(json_field "$key" "$out")
  [[ "$value" == 0 ]] || fail "the first run's $key is '$value', not 0: $out"
done
[[ "$(json_field comparable "$out")" == 1 ]] || fail "the first run is not comparable: $out"
rate=$(json_field registered_per_second "$out")
awk -v r="$rate" 'BEGIN { exit !(r > 0) }' || fail "registered_per_second is '$rate': $out"
p99=$(json_field p99_us "$out")
((p99 > 0)) || fail "p99_us is '$p99': $out"
event=$(json_field event_id "$out")
[[ "$event" == ev_* ]] || fail "event_id is '$event', not an event id: $out"
grep -q "holds $calls new registrations" "$log" || fail "the summary does not say what Redis holds: $(cat "$log")"

# 2. The same e-mails again: duplicates, nothing registered, no figure.
rc=0
out=$("$driver" --requests 50 --concurrency 4 --event-id "$event" --email-prefix "$prefix_mail" \
  2>"$log") || rc=$?
((rc == 2)) || fail "a run of duplicates exited with $rc, not 2: $out $(cat "$log")"
[[ "$(json_field comparable "$out")" == 0 ]] || fail "a run of duplicates is comparable: $out"
[[ "$(json_field held "$out")" == 0 ]] || fail "a run of duplicates made registrations: $out"
[[ "$(json_field refused "$out")" == 50 ]] || fail "not every duplicate was refused: $out"
grep -q "not comparable: only 0 of the 50 calls registered anyone" "$log" ||
  fail "no reason given for refusing the figure: $(cat "$log")"
grep -q "duplicate 50" "$log" || fail "the reason does not say what the script answered: $(cat "$log")"

# 3. An event the service holds nothing of: refused before any call, saying what to do.
rc=0
"$driver" --requests 5 --event-id ev_00000000000000000000000000 >/dev/null 2>"$log" || rc=$?
((rc == 1)) || fail "an unknown event exited with $rc, not 1"
grep -q "holds no facts of event ev_00000000000000000000000000" "$log" ||
  fail "no helpful message for an unknown event: $(cat "$log")"

echo "register_ceiling smoke test: 3 passed, 0 failed"
