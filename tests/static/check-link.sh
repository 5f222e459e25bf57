#!/usr/bin/env bash
# Links the static executable of BUILD_DIR again and fails on any linker
# warning about the project's own objects (lib/, cmd/): glibc warns there
# when a statically linked program calls a function that would dlopen
# the host's libraries at run time (NSS: getpwnam, getaddrinfo...; iconv;
# dlopen itself). Warnings about Debian's archives are listed: the code
# paths behind them are never taken (tests/e2e/static.sh shows it under
# strace).
# Usage: tests/static/check-link.sh [BUILD_DIR]   (default: build-static)
set -euo pipefail
build=${1:-build-static}
exe="$build/cmd/minertrace"
log="$build/link.log"

rm -f "$exe"
cmake --build "$build" --target minertrace >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
[ -x "$exe" ] || { echo "check-link: $exe was not linked" >&2; exit 1; }
if readelf -dW "$exe" | grep -q 'Dynamic section'; then
	echo "check-link: $exe has a dynamic section" >&2
	exit 1
fi
# ld names the object ("...: in function `f':") on the line before its
# warning, or on the same line.
awk '
	/: in function `/ { obj = $0; sub(/: in function.*/, "", obj); sub(/^\/usr\/bin\/ld: /, "", obj) }
	/warning: / { w = $0; sub(/.*warning: /, "", w); print obj "\t" w }
' "$log" | sort -u >"$build/link-warnings.tsv"
own=$(grep -E '(libminertrace\.a\(|CMakeFiles/minertrace\.dir/)' "$build/link-warnings.tsv" || true)
others=$(grep -vcE '(libminertrace\.a\(|CMakeFiles/minertrace\.dir/)' "$build/link-warnings.tsv" || true)
if [ -n "$own" ]; then
	echo "check-link: link warnings about minertrace's own objects:" >&2
	echo "$own" >&2
	exit 1
fi
echo "check-link: no dynamic section; no link warning about minertrace's own objects ($others about Debian's archives and ours of libcurl, listed in $build/link-warnings.tsv)"
