#!/usr/bin/env bash
# The API's OpenAPI document, as the build wrote it, linted by redocly with the recommended
# rules (tests/api/redocly.yaml): any error or warning fails (ctest api_openapi_lint).
#
#   tests/api/openapi_lint.sh [DOCUMENT]   # default: $EVENTS_BUILD_DIR/services/web/openapi/openapi.json
#
# redocly is one of the npm packages pinned in tests/browser/package-lock.json, installed into
# .tools/browser/ (./scripts/install-deps, or here with npm ci when missing). Without node or
# those packages it exits 77 (ctest: skipped), except in CI (CI=true), where that is a failure.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"
# shellcheck source=tests/browser/lib.sh
source "$EVENTS_ROOT/tests/browser/lib.sh"

document="${1:-$EVENTS_BUILD_DIR/services/web/openapi/openapi.json}"
[[ -s "$document" ]] || fail "$document is not there: build the target web_openapi_json first"

browser_require_tools "the OpenAPI lint" --node-only
redocly="$EVENTS_BROWSER_TOOLS/node_modules/.bin/redocly"
[[ -x "$redocly" ]] || fail "$redocly is missing although .tools/browser/ matches the lock file"

# No usage reports sent anywhere, no update check: the result depends on the pinned version
# and the document only.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
config="$EVENTS_ROOT/tests/api/redocly.yaml"
# redocly's exit code counts errors only (non-zero with any); the totals also count warnings.
report="$("$redocly" lint --config "$config" --format=json "$document" 2>/dev/null)" || true
# shellcheck disable=SC2016  # ${...} below is JavaScript's, not the shell's
totals="$(node -e '
  const t = JSON.parse(require("fs").readFileSync(0, "utf8")).totals;
  process.stdout.write(`${t.errors} ${t.warnings}`);' <<<"$report")" ||
  fail "redocly lint gave no result for $document"
read -r errors warnings <<<"$totals"
if ((errors + warnings > 0)); then
  "$redocly" lint --config "$config" "$document" >&2 || true
  fail "the OpenAPI document has $errors errors and $warnings warnings (fix the generator: services/web/api/openapi.cc)"
fi
info "the OpenAPI document lints clean ($(basename "$document"), redocly $("$redocly" --version 2>/dev/null))"
