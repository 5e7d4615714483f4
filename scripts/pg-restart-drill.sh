#!/usr/bin/env bash
# PostgreSQL restart under load, on a throwaway cluster (never the shared one):
# the portal is started on it, four clients hit /healthz and a pay page while
# PostgreSQL is stopped for OUTAGE seconds and started again; prints how many
# answers of each status came back, the slowest one, and whether the portal
# answered 200 again without a restart.
#
#   scripts/pg-restart-drill.sh [target/debug/quittance]
#
# Needs root (initdb and pg_ctl run as the postgres user) and PostgreSQL 15's
# binaries; builds nothing (run `cargo build --features ssr` first).
set -euo pipefail
BIN=${1:-target/debug/quittance}
PG=/usr/lib/postgresql/15/bin
PORT=${DRILL_PG_PORT:-55432}
HTTP=${DRILL_HTTP_PORT:-38517}
OUTAGE=${OUTAGE:-5}
DIR=$(mktemp -d /tmp/quittance-drill.XXXXXX)
chown postgres "$DIR"
pg() { runuser -u postgres -- "$PG/$@"; }
cleanup() {
  [[ -n ${SERVER:-} ]] && kill "$SERVER" 2>/dev/null || true
  pg pg_ctl -D "$DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

pg initdb -D "$DIR/data" --auth=trust -U postgres >/dev/null
start_pg() { pg pg_ctl -D "$DIR/data" -l "$DIR/pg.log" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" -w start >/dev/null; }
start_pg
pg createdb -h 127.0.0.1 -p "$PORT" -U postgres quittance_drill

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/quittance_drill"
export LEPTOS_SITE_ADDR="127.0.0.1:$HTTP" OUTBOX_WORKER=off DB_ACQUIRE_TIMEOUT_MS=1000 RUST_LOG=warn
PAY=$("$BIN" seed-demo | grep -o '/pay/[0-9a-f]*' | head -1)
"$BIN" serve >"$DIR/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$HTTP/healthz" >/dev/null && break; sleep 0.2; done

load() {  # one client: PATH, until the file $DIR/stop exists
  while [[ ! -e $DIR/stop ]]; do
    curl -s -o /dev/null -m 30 -w "%{http_code} %{time_total}\n" "http://127.0.0.1:$HTTP$1" || echo "000 30"
  done >>"$DIR/answers.$2"
}
CLIENTS=()
load /healthz 1 & CLIENTS+=($!)
load "$PAY" 2 & CLIENTS+=($!)
load "$PAY" 3 & CLIENTS+=($!)
load /healthz 4 & CLIENTS+=($!)
sleep 3
echo "stopping PostgreSQL for ${OUTAGE}s"
pg pg_ctl -D "$DIR/data" -m fast -w stop >/dev/null
sleep "$OUTAGE"
start_pg
echo "PostgreSQL started again"
sleep 5
touch "$DIR/stop"
wait "${CLIENTS[@]}"

cat "$DIR"/answers.* | awk '{n[$1]++; if ($2 > max) max = $2} END {for (s in n) printf "status %s: %d answers\n", s, n[s]; printf "slowest answer: %.3f s\n", max}'
tail -n 20 "$DIR"/answers.2 | awk '{print $1}' | sort | uniq -c | sed 's/^/last answers of the pay page: /'
if curl -sf "http://127.0.0.1:$HTTP$PAY" >/dev/null; then echo "recovered without a restart: yes"; else echo "recovered without a restart: NO"; exit 1; fi
