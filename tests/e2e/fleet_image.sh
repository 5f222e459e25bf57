#!/usr/bin/env bash
# The scan image of docs/fleet/Dockerfile (FROM scratch, the static
# executable from MT_STATIC_BIN) built and run under the private dockerd the
# way minertrace-daemonset.yaml runs it: the docker run options are derived
# from the manifest (tests/e2e/k8s-manifest.py docker-args: --pid=host, the
# host network, a read-only root, no new privileges, the same read-only
# host paths, ALL capabilities dropped and the three added). A miner runs
# in a container; the scan's log must be one valid scan document finding it
# in its container, exit 0 (--exit-zero), and `minertrace report` over the
# log must count the host suspicious.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
: "${MT_STATIC_BIN:?MT_STATIC_BIN must name a static minertrace}"
use_dockerd
[ -x "$MT_STATIC_BIN" ] || die "$MT_STATIC_BIN is not an executable"
if readelf -l "$MT_STATIC_BIN" | grep -q 'Requesting program interpreter'; then
	die "$MT_STATIC_BIN is dynamically linked: a FROM scratch image cannot run it"
fi

tag="minertrace-scan:e2e-$$"
mkdir "$MT_TMP/ctx"
cp "$MT_SOURCE_DIR/docs/fleet/Dockerfile" "$MT_TMP/ctx/"
cp "$MT_STATIC_BIN" "$MT_TMP/ctx/minertrace"
docker build -q -t "$tag" "$MT_TMP/ctx" >/dev/null || die "the image does not build"
trap 'docker rmi -f "$tag" >/dev/null 2>&1 || true; cleanup' EXIT
check "the image holds the executable and nothing else" \
	'.[0].Config.Entrypoint == ["/minertrace"] and .[0].Config.Cmd == ["scan", "--json", "--exit-zero"]' \
	<(docker image inspect "$tag")
expect_eq "one layer" "$(docker image inspect -f '{{len .RootFS.Layers}}' "$tag")" 1

miner=$(run_container miner xmrig/xmrig:6.21.0 -e MT_BURN=60)
miner_id=$(docker inspect -f '{{.Id}}' "$miner")
miner_pid=$(container_pid "$miner_id" xmrig) || die "the miner did not start"

# The DaemonSet's scan container as docker run options; the private engine
# is not at /run/docker.sock, so its socket directory is added read-only.
mapfile -t spec < <(/usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/k8s-manifest.py" docker-args \
	"$MT_SOURCE_DIR/docs/fleet/minertrace-daemonset.yaml")
opts=() args=() seen=0 caps=1
for a in "${spec[@]}"; do
	if [ "$a" = -- ]; then seen=1; elif [ "$seen" = 0 ]; then opts+=("$a"); else args+=("$a"); fi
done
sock=${DOCKER_HOST#unix://}
opts+=("--volume=$(dirname "$sock"):$(dirname "$sock"):ro" "--env=DOCKER_HOST=$DOCKER_HOST")
# Containers given capabilities cannot start on some machines (a VM's
# seccomp or user namespace): then the scan runs without them, as far as
# the machine allows, and says so.
if ! docker run --rm "${opts[@]}" "$tag" --version >/dev/null 2>"$MT_TMP/caps.err"; then
	echo "NOTE: with the manifest's capabilities the container cannot start here ($(head -c 300 "$MT_TMP/caps.err")); running without --cap-add"
	mapfile -t opts < <(printf '%s\n' "${opts[@]}" | grep -v -- '^--cap-add=')
	caps=0
	docker run --rm "${opts[@]}" "$tag" --version >/dev/null || die "the image does not start even without capabilities"
fi
echo "docker run ${opts[*]} $tag ${args[*]}"
rc=0
timeout 180 docker run --name "mt-fleet-image-$$" "${opts[@]}" "$tag" "${args[@]}" >/dev/null 2>"$MT_TMP/scan.err" || rc=$?
MT_CONTAINERS+=("mt-fleet-image-$$")
expect_eq "the scan exits 0 with findings (--exit-zero)" "$rc" 0
docker logs "mt-fleet-image-$$" >"$MT_TMP/node.json" 2>/dev/null
validate --scan "$MT_SCHEMA" "$MT_TMP/node.json"
check "the log is one scan document of this host" \
	".schema == \"minertrace-scan/1\" and .evidence.hostname == \"$(hostname)\"" "$MT_TMP/node.json"
check "the miner found in its container" \
	"[.findings[] | select(.pid == $miner_pid and .trace.chain[0].container_id == \"$miner_id\")] | length == 1" \
	"$MT_TMP/node.json"
if [ "$caps" = 1 ]; then
	# SYS_PTRACE: the executable link of a root process in a container is
	# readable (with every capability dropped the kernel refuses it)
	check "the miner's executable read (SYS_PTRACE)" \
		"[.findings[] | select(.pid == $miner_pid) | .trace.chain[0].exe.path] == [\"/usr/bin/xmrig\"]" \
		"$MT_TMP/node.json"
fi
check "a read-only root: nothing written" '.warnings | map(select(.code == "io")) | length == 0' "$MT_TMP/node.json"
jq -r '.findings[] | select(.pid == '"$miner_pid"') | .trace.warnings[] | "note: \(.subject): \(.message)"' \
	"$MT_TMP/node.json" | head -n 5
rc=0
mt report --json "$MT_TMP/node.json" >"$MT_TMP/report.json" || rc=$?
expect_eq "minertrace report over the log: findings, exit 5" "$rc" 5
check "report: the node suspicious" '.summary.hosts == 1 and .summary.suspicious == 1' "$MT_TMP/report.json"
finish
