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
