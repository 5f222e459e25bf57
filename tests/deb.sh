#!/usr/bin/env bash
# The Debian package of the dynamic flavour: built with CPack from BUILD_DIR,
# it must hold the executable and the man page and depend on every library
# the executable links or loads (libcurl and libcrypto are dlopen'd, so
# dpkg-shlibdeps alone would miss them).
# Usage: tests/deb.sh [BUILD_DIR]   (default: build)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
fails=0
fail() {
	echo "FAIL: $*" >&2
	fails=$((fails + 1))
}

rm -f "$build"/minertrace_*.deb
(cd "$build" && cpack -G DEB >/dev/null)
deb=$(find "$build" -maxdepth 1 -name 'minertrace_*.deb' | head -n 1)
[ -n "$deb" ] || { echo "FAIL: cpack made no .deb" >&2; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libc6 libcjson1 libcgroup2 libcurl4 libssl3; do
	grep -Eq "(^|, )$lib( |,|$)" <<<"$depends" || fail "Depends lacks $lib: $depends"
done
contents=$(dpkg-deb -c "$deb")
grep -q ' ./usr/bin/minertrace$' <<<"$contents" || fail "no /usr/bin/minertrace in $deb"
grep -q ' ./usr/share/man/man1/minertrace.1' <<<"$contents" || fail "no man page in $deb"
# The packaged executable is the dynamic flavour and runs.
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
dpkg-deb -x "$deb" "$dir"
"$dir/usr/bin/minertrace" --version | grep -q '(dynamic; ' || fail "the packaged executable is not the dynamic flavour"
[ "$fails" = 0 ] || exit 1
echo "deb: $(basename "$deb"): Depends: $depends"
