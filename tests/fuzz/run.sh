#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan), seeds each corpus
# from the captured fixtures and runs every target for a bounded time.
# Usage: tests/fuzz/run.sh [SECONDS] [TARGET...]
#   SECONDS per target (default $MT_FUZZ_SECONDS, else 60); CI runs 30 (tests/run.sh),
#   a longer campaign: tests/fuzz/run.sh 600
# Corpora grow in build-fuzz/corpus/TARGET (kept between runs); a crash is
# saved in build-fuzz/artifacts/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
seconds=${1:-${MT_FUZZ_SECONDS:-60}}
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(stat status cgroup mountinfo tcp engine text fleet bundle miner_config grpc)
out=$src/build-fuzz
fix=$src/tests/fixtures

CC=clang cmake -S "$src" -B "$out" -DMT_FUZZ=ON -DMT_TESTS=OFF -DMT_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j "$(nproc)" >/dev/null

# seed TARGET FILE [PREFIX-BYTE]: adds FILE (with one leading byte) to the corpus.
seed() {
	local dir=$out/corpus/$1 name
	name=$(printf '%s' "${3:-}$2" | sha1sum | cut -c1-16)
	mkdir -p "$dir"
	[ -e "$dir/seed-$name" ] && return 0
	if [ -n "${3:-}" ]; then
		{ printf "\\x$3"; cat "$2"; } >"$dir/seed-$name"
	else
		cp "$2" "$dir/seed-$name"
	fi
}

for f in "$fix"/proc/*/*/stat "$fix"/proc/*/stat; do seed stat "$f"; done
for f in "$fix"/proc/*/*/status "$fix"/proc/*/*/cmdline; do seed status "$f"; done
for f in "$fix"/proc/*/*/cgroup; do seed cgroup "$f"; done
for f in "$fix"/proc/*/*/mountinfo; do [ -f "$f" ] && seed mountinfo "$f"; done
seed tcp "$fix/net/tcp" 00
seed tcp "$fix/net/tcp6" 01
for d in "$fix"/engine/*/; do
	seed engine "$d/container.json" 00
	seed engine "$d/image.json" 01
	for f in "$d"/exec-*.json; do seed engine "$f" 02; done
	seed engine "$d/events.json" 03
	seed engine "$d/changes.json" 04
	seed engine "$d/version.json" 05
	[ ! -e "$d/containers-same-image.json" ] || seed engine "$d/containers-same-image.json" 06
done
for f in "$src"/tests/fuzz/fleet-seeds/*.json; do seed fleet "$f"; done
for f in "$fix"/bundle/*.json "$fix"/proc/containerd-*/*/cmdline; do seed bundle "$f"; done
seed text "$fix/etc/passwd"
seed text "$src/lib/miner-signatures.txt"
for f in "$fix"/proc/edge-comm-parens/*/cmdline; do seed text "$f"; done
for f in "$fix"/miner-config/*.json; do seed miner_config "$f" 00; done
# gRPC: each captured reply to its decoder (01-09), and framed to the
# framing (00) followed by the byte that picks its decoder
for pair in containerd-1.6-container:1 containerd-1.6-container-cri:1 containerd-1.6-image:2 \
	containerd-1.6-pids-exec:3 containerd-1.6-pids-cri-exec:3 cri-1.6-container:4 \
	cri-1.6-pod:5 cri-1.6-version:6 containerd-1.6-containers-of-image:7 containerd-1.6-tasks:8 \
	containerd-1.6-mounts:9; do
	f=$fix/grpc/${pair%%:*}.bin
	seed grpc "$f" "0${pair#*:}"
	python3 -c 'import sys, struct; m = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(bytes([int(sys.argv[2]) - 1, 0]) + struct.pack(">I", len(m)) + m)' \
		"$f" "${pair#*:}" >"$out/grpc-framed-${pair%%:*}"
	seed grpc "$out/grpc-framed-${pair%%:*}" 00
done
for f in "$fix"/proc/*/*/cmdline; do seed miner_config "$f" 02; done
printf 'POOL_URL=pool:3333\0WALLET=44abc\0MINER_THREADS=2\0PATH=/bin' >"$out/env-seed"
seed miner_config "$out/env-seed" 01

mkdir -p "$out/artifacts" "$out/logs"
run_one() {
	local t=$1 dict=()
	[ -f "$src/tests/fuzz/$t.dict" ] && dict=(-dict="$src/tests/fuzz/$t.dict")
	if "$out/tests/fuzz/fuzz_$t" "$out/corpus/$t" "${dict[@]}" -max_total_time="$seconds" \
		-timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$out/artifacts/$t-" >"$out/logs/$t.log" 2>&1; then
		echo "ok"
	else
		echo "FAILED"
	fi
}
export -f run_one
export out src seconds

echo "fuzzing ${#targets[@]} targets for ${seconds} s each, $(nproc) at a time"
printf '%s\n' "${targets[@]}" | xargs -P "$(nproc)" -I{} bash -c 'echo "{} $(run_one {})"' \
	>"$out/logs/summary.txt"
failed=0
printf '%-10s %-7s %14s %10s %8s\n' target result executions exec/s corpus
for t in "${targets[@]}"; do
	result=$(awk -v t="$t" '$1 == t {print $2}' "$out/logs/summary.txt")
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/logs/$t.log" | grep -o '[0-9]*$' || echo 0)
	speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$out/logs/$t.log" | grep -o '[0-9]*$' || echo 0)
	files=$(find "$out/corpus/$t" -type f | wc -l)
	printf '%-10s %-7s %14s %10s %8s\n' "$t" "$result" "$runs" "$speed" "$files"
	if [ "$result" != ok ]; then
		failed=1
		tail -n 40 "$out/logs/$t.log" >&2
	fi
done
exit "$failed"
