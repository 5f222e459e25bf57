#!/usr/bin/env bash
# Starts (start) or stops (stop) the private Podman API service of the
# end-to-end tests, registered with CTest as the "podman" fixture: Debian's
# podman with its own containers.conf and storage.conf (storage root, run
# root, tmp dir and events file under one temp dir), the cgroupfs manager,
# the file events backend, runc (crun refuses this hybrid-cgroup machine),
# no network, and `podman system service --time=0 unix://...` for its
# Docker-compatible API. Containers need explicit --ulimit values: root lacks
# CAP_SYS_RESOURCE on the test machines.
# start loads docker.io/xmrig/xmrig:6.21.0 and docker.io/metabase/metabase:v0.46.6
# (OCI archives built FROM scratch) and imports localhost/acme/local-tool:1
# with `podman import` (an image made on the host, never pulled).
set -euo pipefail
: "${MT_SOURCE_DIR:?}" "${MT_E2E_STATE:?}"

state=$MT_E2E_STATE/podman
# unix socket paths are limited to 108 bytes: keep the run dir short
run=/tmp/mt-pod-$(printf '%s' "$state" | sha256sum | cut -c1-8)
sock=$run/podman.sock
payload_src=$MT_SOURCE_DIR/tests/e2e/payload
fixture=podman
# shellcheck source=fixture.sh
. "$MT_SOURCE_DIR/tests/e2e/fixture.sh"
# shellcheck source=images.sh
. "$MT_SOURCE_DIR/tests/e2e/images.sh"

export CONTAINERS_CONF=$run/containers.conf CONTAINERS_STORAGE_CONF=$run/storage.conf
stop() {
	if [ -f "$run/service.pid" ]; then
		timeout 60 podman rm -f -a -t 0 >/dev/null 2>&1 || true
	fi
	stop_pid "$run/service.pid"
	remove_run_dir "$run"
	rm -rf "$state"
}

write_config() {
	cat >"$run/containers.conf" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
log_driver = "k8s-file"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$run/events/events.log"
runtime = "runc"
tmp_dir = "$run/tmp"
static_dir = "$run/root/libpod"
volume_path = "$run/root/volumes"
num_locks = 128

[network]
network_config_dir = "$run/net"
CONF
	cat >"$run/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$run/root"
runroot = "$run/runroot"
CONF
}

load_images() {
	local b=$state/payload work=$state/images
	build_payload "$payload_src" "$b"
	mkdir -p "$work"
	oci_archive app "$b" docker.io/metabase/metabase:v0.46.6 "$work/app.tar" "$work"
	oci_archive xmrig "$b" docker.io/xmrig/xmrig:6.21.0 "$work/xmrig.tar" "$work"
	make_rootfs xmrig "$b" "$work/local"
	tar -C "$work/local" -cf "$work/local.tar" .
	{
		podman load -q -i "$work/app.tar" &&
			podman load -q -i "$work/xmrig.tar" &&
			podman import -q --change 'ENTRYPOINT ["/usr/bin/xmrig"]' "$work/local.tar" \
				localhost/acme/local-tool:1
	} >"$state/load.log" 2>&1 || { cat "$state/load.log" >&2; log "images did not load"; exit 1; }
}

start() {
	local i
	[ "$(id -u)" = 0 ] || skip_or_fail "needs root"
	command -v podman >/dev/null || skip_or_fail "podman is not installed"
	command -v runc >/dev/null || skip_or_fail "runc is not installed"
	stop
	mkdir -p "$state" "$run/tmp" "$run/events" "$run/net"
	write_config
	load_images
	podman system service --time=0 "unix://$sock" >"$state/service.log" 2>&1 &
	echo $! >"$run/service.pid"
	for i in $(seq 1 300); do
		if curl -s --max-time 1 --unix-socket "$sock" http://d/_ping 2>/dev/null | grep -q OK; then
			break
		fi
		if ! kill -0 "$(cat "$run/service.pid")" 2>/dev/null; then
			tail -n 20 "$state/service.log" >&2
			log "podman system service exited"
			exit 1
		fi
		sleep 0.1
	done
	[ -S "$sock" ] || { tail -n 20 "$state/service.log" >&2; log "no socket"; exit 1; }
	{
		echo "PODMAN_SOCK=$sock"
		echo "CONTAINERS_CONF=$run/containers.conf"
		echo "CONTAINERS_STORAGE_CONF=$run/storage.conf"
		echo "PODMAN_EVENTS_LOG=$run/events/events.log"
		echo "MT_PAYLOAD=$state/payload"
	} >"$state/env"
	log "private podman API up at unix://$sock"
}

case "${1:-}" in
start) start ;;
stop) stop; log "stopped" ;;
*) echo "usage: podman.sh start|stop" >&2; exit 2 ;;
esac
