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
	 .engine.api == \"Podman (Docker-compatible API)\" and
	 .containers[0].engine.name == \"mt-podman_runtime-miner-$$\" and
	 (.containers[0].engine.image.reference | test(\"xmrig/xmrig:6.21.0\"))" "$MT_TMP/run.json"
check "podman run: the image's own entrypoint" '.verdict.classification == "unwanted-image"' \
	"$MT_TMP/run.json"

check "podman run: its events read despite the file events backend" \
	'[.containers[0].engine.events[].action] | index(["create", "init", "start"]) != null' \
	"$MT_TMP/run.json"

check_markdown "$pid" "podman stop mt-podman_runtime-miner-$$ && podman rm mt-podman_runtime-miner-$$" \
	"podman rmi sha256:"

# An image made here (podman import) is local, though Podman gives it a
# RepoDigest under the pseudo-registry "localhost".
podman_run local localhost/acme/local-tool:1 -e MT_BURN=2 || die "podman run failed"
cid2=$MT_PODMAN_CID
pid3=$(container_pid "$cid2" xmrig) || die "the local image's miner did not start"
mt --json "$pid3" >"$MT_TMP/local.json" || die "minertrace failed on the local image"
validate "$MT_SCHEMA" "$MT_TMP/local.json"
check "podman import: a local image, not a registry's" \
	'.containers[0].engine.image.reference == "localhost/acme/local-tool:1" and
	 .containers[0].engine.image.source == "local"' "$MT_TMP/local.json"

# podman exec: entered from outside
timeout 60 podman exec -d "$cid" >/dev/null /usr/bin/xmrig --podman-exec-$$ || die "podman exec failed"
pid2=$(wait_pid -f -- "^/usr/bin/xmrig --podman-exec-$$") || die "the exec'd miner did not start"
mt --json "$pid2" >"$MT_TMP/exec.json" || die "minertrace failed on the exec'd miner"
validate "$MT_SCHEMA" "$MT_TMP/exec.json"
check "podman exec: the exec session from the API" '.entry.kind == "docker-exec" and (.entry.exec_id | length) == 64' "$MT_TMP/exec.json"
check "podman exec: the exec event read" \
	'[.containers[0].engine.events[] | select(.action | startswith("exec"))] | length > 0' \
	"$MT_TMP/exec.json"

# scan finds the run and the exec'd miner, each in its Podman container
mt scan --json --interval 1 --no-probe --min-score 1 >"$MT_TMP/scan.json" || true
validate --scan "$MT_SCHEMA" "$MT_TMP/scan.json"
check "scan: podman run's miner, the image's own entrypoint" \
	".findings | any(.pid == $pid and .trace.containers[0].id == \"$cid\" and
	 .trace.containers[0].runtime == \"podman\" and .trace.engine.api == \"Podman (Docker-compatible API)\" and
	 .trace.verdict.classification == \"unwanted-image\")" "$MT_TMP/scan.json"
check "scan: podman exec's miner, entered from outside with its exec session" \
	".findings | any(.pid == $pid2 and .trace.entry.kind == \"docker-exec\" and
	 (.trace.entry.exec_id | length) == 64)" "$MT_TMP/scan.json"

finish
