#!/usr/bin/env bash
# minertrace scan on a host with a legitimate idle container, a container
# whose app drops and runs a miner from /tmp, a miner started with docker
# exec, a quiet host process and a host process that keeps respawning its
# child: the two miners rank first with their containers and reasons; the
# idle container and the quiet process are not flagged.
. "$(dirname "$0")/lib.sh"
use_dockerd

idle=$(run_container idle acme/web:1.4 -- idle)
idle_id=$(docker inspect -f '{{.Id}}' "$idle")
app=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=60 \
	-e "MT_MINER_ARGS=-o stratum+tcp://pool.minexmr.example:4444 --donate-level 1" -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi)
app_id=$(docker inspect -f '{{.Id}}' "$app")
web=$(run_container web acme/web:1.4 -- idle)
web_id=$(docker inspect -f '{{.Id}}' "$web")
docker cp "$MT_PAYLOAD/mt-miner" "$web:/tmp/xmrig"
docker exec -d -u 1000 -e MT_BURN=40 -e MT_POOL_PORT=3333 "$web" /tmp/xmrig --cpu-max-threads-hint 50
dropped=$(container_pid "$app_id" kdevtmpfsi) || die "the dropped miner did not start"
execd=$(container_pid "$web_id" xmrig) || die "the exec'd miner did not start"
sleep 300 &
quiet=$!
MT_CHILDREN+=("$quiet")
# a parent that keeps restarting its child
cp "$MT_PAYLOAD/mt-miner" "$MT_TMP/updater"
bash -c 'trap "kill \$c 2>/dev/null; exit 0" TERM
	while :; do MT_BURN=0 "$1" & c=$!; sleep 0.05; kill $c; wait $c 2>/dev/null; done' \
	_ "$MT_TMP/updater" </dev/null >/dev/null 2>&1 &
watchdog=$!
MT_CHILDREN+=("$watchdog")
sleep 0.5

# The dropped miner's own ticks around the scan: what the scan measures
# must agree with them, however busy the machine is.
miner_ticks() { awk '{ print $14 + $15 }' "/proc/$dropped/stat"; }
ticks0=$(miner_ticks)
ns0=$(date +%s%N)
rc=0
mt scan --json --interval 1 >"$MT_TMP/scan.json" || rc=$?
ticks1=$(miner_ticks)
ns1=$(date +%s%N)
expect_eq "scan exit status: suspicious found" "$rc" 5
observed=$(awk -v t="$((ticks1 - ticks0))" -v hz="$(getconf CLK_TCK)" -v ns="$((ns1 - ns0))" \
	'BEGIN { printf "%.1f", t / hz / (ns / 1e9) * 100 }')
echo "the dropped miner used $observed% of a core around the scan"
validate --scan "$MT_SCHEMA" "$MT_TMP/scan.json"
f=$MT_TMP/scan.json
check "the two miners rank first" "[.findings[0:2][].pid] | sort == ([$dropped, $execd] | sort)" "$f"
check "dropped miner: container and image" ".findings[] | select(.pid == $dropped) | .trace.containers[0].id == \"$app_id\" and .trace.containers[0].engine.image.reference == \"metabase/metabase:v0.46.6\"" "$f"
check "dropped miner: reasons" ".findings[] | select(.pid == $dropped) | [.signals[].id] | contains([\"miner-name\", \"stratum\", \"exe-deleted\", \"scratch-dir\", \"writable-layer\"])" "$f"
check "dropped miner: CPU measured as its own ticks say" ".findings[] | select(.pid == $dropped) | .cpu.core_percent > 0 and .cpu.host_percent > 0 and .cpu.core_percent >= $observed * 0.5 - 10 and .cpu.core_percent <= $observed * 1.5 + 10" "$f"
check "dropped miner: the cpu signal exactly when it used a quarter of a core" ".findings[] | select(.pid == $dropped) | ([.signals[].id] | index(\"cpu\") != null) == (.cpu.core_percent >= 25)" "$f"
check "exec'd miner: container and entry" ".findings[] | select(.pid == $execd) | .trace.containers[0].id == \"$web_id\" and .trace.entry.kind == \"docker-exec\"" "$f"
check "exec'd miner: pool connection and reasons" ".findings[] | select(.pid == $execd) | [.signals[].id] | contains([\"miner-name\", \"miner-argument\", \"pool-port\", \"entered-from-outside\"])" "$f"
check "exec'd miner: the pool port named" ".findings[] | select(.pid == $execd) | .signals[] | select(.id == \"pool-port\") | .detail | test(\"127.0.0.1:3333\")" "$f"
check "the idle container is not flagged" "[.findings[].trace.containers[0].id] | index(\"$idle_id\") == null" "$f"
check "the quiet host process is not flagged" "[.findings[].pid] | index($quiet) == null" "$f"
check "scores are ranked" '[.findings[].score] == ([.findings[].score] | sort | reverse)' "$f"
check "every finding over the threshold" '.findings | all(.score >= 40)' "$f"
check "engine asked per container, not per process" '.engine_requests <= (.containers * 6)' "$f"
check "a scan time without the interval" '.scan_ms > 0 and .scan_ms < 5000' "$f"

# everything with a signal, to see the respawns; the child is a finding
# only when it is alive in the last listing, which a loaded machine can
# miss (its life is 50 ms): up to three scans
for _ in 1 2 3; do
	mt scan --json --interval 1 --min-score 1 >"$MT_TMP/all.json" || true
	jq -e '[.findings[] | select(.comm == "updater") | .signals[].id] | index("respawned") != null' \
		"$MT_TMP/all.json" >/dev/null && break
done
check "respawned child" '[.findings[] | select(.comm == "updater") | .signals[].id] | index("respawned") != null' "$MT_TMP/all.json"
check "its watchdog parent" ".findings | any(.pid == $watchdog and ([.signals[].id] | index(\"watchdog\") != null))" "$MT_TMP/all.json"

# --top, a custom signature, the text table and a clean run
mt scan --json --interval 0 --top 1 >"$MT_TMP/top.json" || true
check "--top 1" '.findings | length == 1' "$MT_TMP/top.json"
printf '# extra\nname sleep\n' >"$MT_TMP/sigs"
mt scan --json --interval 0 --min-score 40 --signatures "$MT_TMP/sigs" >"$MT_TMP/sigs.json" || true
check "--signatures adds names" ".findings | any(.pid == $quiet and (.signals[0].id == \"miner-name\"))" "$MT_TMP/sigs.json"
printf 'colour purple\n' >"$MT_TMP/bad"
rc=0
mt scan --interval 0 --signatures "$MT_TMP/bad" >/dev/null 2>"$MT_TMP/bad.err" || rc=$?
expect_eq "a bad signatures file is refused" "$rc" 4
grep -q "bad:1" "$MT_TMP/bad.err" || fail "no line number: $(cat "$MT_TMP/bad.err")"
# The table keeps its columns apart: a miner in a container whose image
# has a long name, and a host miner whose name is mostly control bytes.
docker tag acme/web:1.4 registry.internal.example/billing-api:2.3
billing=$(run_container billing registry.internal.example/billing-api:2.3 -- idle)
billing_id=$(docker inspect -f '{{.Id}}' "$billing")
docker cp "$MT_PAYLOAD/mt-miner" "$billing:/tmp/xmrig"
docker exec -d -e MT_BURN=0 "$billing" /tmp/xmrig -o stratum+tcp://pool.example:3333
billed=$(container_pid "$billing_id" xmrig) || die "the miner in the long-named image did not start"
ctl_name=$'\e\e\e\e\e\e\e\e\e\exmrig'
cp "$MT_PAYLOAD/mt-miner" "$MT_TMP/$ctl_name"
MT_BURN=0 "$MT_TMP/$ctl_name" -o stratum+tcp://pool.example:3333 &
ctl=$!
MT_CHILDREN+=("$ctl")
mt scan --interval 0.5 --color=never >"$MT_TMP/scan.txt" || true
grep -q "kdevtmpfsi .*${app_id:0:12}  metabase/metabase:v0.46.6" "$MT_TMP/scan.txt" || fail "text table lacks the dropped miner"
/usr/bin/python3 - "$MT_TMP/scan.txt" "$billed" "$ctl" "${billing_id:0:12}" <<'PY' && echo "ok: the table's columns stay apart" || fail "the table's columns run into each other"
import sys
text = open(sys.argv[1], encoding="utf-8").read().split("\n")
billed, ctl, short = sys.argv[2], sys.argv[3], sys.argv[4]
head = next(i for i, l in enumerate(text) if l.startswith(" SCORE"))
cols = [text[head].index(w) for w in ("CONTAINER", "IMAGE", "WHY")]
rows = text[head + 1:text.index("", head)]
seen = set()
for row in rows:
    for c in cols:
        assert row[c - 2:c] == "  " and row[c] != " ", (c, row)
    pid = row[6:16].split()[0]
    if pid == billed:
        assert row[cols[0]:].startswith(short + "  registry.internal.example/billing-api:2.3  "), row
        seen.add(pid)
    if pid == ctl:
        assert row[cols[0] - 3:cols[0]] == "\u2026  " and "\\e\\e\\e" in row, row
        seen.add(pid)
assert seen == {billed, ctl}, (seen, rows)
PY
grep -q "^Scanned in" "$MT_TMP/scan.txt" || fail "text lacks the figures"
mt scan --format=markdown --interval 0 >"$MT_TMP/scan.md" || true
grep -q '^| 1 | ' "$MT_TMP/scan.md" || fail "markdown lacks the ranking table"
docker rm -f "$app" "$web" "$billing" >/dev/null
kill "$ctl" 2>/dev/null || true
kill "$watchdog"
wait "$watchdog" 2>/dev/null || true
# Once our miners are gone none of what this test started is flagged.
# Other hot processes on a shared machine may still be, so the check is
# about ours; the exit status must agree with the findings either way.
rc=0
mt scan --json --interval 0.2 >"$MT_TMP/after.json" || rc=$?
check "nothing of ours left flagged" "[.findings[] | select(((.trace.containers[0].id // \"\") as \$c | [\"$app_id\", \"$web_id\", \"$idle_id\", \"$billing_id\"] | index(\$c) != null) or .pid == $dropped or .pid == $ctl or .pid == $execd or .pid == $watchdog or .comm == \"updater\")] == []" "$MT_TMP/after.json"
if jq -e '.findings == []' "$MT_TMP/after.json" >/dev/null; then
	expect_eq "clean host: exit 0" "$rc" 0
else
	expect_eq "other findings: exit 5" "$rc" 5
	echo "note: flagged outside this test: $(jq -c '[.findings[] | {pid, comm, score}]' "$MT_TMP/after.json")"
fi
finish
