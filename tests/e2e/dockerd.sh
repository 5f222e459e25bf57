#!/usr/bin/env bash
# Starts (start) or stops (stop) the private dockerd of the end-to-end tests,
# registered with CTest as the "dockerd" fixture. It never touches the
# host's engine: its own socket, data root, exec root and pid file, no
# bridge, no iptables, no masquerading; containers run with --network none.
# start also builds the test images FROM scratch out of static binaries:
#   metabase/metabase:v0.46.6  an app whose init forks a shell that drops a miner
#   xmrig/xmrig:6.21.0         an image whose own entrypoint is the miner
#   acme/web:1.4               a legitimate idle service
set -euo pipefail
: "${MT_SOURCE_DIR:?}" "${MT_E2E_STATE:?}"

state=$MT_E2E_STATE
# unix socket paths are limited to 108 bytes: keep the run dir short
run=/tmp/mt-e2e-$(printf '%s' "$state" | sha256sum | cut -c1-8)
payload_src=$MT_SOURCE_DIR/tests/e2e/payload
fixture=dockerd
# shellcheck source=fixture.sh
. "$MT_SOURCE_DIR/tests/e2e/fixture.sh"
# shellcheck source=images.sh
. "$MT_SOURCE_DIR/tests/e2e/images.sh"

stop() {
	if [ -f "$run/docker.pid" ] && [ -S "$run/docker.sock" ]; then
		DOCKER_HOST=unix://$run/docker.sock docker ps -aq 2>/dev/null |
			xargs -r env DOCKER_HOST="unix://$run/docker.sock" docker rm -f >/dev/null 2>&1 || true
	fi
	stop_pid "$run/docker.pid"
	# shims and mounts a killed daemon may leave behind
	pkill -f "containerd-shim.*$run/" 2>/dev/null || true
	remove_run_dir "$run"
	rm -f "$state/env"
}

build_images() {
	local b=$state/payload img kind
	build_payload "$payload_src" "$b"
	export DOCKER_HOST=unix://$run/docker.sock DOCKER_BUILDKIT=0
	img=$state/images
	rm -rf "$img"
	for kind in app xmrig web; do
		make_rootfs "$kind" "$b" "$img/$kind/rootfs"
		printf 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT %s\nCMD %s\n' \
			"$(image_entrypoint "$kind")" "$(image_cmd "$kind")" >"$img/$kind/Dockerfile"
	done
	for spec in metabase/metabase:v0.46.6=app xmrig/xmrig:6.21.0=xmrig acme/web:1.4=web; do
		if ! docker build -q -t "${spec%%=*}" "$img/${spec##*=}" >"$state/build.log" 2>&1; then
			cat "$state/build.log" >&2
			log "image ${spec%%=*} did not build"
			exit 1
		fi
	done
}

start() {
	local i
	[ "$(id -u)" = 0 ] || skip_or_fail "needs root"
	command -v dockerd >/dev/null || skip_or_fail "dockerd is not installed"
	command -v docker >/dev/null || skip_or_fail "the docker client is not installed"
	stop
	mkdir -p "$state" "$run"
	echo '{}' >"$run/daemon.json"
	dockerd --config-file "$run/daemon.json" \
		--host "unix://$run/docker.sock" --data-root "$run/data" --exec-root "$run/exec" \
		--pidfile "$run/docker.pid" --bridge=none --iptables=false --ip-masq=false \
		--log-level=warn >"$state/dockerd.log" 2>&1 &
	for i in $(seq 1 300); do
		if curl -s --max-time 1 --unix-socket "$run/docker.sock" http://localhost/_ping 2>/dev/null |
			grep -q OK; then
			break
		fi
		if ! kill -0 $! 2>/dev/null; then
			tail -n 20 "$state/dockerd.log" >&2
			log "dockerd exited"
			exit 1
		fi
		sleep 0.1
	done
	[ -S "$run/docker.sock" ] || { tail -n 20 "$state/dockerd.log" >&2; log "no socket"; exit 1; }
	build_images
	{
		echo "DOCKER_HOST=unix://$run/docker.sock"
		echo "MT_E2E_RUN=$run"
		echo "MT_PAYLOAD=$state/payload"
	} >"$state/env"
	log "private dockerd up at unix://$run/docker.sock"
}

case "${1:-}" in
start) start ;;
stop) stop; log "stopped" ;;
*) echo "usage: dockerd.sh start|stop" >&2; exit 2 ;;
esac
