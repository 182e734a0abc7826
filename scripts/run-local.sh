#!/usr/bin/env bash
# One command to run the standalone host locally: installs Azurite if missing, starts it with its data in the
# git-ignored .azurite/ folder (or uses the Azurite already running on the same ports), waits until it answers, then
# runs the host. Ctrl-C stops both (an Azurite this script did not start is left running).
#   scripts/run-local.sh [extra host arguments, e.g. --urls http://127.0.0.1:8080]
# Environment:
#   AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT, AZURITE_TABLE_PORT   Azurite's ports on 127.0.0.1 (10000, 10001, 10002)
#   AZURITE_DEBUG=1     also write Azurite's debug log to .azurite/debug.log (it grows by about 500 MB an hour)
#   ASPNETCORE_URLS     the host's address (http://127.0.0.1:7071), like --urls
#   Secrets__NAME       the value of ${{ secrets.NAME }} in http nodes; any other host setting as Host__..., Executors__...
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/install-tools.sh" azurite

BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
DATA="$ROOT/.azurite"
mkdir -p "$DATA"

AZURITE_PID=""
HOST_PID=""
stop() { # pid, seconds to wait after SIGTERM before SIGKILL
  local pid="$1" tries=$(( $2 * 10 ))
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && (( tries-- > 0 )); do sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  trap - INT TERM EXIT
  stop "$HOST_PID" 30   # the host finishes in-flight work and releases its leases
  stop "$AZURITE_PID" 5
}
# A signal ends the script after the cleanup (bash runs the trap once a foreground command such as the build ends).
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap cleanup EXIT

listening() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Asks 127.0.0.1:port "GET /devstoreaccount1" with a storage API version from the future and prints the answer's
# Server header and x-ms-error-code as "server|code": Azurite answers "Azurite-Table/3.x|" on its table port, and
# "...|InvalidHeaderValue" when it checks API versions (started without --skipApiVersionCheck, it refuses this host's
# storage SDK). Prints "|" when nothing answers HTTP within 5 seconds (an Azurite on a busy machine can take over 2).
# Plain bash, so the check needs no curl.
probe() {
  local port="$1" line server="" code=""
  exec 3<>"/dev/tcp/127.0.0.1/$port" || { echo "|"; return 0; }
  printf 'GET /devstoreaccount1 HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nx-ms-version: 2099-12-31\r\nConnection: close\r\n\r\n' "$port" >&3 2>/dev/null || true
  while IFS= read -r -t 5 line <&3; do
    line="${line%$'\r'}"
    [[ -z "$line" ]] && break
    case "$line" in
      [Ss][Ee][Rr][Vv][Ee][Rr]:*) server="${line#*:}"; server="${server# }" ;;
      [Xx]-[Mm][Ss]-[Ee][Rr][Rr][Oo][Rr]-[Cc][Oo][Dd][Ee]:*) code="${line#*:}"; code="${code# }" ;;
    esac
  done
  exec 3<&- 3>&- || true
  echo "$server|$code"
}

# Each port either is free or answers as that Azurite service. Anything else is refused: the host would otherwise
# write its task hub into whatever listens there, or fail later with a storage error that names no cause.
ports=("$BLOB_PORT" "$QUEUE_PORT" "$TABLE_PORT")
services=(Blob Queue Table)
variables=(AZURITE_BLOB_PORT AZURITE_QUEUE_PORT AZURITE_TABLE_PORT)
running=0
for i in 0 1 2; do
  port="${ports[$i]}"
  if ! listening "$port"; then
    continue
  fi
  answer="$(probe "$port" 2>/dev/null)"
  server="${answer%%|*}"
  code="${answer#*|}"
  case "$server" in
    "Azurite-${services[$i]}/"*) ;;
    *)
      if [[ -n "$server" ]]; then seen="it answered as '$server'"; else seen="it gave no HTTP answer naming its server"; fi
      echo "run-local: 127.0.0.1:$port (${variables[$i]}) is in use by something that is not Azurite's ${services[$i]} service" \
        "($seen). Stop it, or choose a free port, e.g. ${variables[$i]}=$((port + 100)) scripts/run-local.sh" >&2
      exit 2
      ;;
  esac
  if [[ "$code" == InvalidHeaderValue ]]; then
    echo "run-local: the Azurite on 127.0.0.1:$port (${variables[$i]}) checks storage API versions and would refuse the host's" \
      "storage SDK. Restart it with --skipApiVersionCheck, or stop it and let this script start its own." >&2
    exit 2
  fi
  running=$((running + 1))
done

if (( running == 3 )); then
  echo "run-local: using the Azurite already running on 127.0.0.1:$BLOB_PORT, $QUEUE_PORT, $TABLE_PORT"
elif (( running > 0 )); then
  echo "run-local: only some of Azurite's ports answer as Azurite (blob $BLOB_PORT, queue $QUEUE_PORT, table $TABLE_PORT)." \
    "Stop that Azurite, or set AZURITE_BLOB_PORT, AZURITE_QUEUE_PORT and AZURITE_TABLE_PORT to its ports or to free ones." >&2
  exit 2
else
  echo "run-local: starting Azurite on 127.0.0.1:$BLOB_PORT, $QUEUE_PORT, $TABLE_PORT (data in $DATA, output in $DATA/azurite.log)"
  debug=()
  if [[ "${AZURITE_DEBUG:-0}" == 1 ]]; then
    debug=(--debug "$DATA/debug.log")
    echo "run-local: AZURITE_DEBUG=1: Azurite's debug log in $DATA/debug.log (about 500 MB an hour)"
  fi
  "$ROOT/.tools/node_modules/.bin/azurite" --silent --skipApiVersionCheck --disableProductStyleUrl \
    --location "$DATA" ${debug[@]+"${debug[@]}"} \
    --blobHost 127.0.0.1 --blobPort "$BLOB_PORT" \
    --queueHost 127.0.0.1 --queuePort "$QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$TABLE_PORT" >"$DATA/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 600); do
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "run-local: Azurite exited:" >&2
      tail -n 20 "$DATA/azurite.log" >&2
      exit 1
    fi
    if listening "$TABLE_PORT" && listening "$QUEUE_PORT" && listening "$BLOB_PORT"; then
      break
    fi
    sleep 0.1
  done
  if ! listening "$TABLE_PORT" || ! listening "$QUEUE_PORT" || ! listening "$BLOB_PORT" || ! kill -0 "$AZURITE_PID" 2>/dev/null; then
    echo "run-local: Azurite did not start within 60 seconds; see $DATA/azurite.log" >&2
    exit 1
  fi
fi

CONN="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$TABLE_PORT/devstoreaccount1;"
export Host__Storage__ConnectionString="${Host__Storage__ConnectionString:-$CONN}"

# The address the host will listen on, for the message: --urls wins over ASPNETCORE_URLS, as in the host.
URLS="${ASPNETCORE_URLS:-http://127.0.0.1:7071}"
previous=""
for arg in "$@"; do
  case "$previous:$arg" in
    --urls:*) URLS="$arg" ;;
    *:--urls=*) URLS="${arg#--urls=}" ;;
  esac
  previous="$arg"
done

echo "run-local: building and starting the host on $URLS (Ctrl-C stops the host and the Azurite this script started)"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
dotnet build "$ROOT/src/Standalone/Standalone.csproj" -c Release -v quiet -nologo
# The built assembly runs directly (not under 'dotnet run') so Ctrl-C and SIGTERM reach the host itself.
dotnet "$ROOT/src/Standalone/bin/Release/net10.0/Serverless.Standalone.dll" "$@" &
HOST_PID=$!
wait "$HOST_PID"
