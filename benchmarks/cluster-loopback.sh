#!/usr/bin/env bash
# Issue 22, item 5: one process against three `serve --cluster` silos (Redis membership) on loopback, the same trained
# world copied into each data directory, the same total request rate (the cluster's split over three load tools, one
# per silo). Prints the load tool's figures and, for the silos, what the cluster counters did during the load.
#   WORLD=data/local RPS=150 SECS=30 benchmarks/cluster-loopback.sh
# Needs redis-server (Debian's), a Release build of RecEngine and of the benchmarks (the load tool).
set -u
cd "$(dirname "$0")/.."
APP=${APP:-RecEngine/bin/Release/net10.0/RecEngine.dll}
LOAD=${LOAD:-benchmarks/RecEngine.Benchmarks/bin/Release/net10.0/RecEngine.Benchmarks.dll}
WORLD=${WORLD:?a data directory with a trained model version}
W=${OUT:-/tmp/recengine-cluster-loopback}
RPS=${RPS:-150}
SECS=${SECS:-30}
rm -rf $W && mkdir -p $W
ALL=()
cleanup() { for p in "${ALL[@]}"; do kill $p 2>/dev/null; done; sleep 15; for p in "${ALL[@]}"; do kill -9 $p 2>/dev/null; done; }
trap cleanup EXIT
for d in single s1 s2 s3; do cp -r "$WORLD" $W/$d; rm -rf $W/$d/models/*/shards; done
ready() { for t in $(seq 1 120); do
  body=$(curl -s "$1/v1/recommendations/u1?k=20"); if echo "$body" | grep -q '"model_version":"v' && echo "$body" | grep -q '"degraded":false'; then return 0; fi; sleep 0.5; done; return 1; }
warmed() { for t in $(seq 1 400); do grep -qE "Related videos warmed|warm-up failed" $1 && return 0; sleep 0.5; done; echo "no warm-up line in $1"; }
warm() { dotnet $LOAD load --url $1 --rps 50 --seconds 5 --users 10000 > /dev/null 2>&1; }
echo "start $(date -u +%H:%M:%S) $(uptime)"
# 1. single process
dotnet $APP serve --urls http://127.0.0.1:5200 --RecEngine:DataDir=$W/single > $W/single.log 2>&1 & SP=$!; ALL+=($SP)
ready http://127.0.0.1:5200 || echo "single not ready"
warmed $W/single.log
warm http://127.0.0.1:5200
echo "single load $(uptime)"
curl -s http://127.0.0.1:5200/metrics | grep -E "^recengine_serving_degraded_total" > $W/single.before
dotnet $LOAD load --url http://127.0.0.1:5200 --rps $RPS --seconds $SECS --users 10000 --json $W/single.json > $W/single.load.log 2>&1
echo "single degraded before/after:"; cat $W/single.before; curl -s http://127.0.0.1:5200/metrics | grep -E "^recengine_serving_degraded_total"
kill $SP; wait $SP 2>/dev/null
# 2. three silos, Redis membership
redis-server --port 6390 --save '' --appendonly no > $W/redis.log 2>&1 & RP=$!; ALL+=($RP)
sleep 1
PIDS=()
for i in 1 2 3; do
  dotnet $APP serve --cluster --urls http://127.0.0.1:520$i --RecEngine:DataDir=$W/s$i --RecEngine:Cluster:Redis=127.0.0.1:6390 \
    --RecEngine:Cluster:SiloPort=1121$i --RecEngine:Cluster:GatewayPort=3010$i > $W/s$i.log 2>&1 & PIDS+=($!); ALL+=($!)
  sleep 2
done
for i in 1 2 3; do ready http://127.0.0.1:520$i || echo "silo $i not ready"; done
for i in 1 2 3; do warmed $W/s$i.log; done
grep -h "Related videos warmed" $W/single.log $W/s?.log
for i in 1 2 3; do warm http://127.0.0.1:520$i; done
metrics() { for i in 1 2 3; do curl -s http://127.0.0.1:520$i/metrics | grep -E "^recengine_cluster|^recengine_serving_degraded_total" | sed "s/^/silo$i /"; done; }
metrics > $W/metrics.before
echo "cluster load $(uptime)"
LP=()
for i in 1 2 3; do dotnet $LOAD load --url http://127.0.0.1:520$i --rps $((RPS / 3)) --seconds $SECS --users 10000 --json $W/silo$i.json > $W/silo$i.load.log 2>&1 & LP+=($!); done
wait "${LP[@]}"
metrics > $W/metrics.after
echo "during the cluster load (after minus before):"
python3 - $W/metrics.before $W/metrics.after <<'PY'
import sys
def read(f):
    return {k: float(v) for k, v in (line.rstrip('\n').rsplit(' ', 1) for line in open(f))}
b, a = read(sys.argv[1]), read(sys.argv[2])
changed = [(k, int(a[k] - b.get(k, 0))) for k in sorted(a) if a[k] - b.get(k, 0)]
print('\n'.join(f'  {k} {v}' for k, v in changed) or '  (no change)')
PY
kill "${PIDS[@]}"; sleep 10; kill -9 "${PIDS[@]}" 2>/dev/null
kill $RP; wait $RP 2>/dev/null
echo "end $(date -u +%H:%M:%S) $(uptime)"
for f in single silo1 silo2 silo3; do python3 -c "import json;d=json.load(open('$W/$f.json'));print('$f',{k:v for k,v in d.items() if not isinstance(v,list)})"; done
