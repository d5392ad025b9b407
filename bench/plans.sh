#!/usr/bin/env bash
# Issue #7's scale benchmark: seeds 10,000 plans and prints the plan list's server-side time (p50/p95, target p95
# under 150 ms) and the scheduler's start time with 10,000 plans. Run by hand, not in CI.
# Usage: bench/plans.sh [plans]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec dotnet run -c Release --project bench/PlanList -- "$@"
