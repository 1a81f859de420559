#!/usr/bin/env bash
# 备份 gongkai：数据库（SQLite 用 gongkai backup，PostgreSQL 用 pg_dump）、审计密钥文件和检查点文件，
# 写入 目标目录/gongkai-日期时间/，附 MANIFEST（版本、数据库类型、时间、sha256）。服务运行时可以备份。
#
#   deploy/backup.sh /var/backups/gongkai     # 按 GONGKAI_DATABASE_URL、GONGKAI_AUDIT_KEY_FILE 备份
#   # 按服务的设置备份（deploy/systemd/gongkai-backup.service 每天这样运行）：
#   sudo sh -c 'set -a; . /etc/gongkai/gongkai.env; exec /usr/local/share/gongkai/deploy/backup.sh /var/backups/gongkai'
#
# 环境变量：GONGKAI_DATABASE_URL（默认 sqlite://gongkai-data/gongkai.db）、GONGKAI_AUDIT_KEY_FILE（默认
# 与 gongkai 相同：SQLite 文件旁，PostgreSQL 时 gongkai-data/audit.key）、GONGKAI_BIN（默认 PATH 中的
# gongkai）、KEEP_DAYS（设置时删除目标目录中早于该天数的备份）。
# 成功时最后一行打印备份目录。
set -euo pipefail
DEST=${1:?用法：backup.sh 目标目录}
URL=${GONGKAI_DATABASE_URL:-sqlite://gongkai-data/gongkai.db}
BIN=${GONGKAI_BIN:-gongkai}
command -v "$BIN" >/dev/null || { echo "backup: 找不到 gongkai 程序（设置 GONGKAI_BIN）" >&2; exit 2; }

case $URL in
  sqlite://*)
    KIND=sqlite
    DB_PATH=${URL#sqlite://}
    DB_PATH=${DB_PATH%%\?*}
    DEFAULT_KEY="$(dirname "$DB_PATH")/audit.key"
    ;;
  postgres://* | postgresql://*)
    KIND=postgres
    command -v pg_dump >/dev/null || { echo "backup: 需要 pg_dump（apt-get install postgresql-client）" >&2; exit 2; }
    DEFAULT_KEY=gongkai-data/audit.key
    ;;
  *) echo "backup: 不认识的数据库地址（应为 sqlite:// 或 postgres://）" >&2; exit 2 ;;
esac
KEY=${GONGKAI_AUDIT_KEY_FILE:-$DEFAULT_KEY}
CHECKPOINTS="${KEY%.*}.checkpoints"
[ -f "$KEY" ] || { echo "backup: 找不到审计密钥文件 $KEY（设置 GONGKAI_AUDIT_KEY_FILE）" >&2; exit 2; }

umask 077
OUT="$DEST/gongkai-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT.partial"
# 先复制密钥和检查点，再备份数据库：审计日志只会增长，这样备份中的每个检查点
# 所指的记录都在备份的数据库里，恢复后 audit verify 可以用备份中的检查点文件核验。
cp "$KEY" "$OUT.partial/audit.key"
if [ -f "$CHECKPOINTS" ]; then
  cp "$CHECKPOINTS" "$OUT.partial/audit.checkpoints"
else
  : >"$OUT.partial/audit.checkpoints"
fi
case $KIND in
  sqlite)
    "$BIN" --database-url "$URL" backup "$OUT.partial/gongkai.db" >/dev/null
    ;;
  postgres)
    # 自定义格式（-Fc）：压缩，可用 pg_restore 选择性恢复。不带属主和权限，恢复到任何账号下都可以。
    pg_dump --format=custom --no-owner --no-privileges --dbname="$URL" --file="$OUT.partial/gongkai.dump"
    ;;
esac
# The sums first: MANIFEST itself must not be among the files it lists.
sums=$(cd "$OUT.partial" && sha256sum -- *)
{
  echo "gongkai-backup 1"
  echo "version: $("$BIN" --version)"
  echo "database: $KIND"
  echo "taken: $(date -Iseconds)"
  echo "host: $(hostname)"
  echo "$sums"
} >"$OUT.partial/MANIFEST"
mv "$OUT.partial" "$OUT"

if [ -n "${KEEP_DAYS:-}" ]; then
  find "$DEST" -maxdepth 1 -type d -name 'gongkai-2*' -mtime +"$KEEP_DAYS" -exec rm -rf {} +
fi
echo "$OUT"
