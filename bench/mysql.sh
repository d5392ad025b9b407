#!/usr/bin/env bash
# Issue #5's MySQL benchmark, run by hand (not in CI): 4 sysbench-shaped tables of ROWS rows (default 500,000:
# about 550 MB), measured side by side with the tools operators script today, printed as ratios with peak RSS.
# Usage: bench/mysql.sh [rows-per-table]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
ROWS=${1:-500000}
WORK=$(mktemp -d /tmp/bc-bench-mysql-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || { apt-get install -y -qq time >/dev/null; }
command -v zstd >/dev/null || { apt-get install -y -qq zstd >/dev/null; }

bash scripts/test-services.sh start >/dev/null
PORT=$(grep -o '"mariadb": { "host": "127.0.0.1", "port": [0-9]*' .testbed/services.json | grep -o '[0-9]*$')
USER=backup
PASS=$(grep -o '"user": "backup", "password": "[^"]*"' .testbed/services.json | sed 's/.*"password": "\([^"]*\)"/\1/')
DATADIR=$(grep -o '"dataDir": "[^"]*mariadb"' .testbed/services.json | sed 's/"dataDir": "\(.*\)"/\1/')
SQL=(mariadb --no-defaults -h127.0.0.1 -P"$PORT" -u"$USER" -p"$PASS")
APP=(dotnet "$ROOT/BackupConsole/bin/Release/net10.0/BackupConsole.dll")
MYSQL_URI="mysql://$USER:$PASS@127.0.0.1:$PORT"

echo "Preparing 4 tables x $ROWS rows (id, k, c CHAR(120), pad CHAR(60), note TEXT NULL, at DATETIME(6)) …" >&2
"${SQL[@]}" -e "DROP DATABASE IF EXISTS bench; DROP DATABASE IF EXISTS bench_anchor; DROP DATABASE IF EXISTS bench_restored; CREATE DATABASE bench;"
for t in 1 2 3 4; do
  "${SQL[@]}" bench -e "CREATE TABLE sbtest$t (id INT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL DEFAULT 0, c CHAR(120) NOT NULL DEFAULT '',
    pad CHAR(60) NOT NULL DEFAULT '', note TEXT NULL, at DATETIME(6) NOT NULL, KEY k_$t (k)) ENGINE=InnoDB;
    INSERT INTO sbtest$t (k, c, pad, note, at) SELECT seq % 100000,
      CONCAT_WS('-', LPAD(seq % 99991, 11, '0'), LPAD(seq % 99989, 11, '0'), LPAD(seq % 99971, 11, '0'), LPAD(seq % 99961, 11, '0'),
                LPAD(seq % 99929, 11, '0'), LPAD(seq % 99923, 11, '0'), LPAD(seq % 99901, 11, '0'), LPAD(seq % 99881, 11, '0'),
                LPAD(seq % 99877, 11, '0'), LPAD(seq % 99871, 11, '0')),
      CONCAT_WS('-', LPAD(seq % 99859, 11, '0'), LPAD(seq % 99839, 11, '0'), LPAD(seq % 99833, 11, '0'), LPAD(seq % 99829, 11, '0'), LPAD(seq % 99823, 11, '0')),
      IF(seq % 5 = 0, NULL, SHA2(seq, 256)), TIMESTAMP('2026-01-01') + INTERVAL seq SECOND + INTERVAL (seq % 1000000) MICROSECOND
    FROM seq_1_to_$ROWS;"
done
SIZE=$("${SQL[@]}" -N -e "SELECT ROUND(SUM(data_length + index_length) / 1048576) FROM information_schema.TABLES WHERE table_schema = 'bench'")
dotnet build -c Release BackupConsole >/dev/null

# run NAME COMMAND… : wall seconds and peak RSS (MB) of the command, from GNU time.
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  read -r secs kb < "$WORK/$name.time"
  printf '%s %s\n' "$secs" "$((kb / 1024))"
}

echo "Measuring (data: ${SIZE} MB) …" >&2
read -r dump_s dump_mb < <(run dump bash -c "set -o pipefail; mysqldump --no-defaults -h127.0.0.1 -P$PORT -u$USER -p'$PASS' --single-transaction --quick bench | zstd -3 -q -o '$WORK/dump.sql.zst'")
read -r ours_s ours_mb < <(run ours-logical "${APP[@]}" backup --source "$MYSQL_URI" --type logical --pool "file://$WORK/pool" --include bench)
ID=$(tail -1 "$WORK/ours-logical.out")
"${SQL[@]}" -e "CREATE DATABASE bench_anchor"
read -r load_s load_mb < <(run anchor-restore bash -c "set -o pipefail; zstd -dc '$WORK/dump.sql.zst' | mariadb --no-defaults -h127.0.0.1 -P$PORT -u$USER -p'$PASS' bench_anchor")
read -r rest_s rest_mb < <(run ours-restore "${APP[@]}" restore --pool "file://$WORK/pool" --backup "$ID" --target "$MYSQL_URI" --rename bench=bench_restored)
same=$("${SQL[@]}" -N -e "CHECKSUM TABLE bench.sbtest1, bench_restored.sbtest1, bench.sbtest4, bench_restored.sbtest4" | awk '{print $2}' | paste -sd' ')
mkdir -p "$WORK/mb"
read -r mb_s mb_mb < <(run mariabackup bash -c "set -o pipefail; mariabackup --backup --stream=mbstream --target-dir='$WORK/mb' --datadir='$DATADIR' --host=127.0.0.1 --port=$PORT --user=$USER --password='$PASS' 2>'$WORK/mb.log' | zstd -3 -q -o '$WORK/mb.zst'")
read -r phys_s phys_mb < <(run ours-physical "${APP[@]}" backup --source "$MYSQL_URI?datadir=$DATADIR" --type physical --pool "file://$WORK/pool")
read -r snap_s snap_mb < <(run ours-snapshot "${APP[@]}" backup --source "$MYSQL_URI?datadir=$DATADIR" --type snapshot --pool "file://$WORK/pool")
LOCK_MS=$(grep -o 'commits blocked for [0-9]* ms' "$WORK/ours-snapshot.err" | grep -o '[0-9]*' || echo '?')
# An incremental after 1% of the rows (20,000 neighbours) changed: it should take about that share of the full backup.
"${SQL[@]}" bench -e "UPDATE sbtest1 SET k = k + 1 WHERE id <= $((ROWS * 4 / 100))"
read -r inc_s inc_mb < <(run ours-incremental "${APP[@]}" backup --source "$MYSQL_URI?datadir=$DATADIR" --type incremental --pool "file://$WORK/pool")
FULL_ID=$(tail -1 "$WORK/ours-physical.out"); INC_ID=$(tail -1 "$WORK/ours-incremental.out")
stored() { "${APP[@]}" list --pool "file://$WORK/pool" | awk -v id="$1" '$1 == id {print $7, $8}'; }
full_stored=$(stored "$FULL_ID"); inc_stored=$(stored "$INC_ID")

"${SQL[@]}" -e "DROP DATABASE bench; DROP DATABASE bench_anchor; DROP DATABASE bench_restored;"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v max="$2" 'BEGIN { print (r <= max) ? "PASS" : "FAIL" }'; }
printf '\nMySQL benchmark: 4 x %s rows, %s MB of InnoDB data\n' "$ROWS" "$SIZE"
printf '%-44s %9s %9s %7s %8s  %s\n' "measurement" "ours (s)" "anchor" "ratio" "target" "result"
r=$(ratio "$ours_s" "$dump_s"); printf '%-44s %9s %9s %7s %8s  %s\n' "logical backup vs mysqldump|zstd -3" "$ours_s" "$dump_s" "$r" "<= 1.0" "$(verdict "$r" 1.0)"
r=$(ratio "$rest_s" "$load_s"); printf '%-44s %9s %9s %7s %8s  %s\n' "logical restore vs zstd -dc|mariadb" "$rest_s" "$load_s" "$r" "<= 0.7" "$(verdict "$r" 0.7)"
r=$(ratio "$phys_s" "$mb_s"); printf '%-44s %9s %9s %7s %8s  %s\n' "physical backup vs mariabackup|zstd -3" "$phys_s" "$mb_s" "$r" "<= 1.2" "$(verdict "$r" 1.2)"
r=$(ratio "$snap_s" "$mb_s"); printf '%-44s %9s %9s %7s %8s  %s\n' "snapshot backup vs mariabackup|zstd -3" "$snap_s" "$mb_s" "$r" "-" "commits blocked ${LOCK_MS} ms"
printf '%-44s %9s %9s %7s %8s  %s\n' "incremental after 1% of rows changed" "$inc_s" "-" "-" "-" "stored ${inc_stored} (full: ${full_stored})"
printf '%-44s %9s %9s %7s %8s  %s\n' "peak RSS, logical backup (MB)" "$ours_mb" "-" "-" "<= 300" "$( [ "$ours_mb" -le 300 ] && echo PASS || echo FAIL)"
printf '%-44s %9s %9s %7s %8s  %s\n' "peak RSS, physical backup (MB)" "$phys_mb" "-" "-" "<= 300" "$( [ "$phys_mb" -le 300 ] && echo PASS || echo FAIL)"
printf '%-44s %s\n' "CHECKSUM TABLE source/restored (t1, t4)" "$same"
