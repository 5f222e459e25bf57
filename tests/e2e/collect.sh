#!/usr/bin/env bash
# --collect DIR: the evidence of a deleted binary in a real container, with
# a manifest that verifies, and a copy whose hash matches the original.
. "$(dirname "$0")/lib.sh"
use_dockerd

name=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=1 -- \
	app /bin/sh DROP /usr/share/payload/miner /tmp/kdevtmpfsi --also /tmp/kinsing)
cid=$(docker inspect -f '{{.Id}}' "$name")
pid=$(container_pid "$cid" kdevtmpfsi) || die "the miner did not start"
for _ in $(seq 1 50); do
	readlink "/proc/$pid/exe" | grep -q '(deleted)' && break
	sleep 0.1
done
readlink "/proc/$pid/exe" | grep -q '(deleted)' || die "the miner's binary was not deleted"
ev=$MT_TMP/evidence
mt --collect "$ev" "$pid" >"$MT_TMP/out.txt" 2>"$MT_TMP/err.txt"
grep -q "evidence of PID $pid in $ev" "$MT_TMP/err.txt" || fail "no confirmation: $(cat "$MT_TMP/err.txt")"
grep -q "^Verdict" "$MT_TMP/out.txt" || fail "the report was not printed as well"

orig=$(sha256sum "$MT_PAYLOAD/mt-miner" | cut -d' ' -f1)
copy=$(sha256sum "$ev/binary/$pid-kdevtmpfsi" | cut -d' ' -f1)
expect_eq "the deleted binary's copy has the original's hash" "$copy" "$orig"
(cd "$ev" && sha256sum --quiet -c MANIFEST.sha256) && echo "ok: MANIFEST.sha256 verifies" ||
	fail "MANIFEST.sha256 does not verify"
expect_eq "every file is in the manifest" "$(find "$ev" -type f ! -name MANIFEST.sha256 | wc -l)" \
	"$(wc -l <"$ev/MANIFEST.sha256")"
validate "$MT_SCHEMA" "$ev/report.json"
check "the collected report names the container" ".containers[0].id == \"$cid\"" "$ev/report.json"
grep -q '^## minertrace: PID' "$ev/report.md" || fail "no Markdown report"
for f in status stat cmdline environ maps mountinfo cgroup fd.txt links.txt; do
	[ -s "$ev/proc/$pid/$f" ] || fail "proc/$pid/$f missing or empty"
done
grep -q 'exe -> /tmp/kdevtmpfsi (deleted)' "$ev/proc/$pid/links.txt" || fail "links.txt lacks the exe link"
grep -q 'MT_BURN=1' "$ev/proc/$pid/environ" || fail "environ not collected"
init=$(docker inspect -f '{{.State.Pid}}' "$name")
[ -s "$ev/binary/$init-init" ] || fail "the container init's binary was not collected"
for f in events.json container.json image.json changes.json; do
	[ -s "$ev/engine/${cid:0:12}/$f" ] || fail "engine/${cid:0:12}/$f missing"
done
jq -e ".Id == \"$cid\"" "$ev/engine/${cid:0:12}/container.json" >/dev/null || fail "raw container reply wrong"
grep -q "container.json	GET /v1.41/containers/$cid/json	200	ok" "$ev/engine/requests.tsv" ||
	fail "requests.tsv lacks the inspect request"
expect_eq "files are private" "$(find "$ev" -type f ! -perm 600 | wc -l)" 0
expect_eq "directories are private" "$(find "$ev" -type d ! -perm 700 | wc -l)" 0

# A directory that holds anything is refused, and left untouched.
rc=0
mt --collect "$ev" "$pid" >/dev/null 2>"$MT_TMP/err2.txt" || rc=$?
expect_eq "a non-empty directory is refused" "$rc" 4
grep -q "not an empty directory" "$MT_TMP/err2.txt" || fail "unclear refusal: $(cat "$MT_TMP/err2.txt")"
expect_eq "the refused directory is untouched" "$(sha256sum "$ev/MANIFEST.sha256" | cut -d' ' -f1)" \
	"$(sha256sum "$ev/MANIFEST.sha256" | cut -d' ' -f1)"
ln -s "$MT_TMP/elsewhere" "$MT_TMP/link"
rc=0
mt --collect "$MT_TMP/link" "$pid" >/dev/null 2>&1 || rc=$?
expect_eq "a symlink is refused" "$rc" 4
[ -e "$MT_TMP/elsewhere" ] && fail "the symlink's target was created"

# The binary is read through /proc/PID/exe, not the path: swap the path for a
# link to a host-looking file and the copy is still the running binary.
docker exec -d -e MT_BURN=1 -e MT_KEEP=1 "$name" /bin/sh DROP /usr/share/payload/miner /tmp/kept
kpid=$(container_pid "$cid" kept) || die "kept did not start"
root=/proc/$kpid/root
rm "$root/tmp/kept"
ln -s /proc/1/root/etc/shadow "$root/tmp/kept"
mt --collect "$MT_TMP/ev2" "$kpid" >/dev/null 2>&1
expect_eq "a swapped path does not change the copy" \
	"$(sha256sum "$MT_TMP/ev2/binary/$kpid-kept" | cut -d' ' -f1)" "$orig"
finish
