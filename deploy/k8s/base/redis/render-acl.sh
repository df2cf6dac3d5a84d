#!/bin/sh
# Writes Redis's aclfile from the ACL templates and the users' passwords. Run by the Redis
# pods' init container (deploy/k8s/base/redis/statefulset.yaml and the redis-cluster
# component); scripts/k8s-smoke runs it the same way on the test machine.
#
#   render-acl.sh TEMPLATE_DIR PASSWORD_DIR OUT_DIR [MASTERUSER]
#
# TEMPLATE_DIR/*.acl.template: Redis ACL-file lines ("user NAME on @NAME@ ..."), the
#   password of user NAME written as the placeholder @NAME@; "#" lines are comments.
# PASSWORD_DIR/NAME: NAME's password (the Secret redis-users, mounted as files: one key per
#   user). At least 32 characters of A-Z a-z 0-9 . _ ~ - (they go into the services'
#   EVENTS_REDIS_URL unescaped): `openssl rand -hex 32` makes one.
# OUT_DIR/users.acl: the aclfile, each @NAME@ replaced by #<sha256 hex of the password>, so
#   no password is in clear there (OUT_DIR is a memory-backed emptyDir, not the data volume).
# OUT_DIR/replication.conf, with MASTERUSER: "masteruser MASTERUSER" and "masterauth
#   <its password>", which a cluster node's redis.conf includes to authenticate to its
#   primary (Redis needs that password in clear; it stays in memory, in OUT_DIR).
# Exits 1 naming the problem (a user without a password, a weak or malformed password, a
# user defined twice, no "user default off") and writes nothing then.
set -eu

if [ "$#" -lt 3 ] || [ "$#" -gt 4 ]; then
  echo "usage: render-acl.sh TEMPLATE_DIR PASSWORD_DIR OUT_DIR [MASTERUSER]" >&2
  exit 2
fi
templates="$1"
passwords="$2"
out="$3"
masteruser="${4:-}"
umask 077

fail() {
  echo "render-acl: $*" >&2
  rm -f "$out/users.acl.tmp" "$out/replication.conf.tmp"
  exit 1
}

# password_ok NAME: NAME's password file exists and holds a usable password.
password_ok() {
  file="$passwords/$1"
  [ -f "$file" ] || fail "no password for Redis user $1: add the key \"$1\" to the Secret redis-users (docs/deploy.md, step 4)"
  size="$(wc -c <"$file")"
  [ "$size" -ge 32 ] || fail "the password of Redis user $1 (Secret redis-users, key $1) has $size characters; it needs at least 32 (openssl rand -hex 32)"
  # Only URL-safe characters, and no newline (kubectl create secret --from-file keeps one).
  bad="$(tr -d 'A-Za-z0-9._~-' <"$file" | wc -c)"
  [ "$bad" -eq 0 ] || fail "the password of Redis user $1 (Secret redis-users, key $1) has $bad characters other than A-Z a-z 0-9 . _ ~ - (a newline at the end, perhaps): make it with openssl rand -hex 32 and store it with --from-literal or printf %s"
}

set -- "$templates"/*.acl.template
[ -f "$1" ] || fail "no *.acl.template in $templates"
# The templates without comments and blank lines (Redis's aclfile has neither).
cat "$@" | sed -e 's/^[[:space:]]*//' -e '/^#/d' -e '/^$/d' >"$out/users.acl.tmp"

dup="$(awk '$1 == "user" { print $2 }' "$out/users.acl.tmp" | sort | uniq -d | head -n 1)"
[ -z "$dup" ] || fail "Redis user $dup is defined twice in $templates/*.acl.template"
grep -q '^user default off\( \|$\)' "$out/users.acl.tmp" ||
  fail "no \"user default off\" line in $templates/*.acl.template: the default user must be off"
if grep -q '[[:space:]]nopass\([[:space:]]\|$\)' "$out/users.acl.tmp"; then
  fail "a user in $templates/*.acl.template has nopass: every user needs its @NAME@ password"
fi

for name in $(grep -o '@[A-Za-z0-9_.-]*@' "$out/users.acl.tmp" | tr -d @ | sort -u); do
  password_ok "$name"
  hash="$(sha256sum <"$passwords/$name" | cut -c1-64)"
  sed -i "s/@$name@/#$hash/g" "$out/users.acl.tmp"
done

if [ -n "$masteruser" ]; then
  grep -q "^user $masteruser " "$out/users.acl.tmp" || fail "the masteruser $masteruser is not a user of $templates/*.acl.template"
  password_ok "$masteruser"
  { echo "masteruser $masteruser"; printf 'masterauth %s\n' "$(cat "$passwords/$masteruser")"; } >"$out/replication.conf.tmp"
  mv "$out/replication.conf.tmp" "$out/replication.conf"
fi
mv "$out/users.acl.tmp" "$out/users.acl"
echo "render-acl: wrote $out/users.acl ($(grep -c '^user ' "$out/users.acl") users)${masteruser:+ and $out/replication.conf (masteruser $masteruser)}"
