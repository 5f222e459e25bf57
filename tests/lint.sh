#!/usr/bin/env bash
# Static analysis of lib/ and cmd/ with the project's own configuration:
# clang-tidy (.clang-tidy) and cppcheck (tests/cppcheck.supp). Any finding
# fails. Usage: tests/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
out=$src/build-lint
jobs=$(nproc)

cmake -S "$src" -B "$out" -DMT_TESTS=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$out" -j "$jobs" >/dev/null # generates lib/miner_signatures.c

echo "clang-tidy: lib/*.c cmd/*.c"
status=0
printf '%s\n' lib/*.c cmd/*.c | xargs -P "$jobs" -n 4 clang-tidy -p "$out" --quiet \
	>"$out/clang-tidy.log" 2>&1 || status=$?
if [ "$status" -ne 0 ] || grep -q 'warning:\|error:' "$out/clang-tidy.log"; then
	grep -A4 'warning:\|error:' "$out/clang-tidy.log" >&2 || cat "$out/clang-tidy.log" >&2
	echo "clang-tidy: findings (above)" >&2
	exit 1
fi
echo "clang-tidy: clean"

echo "cppcheck: lib cmd"
cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,style,performance,portability \
	--inline-suppr --suppressions-list=tests/cppcheck.supp \
	-D_GNU_SOURCE -D__linux__ -D__x86_64__ '-DElfW(type)=Elf64_##type' -I include -I lib -I "$out/lib" \
	--library=posix -j "$jobs" lib cmd
echo "cppcheck: clean"
