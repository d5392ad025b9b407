#!/usr/bin/env bash
# Issue #6's file-storage benchmark, run by hand (not in CI): 2,000 files / about 335 MB with 10% duplicates,
# snapshot next to `restic backup` into a local repository (both encrypted), first run and an unchanged second run,
# and the sizes of the two repositories; prints the ratios.
# Usage: bench/files.sh [files]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
FILES=${1:-2000}
WORK=$(mktemp -d /tmp/bc-bench-files-XXXXXX)
trap 'rm -rf "$WORK"' EXIT
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
command -v restic >/dev/null || apt-get install -y -qq restic >/dev/null
APP=(dotnet "$ROOT/BackupConsole/bin/Release/net10.0/BackupConsole.dll")
dotnet build -c Release BackupConsole >/dev/null

echo "Writing $FILES files (10% duplicates) …" >&2
python3 - "$WORK/src" "$FILES" <<'PY'
import os, random, sys, shutil
root, count = sys.argv[1], int(sys.argv[2])
random.seed(6)
written = []
for i in range(count):
    directory = os.path.join(root, "dir%02d" % (i % 40), "sub%d" % (i % 3))
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "file%05d.dat" % i)
    if written and i % 10 == 9:
        shutil.copyfile(random.choice(written), path)
        continue
    size = int(random.expovariate(1 / 167000)) + 100
    # Half text-like (compressible), half random.
    with open(path, "wb") as f:
        if i % 2:
            f.write(os.urandom(size))
        else:
            line = ("%08d the quick brown fox jumps over the lazy dog %s\n" % (i, "x" * (i % 50))).encode()
            f.write((line * (size // len(line) + 1))[:size])
    written.append(path)
PY
SIZE=$(du -sm "$WORK/src" | cut -f1)

run() { # name command… → seconds
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || { cat "$WORK/$name.err" >&2; exit 1; }
  cut -d' ' -f1 "$WORK/$name.time"
}
export RESTIC_PASSWORD=bench-password RESTIC_REPOSITORY="$WORK/restic"
restic init >/dev/null 2>&1
export BACKUPCONSOLE_ENCRYPTION_KEY=$(head -c 32 /dev/urandom | base64)
sync
echo "Measuring ($SIZE MB) …" >&2
restic1=$(run restic-1 restic backup "$WORK/src")
ours1=$(run ours-1 "${APP[@]}" backup --source "file://$WORK/src" --type snapshot --pool "file://$WORK/pool")
restic2=$(run restic-2 restic backup "$WORK/src")
ours2=$(run ours-2 "${APP[@]}" backup --source "file://$WORK/src" --type snapshot --pool "file://$WORK/pool")
restic_size=$(du -sb "$WORK/restic" | cut -f1); ours_size=$(du -sb "$WORK/pool" | cut -f1)
ID=$(tail -1 "$WORK/ours-2.out")
"${APP[@]}" restore --pool "file://$WORK/pool" --backup "$ID" --target "file://$WORK/restored" >/dev/null 2>&1
same=$(diff -r "$WORK/src" "$WORK/restored" >/dev/null && echo identical || echo DIFFERENT)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" -v max="$2" 'BEGIN { print (r <= max) ? "PASS" : "FAIL" }'; }
printf '\nFile-storage benchmark: %s files, %s MB, 10%% duplicates (both encrypted)\n' "$FILES" "$SIZE"
printf '%-40s %10s %10s %7s %8s  %s\n' "measurement" "ours" "restic" "ratio" "target" "result"
r=$(ratio "$ours1" "$restic1"); printf '%-40s %9ss %9ss %7s %8s  %s\n' "first snapshot" "$ours1" "$restic1" "$r" "<= 1.5" "$(verdict "$r" 1.5)"
r=$(ratio "$ours2" "$restic2"); printf '%-40s %9ss %9ss %7s %8s  %s\n' "unchanged second snapshot" "$ours2" "$restic2" "$r" "<= 1.0" "$(verdict "$r" 1.0)"
r=$(ratio "$ours_size" "$restic_size"); printf '%-40s %10s %10s %7s %8s  %s\n' "repository size (bytes)" "$ours_size" "$restic_size" "$r" "<= 1.1" "$(verdict "$r" 1.1)"
printf '%-40s %s\n' "restored tree vs source (diff -r)" "$same"
