#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and that the role `root` (superuser) and the
# database `test` exist, for the PostgreSQL pass of the test suite:
#   DATABASE_URL=postgresql://root@127.0.0.1:5432/test make test
# Starts the Debian cluster if it is down; installs Debian's postgresql first if there is none (needs root).
# PG_PORT and PG_CLUSTER (default 5432, main) exist to try this script on a spare cluster.
set -euo pipefail

HOST=127.0.0.1
PORT=${PG_PORT:-5432}
CLUSTER=${PG_CLUSTER:-main}
WAIT_SECONDS=${PG_WAIT_SECONDS:-60}
installed_here=0

log() { echo "postgres: $*"; }
die() { echo "postgres: ERROR: $*" >&2; exit 1; }

ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$HOST" -p "$PORT"; }

# Newest cluster version under /etc/postgresql (e.g. 15), empty if none.
cluster_version() { ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1; }

as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -n -u postgres sh -c "$1"; fi; }

if ready; then
  log "already accepting connections on $HOST:$PORT"
else
  if [ -z "$(cluster_version)" ] || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    [ "$(id -u)" -eq 0 ] || die "PostgreSQL is not installed and we are not root: apt-get install postgresql"
    log "not installed; installing Debian's postgresql (apt-get)..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
    installed_here=1
  fi
  version=$(cluster_version)
  [ -n "$version" ] || die "no cluster under /etc/postgresql after installing"
  if [ "$installed_here" -eq 1 ]; then
    # A throwaway CI server: let local TCP connections in without a password, as on the dev machines.
    hba=/etc/postgresql/$version/$CLUSTER/pg_hba.conf
    sed -i '/^# motcua-ci/,$d' "$hba"
    printf '# motcua-ci: trust local TCP (throwaway CI server)\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' \
      | cat - "$hba" >"$hba.new" && mv "$hba.new" "$hba" && chown postgres:postgres "$hba"
  fi
  log "starting cluster $version/$CLUSTER"
  # "already running" is fine: the loop below decides.
  pg_ctlcluster --skip-systemctl-redirect "$version" "$CLUSTER" start || true
  for ((i = 0; i < WAIT_SECONDS * 2; i++)); do
    ready && break
    sleep 0.5
  done
  ready || die "not accepting connections on $HOST:$PORT after ${WAIT_SECONDS}s (see /var/log/postgresql/)"
  # The package may have started the server before pg_hba.conf was edited.
  [ "$installed_here" -eq 0 ] || pg_ctlcluster --skip-systemctl-redirect "$version" "$CLUSTER" reload || true
  log "accepting connections on $HOST:$PORT"
fi

# The suite connects as root (superuser: it creates its database motcua_test and the role motcua_app).
if ! psql -w -h "$HOST" -p "$PORT" -U root -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  has_root=$(as_postgres "psql -p $PORT -d postgres -Atqc \"select 1 from pg_roles where rolname = 'root'\"") \
    || die "cannot reach the server as the postgres user (local socket, port $PORT)"
  if [ "$has_root" != 1 ]; then
    log "creating superuser role root"
    as_postgres "createuser -p $PORT -s root"
  fi
fi
if ! psql -w -h "$HOST" -p "$PORT" -U root -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  die "cannot connect as root to $HOST:$PORT without a password; allow it in pg_hba.conf (trust for 127.0.0.1)"
fi
if [ "$(psql -w -h "$HOST" -p "$PORT" -U root -d postgres -Atqc "select 1 from pg_database where datname = 'test'")" != 1 ]; then
  log "creating database test"
  psql -w -h "$HOST" -p "$PORT" -U root -d postgres -qc 'create database test'
fi
log "ready: postgresql://root@$HOST:$PORT/test"
