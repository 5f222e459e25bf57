# Shared helpers for the end-to-end tests (sourced, bash).
# Environment from CTest: MT_BIN (minertrace), MT_SOURCE_DIR, MT_E2E_STATE.
set -euo pipefail

: "${MT_BIN:?MT_BIN must name the minertrace binary}"
: "${MT_SOURCE_DIR:?}"
: "${MT_E2E_STATE:?}"
MT_SCHEMA="$MT_SOURCE_DIR/docs/minertrace.schema.json"
MT_VALIDATE="$MT_SOURCE_DIR/tests/e2e/validate-schema.py"
MT_TEST_NAME=$(basename "$0" .sh)
# The flavour under test: a static executable names no program interpreter.
if readelf -lW "$MT_BIN" 2>/dev/null | grep -q 'Requesting program interpreter'; then
	MT_FLAVOUR=dynamic
else
	MT_FLAVOUR=static
fi
MT_TMP=$(mktemp -d "/tmp/mt-$MT_TEST_NAME.XXXXXX")
MT_CONTAINERS=()
MT_CHILDREN=()
MT_FAILURES=0

# Run under a wrapper (valgrind) when MT_WRAPPER is set. Under valgrind
# minertrace runs many times slower, more so on a busy machine: the engine's
# deadline (2 s by default) is then 20 s, unless the test gives its own
# (a later --timeout wins).
mt() {
	if [ -z "${MT_WRAPPER:-}" ]; then
		"$MT_BIN" "$@"
	elif [ "${1:-}" = scan ]; then
		$MT_WRAPPER "$MT_BIN" scan --timeout 20 "${@:2}"
	elif [ "${1:-}" = report ]; then
		$MT_WRAPPER "$MT_BIN" "$@"
	else
		$MT_WRAPPER "$MT_BIN" --timeout 20 "$@"
	fi
}

fail() {
	echo "FAIL: $*" >&2
	MT_FAILURES=$((MT_FAILURES + 1))
}

die() {
	echo "FAIL: $*" >&2
	exit 1
}

# Skips the test (CTest SKIP_RETURN_CODE 77) unless skipping is forbidden.
skip() {
	if [ "${MT_E2E_REQUIRED:-0}" = 1 ]; then
		die "cannot run: $* (MT_E2E_REQUIRED=1 forbids skipping)"
	fi
	echo "SKIP: $*"
	exit 77
}

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# check DESCRIPTION JQ-EXPRESSION FILE: the expression must be true.
check() {
	local what=$1 expr=$2 file=$3
	if jq -e "$expr" "$file" >/dev/null 2>&1; then
		echo "ok: $what"
	else
		fail "$what: jq '$expr' is not true; got: $(jq -c "$expr" "$file" 2>&1 | head -c 400)"
	fi
}

# expect_eq DESCRIPTION ACTUAL EXPECTED
expect_eq() {
	if [ "$2" = "$3" ]; then
		echo "ok: $1"
	else
		fail "$1: got '$2', expected '$3'"
	fi
}

validate() {
	if /usr/bin/python3 "$MT_VALIDATE" "$@"; then
		echo "ok: schema valid ($*)"
	else
		fail "schema validation failed for $*"
	fi
}

# The private dockerd of the e2e fixture (tests/e2e/dockerd.sh start).
use_dockerd() {
	need_root
	[ -f "$MT_E2E_STATE/env" ] || die "the private dockerd is not running (e2e_dockerd_start)"
	# shellcheck disable=SC1091
	. "$MT_E2E_STATE/env"
	export DOCKER_HOST
	docker version >/dev/null 2>&1 || die "private dockerd at $DOCKER_HOST does not answer"
}

docker() {
	DOCKER_BUILDKIT=0 command docker "$@"
}

# run_container NAME IMAGE [docker run options --] [ARGS...]: detached, no network.
run_container() {
	local name="mt-$MT_TEST_NAME-$1-$$" image=$2
	shift 2
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	docker run -d --network none --name "$name" "${opts[@]}" "$image" "$@" >/dev/null
	MT_CONTAINERS+=("$name")
	echo "$name"
}

# wait_pid PGREP-ARGS...: waits up to 20 s for one process, prints its PID.
wait_pid() {
	local i pid
	for i in $(seq 1 200); do
		pid=$(pgrep "$@" | head -n 1 || true)
		if [ -n "$pid" ]; then
			echo "$pid"
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# wait_deleted PID: waits up to 5 s for the process's executable to be
# deleted (the test shell deletes it one second after starting it).
wait_deleted() {
	local i
	for i in $(seq 1 50); do
		readlink "/proc/$1/exe" | grep -q '(deleted)' && return 0
		sleep 0.1
	done
	return 1
}

# container_pid CONTAINER-ID COMM: waits up to 20 s for a process named COMM
# in that container's cgroup and prints its PID.
container_pid() {
	local cid=$1 comm=$2 i p
	for i in $(seq 1 200); do
		for p in $(pgrep -x "$comm" || true); do
			if grep -q "$cid" "/proc/$p/cgroup" 2>/dev/null; then
				echo "$p"
				return 0
			fi
		done
		sleep 0.1
	done
	return 1
}

cleanup() {
	local c
	for c in "${MT_CONTAINERS[@]}"; do
		docker rm -f "$c" >/dev/null 2>&1 || true
	done
	for c in "${MT_CHILDREN[@]}"; do
		kill "$c" 2>/dev/null || true
	done
	rm -rf "$MT_TMP"
}
trap cleanup EXIT

finish() {
	if [ "$MT_FAILURES" -gt 0 ]; then
		echo "$MT_FAILURES check(s) failed"
		exit 1
	fi
	echo "all checks passed"
	exit 0
}
