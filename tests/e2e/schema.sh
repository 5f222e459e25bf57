#!/usr/bin/env bash
# The one published schema file validates both documents a user can get:
# a trace (`--json PID`) and a scan (`scan --json`), chosen by the
# document's own "schema" field, checked with python3-jsonschema's plain
# validate() as a user would call it. Documents that are wrong in either
# shape must fail. The file is what docs/make-schema.py writes.
. "$(dirname "$0")/lib.sh"

# jsonschema_ok FILE: the standard validator, nothing of our own around it
jsonschema_ok() {
	/usr/bin/python3 -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.validate(json.load(open(sys.argv[2])), schema)
' "$MT_SCHEMA" "$1" 2>"$MT_TMP/why"
}

# must_pass WHAT FILE / must_fail WHAT FILE
must_pass() {
	if jsonschema_ok "$2"; then
		echo "ok: $1 is valid"
	else
		fail "$1 is rejected: $(tail -n 3 "$MT_TMP/why")"
	fi
}
must_fail() {
	if jsonschema_ok "$2"; then
		fail "$1 passes the schema"
	else
		echo "ok: $1 is rejected ($(grep -m1 ValidationError "$MT_TMP/why" | head -c 120))"
	fi
}

# mutate NAME JQ-FILTER SOURCE: a broken copy of a document
mutate() {
	jq "$2" "$3" >"$MT_TMP/$1.json" || die "jq $2 failed"
	echo "$MT_TMP/$1.json"
}

/usr/bin/python3 "$MT_SOURCE_DIR/docs/make-schema.py" --check ||
	fail "docs/minertrace.schema.json is not what docs/make-schema.py writes"

# a host process a scan finds: a miner's name and a pool on its command line
cp /bin/sleep "$MT_TMP/xmrig"
(exec -a 'xmrig -o stratum+tcp://pool.example.invalid:3333' "$MT_TMP/xmrig" 300) &
miner=$!
MT_CHILDREN+=("$miner")
for _ in $(seq 1 100); do
	[ "$(cat "/proc/$miner/comm" 2>/dev/null)" = xmrig ] && break
	sleep 0.05
done

trace=$MT_TMP/trace.json
scan=$MT_TMP/scan.json
mt --json --no-engine "$miner" >"$trace" || fail "trace: exit status $?"
rc=0
mt scan --json --no-engine --interval 0.2 >"$scan" || rc=$?
[ "$rc" = 0 ] || [ "$rc" = 5 ] || fail "scan: exit status $rc"
check "the trace document says what it is" '.schema == "minertrace/1"' "$trace"
check "the scan document says what it is" '.schema == "minertrace-scan/1"' "$scan"
check "the trace carries the minor version" '.schema_minor == 1' "$trace"
check "the scan carries the minor version" '.schema_minor == 1' "$scan"
check "the scan holds a traced finding (the nested trace is checked too)" \
	"[.findings[] | select(.pid == $miner and .trace != null)] | length == 1" "$scan"

must_pass "a trace document" "$trace"
must_pass "a scan document" "$scan"
must_pass "a scan document without findings" \
	"$(mutate nofindings '.findings = [] | .traced = 0' "$scan")"

must_pass "a trace of minor 0 (no schema_minor, no engine.api)" \
	"$(mutate minor0 'del(.schema_minor) | del(.engine.api)' "$trace")"
must_fail "a minor version that is not a number" "$(mutate minorstring '.schema_minor = "1"' "$trace")"
must_fail "a trace labelled as a scan" "$(mutate trace-as-scan '.schema = "minertrace-scan/1"' "$trace")"
must_fail "a scan labelled as a trace" "$(mutate scan-as-trace '.schema = "minertrace/1"' "$scan")"
must_fail "an unknown document kind" "$(mutate unknown '.schema = "minertrace/2"' "$trace")"
must_fail "a document without a schema field" "$(mutate noschema 'del(.schema)' "$scan")"
must_fail "a scan finding without a score" "$(mutate noscore 'del(.findings[0].score)' "$scan")"
must_fail "a scan whose nested trace lost its chain" \
	"$(mutate nestedbad "(.findings[] | select(.pid == $miner) | .trace) |= del(.chain)" "$scan")"
must_fail "a trace with a field the schema does not know" \
	"$(mutate extra '.surprise = 1' "$trace")"
must_fail "a trace whose PID is a string" "$(mutate pidstring '.target.pid |= tostring' "$trace")"
must_fail "a JSON array of documents" "$(jq -s . "$trace" >"$MT_TMP/array.json" && echo "$MT_TMP/array.json")"

# the test helper agrees, and --scan insists on a scan document
validate "$MT_SCHEMA" "$trace" "$scan"
validate --scan "$MT_SCHEMA" "$scan"
if /usr/bin/python3 "$MT_VALIDATE" --scan "$MT_SCHEMA" "$trace" 2>/dev/null; then
	fail "validate --scan accepts a trace document"
else
	echo "ok: validate --scan rejects a trace document"
fi
finish
