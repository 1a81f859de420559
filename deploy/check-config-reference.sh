#!/usr/bin/env bash
# Checks that deploy/README.md's configuration reference names every flag and environment variable
# of `gongkai serve` (and the global ones), as the binary's --help lists them. release.sh runs it.
#
#   deploy/check-config-reference.sh [path/to/gongkai]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-${GONGKAI_BIN:-gongkai}}
command -v "$BIN" >/dev/null || { echo "check-config-reference: 找不到 $BIN" >&2; exit 2; }
help=$("$BIN" serve --help)
missing=0
for name in $(grep -oE -- '--[a-z][a-z0-9-]+' <<<"$help" | sort -u) \
  $(grep -oE 'GONGKAI_[A-Z_]+' <<<"$help" | sort -u); do
  case $name in --help | --version) continue ;; esac
  if ! grep -qF -- "\`$name" "$HERE/README.md"; then
    echo "deploy/README.md 的设置参考缺少 $name" >&2
    missing=1
  fi
done
[ "$missing" = 0 ] && echo "check-config-reference: deploy/README.md 列出了 gongkai serve --help 的全部参数和环境变量"
exit "$missing"
