#!/usr/bin/env bash
# The one test command: starts the real servers (scripts/test-services.sh), runs every test, stops the servers,
# prints "N passed, N failed, N skipped" as its last line and exits with the tests' result.
# Without arguments the Core suite (tests with the trait Suite=Core) then runs twice more, with the console's
# metadata on the test bed's MariaDB and then its PostgreSQL instead of SQLite (X-6).
# Extra arguments go to `dotnet test` and skip those passes, e.g. ./test.sh -- --filter-class "*Gateway*".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
RESULTS="$ROOT/TestResults"

# A CA bundle some clients reject is sometimes set machine-wide; the tests only talk to loopback.
unset AWS_CA_BUNDLE
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

trap 'bash "$ROOT/scripts/test-services.sh" stop >/dev/null 2>&1 || true' EXIT
bash "$ROOT/scripts/test-services.sh" start || { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
export BACKUPCONSOLE_TESTBED="$ROOT/.testbed/services.json"

rm -rf "$RESULTS"
dotnet test --solution BackupConsole.sln -c Release --results-directory "$RESULTS" \
  --report-xunit-trx --report-xunit-trx-filename results.trx --no-progress "$@"
code=$?

if [[ $# -eq 0 ]]; then
  for store in mysql postgresql; do
    echo "Core suite again with its metadata on the test bed's $store (BACKUPCONSOLE_TEST_METADATA=$store):"
    BACKUPCONSOLE_TEST_METADATA=$store dotnet test --project BackupConsole.Tests -c Release --no-build \
      --results-directory "$RESULTS/metadata-$store" --report-xunit-trx --report-xunit-trx-filename "results-$store.trx" \
      --no-progress --filter-trait "Suite=Core"
    again=$?
    [[ $code -eq 0 ]] && code=$again
  done
fi

attr() { grep -o "$1=\"[0-9]*\"" <<<"$2" | head -1 | grep -o '[0-9]*' || echo 0; }
passed=0 failed=0 skipped=0 files=0
while IFS= read -r -d '' trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  [[ -n "$counters" ]] || continue
  files=$((files + 1))
  total=$(attr total "$counters"); p=$(attr passed "$counters")
  f=$(( $(attr failed "$counters") + $(attr error "$counters") + $(attr timeout "$counters") + $(attr aborted "$counters") ))
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + total - p - f))
done < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)

# CI keeps only the tail of this output, so the failures are named again here, next to the counts.
while IFS= read -r -d '' trx; do
  awk -v file="${trx#"$RESULTS"/}" '
    /^<UnitTestResult / {
      want = 0; inmsg = 0; tag = $0; sub(/>.*/, "", tag)
      if (tag !~ /outcome="(Failed|Error|Timeout|Aborted)"/) next
      match(tag, /testName="[^"]*"/); name = substr(tag, RSTART + 10, RLENGTH - 11); gsub(/&quot;/, "\"", name)
      printf "FAILED (%s): %s\n", file, name; want = 4 }
    want > 0 && !inmsg && /<Message>/ { sub(/.*<Message>/, ""); inmsg = 1 }
    inmsg && want > 0 { line = $0; done = sub(/<\/Message>.*/, "", line)
      printf "  %s\n", substr(line, 1, 400); want--; if (done || want == 0) { inmsg = 0; want = 0 } }
  ' <(sed 's/<UnitTestResult /\n<UnitTestResult /g' "$trx")
done < <(find "$RESULTS" -name '*.trx' -print0 2>/dev/null)

# A run that produced no results proves nothing.
if [[ $files -eq 0 ]]; then
  failed=$((failed + 1))
  [[ $code -eq 0 ]] && code=1
fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $code
