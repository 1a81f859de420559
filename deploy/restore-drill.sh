#!/usr/bin/env bash
# 恢复演练：备份一个数据库（SQLite 或 PostgreSQL），恢复到一个新的数据库，在恢复的数据库上启动
# gongkai serve，检查它能正常回答、数据条数与备份时一致、gongkai audit verify 通过。
#
#   deploy/restore-drill.sh                 # 在临时建立的演练数据库上演练（SQLite，能连上 PostgreSQL 时两种都做）
#   DRILL_DB=postgres deploy/restore-drill.sh
#   deploy/restore-drill.sh --live          # 演练本机的实际数据库：按 GONGKAI_DATABASE_URL 和
#                                           # GONGKAI_AUDIT_KEY_FILE 备份，恢复到新的数据库（只读取实际数据库）
#   sudo sh -c 'set -a; . /etc/gongkai/gongkai.env; exec deploy/restore-drill.sh --live'
#
# 演练用的服务不配置 SMTP，出站 HTTP 指向一个不存在的代理：备份中待发的邮件和待推送的信息不会再发一次。
# 环境变量：GONGKAI_BIN（默认 PATH 中的 gongkai，或本仓库的 release/debug 构建）、PG_URL（演练时建立
# 数据库所用的 PostgreSQL 地址，不含库名，默认 postgres://postgres@127.0.0.1:5432）、WORK（默认临时目录）、
# PORT（默认 18281）、KEEP=1（保留演练的文件和数据库）。
# 通过时退出码 0；任何一步失败时打印原因，退出码 1。
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LIVE=0
[ "${1:-}" = --live ] && LIVE=1
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18281}

say() { echo "restore-drill: $*" >&2; }
fail() { echo "restore-drill: 失败：$*" >&2; exit 1; }

if [ -n "${GONGKAI_BIN:-}" ]; then
  BIN=$GONGKAI_BIN
elif command -v gongkai >/dev/null; then
  BIN=$(command -v gongkai)
else
  T=${CARGO_TARGET_DIR:-$HERE/../target}
  for b in "$T/release/gongkai" "$T/debug/gongkai"; do [ -x "$b" ] && BIN=$b && break; done
fi
[ -n "${BIN:-}" ] && [ -x "$BIN" ] || fail "找不到 gongkai 程序（设置 GONGKAI_BIN）"
BIN=$(realpath "$BIN")
export GONGKAI_BIN=$BIN
for tool in curl python3 sha256sum; do
  command -v "$tool" >/dev/null || fail "需要 $tool"
done
pg_ok() { command -v psql >/dev/null && psql "$PG_URL/postgres" -Atqc 'SELECT 1' >/dev/null 2>&1; }

WORK=${WORK:-$(mktemp -d /tmp/gongkai-restore-drill.XXXXXX)}
mkdir -p "$WORK"
WORK=$(realpath "$WORK")
SERVER=
DROP_DBS=()
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ "${KEEP:-0}" != 1 ]; then
    for db in "${DROP_DBS[@]}"; do
      psql "$PG_URL/postgres" -Atqc "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
    done
    rm -rf "$WORK"
  else
    say "KEEP=1：保留 $WORK 和数据库 ${DROP_DBS[*]:-}"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# gongkai with a database and a key file.
gk() { # url keyfile args…
  local url=$1 key=$2
  shift 2
  GONGKAI_DATABASE_URL=$url GONGKAI_AUDIT_KEY_FILE=$key GONGKAI_LOG=warn "$BIN" "$@"
}

# "N" from "审计日志完整：共N条记录…"
verify_count() { sed -n 's/^审计日志完整：共\([0-9]*\)条记录.*/\1/p'; }

# The number of agencies and of items on the portal, read from a running server's JSON API.
portal_counts() { # base-url
  python3 - "$1" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
get = lambda p: json.load(urllib.request.urlopen(base + p, timeout=30))
agencies = get("/api/v1/agencies")
slugs = [a["slug"] for a in agencies]
items = sum(get(f"/api/v1/agencies/{s}/items?per_page=1")["total"] for s in slugs)
print(f"{len(slugs)} {items}")
PY
}

start_server() { # url keyfile label
  local url=$1 key=$2 label=$3
  # No SMTP; outbound HTTP (webhooks, WeChat) to a proxy that is not there.
  # (An empty GONGKAI_SMTP_URL is a value to the server, and not a URL: unset it instead.)
  env -u GONGKAI_SMTP_URL \
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9 \
    http_proxy=http://127.0.0.1:9 https_proxy=http://127.0.0.1:9 NO_PROXY= no_proxy= \
    GONGKAI_DATABASE_URL=$url GONGKAI_AUDIT_KEY_FILE=$key GONGKAI_LOG=warn \
    "$BIN" serve --listen "127.0.0.1:$PORT" --search-dir "$WORK/search-$label" \
    --admin-password-file "$WORK/admin-password" >>"$WORK/serve-$label.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 300); do
    curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && return 0
    kill -0 "$SERVER" 2>/dev/null || { tail -20 "$WORK/serve-$label.log" >&2; fail "服务没有启动（$label）"; }
    sleep 0.1
  done
  fail "服务 30 秒内没有回答 /healthz（$label）"
}
stop_server() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  SERVER=
}

# The items on the portal in the database at URL (read directly: python3's sqlite3 or psql).
source_items() { # url
  case $1 in
    sqlite://*)
      python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM items WHERE withdrawn_on IS NULL").fetchone()[0])' "${1#sqlite://}"
      ;;
    *) psql "$1" -Atqc "SELECT COUNT(*) FROM items WHERE withdrawn_on IS NULL" ;;
  esac
}

# A scratch source database: the demo, 200 imported items, a checkpoint.
make_source() { # kind -> sets SRC_URL SRC_KEY
  local kind=$1
  SRC_KEY="$WORK/source/audit.key"
  mkdir -p "$WORK/source"
  case $kind in
    sqlite) SRC_URL="sqlite://$WORK/source/gongkai.db" ;;
    postgres)
      local db="gk_drill_src_$$"
      psql "$PG_URL/postgres" -Atqc "CREATE DATABASE $db" >/dev/null
      DROP_DBS+=("$db")
      SRC_URL="$PG_URL/$db"
      ;;
  esac
  gk "$SRC_URL" "$SRC_KEY" demo >/dev/null
  python3 - "$WORK/source/items.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for i in range(1, 201):
        f.write(json.dumps({"title": f"恢复演练信息第{i}号", "date": f"2023-{i % 12 + 1:02d}-{i % 27 + 1:02d}",
                            "category": "恢复演练", "body": f"恢复演练正文{i}。"}, ensure_ascii=False) + "\n")
PY
  gk "$SRC_URL" "$SRC_KEY" items import --agency yiyuan-xili "$WORK/source/items.jsonl" >/dev/null
  gk "$SRC_URL" "$SRC_KEY" audit checkpoint >/dev/null
}

drill() { # kind source-url source-keyfile
  local kind=$1 src_url=$2 src_key=$3
  local label="$kind"
  say "== $kind =="
  local before
  if [ "$LIVE" = 0 ]; then
    before=$(gk "$src_url" "$src_key" audit verify | verify_count) || fail "源数据库的审计日志没有通过核验"
    say "源数据库：审计日志 $before 条记录，核验通过"
  fi

  say "备份（deploy/backup.sh）…"
  local backup
  backup=$(GONGKAI_DATABASE_URL=$src_url GONGKAI_AUDIT_KEY_FILE=$src_key "$HERE/backup.sh" "$WORK/backups-$kind" | tail -1)
  (cd "$backup" && sed -n '/^[0-9a-f]\{64\}  /p' MANIFEST | sha256sum --quiet -c -) || fail "备份的 sha256 与 MANIFEST 不符"
  say "备份：$backup（$(du -sh "$backup" | cut -f1)）"

  say "恢复到新的数据库…"
  local dst_url dst_key="$WORK/restore-$kind/audit.key"
  mkdir -p "$WORK/restore-$kind"
  case $kind in
    sqlite)
      cp "$backup/gongkai.db" "$WORK/restore-$kind/gongkai.db"
      dst_url="sqlite://$WORK/restore-$kind/gongkai.db"
      ;;
    postgres)
      command -v pg_restore >/dev/null || fail "需要 pg_restore（apt-get install postgresql-client）"
      local db="gk_drill_restore_$$"
      psql "$PG_URL/postgres" -Atqc "CREATE DATABASE $db" >/dev/null
      DROP_DBS+=("$db")
      dst_url="$PG_URL/$db"
      pg_restore --no-owner --no-privileges --exit-on-error --dbname="$dst_url" "$backup/gongkai.dump" \
        || fail "pg_restore 失败"
      ;;
  esac
  cp "$backup/audit.key" "$dst_key"
  cp "$backup/audit.checkpoints" "${dst_key%.key}.checkpoints"

  local out after
  out=$(gk "$dst_url" "$dst_key" audit verify) || fail "恢复的数据库没有通过 audit verify：$out"
  after=$(verify_count <<<"$out")
  say "恢复的数据库：$out"
  if [ "$LIVE" = 0 ] && [ "$after" != "$before" ]; then
    fail "恢复的审计日志有 $after 条记录，备份前有 $before 条"
  fi

  say "在恢复的数据库上启动 gongkai serve…"
  start_server "$dst_url" "$dst_key" "$label"
  local code counts
  for path in / /api/v1/agencies /agencies/yiyuan-xili/items /search?q=%E6%94%BF%E5%BA%9C; do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$path")
    [ "$code" = 200 ] || fail "$path 返回 $code"
  done
  counts=$(portal_counts "http://127.0.0.1:$PORT")
  say "恢复后的门户：$(cut -d' ' -f1 <<<"$counts") 个机关，$(cut -d' ' -f2 <<<"$counts") 条信息"
  if [ "$LIVE" = 0 ]; then
    [ "$(cut -d' ' -f2 <<<"$counts")" = "$SRC_ITEMS" ] || fail "恢复后有 $(cut -d' ' -f2 <<<"$counts") 条信息，应为 $SRC_ITEMS"
  fi
  stop_server
  out=$(gk "$dst_url" "$dst_key" audit verify) || fail "服务运行后 audit verify 没有通过：$out"
  say "服务运行后再次核验：$out"

  if [ "$LIVE" = 0 ]; then
    # What the README warns about: the source goes on after the backup and signs a new checkpoint;
    # the restored (older) database does not hold that record, and verify says so.
    gk "$src_url" "$src_key" agency add --slug drill-later --name 备份之后新增的机关 \
      --credit-code 11370323MB0000000U --kind department >/dev/null
    gk "$src_url" "$src_key" audit checkpoint >/dev/null
    if gk "$dst_url" "$dst_key" audit verify --checkpoints "${src_key%.key}.checkpoints" >/dev/null 2>"$WORK/later.txt"; then
      fail "用备份之后的检查点核验较早的备份，应当报告不一致"
    fi
    say "（预期之中）用源服务器此后的检查点文件核验较早的备份：$(head -1 "$WORK/later.txt")"
  fi
  say "$kind：通过"
}

printf 'Drill-password-2026\n' >"$WORK/admin-password"
if [ "$LIVE" = 1 ]; then
  url=${GONGKAI_DATABASE_URL:?--live 需要 GONGKAI_DATABASE_URL}
  case $url in
    sqlite://*) kind=sqlite ;;
    postgres://* | postgresql://*) kind=postgres; PG_URL=${url%/*} ;;
    *) fail "不认识的数据库地址" ;;
  esac
  drill "$kind" "$url" "${GONGKAI_AUDIT_KEY_FILE:?--live 需要 GONGKAI_AUDIT_KEY_FILE}"
else
  kinds=${DRILL_DB:-}
  if [ -z "$kinds" ]; then
    kinds=sqlite
    pg_ok && kinds="sqlite postgres" || say "连不上 PostgreSQL（$PG_URL），只演练 SQLite"
  fi
  for kind in $kinds; do
    [ "$kind" != postgres ] || pg_ok || fail "连不上 PostgreSQL（$PG_URL）"
    rm -rf "$WORK/source"
    make_source "$kind"
    # Counted in the source, not written down: the demo's items change as the demo grows.
    SRC_ITEMS=$(source_items "$SRC_URL")
    drill "$kind" "$SRC_URL" "$SRC_KEY"
  done
fi
say "全部通过"
