#!/usr/bin/env bash
# Static analysis of lib/ and cmd/ with the project's own configuration:
# no include cycle between lib modules (tests/include-graph.py), clang-tidy
# (.clang-tidy) and cppcheck (tests/cppcheck.supp). Any finding fails.
# Usage: tests/lint.sh
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
out=$src/build-lint
jobs=$(nproc)

echo "include graph: lib/"
# The checker first proves it sees a cycle (a -> b -> c -> a) and a clean graph.
cycle=$(mktemp -d)
printf '#include "b.h"\n' >"$cycle/a.c"
printf '#include "c.h"\n#include "util.h"\n' >"$cycle/b.h"
printf '#include "a.h"\n' >"$cycle/c.c"
: >"$cycle/a.h" && : >"$cycle/c.h" && : >"$cycle/util.h"
if python3 tests/include-graph.py "$cycle" 2>"$cycle/err" ||
	! grep -q 'include cycle: a -> b -> c -> a' "$cycle/err"; then
	echo "include-graph.py missed the cycle a -> b -> c -> a" >&2
	exit 1
fi
rm "$cycle/c.c"
python3 tests/include-graph.py "$cycle" >/dev/null || {
	echo "include-graph.py sees a cycle in a clean graph" >&2
	exit 1
}
# ... and an include that points up a layer (a, in layer 1, includes b).
printf '| 1 low | `a`, `c`, `util` | |\n| 2 high | `b` | |\n' >"$cycle/layers.md"
if python3 tests/include-graph.py "$cycle" "$cycle/layers.md" 2>"$cycle/err" ||
	! grep -q 'layering: a (1 low) includes b (2 high), a higher layer' "$cycle/err"; then
	echo "include-graph.py missed an include up a layer" >&2
	exit 1
fi
rm -r "$cycle"
python3 tests/include-graph.py lib docs/architecture.md

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
