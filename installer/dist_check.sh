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
"$CLI" template residents "$work/template.xlsx" >/dev/null
"$CLI" import residents "$work/template.xlsx" --user admin >/dev/null \
    || { echo "dist-check: the blank residents template did not import"; exit 1; }
# The PostgreSQL driver must load (psycopg's binary module needs Python's ssl, for instance):
# a closed port gives a connection error, a build without the driver "no pq wrapper".
pg=$("$CLI" --database-url "postgresql+psycopg://kesos@127.0.0.1:9/kesos?connect_timeout=2" db status 2>&1 || true)
if echo "$pg" | grep -qi "pq wrapper\|No module named"; then
    echo "dist-check: PostgreSQL driver missing: $pg"; exit 1
fi
# With a throw-away server (KESOS_DIST_PG_URL: a database the check may fill, without the
# password; KESOS_DB_PASSWORD: the password): the window must ask for the password it has not
# got (no keyring in the build on Linux), then open on the server with it.
if [[ -n "${KESOS_DIST_PG_URL:-}" ]]; then
    PGPASSWORD="$KESOS_DB_PASSWORD" "$CLI" --database-url "$KESOS_DIST_PG_URL" db upgrade >/dev/null
    PGPASSWORD="$KESOS_DB_PASSWORD" "$CLI" --database-url "$KESOS_DIST_PG_URL" \
        setup --facility "Panti Uji (fiktif)" --admin admin >/dev/null
    if env -u KESOS_DB_PASSWORD -u PGPASSWORD PGPASSFILE="$work/no-pgpass" \
        "$GUI" --database-url "$KESOS_DIST_PG_URL" --screenshot "$work/pg.png" >"$work/pg.err" 2>&1; then
        echo "dist-check: opened the server without its password?"; exit 1
    fi
    grep -q "KESOS_DB_PASSWORD" "$work/pg.err" || { echo "dist-check: no password asked: $(cat "$work/pg.err")"; exit 1; }
    "$GUI" --database-url "$KESOS_DIST_PG_URL" --screenshot "$work/pg.png" --user admin >/dev/null
    [[ -s "$work/pg.png" ]] || { echo "dist-check: no window on the PostgreSQL server"; exit 1; }
    echo "dist-check: PostgreSQL server: password asked without it, window with it"
fi
"$GUI" --screenshot "$work/main.png" --user admin >/dev/null
[[ -s "$work/main.png" ]] || { echo "dist-check: the logged-in window did not render"; exit 1; }
size=$(du -sm "$DIST" | cut -f1)
echo "dist-check: OK · folder ${size} MB · first start (create + migrate + setup screen) ${elapsed} ms"
