#!/usr/bin/env bash
# Starts, stops and reports the real servers the tests use — MariaDB, Redis, s3rver and PostgreSQL — on 127.0.0.1, with
# throwaway data directories and free ports, and writes their addresses to .testbed/services.json.
# Installs what is missing first (apt: MariaDB, Redis, PostgreSQL, chromium, CJK fonts, aiosmtpd for e-mail alert tests; npm: s3rver), idempotently.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BED="$ROOT/.testbed"
# Server data lives under /tmp, not in the clone: mysqld runs as user mysql, which may not traverse the clone's parents.
RUN="/tmp/backupconsole-testbed/$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
TOOLS="$BED/tools"
JSON="$BED/services.json"
S3RVER_VERSION=3.7.1
APT_PACKAGES=(mariadb-server mariadb-backup mariadb-client redis-server postgresql chromium fonts-noto-cjk python3-aiosmtpd)

log() { echo "test-services: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

install_missing() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$BED/apt.log" 2>&1 || { tail -20 "$BED/apt.log" >&2; die "apt-get install failed"; }
  fi
  if [[ ! -f "$TOOLS/node_modules/s3rver/bin/s3rver.js" ]]; then
    log "installing s3rver@$S3RVER_VERSION"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" "s3rver@$S3RVER_VERSION" --no-audit --no-fund --loglevel=error >&2
  fi
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  die "no free port found"
}

random_secret() { head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20; }

wait_for() { # name, seconds, command...
  local name=$1 seconds=$2
  shift 2
  for _ in $(seq 1 $((seconds * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.25
  done
  return 1
}

stop_pidfile() { # pidfile
  local pidfile=$1 pid
  [[ -f "$pidfile" ]] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop_all() {
  stop_pidfile "$RUN/mysqld/mariadb.pid"
  # postgres writes its pid file's first line itself; SIGTERM is its "smart" shutdown.
  [[ -f "$RUN/postgres/data/postmaster.pid" ]] && head -1 "$RUN/postgres/data/postmaster.pid" >"$RUN/postgres.pid" && stop_pidfile "$RUN/postgres.pid"
  stop_pidfile "$RUN/redis.pid"
  stop_pidfile "$RUN/s3rver.pid"
  rm -f "$JSON"
}

start_mariadb() {
  local port=$1 password=$2 backup_password=$3
  local datadir="$RUN/mariadb" socket="$RUN/mysqld/mariadb.sock"
  mkdir -p "$datadir" "$RUN/mysqld"
  chown -R mysql:mysql "$datadir" "$RUN/mysqld"
  chmod 755 /tmp/backupconsole-testbed "$RUN"
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db >"$RUN/mariadb-install.log" 2>&1 || { tail -20 "$RUN/mariadb-install.log" >&2; die "mariadb-install-db failed"; }
  nohup mariadbd --no-defaults --user=mysql --datadir="$datadir" --port="$port" --bind-address=127.0.0.1 \
    --socket="$socket" --pid-file="$RUN/mysqld/mariadb.pid" --log-bin="$datadir/binlog" --server-id=1 \
    --local-infile=ON --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --log-error="$RUN/mysqld/mariadb.log" >/dev/null 2>&1 &
  wait_for mariadb 60 mariadb-admin --no-defaults --socket="$socket" -uroot ping \
    || { tail -20 "$RUN/mysqld/mariadb.log" >&2; die "MariaDB did not start"; }
  mariadb --no-defaults --socket="$socket" -uroot <<SQL
ALTER USER 'root'@'localhost' IDENTIFIED BY '$password';
CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
CREATE USER 'backup'@'%' IDENTIFIED BY '$backup_password';
CREATE USER 'backup'@'localhost' IDENTIFIED BY '$backup_password';
GRANT ALL PRIVILEGES ON *.* TO 'backup'@'%' WITH GRANT OPTION;
GRANT ALL PRIVILEGES ON *.* TO 'backup'@'localhost' WITH GRANT OPTION;
FLUSH PRIVILEGES;
SQL
  [[ $? -eq 0 ]] || die "could not create the MariaDB test users"
  MARIADB_SOCKET=$socket
}

# PostgreSQL (a metadata store the console can use, X-6): initdb into a throwaway directory as the postgres
# account (the server refuses root), password authentication on loopback only.
start_postgres() {
  local port=$1 password=$2 bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  mkdir -p "$RUN/postgres"
  printf '%s\n' "$password" >"$RUN/postgres/pwfile"
  chown -R postgres:postgres "$RUN/postgres"
  runuser -u postgres -- "$bin/initdb" -D "$RUN/postgres/data" -U postgres --pwfile="$RUN/postgres/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$RUN/postgres-initdb.log" 2>&1 \
    || { tail -20 "$RUN/postgres-initdb.log" >&2; die "initdb failed"; }
  rm -f "$RUN/postgres/pwfile"
  runuser -u postgres -- nohup "$bin/postgres" -D "$RUN/postgres/data" -p "$port" -k "$RUN/postgres" \
    -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 >"$RUN/postgres.log" 2>&1 &
  wait_for postgres 60 runuser -u postgres -- "$bin/pg_isready" -h 127.0.0.1 -p "$port" \
    || { tail -20 "$RUN/postgres.log" >&2; die "PostgreSQL did not start"; }
}

start_redis() {
  local port=$1 password=$2
  mkdir -p "$RUN/redis"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$RUN/redis" --daemonize yes --save "" \
    --requirepass "$password" --enable-debug-command local \
    --pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log" >/dev/null
  wait_for redis 20 redis-cli -h 127.0.0.1 -p "$port" -a "$password" --no-auth-warning ping \
    || { tail -20 "$RUN/redis.log" >&2; die "Redis did not start"; }
}

start_s3rver() {
  local port=$1
  mkdir -p "$RUN/s3"
  # --openssl-legacy-provider: s3rver's paging tokens use DES, which Node 17+ disables (STACK.md pitfall 2).
  NODE_OPTIONS=--openssl-legacy-provider nohup node "$TOOLS/node_modules/s3rver/bin/s3rver.js" \
    -d "$RUN/s3" -a 127.0.0.1 -p "$port" --silent >"$RUN/s3rver.log" 2>&1 &
  echo $! >"$RUN/s3rver.pid"
  wait_for s3rver 30 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" \
    || { tail -20 "$RUN/s3rver.log" >&2; die "s3rver did not start"; }
}

start() {
  mkdir -p "$BED"
  install_missing
  stop_all
  rm -rf "$RUN"
  mkdir -p "$RUN"
  chmod 755 /tmp/backupconsole-testbed "$RUN"

  local mport rport sport pport root_pw backup_pw redis_pw pg_pw socket
  mport=$(free_port); rport=$(free_port); sport=$(free_port); pport=$(free_port)
  root_pw=$(random_secret); backup_pw=$(random_secret); redis_pw=$(random_secret); pg_pw=$(random_secret)

  start_mariadb "$mport" "$root_pw" "$backup_pw"
  socket=$MARIADB_SOCKET
  start_redis "$rport" "$redis_pw"
  start_s3rver "$sport"
  start_postgres "$pport" "$pg_pw"

  cat >"$JSON" <<JSON
{
  "mariadb": { "host": "127.0.0.1", "port": $mport, "user": "backup", "password": "$backup_pw",
               "rootPassword": "$root_pw", "socket": "$socket", "dataDir": "$RUN/mariadb",
               "binary": "$(command -v mariadbd)" },
  "redis": { "host": "127.0.0.1", "port": $rport, "password": "$redis_pw" },
  "postgres": { "host": "127.0.0.1", "port": $pport, "user": "postgres", "password": "$pg_pw" },
  "s3": { "serviceUrl": "http://127.0.0.1:$sport", "accessKey": "S3RVER", "secretKey": "S3RVER", "dataDir": "$RUN/s3",
          "script": "$TOOLS/node_modules/s3rver/bin/s3rver.js" },
  "chromium": "$(command -v chromium)"
}
JSON
  log "MariaDB 127.0.0.1:$mport, Redis 127.0.0.1:$rport, s3rver http://127.0.0.1:$sport, PostgreSQL 127.0.0.1:$pport; addresses in $JSON"
}

status() {
  local name pidfile
  for name in mariadb redis s3rver postgres; do
    pidfile="$RUN/$name.pid"; [[ $name == mariadb ]] && pidfile="$RUN/mysqld/mariadb.pid"
    [[ $name == postgres ]] && pidfile="$RUN/postgres/data/postmaster.pid"
    if [[ -f "$pidfile" ]] && kill -0 "$(head -1 "$pidfile")" 2>/dev/null; then
      echo "$name: running (pid $(head -1 "$pidfile"))"
    else
      echo "$name: stopped"
    fi
  done
  [[ -f "$JSON" ]] && cat "$JSON"
  return 0
}

case "${1:-}" in
  start) start ;;
  stop) stop_all; log "stopped" ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
