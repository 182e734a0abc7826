#!/usr/bin/env bash
# The project's test command: installs what the tests need, builds Serverless.sln (every project: engine, standalone
# host, durable adapter, Functions app, benchmarks), runs every test, and lints the Bicep templates.
# Usage: scripts/test.sh            (from anywhere; a fresh clone needs only the .NET 10 SDK and Node.js 20+)
set -euo pipefail
cd "$(dirname "$0")/.."

# Azurite (the storage of the standalone host's and the Durable Task tests) into the git-ignored .tools folder.
scripts/install-tools.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet build Serverless.sln -c Release -nologo -v quiet || status=$?
if [ "$status" -eq 0 ]; then
  dotnet test Serverless.sln -c Release --no-build 2>&1 | tee "$log" || status=$?
fi

# One plain closing line for the whole run, summed over the test assemblies.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
assemblies=$(grep -Ec '^(Passed|Failed)! ' "$log" || true)

# What cannot run as a .NET test: the Bicep build and lint with the real CLI.
scripts/check-bicep.sh || status=1

echo "test assemblies: $assemblies"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
