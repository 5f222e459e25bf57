#!/usr/bin/env bash
# minertrace report on documents the real binary wrote: a trace of the
# captured docker-v1-dropper tree saved for three hosts, a clean scan, a
# failure record; a captured tree has no hashes and no engine, so those
# are filled in as a live scan would write them; exit statuses, the three outputs, the schema, a file of
# several documents, a missing path and usage errors.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

fixture="$MT_SOURCE_DIR/tests/fixtures/proc/docker-v1-dropper"
mt --json --no-engine -p "$fixture" 4599 >"$MT_TMP/trace.json" || true
check "the template is a trace in a container" '.schema == "minertrace/1" and .chain[0].container_id != null' "$MT_TMP/trace.json"
mkdir "$MT_TMP/fleet"
sha=71c693d3bb4a170abdebce1bffaacff3a3ab1851610c854703f270edadcb24da
for h in web-1:xmrig/xmrig:latest:1 web-2:xmrig/xmrig:latest:1 web-3:acme/web:1.4:3; do
	IFS=: read -r name ref tag digit <<<"$h"
	jq --arg h "$name" --arg ref "$ref:$tag" --arg id "sha256:$(printf "%064d" "$digit")" --arg sha "$sha" \
		'.evidence.hostname = $h | .evidence.boot_id = "boot-" + $h | .chain[0].exe.sha256 = $sha
		| .containers[0].engine = {image: {reference: $ref, id: $id, repo_digests: []}}' \
		"$MT_TMP/trace.json" >"$MT_TMP/fleet/$name.json"
done
jq '{schema: "minertrace-scan/1", evidence: (.evidence | .hostname = "db-1" | .boot_id = "boot-db-1"),
	findings: []}' "$MT_TMP/trace.json" >"$MT_TMP/fleet/db-1.json"
printf '{"schema": "minertrace-host-failure/1", "host": "web-4", "message": "unreachable: ssh refused"}\n' \
	>"$MT_TMP/fleet/web-4.json"

rc=0
mt report --json "$MT_TMP/fleet" >"$MT_TMP/report.json" || rc=$?
expect_eq "findings on some host exit 5" "$rc" 5
validate --fleet "$MT_SCHEMA" "$MT_TMP/report.json"
check "5 hosts: 3 suspicious, 1 clean, 1 failed" \
	'.summary | .hosts == 5 and .suspicious == 3 and .clean == 1 and .failed == 1' "$MT_TMP/report.json"
check "the failure is recorded with its reason" \
	'[.hosts[] | select(.state == "failed")] == [.hosts[] | select(.name == "web-4" and .failure == "unreachable: ssh refused")]' \
	"$MT_TMP/report.json"
check "one deleted executable in 2 images on 3 hosts" \
	".binaries == [.binaries[0]] and (.binaries[0] | .sha256 == \"$sha\" and .hosts == 3 and .images == 2 and .deleted)" \
	"$MT_TMP/report.json"
check "xmrig on 2 hosts first, then acme/web on 1" \
	'[.images[] | "\(.reference) \(.hosts)"] == ["xmrig/xmrig:latest 2", "acme/web:1.4 1"]' "$MT_TMP/report.json"
check "findings ranked, hosts named" '[.findings[].host] == ["web-1", "web-2", "web-3"] and [.findings[].rank] == [1, 2, 3]' \
	"$MT_TMP/report.json"

rc=0
mt report "$MT_TMP/fleet" >"$MT_TMP/report.txt" || rc=$?
expect_eq "text: exit 5" "$rc" 5
grep -q '^5 hosts: 3 suspicious, 1 clean, 1 failed · 3 findings' "$MT_TMP/report.txt" || fail "text summary: $(head -3 "$MT_TMP/report.txt")"
grep -q '^  image xmrig/xmrig:latest on 2 hosts (2 findings)' "$MT_TMP/report.txt" ||
	fail "text: no image across hosts: $(cat "$MT_TMP/report.txt")"
grep -q "^  the same deleted executable /tmp/kdevtmpfsi (sha256 71c693d3bb4a) in 2 images on 3 hosts" \
	"$MT_TMP/report.txt" || fail "text: no executable across hosts"
grep -q '^  web-4 (.*/web-4.json): unreachable: ssh refused$' "$MT_TMP/report.txt" || fail "text: failed host not listed"
rc=0
mt report --format=markdown "$MT_TMP/fleet" >"$MT_TMP/report.md" || rc=$?
expect_eq "markdown: exit 5" "$rc" 5
grep -q '^| SCORE | HOST | PID |' "$MT_TMP/report.md" || fail "markdown: no findings table"

# One file of several documents (kubectl logs of many pods), then only a clean host.
cat "$MT_TMP/fleet/web-1.json" "$MT_TMP/fleet/db-1.json" >"$MT_TMP/pods.log"
rc=0
mt report --json "$MT_TMP/pods.log" >"$MT_TMP/pods.json" || rc=$?
expect_eq "a stream: exit 5" "$rc" 5
check "a stream: two hosts, the second named FILE#2" \
	'.summary.hosts == 2 and (.hosts[1].source | endswith("pods.log#2"))' "$MT_TMP/pods.json"
rc=0
mt report --exit-zero "$MT_TMP/fleet" >/dev/null || rc=$?
expect_eq "--exit-zero: findings, exit 0" "$rc" 0
rc=0
mt report "$MT_TMP/fleet/db-1.json" >/dev/null || rc=$?
expect_eq "clean only: exit 0" "$rc" 0
rc=0
mt report "$MT_TMP/fleet/db-1.json" "$MT_TMP/missing" >"$MT_TMP/missing.txt" 2>"$MT_TMP/missing.err" || rc=$?
expect_eq "a missing path: exit 4" "$rc" 4
grep -q "^minertrace: report: $MT_TMP/missing: " "$MT_TMP/missing.err" || fail "missing path not on stderr"
grep -q '^1 host: 0 suspicious, 1 clean' "$MT_TMP/missing.txt" || fail "the report is not printed when a path is missing"
rc=0
mt report 2>/dev/null || rc=$?
expect_eq "report without a path: usage, exit 2" "$rc" 2
finish
