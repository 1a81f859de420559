#!/usr/bin/env bash
# Two builds compared on distinct URLs, interleaved: A, then B, then A again… for ROUNDS rounds, on
# the database bench/distinct.sh left in WORK (SQLite, or PostgreSQL with DBS=postgres). Single 5-second runs on a 2-core machine
# spread by ±15% and more, so what counts is the median of several rounds, and beside the
# requests a second, the server's CPU time a request (utime + stime from /proc/PID/stat, divided
# by the requests wrk saw answered), which moves less with what else the machine is doing.
#
#   A=target/release/gongkai B=target/dist/gongkai bench/ab.sh
#   A=/tmp/old/gongkai B=/tmp/new/gongkai ROUNDS=3 KINDS=list CACHE=1000 bench/ab.sh
#
# Environment: A, B (the two binaries), WORK and N (as given to bench/distinct.sh; default
# /tmp/gongkai-distinct and 100000), ROUNDS (5), KINDS ("item list search", the modes of
# bench/distinct.lua), CACHE (--page-cache: off, the default, or milliseconds), DUR (5s), PORT,
# DBS (sqlite, the default, or postgres: the gk_distinct_N database at PG_URL, as distinct.sh
# made it; PG_URL defaults to postgres://postgres@127.0.0.1:5432).
# Both builds must be able to open the database: a build older than its migrations cannot.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.."
A=${A:?"A=第一个程序的路径"}
B=${B:?"B=第二个程序的路径"}
WORK=${WORK:-/tmp/gongkai-distinct}
N=${N:-100000}
ROUNDS=${ROUNDS:-5}
KINDS=${KINDS:-item list search}
CACHE=${CACHE:-off}
DUR=${DUR:-5s}
PORT=${PORT:-18193}
DBS=${DBS:-sqlite}
DB="$WORK/distinct-$N.db"
case "$DBS" in
  sqlite) URL="sqlite://$DB" ;;
  postgres) URL="${PG_URL:-postgres://postgres@127.0.0.1:5432}/gk_distinct_$N" ;;
  *) echo "ab: DBS=sqlite 或 DBS=postgres" >&2; exit 2 ;;
esac

die() { echo "ab: $*" >&2; exit 2; }
for tool in wrk curl python3; do command -v "$tool" >/dev/null || die "需要 $tool"; done
for bin in "$A" "$B"; do [ -x "$bin" ] || die "找不到程序 $bin"; done
[ -f "$WORK/$DBS-$N.loaded" ] || die "$DBS 上还没有数据：先运行 WORK=$WORK N=$N DBS=$DBS bench/distinct.sh"
curl -fs -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && die "端口 $PORT 已被占用；请设置 PORT"
TICK=$(getconf CLK_TCK)
RESULTS=$(mktemp)
PID=
trap '[ -z "$PID" ] || kill "$PID" 2>/dev/null; rm -f "$RESULTS"' EXIT

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# one LABEL BIN: serves the database with BIN and runs every kind once, appending
# "LABEL KIND REQ/S CPU-µs" lines to RESULTS.
one() {
  local label=$1 bin=$2
  GONGKAI_LOG=warn GONGKAI_DATABASE_URL="$URL" \
    GONGKAI_AUDIT_KEY_FILE="$WORK/audit-$DBS-$N.key" GONGKAI_SEARCH_DIR="$WORK/search-$DBS-$N" \
    "$bin" serve --listen "127.0.0.1:$PORT" --insecure-cookies --no-submission-limits \
    --page-cache "$CACHE" >"$WORK/ab-server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
    kill -0 "$PID" 2>/dev/null || die "$bin 未能启动：$(tail -3 "$WORK/ab-server.log")"
    sleep 0.2
  done
  for kind in $KINDS; do
    wrk -t2 -c32 -d2s -s bench/distinct.lua "http://127.0.0.1:$PORT" -- "$kind" "$WORK" >/dev/null
    local before after out
    before=$(cpu "$PID")
    out=$(wrk -t2 -c32 -d"$DUR" -s bench/distinct.lua "http://127.0.0.1:$PORT" -- "$kind" "$WORK")
    after=$(cpu "$PID")
    local served rps
    served=$(awk '/requests in/ {print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    grep -q "Non-2xx" <<<"$out" && echo "ab: $label $kind: 有非 2xx/3xx 的回答" >&2
    echo "$label $kind $rps $(python3 -c "print(round(($after - $before) / $TICK * 1e6 / $served, 1))")" \
      | tee -a "$RESULTS" >&2
  done
  kill "$PID"
  wait "$PID" 2>/dev/null || true
  PID=
}

for r in $(seq 1 "$ROUNDS"); do
  echo "ab: round $r of $ROUNDS" >&2
  one A "$A"
  one B "$B"
done

python3 - "$RESULTS" "$A" "$B" "$KINDS" "$ROUNDS" "$CACHE" "$DBS" <<'PY'
import statistics, sys
path, a, b, kinds, rounds, cache, dbs = sys.argv[1:]
runs = {}
for line in open(path):
    label, kind, rps, us = line.split()
    runs.setdefault((label, kind), []).append((float(rps), float(us)))
print(f"A = {a}\nB = {b}\n{dbs}, {rounds} rounds, interleaved, page cache {cache}; medians (CPU: gongkai's own, not the database server's)\n")
print("| case | A req/s | B req/s | B/A | A CPU µs/request | B CPU µs/request | B/A |")
print("|---|---:|---:|---:|---:|---:|---:|")
for kind in kinds.split():
    ra = statistics.median(r for r, _ in runs[("A", kind)])
    rb = statistics.median(r for r, _ in runs[("B", kind)])
    ua = statistics.median(u for _, u in runs[("A", kind)])
    ub = statistics.median(u for _, u in runs[("B", kind)])
    print(f"| {kind} | {ra:,.0f} | {rb:,.0f} | {rb / ra - 1:+.0%} | {ua:.1f} | {ub:.1f} | {ub / ua - 1:+.0%} |")
PY
