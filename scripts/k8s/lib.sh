# shellcheck shell=bash
# Helpers for the Kubernetes checks (scripts/check-k8s, scripts/k8s-smoke) and for
# scripts/install-deps, which installs their npm packages. Source it after scripts/lib.sh.
#
# The checks are small Node.js programs in this folder. Their npm packages (pinned in
# package.json and package-lock.json here) are installed into .tools/k8s/ (git-ignored), with
# npm's cache in .tools/npm-cache/, so nothing is installed system-wide.

# shellcheck disable=SC2154  # EVENTS_ROOT is set by scripts/lib.sh, sourced first
EVENTS_K8S_TOOLS="$EVENTS_ROOT/.tools/k8s"

# k8s_node_tools_ready: true when node is there and .tools/k8s/ holds exactly the packages
# that scripts/k8s/package-lock.json pins.
k8s_node_tools_ready() {
  command -v node >/dev/null 2>&1 &&
    [[ -d "$EVENTS_K8S_TOOLS/node_modules" ]] &&
    cmp -s "$EVENTS_ROOT/scripts/k8s/package-lock.json" "$EVENTS_K8S_TOOLS/package-lock.json"
}

# k8s_install_node_tools: installs the pinned npm packages into .tools/k8s/ (npm ci: exactly
# the lock file's versions). Returns npm's exit code.
k8s_install_node_tools() {
  mkdir -p "$EVENTS_K8S_TOOLS"
  rm -f "$EVENTS_K8S_TOOLS/package-lock.json"
  cp "$EVENTS_ROOT/scripts/k8s/package.json" "$EVENTS_ROOT/scripts/k8s/package-lock.json" "$EVENTS_K8S_TOOLS/"
  (cd "$EVENTS_K8S_TOOLS" && npm ci --no-audit --no-fund --loglevel=error --cache "$EVENTS_ROOT/.tools/npm-cache")
}

# k8s_node SCRIPT ARGS...: runs a Node.js program of this folder with the packages of .tools/k8s/.
k8s_node() {
  NODE_PATH="$EVENTS_K8S_TOOLS/node_modules" node "$@"
}
