#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use answers at the URL given (default: the
# local server, user postgres). If nothing listens there, installs Debian's
# postgresql when missing, starts its cluster and gives the postgres user the
# URL's password. Fails loudly: the PostgreSQL tests never skip.
set -euo pipefail
url=${1:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
hostport=${url#*@}; hostport=${hostport%%/*}
host=${hostport%%:*}; port=${hostport##*:}; [ "$port" = "$hostport" ] && port=5432
creds=${url#*://}; creds=${creds%%@*}; password=${creds#*:}; [ "$password" = "$creds" ] && password=""

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }
if command -v pg_isready >/dev/null && ready; then exit 0; fi

if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
if ! command -v pg_ctlcluster >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "$SUDO" = none ]; then
    echo "error: PostgreSQL is needed for the tests and isn't installed: run  apt-get install postgresql" >&2; exit 1
  fi
  echo "==> installing PostgreSQL (Debian package postgresql)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
if [ "$SUDO" = none ]; then
  echo "error: PostgreSQL isn't answering on $host:$port; start it (pg_ctlcluster <version> main start)" >&2; exit 1
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  $SUDO pg_createcluster "$version" main >/dev/null
fi
echo "==> starting PostgreSQL $version"
$SUDO pg_ctlcluster "$version" main start || true
for _ in $(seq 30); do ready && break; sleep 1; done
ready || { echo "error: PostgreSQL $version did not start on $host:$port" >&2; exit 1; }
if [ -n "$password" ]; then
  $SUDO -u postgres psql -q -c "ALTER USER postgres PASSWORD '$password'" >/dev/null 2>&1 ||
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD '$password'\"" >/dev/null
fi
