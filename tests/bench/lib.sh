# shellcheck shell=bash
# Shared start of the benchmarks (sourced): run from the source tree as
# root, check the tools, build with optimisation and start a private
# dockerd in build/bench-state.
# bench_start NAME CLEANUP TOOL...: sets bin, MT_SOURCE_DIR, MT_E2E_STATE
# and DOCKER_HOST; CLEANUP (which must stop dockerd) runs on exit from the
# moment dockerd is started.
bench_start() {
	local name=$1 cleanup=$2 tool
	shift 2
	cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
	[ "$(id -u)" = 0 ] || { echo "$name: run as root (private dockerd)" >&2; exit 1; }
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "$name: $tool is missing (tests/install-deps.sh)" >&2; exit 1; }
	done
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j "$(nproc)" >/dev/null
	# shellcheck disable=SC2034 # for the caller
	bin=$PWD/build/cmd/minertrace
	export MT_SOURCE_DIR=$PWD MT_E2E_STATE=$PWD/build/bench-state
	tests/e2e/dockerd.sh start >/dev/null
	# shellcheck disable=SC2064
	trap "$cleanup" EXIT
	# shellcheck disable=SC1091
	. "$MT_E2E_STATE/env"
	export DOCKER_HOST
}
