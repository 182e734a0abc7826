#!/usr/bin/env bash
# The project's test command: installs what the tests need, builds everything that builds here, runs every test.
# Usage: scripts/test.sh            (from anywhere; a fresh clone needs only the .NET 10 SDK and Node.js 20+)
set -euo pipefail
cd "$(dirname "$0")/.."

# Azurite (for the standalone host's integration tests) into the git-ignored .tools folder.
if [ -x scripts/install-tools.sh ]; then
  scripts/install-tools.sh
fi

solution=Serverless.sln
[ -f Serverless.Local.slnf ] && solution=Serverless.Local.slnf

log=$(mktemp)
status=0
dotnet test "$solution" -c Release 2>&1 | tee "$log" || status=$?

# One plain closing line for the whole run, summed over the test assemblies.
passed=$(grep -Eo 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"

# Checks of what cannot run as .NET tests here: Bicep lint, and the Functions app where its packages restore.
if [ -x scripts/check-bicep.sh ]; then
  scripts/check-bicep.sh || status=1
fi
if [ -x scripts/check-functionapp.sh ]; then
  scripts/check-functionapp.sh || status=1
fi

echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
