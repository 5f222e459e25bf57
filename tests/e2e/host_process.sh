#!/usr/bin/env bash
# A host process started by the test: traced with no container, its binary
# hashed through /proc/PID/exe, also after the binary was deleted.
. "$(dirname "$0")/lib.sh"

# wait_exec PID NAME: until the forked shell has become NAME
wait_exec() {
	for _ in $(seq 1 100); do
		[ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ] && return 0
		sleep 0.05
	done
	die "PID $1 did not become $2"
}

sleep 300 &
pid=$!
MT_CHILDREN+=("$pid")
wait_exec "$pid" sleep
mt --json --no-engine "$pid" >"$MT_TMP/host.json"
validate "$MT_SCHEMA" "$MT_TMP/host.json"
sleep_bin=$(readlink -f "/proc/$pid/exe")
sum=$(sha256sum "$sleep_bin" | cut -d' ' -f1)
check "target PID" ".target.pid == $pid and .target.status == \"traced\"" "$MT_TMP/host.json"
check "target comm and role" '.chain[0].comm == "sleep" and .chain[0].role == "target"' "$MT_TMP/host.json"
check "argv" '.chain[0].argv == ["sleep", "300"]' "$MT_TMP/host.json"
check "chain reaches PID 1" '.chain[-1].pid == 1 and .chain_end == "root"' "$MT_TMP/host.json"
check "parent is this shell" ".chain[1].pid == $$" "$MT_TMP/host.json"
check "exe path" ".chain[0].exe.path == \"$sleep_bin\" and .chain[0].exe.deleted == false" "$MT_TMP/host.json"
check "sha256 of the binary" ".chain[0].exe.sha256 == \"$sum\"" "$MT_TMP/host.json"
check "no container" '.containers == [] and .chain[0].container_id == null' "$MT_TMP/host.json"
check "host process" '.entry.kind == "host-process" and .verdict.classification == "host-process"' "$MT_TMP/host.json"
check "origin host" '.origin.kind == "host"' "$MT_TMP/host.json"
check "user" ".chain[0].uid.real == $(id -u) and .chain[0].user == \"$(id -un)\"" "$MT_TMP/host.json"
check "start time is recent" '(.chain[0].start_time | sub("\\.[0-9]+Z$"; "Z") | fromdate) > (now - 120)' "$MT_TMP/host.json"
check "evidence header" '.evidence.live and (.evidence.boot_id | length == 36) and .evidence.minertrace_version != null' "$MT_TMP/host.json"

# A binary deleted after start is still read through /proc/PID/exe.
cp "$sleep_bin" "$MT_TMP/hidden-sleep"
"$MT_TMP/hidden-sleep" 300 &
dpid=$!
MT_CHILDREN+=("$dpid")
wait_exec "$dpid" hidden-sleep
dsum=$(sha256sum "$MT_TMP/hidden-sleep" | cut -d' ' -f1)
rm "$MT_TMP/hidden-sleep"
mt --json --no-engine "$dpid" >"$MT_TMP/deleted.json"
check "deleted host binary" ".chain[0].exe.deleted == true and .chain[0].exe.path == \"$MT_TMP/hidden-sleep\"" "$MT_TMP/deleted.json"
check "hash of the deleted binary" ".chain[0].exe.sha256 == \"$dsum\"" "$MT_TMP/deleted.json"
check "link count 0" '.chain[0].exe.links == 0' "$MT_TMP/deleted.json"

# Text output names the process and the verdict.
mt --no-engine --color=never "$pid" >"$MT_TMP/host.txt"
grep -q "sleep 300" "$MT_TMP/host.txt" || fail "text output lacks the command line"
grep -q "^Verdict     host-process" "$MT_TMP/host.txt" || fail "text output lacks the verdict"
finish
