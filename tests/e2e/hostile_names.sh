#!/usr/bin/env bash
# Names an attacker chooses: a host process and a container exec session
# whose executable name, argv and labels hold ESC/OSC sequences, BEL, CR/LF,
# invalid UTF-8, bidi overrides and a 5000-byte argument. The text report
# holds no raw control byte, the JSON passes jq and the schema with the exact
# bytes recoverable, the Markdown tables keep their shape and quote every
# command line exactly.
. "$(dirname "$0")/lib.sh"
use_dockerd

esc=$'\e'
bad_name=$'\e]0;pwned\a\n\xff\xfeX'
arg0=$'\e[2J\e[H\xe2\x80\xaeexe.txt'
arg1=$'line1\nline2\r\x07|`pipes`|'
arg2=$'\xff\xfe\xfd not utf-8'
long=$(head -c 5000 /dev/zero | tr '\0' A)

# the texts must hold control bytes, or the test proves nothing
[[ "$bad_name" == *"$esc"* && "$arg1" == *$'\n'* ]] || die "the hostile strings lost their bytes"

# 1. a host process
cp "$MT_PAYLOAD/mt-miner" "$MT_TMP/$bad_name"
(MT_BURN=1 exec -a "$arg0" "$MT_TMP/$bad_name" "$arg1" "$arg2" "$long") &
hpid=$!
MT_CHILDREN+=("$hpid")
for _ in $(seq 1 100); do
	[ "$(readlink "/proc/$hpid/exe")" = "$MT_TMP/$bad_name" ] && break
	sleep 0.05
done

# 2. a container with a hostile label and an exec session with hostile argv
name=$(run_container web metabase/metabase:v0.46.6 --label "owner=$bad_name" -- idle)
cid=$(docker inspect -f '{{.Id}}' "$name")
docker exec -d -e MT_BURN=1 "$name" /usr/share/payload/miner "$arg1" "$arg2" "$long"
cpid=$(container_pid "$cid" miner) || die "the exec'd process did not start"

for target in "$hpid" "$cpid"; do
	mt --json "$target" >"$MT_TMP/$target.json"
	jq . "$MT_TMP/$target.json" >/dev/null && echo "ok: jq accepts PID $target" || fail "jq rejects PID $target"
	validate "$MT_SCHEMA" "$MT_TMP/$target.json"
	if [ "$target" = "$hpid" ]; then
		# exact bytes: the base64 forms decode to what was passed
		got=$(jq -r '.chain[0].argv_base64[1]' "$MT_TMP/$target.json" | base64 -d | od -An -tx1 | tr -d ' \n')
		want=$(printf '%s' "$arg1" | od -An -tx1 | tr -d ' \n')
		expect_eq "host: argv[1] bytes recoverable" "$got" "$want"
		got=$(jq -r '.chain[0].argv_base64[2]' "$MT_TMP/$target.json" | base64 -d | od -An -tx1 | tr -d ' \n')
		want=$(printf '%s' "$arg2" | od -An -tx1 | tr -d ' \n')
		expect_eq "host: argv[2] (not UTF-8) bytes recoverable" "$got" "$want"
		got=$(jq -r '.chain[0].exe.path_base64' "$MT_TMP/$target.json" | base64 -d | od -An -tx1 | tr -d ' \n')
		want=$(printf '%s' "$MT_TMP/$bad_name" | od -An -tx1 | tr -d ' \n')
		expect_eq "host: exe path bytes recoverable" "$got" "$want"
	else
		# docker exec goes through JSON: what arrives is valid UTF-8, and
		# then the JSON string itself is exact
		got=$(jq -j '.chain[0].argv[1]' "$MT_TMP/$target.json" | od -An -tx1 | tr -d ' \n')
		want=$(printf '%s' "$arg1" | od -An -tx1 | tr -d ' \n')
		expect_eq "container: argv[1] exact in the JSON string" "$got" "$want"
	fi
	check "PID $target: the long argument whole" '.chain[0].argv[3] | length == 5000' "$MT_TMP/$target.json"

	for color in never always; do
		mt --color=$color "$target" >"$MT_TMP/$target.$color.txt"
		# every ESC is one of our own colour codes; no other control byte but newline
		if LC_ALL=C sed -E 's/\x1b\[[0-9;]*m//g' "$MT_TMP/$target.$color.txt" |
			LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]'; then
			fail "PID $target --color=$color: raw control bytes in the text"
		else
			echo "ok: PID $target --color=$color: no raw control byte"
		fi
		if grep -q $'\xe2\x80\xae' "$MT_TMP/$target.$color.txt"; then
			fail "PID $target: a raw bidi override reached the text"
		fi
	done
	grep -q '\\e\[2J' "$MT_TMP/$target.never.txt" || [ "$target" = "$cpid" ] ||
		fail "PID $target: ESC not shown visibly"

	mt --format=markdown "$target" >"$MT_TMP/$target.md"
	/usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/md-roundtrip.py" "$MT_TMP/$target.md" \
		"$MT_TMP/$target.json" && echo "ok: PID $target: Markdown command lines read back exact" ||
		fail "PID $target: a Markdown command line differs from the JSON's"
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$MT_TMP/$target.md"; then
		fail "PID $target: raw control bytes in Markdown"
	fi
	# every row of the chain table has the header's number of unescaped pipes
	awk '/^\| PID \| PID in container/ {want = gsub(/(^|[^\\])\|/, "&"); on = 1; next}
	     on && /^\|---/ {next}
	     on && /^\|/ {n = gsub(/(^|[^\\])\|/, "&"); if (n != want) bad++; rows++; next}
	     on {on = 0}
	     END {exit !(want == 9 && rows > 0 && bad == 0)}' "$MT_TMP/$target.md" &&
		echo "ok: PID $target: Markdown chain table intact" ||
		fail "PID $target: Markdown chain table broken"
done
check "label value exact in JSON" '.containers[0].engine.labels | any(.key == "owner" and (.value | startswith("\u001b]0;pwned\u0007\n")))' "$MT_TMP/$cpid.json"
finish
