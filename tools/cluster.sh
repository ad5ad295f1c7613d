#!/usr/bin/env bash
# A local TextGameGen cluster on this machine: Redis (membership, and grain state unless --postgres), optionally
# PostgreSQL (grain state and ratings), N silos and M front ends, each its own process, as on several machines.
#
#   tools/cluster.sh start [--silos 3] [--fronts 2] [--postgres] [--game-only-silos 0] [--no-build]
#   tools/cluster.sh status
#   tools/cluster.sh kill-silo N      # kill -9: a crash, nothing flushed or handed over
#   tools/cluster.sh stop-silo N      # a graceful stop
#   tools/cluster.sh start-silo N
#   tools/cluster.sh stop             # everything, data kept in artifacts/cluster (start again continues the stories)
#   tools/cluster.sh clean            # stop and delete the data
#
# Front ends listen on http://127.0.0.1:5001, 5002, ... (metrics at /metrics); silos serve their metrics on 9464, 9465,
# ...; the GM key is in artifacts/cluster/gm-key. Ports can be moved with TGG_REDIS_PORT, TGG_PG_PORT, TGG_SILO_PORT,
# TGG_GATEWAY_PORT, TGG_FRONT_PORT, TGG_METRICS_PORT (the first of each).
# Run it from anywhere: it works in the repository's root, where the silos find models/ and worlds/.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=artifacts/cluster
REDIS_PORT=${TGG_REDIS_PORT:-6390}
PG_PORT=${TGG_PG_PORT:-5440}
SILO_PORT=${TGG_SILO_PORT:-11111}
GATEWAY_PORT=${TGG_GATEWAY_PORT:-30000}
FRONT_PORT=${TGG_FRONT_PORT:-5001}
METRICS_PORT=${TGG_METRICS_PORT:-9464}
SILO_DLL=Silo/bin/Release/net10.0/TextGameGen.Silo.dll
FRONT_DLL=WebFront/bin/Release/net10.0/TextGameGen.WebFront.dll

say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }
alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
setting() { cat "$STATE/$1" 2>/dev/null || echo "$2"; }
is_root() { [[ $(id -u) == 0 ]]; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_postgres() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

wait_for() { # description, seconds, command...
  local what=$1 seconds=$2; shift 2
  for ((i = 0; i < seconds * 4; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.25; done
  die "$what did not come up within ${seconds} s (logs in $STATE/)"
}

start_redis() {
  alive "$STATE/redis.pid" && return
  command -v redis-server >/dev/null || die "redis-server is not installed (apt-get install redis-server)"
  mkdir -p "$STATE/redis"
  # appendfsync always: a write Redis acknowledged is on disk (the durability the README's table states).
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" --appendonly yes --appendfsync always \
    --save "" --protected-mode no --daemonize no >"$STATE/redis.log" 2>&1 &
  echo $! >"$STATE/redis.pid"
  wait_for "redis-server" 20 redis-cli -p "$REDIS_PORT" ping
  say "redis-server on 127.0.0.1:$REDIS_PORT (append-only file, fsync on every write) pid $(cat "$STATE/redis.pid")"
}

start_postgres() {
  local bin data
  bin=$(pg_bin) && [[ -n $bin ]] || die "PostgreSQL is not installed (apt-get install postgresql)"
  data=$(setting pg-data "")
  if [[ -z $data || ! -d $data ]]; then
    # PostgreSQL refuses to run as root: as root its folder belongs to the postgres user, outside this checkout.
    data=$(mktemp -d "${TMPDIR:-/tmp}/tgg-cluster-pg.XXXXXX")
    is_root && chown postgres:postgres "$data"
    as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 >"$STATE/postgres-init.log"
    echo "$data" >"$STATE/pg-data"
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_postgres "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PORT -k $data -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null
  fi
  "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='textgamegen'" | grep -q 1 ||
    "$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "CREATE DATABASE textgamegen"
  say "PostgreSQL on 127.0.0.1:$PG_PORT, data in $data (fsync and synchronous_commit on: a commit is on disk)"
}

cluster_env() { # the settings every silo and front end shares
  export TextGameGen__Cluster__Provider=Redis
  export TextGameGen__Cluster__ConnectionString="127.0.0.1:$REDIS_PORT"
  export TextGameGen__Cluster__ClusterId=local
  export TextGameGen__Cluster__ServiceId=textgamegen
  export TextGameGen__Hosting__GmKey="$(cat "$STATE/gm-key")"
  if [[ $(setting storage Redis) == Postgres ]]; then
    export TextGameGen__Cluster__Storage=Postgres
    export TextGameGen__Cluster__StorageConnectionString="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=textgamegen;Maximum Pool Size=50"
  else
    export TextGameGen__Cluster__Storage=Redis
  fi
  export Logging__LogLevel__Default=Warning Logging__LogLevel__TextGameGen=Information
}

start_silo() {
  local n=$1
  alive "$STATE/silo-$n.pid" && { say "silo $n is running"; return; }
  (
    cluster_env
    export TextGameGen__Cluster__SiloPort=$((SILO_PORT + n)) TextGameGen__Cluster__GatewayPort=$((GATEWAY_PORT + n))
    export Orleans__Name="silo-$n" TextGameGen__Metrics__Port=$((METRICS_PORT + n))
    # the first --game-only-silos silos serve no model: they hold game grains and send passages to the others
    ((n < $(setting game-only 0))) && export TextGameGen__Inference__Enabled=false
    exec env Logging__LogLevel__Microsoft.Hosting.Lifetime=Information Logging__LogLevel__Orleans.Runtime.MembershipService=Information dotnet "$SILO_DLL" >>"$STATE/silo-$n.log" 2>&1
  ) &
  echo $! >"$STATE/silo-$n.pid"
  wait_for "silo $n" 120 grep -q "Silo started\|Application started" "$STATE/silo-$n.log"
  say "silo $n: silo port $((SILO_PORT + n)), gateway $((GATEWAY_PORT + n)), metrics http://127.0.0.1:$((METRICS_PORT + n))/metrics, pid $(cat "$STATE/silo-$n.pid")"
}

start_front() {
  local n=$1 port=$((FRONT_PORT + n))
  alive "$STATE/front-$n.pid" && return
  (
    cluster_env
    export TextGameGen__Hosting__Mode=Client TextGameGen__Hosting__SignInsPerMinute=100000
    export ASPNETCORE_URLS="http://127.0.0.1:$port"
    exec dotnet "$FRONT_DLL" >>"$STATE/front-$n.log" 2>&1
  ) &
  echo $! >"$STATE/front-$n.pid"
  wait_for "front end $n" 60 curl -sf "http://127.0.0.1:$port/healthz"
  say "front end $n: http://127.0.0.1:$port pid $(cat "$STATE/front-$n.pid")"
}

stop_pid() { # pid file, signal
  alive "$1" || { rm -f "$1"; return; }
  local pid; pid=$(cat "$1")
  kill "-$2" "$pid" 2>/dev/null || true
  for ((i = 0; i < 120 && $(kill -0 "$pid" 2>/dev/null && echo 1 || echo 0); i++)); do sleep 0.25; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$1"
}

status() {
  for f in "$STATE"/*.pid; do
    [[ -e $f ]] || continue
    local name; name=$(basename "$f" .pid)
    if alive "$f"; then echo "$name: running (pid $(cat "$f"))"; else echo "$name: not running"; fi
  done
  [[ -f $STATE/pg-data ]] && { as_postgres "$(pg_bin)/pg_ctl" -D "$(cat "$STATE/pg-data")" status >/dev/null 2>&1 && echo "postgres: running" || echo "postgres: not running"; }
  alive "$STATE/redis.pid" && echo "members in Redis: $(redis-cli -p "$REDIS_PORT" --no-raw keys '*' | wc -l) keys" || true
}

command=${1:-}; shift || true
mkdir -p "$STATE"
case $command in
  start)
    silos=3 fronts=2 build=1
    while (($#)); do
      case $1 in
        --silos) silos=$2; shift ;;
        --fronts) fronts=$2; shift ;;
        --postgres) echo Postgres >"$STATE/storage" ;;
        --game-only-silos) echo "$2" >"$STATE/game-only"; shift ;;
        --no-build) build=0 ;;
        *) die "unknown option $1" ;;
      esac
      shift
    done
    [[ -f $STATE/storage ]] || echo Redis >"$STATE/storage"
    [[ -f $STATE/gm-key ]] || head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$STATE/gm-key"
    ((build)) && { say "building (Release)"; dotnet build -c Release Silo >/dev/null && dotnet build -c Release WebFront >/dev/null; }
    start_redis
    [[ $(setting storage Redis) == Postgres ]] && start_postgres
    for ((n = 0; n < silos; n++)); do start_silo "$n"; done
    for ((n = 0; n < fronts; n++)); do start_front "$n"; done
    say "ready: $(for ((n = 0; n < fronts; n++)); do printf 'http://127.0.0.1:%d ' $((FRONT_PORT + n)); done)(GM key: $STATE/gm-key)"
    ;;
  kill-silo) stop_pid "$STATE/silo-${1:?silo number}.pid" KILL; say "silo $1 killed" ;;
  stop-silo) stop_pid "$STATE/silo-${1:?silo number}.pid" TERM; say "silo $1 stopped" ;;
  start-silo) start_silo "${1:?silo number}" ;;
  status) status ;;
  stop | clean)
    for f in "$STATE"/front-*.pid "$STATE"/silo-*.pid; do [[ -e $f ]] && stop_pid "$f" TERM; done
    stop_pid "$STATE/redis.pid" TERM
    if [[ -f $STATE/pg-data ]]; then as_postgres "$(pg_bin)/pg_ctl" -D "$(cat "$STATE/pg-data")" -m fast stop >/dev/null 2>&1 || true; fi
    if [[ $command == clean ]]; then
      [[ -f $STATE/pg-data ]] && rm -rf "$(cat "$STATE/pg-data")"
      rm -rf "$STATE"
      say "stopped; data deleted"
    else
      say "stopped; data kept in $STATE"
    fi
    ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
