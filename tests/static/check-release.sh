#!/usr/bin/env bash
# The release tarball (tests/static/release.sh): what it must hold, and two
# builds from the same commit, in two build trees with different paths,
# must be the same bytes.
# Usage: tests/static/check-release.sh BUILD_DIR   (a -DMT_STATIC=ON build)
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: check-release.sh BUILD_DIR}" && pwd)
again=$build/again-$$
deps=$(sed -n 's/^MT_STATIC_DEPS:[A-Z]*=//p' "$build/CMakeCache.txt")
trap 'rm -rf "$again"' EXIT

log=$build/check-release.log
# (each link warns about libcgroup's and libcurl's unused NSS paths:
# tests/static/check-link.sh judges those)
cmake --build "$build" --target release >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
cmake -S "$src" -B "$again" -DMT_STATIC=ON -DMT_TESTS=OFF -DMT_STATIC_DEPS="$deps" \
	-DCMAKE_BUILD_TYPE="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")" >/dev/null
cmake --build "$again" -j "$(nproc)" --target release >>"$log" 2>&1 || { cat "$log" >&2; exit 1; }
a=$(find "$build" -maxdepth 1 -name 'minertrace-*.tar.gz')
b=$(find "$again" -maxdepth 1 -name 'minertrace-*.tar.gz')
[ -n "$a" ] && [ -n "$b" ] || { echo "check-release: no tarball" >&2; exit 1; }
if ! cmp "$a" "$b"; then
	mkdir -p "$again/x" "$again/y"
	tar -C "$again/x" -xzf "$a"
	tar -C "$again/y" -xzf "$b"
	diff -r "$again/x" "$again/y" >&2 || true
	echo "check-release: $a and $b differ" >&2
	exit 1
fi
echo "check-release: two build trees give the same $(basename "$a"): $(sha256sum "$a" | cut -d' ' -f1)"
