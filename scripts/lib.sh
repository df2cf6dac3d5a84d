# shellcheck shell=bash disable=SC2034  # variables here are for the scripts that source it
# Helpers shared by the scripts in this folder. Source it, do not run it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# It sets EVENTS_ROOT (the repository root) and defines small functions for output,
# ports and processes. It changes no shell options of the script that sources it.

EVENTS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# The services, in start order. A later issue adds binaries; the scripts skip missing ones.
EVENTS_SERVICES=(scheduling registration accessibility feedback integrations web notifications people)

# Where the build puts things (scripts/build is the only place that runs the build).
EVENTS_BUILD_DIR="${EVENTS_BUILD_DIR:-$EVENTS_ROOT/build}"
[[ "$EVENTS_BUILD_DIR" == /* ]] || EVENTS_BUILD_DIR="$PWD/$EVENTS_BUILD_DIR"
EVENTCTL="$EVENTS_BUILD_DIR/tools/eventctl/eventctl"

# Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org).
if [[ -t 1 && -z "${NO_COLOR:-}" && "${TERM:-dumb}" != "dumb" ]]; then
  _c_bold=$'\e[1m' _c_green=$'\e[32m' _c_yellow=$'\e[33m' _c_red=$'\e[31m' _c_reset=$'\e[0m'
else
  _c_bold='' _c_green='' _c_yellow='' _c_red='' _c_reset=''
fi

# info MESSAGE...: a progress line on stdout.
info() { printf '%s==>%s %s\n' "$_c_green$_c_bold" "$_c_reset" "$*"; }

# note MESSAGE...: a secondary line on stdout, indented under the last info.
note() { printf '    %s\n' "$*"; }

# warn MESSAGE...: something the user should know about, on stderr; carries on.
warn() { printf '%swarning:%s %s\n' "$_c_yellow$_c_bold" "$_c_reset" "$*" >&2; }

# fail MESSAGE...: says what went wrong on stderr and exits 1 (runs the EXIT trap).
fail() {
  printf '%serror:%s %s\n' "$_c_red$_c_bold" "$_c_reset" "$*" >&2
  exit 1
}

# usage: prints the comment block at the top of the running script (its help text).
usage() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

# bold TEXT: TEXT in bold when colours are on, for use inside other messages.
bold() { printf '%s%s%s' "$_c_bold" "$*" "$_c_reset"; }

# port_in_use PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port: prints a TCP port on 127.0.0.1 that nothing listens on right now.
# Asks the kernel (bind to port 0) when python3 is there; otherwise probes random ports
# in the range above the usual ephemeral range start. Another process may still take the
# port before the caller binds it: callers retry when their server fails to start.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' && return 0
  fi
  local port _
  for _ in {1..100}; do
    port=$((20000 + RANDOM % 30000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# pid_alive PID: true while process PID runs. Unlike plain `kill -0`, an exited child of
# this shell that nobody has waited for yet (a zombie) counts as gone.
pid_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ "$state" != "Z" ]]
}

# wait_for_port PORT SECONDS [PID]: waits until 127.0.0.1:PORT accepts connections.
# Returns 0 when it does, 1 at the deadline, 2 as soon as process PID (if given) has exited.
wait_for_port() {
  local port="$1" deadline=$((EPOCHSECONDS + $2)) pid="${3:-}"
  until port_in_use "$port"; do
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then return 2; fi
    if ((EPOCHSECONDS >= deadline)); then return 1; fi
    sleep 0.1
  done
}

# pid_matches PID NAME: true when process PID is alive and its command line mentions NAME.
# Guards against acting on a stale pid file whose number now belongs to another program.
pid_matches() {
  local pid="$1" name="$2" cmdline
  pid_alive "$pid" || return 1
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$name"* ]]
}

# read_pid_file FILE: prints the pid stored in FILE, or nothing.
read_pid_file() {
  [[ -r "$1" ]] && head -n1 "$1" | tr -dc '0-9'
  return 0
}

# wait_for_exit PID SECONDS: waits until PID has exited; returns 1 if it is still alive then.
wait_for_exit() {
  local pid="$1" deadline=$((EPOCHSECONDS + $2))
  while pid_alive "$pid"; do
    if ((EPOCHSECONDS >= deadline)); then return 1; fi
    sleep 0.1
  done
  # Reap it if it is a child of this shell (does nothing otherwise).
  wait "$pid" 2>/dev/null || true
}

# service_upper NAME: SCHEDULING for scheduling (for the *_PORT variable names).
service_upper() { printf '%s' "${1^^}"; }

# service_grpc_port NAME / service_metrics_port NAME: the port for a service, from
# <NAME>_PORT / <NAME>_METRICS_PORT when set, else the project default. The web service's
# "gRPC" port is its HTTP port (WEB_PORT, 8080).
service_grpc_port() {
  local var defaults=(50051 50052 50053 50054 50055 8080 50056 50057)
  var="$(service_upper "$1")_PORT"
  printf '%s' "${!var:-${defaults[$(service_index "$1")]}}"
}
service_metrics_port() {
  local var defaults=(9101 9102 9103 9104 9105 9106 9107 9108)
  var="$(service_upper "$1")_METRICS_PORT"
  printf '%s' "${!var:-${defaults[$(service_index "$1")]}}"
}
service_index() {
  local i
  for i in "${!EVENTS_SERVICES[@]}"; do
    if [[ "${EVENTS_SERVICES[$i]}" == "$1" ]]; then
      echo "$i"
      return 0
    fi
  done
  echo "unknown service: $1" >&2
  return 1
}

# service_binary NAME: where the build puts the server binary of service NAME.
service_binary() { printf '%s' "$EVENTS_BUILD_DIR/services/$1/$1_server"; }

# env_file_get FILE NAME: prints the value of the line NAME=value in FILE (read as data, not
# run as shell code), or nothing when FILE or the line is missing.
env_file_get() {
  [[ -r "$1" ]] || return 0
  local line
  while IFS= read -r line; do
    if [[ "$line" == "$2="* ]]; then
      printf '%s' "${line#*=}"
      return 0
    fi
  done <"$1"
}

# env_file_put FILE NAME VALUE [NAME VALUE...]: sets NAME=VALUE lines in FILE, keeping its
# other lines. The file is readable only by its owner (it holds secrets) and replaced at once.
env_file_put() {
  local file="$1" line name keep i
  shift
  local names=()
  for ((i = 1; i <= $#; i += 2)); do names+=("${!i}"); done
  (
    umask 077
    : >"$file.tmp"
    if [[ -r "$file" ]]; then
      while IFS= read -r line; do
        keep=1
        for name in "${names[@]}"; do
          [[ "$line" == "$name="* ]] && keep=0
        done
        if ((keep)); then printf '%s\n' "$line" >>"$file.tmp"; fi
      done <"$file"
    fi
    while (($# >= 2)); do
      printf '%s=%s\n' "$1" "$2" >>"$file.tmp"
      shift 2
    done
  )
  mv -f "$file.tmp" "$file"
}

# --- Redis users (docs/redis-acl.md) --------------------------------------------------------

# The one definition of the Redis users, and its renderer.
EVENTS_REDIS_USERS_TEMPLATE="$EVENTS_ROOT/deploy/k8s/base/redis/users.acl.template"
EVENTS_REDIS_USERS_RENDER="$EVENTS_ROOT/tools/redis_users/render_users.sh"

# redis_users_create PORT PASSWORD_DIR: gives every user of the template a fresh random
# password, kept in PASSWORD_DIR/<user> (the folder mode 700, each file 600), and makes the
# users on the Redis at 127.0.0.1:PORT (ACL SETUSER ... reset, as its default user: each
# user is replaced as a whole, so the passwords of an earlier run stop working). Redis keeps
# ACL users in memory only: call it after every start of Redis. Prints no password.
redis_users_create() {
  local port="$1" dir="$2" user out
  local users=()
  mapfile -t users < <(awk '$1 == "user" { print $2 }' "$EVENTS_REDIS_USERS_TEMPLATE")
  ((${#users[@]})) || {
    warn "$EVENTS_REDIS_USERS_TEMPLATE defines no user"
    return 1
  }
  (
    umask 077
    mkdir -p "$dir"
    chmod 700 "$dir"
    for user in "${users[@]}"; do
      head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/$user.tmp"
      mv -f "$dir/$user.tmp" "$dir/$user"
    done
  ) || return 1
  # Only the passwords' SHA-256 reaches redis-cli (on its stdin) and Redis.
  out="$("$EVENTS_REDIS_USERS_RENDER" --format setuser "$EVENTS_REDIS_USERS_TEMPLATE" "$dir" |
    rcli "$port" 2>&1)" || {
    warn "could not make the Redis users on port $port: $out"
    return 1
  }
  if [[ "$(grep -cx OK <<<"$out")" != "${#users[@]}" ]]; then
    warn "Redis on port $port did not accept every user of $EVENTS_REDIS_USERS_TEMPLATE: $out"
    return 1
  fi
}

# redis_user_url USER PORT PASSWORD_DIR: prints redis://USER:<password>@127.0.0.1:PORT/0.
# It holds a password: hand it to a program in its environment (EVENTS_REDIS_URL), never on
# a command line or in a message.
redis_user_url() {
  local password
  password="$(<"$3/$1")" || return 1
  printf 'redis://%s:%s@127.0.0.1:%s/0' "$1" "$password" "$2"
}

# --- The local stack that scripts/run starts and scripts/stop stops -------------------------

# Set to 1 by stop_services and stop_redis when they found something to stop.
EVENTS_STOPPED_SOMETHING=0

# Pid files, ports and logs of the running stack; data of its Redis (both git-ignored).
EVENTS_RUN_DIR="$EVENTS_ROOT/.run"
# The local Redis users' passwords, one file each (redis_users_create).
EVENTS_REDIS_USERS_DIR="$EVENTS_RUN_DIR/redis-users"
EVENTS_REDIS_DATA_DIR="$EVENTS_ROOT/.data/redis"
# The local SMTP server (tools/mailsink): every e-mail the services send is saved here.
EVENTS_MAILSINK="$EVENTS_ROOT/tools/mailsink/mailsink.py"
EVENTS_MAIL_DIR="$EVENTS_RUN_DIR/mail"

# stop_services SECONDS [NAME...]: stops the services that scripts/run started (all, or the
# NAMEs): SIGTERM to each (they report NOT_SERVING and drain), then waits up to SECONDS in
# all, then SIGKILL with a warning for any still running. Removes their pid files.
# Prints what it did; prints nothing when none was running.
stop_services() {
  local seconds="$1" name pid i deadline
  shift
  local names=("$@")
  ((${#names[@]})) || names=("${EVENTS_SERVICES[@]}")
  local stopping_names=() stopping_pids=()
  # Reverse start order: services that others depend on stop last.
  for ((i = ${#names[@]} - 1; i >= 0; i--)); do
    name="${names[$i]}"
    pid="$(read_pid_file "$EVENTS_RUN_DIR/$name.pid")"
    if [[ -n "$pid" ]] && pid_matches "$pid" "${name}_server"; then
      kill -TERM "$pid" 2>/dev/null || true
      stopping_names+=("$name")
      stopping_pids+=("$pid")
    fi
    rm -f "$EVENTS_RUN_DIR/$name.pid"
  done
  ((${#stopping_pids[@]})) || return 0
  EVENTS_STOPPED_SOMETHING=1
  info "stopping ${stopping_names[*]} (SIGTERM, up to $seconds s to drain)"
  deadline=$((EPOCHSECONDS + seconds))
  for i in "${!stopping_pids[@]}"; do
    pid="${stopping_pids[$i]}"
    if wait_for_exit "$pid" $((deadline > EPOCHSECONDS ? deadline - EPOCHSECONDS : 0)); then
      note "${stopping_names[$i]} stopped"
    else
      warn "${stopping_names[$i]} (pid $pid) did not stop within $seconds s; killing it (SIGKILL)"
      kill -KILL "$pid" 2>/dev/null || true
      wait_for_exit "$pid" 5 || warn "${stopping_names[$i]} (pid $pid) is still there after SIGKILL"
    fi
  done
}

# rcli PORT ARGS...: redis-cli against 127.0.0.1:PORT that gives up after 2 s (whatever
# listens on the port may not be a Redis at all).
rcli() {
  local port="$1"
  shift
  timeout 2 redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# our_redis_pid PORT: prints the pid of the redis-server on PORT if it is the one that
# scripts/run started (its data folder is ours); prints nothing and returns 1 otherwise.
our_redis_pid() {
  local port="$1" dir pid
  dir="$(rcli "$port" --raw config get dir 2>/dev/null | sed -n 2p)"
  [[ "$dir" == "$EVENTS_REDIS_DATA_DIR" ]] || return 1
  pid="$(rcli "$port" info server 2>/dev/null | sed -n 's/^process_id:\([0-9]*\).*/\1/p')"
  [[ -n "$pid" ]] || return 1
  echo "$pid"
}

# stop_redis SECONDS: stops the redis-server that scripts/run started, cleanly (SHUTDOWN
# flushes the append-only file), then SIGKILL with a warning after SECONDS.
stop_redis() {
  local seconds="$1" pid port
  pid="$(read_pid_file "$EVENTS_RUN_DIR/redis.pid")"
  port="$(read_pid_file "$EVENTS_RUN_DIR/redis.port")"
  port="${port:-${REDIS_PORT:-6380}}"
  if [[ -z "$pid" ]] || ! pid_matches "$pid" redis-server; then
    # No pid file (removed by hand?): trust the port only if that Redis keeps our data.
    pid="$(our_redis_pid "$port")" || pid=""
  fi
  rm -f "$EVENTS_RUN_DIR/redis.pid" "$EVENTS_RUN_DIR/redis.port"
  [[ -n "$pid" ]] || return 0
  EVENTS_STOPPED_SOMETHING=1
  info "stopping redis-server on port $port (pid $pid)"
  if ! rcli "$port" shutdown >/dev/null 2>&1; then
    # SIGTERM is the same clean shutdown when redis-cli cannot reach it.
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if wait_for_exit "$pid" "$seconds"; then
    note "redis-server stopped (data kept in ${EVENTS_REDIS_DATA_DIR#"$EVENTS_ROOT"/})"
  else
    warn "redis-server (pid $pid) did not stop within $seconds s; killing it (SIGKILL): the last writes may be lost"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

# stop_mailsink SECONDS: stops the mail sink that scripts/run started (SIGTERM, then SIGKILL
# with a warning after SECONDS). The messages it saved stay in .run/mail/.
stop_mailsink() {
  local seconds="$1" pid
  pid="$(read_pid_file "$EVENTS_RUN_DIR/mailsink.pid")"
  rm -f "$EVENTS_RUN_DIR/mailsink.pid"
  if [[ -z "$pid" ]] || ! pid_matches "$pid" "$EVENTS_MAILSINK"; then
    return 0
  fi
  EVENTS_STOPPED_SOMETHING=1
  info "stopping the mail sink (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if wait_for_exit "$pid" "$seconds"; then
    note "mail sink stopped (the e-mails are kept in ${EVENTS_MAIL_DIR#"$EVENTS_ROOT"/}/)"
  else
    warn "the mail sink (pid $pid) did not stop within $seconds s; killing it (SIGKILL)"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
