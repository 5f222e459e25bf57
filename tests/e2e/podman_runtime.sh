#!/usr/bin/env bash
# Podman through its Docker-compatible API (podman system service) on the
# private Podman: podman run and podman exec.
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=runtimes.sh
. "$(dirname "$0")/runtimes.sh"
use_podman
export DOCKER_HOST=unix://$PODMAN_SOCK

# (e) podman run: the image's entrypoint is the miner
podman_run miner docker.io/xmrig/xmrig:6.21.0 -e MT_BURN=2 || die "podman run failed"
cid=$MT_PODMAN_CID
pid=$(container_pid "$cid" xmrig) || die "the miner did not start"
mt --json "$pid" >"$MT_TMP/run.json" || die "minertrace failed on the podman container"
validate "$MT_SCHEMA" "$MT_TMP/run.json"
check "podman run: runtime podman, container and image named" \
	".containers[0].runtime == \"podman\" and .containers[0].id == \"$cid\" and
	 .containers[0].engine.name == \"mt-podman_runtime-miner-$$\" and
	 (.containers[0].engine.image.reference | test(\"xmrig/xmrig:6.21.0\"))" "$MT_TMP/run.json"
check "podman run: the image's own entrypoint" '.verdict.classification == "unwanted-image"' \
	"$MT_TMP/run.json"

# podman exec: entered from outside
timeout 60 podman exec -d "$cid" >/dev/null /usr/bin/xmrig --podman-exec-$$ || die "podman exec failed"
pid2=$(wait_pid -f -- "^/usr/bin/xmrig --podman-exec-$$") || die "the exec'd miner did not start"
mt --json "$pid2" >"$MT_TMP/exec.json" || die "minertrace failed on the exec'd miner"
validate "$MT_SCHEMA" "$MT_TMP/exec.json"
check "podman exec: the exec session from the API" '.entry.kind == "docker-exec" and (.entry.exec_id | length) == 64' "$MT_TMP/exec.json"

finish
