# shellcheck shell=bash
# Helpers for the browser tests (tests/browser/run.sh) and for scripts/install-deps, which
# installs their npm packages. Source it after scripts/lib.sh.
#
# The npm packages (pinned in package.json and package-lock.json here) go into
# .tools/browser/ (git-ignored), with npm's cache in .tools/npm-cache/: nothing is installed
# system-wide, and no browser is ever downloaded: the tests drive Debian's Chromium.

# shellcheck disable=SC2154  # EVENTS_ROOT is set by scripts/lib.sh, sourced first
EVENTS_BROWSER_TOOLS="$EVENTS_ROOT/.tools/browser"
BROWSER_CHROMIUM="${BROWSER_CHROMIUM:-/usr/bin/chromium}"

# browser_node_tools_ready: true when node is there and .tools/browser/ holds exactly the
# packages that tests/browser/package-lock.json pins.
browser_node_tools_ready() {
  command -v node >/dev/null 2>&1 &&
    [[ -d "$EVENTS_BROWSER_TOOLS/node_modules" ]] &&
    cmp -s "$EVENTS_ROOT/tests/browser/package-lock.json" "$EVENTS_BROWSER_TOOLS/package-lock.json"
}

# browser_install_node_tools: installs the pinned npm packages into .tools/browser/ (npm ci:
# exactly the lock file's versions). Returns npm's exit code.
browser_install_node_tools() {
  mkdir -p "$EVENTS_BROWSER_TOOLS"
  rm -f "$EVENTS_BROWSER_TOOLS/package-lock.json"
  cp "$EVENTS_ROOT/tests/browser/package.json" "$EVENTS_ROOT/tests/browser/package-lock.json" \
    "$EVENTS_BROWSER_TOOLS/"
  (cd "$EVENTS_BROWSER_TOOLS" && npm ci --no-audit --no-fund --loglevel=error \
    --cache "$EVENTS_ROOT/.tools/npm-cache")
}

# browser_node ARGS...: runs node with the packages of .tools/browser/.
browser_node() {
  NODE_PATH="$EVENTS_BROWSER_TOOLS/node_modules" BROWSER_CHROMIUM="$BROWSER_CHROMIUM" node "$@"
}

# browser_require_tools WHAT [--node-only]: Chromium (unless --node-only), node and the pinned
# npm packages (installed here when missing). Without them WHAT ("browser tests", say) is
# skipped (exit 77, ctest's "skipped"), except in CI (CI=true), where that is a failure.
browser_require_tools() {
  local what="$1" node_only="${2:-}"
  _browser_missing() {
    if [[ "${CI:-}" == "true" ]]; then
      fail "$what cannot run: $1 (in CI this is a failure; ./scripts/install-deps installs it)"
    fi
    warn "$what skipped: $1 (./scripts/install-deps installs it)"
    exit 77
  }
  [[ "$node_only" == --node-only || -x "$BROWSER_CHROMIUM" ]] ||
    _browser_missing "no Chromium at $BROWSER_CHROMIUM (Debian package chromium)"
  command -v node >/dev/null 2>&1 || _browser_missing "no node (Debian package nodejs)"
  if ! browser_node_tools_ready; then
    command -v npm >/dev/null 2>&1 || _browser_missing "no npm to install the pinned npm packages"
    info "installing the browser tests' npm packages into .tools/browser/ (npm ci)"
    browser_install_node_tools >&2 || _browser_missing "npm ci failed (is the npm registry reachable?)"
  fi
}
