#!/usr/bin/env bash
# Refreshes the browser libraries shipped in BackupConsole/wwwroot/lib from the versions pinned in
# BackupConsole/ClientLibraries/package-lock.json. ApexCharts stays on 4.x: the last MIT-licensed line (5.x and later
# need a commercial OEM licence for a product other people use).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/BackupConsole/ClientLibraries/package.json" "$ROOT/BackupConsole/ClientLibraries/package-lock.json" "$WORK/"
(cd "$WORK" && npm ci --no-audit --no-fund --loglevel=error)
install -D -m 0644 "$WORK/node_modules/apexcharts/dist/apexcharts.min.js" "$ROOT/BackupConsole/wwwroot/lib/apexcharts/apexcharts.min.js"
install -D -m 0644 "$WORK/node_modules/apexcharts/LICENSE" "$ROOT/BackupConsole/wwwroot/lib/apexcharts/LICENSE"
echo "apexcharts $(node -p "require('$WORK/node_modules/apexcharts/package.json').version") copied into BackupConsole/wwwroot/lib/apexcharts"
