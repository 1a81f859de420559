#!/usr/bin/env bash
# PDF reports checked per second on one core: 30 copies of each real text PDF, one `gongkai check`
# over the folder (pdftotext runs as a child on the same core). Usage: bench/check_pdf.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-${CARGO_TARGET_DIR:-target}/release/gongkai}"
DIR="$(mktemp -d)"
trap 'rm -rf "$DIR"' EXIT
for i in $(seq 1 30); do
  cp ../shared/realdata/reports/huaian-city-2024.pdf "$DIR/h$i.pdf"
  cp ../shared/realdata/reports/hongze-2023.pdf "$DIR/z$i.pdf"
done
start=$(date +%s.%N)
taskset -c 0 "$BIN" check "$DIR" --summary "$DIR/summary" >/dev/null || true
end=$(date +%s.%N)
echo "60 PDF reports in $(echo "$end - $start" | bc) s: $(echo "60 / ($end - $start)" | bc) reports/s on one core"
