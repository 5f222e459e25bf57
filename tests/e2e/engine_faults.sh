#!/usr/bin/env bash
# The engine socket misbehaves in every way we know: missing, refusing,
# permission denied, hanging, slow, closing early, HTTP errors, truncated,
# malformed, huge, wrong content type, lying about the container, absurdly
# nested, hostile text in names, labels and image tags. Each run
# must end within the deadline, keep the /proc part of the report intact and
# say what went wrong. Also: API version negotiation, the order and number
# of requests, DOCKER_HOST, and the Podman socket fallback.
# The /proc side is a tree captured from a real container
# (tests/fixtures/proc/docker-v1-dropper); the engine is tests/e2e/fake-engine.py.
. "$(dirname "$0")/lib.sh"

FIX=$MT_SOURCE_DIR/tests/fixtures
PROC=$FIX/proc/docker-v1-dropper
REPLIES=$FIX/engine/docker-20.10-dropper
CID=d4abb3cb95d078cd526b23b38d577ec82a5800dd8d9cd539bf49176657fab295
SOCK=$MT_TMP/e.sock
LOG=$MT_TMP/requests.log
FAKE=

# start_fake MODE [API] [SERVER]
start_fake() {
	stop_fake
	rm -f "$SOCK" "$SOCK.ready" "$LOG"
	touch "$LOG"
	/usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/fake-engine.py" "$SOCK" "$1" "$LOG" "$REPLIES" \
		"${@:2}" </dev/null >/dev/null 2>"$MT_TMP/fake.err" &
	FAKE=$!
	for _ in $(seq 1 200); do
		[ -e "$SOCK.ready" ] && return 0
		sleep 0.05
	done
	cat "$MT_TMP/fake.err" >&2
	die "fake engine ($1) did not start"
}

stop_fake() {
	if [ -n "$FAKE" ]; then
		kill "$FAKE" 2>/dev/null || true
		wait "$FAKE" 2>/dev/null || true
		FAKE=
	fi
}
trap 'stop_fake; cleanup' EXIT

# trace NAME [OPTIONS...]: traces the captured target; the JSON goes to
# $MT_TMP/NAME.json and the wall time in ms to ELAPSED.
trace() {
	local name=$1 start end rc=0
	shift
	start=$(date +%s%N)
	mt --json --proc-root "$PROC" "$@" 4599 >"$MT_TMP/$name.json" 2>"$MT_TMP/$name.err" || rc=$?
	end=$(date +%s%N)
	ELAPSED=$(((end - start) / 1000000))
	expect_eq "$name: exit status" "$rc" 0
	validate "$MT_SCHEMA" "$MT_TMP/$name.json"
	check "$name: /proc facts intact" \
		".chain | length == 5 and .[0].comm == \"kdevtmpfsi\" and .[2].role == \"container-init\"" \
		"$MT_TMP/$name.json"
	check "$name: container from the cgroup" ".containers[0].id == \"$CID\"" "$MT_TMP/$name.json"
	check "$name: entry from /proc" '.entry.kind == "init-tree"' "$MT_TMP/$name.json"
}

# fault MODE CODE PATTERN [OPTIONS...]: a misbehaving engine, within 1 s.
fault() {
	local mode=$1 code=$2 pattern=$3
	shift 3
	start_fake "$mode"
	trace "$mode" -H "unix://$SOCK" --timeout 1 "$@"
	check "$mode: warning $code" \
		".warnings | any(.subject == \"engine\" and .code == \"$code\" and (.message | test(\"$pattern\")))" \
		"$MT_TMP/$mode.json"
	check "$mode: no engine facts" '.containers[0].engine == null' "$MT_TMP/$mode.json"
	[ "$ELAPSED" -lt "${FAULT_LIMIT_MS:-2500}" ] || fail "$mode: took $ELAPSED ms"
	echo "ok: $mode ended after $ELAPSED ms"
}

# --- faults -----------------------------------------------------------------
trace missing -H "unix://$MT_TMP/no-such.sock" --timeout 1
check "missing socket: unreachable" '.warnings | any(.code == "engine-unreachable" and (.message | test("no such socket")))' "$MT_TMP/missing.json"
check "missing socket: not reachable" '.engine.reachable == false and .engine.requests == 1' "$MT_TMP/missing.json"
[ "$ELAPSED" -lt 1500 ] || fail "missing socket took $ELAPSED ms"

fault refuse engine-unreachable "nobody is listening"
fault hang engine-timeout "deadline"
fault slow engine-timeout "deadline"
fault close engine-reply "bad reply|Empty reply|empty"
fault http500 engine-http "HTTP 500: server exploded"
fault http404 not-found "does not know container"
fault truncated engine-reply "bad reply|transfer|closed"
fault malformed engine-reply "not valid JSON"
# the size cap, not the deadline, must stop these (a sanitizer build needs
# more than 1 s to take in 16 MiB)
FAULT_LIMIT_MS=5000 fault huge too-large "larger than" --timeout 5
FAULT_LIMIT_MS=5000 fault hugechunked too-large "larger than" --timeout 5
fault wrongtype engine-reply "not JSON"
fault lying engine-reply "describes .ffff"
fault deep engine-reply "not valid JSON"
[ "$(wc -l <"$LOG")" -ge 1 ] || fail "the fake engine saw no request"

# a short deadline is honoured too
start_fake hang
trace short -H "unix://$SOCK" --timeout 0.3
[ "$ELAPSED" -lt 1300 ] || fail "0.3 s deadline: took $ELAPSED ms"
check "short deadline: timeout" '.warnings | any(.code == "engine-timeout")' "$MT_TMP/short.json"

# hostile text from the engine never reaches a terminal raw
start_fake http500
mt --proc-root "$PROC" -H "unix://$SOCK" --timeout 1 --color=never 4599 >"$MT_TMP/http500.txt"
grep -q 'server exploded \\e\[31m\\a' "$MT_TMP/http500.txt" || fail "the engine's message is not shown escaped"
if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$MT_TMP/http500.txt"; then
	fail "raw control bytes in the text report"
fi

# hostile names, image, labels, user and command in the engine's replies:
# escaped on a terminal, valid JSON, and the bytes kept exactly
start_fake hostile
trace hostile -H "unix://$SOCK" --timeout 1
h=$MT_TMP/hostile.json
check "hostile: the name is kept" '.containers[0].engine.name | startswith("evil\u001b[2J")' "$h"
check "hostile: the image reference is kept" '.containers[0].engine.image.reference | startswith("evil\u001b")' "$h"
check "hostile: labels are kept" '.containers[0].engine.labels | length == 2' "$h"
check "hostile: invalid UTF-8 shown as \\x, exact in base64" \
	'.containers[0].engine.name | contains("\\xff\\xfe\\xc3(")' "$h"
/usr/bin/python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$h" ||
	fail "hostile: the JSON is not valid UTF-8"
for fmt in text markdown; do
	mt --proc-root "$PROC" -H "unix://$SOCK" --timeout 1 --color=never --format=$fmt 4599 \
		>"$MT_TMP/hostile.$fmt"
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' "$MT_TMP/hostile.$fmt"; then
		fail "hostile: raw control bytes in the $fmt report"
	fi
	if grep -q $'\xe2\x80\xae' "$MT_TMP/hostile.$fmt"; then
		fail "hostile: a raw right-to-left override in the $fmt report"
	fi
	if ! /usr/bin/python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$MT_TMP/hostile.$fmt"; then
		fail "hostile: the $fmt report is not valid UTF-8"
	fi
	grep -qF 'owned\a\r\nline2\u{202e}exe.txt \xff\xfe\xc3(' "$MT_TMP/hostile.$fmt" ||
		fail "hostile: the $fmt report does not show the name escaped"
done
echo "ok: hostile engine text is escaped in text and markdown"

# a socket we may not connect to (run as nobody: root passes any permission)
start_fake good
chmod 0755 "$MT_TMP"
chmod 0600 "$SOCK"
setpriv --reuid=65534 --regid=65534 --clear-groups "$MT_BIN" --json --proc-root "$PROC" \
	-H "unix://$SOCK" --timeout 1 4599 >"$MT_TMP/denied.json" || fail "denied: exit status $?"
check "denied: says permission denied" \
	'.warnings | any(.subject == "engine" and .code == "permission" and (.message | test("permission denied on socket")))' \
	"$MT_TMP/denied.json"
check "denied: /proc facts intact" '.chain | length == 5 and .[0].comm == "kdevtmpfsi"' "$MT_TMP/denied.json"
expect_eq "denied: no request reached the engine" "$(wc -l <"$LOG")" 0

# --- a well-behaved engine ---------------------------------------------------
start_fake good
trace good -H "unix://$SOCK"
f=$MT_TMP/good.json
check "good: container facts" '.containers[0].engine.name == "metabase" and .containers[0].engine.image.reference == "metabase/metabase:v0.46.6"' "$f"
check "good: image" '.containers[0].engine.image.repo_tags == ["metabase/metabase:v0.46.6"] and .containers[0].engine.image.source == "local"' "$f"
check "good: exec session" '.containers[0].engine.exec_sessions | length == 1 and .[0].user == "1000"' "$f"
check "good: events" '[.containers[0].engine.events[].action] | index("exec_start") != null' "$f"
check "good: drift" '.containers[0].engine.changes.added == 1 and (.containers[0].engine.changes.files[0].path == "/tmp/kinsing")' "$f"
check "good: engine status" '.engine.reachable and .engine.api_version == "1.41" and .engine.engine_version == "Docker/20.10.24+dfsg1 (linux)"' "$f"
check "good: one request per kind" '.engine.requests == 5' "$f"
expect_eq "good: the events are asked first" "$(head -n1 "$LOG" | cut -d' ' -f2 | cut -d'?' -f1)" "/events"
grep -q 'filters=%7B%22container%22%3A%5B%22'"$CID" "$LOG" || fail "events are not filtered by container"
expect_eq "good: no /_ping when the first reply told the version" "$(grep -c '/_ping' "$LOG")" 0
expect_eq "good: versioned paths" "$(grep -c ' /v1.41/' "$LOG")" 4
expect_eq "good: five requests in all" "$(wc -l <"$LOG")" 5

# --- API version negotiation -------------------------------------------------
start_fake good 1.30
trace older -H "unix://$SOCK"
expect_eq "API 1.30: spoken as 1.30" "$(grep -c ' /v1.30/' "$LOG")" 4
start_fake good 1.50
trace newer -H "unix://$SOCK"
expect_eq "API 1.50: spoken as our newest, 1.45" "$(grep -c ' /v1.45/' "$LOG")" 4
check "API 1.41: the exec session's PID is kept" '.containers[0].engine.exec_sessions[0].pid == 5180' "$MT_TMP/good.json"
check "API 1.41: no word about the version" '[.warnings[] | select(.message | test("API"))] == []' "$MT_TMP/good.json"
# above the known range: read as given, asked in the newest version we know
for v in 1.99 2.0 99; do
	start_fake good "$v"
	trace "newer-$v" -H "unix://$SOCK"
	f=$MT_TMP/newer-$v.json
	expect_eq "API $v: spoken as 1.45" "$(grep -c ' /v1.45/' "$LOG")" 4
	check "API $v: engine facts" '.containers[0].engine.name == "metabase" and .engine.api_version == "1.45"' "$f"
	check "API $v: not taken for a missing version" '[.warnings[] | select(.message | test("did not tell"))] == []' "$f"
	check "API $v: exec session PID kept" '.containers[0].engine.exec_sessions[0].pid == 5180' "$f"
done
check "API 1.99: a minor version above ours needs no warning" '[.warnings[] | select(.subject == "engine")] == []' "$MT_TMP/newer-1.99.json"
for v in 2.0 99; do
	check "API $v: an unknown major version is said" \
		".warnings | any(.code == \"unsupported\" and (.message | contains(\"engine API $v is a major version minertrace does not know: asked in 1.45\")))" \
		"$MT_TMP/newer-$v.json"
done
# below the minimum: read as given, asked in its own version, with a
# warning, and exec session PIDs (API 1.25) not trusted
for v in 1.12 0.1; do
	start_fake good "$v"
	trace "older-$v" -H "unix://$SOCK"
	f=$MT_TMP/older-$v.json
	expect_eq "API $v: spoken in its own version" "$(grep -c " /v$v/" "$LOG")" 4
	check "API $v: a clear warning" \
		".warnings | any(.subject == \"engine\" and .code == \"unsupported\" and (.message | contains(\"engine API $v is older than 1.24\") and contains(\"exec session PIDs (API 1.25) are not trusted\")))" "$f"
	check "API $v: the version spoken is reported" ".engine.api_version == \"$v\"" "$f"
	check "API $v: the rest of the engine facts" '.containers[0].engine.name == "metabase" and (.containers[0].engine.exec_sessions | length == 1)' "$f"
	check "API $v: the exec session PID is not trusted" '.containers[0].engine.exec_sessions[0].pid == 0 and .containers[0].engine.exec_sessions[0].started_pid == null' "$f"
done
# a version that is no version: said as it came, unversioned paths
for v in 'one.two' '1.41.0' 'v1.41'; do
	start_fake good "$v"
	trace "garbage-$v" -H "unix://$SOCK"
	f=$MT_TMP/garbage-$v.json
	expect_eq "API \"$v\": unversioned paths" "$(grep -c ' /containers/' "$LOG")" 2
	check "API \"$v\": said as it came" \
		".warnings | any(.code == \"engine-reply\" and (.message | contains(\"announced API version \\\"$v\\\", not MAJOR.MINOR\")))" "$f"
	check "API \"$v\": engine facts" '.containers[0].engine.name == "metabase" and .engine.api_version == null' "$f"
done
start_fake noheader
trace noheader -H "unix://$SOCK"
grep -q 'GET /_ping' "$LOG" || fail "no header: /_ping was not tried"
grep -q 'GET /version' "$LOG" || fail "no header: /version was not tried"
expect_eq "no header: versioned from /version" "$(grep -c ' /v1.41/' "$LOG")" 4
check "no header: engine facts" '.containers[0].engine.name == "metabase"' "$MT_TMP/noheader.json"

# --- where the engine is ------------------------------------------------------
start_fake good
rc=0
DOCKER_HOST="unix://$SOCK" mt --json --proc-root "$PROC" 4599 >"$MT_TMP/env.json" || rc=$?
check "DOCKER_HOST is used" ".engine.endpoint == \"unix://$SOCK\" and .engine.reachable" "$MT_TMP/env.json"
DOCKER_HOST="unix://$MT_TMP/nowhere.sock" mt --json --proc-root "$PROC" -H "$SOCK" 4599 >"$MT_TMP/override.json" || true
check "--docker-host wins over DOCKER_HOST (a plain path works)" ".engine.endpoint == \"unix://$SOCK\" and .engine.reachable" "$MT_TMP/override.json"
DOCKER_HOST=tcp://192.0.2.1:2375 mt --json --proc-root "$PROC" 4599 >"$MT_TMP/tcp.json" || true
check "tcp:// is refused without a connection" '.engine.requests == 0 and (.warnings | any(.code == "unsupported" and (.message | test("not a unix socket"))))' "$MT_TMP/tcp.json"
: >"$LOG"
mt --json --proc-root "$PROC" --no-engine -H "unix://$SOCK" 4599 >"$MT_TMP/off.json"
check "--no-engine: nothing asked" '.engine.enabled == false and .engine.requests == 0' "$MT_TMP/off.json"
expect_eq "--no-engine: the socket saw nothing" "$(wc -l <"$LOG")" 0

# Podman's socket is the fallback when Docker's is absent: checked in a
# private mount namespace whose /run is an empty tmpfs (the host is untouched).
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	stop_fake
	unshare --mount --propagation private bash -c '
		set -e
		mount -t tmpfs tmpfs /run
		mkdir -p /run/podman
		/usr/bin/python3 "$1" /run/podman/podman.sock good "$3" "$4" 1.41 "Libpod/4.3.1" </dev/null >/dev/null 2>&1 &
		for _ in $(seq 1 100); do [ -e /run/podman/podman.sock.ready ] && break; sleep 0.05; done
		env -u DOCKER_HOST "$5" --json --proc-root "$2" 4599 >"$6"
		kill $!
	' _ "$MT_SOURCE_DIR/tests/e2e/fake-engine.py" "$PROC" "$LOG" "$REPLIES" "$MT_BIN" "$MT_TMP/podman.json"
	check "Podman socket fallback" '.engine.endpoint == "unix:///run/podman/podman.sock" and .engine.reachable and (.engine.engine_version | startswith("Libpod"))' "$MT_TMP/podman.json"
else
	echo "note: Podman fallback not checked (needs root and unshare)"
fi
finish
