#!/usr/bin/env bash
# Portal and search benchmark (issue 4). Loads N items (default 100,000) of the shared corpus
# (../shared/bench/gen_dataset.py) into a fresh SQLite database, serves it with the release build,
# and runs wrk (2 threads, 32 connections) against a list page, an item page and a search — and, in
# the same run, against nginx serving saved copies of the same three pages as static files.
# Prints a Markdown table. Needs python3, wrk and nginx (apt-get install wrk nginx).
#
#   bench/portal.sh                 # 100,000 items, 15 s per run
#   N=10000 DUR=5s bench/portal.sh  # quicker
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
source bench/lib.sh
N=${N:-100000}
DUR=${DUR:-15s}
WORK=${WORK:-/tmp/gongkai-bench}
PORT=${PORT:-18181}
STATIC_PORT=${STATIC_PORT:-18182}
BIN=${GONGKAI_BIN:-${CARGO_TARGET_DIR:-target}/release/gongkai}
[ -x "$BIN" ] || cargo build --release -p gongkai
for tool in wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "需要 $tool（apt-get install wrk nginx python3）" >&2; exit 2; }
done
mkdir -p "$WORK/static"
[ -s "$WORK/docs-$N.jsonl" ] || python3 ../shared/bench/gen_dataset.py --docs "$N" --out "$WORK/docs-$N.jsonl"
export GONGKAI_DATABASE_URL="sqlite://$WORK/bench-$N.db"
export GONGKAI_LOG=warn
if [ ! -s "$WORK/bench-$N.db" ]; then
  "$BIN" demo >/dev/null
  echo "loading $N items…" >&2
  "$BIN" items import --agency yiyuan-xili "$WORK/docs-$N.jsonl" >&2
  "$BIN" search reindex >&2
fi
SERVER=
start() { # page-cache setting
  [ -z "$SERVER" ] || { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
  "$BIN" serve --listen "127.0.0.1:$PORT" --insecure-cookies --no-submission-limits --page-cache "$1" \
    --admin-password-file <(echo 'Bench-password-2026') >/dev/null 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
}
NGINX_CONF="$WORK/nginx.conf"
cleanup() { [ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true; nginx -c "$NGINX_CONF" -s stop 2>/dev/null || true; }
trap cleanup EXIT
start 1000

enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
ITEM_ID=$(( N / 2 ))
declare -A URL=(
  [list]="/agencies/yiyuan-xili/items?category=$(enc 政府会议)&page=3"
  [item]="/agencies/yiyuan-xili/items/$ITEM_ID"
  [search]="/search?q=$(enc 乡村振兴)"
)
for page in list item search; do
  curl -fs "http://127.0.0.1:$PORT${URL[$page]}" -o "$WORK/static/$page.html"
done
static_nginx "$NGINX_CONF" "$WORK" "$STATIC_PORT"

run() { # url -> "requests/s p99" (after a 2-second warm-up run whose figures are dropped)
  wrk -t2 -c32 -d2s "$1" >/dev/null
  wrk -t2 -c32 -d"$DUR" --latency "$1" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = $2 }
    END { print rps, p99 }'
}
declare -A NGINX
for page in list item search; do
  NGINX[$page]=$(run "http://127.0.0.1:$STATIC_PORT/$page.html")
done
echo "| page | page cache | gongkai req/s | gongkai p99 | nginx (static copy) req/s | nginx p99 | gongkai / nginx |"
echo "|---|---|---|---|---|---|---|"
# With the page cache (the default: pages kept until the database changes), then without it
# (every request queries the database and renders: the cost of a page nobody asked for lately).
for cache in 1000 off; do
  start "$cache"
  for page in list item search; do
    read -r g_rps g_p99 < <(run "http://127.0.0.1:$PORT${URL[$page]}")
    read -r n_rps n_p99 <<<"${NGINX[$page]}"
    ratio=$(python3 -c "print(f'{100*float(\"$g_rps\")/float(\"$n_rps\"):.0f}%')")
    echo "| $page (${URL[$page]}) | $cache | $g_rps | $g_p99 | $n_rps | $n_p99 | $ratio |"
  done
done
