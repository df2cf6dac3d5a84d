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
