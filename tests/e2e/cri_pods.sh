#!/usr/bin/env bash
# Kubernetes pods through containerd's real CRI plugin, started the way the
# kubelet does with the cgroupfs driver: RunPodSandbox with host networking
# and cgroup parent /kubepods/besteffort/pod<uid>, CreateContainer and
# StartContainer; then an ExecSync into the container (the entry path of
# kubectl exec and crictl exec).
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=runtimes.sh
. "$(dirname "$0")/runtimes.sh"
use_containerd

uid=$(cat /proc/sys/kernel/random/uuid)
cri_pod billing-api-7d9f shop "$uid" || die "RunPodSandbox failed"
pod=$MT_POD_ID
# (c) the app's init drops a miner through its shell
cid=$(cri create "$pod" billing-api-7d9f shop "$uid" api docker.io/metabase/metabase:v0.46.6 \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kworker-$$) || die "CreateContainer failed"
cri start "$cid" || die "StartContainer failed"
pid=$(wait_pid -f "^/tmp/kworker-$$") || die "the dropped miner did not start"
mt --json "$pid" >"$MT_TMP/pod.json" || die "minertrace failed on the pod's miner"
validate "$MT_SCHEMA" "$MT_TMP/pod.json"
check "pod: the container ID from the cgroup, containerd through the CRI" \
	".containers[0].id == \"$cid\" and .containers[0].runtime == \"containerd\" and
	 .containers[0].runtime_task.cri and .containers[0].runtime_task.namespace == \"k8s.io\"" \
	"$MT_TMP/pod.json"
check "pod: the pod UID and QoS class from the cgroup" \
	".containers[0].kubernetes.pod_uid == \"$uid\" and .containers[0].kubernetes.qos == \"besteffort\"" \
	"$MT_TMP/pod.json"

check "pod: pod, namespace, container and image names from the OCI bundle" \
	".containers[0].kubernetes.pod_name == \"billing-api-7d9f\" and
	 .containers[0].kubernetes.namespace == \"shop\" and .containers[0].kubernetes.container_name == \"api\" and
	 .containers[0].runtime_task.bundle.image == \"docker.io/metabase/metabase:v0.46.6\" and
	 .containers[0].runtime_task.bundle.container_type == \"container\" and
	 .containers[0].runtime_task.bundle.sandbox_id == \"$pod\"" "$MT_TMP/pod.json"
check "pod: dropped by the init's tree, the verdict names the pod" \
	'.entry.kind == "init-tree" and
	 (.verdict.summary | test("image docker.io/metabase/metabase:v0.46.6\\) of Kubernetes pod shop/billing-api-7d9f"))' \
	"$MT_TMP/pod.json"

check "pod: the CRI answered: container name, pod, image and its ID, labels" \
	".engine.reachable and .containers[0].engine.name == \"api\" and
	 .engine.api == \"CRI (containerd)\" and .engine.api_version == \"v1\" and
	 (.engine.engine_version | test(\"^1\\\\.6\\\\.\")) and
	 .containers[0].engine.image.reference == \"docker.io/metabase/metabase:v0.46.6\" and
	 (.containers[0].engine.image.id | test(\"^sha256:[0-9a-f]{64}$\")) and
	 .containers[0].engine.image.source == \"local\" and
	 (.containers[0].engine.labels | any(.key == \"io.kubernetes.pod.namespace\" and .value == \"shop\")) and
	 .containers[0].engine.status == \"running\" and .containers[0].engine.restart_count == 0 and
	 .containers[0].engine.init_pid > 1" "$MT_TMP/pod.json"
check "pod: one process tree, the init's: no exec to name, ListPids not asked (Version, ContainerStatus, PodSandboxStatus, Containers.List)" \
	'.engine.requests == 4 and .postmortem.spread.same_image.checked and
	 .postmortem.spread.same_image.containers == [] and .containers[0].engine.exec_sessions == [] and
	 ([.containers[0].processes[].pid] as $pids
	  | [.containers[0].processes[] | select(.ppid as $pp | $pids | index($pp) | not)] | length) == 1' \
	"$MT_TMP/pod.json"
check_markdown "$pid" "crictl stop ${cid:0:12} && crictl rm ${cid:0:12}" \
	"kubectl -n shop delete pod billing-api-7d9f" "a controller" "- Answered by: CRI (containerd) \`1.6."

# With containerd's socket gone the names still come from the bundle.
mv "$CONTAINERD_ADDRESS" "$CONTAINERD_ADDRESS.away"
mt --json "$pid" >"$MT_TMP/nosock.json"
mt "$pid" >"$MT_TMP/nosock.txt"
mv "$CONTAINERD_ADDRESS.away" "$CONTAINERD_ADDRESS"
validate "$MT_SCHEMA" "$MT_TMP/nosock.json"
check "socket gone: pod and image names from the bundle" \
	".containers[0].kubernetes.pod_name == \"billing-api-7d9f\" and
	 .containers[0].runtime_task.bundle.image == \"docker.io/metabase/metabase:v0.46.6\"" \
	"$MT_TMP/nosock.json"
check "socket gone: containerd unreachable, said once as a warning, no runtime facts" \
	'.engine.reachable == false and .engine.api == null and .containers[0].engine == null and
	 ([.warnings[] | select(.message | test("no such socket"))] | length) == 1' "$MT_TMP/nosock.json"
grep -q "shop/billing-api-7d9f" "$MT_TMP/nosock.txt" && echo "ok: text names the pod" ||
	fail "the text report does not name shop/billing-api-7d9f"

# (d) a CRI ExecSync: the miner started from outside through the shim
cri exec-sync "$cid" 300 /usr/share/payload/miner --cri-exec-$$ -o stratum+tcp://pool.example:3333 \
	>/dev/null 2>&1 &
MT_CHILDREN+=($!)
pid2=$(wait_pid -f -- "^/usr/share/payload/miner --cri-exec-$$") || die "the ExecSync process did not start"
mt --json "$pid2" >"$MT_TMP/exec.json" || die "minertrace failed on the ExecSync process"
validate "$MT_SCHEMA" "$MT_TMP/exec.json"
check "exec: entered from outside through the shim, the CRI's exec ID from ListPids" \
	".entry.kind == \"runtime-exec\" and (.entry.exec_id | test(\"^[0-9a-f]{64}$\")) and
	 (.containers[0].engine.exec_sessions | any(.pid == $pid2 and .id == \"$(jq -r .entry.exec_id "$MT_TMP/exec.json")\"))" \
	"$MT_TMP/exec.json"
check "exec: same container" ".containers[0].id == \"$cid\"" "$MT_TMP/exec.json"
# with the exec alive, the init's miner is traced with the container's exec sessions
mt --json "$pid" >"$MT_TMP/pod-exec.json" || die "minertrace failed on the pod's miner"
check "pod with an exec alive: ListPids asked, the exec's PID and ID among the container's exec sessions" \
	".engine.requests == 5 and .entry.kind == \"init-tree\" and
	 (.containers[0].engine.exec_sessions | any(.pid == $pid2 and .id == \"$(jq -r .entry.exec_id "$MT_TMP/exec.json")\"))" \
	"$MT_TMP/pod-exec.json"

# a second container of the pod, of the same image, drops the same miner
wid=$(cri create "$pod" billing-api-7d9f shop "$uid" worker docker.io/metabase/metabase:v0.46.6 \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kworker-$$) || die "CreateContainer failed"
cri start "$wid" || die "StartContainer failed"
for _ in $(seq 1 100); do
	[ "$(pgrep -f "^/tmp/kworker-$$" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
mt --json "$pid" >"$MT_TMP/pod-same.json" || die "minertrace failed on the pod's miner"
check "same image: the pod's second container, named by its pod, runs the same miner" \
	"[.postmortem.spread.same_image.containers[] | {id, name, state, runs_miner}] ==
	 [{\"id\": \"$wid\", \"name\": \"shop/billing-api-7d9f/worker\", \"state\": \"running\", \"runs_miner\": true}] and
	 .postmortem.spread.same_image.layers_searched == 1" "$MT_TMP/pod-same.json"

# scan finds both in their pod: the init's miner, and the exec entered from outside
mt scan --json --interval 1 --no-probe --min-score 1 >"$MT_TMP/scan.json" || true
validate --scan "$MT_SCHEMA" "$MT_TMP/scan.json"
check "scan: the pod's miner, in pod shop/billing-api-7d9f through the CRI" \
	".findings | any(.pid == $pid and .trace.containers[0].id == \"$cid\" and
	 .trace.containers[0].kubernetes.pod_name == \"billing-api-7d9f\" and
	 .trace.containers[0].kubernetes.namespace == \"shop\" and .trace.engine.api == \"CRI (containerd)\" and
	 .trace.containers[0].engine.image.reference == \"docker.io/metabase/metabase:v0.46.6\")" \
	"$MT_TMP/scan.json"
check "scan: the CRI exec, entered from outside with its exec ID" \
	".findings | any(.pid == $pid2 and .trace.entry.kind == \"runtime-exec\" and
	 (.trace.entry.exec_id | test(\"^[0-9a-f]{64}$\")))" "$MT_TMP/scan.json"

finish
