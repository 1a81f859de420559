#!/usr/bin/env bash
# Distinct-URL benchmark (issue 17), beside the repeated-URL bench/portal.sh. Loads N items
# (default 100,000) of the shared corpus (../shared/bench/gen_dataset.py) into SQLite and into
# PostgreSQL, serves each with the build a county runs (the dist profile), and runs wrk (2 threads ×
# 32 connections) with a Lua script (bench/distinct.lua) that draws every request's URL at random:
#   - distinct item pages: a random item id over the whole corpus;
#   - distinct list pages: a random category of the agency's catalogue, a random page number in it
#     (deep pages included);
#   - distinct two-word searches: two random words of a vocabulary taken from the corpus titles;
#   - the same with two words common in the bodies (each in nearly every item: the hardest case);
#   - varied searches: one to three words, about half narrowed by agency, category or year, sorted
#     by date or asked for a later page (bench/distinct.lua's `varied`);
#   - annual reports: a published year's page or one of its files, PDF included (`report`);
#   - the other pages a crawler walks: home, agency page, 公开指南, 主动公开目录, rules, feed,
#     sitemaps, contact (`site`);
# each with the page cache on (the default, 1000 ms) and off (--page-cache off). In the same run,
# nginx serves a static copy of one item page, for the ratio. After each server's runs its RSS is
# read from /proc. Then durable intake: POST /api/v1/requests from 16 concurrent clients
# (bench/intake.lua), counting the 201 answers, which the server gives only after the commit; then
# the same with the server killed (kill -9) halfway, checking that every acknowledged tracking
# code is in the database.
# Prints the load figures and one Markdown table with both databases.
#
#   bench/distinct.sh                          # 100,000 items, 15 s per run, SQLite and PostgreSQL
#   N=20000 DUR=5s bench/distinct.sh           # quicker
#   DBS=sqlite bench/distinct.sh               # one database only (sqlite, postgres)
#   CLEAN=1 bench/distinct.sh                  # drop the databases and indexes at the end
#   CACHES=1000 bench/distinct.sh              # page cache on only (default "1000 off": on, then off)
#
# Environment: N, DUR (wrk duration per run, in seconds: 5s), INTAKE_DUR (default DUR), DBS, CACHES,
# GONGKAI_SQLITE_SYNC (passed to the servers: full or normal), WORK (data folder,
# default /tmp/gongkai-distinct), PORT, STATIC_PORT, PG_URL (server URL without a database,
# default postgres://postgres@127.0.0.1:5432; the script creates and reuses gk_distinct_N),
# GONGKAI_BIN (the binary; default the dist build, as deploy/release.sh ships it, built if
# missing: about 9 minutes from clean on 2 cores), CLEAN=1.
# The loaded databases are kept (and reused by the next run with the same N) unless CLEAN=1.
# Needs python3, curl, wrk and nginx; psql for PostgreSQL (apt-get install wrk nginx postgresql-client).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
cd "$ROOT"
# shellcheck source=bench/lib.sh
source "$HERE/lib.sh"
N=${N:-100000}
DUR=${DUR:-15s}
INTAKE_DUR=${INTAKE_DUR:-$DUR}
DBS=${DBS:-sqlite postgres}
WORK=${WORK:-/tmp/gongkai-distinct}
PORT=${PORT:-18191}
STATIC_PORT=${STATIC_PORT:-18192}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
CHUNK=${CHUNK:-100000}
CACHES=${CACHES:-1000 off}
SLUG=yiyuan-xili
GEN="$ROOT/../shared/bench/gen_dataset.py"
BIN=${GONGKAI_BIN:-${CARGO_TARGET_DIR:-target}/dist/gongkai}

say() { echo "distinct: $*" >&2; }
die() { echo "distinct: $*" >&2; exit 2; }

need=(wrk nginx python3 curl split)
case " $DBS " in *" postgres "*) need+=(psql) ;; esac
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || die "需要 $tool（apt-get install wrk nginx python3 curl postgresql-client）"
done
[ -f "$GEN" ] || die "找不到语料生成器 $GEN"
if [ ! -x "$BIN" ]; then
  say "building the dist binary (as shipped)…"
  cargo build --profile dist --locked -p gongkai
fi
BIN=$(realpath "$BIN")
for db in $DBS; do
  case $db in sqlite | postgres) ;; *) die "DBS 只能包含 sqlite、postgres，收到“$db”" ;; esac
done
if [[ " $DBS " == *" postgres "* ]]; then
  psql "$PG_URL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1 \
    || die "无法连接 PostgreSQL（$PG_URL）；请设置 PG_URL 或 DBS=sqlite"
fi
if curl -fs -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null; then
  die "端口 $PORT 已被占用；请设置 PORT"
fi
mkdir -p "$WORK/static"
WORK=$(realpath "$WORK")
printf 'Bench-password-2026\n' >"$WORK/admin-password"

SERVER=
NGINX_CONF="$WORK/nginx.conf"
stop_server() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    SERVER=
  fi
}
cleanup() {
  stop_server
  [ -f "$WORK/nginx.pid" ] && nginx -c "$NGINX_CONF" -s stop 2>/dev/null || true
  rm -f "$WORK/chunk.jsonl"
  if [ "${CLEAN:-0}" = 1 ]; then
    say "CLEAN=1: removing the databases and indexes"
    rm -rf "$WORK"/distinct-"$N".db* "$WORK"/search-*-"$N" "$WORK"/*-"$N".loaded "$WORK"/audit-*-"$N".*
    if [[ " $DBS " == *" postgres "* ]]; then
      psql "$PG_URL/postgres" -Atqc "DROP DATABASE IF EXISTS gk_distinct_$N" >/dev/null 2>&1 || true
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The corpus: kept as a file up to 200,000 items (reused by later runs); streamed from the
# generator above that, so a million items never sit on disk as JSON.
corpus() {
  if [ -s "$WORK/docs-$N.jsonl" ]; then
    cat "$WORK/docs-$N.jsonl"
  elif [ "$N" -le 200000 ]; then
    python3 "$GEN" --docs "$N" --out "$WORK/docs-$N.jsonl.tmp"
    mv "$WORK/docs-$N.jsonl.tmp" "$WORK/docs-$N.jsonl"
    cat "$WORK/docs-$N.jsonl"
  else
    python3 "$GEN" --docs "$N"
  fi
}

now() { date +%s.%N; }
secs() { python3 -c "print(f'{float(\"$2\") - float(\"$1\"):.0f}')"; }
mb() { python3 -c "print(f'{int(\"$1\") / 1048576:,.0f} MB')"; }

# Per database: its URL, key file and search folder.
setup_db() { # sqlite|postgres
  DB=$1
  case $DB in
    sqlite) DB_URL="sqlite://$WORK/distinct-$N.db" ;;
    postgres) DB_URL="$PG_URL/gk_distinct_$N" ;;
  esac
  export GONGKAI_DATABASE_URL="$DB_URL"
  export GONGKAI_AUDIT_KEY_FILE="$WORK/audit-$DB-$N.key"
  export GONGKAI_SEARCH_DIR="$WORK/search-$DB-$N"
  export GONGKAI_LOG=warn
  LOADED="$WORK/$DB-$N.loaded"
}

db_bytes() {
  case $DB in
    sqlite) stat -c %s "$WORK/distinct-$N.db" ;;
    postgres) psql "$PG_URL/postgres" -Atqc "SELECT pg_database_size('gk_distinct_$N')" ;;
  esac
}

# Peak memory (bytes) of the commands timed into file $1, 0 without GNU time.
peak() { [ -s "$1" ] && sort -n "$1" | tail -1 | awk '{print $1 * 1024}' || echo 0; }

# Builds the search index anew with this binary; prints its figures (reindex_s, reindex_peak,
# index_bytes) for $LOADED.
build_index() {
  rm -rf "$GONGKAI_SEARCH_DIR" "$WORK/peak-reindex"
  local time=() r0 r1
  [ ! -x /usr/bin/time ] || time=(/usr/bin/time -f %M -a -o "$WORK/peak-reindex")
  r0=$(now)
  "${time[@]}" "$BIN" search reindex >/dev/null || die "$DB: search reindex failed"
  r1=$(now)
  echo "reindex_s=$(secs "$r0" "$r1")"
  echo "reindex_peak=$(peak "$WORK/peak-reindex")"
  echo "index_bytes=$(du -sb "$GONGKAI_SEARCH_DIR" | cut -f1)"
}

# Loads the corpus (demo agency, then the items in chunks of CHUNK lines, then the search index)
# unless an earlier run did; records the timings in $LOADED. A reused database gets its index
# built again by this binary: one built by another (another analyzer or schema) would be rebuilt
# by the server in the background, during the runs.
load() {
  if [ -s "$LOADED" ]; then
    say "$DB: reusing the database loaded by an earlier run ($LOADED); rebuilding the search index with this binary…"
    local figures
    figures=$(build_index)
    sed -i '/^reindex_s=\|^reindex_peak=\|^index_bytes=/d' "$LOADED"
    echo "$figures" >>"$LOADED"
    return
  fi
  case $DB in
    sqlite) rm -f "$WORK/distinct-$N.db" "$WORK/distinct-$N.db-wal" "$WORK/distinct-$N.db-shm" ;;
    postgres)
      psql "$PG_URL/postgres" -Atqc "DROP DATABASE IF EXISTS gk_distinct_$N" >/dev/null
      psql "$PG_URL/postgres" -Atqc "CREATE DATABASE gk_distinct_$N" >/dev/null
      ;;
  esac
  rm -rf "$GONGKAI_SEARCH_DIR" "$GONGKAI_AUDIT_KEY_FILE" "${GONGKAI_AUDIT_KEY_FILE%.key}.checkpoints"
  "$BIN" demo >/dev/null
  say "$DB: importing $N items…"
  rm -f "$WORK/imported" "$WORK/titles-$N.txt.tmp"
  # Peak memory of each command, when GNU time is there.
  PEAK=
  [ ! -x /usr/bin/time ] || PEAK="/usr/bin/time -f %M -a -o"
  rm -f "$WORK/peak-import"
  export BIN SLUG WORK N TITLES_WANTED PEAK
  TITLES_WANTED=$([ -s "$WORK/titles-$N.txt" ] && echo 0 || echo 1)
  local t0 t1
  t0=$(now)
  # split runs the filter once per chunk, one after the other; each chunk is one `items import`.
  corpus | split -l "$CHUNK" --filter='cat > "$WORK/chunk.jsonl" &&
      ${PEAK:+$PEAK "$WORK/peak-import"} "$BIN" items import --agency "$SLUG" "$WORK/chunk.jsonl" >/dev/null &&
      { [ "$TITLES_WANTED" = 0 ] || grep -o "\"title\":\"[^\"]*\"" "$WORK/chunk.jsonl" |
          cut -d"\"" -f4 >> "$WORK/titles-$N.txt.tmp"; } &&
      wc -l < "$WORK/chunk.jsonl" >> "$WORK/imported" || exit 1' \
    || die "$DB: import failed"
  local imported
  imported=$(awk '{s += $1} END {print s + 0}' "$WORK/imported")
  [ "$imported" = "$N" ] || die "$DB: imported $imported items, expected $N"
  [ "$TITLES_WANTED" = 0 ] || mv "$WORK/titles-$N.txt.tmp" "$WORK/titles-$N.txt"
  t1=$(now)
  say "$DB: building the search index…"
  local figures
  figures=$(build_index)
  {
    echo "import_s=$(secs "$t0" "$t1")"
    echo "import_peak=$(peak "$WORK/peak-import")"
    echo "db_bytes=$(db_bytes)"
    echo "$figures"
  } >"$LOADED"
}

start_server() { # page-cache setting
  stop_server
  "$BIN" serve --listen "127.0.0.1:$PORT" --insecure-cookies --no-submission-limits --page-cache "$1" \
    --admin-password-file "$WORK/admin-password" >>"$WORK/server-$DB.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 600); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
    kill -0 "$SERVER" 2>/dev/null || {
      tail -20 "$WORK/server-$DB.log" >&2
      die "$DB: the server exited (log: $WORK/server-$DB.log)"
    }
    sleep 0.1
  done
  die "$DB: the server did not answer /healthz within 60 s (log: $WORK/server-$DB.log)"
}

# The server's resident memory, and the part of it that is its own (RssAnon: the heap; the rest
# is files it maps — the search index — which the kernel can drop and read again).
rss() { awk '/^VmRSS/ {r = $2 * 1024} /^RssAnon/ {a = $2 * 1024} END {print r ":" a}' "/proc/$SERVER/status"; }
mbs() { # "rss:anon" -> "R MB (own A MB)"
  echo "$(mb "${1%%:*}") (own $(mb "${1##*:}"))"
}

# wrk for DUR after a 2-second warm-up whose figures are dropped; prints "req/s p99 non-2xx".
run() { # url [lua script args…]
  local url=$1
  shift
  local target=("$url")
  [ $# -eq 0 ] || target=(-s "$HERE/distinct.lua" "$url" -- "$@")
  wrk -t2 -c32 -d2s "${target[@]}" >/dev/null
  wrk -t2 -c32 -d"$DUR" --latency "${target[@]}" | awk '
    /Requests\/sec/ { rps = $2 }
    /^ +99%/ { p99 = $2 }
    /Non-2xx or 3xx responses/ { bad = $NF }
    END { printf "%s %s %d\n", rps, p99, bad }'
}

declare -A R # results: R[db,case,cache]="req/s p99 non-2xx"; R[db,rss,cache], R[db,intake], …

nginx_static() { # a saved item page, served by nginx
  static_nginx "$NGINX_CONF" "$WORK" "$STATIC_PORT"
}

bench_db() {
  setup_db "$1"
  load
  start_server 1000
  R[$DB,idle]=$(rss)
  python3 "$HERE/distinct_prepare.py" "http://127.0.0.1:$PORT" "$SLUG" "$WORK/titles-$N.txt" "$WORK" >"$WORK/prepare-$DB.txt"
  say "$DB: $(cat "$WORK/prepare-$DB.txt")"
  local mid
  mid=$(awk '{print int(($2 + $3) / 2)}' "$WORK/items.txt")
  curl -fs "http://127.0.0.1:$PORT/agencies/$SLUG/items/$mid" -o "$WORK/static/item.html"
  R[$DB,load]=$(uptime | sed 's/.*load average: //')
  say "$DB: nginx, static copy of one item page…"
  R[$DB,nginx]=$(run "http://127.0.0.1:$STATIC_PORT/item.html")
  for cache in $CACHES; do
    start_server "$cache"
    for c in item list search common varied report site; do
      say "$DB: distinct $c pages, page cache $cache…"
      R[$DB,$c,$cache]=$(run "http://127.0.0.1:$PORT" "$c" "$WORK")
    done
    R[$DB,rss,$cache]=$(rss)
  done
  say "$DB: durable intake, 16 clients…"
  start_server 1000
  local out
  out=$(wrk -t2 -c16 -d"$INTAKE_DUR" --latency -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$SLUG")
  R[$DB,intake]="$(sed -n 's/^acknowledged: .* = \([0-9.]*\)\/s.*/\1/p' <<<"$out") $(awk '/^ +99%/ {print $2}' <<<"$out") $(sed -n 's/.*other answers: \([0-9]*\).*/\1/p' <<<"$out")"
  R[$DB,intake_raw]=$(grep '^acknowledged' <<<"$out")
  say "$DB: durable intake, the server killed (kill -9) halfway…"
  start_server 1000
  rm -f "$WORK"/acked.*
  wrk -t2 -c16 -d"$INTAKE_DUR" -s "$HERE/intake.lua" "http://127.0.0.1:$PORT" -- "$SLUG" "$WORK/acked" >/dev/null 2>&1 &
  local load=$!
  sleep "$(python3 -c "print(float('${INTAKE_DUR%s}') / 2)")"
  kill -9 "$SERVER"
  wait "$SERVER" 2>/dev/null || true
  SERVER=
  wait "$load" 2>/dev/null || true
  cat "$WORK"/acked.* 2>/dev/null | sort -u >"$WORK/acked-$DB.txt"
  stored_codes | sort -u >"$WORK/stored-$DB.txt"
  R[$DB,killed]="$(wc -l <"$WORK/acked-$DB.txt") $(comm -23 "$WORK/acked-$DB.txt" "$WORK/stored-$DB.txt" | wc -l)"
}

# Every tracking code in the database (after a kill -9: what survived).
stored_codes() {
  case $DB in
    sqlite) python3 -c "import sqlite3, sys; [print(c) for (c,) in sqlite3.connect(sys.argv[1]).execute('SELECT tracking_code FROM requests WHERE tracking_code IS NOT NULL')]" "$WORK/distinct-$N.db" ;;
    postgres) psql "$DB_URL" -Atqc 'SELECT tracking_code FROM requests WHERE tracking_code IS NOT NULL' ;;
  esac
}

nginx_static
for db in $DBS; do bench_db "$db"; done

# The report.
label() { case $1 in sqlite) echo SQLite ;; postgres) echo PostgreSQL ;; esac; }
pct() { python3 -c "a, b = float('$1' or 0), float('$2' or 0); print(f'{100 * a / b:.1f}%' if b else '')"; }
echo
# The processor: the ratios to nginx move with the machine (the same code served item pages at
# 28–35% of nginx on one and 17–19% on another; bench/distinct-results.md).
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || true)
echo "N=$N items, wrk 2 threads × 32 connections, $DUR per run, $(nproc) cores (${CPU:-processor unknown}); $("$BIN" --version)"
echo
echo "| database | import | search index build | database size | index size | peak RSS import / index build | load average before the runs |"
echo "|---|---:|---:|---:|---:|---:|---|"
for db in $DBS; do
  # shellcheck disable=SC1090
  (source "$WORK/$db-$N.loaded" && echo "| $(label "$db") | ${import_s} s | ${reindex_s} s | $(mb "$db_bytes") | $(mb "$index_bytes") | $(mb "${import_peak:-0}") / $(mb "${reindex_peak:-0}") | ${R[$db,load]} |")
done
echo
head="| case | page cache |"
rule="|---|---|"
for db in $DBS; do
  head+=" $(label "$db") req/s | p99 | of nginx |"
  rule+="---:|---:|---:|"
done
echo "$head"
echo "$rule"
declare -A names
names=([item]="distinct item pages" [list]="distinct list pages" [search]="distinct two-word searches" [common]="distinct two-word searches, words common in the bodies" [varied]="distinct varied searches (1-3 words, filters, date order, later pages)" [report]="annual report pages and files (.md .html .json .docx .xlsx .pdf), published years" [site]="other public pages (home, agency, guide, catalogue, rules, feed, sitemaps, contact)")
bad_total=0
for c in item list search common varied report site; do
  for cache in $CACHES; do
    row="| ${names[$c]} | $([ "$cache" = off ] && echo off || echo "on (1000 ms)") |"
    for db in $DBS; do
      read -r rps p99 bad <<<"${R[$db,$c,$cache]}"
      read -r n_rps _ <<<"${R[$db,nginx]}"
      row+=" $rps | $p99 | $(pct "$rps" "$n_rps") |"
      bad_total=$((bad_total + bad))
    done
    echo "$row"
  done
done
row="| nginx, static copy of one item page | — |"
for db in $DBS; do
  read -r rps p99 _ <<<"${R[$db,nginx]}"
  row+=" $rps | $p99 | 100% |"
done
echo "$row"
row="| server RSS (own: heap, without mapped index files): idle, then after the runs with page cache $CACHES | |"
for db in $DBS; do
  row+=" $(mbs "${R[$db,idle]}")"
  for cache in $CACHES; do row+=" / $(mbs "${R[$db,rss,$cache]}")"; done
  row+=" | | |"
done
echo "$row"
row="| durable intake, 16 clients: acknowledged (201) requests/s | on |"
for db in $DBS; do
  read -r rps p99 other <<<"${R[$db,intake]}"
  row+=" $rps | $p99 | |"
  [ "${other:-0}" = 0 ] || say "$db intake: $other answers were not 201 (${R[$db,intake_raw]})"
done
echo "$row"
row="| durable intake, server killed (kill -9) halfway: acknowledged / lost | on |"
for db in $DBS; do
  read -r acked lost <<<"${R[$db,killed]}"
  row+=" $acked / $lost | | |"
done
echo "$row"
echo
for db in $DBS; do echo "- $(label "$db"): $(cat "$WORK/prepare-$db.txt")"; done
if [ "$bad_total" -gt 0 ]; then
  echo "- WARNING: $bad_total answers were not 2xx/3xx during the read runs (see wrk's Non-2xx count)"
else
  echo "- every read answer was 2xx/3xx"
fi
