#!/usr/bin/env bash
# Two gongkai servers on one PostgreSQL behind nginx (issue 17, "Done when"). Uses the site of
# deploy/nginx/gongkai.conf (TLS with a throw-away self-signed certificate, HTTP/2, gzip, brotli if
# the module is installed) with its upstream pointed at the two servers, and shows:
#   (a) a write through one server visible through the other within the page-cache period (the
#       agency's guide saved through B, read through A, and the other way round);
#   (b) a staff session working across both (signed in through A, the cookie used on B, and ten
#       back-office pages through nginx, which alternates between them);
#   (c) the throughput of one process vs two for distinct item pages (bench/distinct.lua) through
#       nginx, and of one process without nginx.
# Both servers start at the same moment with the same command line (but --listen and
# --search-dir), on a database that has no account yet, sharing one audit key file.
#
#   deploy/two-servers.sh                 # 20,000 items of the shared corpus, 10 s per wrk run
#   N=100000 DUR=15s deploy/two-servers.sh
#
# Environment: N, DUR, PG_URL (default postgres://postgres@127.0.0.1:5432; a database
# gk_two_servers_PID is created and dropped), WORK, GONGKAI_BIN (default the release build),
# PORT_A/PORT_B (18301/18302), HTTPS_PORT (18343), HTTP_PORT (18380), PAGE_CACHE (ms, default 1000),
# KEEP=1 (keep the database and files). Needs psql, nginx, wrk, openssl, curl, python3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
N=${N:-20000}
DUR=${DUR:-10s}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT_A=${PORT_A:-18301}
PORT_B=${PORT_B:-18302}
HTTPS_PORT=${HTTPS_PORT:-18343}
HTTP_PORT=${HTTP_PORT:-18380}
PAGE_CACHE=${PAGE_CACHE:-1000}
HOST=gongkai.example.gov.cn
SLUG=yiyuan-xili
GEN="$ROOT/../shared/bench/gen_dataset.py"
LUA="$ROOT/bench/distinct.lua"
BIN=${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/release/gongkai}

say() { echo "two-servers: $*" >&2; }
die() { echo "two-servers: $*" >&2; exit 1; }
for tool in psql nginx wrk openssl curl python3; do
  command -v "$tool" >/dev/null || die "需要 $tool（apt-get install nginx wrk openssl curl postgresql-client）"
done
[ -x "$BIN" ] || die "找不到 $BIN：先构建 cargo build --release -p gongkai，或设置 GONGKAI_BIN"
[ -f "$GEN" ] || die "找不到语料生成器 $GEN"
[ -f "$LUA" ] || die "找不到 $LUA"
psql "$PG_URL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1 || die "连不上 PostgreSQL（$PG_URL）"
BIN=$(realpath "$BIN")

WORK=${WORK:-$(mktemp -d /tmp/gongkai-two-servers.XXXXXX)}
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
DB="gk_two_servers_$$"
export GONGKAI_DATABASE_URL="$PG_URL/$DB"
export GONGKAI_AUDIT_KEY_FILE="$WORK/audit.key" # one key file for both servers
export GONGKAI_LOG=warn
A=
B=
cleanup() {
  for p in $A $B; do kill "$p" 2>/dev/null || true; done
  for p in $A $B; do wait "$p" 2>/dev/null || true; done
  [ ! -f "$WORK/nginx.pid" ] || nginx -c "$WORK/nginx.conf" -s stop 2>/dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then
    say "KEEP=1: kept $WORK and database $DB"
  else
    psql "$PG_URL/postgres" -Atqc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
ms() { python3 -c 'import time; print(int(time.time() * 1000))'; }

# --- the database: demo agency and N items, loaded by the command line -------------------------
psql "$PG_URL/postgres" -Atqc "CREATE DATABASE $DB" >/dev/null
say "loading the demo and $N items into $DB…"
"$BIN" demo >/dev/null
python3 "$GEN" --docs "$N" --out "$WORK/docs.jsonl"
"$BIN" items import --agency "$SLUG" "$WORK/docs.jsonl" >/dev/null
rm -f "$WORK/docs.jsonl"
# Each server has its own index; build one and copy it rather than have both build it while
# the throughput is measured.
"$BIN" search reindex --search-dir "$WORK/search-a" >/dev/null
cp -r "$WORK/search-a" "$WORK/search-b"
printf 'Two-servers-2026\n' >"$WORK/admin-password"

# --- two servers, started together, one command line -------------------------------------------
serve() { # port search-dir log
  "$BIN" serve --listen "127.0.0.1:$1" --search-dir "$2" --trust-forwarded-for \
    --page-cache "$PAGE_CACHE" --admin-password-file "$WORK/admin-password" >"$3" 2>&1 &
}
serve "$PORT_A" "$WORK/search-a" "$WORK/a.log"
A=$!
serve "$PORT_B" "$WORK/search-b" "$WORK/b.log"
B=$!
for port in "$PORT_A" "$PORT_B"; do
  for i in $(seq 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    kill -0 "$A" 2>/dev/null && kill -0 "$B" 2>/dev/null || { tail "$WORK"/a.log "$WORK"/b.log >&2; die "a server exited"; }
    [ "$i" -lt 300 ] || die "server on $port did not answer /healthz"
    sleep 0.1
  done
done
admins=$(psql "$PG_URL/$DB" -Atqc "SELECT COUNT(*) FROM users WHERE username = 'admin'")
say "both servers up (pids $A, $B); administrators created: $admins"
[ "$admins" = 1 ] || die "expected one administrator, found $admins"

# --- nginx: the deployment's site, rendered for this test ---------------------------------------
mkdir -p "$WORK/ssl" "$WORK/snippets" "$WORK/acme"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$HOST" \
  -keyout "$WORK/ssl/privkey.pem" -out "$WORK/ssl/fullchain.pem" 2>/dev/null
LOAD_BROTLI=
if [ -f /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so ]; then
  LOAD_BROTLI="load_module /usr/lib/nginx/modules/ngx_http_brotli_filter_module.so;"
  cp "$HERE/nginx/gongkai-brotli.conf" "$WORK/snippets/"
fi
site() { # upstream server lines
  sed -e "s#/etc/ssl/gongkai#$WORK/ssl#" -e "s#/etc/nginx/snippets#$WORK/snippets#" \
    -e "s#/var/log/nginx#$WORK#" -e "s#/var/www/acme#$WORK/acme#" \
    -e "s#listen 80#listen $HTTP_PORT#" -e "s#listen \[::\]:80#listen [::]:$HTTP_PORT#" \
    -e "s#listen 443#listen $HTTPS_PORT#" -e "s#listen \[::\]:443#listen [::]:$HTTPS_PORT#" \
    -e "/server 127.0.0.1:808[0-9]/d" \
    -e "s#^upstream gongkai {#upstream gongkai {\n$1#" \
    "$HERE/nginx/gongkai.conf"
}
both="    server 127.0.0.1:$PORT_A max_fails=3 fail_timeout=10s;\n    server 127.0.0.1:$PORT_B max_fails=3 fail_timeout=10s;"
only_a="    server 127.0.0.1:$PORT_A max_fails=3 fail_timeout=10s;"
site "$both" >"$WORK/site.conf"
cat >"$WORK/nginx.conf" <<CONF
$LOAD_BROTLI
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  include /etc/nginx/mime.types;
  include $WORK/site.conf;
}
CONF
nginx -t -c "$WORK/nginx.conf" 2>"$WORK/nginx-t.log" || { cat "$WORK/nginx-t.log" >&2; die "nginx -t failed"; }
nginx -c "$WORK/nginx.conf"
SITE="https://$HOST:$HTTPS_PORT"
C=(curl -sk --resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1")
proto=$("${C[@]}" -o /dev/null -w '%{http_version} %{http_code}' --http2 "$SITE/")
redirect=$("${C[@]}" -o /dev/null -w '%{http_code} %{redirect_url}' "http://$HOST:$HTTP_PORT/search?q=x")
gz=$("${C[@]}" -o /dev/null -D - -H 'Accept-Encoding: gzip' "$SITE/assets/site.css" | tr -d '\r' | sed -n 's/^content-encoding: //Ip')
br=$("${C[@]}" -o /dev/null -D - -H 'Accept-Encoding: br' "$SITE/assets/site.css" | tr -d '\r' | sed -n 's/^content-encoding: //Ip')
stranger=$(curl -sk -o /dev/null -w '%{http_code}' "https://127.0.0.1:$HTTPS_PORT/" || true)
say "nginx: HTTP/$proto over TLS; plain HTTP → $redirect; site.css with gzip: ${gz:-none}, with br: ${br:-none (no brotli module)}; unknown Host → ${stranger} (000 = connection closed)"

# --- (b) one session, two servers ----------------------------------------------------------------
cookie_of() { tr -d '\r' | sed -n "s/^set-cookie: $1=\([^;]*\).*/\1/Ip" | tail -1; }
csrf_of() { sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1; }
login_page=$(curl -s -D - "http://127.0.0.1:$PORT_A/admin/login")
pre=$(cookie_of __Host-gongkai_csrf <<<"$login_page")
[ -n "$pre" ] || die "no __Host-gongkai_csrf cookie from A's sign-in page"
answer=$(curl -s -o /dev/null -D - -H "Cookie: __Host-gongkai_csrf=$pre" \
  --data-urlencode "csrf=$pre" --data-urlencode username=admin \
  --data-urlencode "password=$(cat "$WORK/admin-password")" \
  "http://127.0.0.1:$PORT_A/admin/login")
SESSION=$(cookie_of __Host-gongkai_session <<<"$answer")
[ -n "$SESSION" ] || die "signing in through A gave no session: $answer"
on_b=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: __Host-gongkai_session=$SESSION" "http://127.0.0.1:$PORT_B/admin")
on_b_name=$(curl -s -H "Cookie: __Host-gongkai_session=$SESSION" "http://127.0.0.1:$PORT_B/admin" | grep -c '系统管理员\|admin' || true)
[ "$on_b" = 200 ] || die "the session from A is not accepted by B (HTTP $on_b)"
through=0
for _ in $(seq 10); do
  code=$("${C[@]}" -o /dev/null -w '%{http_code}' -H "Cookie: __Host-gongkai_session=$SESSION" "$SITE/admin")
  [ "$code" != 200 ] || through=$((through + 1))
done
say "(b) signed in through A; B answers /admin with $on_b (account shown: $([ "$on_b_name" -gt 0 ] && echo yes || echo no)); through nginx $through/10 back-office pages answered 200"

# --- (a) a write through one, seen through the other --------------------------------------------
# Saves the guide through server $1 and polls the public guide page on server $2 (already in its
# page cache) until the new text shows; prints the milliseconds from the write's answer.
write_then_read() { # write-port read-port
  local w=$1 r=$2 marker csrf code t0 t1
  marker="两台服务器验证标记-$(date +%s%N)"
  curl -fs -o /dev/null "http://127.0.0.1:$r/agencies/$SLUG/guide"
  curl -fs -o /dev/null "http://127.0.0.1:$r/agencies/$SLUG/guide" # now in r's page cache
  csrf=$(curl -s -H "Cookie: __Host-gongkai_session=$SESSION" "http://127.0.0.1:$w/admin/agencies/$SLUG/guide" | csrf_of)
  [ -n "$csrf" ] || die "no CSRF token on the guide editor of $w"
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: __Host-gongkai_session=$SESSION" \
    --data-urlencode "csrf=$csrf" --data-urlencode "office=西里镇党政办公室" \
    --data-urlencode "address=沂源县西里镇政府驻地" --data-urlencode "postcode=256100" \
    --data-urlencode "hours=工作日上午8:30—12:00，下午13:30—17:30" --data-urlencode "phone=0533-3250000" \
    --data-urlencode "fax=无" --data-urlencode "email=xlzdzb@example.gov.cn" --data-urlencode "online=/agencies/$SLUG/requests/new" \
    --data-urlencode "preface=<p>$marker</p>" --data-urlencode "proactive=<p>主动公开的信息分类与获取方式。</p>" \
    --data-urlencode "on_request=<p>依申请公开的渠道与办理。</p>" --data-urlencode "supervision=<p>监督和救济。</p>" \
    --data-urlencode "note=两台服务器验证" "http://127.0.0.1:$w/admin/agencies/$SLUG/guide")
  t0=$(ms)
  [ "$code" = 303 ] || die "saving the guide through $w answered $code"
  for _ in $(seq 500); do
    if curl -fs "http://127.0.0.1:$r/agencies/$SLUG/guide" | grep -q "$marker"; then
      t1=$(ms)
      echo $((t1 - t0))
      return 0
    fi
    sleep 0.01
  done
  die "the write through $w did not show through $r within 5 s"
}
b_to_a=$(write_then_read "$PORT_B" "$PORT_A")
a_to_b=$(write_then_read "$PORT_A" "$PORT_B")
say "(a) guide saved through B, shown through A after ${b_to_a} ms; saved through A, shown through B after ${a_to_b} ms (page cache ${PAGE_CACHE} ms)"

# --- (c) one process vs two, distinct item pages -----------------------------------------------
read -r lo hi < <(python3 - "http://127.0.0.1:$PORT_A" "$SLUG" <<'PY'
import json, sys, urllib.request
base, slug = sys.argv[1:3]
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=30))
# Ids are not in date order, so the first and last of the list do not bound them (they were two
# neighbouring ids, and every request asked for one of two pages): read the whole list.
ids, page = [], 1
while True:
    got = get(f"/api/v1/agencies/{slug}/items?per_page=100&page={page}")["items"]
    if not got:
        break
    ids += [i["id"] for i in got]
    page += 1
print(min(ids), max(ids))
PY
)
echo "$SLUG $lo $hi" >"$WORK/items.txt"
bench() { # url -> "req/s p99 non-2xx"
  wrk -t2 -c32 -d2s -s "$LUA" "$1" -- item "$WORK" >/dev/null
  wrk -t2 -c32 -d"$DUR" --latency -s "$LUA" "$1" -- item "$WORK" | awk '
    /Requests\/sec/ { rps = $2 } /^ +99%/ { p99 = $2 } /Non-2xx or 3xx responses/ { bad = $NF }
    END { printf "%s %s %d\n", rps, p99, bad }'
}
# wrk does not send SNI from --resolve: nginx's default_server would drop it, so the test site
# answers the certificate's name on 127.0.0.1 through a hosts-style Host header instead.
sed -i "s/server_name $HOST;/server_name $HOST 127.0.0.1;/" "$WORK/site.conf"
nginx -c "$WORK/nginx.conf" -s reload && sleep 1
say "(c) distinct item pages ($lo–$hi), $DUR per run…"
two=$(bench "https://127.0.0.1:$HTTPS_PORT")
site "$only_a" | sed "s/server_name $HOST;/server_name $HOST 127.0.0.1;/" >"$WORK/site.conf"
nginx -c "$WORK/nginx.conf" -s reload && sleep 1
one=$(bench "https://127.0.0.1:$HTTPS_PORT")
direct=$(bench "http://127.0.0.1:$PORT_A")

echo
echo "Two gongkai servers on one PostgreSQL behind nginx: $N items, $(nproc) cores, $("$BIN" --version), load average $(uptime | sed 's/.*load average: //')"
echo
echo "| check | result |"
echo "|---|---|"
echo "| both servers started at once, same command line, new database | 1 administrator created, both up |"
echo "| nginx (deploy/nginx/gongkai.conf) | HTTP/${proto% *} over TLS, plain HTTP → ${redirect% *}; site.css gzip: ${gz:-no}, brotli: ${br:-no module} |"
echo "| (a) guide saved through B → shown through A | ${b_to_a} ms (page cache ${PAGE_CACHE} ms) |"
echo "| (a) guide saved through A → shown through B | ${a_to_b} ms |"
echo "| (b) signed in through A, cookie on B | /admin → $on_b |"
echo "| (b) back-office pages through nginx (alternating servers) | $through/10 answered 200 |"
echo
echo "| distinct item pages, wrk 2 threads × 32 connections, $DUR | req/s | p99 | non-2xx |"
echo "|---|---:|---:|---:|"
read -r r p b <<<"$one"; echo "| nginx (TLS) → one process | $r | $p | $b |"
read -r r p b <<<"$two"; echo "| nginx (TLS) → two processes | $r | $p | $b |"
read -r r p b <<<"$direct"; echo "| one process, no nginx | $r | $p | $b |"
