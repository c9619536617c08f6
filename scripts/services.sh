#!/usr/bin/env bash
# Make PostgreSQL, Redis and Chromium available for the test suite.
# Uses the servers answering on 127.0.0.1:5432 and :6379 when there are any; otherwise starts
# throwaway ones under var/services (installing Debian's packages when missing). Never falls back
# to something else: if a server cannot be had, this fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SERVICES_DIR="$ROOT/var/services"
PG_PORT=5432
REDIS_PORT=6379

log() { echo "services: $*" >&2; }
die() { echo "services: $*" >&2; exit 1; }

apt_install() {
  [ "$(id -u)" = 0 ] || die "need root to install Debian packages: $*"
  if [ -z "${APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

postgres_answers() {
  if command -v pg_isready >/dev/null; then
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT"
  else
    (exec 3<>/dev/tcp/127.0.0.1/$PG_PORT) 2>/dev/null
  fi
}

redis_answers() {
  (exec 3<>/dev/tcp/127.0.0.1/$REDIS_PORT && printf 'PING\r\n' >&3 && head -c5 <&3 | grep -q PONG) 2>/dev/null
}

ensure_postgres() {
  postgres_answers && { log "PostgreSQL answers on 127.0.0.1:$PG_PORT"; return; }
  log "no PostgreSQL on 127.0.0.1:$PG_PORT; starting a throwaway one"
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  local bin data
  bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
  data="$SERVICES_DIR/postgres"
  mkdir -p "$SERVICES_DIR"
  if [ ! -s "$data/PG_VERSION" ]; then
    rm -rf "$data"; mkdir -p "$data"
    id postgres >/dev/null 2>&1 || useradd --system --home "$data" postgres
    chown postgres "$data"
    runuser -u postgres -- "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  runuser -u postgres -- "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-h 127.0.0.1 -p $PG_PORT -k /tmp" start >/dev/null
  postgres_answers || die "PostgreSQL did not start; see $data/server.log"
}

ensure_redis() {
  redis_answers && { log "Redis answers on 127.0.0.1:$REDIS_PORT"; return; }
  log "no Redis on 127.0.0.1:$REDIS_PORT; starting a throwaway one"
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p "$SERVICES_DIR"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --dir "$SERVICES_DIR" --logfile "$SERVICES_DIR/redis.log"
  for _ in $(seq 50); do redis_answers && return; sleep 0.1; done
  die "Redis did not start; see $SERVICES_DIR/redis.log"
}

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return
  log "installing Debian's chromium for the browser tests"
  apt_install chromium
}

ensure_postgres
ensure_redis
ensure_chromium
