#!/usr/bin/env bash
# Where a binary came from, for every case a container offers: a file the
# container wrote and kept (writable layer), a file of the image, an image
# file deleted inside the container (hidden by a whiteout: still linked in
# its layer), a binary on a tmpfs inside the container, and one on a bind-mounted
# volume.
. "$(dirname "$0")/lib.sh"
use_dockerd

vol=$MT_TMP/vol
mkdir -p "$vol"
cp "$MT_PAYLOAD/mt-miner" "$vol/volminer"
name=$(run_container app metabase/metabase:v0.46.6 -e MT_BURN=1 -e MT_KEEP=1 -v "$vol:/data" \
	--tmpfs /scratch:exec -- idle)
cid=$(docker inspect -f '{{.Id}}' "$name")
upper=$(docker inspect -f '{{.GraphDriver.Data.UpperDir}}' "$name")

# 1. written into the writable layer and kept
docker exec -d "$name" /bin/sh DROP /usr/share/payload/miner /tmp/keptminer
pid=$(container_pid "$cid" keptminer) || die "keptminer did not start"
mt --json "$pid" >"$MT_TMP/kept.json"
validate "$MT_SCHEMA" "$MT_TMP/kept.json"
check "kept file: writable layer, same inode" '.origin.kind == "writable-layer" and .origin.in_writable_layer and .origin.inode_match and (.origin.unlinked | not)' "$MT_TMP/kept.json"
check "kept file: its path in the layer" ".origin.upper_path == \"$upper/tmp/keptminer\"" "$MT_TMP/kept.json"
check "kept file: listed in the drift" '.containers[0].engine.changes.target_exe == "added"' "$MT_TMP/kept.json"
check "kept file: not deleted" '.chain[0].exe.deleted == false and .chain[0].exe.links == 1' "$MT_TMP/kept.json"

# 2. a file of the image, started with docker exec
docker exec -d "$name" /usr/share/payload/miner --image-copy
pid=$(container_pid "$cid" miner) || die "image miner did not start"
mt --json "$pid" >"$MT_TMP/image.json"
check "image file: image layer, same inode" '.origin.kind == "image-layer" and .origin.image_layer != null and (.origin.in_writable_layer | not)' "$MT_TMP/image.json"
check "image file: its layer path" '.origin.image_layer_path | endswith("/usr/share/payload/miner")' "$MT_TMP/image.json"

# 3. the same image file deleted inside the container: a whiteout hides it
docker exec "$name" /bin/sh RM /usr/share/payload/miner
mt --json "$pid" >"$MT_TMP/whiteout.json"
check "whiteout: deleted but still linked" '.chain[0].exe.deleted and .chain[0].exe.links == 1' "$MT_TMP/whiteout.json"
check "whiteout: image layer, hidden" '.origin.kind == "image-layer" and .origin.whiteout_hidden and (.origin.unlinked | not)' "$MT_TMP/whiteout.json"

# 4. a binary on a tmpfs inside the container (Docker's /dev/shm is noexec)
docker exec -d "$name" /bin/sh DROP /data/volminer /scratch/shmminer
pid=$(container_pid "$cid" shmminer) || die "shmminer did not start"
mt --json "$pid" >"$MT_TMP/shm.json"
check "tmpfs: a mount inside the container" '.origin.kind == "mount" and .origin.mount.point == "/scratch" and .origin.mount.fstype == "tmpfs"' "$MT_TMP/shm.json"
check "tmpfs: mounted-binary signal" '[.verdict.signals[].id] | index("mounted-binary") != null' "$MT_TMP/shm.json"

# 5. a binary on a bind-mounted volume
docker exec -d "$name" /data/volminer --from-volume
pid=$(container_pid "$cid" volminer) || die "volminer did not start"
mt --json "$pid" >"$MT_TMP/vol.json"
check "volume: a mount inside the container" '.origin.kind == "mount" and .origin.mount.point == "/data"' "$MT_TMP/vol.json"
check "volume: same bytes as the host file" ".chain[0].exe.sha256 == \"$(sha256sum "$vol/volminer" | cut -d' ' -f1)\"" "$MT_TMP/vol.json"
check "volume: the engine lists the bind mount" ".containers[0].engine.mounts | any(.destination == \"/data\" and .source == \"$vol\")" "$MT_TMP/vol.json"
finish
