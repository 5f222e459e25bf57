#!/usr/bin/env bash
# Benchmark: `minertrace --json PID` against what a responder runs today on
# the same container, in the same run:
#   manual   cat /proc/PID/cgroup; pstree -sp PID; docker inspect ID; readlink /proc/PID/exe
#   floor    curl --unix-socket SOCK http://localhost/v1.41/containers/ID/json
#            (one GET: the least any libcurl client of the engine can cost)
# Targets: minertrace <= 1/3 of manual, <= 1.5x floor. Figures are medians
# of RUNS rounds (default 200) after 10 warm-up rounds; each round runs every
# command once, in turn (tests/bench/rounds.c), so that a VM slowing down or
# speeding up during the benchmark weighs on all of them alike.
# Two more figures show where the time of any libcurl client goes:
#   load     curl --version (libcurl and its dependencies loaded, no request)
#   four     one curl process making minertrace's four requests (events,
#            container, image, changes) on one connection
# Usage (root): tests/bench/engine.sh [RUNS]
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_start engine.sh 'tests/e2e/dockerd.sh stop >/dev/null' gcc pstree jq curl docker
runs=${1:-200}
sock=${DOCKER_HOST#unix://}
docker run -d --network none --name bench -e MT_BURN=5 metabase/metabase:v0.46.6 \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi --also /tmp/kinsing >/dev/null
cid=$(docker inspect -f '{{.Id}}' bench)
pid=
for _ in $(seq 1 100); do
	for p in $(pgrep -x kdevtmpfsi || true); do grep -q "$cid" "/proc/$p/cgroup" && pid=$p; done
	[ -n "$pid" ] && readlink "/proc/$pid/exe" | grep -q deleted && break
	sleep 0.1
done
[ -n "$pid" ] || { echo "engine.sh: the miner did not start" >&2; exit 1; }

image=$(docker inspect -f '{{.Image}}' bench)
# The requests minertrace makes, in its order; until is in the past, as
# minertrace's own (the engine would otherwise hold the reply until then).
filter=$(jq -rn --arg id "$cid" '{container: [$id]} | tojson | @uri')
events="http://localhost/events?since=$(($(date +%s) - 86400))&until=$(date +%s)&filters=$filter"
out=$MT_E2E_STATE/bench.json
gcc -O2 -o "$MT_E2E_STATE/rounds" tests/bench/rounds.c
"$MT_E2E_STATE/rounds" "$runs" 10 \
	-- minertrace "$bin" --json "$pid" \
	-- manual sh -c "cat /proc/$pid/cgroup; pstree -sp $pid; docker inspect $cid; readlink /proc/$pid/exe" \
	-- floor curl -s --unix-socket "$sock" "http://localhost/v1.41/containers/$cid/json" \
	-- load curl --version \
	-- four curl -s --unix-socket "$sock" -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$events" "http://localhost/v1.41/containers/$cid/json" \
	"http://localhost/v1.41/images/$image/json" "http://localhost/v1.41/containers/$cid/changes" \
	>"$out"
requests=$("$bin" --json "$pid" | jq .engine.requests)
jq -r --argjson req "$requests" '
	def ms: . * 1000 * 100 | round / 100;
	(.results | map({key: .command, value: .}) | from_entries) as $r
	| ($r.minertrace.median) as $m | ($r.manual.median) as $p | ($r.floor.median) as $f
	| "engine benchmark: medians of \($r.minertrace.times | length) alternating rounds, same container",
	  "  minertrace --json PID   \($m | ms) ms  (mean \($r.minertrace.mean | ms) ms, \($req) engine requests)",
	  "  manual pipeline         \($p | ms) ms  (mean \($r.manual.mean | ms) ms)",
	  "  curl GET (floor)        \($f | ms) ms  (mean \($r.floor.mean | ms) ms)",
	  "  minertrace / manual     \(($m / $p) * 1000 | round / 1000)  (target <= 0.333: \(if $m / $p <= (1/3) then "met" else "MISSED" end))",
	  "  minertrace / floor      \(($m / $f) * 1000 | round / 1000)  (target <= 1.5: \(if $m / $f <= 1.5 then "met" else "MISSED" end))",
	  "where the time of a libcurl client goes (fractions of the manual pipeline):",
	  "  curl --version          \($r.load.median | ms) ms  \(($r.load.median / $p) * 1000 | round / 1000)  libcurl and its dependencies loaded, no request",
	  "  curl, same 4 requests   \($r.four.median | ms) ms  \(($r.four.median / $p) * 1000 | round / 1000)  one process, one connection: the least these requests cost",
	  "  minertrace / curl 4     \(($m / $r.four.median) * 1000 | round / 1000)"
' "$out"
