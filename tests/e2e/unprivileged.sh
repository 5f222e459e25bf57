#!/usr/bin/env bash
# minertrace run by an unprivileged user (nobody) on a miner dropped into a
# container: what the kernel refuses (the executable, the working directory,
# namespaces, the engine socket) is listed in the report, and the rest (the
# chain, command lines, users, the container ID from the cgroup, the roles
# and the entry) is what root sees.
. "$(dirname "$0")/lib.sh"
use_dockerd
command -v setpriv >/dev/null || skip "setpriv (util-linux) is missing"

name=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=2 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi -o stratum+tcp://pool.example:3333)
cid=$(docker inspect -f '{{.Id}}' "$name")
miner=$(container_pid "$cid" kdevtmpfsi) || die "the miner did not start"
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MT_BIN" "$@"
}

mt --json "$miner" >"$MT_TMP/root.json"
rc=0
nobody --json "$miner" >"$MT_TMP/nobody.json" || rc=$?
expect_eq "nobody: exit status" "$rc" 0
validate "$MT_SCHEMA" "$MT_TMP/nobody.json"
f=$MT_TMP/nobody.json
check "nobody: ran as nobody" '.evidence.uid == 65534 and .evidence.euid == 65534' "$f"
same='[.chain[] | {pid, ppid, comm, argv, uid, role, container_id}]'
expect_eq "nobody: the chain is what root sees" "$(jq -c "$same" "$f")" "$(jq -c "$same" "$MT_TMP/root.json")"
check "nobody: the container ID from the cgroup" ".containers[0].id == \"$cid\"" "$f"
check "nobody: entry" '.entry.kind == "init-tree"' "$f"
check "nobody: the executable is listed as unreadable" \
	".evidence.unreadable | any(.pid == $miner and .what == \"exe\")" "$f"
check "nobody: the engine socket is listed as unreadable" \
	'.evidence.unreadable | any(.what == "engine" and (.why | test("permission denied")))' "$f"
check "nobody: no hash was made up" '.chain[0].exe.sha256 == null' "$f"
check "nobody: root could hash it" '.chain[0].exe.sha256 != null' "$MT_TMP/root.json"
check "nobody: no engine facts" '.containers[0].engine == null and (.engine.reachable | not)' "$f"

nobody --color=never "$miner" >"$MT_TMP/nobody.txt" || fail "nobody: text exit status $?"
grep -q "exe \[$miner\]: .*permission denied" "$MT_TMP/nobody.txt" ||
	fail "nobody: the text report does not say the executable was refused"
grep -q "$cid" "$MT_TMP/nobody.txt" || fail "nobody: the text report lacks the container ID"
grep -q "ran as UID 65534 and the kernel refused" "$MT_TMP/nobody.txt" || fail "nobody: no note on what root would add"

# scan as nobody: CPU and names are public, so the miner is still found
rc=0
nobody scan --json --interval 1 >"$MT_TMP/scan.json" || rc=$?
expect_eq "nobody scan: exit status 5" "$rc" 5
validate --scan "$MT_SCHEMA" "$MT_TMP/scan.json"
check "nobody scan: the miner is found in its container" \
	"[.findings[] | select(.pid == $miner) | .trace.containers[0].id] == [\"$cid\"]" "$MT_TMP/scan.json"
finish
