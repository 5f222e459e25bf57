#!/usr/bin/env bash
# The incident: an app container whose init forks a shell that drops a
# miner into /tmp, runs it and deletes it. minertrace must name the full
# container ID, the chain back through the shell and the init to the shim,
# the deleted /tmp binary from the writable layer, and its SHA-256.
. "$(dirname "$0")/lib.sh"
use_dockerd

name=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=2 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi --also /tmp/kinsing \
	-o stratum+tcp://pool.example:3333 --donate-level 1)
cid=$(docker inspect -f '{{.Id}}' "$name")
init=$(docker inspect -f '{{.State.Pid}}' "$name")
miner=$(container_pid "$cid" kdevtmpfsi) || die "the miner did not start"
wait_deleted "$miner" || fail "the shell did not delete the miner's binary"
sum=$(sha256sum "$MT_PAYLOAD/mt-miner" | cut -d' ' -f1)

mt --json "$miner" >"$MT_TMP/trace.json"
validate "$MT_SCHEMA" "$MT_TMP/trace.json"
f=$MT_TMP/trace.json
check "full container ID" ".containers[0].id == \"$cid\" and .chain[0].container_id == \"$cid\"" "$f"
check "short ID" ".containers[0].short_id == \"${cid:0:12}\"" "$f"
check "chain names" '[.chain[0:4][].comm] == ["kdevtmpfsi", "sh", "init", "containerd-shim"]' "$f"
check "roles" '[.chain[0:4][].role] == ["target", "container-process", "container-init", "runtime-shim"]' "$f"
check "init PID" ".chain[2].pid == $init and .chain[2].nspid[-1] == 1" "$f"
check "shim is outside the container" '.chain[3].container_id == null and (.chain[3].argv | index("-id")) != null' "$f"
check "chain ends at PID 1" '.chain[-1].pid == 1 and .chain_end == "root"' "$f"
check "exe path" '.chain[0].exe.path == "/tmp/kdevtmpfsi"' "$f"
check "deleted" '.chain[0].exe.deleted == true and .chain[0].exe.links == 0' "$f"
check "writable-layer origin" '.origin.kind == "writable-layer" and .origin.unlinked == true and .origin.root_fstype == "overlay"' "$f"
check "upperdir named" '.origin.upperdir | test("/diff$")' "$f"
check "sha256 of the deleted binary matches the original" ".chain[0].exe.sha256 == \"$sum\"" "$f"
check "entered from the init tree" '.entry.kind == "init-tree" and .entry.init_pid == '"$init" "$f"
check "introduced process" '.verdict.classification == "introduced-process"' "$f"
check "signals" '[.verdict.signals[].id] | contains(["exe-deleted", "scratch-dir", "writable-layer"])' "$f"
check "runtime" '.containers[0].runtime == "docker"' "$f"
check "container processes via libcgroup" '[.containers[0].processes[].comm] | contains(["init", "sh", "kdevtmpfsi"])' "$f"
check "in-chain members flagged" '[.containers[0].processes[] | select(.in_chain) | .comm] | length == 3' "$f"
check "accounting" '.containers[0].accounting.cpu_seconds > 0 and .containers[0].accounting.memory_bytes > 0 and .containers[0].accounting.pids >= 3' "$f"

# Without the engine the /proc facts are the same.
mt --json --no-engine "$miner" >"$MT_TMP/noengine.json"
check "no engine: same container" ".containers[0].id == \"$cid\" and .containers[0].engine == null" "$MT_TMP/noengine.json"
check "no engine: same origin" '.origin.kind == "writable-layer" and .entry.kind == "init-tree"' "$MT_TMP/noengine.json"
check "no engine: disabled" '.engine.enabled == false and .engine.requests == 0' "$MT_TMP/noengine.json"

# The text tree draws the boundary and the verdict.
mt --color=never "$miner" >"$MT_TMP/trace.txt"
grep -q "── container ${cid:0:12}" "$MT_TMP/trace.txt" || fail "no container boundary line"
grep -q "^Verdict     introduced-process" "$MT_TMP/trace.txt" || fail "no verdict line"
finish
