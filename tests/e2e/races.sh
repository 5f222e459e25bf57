#!/usr/bin/env bash
# Races with the kernel, made deterministic with strace's fault injection:
# minertrace's openat calls on one process's /proc directory are held for a
# while (strace -P DIR -e inject=openat:delay_enter), and the test kills or
# replaces processes meanwhile. Covered: the target exits early and late in
# the trace, an ancestor exits, the parent's PID is recycled (in a private
# PID namespace where ns_last_pid picks the next PID), a storm of
# short-lived processes during a scan, and fork churn during scans.
. "$(dirname "$0")/lib.sh"
need_root
command -v strace >/dev/null || skip "strace is missing"
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
HOLD_US=3000000
# LeakSanitizer cannot work in a process that strace already traces.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

gcc -O1 -o "$MT_TMP/mt-storm" "$MT_SOURCE_DIR/tests/e2e/payload/mt-storm.c"
gcc -O1 -pthread -o "$MT_TMP/xmrig" "$MT_SOURCE_DIR/tests/e2e/payload/mt-miner.c"

# family: starts a parent shell and its sleep (the target); the parent stays
# when the target dies. Sets PARENT and TARGET.
family() {
	bash -c 'sleep 300; sleep 301' &
	PARENT=$!
	MT_CHILDREN+=("$PARENT")
	TARGET=$(wait_pid -P "$PARENT" -x sleep) || die "no sleep under $PARENT"
	MT_CHILDREN+=("$TARGET")
}

# held OUT DIR WHEN [OPTIONS...]: starts minertrace under strace in the
# background with its WHEN-th openat on DIR (and every later one) held
# HOLD_US; sets HELD to strace's PID and MT_PID to minertrace's.
held() {
	local out=$1 dir=$2 when=$3
	shift 3
	strace -f -qq -o /dev/null -P "$dir" -e trace=openat \
		-e inject=openat:delay_enter=$HOLD_US:when=$when+ "$MT_BIN" "$@" >"$out" &
	HELD=$!
	MT_PID=$(wait_pid -P "$HELD") || die "minertrace did not start under strace"
}

# until_held DIR: waits until minertrace sits in the held openat on DIR:
# stopped in openat (syscall 257) with a directory descriptor for DIR, seen
# twice 0.1 s apart (an openat that is not held passes in microseconds).
held_now() {
	local nr fd rest
	read -r nr fd rest </proc/"$MT_PID"/syscall 2>/dev/null || return 1
	[ "$nr" = 257 ] && [ "$(readlink /proc/"$MT_PID"/fd/$((fd)) 2>/dev/null)" = "$1" ]
}
until_held() {
	local i
	for i in $(seq 1 400); do
		if held_now "$1"; then
			sleep 0.1
			held_now "$1" && return 0
		fi
		sleep 0.01
	done
	die "minertrace was never held on $1"
}

# finish_held: waits for the held run; its exit status goes to RC.
finish_held() {
	RC=0
	wait "$HELD" || RC=$?
}

# race NAME DIR WHEN VICTIM RC: traces TARGET with its WHEN-th openat on DIR
# held, kills VICTIM meanwhile; expects exit status RC and a valid report
# in $MT_TMP/NAME.json.
race() {
	local name=$1 dir=$2 when=$3 victim=$4 rc=$5
	held "$MT_TMP/$name.json" "$dir" "$when" --json --no-engine "$TARGET"
	until_held "$dir"
	kill -9 "$victim"
	finish_held
	expect_eq "$name: exit status $rc" "$RC" "$rc"
	validate "$MT_SCHEMA" "$MT_TMP/$name.json"
}

sleep_sum=$(sha256sum /usr/bin/sleep | cut -d' ' -f1)

# the target exits right after its stat was read
family
race early "/proc/$TARGET" 3 "$TARGET" 1
check "target exits early: vanished" '.target.status == "vanished"' "$MT_TMP/early.json"
check "target exits early: what was read is kept" \
	".chain[0].pid == $TARGET and .chain[0].comm == \"sleep\" and .chain[0].ppid == $PARENT" "$MT_TMP/early.json"
check "target exits early: a warning says so" '.warnings | any(.code == "vanished")' "$MT_TMP/early.json"
kill "$PARENT" 2>/dev/null || true

# the target exits while its parent is being read
family
race late "/proc/$PARENT" 1 "$TARGET" 1
check "target exits late: vanished" '.target.status == "vanished"' "$MT_TMP/late.json"
check "target exits late: the whole chain is kept" \
	".chain[1].pid == $PARENT and .chain[-1].pid == 1 and .chain_end == \"root\"" "$MT_TMP/late.json"
check "target exits late: the hash of its binary is kept" ".chain[0].exe.sha256 == \"$sleep_sum\"" "$MT_TMP/late.json"
kill "$PARENT" 2>/dev/null || true

# an ancestor exits while it is being read
family
race ancestor "/proc/$PARENT" 1 "$PARENT" 0
check "ancestor exits: the target is traced" ".target.status == \"traced\" and .chain[0].pid == $TARGET" "$MT_TMP/ancestor.json"
check "ancestor exits: the chain ends there, said so" '.chain_end == "parent-vanished"' "$MT_TMP/ancestor.json"
check "ancestor exits: no made-up ancestor" ".chain | all(.pid != $PARENT or .comm == \"bash\")" "$MT_TMP/ancestor.json"
kill "$TARGET" 2>/dev/null || true

# --- the parent's PID is recycled between two reads ----------------------------
# In a private PID namespace: the parent is killed while minertrace holds
# the target's status read, and a process named "recycled" is started with
# the parent's PID (ns_last_pid). The walk must not adopt it as the parent.
cp /usr/bin/sleep "$MT_TMP/recycled"
cat >"$MT_TMP/recycle.sh" <<INSIDE
set -u
child_of() { for i in \$(seq 1 400); do pgrep -P "\$@" && return 0; sleep 0.01; done; return 1; }
bash -c 'sleep 300; sleep 301' &
PARENT=\$!
TARGET=\$(child_of "\$PARENT" -x sleep)
strace -f -qq -o /dev/null -P "/proc/\$TARGET" -e trace=openat \\
	-e inject=openat:delay_enter=$HOLD_US:when=2+ "$MT_BIN" --json --no-engine "\$TARGET" \\
	>"$MT_TMP/recycled.json" &
HELD=\$!
MT_PID=\$(child_of "\$HELD")
held_now() {
	read -r nr fd rest </proc/\$MT_PID/syscall 2>/dev/null || return 1
	[ "\$nr" = 257 ] && [ "\$(readlink /proc/\$MT_PID/fd/\$((fd)) 2>/dev/null)" = "/proc/\$TARGET" ]
}
for i in \$(seq 1 400); do
	held_now && sleep 0.1 && held_now && break
	sleep 0.01
done
kill -9 "\$PARENT"
wait "\$PARENT" 2>/dev/null
echo \$((PARENT - 1)) >/proc/sys/kernel/ns_last_pid
"$MT_TMP/recycled" 300 &
echo "\$PARENT \$! \$TARGET" >"$MT_TMP/recycled.pids"
wait "\$HELD"
echo \$? >"$MT_TMP/recycled.rc"
kill "\$TARGET" %2 2>/dev/null
exit 0
INSIDE
unshare -pf --mount-proc bash "$MT_TMP/recycle.sh" || fail "the PID namespace part failed"
read -r parent recycled target <"$MT_TMP/recycled.pids"
if [ "$parent" != "$recycled" ]; then
	fail "could not recycle PID $parent (the new process got $recycled): the case was not exercised"
else
	echo "ok: PID $parent recycled"
	expect_eq "recycled: exit status 0" "$(cat "$MT_TMP/recycled.rc")" 0
	validate "$MT_SCHEMA" "$MT_TMP/recycled.json"
	check "recycled: the target is traced" ".target.status == \"traced\" and .chain[0].pid == $target" "$MT_TMP/recycled.json"
	check "recycled: the younger process is not taken for the parent" \
		'.chain | all(.comm != "recycled")' "$MT_TMP/recycled.json"
	check "recycled: the chain ends there, said so" '.chain_end == "pid-recycled"' "$MT_TMP/recycled.json"
	jq -c '{chain_end, chain: [.chain[] | {pid, ppid, comm, start_ticks}], warnings}' "$MT_TMP/recycled.json"
fi

# --- a storm of short-lived processes during a scan -------------------------
MT_BURN=60 "$MT_TMP/xmrig" &
miner=$!
MT_CHILDREN+=("$miner")
"$MT_TMP/mt-storm" 6 >"$MT_TMP/storm.count" &
storm=$!
sleep 0.5
rc=0
mt scan --json --no-engine --interval=2 >"$MT_TMP/storm.json" 2>"$MT_TMP/storm.err" || rc=$?
wait "$storm"
forked=$(cat "$MT_TMP/storm.count")
echo "storm: $forked processes forked in 6 s"
[ "$forked" -ge 1000 ] || fail "the storm forked only $forked processes: the case was not exercised"
expect_eq "storm: scan exit status 5" "$rc" 5
validate --scan "$MT_SCHEMA" "$MT_TMP/storm.json"
check "storm: the miner is found" "[.findings[].pid] | index($miner) != null" "$MT_TMP/storm.json"
check "storm: no newcomer is called hidden" '.host.hidden_pids == []' "$MT_TMP/storm.json"
check "storm: no storm child among the findings" "[.findings[] | select(.ppid == $storm)] == []" "$MT_TMP/storm.json"

# --- fork churn: 2,000 children a second, each living 30-200 ms -----------
# Children born during a listing and gone before the next one, or alive
# across it, are never hidden; every candidate is one of the processes; a
# pool of short-lived children is no restarted child (everything with a
# signal is listed: --min-score 1).
"$MT_TMP/mt-storm" 6 2000 30 200 >"$MT_TMP/churn.count" &
churn=$!
MT_CHILDREN+=("$churn")
sleep 0.3
for i in 1 2 3 4 5; do
	mt scan --json --no-engine --interval=0.3 --min-score 1 >"$MT_TMP/churn$i.json" || [ $? = 5 ] ||
		fail "churn: scan $i failed"
	check "churn $i: no PID called hidden" '.host.hidden_pids == [] and all(.findings[]; .hidden | not)' "$MT_TMP/churn$i.json"
	check "churn $i: candidates are among the processes" '.candidates <= .processes' "$MT_TMP/churn$i.json"
	check "churn $i: no child respawned, no watchdog parent" "[.findings[] | select(.ppid == $churn or .pid == $churn) | .signals[].id | select(. == \"respawned\" or . == \"watchdog\")] == []" "$MT_TMP/churn$i.json"
	jq -c '{processes, candidates, hidden: .host.hidden_pids}' "$MT_TMP/churn$i.json"
done
wait "$churn"
forked=$(cat "$MT_TMP/churn.count")
echo "churn: $forked processes forked in 6 s"
[ "$forked" -ge 3000 ] || fail "the churn forked only $forked processes: the case was not exercised"
validate --scan "$MT_SCHEMA" "$MT_TMP/churn1.json"
finish
