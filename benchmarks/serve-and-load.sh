#!/usr/bin/env bash
# Serves a data directory, waits until ready, idles 30 s, records resident memory and recengine_memory_bytes, then
# runs `load` at 100 and at 200 req/s for 60 s each (each its own process on the same box). How the 1M rows of
# benchmarks/RESULTS.md (Memory) are measured.
#
#   benchmarks/serve-and-load.sh BUILD_DIR DATA_DIR OUT_PREFIX [USERS]
#
# BUILD_DIR holds RecEngine.dll (`dotnet build RecEngine -c Release -o DIR`); the load tool is built beside it into
# BUILD_DIR/bench. Writes OUT_PREFIX.txt (figures), OUT_PREFIX.100.json, OUT_PREFIX.200.json and OUT_PREFIX.serve.log.
# Serves with a 64 MB gen-0 budget, as docs/results.md says to serve a million videos. Port 5000 must be free.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 BUILD_DIR DATA_DIR OUT_PREFIX [USERS]" >&2
  exit 2
fi
BUILD=$1 DATA=$2 OUT=$3 USERS=${4:-100000}
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
[ -f "$BUILD/RecEngine.dll" ] || { echo "no RecEngine.dll in $BUILD" >&2; exit 2; }
[ -d "$DATA" ] || { echo "no data directory $DATA" >&2; exit 2; }
if [ ! -f "$BUILD/bench/RecEngine.Benchmarks.dll" ]; then
  dotnet build "$ROOT/benchmarks/RecEngine.Benchmarks" -c Release -o "$BUILD/bench" >/dev/null
fi
URL=http://127.0.0.1:5000
start=$(date +%s)
DOTNET_GCgen0size=0x4000000 dotnet "$BUILD/RecEngine.dll" serve --urls $URL --RecEngine:DataDir="$DATA" > "$OUT.serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf $URL/health/ready >/dev/null; do
  sleep 1
  kill -0 $PID 2>/dev/null || { echo "the server exited; see $OUT.serve.log" >&2; exit 1; }
done
{
  echo "ready after $(( $(date +%s) - start )) s; load average $(cut -d' ' -f1-3 /proc/loadavg)"
  sleep 30
  echo "RSS at ready + 30 s: $(grep VmRSS /proc/$PID/status)"
  curl -s $URL/metrics | grep '^recengine_memory_bytes'
  for rps in 100 200; do
    echo "load average before $rps req/s: $(cut -d' ' -f1-3 /proc/loadavg)"
    dotnet "$BUILD/bench/RecEngine.Benchmarks.dll" load --url $URL --rps $rps --seconds 60 --users "$USERS" --json "$OUT.$rps.json" 2>&1
  done
  echo "RSS after: $(grep VmRSS /proc/$PID/status)"
} | tee "$OUT.txt"
