#!/usr/bin/env bash
# A preload rootkit (payload/mt-hide.c) that hides a miner from readdir, set
# up in /etc/ld.so.preload inside a private mount namespace of this test
# only: ps cannot see the miner; minertrace notices the library, runs again
# without it and finds the miner; with --no-reexec the scan's PID probe
# flags the miner as hidden and samples its CPU like any other process's.
# LD_PRELOAD is shed the same way. The static flavour has no loader: it is
# never touched, never runs again, and reports the library all the same.
# Both hash the library and --collect copies it.
. "$(dirname "$0")/lib.sh"
need_root
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"

# libasan wants to come first in the list of libraries; a preloaded one
# comes before it by design.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

chmod 0755 "$MT_TMP"
host_preload_before=$(cat /etc/ld.so.preload 2>/dev/null || echo "<absent>")
gcc -O1 -shared -fPIC -DHIDE_NAME='"kdevtmpfsi"' -o "$MT_TMP/libmthide.so" \
	"$MT_SOURCE_DIR/tests/e2e/payload/mt-hide.c" -ldl
gcc -O1 -pthread -o "$MT_TMP/kdevtmpfsi" "$MT_SOURCE_DIR/tests/e2e/payload/mt-miner.c"
MT_BURN=60 "$MT_TMP/kdevtmpfsi" -o stratum+tcp://pool.invalid:3333 &
miner=$!
MT_CHILDREN+=("$miner")
for _ in $(seq 1 100); do
	[ "$(cat /proc/$miner/comm 2>/dev/null)" = kdevtmpfsi ] && break
	sleep 0.05
done

# Everything below runs in a mount namespace where /etc is an overlay whose
# ld.so.preload lists the library. The host's /etc is not touched.
cat >"$MT_TMP/inside.sh" <<INSIDE
set -eu
mkdir -p "$MT_TMP/ovl"
mount -t tmpfs tmpfs "$MT_TMP/ovl"
mkdir "$MT_TMP/ovl/upper" "$MT_TMP/ovl/work"
mount -t overlay overlay -o lowerdir=/etc,upperdir=$MT_TMP/ovl/upper,workdir=$MT_TMP/ovl/work /etc
echo "$MT_TMP/libmthide.so" >/etc/ld.so.preload
ps -eo pid=,comm= >"$MT_TMP/ps.txt"
ls /proc >"$MT_TMP/ls.txt"
"$MT_BIN" --json --no-engine $miner >"$MT_TMP/trace.json"
"$MT_BIN" --no-engine --color=never $miner >"$MT_TMP/trace.txt"
"$MT_BIN" --no-engine --format=markdown $miner >"$MT_TMP/trace.md"
# (LeakSanitizer cannot run under strace)
ASAN_OPTIONS="\${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -qq -e trace=execve -o "$MT_TMP/execve.txt" \
	"$MT_BIN" --json --no-engine $miner >/dev/null
"$MT_BIN" --no-engine --collect="$MT_TMP/evidence" $miner >/dev/null 2>&1
"$MT_BIN" scan --json --no-engine --interval=1 >"$MT_TMP/scan.json" || [ \$? = 5 ]
# Stopped for a while, then burning again; its ticks and the time are read
# around the scan, whose interval lies inside that window.
kill -STOP $miner
sleep 5
kill -CONT $miner
sleep 0.2
awk '{print \$14 + \$15}' /proc/$miner/stat >"$MT_TMP/window"
date +%s%N >>"$MT_TMP/window"
"$MT_BIN" scan --json --no-engine --interval=1 --no-reexec >"$MT_TMP/scan-noreexec.json" || [ \$? = 5 ]
awk '{print \$14 + \$15}' /proc/$miner/stat >>"$MT_TMP/window"
date +%s%N >>"$MT_TMP/window"
setpriv --reuid=65534 --regid=65534 --clear-groups "$MT_BIN" --json --no-engine $miner >"$MT_TMP/nobody.json"
INSIDE
unshare -m --propagation private bash "$MT_TMP/inside.sh" || die "the namespace part failed"

expect_eq "the host's /etc/ld.so.preload is untouched" \
	"$(cat /etc/ld.so.preload 2>/dev/null || echo "<absent>")" "$host_preload_before"
if grep -qw kdevtmpfsi "$MT_TMP/ps.txt" || grep -qx "$miner" "$MT_TMP/ls.txt"; then
	fail "the test rootkit did not hide the miner from ps and ls: the test proves nothing"
else
	echo "ok: ps and ls do not see PID $miner under the rootkit"
fi

lib="$MT_TMP/libmthide.so"
lib_sha=$(sha256sum "$lib" | cut -d' ' -f1)
t="$MT_TMP/trace.json"
validate "$MT_SCHEMA" "$t"
check "trace: the miner is traced" ".target.status == \"traced\" and .chain[0].comm == \"kdevtmpfsi\"" "$t"
check "trace: preload detected" '.evidence.preload.checked and .evidence.preload.detected' "$t"
check "trace: the preload file's content" ".evidence.preload.preload_file == \"$lib\\n\"" "$t"
check "trace: the library, its size and SHA-256" \
	".evidence.preload.libraries == [{\"path\": \"$lib\", \"size\": $(stat -c %s "$lib"), \"sha256\": \"$lib_sha\", \"error\": null}]" "$t"
grep -q "libmthide.so" "$MT_TMP/trace.txt" || fail "text report does not name the preload library"
grep -q "sha256 $lib_sha" "$MT_TMP/trace.txt" || fail "text report lacks the library's SHA-256"
grep -q "SHA-256 \`$lib_sha\`" "$MT_TMP/trace.md" || fail "Markdown report lacks the library's SHA-256"
expect_eq "--collect copied the library" "$(sha256sum "$MT_TMP/evidence/preload/1-libmthide.so" | cut -d' ' -f1)" "$lib_sha"
grep -q " preload/1-libmthide.so$" "$MT_TMP/evidence/MANIFEST.sha256" || fail "the copy is not in the manifest"
s="$MT_TMP/scan.json"
validate --scan "$MT_SCHEMA" "$s"
check "scan: the miner is a finding" "[.findings[].pid] | index($miner) != null" "$s"
check "scan: the host's preload file" ".host.ld_so_preload == \"$lib\\n\"" "$s"
n="$MT_TMP/scan-noreexec.json"
validate --scan "$MT_SCHEMA" "$n"
u="$MT_TMP/nobody.json"

if [ "$MT_FLAVOUR" = static ]; then
	# No loader ran: nothing was preloaded, nothing to shed, no second run.
	expect_eq "static: executed once" "$(grep -c 'execve(' "$MT_TMP/execve.txt")" 1
	check "static: not touched, did not run again" \
		'.evidence.preload.statically_linked and (.evidence.preload.reexecuted | not) and .evidence.preload.unexpected_libraries == []' "$t"
	check "static: the note says why" '.evidence.preload.note | test("statically linked")' "$t"
	check "static scan: nothing hidden from it" ".host.hidden_pids | index($miner) == null" "$s"
	check "static scan: did not run again" '(.evidence.preload.reexecuted | not) and .evidence.preload.statically_linked' "$s"
	check "static --no-reexec: the miner is a finding, not hidden from it" \
		"([.findings[].pid] | index($miner) != null) and (.host.hidden_pids | index($miner) == null)" "$n"
	check "static, not root: traced the same" \
		".target.status == \"traced\" and .evidence.preload.detected and (.evidence.preload.reexecuted | not) and .evidence.preload.libraries[0].sha256 == \"$lib_sha\"" "$u"
	LD_PRELOAD="$lib" mt --json --no-engine "$miner" >"$MT_TMP/ld.json"
	check "static, LD_PRELOAD: reported, not loaded, no second run" \
		".evidence.preload.detected and (.evidence.preload.reexecuted | not) and .evidence.preload.ld_preload == \"$lib\" and .evidence.preload.unexpected_libraries == []" "$MT_TMP/ld.json"
else
	expect_eq "dynamic: executed twice" "$(grep -c 'execve(' "$MT_TMP/execve.txt")" 2
	check "trace: ran again" '.evidence.preload.reexecuted and (.evidence.preload.statically_linked | not)' "$t"
	check "trace: the library seen in the first run" \
		".evidence.preload.unexpected_libraries == [\"$lib\"]" "$t"
	check "trace: the note says the host was not changed" \
		'.evidence.preload.note | test("private mount namespace") and test("host was not changed")' "$t"
	check "scan: nothing hidden from the clean run" ".host.hidden_pids | index($miner) == null" "$s"
	check "scan: ran again" '.evidence.preload.reexecuted' "$s"
	check "no-reexec: did not run again" '.evidence.preload.detected and (.evidence.preload.reexecuted | not)' "$n"
	check "no-reexec: library listed" ".evidence.preload.unexpected_libraries | index(\"$lib\") != null" "$n"
	check "no-reexec: the probe finds the hidden miner" ".host.hidden_pids | index($miner) != null" "$n"
	check "no-reexec: the miner is a finding flagged hidden" \
		"[.findings[] | select(.pid == $miner) | .signals[].id] | index(\"hidden\") != null" "$n"
	# Sampled twice over the interval, its CPU is at most its ticks in the
	# window over one second (its ticks since start, before it was stopped, are
	# not counted) and near its rate in the window (not the average of a life
	# spent mostly stopped); never over 100% x its threads.
	threads=$(awk '/^Threads:/ {print $2}' /proc/$miner/status)
	read -r -d '' ticks0 at0 ticks1 at1 <"$MT_TMP/window" || true
	tck=$(getconf CLK_TCK)
	most=$(awk "BEGIN {print ($ticks1 - $ticks0 + 1) * 100 / $tck}")
	rate=$(awk "BEGIN {print ($ticks1 - $ticks0) * 100 / $tck / (($at1 - $at0) / 1e9)}")
	echo "the miner in the window: $((ticks1 - ticks0)) ticks, $rate% of a core; at most $most% over the interval"
	check "no-reexec: the hidden miner's CPU is sampled over the interval (at most $most%, at most 100% x $threads threads)" \
		".findings[] | select(.pid == $miner) | .cpu.core_percent <= $most and .cpu.core_percent <= 100 * $threads" "$n"
	check "no-reexec: the hidden miner's CPU is near its rate in the window ($rate%)" \
		".findings[] | select(.pid == $miner) | .cpu.core_percent >= 0.6 * $rate" "$n"
	check "no-reexec: the hidden miner's share of the host" \
		".cpus as \$n | .findings[] | select(.pid == $miner) | .cpu.host_percent <= 100 / \$n" "$n"
	jq -c ".findings[] | select(.pid == $miner) | {pid, cpu, hidden}" "$n"
	check "not root: detected, not run again, says why" \
		'.evidence.preload.detected and (.evidence.preload.reexecuted | not) and (.evidence.preload.note | test("needs root"))' "$u"
	# LD_PRELOAD alone is shed by any user, without a namespace.
	LD_PRELOAD="$lib" mt --json --no-engine "$miner" >"$MT_TMP/ld.json"
	check "LD_PRELOAD: shed" ".evidence.preload.reexecuted and .evidence.preload.ld_preload == \"$lib\" and .evidence.preload.preload_file == null" "$MT_TMP/ld.json"
	check "LD_PRELOAD: note" '.evidence.preload.note | test("without LD_PRELOAD")' "$MT_TMP/ld.json"
	LD_PRELOAD="$lib" setpriv --reuid=65534 --regid=65534 --clear-groups "$MT_BIN" --json --no-engine "$miner" >"$MT_TMP/ld-nobody.json"
	check "LD_PRELOAD as nobody: shed too" '.evidence.preload.reexecuted' "$MT_TMP/ld-nobody.json"
fi
check "LD_PRELOAD: the library hashed" ".evidence.preload.libraries[0].sha256 == \"$lib_sha\"" "$MT_TMP/ld.json"

# A clean run says so.
mt --json --no-engine "$miner" >"$MT_TMP/clean.json"
check "clean: checked, nothing found" '.evidence.preload.checked and (.evidence.preload.detected | not) and .evidence.preload.unexpected_libraries == []' "$MT_TMP/clean.json"
finish
