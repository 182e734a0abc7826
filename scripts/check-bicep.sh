#!/usr/bin/env bash
# Builds and lints infra/bicep with the real Bicep CLI (NuGet package Azure.Bicep.CommandLine.linux-x64),
# treating every warning as a failure. The CLI is downloaded once into the git-ignored .tools/ folder.
set -euo pipefail

BICEP_VERSION="0.49.2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bicep"
packages="$tools/packages"
bicep="$packages/azure.bicep.commandline.linux-x64/$BICEP_VERSION/tools/bicep"

if [[ ! -x "$bicep" ]]; then
  mkdir -p "$tools"
  # Empty Directory.*.props/targets stop MSBuild from importing the repository's (central package management, analyzers).
  for f in Directory.Build.props Directory.Build.targets Directory.Packages.props; do
    echo '<Project />' > "$tools/$f"
  done
  cat > "$tools/download.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Azure.Bicep.CommandLine.linux-x64" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
XML
  dotnet restore "$tools/download.csproj" --packages "$packages" --nologo --verbosity quiet
  if [[ ! -f "$bicep" ]]; then
    bicep="$(find "$packages" -type f -name bicep -path '*tools*' | head -n 1)"
  fi
  chmod +x "$bicep"
fi

# Bicep reads its own config (bicepconfig.json next to main.bicep) for lint rules; warnings become errors below.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 BICEP_TRACING_ENABLED=false
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
log="$out/log.txt"

run() {
  # Bicep prints diagnostics on stderr; a line with "Warning" or "Error" fails the check.
  if ! "$bicep" "$@" >"$log" 2>&1; then
    cat "$log"; echo "bicep $1 failed"; exit 1
  fi
  if grep -Eq ': (Warning|Error) ' "$log"; then
    cat "$log"; echo "bicep $1 reported warnings"; exit 1
  fi
}

run build "$root/infra/bicep/main.bicep" --outfile "$out/main.json"
run lint "$root/infra/bicep/main.bicep"
run build-params "$root/infra/bicep/main.bicepparam" --outfile "$out/main.parameters.json"
echo "bicep $BICEP_VERSION: infra/bicep/main.bicep and main.bicepparam build and lint clean"
