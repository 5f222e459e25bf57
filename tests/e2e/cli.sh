#!/usr/bin/env bash
# The command line contract: bad input, help, version, exit codes, write
# errors, and --help in step with the man page.
. "$(dirname "$0")/lib.sh"

# expect_rc WANT ARGS...: runs minertrace, checks the exit status, keeps stderr.
expect_rc() {
	local want=$1 rc=0
	shift
	mt "$@" >"$MT_TMP/out" 2>"$MT_TMP/err" || rc=$?
	expect_eq "exit status of minertrace $*" "$rc" "$want"
}

for bad in abc -5 99999999999 0 4194305 12x "" " 1" 0x10; do
	expect_rc 2 "$bad"
	expect_eq "one-line error for '$bad'" "$(wc -l <"$MT_TMP/err")" 1
	grep -q '^minertrace: ' "$MT_TMP/err" || fail "error for '$bad' lacks the prefix: $(cat "$MT_TMP/err")"
	[ -s "$MT_TMP/out" ] && fail "stdout not empty for '$bad'"
done
expect_rc 2 1 2
expect_rc 2 --format=yaml 1
expect_rc 2 --color=sometimes 1
expect_rc 2 --timeout=abc 1
expect_rc 2 --timeout=0 1
# Every number is plain decimal: no hexadecimal, exponent, sign, space, inf.
for bad in 0x10 1e1 inf nan +2 -2 " 2" "2 " 2. .5 0.04 600.5; do
	expect_rc 2 --timeout="$bad" 1
	grep -q "^minertrace: --timeout: '$bad' is not" "$MT_TMP/err" || fail "--timeout=$bad: $(cat "$MT_TMP/err")"
done
for bad in 0x1 1e0 inf +1 " 1" 1.; do
	expect_rc 2 scan --interval="$bad"
	grep -q "^minertrace: --interval: " "$MT_TMP/err" || fail "--interval=$bad: $(cat "$MT_TMP/err")"
done
for bad in 0x10 1e1 +5 " 5" 5.0; do
	expect_rc 2 scan --min-score="$bad"
	expect_rc 2 scan --top="$bad"
done
expect_rc 2 --no-such-option 1
expect_rc 2 --proc-root
expect_rc 2
grep -q '^Usage: minertrace' "$MT_TMP/err" || fail "no usage text without arguments"

expect_rc 0 --help
grep -q '^Usage: minertrace' "$MT_TMP/out" || fail "--help does not print usage on stdout"
expect_rc 0 -h
expect_rc 0 --version
expect_eq "--version is one line" "$(wc -l <"$MT_TMP/out")" 1
grep -Eq '^minertrace [0-9]+\.[0-9]+\.[0-9]+ \((static|dynamic); .*cJSON [0-9.]+, libcgroup [0-9.]+.* glibc [0-9.]+\)$' \
	"$MT_TMP/out" || fail "bad --version: $(cat "$MT_TMP/out")"
# The flavour it names is the executable's (lib.sh reads its program headers).
grep -q "($MT_FLAVOUR; " "$MT_TMP/out" || fail "--version does not say $MT_FLAVOUR: $(cat "$MT_TMP/out")"
[ "$MT_FLAVOUR" = dynamic ] || grep -Eq 'libcurl [0-9.]+, nghttp2 [0-9.]+, .* OpenSSL 3' "$MT_TMP/out" ||
	fail "--version lacks the versions linked in: $(cat "$MT_TMP/out")"

# A PID that does not exist: status 1, one line; JSON still says so.
expect_rc 1 --no-engine 4194304
expect_eq "one-line error for a missing PID" "$(cat "$MT_TMP/err")" "minertrace: PID 4194304: no such process"
expect_rc 1 --no-engine --json 4194304
jq -e '.target.status == "not-found" and .chain == []' "$MT_TMP/out" >/dev/null ||
	fail "JSON for a missing PID is wrong"

# A proc root that does not exist
expect_rc 4 --proc-root /nonexistent 1
grep -q 'no such directory' "$MT_TMP/err" || fail "unclear error for a bad --proc-root"

# Write errors make the exit status non-zero.
rc=0; mt --version >/dev/full 2>/dev/null || rc=$?
expect_eq "--version to a full disk" "$rc" 3
rc=0; mt --no-engine $$ >/dev/full 2>/dev/null || rc=$?
expect_eq "report to a full disk" "$rc" 3
rc=0; mt --no-engine --json $$ >/dev/full 2>/dev/null || rc=$?
expect_eq "JSON to a full disk" "$rc" 3

# A closed pipe is a failed write too: status 3 and one line, not SIGPIPE's
# silent 141. The reader of the pipe is gone before minertrace starts; Python
# hands the child the default SIGPIPE action (restore_signals).
closed_pipe() {
	/usr/bin/python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
with open(sys.argv[1], "w") as err:
    rc = subprocess.call(sys.argv[2:], stdout=w, stderr=err)
print(rc if rc >= 0 else 128 - rc)' "$MT_TMP/err" ${MT_WRAPPER:-} "$MT_BIN" "$@"
}
fixture=$MT_SOURCE_DIR/tests/fixtures/proc/docker-v1-dropper
for args in "--json 4599" "4599" "--format=markdown 4599"; do
	# shellcheck disable=SC2086
	expect_eq "report to a closed pipe ($args)" "$(closed_pipe --no-engine -p "$fixture" $args)" 3
	expect_eq "one line for a closed pipe ($args)" "$(cat "$MT_TMP/err")" \
		"minertrace: cannot write the report: Broken pipe"
done
expect_eq "--version to a closed pipe" "$(closed_pipe --version)" 3
expect_eq "one line for --version" "$(cat "$MT_TMP/err")" "minertrace: cannot write the version: Broken pipe"
# The scan of this tree finds the miner (5); a failed write wins (3).
expect_rc 5 scan --no-engine --no-probe --interval 0 -p "$fixture"
expect_eq "scan to a closed pipe" \
	"$(closed_pipe scan --no-engine --no-probe --interval 0 -p "$fixture")" 3
expect_eq "one line for the scan" "$(cat "$MT_TMP/err")" "minertrace: cannot write the report: Broken pipe"

# A captured tree is hostile: a FIFO (or anything but a regular file) in it is
# refused with a warning naming it, never opened blocking.
tree=$MT_TMP/tree
cp -a "$fixture" "$tree"
# trace_tree STATUS WHAT: traces 4599 in $tree into out; a hang fails at 60 s.
trace_tree() {
	local rc=0
	timeout 60 "$MT_BIN" --no-engine -p "$tree" --json 4599 >"$MT_TMP/out" 2>"$MT_TMP/err" || rc=$?
	expect_eq "exit status with $2" "$rc" "$1"
	check "$2: a not-regular warning naming $3" \
		"[.warnings[] | select(.pid == 4599 and .code == \"not-regular\" and .subject == \"$3\")] | length == 1" \
		"$MT_TMP/out"
	validate "$MT_SCHEMA" "$MT_TMP/out"
}
rm "$tree/4599/cmdline"
mkfifo "$tree/4599/cmdline"
trace_tree 0 "a FIFO for cmdline" cmdline
check "the rest of the trace is there" '.chain[0].comm == "kdevtmpfsi" and .chain[0].argv == []' "$MT_TMP/out"
rc=0
timeout 60 "$MT_BIN" scan --no-engine --no-probe --interval 0 -p "$tree" >/dev/null 2>&1 || rc=$?
expect_eq "the scan of a tree with a FIFO for cmdline" "$rc" 5
rm "$tree/4599/cmdline" "$tree/4599/stat" "$tree/stat"
cp "$fixture/4599/cmdline" "$tree/4599/cmdline"
mkfifo "$tree/4599/stat" "$tree/stat"
trace_tree 1 "a FIFO for stat" stat
check "a FIFO for stat: the target is unreadable" '.target.status == "unreadable"' "$MT_TMP/out"
check "the FIFO boot time file is not read" '[.warnings[] | select(.message | test("no boot time"))] | length == 1' "$MT_TMP/out"
rm "$tree/4599/stat"
ln -s /dev/zero "$tree/4599/stat"
trace_tree 1 "a link for stat" stat

# --collect is decided before the trace: a symbolic link (even to an empty
# directory, even written with a trailing slash) is refused, not followed,
# and nothing is printed.
mkdir "$MT_TMP/empty"
ln -s "$MT_TMP/empty" "$MT_TMP/link"
for dir in "$MT_TMP/link" "$MT_TMP/link/"; do
	expect_rc 4 --no-engine -p "$fixture" --collect "$dir" 4599
	expect_eq "a link to an empty directory is refused ($dir)" "$(cat "$MT_TMP/err")" \
		"minertrace: --collect: $MT_TMP/link: is a symbolic link: refused, not followed (name the directory itself)"
	[ -s "$MT_TMP/out" ] && fail "a report was printed before the --collect refusal"
done
expect_eq "the link's target is untouched" "$(find "$MT_TMP/empty" -mindepth 1 | wc -l)" 0
: >"$MT_TMP/file"
expect_rc 4 --no-engine -p "$fixture" --collect "$MT_TMP/file" 4599
expect_eq "a file is refused" "$(cat "$MT_TMP/err")" "minertrace: --collect: $MT_TMP/file: is not a directory"
expect_rc 4 --no-engine -p "$fixture" --collect "$MT_TMP/none/dir" 4599
expect_eq "a directory without a parent is refused first" "$(cat "$MT_TMP/err")" \
	"minertrace: --collect: $MT_TMP/none/dir: no such directory to create it in"
[ -s "$MT_TMP/out" ] && fail "a report was printed before the --collect refusal"
expect_rc 0 --no-engine -p "$fixture" --collect "$MT_TMP/empty/" 4599
grep -q "evidence of PID 4599 in $MT_TMP/empty/" "$MT_TMP/err" || fail "no evidence: $(cat "$MT_TMP/err")"
[ -s "$MT_TMP/empty/proc/4599/status" ] || fail "the empty directory did not receive the evidence"

# Options may follow the PID; NO_COLOR and --color.
expect_rc 0 $$ --no-engine --color=always
grep -q $'\033\\[' "$MT_TMP/out" || fail "--color=always printed no colour"
NO_COLOR=1 mt $$ --no-engine >"$MT_TMP/out"
grep -q $'\033' "$MT_TMP/out" && fail "colour on a pipe"
mt $$ --no-engine --json --color=always >"$MT_TMP/out"
grep -q $'\033' "$MT_TMP/out" && fail "colour in JSON"

# Every option in --help is in the man page and the README, and back.
mt --help | grep -oE -- '--[a-z][a-z-]+' | sort -u >"$MT_TMP/help.opts"
# option definitions only: the .B/.BI/.BR lines of the man page
grep -E '^\.B[IR]? ' "$MT_SOURCE_DIR/docs/minertrace.1" | grep -oE -- '\\-\\-[a-z]+(\\-[a-z]+)*' |
	sed 's/\\//g' | sort -u >"$MT_TMP/man.opts"
if ! diff -u "$MT_TMP/help.opts" "$MT_TMP/man.opts"; then
	fail "--help and minertrace(1) list different options"
fi
while read -r opt; do
	grep -q -- "$opt" "$MT_SOURCE_DIR/README.md" || fail "README does not mention $opt"
done <"$MT_TMP/help.opts"
finish
