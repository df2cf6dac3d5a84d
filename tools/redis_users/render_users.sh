#!/usr/bin/env bash
# Renders the Redis users template (deploy/k8s/base/redis/users.acl.template) with the
# users' passwords: each @NAME@ becomes "#" and the SHA-256 (hex) of NAME's password, so
# neither the output nor Redis ever holds a password. Prints the result on stdout.
#
#   render_users.sh [--format aclfile|setuser] [--key-prefix GLOB] TEMPLATE PASSWORD_DIR
#
# PASSWORD_DIR holds one file per user, named after it, with the password and nothing else
# (no newline): the layout of a Kubernetes Secret mounted as a volume, and of .run/redis-users/
# that ./scripts/run makes. A user of the template without a file there is an error.
#
# --format aclfile (default): an ACL file for redis-server --aclfile (comments dropped).
# --format setuser: "ACL SETUSER <name> reset ..." lines for `redis-cli` on stdin; each
#   replaces the user as a whole, so running them again (new passwords) is safe.
# --key-prefix GLOB: put GLOB in front of every key pattern (~, %R~, %W~, %RW~), for an
#   installation with EVENTS_REDIS_KEY_PREFIX (escape * ? [ ] \ in it) or the tests ("t:*:").
#
# Exit status: 0, or 1 with a message on stderr naming the line or the user (never a
# password).
set -euo pipefail

me="${0##*/}"
die() {
  printf '%s: %s\n' "$me" "$*" >&2
  exit 1
}

format=aclfile
prefix=""
while (($#)); do
  case "$1" in
    --format)
      (($# >= 2)) || die "--format needs a value: aclfile or setuser"
      format="$2"
      shift 2
      ;;
    --key-prefix)
      (($# >= 2)) || die "--key-prefix needs a value"
      prefix="$2"
      shift 2
      ;;
    -h | --help)
      awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
      exit 0
      ;;
    --*) die "unknown option: $1 (try --help)" ;;
    *) break ;;
  esac
done
(($# == 2)) || die "expected TEMPLATE and PASSWORD_DIR (try --help)"
template="$1"
password_dir="$2"
[[ "$format" == aclfile || "$format" == setuser ]] ||
  die "--format must be aclfile or setuser, not \"$format\""
[[ "$prefix" != *[{}]* ]] || die "--key-prefix must not contain { or }: they would change the hash tag"
[[ "$prefix" != *[[:space:]]* ]] || die "--key-prefix must not contain spaces"
[[ -r "$template" ]] || die "cannot read the template $template"
[[ -d "$password_dir" ]] || die "$password_dir is not a folder"

# password_hash NAME: "#" and the SHA-256 of NAME's password file.
password_hash() {
  local file="$password_dir/$1" sum
  [[ -r "$file" ]] || die "no password for user $1: $file is missing or unreadable"
  [[ -s "$file" ]] || die "the password of user $1 ($file) is empty"
  # Passwords travel in EVENTS_REDIS_URL and in environment variables: a newline, a space or
  # any other control character would not arrive intact (and a trailing newline, as `echo`
  # writes, would be part of the password Redis expects).
  if LC_ALL=C grep -q '[^[:graph:]]' "$file" || [[ "$(wc -l <"$file")" != 0 ]]; then
    die "the password of user $1 ($file) has a space, newline or control character; write it with printf '%s'"
  fi
  sum="$(sha256sum <"$file")"
  printf '#%s' "${sum%% *}"
}

line_no=0
users=0
while IFS= read -r line || [[ -n "$line" ]]; do
  line_no=$((line_no + 1))
  [[ -z "$line" || "$line" == \#* ]] && continue
  read -r -a words <<<"$line"
  if [[ "${words[0]}" != user || ${#words[@]} -lt 3 ]]; then
    die "$template:$line_no: expected \"user NAME RULES...\" (or a comment starting with #)"
  fi
  name="${words[1]}"
  out=()
  for word in "${words[@]:2}"; do
    case "$word" in
      @*@)
        user="${word:1:${#word}-2}"
        [[ "$user" =~ ^[a-z][a-z0-9_-]*$ ]] || die "$template:$line_no: \"$word\" is not a password placeholder @NAME@"
        word="$(password_hash "$user")"
        ;;
      \>* | \<* | nopass)
        die "$template:$line_no: user $name: a password is written as @$name@, never as $word"
        ;;
      \~*) word="~$prefix${word#\~}" ;;
      %*~*) word="${word%%~*}~$prefix${word#*~}" ;;
      *) ;; # commands, flags and `allkeys` stay as they are
    esac
    out+=("$word")
  done
  if [[ "$format" == aclfile ]]; then
    printf 'user %s %s\n' "$name" "${out[*]}"
  else
    printf 'ACL SETUSER %s reset %s\n' "$name" "${out[*]}"
  fi
  users=$((users + 1))
done <"$template"
((users > 0)) || die "$template defines no user"
