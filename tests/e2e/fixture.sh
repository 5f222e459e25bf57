# Shared by the fixture scripts dockerd.sh, containerd.sh and podman.sh
# (sourced after they set fixture=NAME).

log() { echo "$fixture.sh: $*"; }

# Skips the fixture (CTest SKIP_RETURN_CODE 77) unless skipping is forbidden.
skip_or_fail() {
	if [ "${MT_E2E_REQUIRED:-0}" = 1 ]; then
		log "cannot start: $* (MT_E2E_REQUIRED=1)"
		exit 1
	fi
	log "SKIP: $*"
	exit 77
}

# stop_pid FILE: stops the daemon whose PID FILE holds, SIGKILL after 20 s.
stop_pid() {
	local pid i
	[ -f "$1" ] || return 0
	pid=$(cat "$1")
	kill "$pid" 2>/dev/null || true
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -9 "$pid" 2>/dev/null || true
}

# remove_run_dir DIR: unmounts what a daemon left under DIR and deletes it.
remove_run_dir() {
	local m
	[ -d "$1" ] || return 0
	{ grep -o " $1/[^ ]*" /proc/self/mountinfo || true; } | sort -r | while read -r m; do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf "$1"
}
