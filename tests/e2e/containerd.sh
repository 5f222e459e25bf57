#!/usr/bin/env bash
# Starts (start) or stops (stop) the private containerd of the end-to-end
# tests, registered with CTest as the "containerd" fixture. It never touches
# the host's containerd: its own config with root, state, gRPC and ttrpc
# sockets under one temp dir, runc's root there too, and the CRI plugin with
# no CNI at all (pods use the node's network). restrict_oom_score_adj because
# root lacks CAP_SYS_RESOURCE on the test machines.
# start imports images built FROM scratch out of static binaries with
# `ctr images import`, into the namespaces default, mt-tenant and k8s.io:
#   docker.io/metabase/metabase:v0.46.6  an app whose init forks a shell that drops a miner
#   docker.io/xmrig/xmrig:6.21.0         the miner as the image's own entrypoint
#   registry.k8s.io/pause:3.6            the CRI sandbox image (k8s.io only)
# and generates the test CRI client (tests/e2e/cri/) with grpc_tools.
set -euo pipefail
: "${MT_SOURCE_DIR:?}" "${MT_E2E_STATE:?}"

state=$MT_E2E_STATE/containerd
# unix socket paths are limited to 108 bytes: keep the run dir short
run=/tmp/mt-ctd-$(printf '%s' "$state" | sha256sum | cut -c1-8)
sock=$run/containerd.sock
payload_src=$MT_SOURCE_DIR/tests/e2e/payload
sandbox_image=registry.k8s.io/pause:3.6
namespaces="default mt-tenant k8s.io"
fixture=containerd
# shellcheck source=fixture.sh
. "$MT_SOURCE_DIR/tests/e2e/fixture.sh"
# shellcheck source=images.sh
. "$MT_SOURCE_DIR/tests/e2e/images.sh"

ctd() { ctr --address "$sock" "$@"; }

# The shims of this containerd: their command line names its socket.
shim_pids() {
	local p
	for p in /proc/[0-9]*; do
		tr "\\0" " " 2>/dev/null <"$p/cmdline" | grep -q -- "-address $sock " && echo "${p#/proc/}"
	done
	return 0
}

# Removes every pod, task and container, so their cgroups go too.
remove_all() {
	local ns id
	if [ -d "$state/cri-py" ]; then
		timeout 60 /usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/cri/cri.py" \
			--address "$sock" --modules "$state/cri-py" remove-all \
			>/dev/null 2>&1 || true
	fi
	for ns in $namespaces; do
		for id in $(timeout 10 ctr --address "$sock" -n "$ns" tasks ls -q 2>/dev/null || true); do
			timeout 10 ctr --address "$sock" -n "$ns" tasks kill -s KILL "$id" >/dev/null 2>&1 || true
		done
		for id in $(timeout 10 ctr --address "$sock" -n "$ns" tasks ls -q 2>/dev/null || true); do
			timeout 20 ctr --address "$sock" -n "$ns" tasks rm -f "$id" >/dev/null 2>&1 || true
		done
		for id in $(timeout 10 ctr --address "$sock" -n "$ns" containers ls -q 2>/dev/null || true); do
			timeout 10 ctr --address "$sock" -n "$ns" containers rm "$id" >/dev/null 2>&1 || true
		done
	done
}

stop() {
	local pid
	if [ -f "$run/containerd.pid" ] && [ -S "$sock" ]; then
		remove_all
	fi
	stop_pid "$run/containerd.pid"
	# shims (and their containers) a killed daemon may leave behind
	for pid in $(shim_pids); do
		kill -9 "$pid" 2>/dev/null || true
	done
	remove_run_dir "$run"
	rm -rf "$state"
}

write_config() {
	cat >"$run/config.toml" <<CONF
version = 2
root = "$run/root"
state = "$run/state"
oom_score = 0
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$sandbox_image"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        Root = "$run/runc"
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$run/cni/bin"
    conf_dir = "$run/cni/conf.d"
CONF
}

import_images() {
	local b=$state/payload work=$state/images ns spec
	build_payload "$payload_src" "$b"
	mkdir -p "$work"
	oci_archive app "$b" docker.io/metabase/metabase:v0.46.6 "$work/app.tar" "$work"
	oci_archive xmrig "$b" docker.io/xmrig/xmrig:6.21.0 "$work/xmrig.tar" "$work"
	oci_archive pause "$b" "$sandbox_image" "$work/pause.tar" "$work"
	for ns in $namespaces; do
		for spec in app xmrig; do
			ctd -n "$ns" images import "$work/$spec.tar" >"$state/import.log" 2>&1 ||
				{ cat "$state/import.log" >&2; log "import of $spec into $ns failed"; exit 1; }
		done
	done
	ctd -n k8s.io images import "$work/pause.tar" >"$state/import.log" 2>&1 ||
		{ cat "$state/import.log" >&2; log "import of the sandbox image failed"; exit 1; }
}

# The test CRI client's Python modules, generated from tests/e2e/cri/cri_test.proto.
generate_cri_client() {
	mkdir -p "$state/cri-py"
	/usr/bin/python3 -m grpc_tools.protoc -I"$MT_SOURCE_DIR/tests/e2e/cri" \
		--python_out="$state/cri-py" --grpc_python_out="$state/cri-py" \
		"$MT_SOURCE_DIR/tests/e2e/cri/cri_test.proto"
}

start() {
	local i
	[ "$(id -u)" = 0 ] || skip_or_fail "needs root"
	command -v containerd >/dev/null || skip_or_fail "containerd is not installed"
	command -v ctr >/dev/null || skip_or_fail "ctr is not installed"
	command -v runc >/dev/null || skip_or_fail "runc is not installed"
	/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null ||
		skip_or_fail "python3-grpcio and python3-grpc-tools are not installed"
	stop
	mkdir -p "$state" "$run/cni/bin" "$run/cni/conf.d" "$run/runc"
	write_config
	containerd --config "$run/config.toml" --log-level warn >"$state/containerd.log" 2>&1 &
	echo $! >"$run/containerd.pid"
	for i in $(seq 1 300); do
		ctd version >/dev/null 2>&1 && break
		if ! kill -0 "$(cat "$run/containerd.pid")" 2>/dev/null; then
			tail -n 20 "$state/containerd.log" >&2
			log "containerd exited"
			exit 1
		fi
		sleep 0.1
	done
	ctd version >/dev/null 2>&1 || { tail -n 20 "$state/containerd.log" >&2; log "no answer on $sock"; exit 1; }
	generate_cri_client
	{
		echo "CONTAINERD_ADDRESS=$sock"
		echo "CONTAINERD_RUN=$run"
		echo "CONTAINERD_RUNC_ROOT=$run/runc"
		echo "CONTAINERD_STATE=$run/state"
		echo "MT_CRI_PY=$state/cri-py"
		echo "MT_PAYLOAD=$state/payload"
	} >"$state/env.tmp"
	import_images
	mv "$state/env.tmp" "$state/env"
	log "private containerd up at $sock"
}

case "${1:-}" in
start) start ;;
stop) stop; log "stopped" ;;
*) echo "usage: containerd.sh start|stop" >&2; exit 2 ;;
esac
