#!/usr/bin/env bash
# 构建发布包：去除符号、整体优化的程序（Cargo.toml 的 [profile.dist]：继承 release 的 strip = true，
# 另加 fat LTO 与单一代码生成单元，从零构建 2 核约 9 分钟）和
# gongkai-<版本>-linux-x86_64.tar.gz，内含：
#   gongkai-<版本>/bin/gongkai
#   gongkai-<版本>/deploy/…（systemd 单元、nginx 站点、设置样例、备份与恢复演练脚本、运维说明）
#   gongkai-<版本>/README.md、LICENSE（如有）、SHA256SUMS
# 另写出 .tar.gz.sha256。
#
#   deploy/release.sh              # 输出到 ${CARGO_TARGET_DIR:-target}/package/
#   OUT=/tmp/dist deploy/release.sh
#   SKIP_BUILD=1 deploy/release.sh # 使用已构建的程序（CARGO_TARGET_DIR 或 target/ 下的 dist/gongkai）
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
# Not target/dist/: that is where cargo puts the dist profile's build.
OUT=${OUT:-$TARGET_DIR/package}
for tool in cargo tar gzip sha256sum; do
  command -v "$tool" >/dev/null || { echo "release: 需要 $tool" >&2; exit 2; }
done
VERSION=$(sed -n '/^\[workspace.package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -1)
[ -n "$VERSION" ] || { echo "release: 无法从 Cargo.toml 读出版本号" >&2; exit 2; }
ARCH=$(uname -m)
[ "$ARCH" = x86_64 ] || echo "release: 注意：本机是 $ARCH，包名仍按本机架构命名" >&2
NAME="gongkai-$VERSION-linux-$ARCH"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --profile dist --locked -p gongkai
fi
BIN="$TARGET_DIR/dist/gongkai"
[ -x "$BIN" ] || { echo "release: 找不到 $BIN" >&2; exit 2; }
if command -v file >/dev/null && file "$BIN" | grep -q 'not stripped'; then
  echo "release: $BIN 未去除符号（检查 Cargo.toml：[profile.dist] 继承 [profile.release] 的 strip = true）" >&2
  exit 2
fi
"$BIN" --version >/dev/null
"$ROOT/deploy/check-config-reference.sh" "$BIN"

STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
PKG="$STAGE/$NAME"
mkdir -p "$PKG/bin" "$OUT"
install -m 0755 "$BIN" "$PKG/bin/gongkai"
# deploy/ as committed (git ls-files), so local scratch files never ship.
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  git -C "$ROOT" ls-files -z deploy | xargs -0 -I{} install -D -m 0644 {} "$PKG/{}"
else
  cp -r deploy "$PKG/"
fi
chmod 0755 "$PKG"/deploy/*.sh "$PKG/deploy/gongkai-ctl"
cp README.md "$PKG/"
[ ! -f LICENSE ] || cp LICENSE "$PKG/"
(cd "$PKG" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)

TARBALL="$OUT/$NAME.tar.gz"
# Reproducible-ish: fixed owner, sorted names, the commit's time as every file's time.
MTIME=$(git -C "$ROOT" log -1 --format=%cI 2>/dev/null || date -Iseconds)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="$MTIME" -C "$STAGE" -cf - "$NAME" \
  | gzip -n -9 >"$TARBALL"
(cd "$OUT" && sha256sum "$NAME.tar.gz" >"$NAME.tar.gz.sha256")
echo "release: $TARBALL ($(du -h "$TARBALL" | cut -f1); gongkai $(du -h "$PKG/bin/gongkai" | cut -f1))"
echo "$TARBALL"
