#!/usr/bin/env bash
# Every process on this machine: minertrace --json PID | jq . must succeed,
# whatever the process is (kernel thread, zombie, container, gone by now).
. "$(dirname "$0")/lib.sh"
use_dockerd

name=$(run_container busy metabase/metabase:v0.46.6 -e MT_BURN=1 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/xmr)
n=0
bad=0
for d in /proc/[0-9]*; do
	pid=${d#/proc/}
	rc=0
	mt --json "$pid" >"$MT_TMP/out.json" 2>"$MT_TMP/err" || rc=$?
	if [ "$rc" -gt 1 ] || ! jq . "$MT_TMP/out.json" >/dev/null 2>&1; then
		bad=$((bad + 1))
		fail "PID $pid: exit $rc, $(head -c 300 "$MT_TMP/err")"
	fi
	n=$((n + 1))
done
echo "traced $n processes, $bad failures"
[ "$n" -gt 50 ] || fail "only $n processes seen"
# and all of them against the schema, in one go
for d in /proc/[0-9]*; do
	mt --json --no-engine "${d#/proc/}" 2>/dev/null || true
done | jq -s . >"$MT_TMP/all.json"
validate --array "$MT_SCHEMA" "$MT_TMP/all.json"
finish
