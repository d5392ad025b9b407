#!/usr/bin/env bash
# Issue #6's object-storage benchmark, run by hand (not in CI): 1,000 objects / about 245 MB copied between buckets
# of one S3 server (the test bed's s3rver) by `rclone copy --transfers 8` and snapshotted by the console into a pool
# bucket of the same server; then both again with nothing changed. Prints the ratios.
# Usage: bench/objects.sh [objects]
set -euo pipefail
# A CA bundle some clients reject is sometimes set machine-wide; everything here talks to loopback.
unset AWS_CA_BUNDLE
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
OBJECTS=${1:-1000}
WORK=$(mktemp -d /tmp/bc-bench-objects-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
command -v rclone >/dev/null || apt-get install -y -qq rclone >/dev/null
bash scripts/test-services.sh start >/dev/null
read -r URL KEY SECRET < <(python3 -c 'import json; s = json.load(open(".testbed/services.json"))["s3"]; print(s["serviceUrl"], s["accessKey"], s["secretKey"])')
HOSTPORT=${URL#http://}
APP=(dotnet "$ROOT/BackupConsole/bin/Release/net10.0/BackupConsole.dll")
dotnet build -c Release BackupConsole >/dev/null
export RCLONE_CONFIG_BENCH_TYPE=s3 RCLONE_CONFIG_BENCH_PROVIDER=Other RCLONE_CONFIG_BENCH_ENDPOINT="$URL" \
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID="$KEY" RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY="$SECRET" RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE=true
RUN=$(date +%s)
SRC=bench-src-$RUN DST=bench-dst-$RUN POOL=bench-pool-$RUN

echo "Uploading $OBJECTS objects …" >&2
python3 - "$WORK/objects" "$OBJECTS" <<'PY'
import os, random, sys
root, count = sys.argv[1], int(sys.argv[2])
random.seed(7)
for i in range(count):
    d = os.path.join(root, "part%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    size = int(random.expovariate(1 / 245000)) + 100
    with open(os.path.join(d, "object %04d.bin" % i), "wb") as f:
        f.write(os.urandom(size // 2) + b"z" * (size - size // 2))
PY
rclone mkdir "bench:$SRC" && rclone copy --transfers 8 "$WORK/objects" "bench:$SRC" 2>/dev/null
SIZE=$(du -sm "$WORK/objects" | cut -f1)

# The S3 server's own CPU time (user + system, seconds) from /proc: what each run cost the server, apart from its wall time.
S3PID=$(pgrep -f "s3rver.js.*-p ${HOSTPORT##*:}" | head -1)
server_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$S3PID/stat"; }
run() {
  local name=$1; shift
  local before; before=$(server_cpu)
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  awk -v a="$(server_cpu)" -v b="$before" 'BEGIN { printf "%.2f\n", a - b }' > "$WORK/$name.server"
  cut -d' ' -f1 "$WORK/$name.time"
}
SOURCE="s3://$KEY:$SECRET@$HOSTPORT/$SRC?tls=false"; POOLURI="s3://$KEY:$SECRET@$HOSTPORT/$POOL?tls=false"
echo "Measuring ($SIZE MB) …" >&2
rclone1=$(run rclone-1 rclone copy --transfers 8 "bench:$SRC" "bench:$DST")
ours1=$(run ours-1 "${APP[@]}" backup --source "$SOURCE" --type snapshot --pool "$POOLURI")
rclone2=$(run rclone-2 rclone copy --transfers 8 "bench:$SRC" "bench:$DST")
# rclone copies between buckets of one server with server-side CopyObject: no byte passes through it. For context,
# the same copy with that turned off moves every byte through the client, as a backup must.
rclone3=$(run rclone-3 rclone copy --transfers 8 --disable copy "bench:$SRC" "bench:$DST-streamed")
ours2=$(run ours-2 "${APP[@]}" backup --source "$SOURCE" --type snapshot --pool "$POOLURI")
copied=$(grep -o 'uploaded [0-9]* new parts ([0-9]* bytes' "$WORK/ours-2.err" | grep -o '([0-9]*' | tr -d '(')
ID=$(tail -1 "$WORK/ours-2.out")
"${APP[@]}" restore --pool "$POOLURI" --backup "$ID" --target "s3://$KEY:$SECRET@$HOSTPORT/bench-restored-$RUN?tls=false" >/dev/null 2>&1
rclone check "bench:$SRC" "bench:bench-restored-$RUN" >/dev/null 2>&1 && same=identical || same=DIFFERENT
for b in "$SRC" "$DST" "$DST-streamed" "$POOL" "bench-restored-$RUN"; do rclone purge "bench:$b" >/dev/null 2>&1 || true; done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v max="$2" 'BEGIN { print (r <= max) ? "PASS" : "FAIL" }'; }
printf '\nObject-storage benchmark: %s objects, %s MB, between buckets of one s3rver\n' "$OBJECTS" "$SIZE"
printf '%-40s %10s %10s %7s %8s  %s\n' "measurement" "ours" "rclone" "ratio" "target" "result"
r=$(ratio "$ours1" "$rclone1"); printf '%-40s %9ss %9ss %7s %8s  %s\n' "first snapshot vs rclone copy" "$ours1" "$rclone1" "$r" "<= 1.0" "$(verdict "$r" 1.0)"
r=$(ratio "$ours1" "$rclone3"); printf '%-40s %9ss %9ss %7s %8s  %s\n' "first snapshot vs rclone --disable copy" "$ours1" "$rclone3" "$r" "-" "(context)"
r=$(ratio "$ours2" "$rclone2"); printf '%-40s %9ss %9ss %7s %8s  %s\n' "unchanged second run" "$ours2" "$rclone2" "$r" "<= 1.0" "$(verdict "$r" 1.0)"
printf '%-40s %10s %10s %7s %8s  %s\n' "object bytes copied by the second run" "${copied:-?}" "-" "-" "0" "$( [ "${copied:-1}" = 0 ] && echo PASS || echo FAIL)"
printf '%-40s %s\n' "restored bucket vs source (rclone check)" "$same"
# Where the first run's time goes: a snapshot must GET every object to hash it; rclone's CopyObject moves no byte
# through the client, so the server's cost per request decides both.
printf '%-40s %9ss %9ss %7s %8s  %s\n' "S3 server CPU, first run (ours / rclone)" "$(cat "$WORK/ours-1.server")" "$(cat "$WORK/rclone-1.server")" "-" "-" "(context)"
printf '%-40s %9ss %9ss %7s %8s  %s\n' "S3 server CPU, ours / rclone --disable copy" "$(cat "$WORK/ours-1.server")" "$(cat "$WORK/rclone-3.server")" "-" "-" "(context)"
