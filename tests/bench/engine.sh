#!/usr/bin/env bash
# Benchmark: `minertrace --json PID` against what a responder runs today on
# the same container, in the same run:
#   manual   cat /proc/PID/cgroup; pstree -sp PID; docker inspect ID; readlink /proc/PID/exe
#   floor    curl --unix-socket SOCK http://localhost/v1.41/containers/ID/json
#            (one GET: the least any libcurl client of the engine can cost)
# Targets: minertrace <= 1/3 of manual, <= 1.5x floor. The static flavour
# (tests/static/build-deps.sh, -DMT_STATIC=ON; built here) runs in the same
# rounds: targets <= 0.9x floor and <= 0.20x manual, and its --version
# within 1.2x an empty statically linked program. Figures are medians
# of RUNS rounds (default 200) after 10 warm-up rounds; each round runs every
# command once, in turn (tests/bench/rounds.c), so that a VM slowing down or
# speeding up during the benchmark weighs on all of them alike.
# Two more figures show where the time of any libcurl client goes:
#   load     curl --version (libcurl and its dependencies loaded, no request)
#   four     one curl process making minertrace's four requests (events,
#            container, image, changes) on one connection
# The sizes of both flavours are printed, as built and stripped.
# MT_BENCH_BASELINE=PATH adds another minertrace (a build of an earlier
# commit, say) to the same rounds, to compare the dynamic build with it.
# Usage (root): tests/bench/engine.sh [RUNS]
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
bench_start engine.sh 'tests/e2e/dockerd.sh stop >/dev/null' gcc pstree jq curl docker
runs=${1:-200}
tests/static/build-deps.sh >/dev/null
cmake -S . -B build-static -DMT_STATIC=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# (the link's warnings about libcgroup's and libcurl's unused NSS paths are
# tests/static/check-link.sh's business)
cmake --build build-static -j "$(nproc)" --target minertrace >"$MT_E2E_STATE/static-build.log" 2>&1 ||
	{ cat "$MT_E2E_STATE/static-build.log" >&2; exit 1; }
sbin=$PWD/build-static/cmd/minertrace
printf 'int main(void) { return 0; }\n' >"$MT_E2E_STATE/empty.c"
gcc -O2 -static -o "$MT_E2E_STATE/empty-static" "$MT_E2E_STATE/empty.c"
baseline=()
[ -z "${MT_BENCH_BASELINE:-}" ] || baseline=(-- baseline "$MT_BENCH_BASELINE" --json)
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
	-- static "$sbin" --json "$pid" \
	-- static_version "$sbin" --version \
	-- empty "$MT_E2E_STATE/empty-static" \
	${baseline[@]+"${baseline[@]}" "$pid"} \
	-- manual sh -c "cat /proc/$pid/cgroup; pstree -sp $pid; docker inspect $cid; readlink /proc/$pid/exe" \
	-- floor curl -s --unix-socket "$sock" "http://localhost/v1.41/containers/$cid/json" \
	-- load curl --version \
	-- four curl -s --unix-socket "$sock" -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
	"$events" "http://localhost/v1.41/containers/$cid/json" \
	"http://localhost/v1.41/images/$image/json" "http://localhost/v1.41/containers/$cid/changes" \
	>"$out"
requests=$("$bin" --json "$pid" | jq .engine.requests)
# size: as built (with debug information) and stripped
sizes() {
	strip -o "$MT_E2E_STATE/stripped" "$1"
	echo "$(stat -c %s "$1") $(stat -c %s "$MT_E2E_STATE/stripped")"
}
read -r dyn_size dyn_stripped < <(sizes "$bin")
read -r st_size st_stripped < <(sizes "$sbin")
jq -r --argjson req "$requests" --argjson ds "$dyn_size" --argjson dss "$dyn_stripped" \
	--argjson ss "$st_size" --argjson sss "$st_stripped" '
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
	  "  minertrace / curl 4     \(($m / $r.four.median) * 1000 | round / 1000)",
	  "static flavour (same rounds):",
	  "  static --json PID       \($r.static.median | ms) ms  (mean \($r.static.mean | ms) ms)",
	  "  static / floor          \(($r.static.median / $f) * 1000 | round / 1000)  (target <= 0.9: \(if $r.static.median / $f <= 0.9 then "met" else "MISSED" end))",
	  "  static / manual         \(($r.static.median / $p) * 1000 | round / 1000)  (target <= 0.20: \(if $r.static.median / $p <= 0.2 then "met" else "MISSED" end))",
	  "  static / dynamic        \(($r.static.median / $m) * 1000 | round / 1000)",
	  "  static --version        \($r.static_version.median | ms) ms, empty static program \($r.empty.median | ms) ms: \(($r.static_version.median / $r.empty.median) * 1000 | round / 1000)  (target <= 1.2: \(if $r.static_version.median / $r.empty.median <= 1.2 then "met" else "MISSED" end))",
	  (if $r.baseline then "  dynamic / baseline      \(($m / $r.baseline.median) * 1000 | round / 1000)  (baseline \($r.baseline.median | ms) ms: the dynamic build no slower: \(if $m <= $r.baseline.median * 1.02 then "met" else "MISSED" end))" else empty end),
	  "sizes (bytes, as built with debug information / stripped):",
	  "  dynamic                 \($ds) / \($dss)  (and libcurl, libcrypto, cJSON, libcgroup loaded from the host)",
	  "  static                  \($ss) / \($sss)"
' "$out"
