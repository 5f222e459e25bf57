#!/usr/bin/env bash
# What the real engine tells, for the scenarios responders meet:
#   1. an app whose init forks a shell that drops a miner into /tmp
#   2. a legitimate image into which a miner is started with docker exec -u 1000
#   3. an image whose own init is the miner
#   4. a container placed like a Kubernetes pod (cgroup parent, io.kubernetes labels)
#   5. a container with the engine socket and the host's root mounted
. "$(dirname "$0")/lib.sh"
use_dockerd

# --- 1. the dropper ------------------------------------------------------------
name=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=1 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi --also /tmp/kinsing -o stratum+tcp://p:3333)
cid=$(docker inspect -f '{{.Id}}' "$name")
pid=$(container_pid "$cid" kdevtmpfsi) || die "the dropped miner did not start"
for _ in $(seq 1 50); do
	readlink "/proc/$pid/exe" | grep -q '(deleted)' && break
	sleep 0.1
done
mt --json "$pid" >"$MT_TMP/dropper.json"
validate "$MT_SCHEMA" "$MT_TMP/dropper.json"
f=$MT_TMP/dropper.json
check "dropper: container name" ".containers[0].engine.name == \"$name\"" "$f"
check "dropper: image reference as run" '.containers[0].engine.image.reference == "metabase/metabase:v0.46.6"' "$f"
check "dropper: image ID" ".containers[0].engine.image.id == \"$(docker inspect -f '{{.Image}}' "$name")\"" "$f"
check "dropper: image built here" '.containers[0].engine.image.source == "local" and .containers[0].engine.image.repo_digests == []' "$f"
check "dropper: drift shows the dropped file" '.containers[0].engine.changes.files | any(.path == "/tmp/kinsing" and .kind == "added" and .executable == true)' "$f"
check "dropper: the deleted miner is no longer in the layer" '.containers[0].engine.changes.target_exe == null' "$f"
check "dropper: create and start events" '[.containers[0].engine.events[].action] | contains(["create", "start"])' "$f"
check "dropper: init PID from the engine" ".containers[0].engine.init_pid == $(docker inspect -f '{{.State.Pid}}' "$name")" "$f"
check "dropper: entrypoint and args" '.containers[0].engine.path == "/init" and .containers[0].engine.args[0] == "app"' "$f"
check "dropper: writable layer from the engine" ".containers[0].engine.upper_dir == \"$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$name")\"" "$f"
check "dropper: introduced process" '.verdict.classification == "introduced-process" and .entry.kind == "init-tree"' "$f"
check "dropper: engine answered in its API version" '.engine.reachable and .engine.api_version == "1.41" and .engine.api == "Docker Engine API"' "$f"

# --- 2. docker exec -u 1000 into a legitimate image ------------------------------
name=$(run_container web acme/web:1.4 -- idle)
cid=$(docker inspect -f '{{.Id}}' "$name")
docker cp "$MT_PAYLOAD/mt-miner" "$name:/tmp/xmrig"
docker exec -d -u 1000 -e MT_BURN=1 "$name" /tmp/xmrig -o stratum+tcp://pool.example:3333 --donate-level 1
pid=$(container_pid "$cid" xmrig) || die "the exec'd miner did not start"
exec_id=$(docker inspect -f '{{range .ExecIDs}}{{.}}{{end}}' "$name")
mt --json "$pid" >"$MT_TMP/exec.json"
validate "$MT_SCHEMA" "$MT_TMP/exec.json"
f=$MT_TMP/exec.json
check "exec: entered through docker exec" ".entry.kind == \"docker-exec\" and .entry.exec_id == \"$exec_id\"" "$f"
check "exec: the session's user" ".containers[0].engine.exec_sessions | any(.id == \"$exec_id\" and .user == \"1000\" and .started_pid == $pid)" "$f"
check "exec: the session's command" ".containers[0].engine.exec_sessions[0].entrypoint == \"/tmp/xmrig\" and (.containers[0].engine.exec_sessions[0].args | index(\"--donate-level\")) != null" "$f"
check "exec: runs as UID 1000" '.chain[0].uid.real == 1000 and .chain[0].uid.effective == 1000' "$f"
check "exec: parent is the shim, not the init" '.chain[1].role == "runtime-shim"' "$f"
check "exec: exec events" "[.containers[0].engine.events[] | select(.exec_id == \"$exec_id\") | .action] | contains([\"exec_create\", \"exec_start\"])" "$f"
check "exec: copied in, so in the writable layer" '.origin.kind == "writable-layer"' "$f"
check "exec: introduced into a legitimate image" '.verdict.classification == "introduced-process"' "$f"
# (other tests run containers of the same image meanwhile: an inspect the
# session already holds is not asked again)
check "exec: requests = one set for the container, the list of its image's containers and at most an inspect of each (at most 16)" \
	'.engine.requests >= 6 and .engine.requests <= 6 + ([(.postmortem.spread.same_image.containers | length), 16] | min)' "$f"
mt --color=never "$pid" >"$MT_TMP/exec.txt"
grep -q "docker exec session ${exec_id:0:12} as user \"1000\"" "$MT_TMP/exec.txt" || fail "text report does not name the exec session"

# --- 3. an image whose own init is the miner -------------------------------------
name=$(run_container xmrig xmrig/xmrig:6.21.0 -e MT_BURN=1)
cid=$(docker inspect -f '{{.Id}}' "$name")
pid=$(container_pid "$cid" xmrig) || die "the xmrig image did not start"
mt --json "$pid" >"$MT_TMP/image.json"
validate "$MT_SCHEMA" "$MT_TMP/image.json"
f=$MT_TMP/image.json
check "image: the target is the container's init" '.entry.kind == "container-init" and .chain[0].nspid[-1] == 1' "$f"
check "image: an unwanted image" '.verdict.classification == "unwanted-image"' "$f"
check "image: its repo tag" '.containers[0].engine.image.repo_tags == ["xmrig/xmrig:6.21.0"]' "$f"
check "image: shipped in the image" '.origin.kind == "image-layer"' "$f"
check "image: the image's command line" '.chain[0].argv | index("--donate-level") != null' "$f"
mt --format=markdown "$pid" >"$MT_TMP/image.md"
grep -q 'docker rmi' "$MT_TMP/image.md" || fail "markdown suggests no image removal"
grep -q 'xmrig/xmrig:6.21.0' "$MT_TMP/image.md" || fail "markdown does not name the tag"

# --- 4. placed like a Kubernetes pod ---------------------------------------------
pod=3f9a2c1e-7b4d-4e2a-9c8f-1d2e3f4a5b6c
name=$(run_container pod metabase/metabase:v0.46.6 -e MT_BURN=1 \
	--cgroup-parent "/kubepods/besteffort/pod$pod" \
	--label io.kubernetes.pod.name=metabase-7d9f8c-x2x9z \
	--label io.kubernetes.pod.namespace=analytics \
	--label io.kubernetes.container.name=metabase \
	--label "io.kubernetes.pod.uid=$pod" -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi)
cid=$(docker inspect -f '{{.Id}}' "$name")
pid=$(container_pid "$cid" kdevtmpfsi) || die "the pod's miner did not start"
mt --json "$pid" >"$MT_TMP/pod.json"
validate "$MT_SCHEMA" "$MT_TMP/pod.json"
f=$MT_TMP/pod.json
check "pod: UID and QoS from the cgroup" ".containers[0].kubernetes.pod_uid == \"$pod\" and .containers[0].kubernetes.qos == \"besteffort\"" "$f"
check "pod: name and namespace from the labels" '.containers[0].kubernetes.pod_name == "metabase-7d9f8c-x2x9z" and .containers[0].kubernetes.namespace == "analytics" and .containers[0].kubernetes.container_name == "metabase"' "$f"
check "pod: cgroup path" ".containers[0].cgroup_path == \"/kubepods/besteffort/pod$pod/$cid\"" "$f"
check "pod: runtime named by the engine" '.containers[0].runtime == "docker"' "$f"
mt --color=never "$pid" >"$MT_TMP/pod.txt"
grep -q "pod analytics/metabase-7d9f8c-x2x9z $pod" "$MT_TMP/pod.txt" || fail "the boundary line lacks the pod"

# --- 5. the engine socket and the host's root mounted ----------------------------
touch "$MT_TMP/docker.sock"
name=$(run_container risky acme/web:1.4 -v "$MT_TMP/docker.sock:/var/run/docker.sock" \
	-v /:/host:ro -- idle)
pid=$(docker inspect -f '{{.State.Pid}}' "$name")
mt --json "$pid" >"$MT_TMP/risky.json"
f=$MT_TMP/risky.json
check "mounts: the engine socket is an escape" '.containers[0].engine.mounts | any(.destination == "/var/run/docker.sock" and (.risk | test("controls the engine")))' "$f"
check "mounts: the host's root is an escape" '.containers[0].engine.mounts | any(.destination == "/host" and (.risk | test("read-only")))' "$f"
check "mounts: signalled" '[.verdict.signals[] | select(.id == "dangerous-mount")] | length == 2' "$f"
finish
