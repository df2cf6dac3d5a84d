#!/usr/bin/env bash
# Fails when project code uses Abseil's synchronisation (absl::Mutex, Notification, CondVar,
# BlockingCounter, Barrier): Debian's libabsl is not built with -fsanitize=thread, so
# ThreadSanitizer cannot see those locks and reports what they protect as races (the TSan
# suite's failure of 2026-12-07 was a test waiting with absl::Notification). Use Mutex,
# MutexLock, CondVar and Notification from common/util/mutex.h, which it sees.
#   tools/lint/no_absl_sync.sh [ROOT]      # ctest absl_sync_banned runs it
set -euo pipefail
root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$root"
# The types, outside comments; and the headers of all but absl::Mutex's (whose header the
# services include to switch off Abseil's deadlock detection for gRPC's own mutexes).
pattern='absl::(Mutex|MutexLock|ReaderMutexLock|WriterMutexLock|Notification|CondVar|BlockingCounter|Barrier)\b|absl/synchronization/(notification|blocking_counter|barrier)\.h'
if found="$(git ls-files -- 'common/*' 'services/*' 'tools/*' 'tests/*' 'fuzz/*' |
  grep -E '\.(cc|h)$' | xargs grep -nE "$pattern" 2>/dev/null |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*//')"; then
  printf '%s\n' "$found" >&2
  printf '\nAbseil synchronisation used above: ThreadSanitizer cannot see it (Debian'"'"'s libabsl is not\nbuilt for TSan). Use Mutex, MutexLock, CondVar or Notification from common/util/mutex.h.\n' >&2
  exit 1
fi
echo "no Abseil synchronisation in project code"
