#!/usr/bin/env bash
# The containerd and CRI gRPC clients, called directly through
# tests/e2e/grpc-client.c on the private containerd: what they decode
# against what ctr and the CRI were told (image, digest, labels, exec IDs
# with their PIDs, pod and container names), one connection for all the
# calls of a client; then the faults of a fake runtime (tests/e2e/fake-grpc.py:
# a CRI-O-shaped reply, hanging, slow, huge, malformed, a refused call, an
# HTTP/1.1-only and a silent socket), each bounded by the deadline.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=runtimes.sh
. "$(dirname "$0")/runtimes.sh"
use_containerd
[ -x "${MT_GRPC_CLIENT:-}" ] || die "MT_GRPC_CLIENT is not set to the test client"

# client TIMEOUT_MS CALL...: the client on the private containerd, its JSON
# in $MT_TMP/out.json.
client() {
	local ms=$1
	shift
	"$MT_GRPC_CLIENT" "$CONTAINERD_ADDRESS" "$ms" "$@" >"$MT_TMP/out.json" || true
}

# (a) ctr run in namespace default, with labels, and (b) ctr tasks exec
id=grpc-web-$$
ctr_run default "$id" docker.io/xmrig/xmrig:6.21.0 --label team=payments \
	--label "owner=sre on-call" --env MT_BURN=1 --
init_pid=$(ctr_task_pid default "$id")
[ -n "$init_pid" ] || die "no task for $id"
ctd default tasks exec -d --exec-id "grpc-exec-$$" "$id" /usr/bin/xmrig --grpc-marker-$$ ||
	die "ctr tasks exec failed"
exec_pid=$(wait_pid -f -- "^/usr/bin/xmrig --grpc-marker-$$") || die "the exec'd process did not start"
digest=$(ctd default images ls | awk '$1 == "docker.io/xmrig/xmrig:6.21.0" { print $3 }')

client 10000 ctd-container default "$id" ctd-image default docker.io/xmrig/xmrig:6.21.0 \
	ctd-pids default "$id"
check "native: the container record's image, runtime, labels and spec" \
	".calls[0].error == null and .calls[0].result.id == \"$id\" and
	 .calls[0].result.image == \"docker.io/xmrig/xmrig:6.21.0\" and
	 .calls[0].result.runtime == \"io.containerd.runc.v2\" and
	 .calls[0].result.labels.team == \"payments\" and .calls[0].result.labels.owner == \"sre on-call\" and
	 .calls[0].result.spec_args[0] == \"/usr/bin/xmrig\"" "$MT_TMP/out.json"
check "native: the image's target digest is ctr's ($digest)" \
	".calls[1].error == null and .calls[1].result.digest == \"$digest\"" "$MT_TMP/out.json"
check "native: ListPids names the exec's PID $exec_pid with its exec ID, the init $init_pid without" \
	"(.calls[2].result.processes | any(.pid == $exec_pid and .exec_id == \"grpc-exec-$$\")) and
	 (.calls[2].result.processes | any(.pid == $init_pid and .exec_id == null))" "$MT_TMP/out.json"
check "native: three calls on one connection" '.connections == 1' "$MT_TMP/out.json"

# the namespace is sent: the same ID is unknown in another namespace
client 10000 ctd-container mt-tenant "$id" ctd-pids mt-tenant "$id" ctd-container default "$id"
check "native: another namespace does not know $id; the next call still answers on the same connection" \
	'.calls[0].error == "not found" and .calls[1].error == "not found" and
	 .calls[2].error == null and .connections == 1' "$MT_TMP/out.json"

# (c) a CRI pod and (d) an ExecSync into its container
uid=$(cat /proc/sys/kernel/random/uuid)
cri_pod grpc-api-5c8b payments "$uid" || die "RunPodSandbox failed"
pod=$MT_POD_ID
cid=$(cri create "$pod" grpc-api-5c8b payments "$uid" api docker.io/metabase/metabase:v0.46.6 app) ||
	die "CreateContainer failed"
cri start "$cid" || die "StartContainer failed"
cri exec-sync "$cid" 300 /usr/share/payload/miner --grpc-cri-exec-$$ >/dev/null 2>&1 &
MT_CHILDREN+=($!)
cri_exec_pid=$(wait_pid -f -- "^/usr/share/payload/miner --grpc-cri-exec-$$") ||
	die "the ExecSync process did not start"
# containerd 1.6 gives an image with no repository digest (imported) the
# image ID as image_ref: the CRI's own reference "sha256:<config>" to the
# same manifest
pod_digest=$(ctd k8s.io images ls | awk '$1 == "docker.io/metabase/metabase:v0.46.6" { print $3 }')
image_id=$(ctd k8s.io images ls | awk -v d="$pod_digest" '$1 ~ /^sha256:/ && $3 == d { print $1 }')

client 10000 cri-version cri-container "$cid" cri-pod "$pod" ctd-pids k8s.io "$cid"
check "CRI: the runtime names itself" \
	'.calls[0].result.runtime_name == "containerd" and .calls[0].result.runtime_api_version == "v1"' \
	"$MT_TMP/out.json"
check "CRI: container api of pod payments/grpc-api-5c8b, its image and image_ref ($image_id)" \
	".calls[1].error == null and .calls[1].result.name == \"api\" and .calls[1].result.attempt == 0 and
	 .calls[1].result.state == \"running\" and
	 .calls[1].result.image == \"docker.io/metabase/metabase:v0.46.6\" and
	 .calls[1].result.image_ref == \"$image_id\" and
	 .calls[1].result.labels[\"io.kubernetes.pod.namespace\"] == \"payments\" and
	 .calls[1].result.sandbox_id == \"$pod\" and .calls[1].result.pid > 1" "$MT_TMP/out.json"
check "CRI: the pod's name, namespace, UID and sandbox image" \
	".calls[2].error == null and .calls[2].result.name == \"grpc-api-5c8b\" and
	 .calls[2].result.namespace == \"payments\" and .calls[2].result.uid == \"$uid\" and
	 .calls[2].result.state == \"ready\" and .calls[2].result.sandbox_image == \"registry.k8s.io/pause:3.6\"" \
	"$MT_TMP/out.json"
check "CRI: the ExecSync's PID $cri_exec_pid has an exec ID (Tasks.ListPids in k8s.io)" \
	".calls[3].result.processes | any(.pid == $cri_exec_pid and (.exec_id | test(\"^[0-9a-f]{64}$\")))" \
	"$MT_TMP/out.json"
check "CRI: four calls, one connection" '.connections == 1' "$MT_TMP/out.json"

# with containerd's socket gone: unreachable, at once
mv "$CONTAINERD_ADDRESS" "$CONTAINERD_ADDRESS.away"
client 10000 cri-container "$cid"
mv "$CONTAINERD_ADDRESS.away" "$CONTAINERD_ADDRESS"
check "socket gone: unreachable" '.calls[0].error == "container engine unreachable" and
	(.calls[0].message | test("no such socket"))' "$MT_TMP/out.json"

# faults of a fake runtime
/usr/bin/python3 -m grpc_tools.protoc -I "$MT_SOURCE_DIR/lib/proto" --python_out="$MT_TMP" \
	"$MT_SOURCE_DIR/lib/proto/cri.proto" || die "cannot compile cri.proto for the fake runtime"
fake_sock=$MT_TMP/fake.sock
# fake MODE: the fake runtime in MODE; then the client asks for a container,
# its pod and the version within 2 s, into $MT_TMP/fake-MODE.json, its time
# in ms in $took.
fake() {
	local mode=$1 start fp
	rm -f "$fake_sock"
	/usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/fake-grpc.py" "$fake_sock" "$mode" "$MT_TMP" \
		>"$MT_TMP/fake-$mode.out" 2>&1 &
	fp=$!
	MT_CHILDREN+=("$fp")
	for _ in $(seq 1 100); do
		grep -q ready "$MT_TMP/fake-$mode.out" 2>/dev/null && break
		sleep 0.1
	done
	start=$(date +%s%N)
	"$MT_GRPC_CLIENT" "$fake_sock" 2000 cri-container "$(printf 'c%.0s' {1..64})" \
		cri-pod "$(printf 'd%.0s' {1..64})" cri-version >"$MT_TMP/fake-$mode.json" || true
	took=$((($(date +%s%N) - start) / 1000000))
	kill "$fp" 2>/dev/null || true
	wait "$fp" 2>/dev/null || true
}

fake crio
check "CRI-O-shaped replies: names, restart attempt, image_ref, privileged and PIDs from its info" \
	'.calls[0].result.name == "api" and .calls[0].result.attempt == 2 and
	 .calls[0].result.image_ref == "quay.io/acme/web@sha256:" + ("a" * 64) and
	 .calls[0].result.privileged == true and .calls[0].result.pid == 4242 and
	 .calls[0].result.sandbox_id == ("d" * 64) and
	 .calls[1].result.name == "web-0" and .calls[1].result.namespace == "prod" and .calls[1].result.pid == 4100 and
	 .calls[2].result.runtime_name == "cri-o" and .connections == 1' "$MT_TMP/fake-crio.json"
for mode in hang slow silent; do
	fake "$mode"
	check "$mode: every call ends with the deadline" \
		'[.calls[].error] | all(. == "container engine did not answer in time")' "$MT_TMP/fake-$mode.json"
	if [ "$took" -lt 3500 ]; then
		echo "ok: $mode: the 2 s deadline held ($took ms)"
	else
		fail "$mode: the client took $took ms with a 2 s deadline"
	fi
done
fake huge
check "huge: refused over the cap" '[.calls[].error] | all(. == "data over the size limit")' \
	"$MT_TMP/fake-huge.json"
fake malformed
check "malformed protobuf: a reply error for each decoder" \
	'[.calls[] | .error == "container engine reply malformed" and (.message | test("does not decode"))] | all' \
	"$MT_TMP/fake-malformed.json"
fake denied
check "grpc-status 7: permission denied, with the runtime's message decoded" \
	'[.calls[] | .error == "permission denied" and .message == "PERMISSION_DENIED: no way: root only"] | all' \
	"$MT_TMP/fake-denied.json"
fake http1
check "HTTP/1.1-only socket: a reply error, never a decoded object" \
	'[.calls[] | .error == "container engine reply malformed" and .result == null] | all' \
	"$MT_TMP/fake-http1.json"

finish
