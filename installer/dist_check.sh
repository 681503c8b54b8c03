#!/usr/bin/env bash
# Smoke test of the frozen build (make dist-check): it must run without the source tree or
# Python, create and migrate a database on an empty data folder, speak Indonesian, write a
# PDF and a workbook. A build that lost its migrations or translations fails here.
set -euo pipefail
DIST=$(realpath "${1:-dist/kesos-desktop}")
GUI="$DIST/kesos-desktop"
CLI="$DIST/kesos"
[[ -x "$GUI" && -x "$CLI" ]] || { echo "dist-check: no frozen build in $DIST (run make dist)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"  # away from the source tree, so nothing is picked up from it
export QT_QPA_PLATFORM=offscreen KESOS_DATA_DIR="$work/data" PYTHONPATH= PYTHONHOME=
started=$(date +%s%N)
"$GUI" --screenshot "$work/setup.png"
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
[[ -s "$work/setup.png" && -s "$work/data/kesos.db" ]] || { echo "dist-check: no screenshot or database"; exit 1; }
revision=$("$CLI" db status | tee /dev/stderr || true)
echo "$revision" | grep -q "Skema basis data" || { echo "dist-check: CLI did not answer in Indonesian (translations missing?)"; exit 1; }
"$CLI" db status >/dev/null || { echo "dist-check: database not at this build's schema (migrations missing?)"; exit 1; }
export KESOS_PASSWORD=Uji-Kesos-2026
"$CLI" setup --facility "Panti Uji (fiktif)" --admin admin >/dev/null
"$CLI" report monthly --month 2026-10 -o "$work/bulanan.pdf" --user admin >/dev/null
head -c 5 "$work/bulanan.pdf" | grep -q "%PDF-" || { echo "dist-check: no PDF"; exit 1; }
"$CLI" export monthly "$work/bulanan.xlsx" --month 2026-10 --user admin >/dev/null
[[ -s "$work/bulanan.xlsx" ]] || { echo "dist-check: no workbook"; exit 1; }
if "$CLI" --help | grep -q " import"; then
    "$CLI" template residents "$work/template.xlsx" >/dev/null 2>&1 || true
fi
"$GUI" --screenshot "$work/main.png" --user admin >/dev/null
[[ -s "$work/main.png" ]] || { echo "dist-check: the logged-in window did not render"; exit 1; }
size=$(du -sm "$DIST" | cut -f1)
echo "dist-check: OK · folder ${size} MB · first start (create + migrate + setup screen) ${elapsed} ms"
