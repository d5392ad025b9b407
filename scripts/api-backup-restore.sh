#!/usr/bin/env bash
# Drives a whole backup and restore through the REST API (X-4) with one read-write API token: binds a platform
# storage pool, registers a directory as a file-storage instance, creates a manual plan, executes it, waits for the
# backup, restores it into a new directory and waits for the restore. Prints each step; exits non-zero on the first
# refusal or failure, with the API's problem details.
# Usage: BACKUPCONSOLE_TOKEN=bc_… scripts/api-backup-restore.sh BASE_URL SOURCE_DIR RESTORE_DIR
#   BASE_URL     the console, e.g. http://127.0.0.1:5080
#   SOURCE_DIR   a directory on the console host to back up
#   RESTORE_DIR  a new directory under one of the console's Restores:DirectoryRoots
set -euo pipefail
BASE=${1:?BASE_URL}; SOURCE=${2:?SOURCE_DIR}; TARGET=${3:?RESTORE_DIR}
: "${BACKUPCONSOLE_TOKEN:?set BACKUPCONSOLE_TOKEN to a read-write API token}"
NAME="api-$(date +%Y%m%d%H%M%S)"

api() { # METHOD PATH [JSON] → the response body on stdout; problem details on stderr and exit 1 on an error status
  local out status
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$1" "$BASE/api/v1$2" \
    -H "Authorization: Bearer $BACKUPCONSOLE_TOKEN" -H 'Content-Type: application/json' ${3:+--data "$3"})
  if [ "$status" -ge 400 ]; then
    echo "$1 $2 → HTTP $status: $(cat "$out")" >&2
    rm -f "$out"
    exit 1
  fi
  cat "$out"; rm -f "$out"
}
field() { python3 -c 'import json, sys; v = json.load(sys.stdin); [v := v[k] for k in sys.argv[1:]]; print(v)' "$@"; }
quote() { python3 -c 'import json, sys; print(json.dumps(sys.argv[1]))' "$1"; }

POOL=$(api POST /pools/platform "{\"name\": \"$NAME\", \"remark\": null, \"bucket\": null}" | field id)
echo "pool      $POOL"
INSTANCE=$(api POST /instances "{\"name\": \"$NAME\", \"kind\": \"FileStorage\", \"path\": $(quote "$SOURCE")}" | field id)
echo "instance  $INSTANCE"
PLAN=$(api POST /plans "{\"name\": \"$NAME\", \"strategy\": \"Manual\", \"sourceKind\": \"FileStorage\", \"instanceId\": \"$INSTANCE\",
  \"backupType\": \"snapshot\", \"poolId\": \"$POOL\", \"retentionDays\": 7}" | field id)
echo "plan      $PLAN"
BACKUP=$(api POST "/plans/$PLAN/execute" | field backupId)
echo "backup    $BACKUP (running)"

for _ in $(seq 1 600); do
  STATUS=$(api GET "/plans/$PLAN/backups" | python3 -c 'import json, sys; print(next(b["status"] for b in json.load(sys.stdin)["items"] if b["id"] == sys.argv[1]))' "$BACKUP")
  [ "$STATUS" = Running ] || break
  sleep 1
done
[ "$STATUS" = Available ] || { echo "backup $BACKUP ended $STATUS" >&2; exit 1; }
echo "backup    $BACKUP $STATUS"

JOB=$(api POST /restores "{\"backupId\": \"$BACKUP\", \"mode\": \"Directory\", \"directory\": $(quote "$TARGET")}" | field jobId)
echo "restore   $JOB (running)"
for _ in $(seq 1 600); do
  JOBSTATE=$(api GET "/restores/$JOB")
  STATUS=$(field status <<<"$JOBSTATE")
  [ "$STATUS" = Running ] || break
  sleep 1
done
[ "$STATUS" = Succeeded ] || { echo "restore $JOB ended $STATUS: $(field error <<<"$JOBSTATE")" >&2; exit 1; }
echo "restore   $JOB $STATUS into $TARGET"
