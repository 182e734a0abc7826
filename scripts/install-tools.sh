#!/usr/bin/env bash
# Installs the local tools the standalone host needs into the git-ignored .tools/ folder of the repo.
# Idempotent: does nothing when the pinned version is already there.
set -euo pipefail

AZURITE_VERSION="${AZURITE_VERSION:-3.37.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
AZURITE_BIN="$TOOLS/node_modules/.bin/azurite"
STAMP="$TOOLS/node_modules/azurite/package.json"

if ! command -v npm >/dev/null 2>&1; then
  echo "install-tools: npm is required (install Node.js 18 or later, e.g. 'apt-get install nodejs npm')." >&2
  exit 1
fi

if [[ -x "$AZURITE_BIN" && -f "$STAMP" ]] && grep -q "\"version\": \"$AZURITE_VERSION\"" "$STAMP"; then
  echo "install-tools: azurite $AZURITE_VERSION already in $TOOLS"
  exit 0
fi

mkdir -p "$TOOLS"
echo "install-tools: installing azurite $AZURITE_VERSION into $TOOLS"
npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION"
test -x "$AZURITE_BIN"
echo "install-tools: done ($AZURITE_BIN)"
