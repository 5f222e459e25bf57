#!/usr/bin/env bash
# Builds what the static flavour links and Debian ships no archive for, from
# Debian's own source packages (with Debian's patches, security fixes
# included, applied by dpkg-source): a minimal libcurl (HTTP/1.1 and HTTP/2
# through libnghttp2.a, unix sockets; no TLS, proxies, resolver features or
# other protocols) and cJSON. libcgroup.a, libcrypto.a and libnghttp2.a are
# Debian's own (libcgroup-dev, libssl-dev, libnghttp2-dev).
#
# Usage: tests/static/build-deps.sh [DIR]   (default: build/static-deps)
# DIR/prefix then holds include/ and lib/ for cmake -DMT_STATIC=ON
# -DMT_STATIC_DEPS=DIR/prefix. Idempotent: a finished build is kept and
# the script returns at once. Needs root the first time (apt-get).
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$src/build/static-deps}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
prefix=$dir/prefix
# Bump when the configuration below changes: a stale build is redone.
recipe=4
stamp=$prefix/.built-$recipe
jobs=${MT_JOBS:-2}

if [ -e "$stamp" ]; then
	echo "static-deps: ready in $prefix"
	exit 0
fi

# deb-src lines derived from the machine's own apt sources (same mirrors,
# suites and keys), in a file of our own; nothing is written if the
# machine already has them.
enable_deb_src() {
	local list=/etc/apt/sources.list.d/minertrace-deb-src.sources f
	if grep -rqsE '^(Types:.*\bdeb-src\b|deb-src[[:space:]])' /etc/apt/sources.list \
		/etc/apt/sources.list.d/; then
		return 0
	fi
	: >"$list.tmp"
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		sed -e 's/^Types:.*$/Types: deb-src/' "$f" >>"$list.tmp"
		echo >>"$list.tmp"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		# one-line format: "deb [opts] URI suite comp..." becomes a stanza
		sed -nE 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+)[[:space:]]+(.*)$/Types: deb-src\nURIs: \2\nSuites: \3\nComponents: \4\n/p' \
			"$f" >>"$list.tmp"
	done
	if ! grep -q '^URIs:' "$list.tmp"; then
		rm -f "$list.tmp"
		echo "static-deps: no apt source to derive deb-src from" >&2
		exit 1
	fi
	mv "$list.tmp" "$list"
	echo "static-deps: deb-src enabled in $list"
	apt-get update -q
}

# The unpacked, patched source of package $1 in $dir/src; prints its path.
fetch_source() {
	local pkg=$1 d
	d=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" 2>/dev/null | head -n1)
	if [ -z "$d" ]; then
		mkdir -p "$dir/src"
		# apt's lists may predate the deb-src entries: update once, retry.
		(cd "$dir/src" && apt-get source -q --only-source "$pkg" >&2) ||
			(apt-get update -q >&2 && cd "$dir/src" && apt-get source -q --only-source "$pkg" >&2)
		d=$(find "$dir/src" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n1)
	fi
	[ -n "$d" ] && [ -d "$d/debian/patches" -o -d "$d/debian" ] || {
		echo "static-deps: no source tree for $pkg" >&2
		exit 1
	}
	echo "$d"
}

command -v dpkg-source >/dev/null || {
	echo "static-deps: dpkg-dev is missing (tests/install-deps.sh)" >&2
	exit 1
}
for a in libcgroup.a libcrypto.a libnghttp2.a; do
	[ -e "/usr/lib/$(gcc -print-multiarch)/$a" ] || {
		echo "static-deps: /usr/lib/$(gcc -print-multiarch)/$a is missing (tests/install-deps.sh)" >&2
		exit 1
	}
done
enable_deb_src
rm -rf "$prefix"
mkdir -p "$prefix/lib" "$prefix/include" "$prefix/share/licenses"
# No build path in the objects: two builds give the same bytes.
cflags="-O2 -g0 -fPIE -ffile-prefix-map=$dir=. -fstack-protector-strong -D_FORTIFY_SOURCE=2"

cjson=$(fetch_source cjson)
echo "static-deps: cJSON from $(basename "$cjson")"
mkdir -p "$prefix/include/cjson"
# shellcheck disable=SC2086
gcc $cflags -std=c89 -c "$cjson/cJSON.c" -o "$dir/cJSON.o"
ar rcsD "$prefix/lib/libcjson.a" "$dir/cJSON.o"
cp "$cjson/cJSON.h" "$prefix/include/cjson/"
cp "$cjson/LICENSE" "$prefix/share/licenses/cJSON.LICENSE"

curl=$(fetch_source curl)
echo "static-deps: libcurl from $(basename "$curl")"
rm -rf "$dir/curl-build"
mkdir -p "$dir/curl-build"
(
	cd "$dir/curl-build"
	# Everything off but HTTP (1.1, and 2 through nghttp2) over unix
	# sockets. --disable-http-auth would not link with nghttp2 in 7.88
	# (Curl_base64url_encode), so basic auth code stays.
	CFLAGS="$cflags -ffile-prefix-map=$curl=curl" "$curl/configure" -q \
		--prefix="$prefix" --disable-shared --enable-static --with-pic \
		--without-ssl --without-zlib --without-brotli --without-zstd \
		--without-libidn2 --without-libpsl --without-librtmp --without-libssh2 \
		--without-libssh --without-wolfssh --without-libgsasl --without-hyper \
		--without-nghttp3 --without-ngtcp2 --without-quiche --without-msh3 \
		--with-nghttp2=/usr --without-ca-bundle --without-ca-path \
		--disable-ftp --disable-file --disable-ldap --disable-ldaps --disable-rtsp \
		--disable-dict --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
		--disable-smb --disable-smtp --disable-gopher --disable-mqtt \
		--disable-proxy --disable-netrc --disable-cookies --disable-doh \
		--disable-alt-svc --disable-hsts --disable-ntlm --disable-ntlm-wb \
		--disable-ipv6 --disable-ares --disable-threaded-resolver \
		--disable-manual --disable-libcurl-option --disable-verbose \
		--disable-websockets --disable-mime \
		--disable-progress-meter --disable-socketpair --disable-dnsshuffle \
		--disable-get-easy-options --disable-headers-api \
		--disable-crypto-auth --disable-tls-srp --disable-pthreads \
		--enable-unix-sockets --enable-http >configure.out 2>&1 ||
		{ tail -n 30 configure.out >&2; exit 1; }
	make -s -C lib -j "$jobs" libcurl.la >make.out 2>&1 || { tail -n 40 make.out >&2; exit 1; }
	make -s -C lib install-libLTLIBRARIES >>make.out 2>&1
	make -s -C include install >>make.out 2>&1
)
cp "$curl/COPYING" "$prefix/share/licenses/curl.COPYING"
rm -f "$prefix/lib/"*.la
# The versions, for the release notices.
{
	echo "curl $(dpkg-parsechangelog -l "$curl/debian/changelog" -S Version)"
	echo "cjson $(dpkg-parsechangelog -l "$cjson/debian/changelog" -S Version)"
} >"$prefix/share/licenses/SOURCES"
touch "$stamp"
echo "static-deps: ready in $prefix"
