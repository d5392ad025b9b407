#!/usr/bin/env bash
# Issue #3's throttle benchmark: prints achieved vs configured bandwidth through a gateway's limiter over loopback.
# Usage: bench/gateway-throttle.sh [seconds-per-rate]   (exit code 1 when a required rate is outside ±10 %)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec dotnet run -c Release --project bench/GatewayThrottle -- "$@"
