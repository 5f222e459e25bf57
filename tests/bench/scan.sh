#!/usr/bin/env bash
# Benchmark: `minertrace scan` on a host with 1,000, 5,000 and 10,000
# processes and 50 containers (5 of them running a miner), against one
# `ps -eo pid,ppid,pcpu,comm,cgroup` over the same processes. Prints, for
# each size: the scan's own time without the sampling interval (scan_ms),
# the wall time of a whole `scan --interval 0`, ps's time, their ratio, the
# peak RSS, engine requests per traced container, and the time per 1,000
# processes (linear growth keeps it flat).
# Targets at 10,000: scan_ms < 300 ms, <= 3x ps, peak RSS < 64 MB, engine
# requests scale with containers, not processes.
# Usage (root): tests/bench/scan.sh
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
work=
spawners=()
cleanup() {
	for p in "${spawners[@]}"; do kill "$p" 2>/dev/null || true; done
	tests/e2e/dockerd.sh stop >/dev/null
	[ -z "$work" ] || rm -rf "$work"
}
bench_start scan.sh cleanup hyperfine jq docker ps
work=$(mktemp -d /tmp/mt-bench-scan.XXXXXX)

gcc -static -O2 -o "$work/spawn" tests/bench/spawn.c
# The idle host processes run from the state directory, not from /tmp: a
# program run from /tmp is itself a (weak) signal, and a host whose every
# process shows one is not the host this measures.
rm -f "$MT_E2E_STATE/spawn"
cp "$work/spawn" "$MT_E2E_STATE/spawn"
gcc -O2 -o "$work/statfloor" tests/bench/statfloor.c
mkdir -p "$work/img/rootfs/tmp"
cp "$work/spawn" "$work/img/rootfs/spawn"
cp "$MT_E2E_STATE/payload/mt-miner" "$work/img/rootfs/xmrig"
printf 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/spawn"]\n' >"$work/img/Dockerfile"
DOCKER_BUILDKIT=0 docker build -q -t bench/idle:1 "$work/img" >/dev/null 2>&1

# 50 containers of 20 processes each; 5 of them also run a miner
echo "scan benchmark: starting 50 containers..." >&2
for i in $(seq 1 50); do
	docker run -d --network none --name "b$i" bench/idle:1 19 >/dev/null
	if [ "$i" -le 5 ]; then
		docker exec -d -e MT_BURN=2 "b$i" /xmrig -o stratum+tcp://pool.example:3333
	fi
done
sleep 2

# spawn_to N: adds idle host processes until the host has about N
spawn_to() {
	local want=$1 have
	have=$(ls -d /proc/[0-9]* | wc -l)
	if [ "$have" -lt "$want" ]; then
		"$MT_E2E_STATE/spawn" $((want - have)) >"$work/ready" &
		spawners+=("$!")
		for _ in $(seq 1 600); do
			grep -q ready "$work/ready" 2>/dev/null && break
			sleep 0.1
		done
	fi
}

printf '%-10s %8s %10s %12s %10s %8s %12s %10s %9s %10s\n' processes cold_ms scan_ms scan_wall_ms ps_ms \
	ratio stat_floor_ms peak_rss_mb requests per_1k_ms
for n in 1000 5000 10000; do
	spawn_to "$n"
	procs=$(ls -d /proc/[0-9]* | wc -l)
	# the first scan after the processes started meets cold /proc dentries
	"$bin" scan --json --interval 1 >"$work/scan.json" || true
	cold=$(jq .scan_ms "$work/scan.json")
	# then the median of 5 scans with the default 1 s interval
	for i in 1 2 3 4 5; do
		"$bin" scan --json --interval 1 >"$work/scan.json" || true
		jq .scan_ms "$work/scan.json"
	done >"$work/scan_ms"
	scan_ms=$(sort -n "$work/scan_ms" | sed -n 3p)
	requests=$(jq .engine_requests "$work/scan.json")
	containers=$(jq .containers "$work/scan.json")
	hyperfine -N -i --warmup 2 --runs 10 --export-json "$work/h.json" \
		-n scan "$bin scan --json --interval 0" \
		-n ps "ps -eo pid,ppid,pcpu,comm,cgroup" >/dev/null 2>&1 || true
	wall=$(jq '.results[] | select(.command == "scan") | .median * 1000' "$work/h.json")
	ps_ms=$(jq '.results[] | select(.command == "ps") | .median * 1000' "$work/h.json")
	read -r floor _ < <("$work/statfloor")
	rss=$( { /usr/bin/time -f '%M' "$bin" scan --json --interval 0 >/dev/null || true; } 2>&1 | tail -n1)
	printf '%-10s %8.1f %10.1f %12.1f %10.1f %8.2f %12.1f %10.1f %9s %10.2f\n' "$procs" "$cold" "$scan_ms" \
		"$wall" "$ps_ms" "$(echo "$wall / $ps_ms" | bc -l)" "$floor" "$(echo "$rss / 1024" | bc -l)" \
		"$requests/$containers" "$(echo "$scan_ms * 1000 / $procs" | bc -l)"
done
echo "per_1k_ms = scan_ms per 1,000 processes (it falls as the fixed cost, tracing the 5 miners, weighs less)"
echo "cold_ms = scan_ms of the first scan after the processes started (cold /proc dentries)"
echo "scan_ms = the scan's own time without the 1 s interval, median of 5 (the target: < 300 at 10,000)"
echo "ratio = whole scan --interval 0 (wall) / ps; requests = engine requests / distinct containers traced"
echo "stat_floor = one pass that only opens and reads every /proc/PID/stat (tests/bench/statfloor.c);"
echo "a scan samples twice, so 2 x stat_floor is the least any scan can take on this machine"
