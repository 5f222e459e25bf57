# Helpers for the tests on containerd (native and CRI) and Podman, sourced
# after lib.sh. The fixtures containerd.sh and podman.sh write their
# environment to $MT_E2E_STATE/containerd/env and $MT_E2E_STATE/podman/env.
MT_CTR_TASKS=()
MT_CRI_PODS=()
MT_CRI_POD_UIDS=()
MT_PODMAN_CONTAINERS=()

# split_opts [OPTIONS --] [ARGS...]: the options before "--" into MT_OPTS,
# the rest into MT_ARGS (no "--": all options).
split_opts() {
	MT_OPTS=()
	MT_ARGS=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		MT_OPTS+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	MT_ARGS=("$@")
}

# The private containerd of the e2e fixture (tests/e2e/containerd.sh start).
use_containerd() {
	need_root
	[ -f "$MT_E2E_STATE/containerd/env" ] ||
		die "the private containerd is not running (e2e_containerd_start)"
	# shellcheck disable=SC1091
	. "$MT_E2E_STATE/containerd/env"
	export CONTAINERD_ADDRESS MT_CRI_PY
	ctr version >/dev/null 2>&1 || die "private containerd at $CONTAINERD_ADDRESS does not answer"
}

# ctd NAMESPACE ARGS...: ctr on the private containerd.
ctd() {
	local ns=$1
	shift
	timeout 60 ctr --address "$CONTAINERD_ADDRESS" -n "$ns" "$@"
}

# ctr_run NAMESPACE ID IMAGE [ctr run options --] [ARGS...]: a detached task
# with runc's root under the fixture's directory; removed at exit.
ctr_run() {
	local ns=$1 id=$2 image=$3
	shift 3
	split_opts "$@"
	MT_CTR_TASKS+=("$ns/$id")
	ctd "$ns" run -d --runc-root "$CONTAINERD_RUNC_ROOT/$ns" "${MT_OPTS[@]}" "$image" "$id" \
		"${MT_ARGS[@]}" >/dev/null
}

# ctr_task_pid NAMESPACE ID: the PID of the task's init.
ctr_task_pid() {
	ctd "$1" tasks ls | awk -v id="$2" '$1 == id { print $2 }'
}

# cri ARGS...: the test CRI client (tests/e2e/cri/cri.py).
cri() {
	/usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/cri/cri.py" "$@"
}

# cri_pod NAME NAMESPACE UID: a pod sandbox as the kubelet starts one, its
# ID in MT_POD_ID (not in a subshell: the pod is removed at exit).
cri_pod() {
	MT_CRI_POD_UIDS+=("$3")
	MT_POD_ID=$(cri run-pod "$1" "$2" "$3") || return 1
	MT_CRI_PODS+=("$MT_POD_ID")
}

# The private Podman API service (tests/e2e/podman.sh start).
use_podman() {
	need_root
	[ -f "$MT_E2E_STATE/podman/env" ] || die "the private podman is not running (e2e_podman_start)"
	# shellcheck disable=SC1091
	. "$MT_E2E_STATE/podman/env"
	export CONTAINERS_CONF CONTAINERS_STORAGE_CONF PODMAN_SOCK
	curl -s --max-time 5 --unix-socket "$PODMAN_SOCK" http://d/_ping | grep -q OK ||
		die "private podman at $PODMAN_SOCK does not answer"
}

# podman_run NAME IMAGE [podman run options --] [ARGS...]: detached, runc,
# no network, explicit limits; removed at exit (not in a subshell). The
# container ID in MT_PODMAN_CID.
podman_run() {
	local name="mt-$MT_TEST_NAME-$1-$$" image=$2
	shift 2
	split_opts "$@"
	MT_PODMAN_CONTAINERS+=("$name")
	MT_PODMAN_CID=$(timeout 120 podman run -d --name "$name" --runtime runc --network none \
		--ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "${MT_OPTS[@]}" "$image" \
		"${MT_ARGS[@]}")
}

# check_markdown PID EXPECTED...: the Markdown report of PID suggests every
# EXPECTED text and no docker command.
check_markdown() {
	local pid=$1 want
	shift
	mt --format=markdown "$pid" >"$MT_TMP/report.md" || fail "no Markdown report for PID $pid"
	for want in "$@"; do
		if grep -qF -- "$want" "$MT_TMP/report.md"; then
			echo "ok: Markdown suggests $want"
		else
			fail "Markdown of PID $pid lacks '$want'"
		fi
	done
	if grep -qE '`docker (stop|rm|rmi|exec)' "$MT_TMP/report.md"; then
		fail "Markdown of PID $pid suggests docker commands: $(grep -E 'docker ' "$MT_TMP/report.md" | head -3)"
	else
		echo "ok: no docker command in the Markdown"
	fi
}

cleanup_runtimes() {
	local t
	for t in "${MT_PODMAN_CONTAINERS[@]}"; do
		timeout 60 podman rm -f -t 0 "$t" >/dev/null 2>&1 || true
	done
	for t in "${MT_CRI_PODS[@]}"; do
		cri remove-pod "$t" >/dev/null 2>&1 || true
	done
	# the pod's own cgroups are the kubelet's to remove
	for t in "${MT_CRI_POD_UIDS[@]}"; do
		rmdir /sys/fs/cgroup/*/kubepods/besteffort/"pod$t" 2>/dev/null || true
	done
	for t in "${MT_CTR_TASKS[@]}"; do
		ctd "${t%%/*}" tasks kill -s KILL "${t#*/}" >/dev/null 2>&1 || true
		ctd "${t%%/*}" tasks rm -f "${t#*/}" >/dev/null 2>&1 || true
		ctd "${t%%/*}" containers rm "${t#*/}" >/dev/null 2>&1 || true
	done
	cleanup
}
trap cleanup_runtimes EXIT
