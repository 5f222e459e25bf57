#!/usr/bin/env bash
# The static flavour on a host whose libraries cannot be trusted: one
# executable without a dynamic section, and a whole trace (the engine over
# its socket, every hash, libcgroup, --collect, a container user that
# /etc/passwd lacks) and a scan that open no shared object, no
# nsswitch.conf, no openssl.cnf, no resolver file, and run nothing else.
. "$(dirname "$0")/lib.sh"
use_dockerd
[ "$MT_FLAVOUR" = static ] || skip "$MT_BIN is dynamically linked"
command -v strace >/dev/null || skip "strace is missing"

readelf -dW "$MT_BIN" | grep -q 'There is no dynamic section' ||
	fail "$MT_BIN has a dynamic section: $(readelf -dW "$MT_BIN" | head -n 5)"
readelf -lW "$MT_BIN" | grep -Eq '^ +(INTERP|DYNAMIC) ' && fail "$MT_BIN has an INTERP or DYNAMIC segment"

# uid 4242 is in no /etc/passwd, the host's or the image's: statically
# linked glibc would load the host's NSS modules to look it up.
grep -q '^[^:]*:[^:]*:4242:' /etc/passwd && skip "uid 4242 exists on this host"
name=$(run_container app metabase/metabase:v0.46.6 --user 4242:4242 -e MT_BURN=1 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi)
cid=$(docker inspect -f '{{.Id}}' "$name")
pid=$(container_pid "$cid" kdevtmpfsi) || die "the miner did not start"

# Everything the runs open, execute or connect to.
watch() {
	local out=$1
	shift
	strace -f -qq -e trace=open,openat,openat2,execve,connect -o "$out" "$MT_BIN" "$@"
}
rc=0
watch "$MT_TMP/trace.strace" --json --hash=all --collect="$MT_TMP/evidence" "$pid" \
	>"$MT_TMP/trace.json" 2>"$MT_TMP/trace.err" || rc=$?
expect_eq "trace: exit status (stderr: $(head -c 300 "$MT_TMP/trace.err"))" "$rc" 0
watch "$MT_TMP/scan.strace" scan --json --interval=0.2 >"$MT_TMP/scan.json" || [ $? = 5 ] ||
	fail "scan failed"
watch "$MT_TMP/version.strace" --version >/dev/null

validate "$MT_SCHEMA" "$MT_TMP/trace.json"
check "traced through the engine" \
	".target.status == \"traced\" and .containers[0].id == \"$cid\" and .containers[0].engine != null" \
	"$MT_TMP/trace.json"
check "the user without a name is a number" '.chain[0].uid.real == 4242 and .chain[0].user == null' \
	"$MT_TMP/trace.json"
check "hashes through the linked-in libcrypto" \
	".chain[0].exe.sha256 == \"$(sha256sum "$MT_PAYLOAD/mt-miner" | cut -d' ' -f1)\"" "$MT_TMP/trace.json"
check "the build says static" '.evidence.minertrace_build | startswith("static; libcurl ")' \
	"$MT_TMP/trace.json"
check "scan: the miner is a finding" "[.findings[].pid] | index($pid) != null" "$MT_TMP/scan.json"

for f in trace scan version; do
	s="$MT_TMP/$f.strace"
	[ -s "$s" ] || fail "$f: strace recorded nothing"
	bad=$(grep -E '\.so([."]|$)|nsswitch\.conf|openssl\.cnf|/etc/(hosts|resolv\.conf|host\.conf|gai\.conf|group)"|ld\.so\.cache|gconv' "$s" |
		grep -v 'ld\.so\.preload"' || true)
	expect_eq "$f: no shared object, NSS, OpenSSL or resolver file opened" "$bad" ""
	expect_eq "$f: one execve, its own" "$(grep -c 'execve(' "$s")" 1
	other=$(grep 'connect(' "$s" | grep -v 'sa_family=AF_UNIX' || true)
	expect_eq "$f: connects to unix sockets only" "$other" ""
done
grep -q 'connect(.*AF_UNIX.*docker.sock' "$MT_TMP/trace.strace" || fail "the trace did not reach the engine"
finish
