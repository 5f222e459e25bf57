#!/usr/bin/env bash
# A process that joined a container's namespaces from the host (nsenter)
# without joining its cgroup: the container is found through the PID
# namespace, and the entry path names the host process it came from.
. "$(dirname "$0")/lib.sh"
use_dockerd
command -v nsenter >/dev/null || skip "nsenter is not installed"

name=$(run_container target acme/web:1.4 -- idle)
cid=$(docker inspect -f '{{.Id}}' "$name")
init=$(docker inspect -f '{{.State.Pid}}' "$name")
cp "$MT_PAYLOAD/mt-miner" "/proc/$init/root/tmp/nsminer"
# nsenter forks into the new PID namespace: its child must not keep our output open
MT_BURN=1 nsenter --target "$init" --pid --mount -- /tmp/nsminer --via-nsenter \
	</dev/null >/dev/null 2>&1 &
MT_CHILDREN+=("$!")
pid=
for _ in $(seq 1 100); do
	pid=$(pgrep -x nsminer || true)
	[ -n "$pid" ] && break
	sleep 0.1
done
[ -n "$pid" ] || die "nsminer did not start"
MT_CHILDREN+=("$pid")
mt --json "$pid" >"$MT_TMP/ns.json"
validate "$MT_SCHEMA" "$MT_TMP/ns.json"
check "not in the container's cgroup" '.chain[0].cgroup.scope != "container"' "$MT_TMP/ns.json"
check "container found through the PID namespace" ".containers[0].id == \"$cid\" and .containers[0].via_pid_namespace" "$MT_TMP/ns.json"
check "in the container's PID namespace" '.chain[0].nspid | length == 2' "$MT_TMP/ns.json"
check "entered with setns from nsenter" '.entry.kind == "setns" and (.entry.detail | test("nsenter"))' "$MT_TMP/ns.json"
check "introduced" '.verdict.classification == "introduced-process"' "$MT_TMP/ns.json"
check "the binary is in the writable layer" '.origin.kind == "writable-layer"' "$MT_TMP/ns.json"
finish
