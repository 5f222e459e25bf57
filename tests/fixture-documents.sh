#!/usr/bin/env bash
# Every document minertrace writes about the captured fixtures: a trace of
# every process of every tree under tests/fixtures/proc in JSON, text and
# Markdown (without an engine, and the Docker dropper also against the fake
# engine serving its captured replies), and a scan of every tree. The times
# of the run itself (when, how long) are replaced by a fixed word, so two
# builds can be compared byte for byte: a refactoring must leave them equal.
# Usage: tests/fixture-documents.sh MINERTRACE OUTDIR
set -euo pipefail
[ $# -eq 2 ] || {
	echo "usage: $0 MINERTRACE OUTDIR" >&2
	exit 2
}
bin=$(realpath "$1")
out=$2
src=$(cd "$(dirname "$0")/.." && pwd)
fix=$src/tests/fixtures
mkdir -p "$out"
tmp=$(mktemp -d)
fake=
trap '[ -n "$fake" ] && kill "$fake" 2>/dev/null; rm -rf "$tmp"' EXIT

# The run's own clock: collection times (today's date: the fixtures were
# captured earlier), durations, the temporary socket's path.
today=$(date -u +%Y-%m-%d)
normalize() {
	sed -E \
		-e "s|$tmp|TMP|g" \
		-e 's/"(collected_at|started_at|finished_at|time)":[[:space:]]*"[^"]*"/"\1": "TIME"/g' \
		-e 's/"(duration_ms|scan_ms|elapsed_ms)":[[:space:]]*[0-9.e+-]+/"\1": 0/g' \
		-e "s/$today[T ][0-9:.]+Z?/TIME/g" \
		-e 's/in [0-9.]+ ms/in N ms/g'
}

# doc NAME ARGS...: one run, its exit status kept in the document's name.
doc() {
	local name=$1 rc=0
	shift
	"$bin" --no-reexec "$@" >"$tmp/doc" 2>"$tmp/err" || rc=$?
	normalize <"$tmp/doc" >"$out/$name.rc$rc"
}

for tree in "$fix"/proc/*/; do
	tree=${tree%/}
	t=$(basename "$tree")
	for pid_dir in "$tree"/[0-9]*/; do
		pid=$(basename "$pid_dir")
		doc "$t-$pid.json" --json --no-engine --proc-root "$tree" "$pid"
		doc "$t-$pid.txt" --color=never --no-engine --proc-root "$tree" "$pid"
		doc "$t-$pid.md" --format=markdown --no-engine --proc-root "$tree" "$pid"
	done
	doc "$t-scan.json" scan --json --exit-zero --interval 0.1 --min-score 0 --no-engine --proc-root "$tree"
	doc "$t-scan.txt" scan --color=never --exit-zero --interval 0.1 --min-score 0 --no-engine --proc-root "$tree"
	doc "$t-scan.md" scan --format=markdown --exit-zero --interval 0.1 --min-score 0 --no-engine --proc-root "$tree"
done

# The dropper against its engine's captured replies.
sock=$tmp/e.sock
/usr/bin/python3 "$src/tests/e2e/fake-engine.py" "$sock" good "$tmp/requests.log" \
	"$fix/engine/docker-20.10-dropper" </dev/null >/dev/null 2>"$tmp/fake.err" &
fake=$!
for _ in $(seq 1 200); do
	[ -e "$sock.ready" ] && break
	sleep 0.05
done
[ -e "$sock.ready" ] || {
	cat "$tmp/fake.err" >&2
	exit 1
}
tree=$fix/proc/docker-v1-dropper
for fmt in json text markdown; do
	doc "engine-dropper-4599.$fmt" --format=$fmt --color=never -H "unix://$sock" --proc-root "$tree" 4599
	doc "engine-dropper-scan.$fmt" scan --format=$fmt --color=never --exit-zero --interval 0.1 \
		--min-score 0 -H "unix://$sock" --proc-root "$tree"
done
echo "$(find "$out" -type f | wc -l) documents in $out"
