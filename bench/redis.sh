#!/usr/bin/env bash
# Issue #6's Redis benchmark, run by hand (not in CI): 1,000,000 strings of 100 bytes plus 50,000 each of hashes,
# lists and sorted sets, backed up next to `redis-cli --rdb` (a full RDB transfer) and restored; prints the ratios.
# Usage: bench/redis.sh [strings]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
STRINGS=${1:-1000000}
COLLECTIONS=$((STRINGS / 20))
WORK=$(mktemp -d /tmp/bc-bench-redis-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null

bash scripts/test-services.sh start >/dev/null
read -r PORT PASS < <(python3 -c 'import json; r = json.load(open(".testbed/services.json"))["redis"]; print(r["port"], r["password"])')
CLI=(redis-cli --no-auth-warning -h 127.0.0.1 -p "$PORT" -a "$PASS")
APP=(dotnet "$ROOT/BackupConsole/bin/Release/net10.0/BackupConsole.dll")
dotnet build -c Release BackupConsole >/dev/null

echo "Loading $STRINGS strings and $COLLECTIONS each of hashes, lists and sorted sets into db 0 …" >&2
"${CLI[@]}" -n 0 FLUSHDB >/dev/null
"${CLI[@]}" -n 1 FLUSHDB >/dev/null
python3 - "$STRINGS" "$COLLECTIONS" > "$WORK/load.resp" <<'PY'
import sys
strings, collections = int(sys.argv[1]), int(sys.argv[2])
out = sys.stdout.buffer
def cmd(*parts):
    out.write(b"*%d\r\n" % len(parts))
    for p in parts:
        p = p if isinstance(p, bytes) else str(p).encode()
        out.write(b"$%d\r\n%s\r\n" % (len(p), p))
value = b"v" * 100
for i in range(strings):
    cmd(b"SET", b"s:%d" % i, value)
for i in range(collections):
    cmd(b"HSET", b"h:%d" % i, *[x for f in range(10) for x in (b"f%d" % f, b"value %d" % f)])
    cmd(b"RPUSH", b"l:%d" % i, *[b"item %d" % f for f in range(10)])
    cmd(b"ZADD", b"z:%d" % i, *[x for f in range(10) for x in (str(f * 1.5).encode(), b"m%d" % f)])
PY
"${CLI[@]}" -n 0 --pipe < "$WORK/load.resp" >/dev/null
KEYS=$("${CLI[@]}" -n 0 DBSIZE)

run() { # name command… → seconds and peak RSS (MB)
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  read -r secs kb < "$WORK/$name.time"; printf '%s %s\n' "$secs" "$((kb / 1024))"
}
echo "Measuring ($KEYS keys) …" >&2
read -r rdb_s _ < <(run rdb "${CLI[@]}" --rdb "$WORK/dump.rdb")
read -r ours_s ours_mb < <(run ours-backup "${APP[@]}" backup --source "redis://:$PASS@127.0.0.1:$PORT/0" --type logical --pool "file://$WORK/pool")
ID=$(tail -1 "$WORK/ours-backup.out")
read -r rest_s rest_mb < <(run ours-restore "${APP[@]}" restore --pool "file://$WORK/pool" --backup "$ID" --target "redis://:$PASS@127.0.0.1:$PORT/1")
RESTORED=$("${CLI[@]}" -n 1 DBSIZE)
"${CLI[@]}" -n 0 FLUSHDB >/dev/null; "${CLI[@]}" -n 1 FLUSHDB >/dev/null

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
rate=$(awk -v k="$RESTORED" -v s="$rest_s" 'BEGIN { printf "%.0f", k / s }')
printf '\nRedis benchmark: %s keys (%s strings of 100 bytes, %s each of hashes, lists, sorted sets)\n' "$KEYS" "$STRINGS" "$COLLECTIONS"
printf '%-40s %9s %9s %7s %10s  %s\n' "measurement" "ours" "anchor" "ratio" "target" "result"
r=$(ratio "$ours_s" "$rdb_s"); printf '%-40s %8ss %8ss %7s %10s  %s\n' "logical backup vs redis-cli --rdb" "$ours_s" "$rdb_s" "$r" "<= 1.0" "$(awk -v r="$r" 'BEGIN { print (r <= 1.0) ? "PASS" : "FAIL" }')"
printf '%-40s %9s %9s %7s %10s  %s\n' "restore (keys/s)" "$rate" "-" "-" ">= 200000" "$( [ "$rate" -ge 200000 ] && echo PASS || echo FAIL)"
printf '%-40s %9s %9s %7s %10s  %s\n' "keys restored / in source" "$RESTORED" "$KEYS" "-" "equal" "$( [ "$RESTORED" -eq "$KEYS" ] && echo PASS || echo FAIL)"
printf '%-40s %9s\n' "peak RSS backup / restore (MB)" "$ours_mb / $rest_mb"
