#!/usr/bin/env bash
# Builds src/FunctionApp and runs tests/FunctionApp.Tests where their packages (Microsoft.Azure.Functions.Worker.*,
# Microsoft.DurableTask.*) restore. Where they do not, prints one line saying what was skipped and why, and exits 0:
# everything else is built by Serverless.Local.slnf.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$root/src/FunctionApp/FunctionApp.csproj"
tests="$root/tests/FunctionApp.Tests/FunctionApp.Tests.csproj"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# The first NuGet error (NU1101 "Unable to find package ...", NU1102 "... with version ...") names the missing package.
reason() {
  { grep -oE 'error NU110[12]: [^[]+' "$log"; grep -oE 'error NU1[0-9]+: [^[]+' "$log"; } | head -n 1 | sed -E 's/[[:space:]]+$//' || true
}

if ! dotnet restore "$app" --nologo --verbosity quiet >"$log" 2>&1; then
  why="$(reason)"
  echo "FunctionApp: skipped build and tests, its packages do not restore here (${why:-see dotnet restore src/FunctionApp})"
  exit 0
fi

dotnet build "$app" --no-restore --nologo --verbosity quiet

if ! dotnet restore "$tests" --nologo --verbosity quiet >"$log" 2>&1; then
  why="$(reason)"
  echo "FunctionApp: built; tests skipped, their packages do not restore here (${why:-see dotnet restore tests/FunctionApp.Tests})"
  exit 0
fi

dotnet test "$tests" --no-restore --nologo
