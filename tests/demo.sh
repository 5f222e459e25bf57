#!/usr/bin/env bash
# The main job, for real: a simulated miner in a real container, traced.
# Installs what is missing, builds minertrace, starts a private dockerd (its
# own socket and directories, no network), runs an "app" container whose
# init forks a shell that drops a miner into /tmp, starts it and deletes it
# (as in the Kinsing-in-Metabase incident), and runs minertrace on the
# miner's host PID. The container and the private dockerd are removed at the
# end unless --keep is given.
set -euo pipefail
cd "$(dirname "$0")/.."
keep=0
[ "${1:-}" = --keep ] && keep=1
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it starts a private dockerd)" >&2; exit 1; }

tests/install-deps.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "$(nproc)" >/dev/null
export MT_SOURCE_DIR=$PWD MT_E2E_STATE=$PWD/build/demo-state
tests/e2e/dockerd.sh start >/dev/null
# shellcheck disable=SC1091
. "$MT_E2E_STATE/env"
export DOCKER_HOST
cleanup() {
	if [ "$keep" = 0 ]; then
		tests/e2e/dockerd.sh stop >/dev/null
	else
		echo "demo: left running; DOCKER_HOST=$DOCKER_HOST; stop with:"
		echo "  MT_SOURCE_DIR=$MT_SOURCE_DIR MT_E2E_STATE=$MT_E2E_STATE tests/e2e/dockerd.sh stop"
	fi
}
trap cleanup EXIT

echo "demo: starting container 'metabase' (image metabase/metabase:v0.46.6);"
echo "demo: its app drops /tmp/kdevtmpfsi, runs it and deletes it"
docker run -d --network none --name metabase -e MT_BURN=20 metabase/metabase:v0.46.6 \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi --also /tmp/kinsing \
	-o stratum+tcp://pool.minexmr.example:4444 --donate-level 1 >/dev/null
cid=$(docker inspect -f '{{.Id}}' metabase)
pid=
for _ in $(seq 1 100); do
	for p in $(pgrep -x kdevtmpfsi || true); do
		grep -q "$cid" "/proc/$p/cgroup" && pid=$p
	done
	[ -n "$pid" ] && readlink "/proc/$pid/exe" | grep -q deleted && break
	sleep 0.1
done
[ -n "$pid" ] || { echo "demo: the miner did not start" >&2; exit 1; }
echo "demo: the miner runs as host PID $pid; what top shows:"
ps -o pid,ppid,user,pcpu,comm -p "$pid"
echo
echo "demo: \$ minertrace $pid"
build/cmd/minertrace "$pid"
