#!/usr/bin/env bash
# A host process moved into a container's cgroups (every hierarchy's
# cgroup.procs) without entering its namespaces: its namespaces are compared
# with the container init's, and it is reported as moved there from the
# host, not as a process that entered the container.
. "$(dirname "$0")/lib.sh"
use_dockerd

name=$(run_container web acme/web:1.4 -- idle)
MT_CONTAINERS+=("$name") # run_container ran in a subshell
cid=$(docker inspect -f '{{.Id}}' "$name")
init=$(docker inspect -f '{{.State.Pid}}' "$name")
cpath=$(awk -F: '$3 ~ /'"$cid"'/ { print $3; exit }' "/proc/$init/cgroup")
[ -n "$cpath" ] || die "no cgroup path of container $cid in /proc/$init/cgroup"

sleep 300 </dev/null >/dev/null 2>&1 &
pid=$!
MT_CHILDREN+=("$pid")
# The process leaves the container's cgroups (killed) before the container
# is removed, or the runtime could not delete them.
trap '{ kill "$pid" && wait "$pid"; } 2>/dev/null || true; cleanup' EXIT
moved=0
for f in /sys/fs/cgroup/*"$cpath"/cgroup.procs /sys/fs/cgroup"$cpath"/cgroup.procs; do
	[ -f "$f" ] || continue
	echo "$pid" >"$f" || die "cannot move PID $pid into $f"
	moved=$((moved + 1))
done
[ "$moved" -gt 0 ] || die "no cgroup.procs of container $cid under /sys/fs/cgroup"
grep -vq "$cid" "/proc/$pid/cgroup" && die "PID $pid is not in every cgroup of the container"
echo "moved PID $pid into $moved cgroup hierarchies of $cid"

mt --json "$pid" >"$MT_TMP/moved.json"
validate "$MT_SCHEMA" "$MT_TMP/moved.json"
check "the container is found by its cgroup" ".containers[0].id == \"$cid\" and .chain[0].cgroup.scope == \"container\"" "$MT_TMP/moved.json"
check "namespaces compared with the init" ".entry.namespaces.init_pid == $init" "$MT_TMP/moved.json"
check "pid and mnt namespaces differ" '.entry.namespaces.different | index("pid") != null and index("mnt") != null' "$MT_TMP/moved.json"
check "entry: cgroup only" '.entry.kind == "cgroup-only" and (.entry.detail | test("in the container.s cgroup but not in its namespaces: moved there from the host"))' "$MT_TMP/moved.json"
check "not taken for nsenter" '(.entry.detail | test("nsenter") | not) and (.verdict.summary | test("nsenter") | not)' "$MT_TMP/moved.json"
check "verdict: moved into the cgroup" '.verdict.classification == "moved-into-container-cgroup" and (.verdict.summary | test("is in the cgroup of docker container"))' "$MT_TMP/moved.json"
check "suspicious, and said so" '.verdict.signals | any(.id == "cgroup-only")' "$MT_TMP/moved.json"
check "no container signal about it" '.verdict.signals | all(.id != "root-in-container" and .id != "entered-from-outside" and .id != "image-local")' "$MT_TMP/moved.json"
check "a host binary" '.origin.kind == "host"' "$MT_TMP/moved.json"
mt --color=never "$pid" >"$MT_TMP/moved.txt"
grep -q "^Entry       cgroup-only: in the container's cgroup but not in its namespaces" "$MT_TMP/moved.txt" ||
	fail "text lacks the cgroup-only entry"
grep -q "^Verdict     moved-into-container-cgroup" "$MT_TMP/moved.txt" || fail "text lacks the verdict"
mt --format=markdown "$pid" >"$MT_TMP/moved.md"
grep -q "Entry: \*\*cgroup-only\*\*" "$MT_TMP/moved.md" || fail "Markdown lacks the cgroup-only entry"
grep -q "docker rm\|Stop and remove the container" "$MT_TMP/moved.md" && fail "Markdown would remove the container a host process was moved into"

# Without the engine the container's init is not in the chain: it cannot be
# told, and it is not called an entry into the container.
mt --json --no-engine "$pid" >"$MT_TMP/noengine.json"
validate "$MT_SCHEMA" "$MT_TMP/noengine.json"
check "without the engine: cannot be compared" '.entry.namespaces == null and .entry.kind == "unknown" and (.entry.detail | test("cannot be compared"))' "$MT_TMP/noengine.json"
check "without the engine: no entry verdict" '.verdict.classification == "unknown"' "$MT_TMP/noengine.json"

# The container's own init shares every namespace with itself.
mt --json "$init" >"$MT_TMP/init.json"
check "the init is the container's" '.entry.kind == "container-init" and .entry.namespaces.different == [] and (.entry.namespaces.shared | index("mnt") != null)' "$MT_TMP/init.json"
finish
