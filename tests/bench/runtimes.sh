#!/usr/bin/env bash
# Benchmark: a Kubernetes pod's miner traced through the CRI against the
# Docker trace of the same static miner, in the same run:
#   cri      minertrace --json PID of a pod's container on the private
#            containerd (tests/e2e/containerd.sh: its CRI plugin), created
#            as the kubelet does (tests/e2e/cri/cri.py), the image's init
#            dropping the miner; --runtime-endpoint names that containerd's
#            socket, as /run/containerd/containerd.sock is on a real node
#   docker   minertrace --json PID of the same image and miner in a
#            container of the private dockerd
#   cri_late the pod's trace without --runtime-endpoint: nothing can be
#            asked ahead (no socket at the usual places), the CRI is asked
#            once the shim is found: what the prefetch saves
#   cri_exec the miner of a second container of the pod (another image,
#            so that neither trace sees a container of its image but its
#            own) into which an ExecSync is alive: containerd's
#            Tasks.ListPids is asked too for the exec IDs (the shim runs
#            runc ps): what it costs
# Target: cri <= 1.2x docker. Medians of RUNS rounds (default 200) after 10
# warm-up rounds; each round runs both in turn (tests/bench/rounds.c).
# Not run in CI. Usage (root): tests/bench/runtimes.sh [RUNS]
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
stop_all() {
	[ -z "${execsync:-}" ] || kill "$execsync" 2>/dev/null || true
	if [ -n "${pod:-}" ]; then
		/usr/bin/python3 tests/e2e/cri/cri.py remove-pod "$pod" >/dev/null 2>&1 || true
	fi
	rmdir /sys/fs/cgroup/*/kubepods/besteffort/"pod${uid:-none}" 2>/dev/null || true
	tests/e2e/containerd.sh stop >/dev/null 2>&1 || true
	docker rm -f bench-docker >/dev/null 2>&1 || true
	tests/e2e/dockerd.sh stop >/dev/null
}
bench_start runtimes.sh stop_all gcc jq docker ctr containerd
runs=${1:-200}
tests/e2e/containerd.sh start >/dev/null
# shellcheck disable=SC1091
. "$MT_E2E_STATE/containerd/env"
export CONTAINERD_ADDRESS MT_CRI_PY

# find_miner NAME CGROUP-WORD [LINK-WORD]: the PID of the miner NAME whose
# cgroup names CGROUP-WORD, once its executable's link says LINK-WORD
# (default: deleted).
find_miner() {
	local p
	for _ in $(seq 1 100); do
		for p in $(pgrep -x "$1" || true); do
			grep -q "$2" "/proc/$p/cgroup" && readlink "/proc/$p/exe" | grep -q "${3:-deleted}" &&
				{ echo "$p"; return 0; }
		done
		sleep 0.1
	done
	return 1
}

docker run -d --network none --name bench-docker -e MT_BURN=5 metabase/metabase:v0.46.6 \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi >/dev/null
did=$(docker inspect -f '{{.Id}}' bench-docker)
dpid=$(find_miner kdevtmpfsi "$did") || { echo "runtimes.sh: the Docker miner did not start" >&2; exit 1; }

uid=$(cat /proc/sys/kernel/random/uuid)
pod=$(/usr/bin/python3 tests/e2e/cri/cri.py run-pod bench-7d9f bench "$uid")
cid=$(/usr/bin/python3 tests/e2e/cri/cri.py create "$pod" bench-7d9f bench "$uid" api \
	docker.io/metabase/metabase:v0.46.6 app /bin/sh DROP /usr/share/payload/miner /tmp/kworkerds)
/usr/bin/python3 tests/e2e/cri/cri.py start "$cid"
cpid=$(find_miner kworkerds "$cid") || { echo "runtimes.sh: the pod's miner did not start" >&2; exit 1; }
xid=$(/usr/bin/python3 tests/e2e/cri/cri.py create "$pod" bench-7d9f bench "$uid" worker \
	docker.io/xmrig/xmrig:6.21.0)
/usr/bin/python3 tests/e2e/cri/cri.py start "$xid"
xpid=$(find_miner xmrig "$xid" /usr/bin/xmrig) || { echo "runtimes.sh: the second miner did not start" >&2; exit 1; }
/usr/bin/python3 tests/e2e/cri/cri.py exec-sync "$xid" 3600 /usr/bin/xmrig --bench-exec \
	>/dev/null 2>&1 &
execsync=$!
for _ in $(seq 1 100); do
	for p in $(pgrep -f -- "^/usr/bin/xmrig --bench-exec" || true); do
		grep -q "$xid" "/proc/$p/cgroup" && break 2
	done
	sleep 0.1
done

ep=unix://$CONTAINERD_ADDRESS
"$bin" --json --runtime-endpoint "$ep" "$cpid" >"$MT_E2E_STATE/cri.json"
jq -e '.containers[0].engine.name == "api" and .containers[0].kubernetes.pod_name == "bench-7d9f"' \
	"$MT_E2E_STATE/cri.json" >/dev/null || { echo "runtimes.sh: the CRI trace lacks the pod's names" >&2; exit 1; }
"$bin" --json --runtime-endpoint "$ep" "$xpid" >"$MT_E2E_STATE/cri-exec.json"
jq -e '.containers[0].engine.exec_sessions | length == 1' "$MT_E2E_STATE/cri-exec.json" >/dev/null ||
	{ echo "runtimes.sh: the trace of the container with an exec lacks its exec session" >&2; exit 1; }
"$bin" --json "$dpid" | jq -e '.containers[0].engine.name == "bench-docker"' >/dev/null ||
	{ echo "runtimes.sh: the Docker trace lacks the container's name" >&2; exit 1; }

out=$MT_E2E_STATE/bench-runtimes.json
gcc -O2 -o "$MT_E2E_STATE/rounds" tests/bench/rounds.c
"$MT_E2E_STATE/rounds" "$runs" 10 \
	-- cri "$bin" --json --runtime-endpoint "$ep" "$cpid" \
	-- docker "$bin" --json "$dpid" \
	-- cri_late "$bin" --json "$cpid" \
	-- cri_exec "$bin" --json --runtime-endpoint "$ep" "$xpid" >"$out"
jq -r --argjson creq "$(jq .engine.requests "$MT_E2E_STATE/cri.json")" \
	--argjson xreq "$(jq .engine.requests "$MT_E2E_STATE/cri-exec.json")" \
	--argjson dreq "$("$bin" --json "$dpid" | jq .engine.requests)" '
	def ms: . * 1000 * 100 | round / 100;
	(.results | map({key: .command, value: .}) | from_entries) as $r
	| ($r.cri.median) as $c | ($r.docker.median) as $d
	| "runtimes benchmark: medians of \($r.cri.times | length) alternating rounds, same image and miner",
	  "  CRI pod (containerd)    \($c | ms) ms  (mean \($r.cri.mean | ms) ms, \($creq) gRPC requests)",
	  "  Docker container        \($d | ms) ms  (mean \($r.docker.mean | ms) ms, \($dreq) engine requests)",
	  "  cri / docker            \(($c / $d) * 1000 | round / 1000)  (target <= 1.2: \(if $c / $d <= 1.2 then "met" else "MISSED" end))",
	  "  CRI asked only late     \($r.cri_late.median | ms) ms  (mean \($r.cri_late.mean | ms) ms; cri / late \(($c / $r.cri_late.median) * 1000 | round / 1000))",
	  "  CRI, an exec alive      \($r.cri_exec.median | ms) ms  (mean \($r.cri_exec.mean | ms) ms, \($xreq) gRPC requests with ListPids; / docker \(($r.cri_exec.median / $d) * 1000 | round / 1000))"
' "$out"
