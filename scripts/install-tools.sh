#!/usr/bin/env bash
# Installs the local tools the tests need: Azurite (the standalone host's storage) into the git-ignored .tools/ folder
# of the repo, and Debian's Chromium (the browser of the console tests, tests/Console.Tests) when no Chromium is found.
# Idempotent and quiet: does nothing when the pinned Azurite and a Chromium are already there.
# Usage: scripts/install-tools.sh [azurite] [chromium]   (no argument: both; run-local.sh and the tests' Azurite ask
# for azurite only)
set -euo pipefail

AZURITE_VERSION="${AZURITE_VERSION:-3.37.0}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
AZURITE_BIN="$TOOLS/node_modules/.bin/azurite"
STAMP="$TOOLS/node_modules/azurite/package.json"

install_azurite() {
  if [[ -x "$AZURITE_BIN" && -f "$STAMP" ]] && grep -q "\"version\": \"$AZURITE_VERSION\"" "$STAMP"; then
    return 0
  fi

  if ! command -v npm >/dev/null 2>&1; then
    echo "install-tools: npm is required (install Node.js 18 or later, e.g. 'apt-get install nodejs npm')." >&2
    return 1
  fi

  mkdir -p "$TOOLS"
  echo "install-tools: installing azurite $AZURITE_VERSION into $TOOLS"
  npm install --prefix "$TOOLS" --no-audit --no-fund --loglevel=error "azurite@$AZURITE_VERSION"
  test -x "$AZURITE_BIN"
  echo "install-tools: done ($AZURITE_BIN)"
}

# The console tests drive a system Chromium (Playwright's own browser download cannot be used): the one in
# CONSOLE_TEST_CHROMIUM, else chromium or chromium-browser on the PATH, else Debian's package, installed here.
install_chromium() {
  if [[ -n "${CONSOLE_TEST_CHROMIUM:-}" && -x "${CONSOLE_TEST_CHROMIUM}" ]] \
    || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    return 0
  fi

  local sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "install-tools: no Chromium found, and installing it needs root: run 'apt-get install chromium' as root," \
        "or set CONSOLE_TEST_CHROMIUM to a Chromium binary." >&2
      return 1
    fi
    # Without a terminal to ask for a password on, fail rather than wait.
    [[ -t 0 ]] && sudo=(sudo) || sudo=(sudo -n)
  fi

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: no Chromium found and no apt-get to install Debian's: install Chromium," \
      "or set CONSOLE_TEST_CHROMIUM to a Chromium binary." >&2
    return 1
  fi

  echo "install-tools: installing Debian's chromium"
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    || ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; then
    echo "install-tools: could not install chromium with apt-get: install it by hand," \
      "or set CONSOLE_TEST_CHROMIUM to a Chromium binary." >&2
    return 1
  fi

  echo "install-tools: done ($(command -v chromium))"
}

# Each asked-for tool is tried, so that one missing tool does not hide another; the script fails if any could not be
# installed.
tools=("$@")
[[ ${#tools[@]} -gt 0 ]] || tools=(azurite chromium)
status=0
for tool in "${tools[@]}"; do
  case "$tool" in
    azurite) install_azurite || status=1 ;;
    chromium) install_chromium || status=1 ;;
    *) echo "install-tools: unknown tool '$tool' (azurite, chromium)" >&2; exit 2 ;;
  esac
done
exit $status
