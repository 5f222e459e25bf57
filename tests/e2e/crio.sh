#!/usr/bin/env bash
# CRI-O through minertrace: CRI-O is not packaged here, so a real process is
# placed in cgroups named as CRI-O names a pod's container (every cgroup v1
# hierarchy that takes it: .../kubepods-besteffort-pod<uid>.slice/crio-<id>.scope
# under a parent of the test's own) and the fake CRI runtime
# (tests/e2e/fake-grpc.py) answers CRI-O-shaped replies on the socket given by
# --runtime-endpoint or CONTAINER_RUNTIME_ENDPOINT. Then the fake's faults
# (hang, slow, huge, malformed, a refused call, an HTTP/1.1-only socket)
# through minertrace: each run ends within --timeout, the /proc part of the
# report intact, a warning saying what went wrong.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=runtimes.sh
. "$(dirname "$0")/runtimes.sh"
need_root
/usr/bin/python3 -c 'import grpc, grpc_tools' 2>/dev/null || skip "python3-grpcio and python3-grpc-tools are needed"
/usr/bin/python3 -m grpc_tools.protoc -I "$MT_SOURCE_DIR/lib/proto" --python_out="$MT_TMP" \
	"$MT_SOURCE_DIR/lib/proto/cri.proto" || die "cannot compile cri.proto for the fake runtime"

cid=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
uid=$(cat /proc/sys/kernel/random/uuid)
rel=mt-crio-$$/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${uid//-/_}.slice/crio-$cid.scope

cp /bin/sleep "$MT_TMP/xmrig"
"$MT_TMP/xmrig" 600 </dev/null >/dev/null 2>&1 &
pid=$!
MT_CHILDREN+=("$pid")
bases=()
# The process leaves the cgroups (killed) before they are removed, deepest
# first, up to the test's own parent.
cleanup_crio() {
	local base d
	{ kill "$pid" && wait "$pid"; } 2>/dev/null || true
	for base in "${bases[@]}"; do
		d=$base$rel
		while [ "$d" != "${base%/}" ]; do
			rmdir "$d" 2>/dev/null || true
			d=${d%/*}
		done
	done
	cleanup_runtimes
}
trap cleanup_crio EXIT
for base in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	[ -f "${base}cgroup.procs" ] || continue
	mkdir -p "$base$rel" 2>/dev/null || continue
	bases+=("$base")
	echo "$pid" >"$base$rel/cgroup.procs" 2>/dev/null || true
done
grep -q "crio-$cid.scope" "/proc/$pid/cgroup" || die "PID $pid could not be moved into a crio-$cid.scope cgroup"

sock=$MT_TMP/crio.sock
# serve MODE: the fake CRI runtime in MODE on $sock.
serve() {
	rm -f "$sock"
	MT_FAKE_CRIO_PID=$pid /usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/fake-grpc.py" "$sock" "$1" \
		"$MT_TMP" >"$MT_TMP/fake-$1.out" 2>&1 &
	MT_FAKE=$!
	MT_CHILDREN+=("$MT_FAKE")
	for _ in $(seq 1 100); do
		grep -q ready "$MT_TMP/fake-$1.out" 2>/dev/null && return 0
		sleep 0.1
	done
	die "the fake runtime ($1) did not start: $(cat "$MT_TMP/fake-$1.out")"
}
unserve() {
	kill "$MT_FAKE" 2>/dev/null || true
	wait "$MT_FAKE" 2>/dev/null || true
}

serve crio
mt --json --runtime-endpoint "unix://$sock" "$pid" >"$MT_TMP/crio.json" || fail "minertrace failed on the CRI-O container"
validate "$MT_SCHEMA" "$MT_TMP/crio.json"
check "CRI-O: the container found by its crio-<id>.scope cgroup, runtime cri-o, the pod UID" \
	".containers[0].id == \"$cid\" and .containers[0].runtime == \"cri-o\" and
	 .containers[0].kubernetes.pod_uid == \"$uid\"" "$MT_TMP/crio.json"
check "CRI-O: asked through the CRI on --runtime-endpoint; the API and CRI-O's version named" \
	".engine.reachable and .engine.endpoint == \"unix://$sock\" and .engine.api == \"CRI (CRI-O)\" and
	 .engine.engine_version == \"1.28.1\" and .engine.api_version == \"v1\"" "$MT_TMP/crio.json"
check "CRI-O: pod, namespace, container and image from its replies" \
	'.containers[0].engine.name == "api" and .containers[0].kubernetes.pod_name == "web-0" and
	 .containers[0].kubernetes.namespace == "prod" and
	 .containers[0].engine.image.reference == "quay.io/acme/web:1.4" and
	 .containers[0].engine.image.source == "registry" and .containers[0].engine.restart_count == 2' \
	"$MT_TMP/crio.json"
check "CRI-O: containerd's ListPids is not asked of CRI-O" \
	'.engine.requests == 3 and ([.warnings[] | select(.subject == "engine")] | length) == 0' \
	"$MT_TMP/crio.json"
CONTAINER_RUNTIME_ENDPOINT=unix://$sock check_markdown "$pid" "crictl stop ${cid:0:12} && crictl rm ${cid:0:12}" \
	"kubectl -n prod delete pod web-0" "- Answered by: CRI (CRI-O) \`1.28.1\`"
CONTAINER_RUNTIME_ENDPOINT=unix://$sock mt --json "$pid" >"$MT_TMP/env.json" ||
	fail "minertrace failed with CONTAINER_RUNTIME_ENDPOINT"
check "CRI-O: CONTAINER_RUNTIME_ENDPOINT is used as the endpoint" \
	".engine.endpoint == \"unix://$sock\" and .containers[0].kubernetes.pod_name == \"web-0\"" \
	"$MT_TMP/env.json"
CONTAINER_RUNTIME_ENDPOINT=unix://$MT_TMP/none.sock mt --json --runtime-endpoint "$sock" "$pid" \
	>"$MT_TMP/both.json" || fail "minertrace failed with both endpoints"
check "CRI-O: --runtime-endpoint (a plain path) wins over CONTAINER_RUNTIME_ENDPOINT" \
	".engine.endpoint == \"unix://$sock\" and .engine.api == \"CRI (CRI-O)\"" "$MT_TMP/both.json"
# --collect keeps the CRI's raw replies and each decoded to JSON
mt --collect "$MT_TMP/ev" --runtime-endpoint "unix://$sock" "$pid" >/dev/null 2>&1 ||
	fail "--collect failed on the CRI-O container"
for f in cri-container-status.pb cri-pod-status.pb; do
	[ -s "$MT_TMP/ev/engine/${cid:0:12}/$f" ] && echo "ok: collected $f" || fail "$f was not collected"
done
check "--collect: ContainerStatus decoded to JSON (names, attempt, image_ref, CRI-O's info)" \
	".method == \"/runtime.v1.RuntimeService/ContainerStatus\" and .decoded.id == \"$cid\" and
	 .decoded.name == \"api\" and .decoded.attempt == 2 and .decoded.pid == $pid and
	 .decoded.image_ref == \"quay.io/acme/web@sha256:\" + (\"a\" * 64) and .decoded.privileged == true" \
	"$MT_TMP/ev/engine/${cid:0:12}/cri-container-status.json"
check "--collect: PodSandboxStatus decoded to JSON" \
	'.decoded.name == "web-0" and .decoded.namespace == "prod" and .decoded.labels.app == "web"' \
	"$MT_TMP/ev/engine/${cid:0:12}/cri-pod-status.json"
check "--collect: the runtime's Version, who answered, decoded to JSON" \
	'.method == "/runtime.v1.RuntimeService/Version" and .decoded.runtime_name == "cri-o" and
	 .decoded.runtime_version == "1.28.1"' "$MT_TMP/ev/engine/cri-version.json"
grep -qxF "$(printf 'cri-version.pb\tGET /runtime.v1.RuntimeService/Version \t0\tok')" \
	"$MT_TMP/ev/engine/requests.tsv" &&
	echo "ok: requests.tsv lists the Version call" || fail "requests.tsv lacks the Version call"

# No endpoint given: the usual sockets, CRI-O's /var/run/crio/crio.sock
# among them. The fake's socket is bound there in a mount namespace of the
# test's own, over a tmpfs on /run (the host's /run is not touched).
unshare -m --propagation private sh -c 'mount -t tmpfs mt-run /run && mkdir /run/crio &&
	: >/run/crio/crio.sock && mount --bind "$1" /run/crio/crio.sock && shift && exec "$@"' \
	sh "$sock" "$MT_BIN" --json "$pid" >"$MT_TMP/usual.json" ||
	fail "minertrace failed with the socket at CRI-O's usual path"
check "CRI-O at its usual socket, found with no endpoint given" \
	'.engine.endpoint == "unix:///var/run/crio/crio.sock" and .engine.api == "CRI (CRI-O)" and
	 .containers[0].kubernetes.pod_name == "web-0"' "$MT_TMP/usual.json"
unserve

mt --json --runtime-endpoint tcp://127.0.0.1:1 "$pid" >"$MT_TMP/tcp.json" || fail "minertrace failed on a tcp endpoint"
check "a tcp:// endpoint is refused, never connected to" \
	'.engine.reachable == false and .engine.requests == 0 and
	 (.warnings | any(.message | test("not a unix socket")))' "$MT_TMP/tcp.json"

# fault MODE WARNING-REGEX: minertrace through the fake in MODE, --timeout 2.
fault() {
	local mode=$1 want=$2 start took
	serve "$mode"
	start=$(date +%s%N)
	mt --json --timeout 2 --runtime-endpoint "unix://$sock" "$pid" >"$MT_TMP/$mode.json" ||
		fail "$mode: minertrace failed"
	took=$((($(date +%s%N) - start) / 1000000))
	unserve
	validate "$MT_SCHEMA" "$MT_TMP/$mode.json"
	if [ "$took" -lt 4500 ]; then
		echo "ok: $mode: minertrace ended within the 2 s deadline and a margin ($took ms)"
	else
		fail "$mode: minertrace took $took ms with --timeout 2"
	fi
	check "$mode: the /proc part intact (target, chain, container from the cgroup)" \
		".target.pid == $pid and .chain[0].pid == $pid and .chain[0].comm == \"xmrig\" and
		 .containers[0].id == \"$cid\" and .containers[0].runtime == \"cri-o\" and
		 .containers[0].kubernetes.pod_uid == \"$uid\"" "$MT_TMP/$mode.json"
	check "$mode: no runtime facts, no API named as answering, a warning says what went wrong" \
		".containers[0].engine == null and .engine.api == null and
		 (.warnings | any(.subject == \"engine\" and (.message | test(\"$want\"))))" "$MT_TMP/$mode.json"
}
fault hang "CRI ContainerStatus: the CRI runtime at $sock: no complete answer .* before the deadline; runtime facts are missing$"
fault slow "no complete answer .* before the deadline"
fault huge "ContainerStatus reply does not decode|Version: .*before the deadline|no complete answer .* before the deadline"
fault malformed "ContainerStatus reply does not decode"
fault denied "PERMISSION_DENIED.*no way: root only"
fault http1 "bad reply from $sock"

finish
