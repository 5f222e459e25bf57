#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. build with -Werror and run every unit and end-to-end test (CTest)
#   2. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer
# Usage: tests/run.sh [STAGE...]   stages: deps build asan (default: all)
# Run as root: the end-to-end tests start a private dockerd.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=(deps build asan)
jobs=$(nproc)
export MT_E2E_REQUIRED=${MT_E2E_REQUIRED:-$([ "$(id -u)" = 0 ] && echo 1 || echo 0)}

banner() { printf '\n==== %s ====\n' "$*"; }

for stage in "${stages[@]}"; do
	case "$stage" in
	deps)
		banner "dependencies"
		tests/install-deps.sh
		;;
	build)
		banner "build (-Werror) and the whole suite"
		cmake -S "$src" -B build -DMT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build build -j "$jobs"
		ctest --test-dir build --output-on-failure -j "$jobs"
		;;
	asan)
		banner "the whole suite under ASan + UBSan"
		cmake -S "$src" -B build-asan -DMT_WERROR=ON -DMT_SANITIZE=ON \
			-DCMAKE_BUILD_TYPE=Debug >/dev/null
		cmake --build build-asan -j "$jobs"
		ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:strict_string_checks=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
			ctest --test-dir build-asan --output-on-failure -j "$jobs"
		;;
	*)
		echo "run.sh: unknown stage '$stage'" >&2
		exit 2
		;;
	esac
done
banner "all stages passed: ${stages[*]}"
