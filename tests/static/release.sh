#!/usr/bin/env bash
# The release artefact of the static flavour, from a -DMT_STATIC=ON build:
#
#   minertrace-VERSION-linux-ARCH.tar.gz
#     minertrace-VERSION-linux-ARCH/
#       minertrace      the executable, stripped
#       minertrace.1    the man page
#       NOTICE          what is linked in, from which source, under which
#                       licence, and how to relink it (LGPL)
#       LICENSES/       the licence texts and notices of everything inside
#       SHA256SUMS      of every file above (sha256sum -c)
#
# Two runs from the same commit give the same bytes: every timestamp is
# SOURCE_DATE_EPOCH (default: the commit's time), files are sorted, owned by
# 0:0 with fixed modes, gzip stores no name or time, and the build maps its
# paths away (-ffile-prefix-map).
# Usage: tests/static/release.sh BUILD_DIR [OUT_DIR]   (OUT_DIR: BUILD_DIR)
# Also: cmake --build BUILD_DIR --target release
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: release.sh BUILD_DIR [OUT_DIR]}" && pwd)
out=${2:-$build}
exe=$build/cmd/minertrace
cache=$build/CMakeCache.txt

die() {
	echo "release: $*" >&2
	exit 1
}
cached() { sed -n "s/^$1:[A-Z]*=//p" "$cache"; }

[ -x "$exe" ] || die "$exe is missing: build it first"
[ "$(cached MT_STATIC)" = ON ] || die "$build is not a -DMT_STATIC=ON build"
! readelf -dW "$exe" | grep -q 'Dynamic section' || die "$exe has a dynamic section"
deps=$(cached MT_STATIC_DEPS)
version=$("$exe" --version | sed -n 's/^minertrace \([0-9.]*\) .*/\1/p')
[ -n "$version" ] || die "no version from $exe --version"
name=minertrace-$version-linux-$(uname -m)
commit=$(git -C "$src" describe --always --dirty --abbrev=40 2>/dev/null || echo unknown)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct 2>/dev/null || echo 0)}

stage=$build/release/$name
rm -rf "$build/release"
mkdir -p "$stage/LICENSES"
strip --strip-all -o "$stage/minertrace" "$exe"
cp "$src/docs/minertrace.1" "$stage/"

# The licence texts: each upstream's own file where the build has it,
# Debian's copyright files (which carry the upstream notices) otherwise.
lic() {
	[ -r "$2" ] || die "$2 is missing (tests/install-deps.sh)"
	cp "$2" "$stage/LICENSES/$1"
}
lic curl-COPYING "$deps/share/licenses/curl.COPYING"
lic cJSON-LICENSE "$deps/share/licenses/cJSON.LICENSE"
lic OpenSSL-copyright /usr/share/doc/libssl-dev/copyright
lic Apache-2.0 /usr/share/common-licenses/Apache-2.0
lic nghttp2-copyright /usr/share/doc/libnghttp2-dev/copyright
lic glibc-copyright /usr/share/doc/libc6-dev/copyright
lic libcgroup-copyright /usr/share/doc/libcgroup-dev/copyright
lic LGPL-2.1 /usr/share/common-licenses/LGPL-2.1

pkgver() { dpkg-query -W -f='${Version}' "$1"; }
debver() { sed -n "s/^$1 //p" "$deps/share/licenses/SOURCES"; }
cat >"$stage/NOTICE" <<NOTICE
minertrace $version, statically linked for Linux $(uname -m)
Built from minertrace commit $commit.
$("$exe" --version)

Linked into the executable, each built from Debian 12's source package:

- libcurl: curl $(debver curl), with HTTP, HTTP/2 and unix sockets only.
  curl's licence (MIT-style): LICENSES/curl-COPYING
- nghttp2: libnghttp2-dev $(pkgver libnghttp2-dev).
  MIT: LICENSES/nghttp2-copyright
- cJSON: cjson $(debver cjson).
  MIT: LICENSES/cJSON-LICENSE
- OpenSSL: libssl-dev $(pkgver libssl-dev), libcrypto's SHA-256 only.
  Apache 2.0: LICENSES/Apache-2.0, notices in LICENSES/OpenSSL-copyright
- libcgroup: libcgroup-dev $(pkgver libcgroup-dev).
  LGPL 2.1: LICENSES/LGPL-2.1, notices in LICENSES/libcgroup-copyright
- glibc: libc6-dev $(pkgver libc6-dev).
  LGPL 2.1 with exceptions: LICENSES/LGPL-2.1, LICENSES/glibc-copyright

The sources of these versions: apt-get source curl=$(debver curl) \\
cjson=$(debver cjson) nghttp2=$(pkgver libnghttp2-dev) openssl=$(pkgver libssl-dev) \\
libcgroup=$(pkgver libcgroup-dev) glibc=$(pkgver libc6-dev)

Relinking (LGPL 2.1, section 6): glibc and libcgroup are linked statically.
You may relink minertrace with your own versions of them. From minertrace's
source at the commit above:

  tests/static/build-deps.sh
  cmake -S . -B build-static -DMT_STATIC=ON \\
        -DMT_LIBCGROUP_A=/path/to/your/libcgroup.a \\
        -DCMAKE_C_FLAGS="--sysroot=/path/to/your/glibc/sysroot"
  cmake --build build-static      # build-static/cmd/minertrace

(any archive, libcurl.a, libcjson.a, libnghttp2.a or libcrypto.a, can be
replaced the same way: MT_LIBCURL_A, MT_LIBCJSON_A, MT_LIBNGHTTP2_A,
MT_LIBCRYPTO_A).
NOTICE

(cd "$stage" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort |
	xargs sha256sum >SHA256SUMS)
find "$stage" -type d -exec chmod 0755 {} +
find "$stage" -type f -exec chmod 0644 {} +
chmod 0755 "$stage/minertrace"
mkdir -p "$out"
tar -C "$build/release" --sort=name --format=gnu --mtime="@$SOURCE_DATE_EPOCH" \
	--owner=0 --group=0 --numeric-owner -cf - "$name" | gzip -9 -n >"$out/$name.tar.gz"
(cd "$out" && sha256sum "$name.tar.gz" >"$name.tar.gz.sha256")
echo "release: $out/$name.tar.gz"
cat "$out/$name.tar.gz.sha256"
