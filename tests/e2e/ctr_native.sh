#!/usr/bin/env bash
# containerd without Kubernetes: `ctr run` in the namespace default and in a
# custom one, and `ctr tasks exec`, on the private containerd.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=runtimes.sh
. "$(dirname "$0")/runtimes.sh"
use_containerd

# (a) ctr run in the namespace default: the image's entrypoint is the miner.
id=webapp-$$
ctr_run default "$id" docker.io/xmrig/xmrig:6.21.0 --env MT_BURN=2
pid=$(ctr_task_pid default "$id")
[ -n "$pid" ] || die "no task for $id"
mt --json "$pid" >"$MT_TMP/run.json" || die "minertrace failed on the ctr run task"
validate "$MT_SCHEMA" "$MT_TMP/run.json"
check "ctr run: the target is the task's init" ".target.pid == $pid and .chain[0].comm == \"xmrig\"" \
	"$MT_TMP/run.json"
check "ctr run: the chain passes through the shim of namespace default" \
	"[.chain[].argv | select(. != null) | join(\" \")] | any(test(\"containerd-shim-runc-v2 -namespace default -id $id \"))" \
	"$MT_TMP/run.json"
check "ctr run: placed in container $id of containerd, namespace default" \
	".containers[0].id == \"$id\" and .containers[0].runtime == \"containerd\" and
	 .containers[0].runtime_task.namespace == \"default\" and .containers[0].runtime_task.cri == false and
	 .containers[0].runtime_task.address == \"$CONTAINERD_ADDRESS\"" "$MT_TMP/run.json"
digest=$(ctd default images ls | awk '$1 == "docker.io/xmrig/xmrig:6.21.0" { print $3 }')
check "ctr run: containerd's API answered: the record's image and args, the image's digest" \
	".engine.enabled and .engine.reachable and .engine.endpoint == \"unix://$CONTAINERD_ADDRESS\" and
	 .engine.api == \"containerd API\" and (.engine.engine_version | test(\"^1\\\\.6\\\\.\")) and
	 .containers[0].engine.name == \"$id\" and
	 .containers[0].engine.image.reference == \"docker.io/xmrig/xmrig:6.21.0\" and
	 .containers[0].engine.image.id == \"$digest\" and
	 .containers[0].engine.path == \"/usr/bin/xmrig\" and
	 .containers[0].engine.exec_sessions == []" "$MT_TMP/run.json"
check "ctr run: the image's own entrypoint, never a host process" \
	'.entry.kind == "container-init" and .verdict.classification != "host-process" and
	 (.verdict.summary | test("could not be placed") | not)' "$MT_TMP/run.json"

check_markdown "$pid" "ctr -n default task kill -s KILL $id && ctr -n default task rm $id && ctr -n default container rm $id" \
	"- Answered by: containerd API \`1.6."
mt "$pid" >"$MT_TMP/run.txt"
grep -qE "^  API +containerd API 1\.6\..* · unix://$CONTAINERD_ADDRESS$" "$MT_TMP/run.txt" &&
	echo "ok: text names the API that answered" || fail "the text report does not name containerd's API"

# scan finds it in its container too, never on the host
mt scan --json --interval 1 --no-probe >"$MT_TMP/scan.json" || true
check "scan: the ctr run miner in container $id, not host" \
	".findings | any(.pid == $pid and .trace.containers[0].id == \"$id\" and
	 .trace.containers[0].runtime == \"containerd\" and .trace.entry.kind == \"container-init\")" \
	"$MT_TMP/scan.json"

# (a') a custom namespace: the app's init drops a miner through its shell.
id2=tenant-app-$$
ctr_run mt-tenant "$id2" docker.io/metabase/metabase:v0.46.6 -- /init app /bin/sh DROP \
	/usr/share/payload/miner /tmp/kworker-$$
pid2=$(wait_pid -f "^/tmp/kworker-$$") || die "the dropped miner did not start"
mt --json "$pid2" >"$MT_TMP/tenant.json" || die "minertrace failed on the dropped miner"
validate "$MT_SCHEMA" "$MT_TMP/tenant.json"
check "custom namespace: the chain passes through the shim of mt-tenant" \
	"[.chain[].argv | select(. != null) | join(\" \")] | any(test(\"-namespace mt-tenant -id $id2 \"))" \
	"$MT_TMP/tenant.json"
check "custom namespace: container $id2 in namespace mt-tenant, from the init's tree" \
	".containers[0].id == \"$id2\" and .containers[0].runtime_task.namespace == \"mt-tenant\" and
	 .entry.kind == \"init-tree\"" "$MT_TMP/tenant.json"

check_markdown "$pid2" "ctr -n mt-tenant task kill -s KILL $id2" "ctr tasks exec"
check "custom namespace: no other container of the image, asked of containerd (Containers.List)" \
	'.postmortem.spread.same_image.checked and .postmortem.spread.same_image.containers == [] and
	 (.postmortem.spread.same_image.image_id | test("^sha256:[0-9a-f]{64}$"))' "$MT_TMP/tenant.json"

# (a'') a second container of the same image drops the same miner and keeps
# its file; a third one, stopped, never ran it: both listed with the
# tenant's miner, the second one's writable layer holding the same file
id3=tenant-copy-$$
ctr_run mt-tenant "$id3" docker.io/metabase/metabase:v0.46.6 --env MT_KEEP=1 -- /init app /bin/sh DROP \
	/usr/share/payload/miner /tmp/kworker-$$
id4=tenant-idle-$$
ctd mt-tenant containers create docker.io/metabase/metabase:v0.46.6 "$id4" /init >/dev/null ||
	die "ctr containers create failed"
MT_CTR_TASKS+=("mt-tenant/$id4")
for _ in $(seq 1 100); do
	[ "$(pgrep -f "^/tmp/kworker-$$" | wc -l)" -ge 2 ] && break
	sleep 0.1
done
mt --json "$pid2" >"$MT_TMP/same-image.json" || die "minertrace failed on the dropped miner"
validate "$MT_SCHEMA" "$MT_TMP/same-image.json"
check "same image: the copy runs the same miner, the same file in its writable layer (Snapshots.Mounts)" \
	"[.postmortem.spread.same_image.containers[] | select(.id == \"$id3\") | {name, state, runs_miner, file_in_layer}] ==
	 [{\"name\": \"$id3\", \"state\": \"running\", \"runs_miner\": true, \"file_in_layer\": true}]" \
	"$MT_TMP/same-image.json"
check "same image: the idle container listed without a task, no miner, no file" \
	"[.postmortem.spread.same_image.containers[] | select(.id == \"$id4\") | {name, state, runs_miner, file_in_layer}] ==
	 [{\"name\": \"$id4\", \"state\": \"created\", \"runs_miner\": false, \"file_in_layer\": false}]" \
	"$MT_TMP/same-image.json"
check "same image: two more, neither the tenant's own nor the other namespace's" \
	".postmortem.spread.same_image | (.containers | length) == 2 and .running_miner == 1 and
	 .file_in_layer == 1 and .layers_searched == 2" "$MT_TMP/same-image.json"
check "what happened: the same file in another writable layer" \
	'.postmortem.what_happened | test("2 more containers of the same image; the same miner runs in 1 of them; the same file lies in the writable layer of 1 container")' \
	"$MT_TMP/same-image.json"
mt --collect "$MT_TMP/ev-same" "$pid2" >/dev/null 2>&1 || fail "--collect failed on the dropped miner"
check "--collect: Containers.List and Tasks.List decoded to JSON" \
	"(.decoded.containers | map(.id) | sort) == ([\"$id2\", \"$id3\", \"$id4\"] | sort)" \
	"$MT_TMP/ev-same/engine/${id2:0:12}/containerd-same-image.json"
check "--collect: the copy's snapshot mounts, its upperdir" \
	'.method == "/containerd.services.snapshots.v1.Snapshots/Mounts" and .decoded.type == "overlay" and
	 (.decoded.upperdir | test("/io.containerd.snapshotter.v1.overlayfs/snapshots/[0-9]+/fs$"))' \
	"$MT_TMP/ev-same/engine/${id2:0:12}/containerd-mounts-${id3:0:12}.json"

# (b) ctr tasks exec: a process entered from outside through the shim.
ctd default tasks exec -d --exec-id "mt-exec-$$" "$id" /usr/bin/xmrig --exec-marker-$$ ||
	die "ctr tasks exec failed"
pid3=$(wait_pid -f -- "^/usr/bin/xmrig --exec-marker-$$") || die "the exec'd process did not start"
mt --json "$pid3" >"$MT_TMP/exec.json" || die "minertrace failed on the exec'd process"
validate "$MT_SCHEMA" "$MT_TMP/exec.json"
check "ctr tasks exec: entered from outside through the shim, in container $id, exec ID from ListPids" \
	".entry.kind == \"runtime-exec\" and .entry.exec_id == \"mt-exec-$$\" and .containers[0].id == \"$id\" and
	 .containers[0].runtime == \"containerd\" and
	 (.containers[0].engine.exec_sessions | any(.id == \"mt-exec-$$\" and .pid == $pid3 and .started_pid == $pid3))" \
	"$MT_TMP/exec.json"
# --collect keeps containerd's raw replies, the ListPids one naming the exec
mt --collect "$MT_TMP/ev" "$pid3" >/dev/null 2>&1 || fail "--collect failed on the exec'd process"
for f in containerd-container.pb containerd-image.pb containerd-pids.pb; do
	[ -s "$MT_TMP/ev/engine/${id:0:12}/$f" ] && echo "ok: collected $f" || fail "$f was not collected"
done
grep -q "mt-exec-$$" "$MT_TMP/ev/engine/${id:0:12}/containerd-pids.pb" &&
	echo "ok: the collected ListPids reply names the exec" ||
	fail "the collected ListPids reply lacks mt-exec-$$"
# each reply also decoded to JSON beside it
check "--collect: ListPids decoded to JSON, the exec's PID with its exec ID" \
	".method == \"/containerd.services.tasks.v1.Tasks/ListPids\" and
	 (.decoded.processes | any(.pid == $pid3 and .exec_id == \"mt-exec-$$\"))" \
	"$MT_TMP/ev/engine/${id:0:12}/containerd-pids.json"
check "--collect: the container record decoded to JSON" \
	".decoded.id == \"$id\" and .decoded.image == \"docker.io/xmrig/xmrig:6.21.0\"" \
	"$MT_TMP/ev/engine/${id:0:12}/containerd-container.json"
check "--collect: the image record decoded to JSON" \
	".decoded.name == \"docker.io/xmrig/xmrig:6.21.0\" and (.decoded.digest | test(\"^sha256:\"))" \
	"$MT_TMP/ev/engine/${id:0:12}/containerd-image.json"
check "ctr tasks exec: the story names containerd's exec, not docker's" \
	'(.postmortem.entry_story.text | test("containerd ran an exec")) and
	 (.postmortem.entry_story.text | test("docker") | not)' "$MT_TMP/exec.json"
mt scan --json --interval 1 --no-probe --min-score 1 >"$MT_TMP/scan-exec.json" || true
check "scan: the ctr tasks exec, entered from outside with its exec ID" \
	".findings | any(.pid == $pid3 and .trace.containers[0].id == \"$id\" and
	 .trace.entry.kind == \"runtime-exec\" and .trace.entry.exec_id == \"mt-exec-$$\")" \
	"$MT_TMP/scan-exec.json"
check "scan: both miners of the tenant's image traced, each searching the other two writable layers" \
	"[.findings[] | select(.trace.containers[0].id == \"$id2\" or .trace.containers[0].id == \"$id3\")
	  | .trace.postmortem.spread.same_image | select(.checked and .layers_searched == 2)] | length == 2" \
	"$MT_TMP/scan-exec.json"

finish
