#!/usr/bin/env bash
# What the PID names, on real host processes: a thread of a multithreaded
# process (its process is traced), a private PID namespace that is no
# container (unshare), a kernel thread, a zombie and a stopped process.
. "$(dirname "$0")/lib.sh"
need_root
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"

# wait_for PID FIELD VALUE: until /proc/PID/FIELD reads VALUE.
wait_for() {
	for _ in $(seq 1 100); do
		[ "$(cat "/proc/$1/$2" 2>/dev/null)" = "$3" ] && return 0
		sleep 0.05
	done
	die "/proc/$1/$2 did not become $3"
}

# A thread of a multithreaded process: its worker thread names itself mt-burn.
gcc -O1 -pthread -o "$MT_TMP/mt-threads" "$MT_SOURCE_DIR/tests/e2e/payload/mt-miner.c"
MT_BURN=1 "$MT_TMP/mt-threads" </dev/null >/dev/null 2>&1 &
leader=$!
MT_CHILDREN+=("$leader")
wait_for "$leader" comm mt-threads
tid=
for _ in $(seq 1 100); do
	for t in /proc/"$leader"/task/*; do
		[ "$(cat "$t/comm" 2>/dev/null)" = mt-burn ] && tid=${t##*/}
	done
	[ -n "$tid" ] && break
	sleep 0.05
done
[ -n "$tid" ] && [ "$tid" != "$leader" ] || die "no worker thread in PID $leader"
mt --json --no-engine "$tid" >"$MT_TMP/thread.json"
validate "$MT_SCHEMA" "$MT_TMP/thread.json"
check "the process is traced, not the thread" ".target.pid == $leader and .target.thread == $tid" "$MT_TMP/thread.json"
check "the chain starts at the process" ".chain[0].pid == $leader and .chain[0].comm == \"mt-threads\" and .chain[1].pid == $$" "$MT_TMP/thread.json"
check "no process of the chain is the thread" "[.chain[].pid] | index($tid) == null" "$MT_TMP/thread.json"
check "a note names the thread" ".warnings | any(.subject == \"thread\" and .pid == $tid and (.message | test(\"thread of process $leader\")))" "$MT_TMP/thread.json"
check "the verdict says so" ".verdict.summary | test(\"PID $tid, the PID given, is one of its threads\")" "$MT_TMP/thread.json"
mt --json --no-engine "$leader" >"$MT_TMP/leader.json"
check "the leader itself is no thread" '.target.thread == null and (.warnings | all(.subject != "thread"))' "$MT_TMP/leader.json"
mt --no-engine --color=never "$tid" >"$MT_TMP/thread.txt"
grep -q "PID $leader (thread $tid given)" "$MT_TMP/thread.txt" || fail "text header lacks the thread"
grep -q "^Thread      PID $tid, the PID given, is a thread of process $leader" "$MT_TMP/thread.txt" ||
	fail "text report lacks the thread line"
grep -q "mt-burn" "$MT_TMP/thread.txt" && fail "text report names the thread as the target"
mt --no-engine --format=markdown "$tid" >"$MT_TMP/thread.md"
grep -q "PID $tid, the PID given, is a thread of process $leader" "$MT_TMP/thread.md" ||
	fail "Markdown report lacks the thread"

# A private PID namespace on the host: no container, no container verdict.
unshare -fp --mount-proc --kill-child "$MT_TMP/mt-threads" </dev/null >/dev/null 2>&1 &
ushare=$!
MT_CHILDREN+=("$ushare")
ns_pid=$(wait_pid -x mt-threads -P "$ushare") || die "no process in the private PID namespace"
MT_CHILDREN+=("$ns_pid")
mt --json --no-engine "$ns_pid" >"$MT_TMP/pidns.json"
validate "$MT_SCHEMA" "$MT_TMP/pidns.json"
check "in a private PID namespace, PID 1 there" ".chain[0].nspid == [$ns_pid, 1]" "$MT_TMP/pidns.json"
check "no container" '.containers == [] and .chain[0].container_id == null' "$MT_TMP/pidns.json"
check "entry: a private PID namespace" '.entry.kind == "private-pid-namespace" and (.entry.detail | test("private PID namespace")) and (.entry.detail | test("in no container"))' "$MT_TMP/pidns.json"
check "no container verdict" '.verdict.classification == "host-process" and (.verdict.summary | test("runs on the host"))' "$MT_TMP/pidns.json"
check "not the container's init" '.chain[0].role == "target" and ([.chain[1:][] | .role] | all(. == "host"))' "$MT_TMP/pidns.json"
check "a host binary" '.origin.kind == "host"' "$MT_TMP/pidns.json"
mt --no-engine --color=never "$ns_pid" >"$MT_TMP/pidns.txt"
grep -q "^Entry       private-pid-namespace: " "$MT_TMP/pidns.txt" || fail "text lacks the private namespace"
grep -q "container-init\|unwanted-image" "$MT_TMP/pidns.txt" && fail "text still speaks of a container"
# The namespace's init ignores SIGTERM from outside it (no handler): kill it.
kill -9 "$ns_pid"
wait "$ushare" || true

# A kernel thread: no executable, no container, exit 0.
kt=$(ps -eo pid=,ppid= | awk '$2 == 2 { print $1; exit }') || true # (a cut pipe keeps what was read)
[ -n "$kt" ] || die "no kernel thread found"
rc=0
mt --json --no-engine "$kt" >"$MT_TMP/kthread.json" || rc=$?
expect_eq "kernel thread exit status" "$rc" 0
validate "$MT_SCHEMA" "$MT_TMP/kthread.json"
check "kernel thread entry" '.chain[0].kernel_thread and .entry.kind == "kernel-thread" and (.entry.detail | test("no executable"))' "$MT_TMP/kthread.json"
check "kernel thread verdict" '.verdict.classification == "host-process" and (.verdict.summary | test("is a kernel thread")) and (.verdict.summary | test("cgroup namespace") | not)' "$MT_TMP/kthread.json"
rc=0
mt --no-engine --color=never "$kt" >"$MT_TMP/kthread.txt" || rc=$?
expect_eq "kernel thread text exit status" "$rc" 0
grep -q "^Entry       kernel-thread: a kernel thread" "$MT_TMP/kthread.txt" || fail "text lacks the kernel thread"

# A zombie: exited, not reaped by its parent. The child waits on a FIFO
# until its parent has become a program that never reaps (sleep), so bash
# cannot reap it first however slow the machine is.
mkfifo "$MT_TMP/zombie.fifo"
bash -c 'read -r _ <"$1" & exec sleep 300' zparent "$MT_TMP/zombie.fifo" </dev/null >/dev/null 2>&1 &
zparent=$!
MT_CHILDREN+=("$zparent")
wait_for "$zparent" comm sleep
echo go >"$MT_TMP/zombie.fifo"
zombie=
for _ in $(seq 1 200); do
	# (ps exits 1 while it finds no child: not a reason to stop the test)
	zombie=$(ps -o pid=,stat= --ppid "$zparent" | awk '$2 ~ /^Z/ { print $1; exit }') || true
	[ -n "$zombie" ] && break
	sleep 0.05
done
[ -n "$zombie" ] || die "no zombie under PID $zparent"
mt --json --no-engine "$zombie" >"$MT_TMP/zombie.json"
check "zombie state" '.chain[0].state == "Z"' "$MT_TMP/zombie.json"
mt --no-engine --color=never "$zombie" >"$MT_TMP/zombie.txt"
grep -q "^State       zombie (Z): the process has exited but its parent has not reaped it" "$MT_TMP/zombie.txt" ||
	fail "text does not say the target is a zombie"
grep -q "\[zombie\]" "$MT_TMP/zombie.txt" || fail "the chain line does not mark the zombie"
mt --no-engine --format=markdown "$zombie" >"$MT_TMP/zombie.md"
grep -q "^State: zombie (Z): the process has exited" "$MT_TMP/zombie.md" ||
	fail "Markdown does not say the target is a zombie"

# A stopped process.
sleep 300 </dev/null >/dev/null 2>&1 &
stopped=$!
MT_CHILDREN+=("$stopped")
wait_for "$stopped" comm sleep
kill -STOP "$stopped"
for _ in $(seq 1 100); do
	[ "$(ps -o stat= -p "$stopped" | cut -c1)" = T ] && break
	sleep 0.05
done
mt --no-engine --color=never "$stopped" >"$MT_TMP/stopped.txt"
grep -q "^State       stopped (T): a signal (SIGSTOP, SIGTSTP) suspended it" "$MT_TMP/stopped.txt" ||
	fail "text does not say the target is stopped"
mt --no-engine --color=never "$$" >"$MT_TMP/running.txt"
grep -q "^State " "$MT_TMP/running.txt" && fail "a running or sleeping process gets a State line"
kill -CONT "$stopped"
finish
