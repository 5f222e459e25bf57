# Root file systems of the test images, out of the static binaries in
# tests/e2e/payload (sourced by dockerd.sh, containerd.sh and podman.sh).
# Nothing is pulled: every image is built FROM scratch by the fixture.

# build_payload SRC DEST: compiles the static test binaries into DEST.
build_payload() {
	local src=$1 dest=$2 p
	mkdir -p "$dest"
	for p in mt-init mt-sh mt-miner; do
		[ "$dest/$p" -nt "$src/$p.c" ] ||
			gcc -static -O2 -pthread -o "$dest/$p" "$src/$p.c"
	done
}

# make_rootfs KIND PAYLOAD DIR: lays out the root file system of one image.
#   app    /init (mt-init), /bin/sh (mt-sh), /usr/share/payload/miner
#   xmrig  the miner as /usr/bin/xmrig
#   web    an idle service at /usr/local/bin/web
#   pause  a sandbox holder at /pause
make_rootfs() {
	local kind=$1 b=$2 dir=$3
	rm -rf "$dir"
	mkdir -p "$dir/tmp"
	chmod 1777 "$dir/tmp"
	case "$kind" in
	app)
		mkdir -p "$dir/bin" "$dir/usr/share/payload"
		cp "$b/mt-init" "$dir/init"
		cp "$b/mt-sh" "$dir/bin/sh"
		cp "$b/mt-miner" "$dir/usr/share/payload/miner"
		;;
	xmrig)
		mkdir -p "$dir/usr/bin"
		cp "$b/mt-miner" "$dir/usr/bin/xmrig"
		;;
	web)
		mkdir -p "$dir/usr/local/bin"
		cp "$b/mt-init" "$dir/usr/local/bin/web"
		;;
	pause)
		cp "$b/mt-init" "$dir/pause"
		;;
	*) return 1 ;;
	esac
}

# The entrypoint and command of each kind, as JSON arrays.
image_entrypoint() {
	case "$1" in
	app) echo '["/init"]' ;;
	xmrig) echo '["/usr/bin/xmrig"]' ;;
	web) echo '["/usr/local/bin/web"]' ;;
	pause) echo '["/pause"]' ;;
	esac
}
image_cmd() {
	case "$1" in
	xmrig) echo '["-o","stratum+tcp://pool.minexmr.example:4444","--donate-level","1"]' ;;
	*) echo '["idle"]' ;;
	esac
}

# oci_archive KIND PAYLOAD NAME OUT.tar WORKDIR: an OCI image archive of one
# kind under the full reference NAME (for ctr images import, podman load).
oci_archive() {
	local kind=$1 b=$2 name=$3 out=$4 work=$5
	make_rootfs "$kind" "$b" "$work/$kind"
	/usr/bin/python3 "$MT_SOURCE_DIR/tests/e2e/oci-image.py" "$work/$kind" "$name" "$out" \
		--entrypoint "$(image_entrypoint "$kind")" --cmd "$(image_cmd "$kind")"
}
