#!/usr/bin/env bash
# Symlinks planted in a container that point at host files: evidence reading
# must stay inside the container. Two images carry /etc/ld.so.preload as a
# symlink: one to an absolute path that, seen from the host, is a canary
# file of this test (inside the container the same path holds another
# text), one through a /proc magic link (/proc/self/root: the reader's own
# root, which for a reader on the host is the host's; /proc/1/root works the
# same way but PID 1 of this machine may not be readable). Neither the scan,
# the trace nor --collect may show the canary.
. "$(dirname "$0")/lib.sh"
use_dockerd

canary_dir=$MT_TMP/host-only
canary="HOST-CANARY-$RANDOM$RANDOM"
mkdir -p "$canary_dir"
echo "$canary" >"$canary_dir/secret"

# image 1: /etc/ld.so.preload -> $canary_dir/secret (absolute), which inside
# the image holds /lib/inside-preload.so
b=$MT_TMP/img1
mkdir -p "$b/rootfs/usr/bin" "$b/rootfs/etc" "$b/rootfs$canary_dir"
cp "$MT_PAYLOAD/mt-miner" "$b/rootfs/usr/bin/xmrig"
echo /lib/inside-preload.so >"$b/rootfs$canary_dir/secret"
ln -s "$canary_dir/secret" "$b/rootfs/etc/ld.so.preload"
printf 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/bin/xmrig"]\n' >"$b/Dockerfile"
docker build -q -t acme/linky:1 "$b" >/dev/null || die "image acme/linky:1 did not build"
# image 2: /etc/ld.so.preload -> /proc/self/root$canary_dir/secret
b=$MT_TMP/img2
mkdir -p "$b/rootfs/usr/bin" "$b/rootfs/etc" "$b/rootfs/proc"
cp "$MT_PAYLOAD/mt-miner" "$b/rootfs/usr/bin/xmrig"
ln -s "/proc/self/root$canary_dir/secret" "$b/rootfs/etc/ld.so.preload"
printf 'FROM scratch\nCOPY rootfs/ /\nENTRYPOINT ["/usr/bin/xmrig"]\n' >"$b/Dockerfile"
docker build -q -t acme/linky:2 "$b" >/dev/null || die "image acme/linky:2 did not build"

c1=$(run_container abs acme/linky:1 -e MT_BURN=50)
c1_id=$(docker inspect -f '{{.Id}}' "$c1")
c2=$(run_container magic acme/linky:2 -e MT_BURN=50)
c2_id=$(docker inspect -f '{{.Id}}' "$c2")
p1=$(container_pid "$c1_id" xmrig) || die "miner 1 did not start"
p2=$(container_pid "$c2_id" xmrig) || die "miner 2 did not start"
# A naive reader would see the canary: the test is only worth something if so.
[ "$(cat "/proc/$p1/root/etc/ld.so.preload")" = "$canary" ] ||
	die "the planted link does not lead to the host file from outside"
[ "$(cat "/proc/$p2/root/etc/ld.so.preload")" = "$canary" ] ||
	die "the /proc/self/root link does not lead to the host file from outside"
echo "ok: a naive reader of /proc/PID/root/etc/ld.so.preload gets the host canary"

rc=0
mt scan --json --interval 1 >"$MT_TMP/scan.json" || rc=$?
expect_eq "scan exit status" "$rc" 5
mt scan --color=never --interval 1 >"$MT_TMP/scan.txt" || true
f=$MT_TMP/scan.json
check "both miners found" "[.findings[].pid] | index($p1) != null and index($p2) != null" "$f"
if [ -z "${MT_WRAPPER:-}" ]; then
	check "the absolute link is read inside the container" \
		"[.findings[] | select(.pid == $p1) | .signals[] | select(.id == \"preload-file\") | .detail] | any(test(\"/lib/inside-preload.so\"))" "$f"
else
	# valgrind does not know openat2: the fallback refuses every link
	check "without openat2 the absolute link is refused" \
		"[.findings[] | select(.pid == $p1) | .signals[] | select(.id == \"preload-file\")] == []" "$f"
fi
check "the magic link is refused" \
	"[.findings[] | select(.pid == $p2) | .signals[] | select(.id == \"preload-file\")] == []" "$f"
mt --json "$p1" >"$MT_TMP/trace1.json"
mt --json "$p2" >"$MT_TMP/trace2.json"
mt --collect "$MT_TMP/collect1" "$p1" >/dev/null
mt --collect "$MT_TMP/collect2" "$p2" >/dev/null
for out in scan.json scan.txt trace1.json trace2.json collect1 collect2; do
	if grep -rqF "$canary" "$MT_TMP/$out"; then
		fail "the host canary leaked into $out"
	else
		echo "ok: no canary in $out"
	fi
done
finish
