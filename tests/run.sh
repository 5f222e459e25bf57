#!/usr/bin/env bash
# The whole test suite, as CI runs it:
#   1. build with -Werror and run every unit and end-to-end test (CTest); the
#      Debian package of it (tests/deb.sh)
#   2. the static flavour: libcurl and cJSON built from Debian's sources, one
#      executable with no dynamic section and no link warning about our own
#      objects, the same suite against it (tests/e2e/static.sh: no shared
#      object, NSS or OpenSSL file opened, under strace), and the release
#      tarball built twice in two trees, the same bytes
#   3. the same suite built with AddressSanitizer + UndefinedBehaviorSanitizer
#   4. the end-to-end traces under valgrind memcheck: no leak, no invalid access
#   5. every libFuzzer target for MT_FUZZ_SECONDS (default 30) each
#   6. cppcheck and clang-tidy on lib/ and cmd/ (tests/lint.sh)
# Usage: tests/run.sh [STAGE...]
#   stages: deps build static asan valgrind fuzz lint (default: all, in this order)
# Run as root: the end-to-end tests start a private dockerd.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
stages=("$@")
[ "${#stages[@]}" -gt 0 ] || stages=(deps build static asan valgrind fuzz lint)
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
		tests/deb.sh build
		;;
	static)
		banner "the static flavour and the whole suite against it"
		tests/static/build-deps.sh "$src/build/static-deps"
		cmake -S "$src" -B build-static -DMT_STATIC=ON -DMT_STATIC_DEPS="$src/build/static-deps/prefix" \
			-DMT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build build-static -j "$jobs"
		tests/static/check-link.sh build-static
		ctest --test-dir build-static --output-on-failure -j "$jobs"
		tests/static/check-release.sh build-static
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
	valgrind)
		banner "end-to-end traces under valgrind memcheck"
		cmake -S "$src" -B build -DMT_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
		cmake --build build -j "$jobs"
		logs=$src/build/valgrind-logs
		rm -rf "$logs"
		mkdir -p "$logs"
		MT_WRAPPER="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
--suppressions=$src/tests/valgrind.supp --log-file=$logs/%p.log" \
			ctest --test-dir build -L valgrind --output-on-failure -j "$jobs"
		runs=$(find "$logs" -name '*.log' | wc -l)
		if grep -l '^==[0-9]*==' "$logs"/*.log >"$logs/with-errors.txt"; then
			xargs cat <"$logs/with-errors.txt" >&2
			echo "valgrind found errors in $(wc -l <"$logs/with-errors.txt") of $runs runs" >&2
			exit 1
		fi
		[ "$runs" -gt 0 ] || { echo "valgrind checked no run" >&2; exit 1; }
		echo "valgrind: $runs minertrace runs, no error, no leak"
		;;
	fuzz)
		banner "fuzzing every parser"
		tests/fuzz/run.sh "${MT_FUZZ_SECONDS:-30}"
		;;
	lint)
		banner "cppcheck and clang-tidy"
		tests/lint.sh
		;;
	*)
		echo "run.sh: unknown stage '$stage'" >&2
		exit 2
		;;
	esac
done
banner "all stages passed: ${stages[*]}"
