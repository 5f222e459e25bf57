#!/usr/bin/env bash
# Benchmark: `minertrace report` merging the scan documents of 1,000 hosts.
# Each host's document is a scan with two findings whose traces are a real
# container trace (the captured docker-v1-dropper tree, traced with
# --proc-root) given an engine section, its host's name and boot ID, and one
# of a few images and binaries, so the groups are those of a real spread:
# one image on a third of the hosts, one dropped binary in several images.
# Prints the documents' size, the median wall time of five runs of
# `minertrace report --json DIR` (and of the text report), the CPU time and
# the peak RSS of one run.
# Target: 1,000 host documents merged in under 1 s.
# Usage: tests/bench/report.sh [HOSTS]   (default 1000; no root needed)
set -euo pipefail
hosts=${1:-1000}
cd "$(dirname "$0")/../.."
for tool in python3 jq; do
	command -v "$tool" >/dev/null || { echo "report.sh: $tool is missing (tests/install-deps.sh)" >&2; exit 1; }
done
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
bin=$PWD/build/cmd/minertrace
work=$(mktemp -d /tmp/mt-bench-report.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$bin" --json --no-engine -p tests/fixtures/proc/docker-v1-dropper 4599 >"$work/trace.json" || true
jq -e '.schema == "minertrace/1" and (.containers | length) > 0' "$work/trace.json" >/dev/null

python3 - "$work/trace.json" "$work/fleet" "$hosts" <<'PY'
import copy, json, os, sys
template = json.load(open(sys.argv[1]))
out, n = sys.argv[2], int(sys.argv[3])
os.makedirs(out)
images = [("xmrig/xmrig:latest", "1" * 64), ("metabase/metabase:v0.46.6", "2" * 64),
          ("acme/web:1.4", "3" * 64), ("redis:7", "4" * 64)]
def engine(ref, iid):
    return {"name": "app", "image": {"reference": ref, "id": "sha256:" + iid, "repo_tags": [ref],
            "repo_digests": [ref.split(":")[0] + "@sha256:" + iid], "created": None,
            "registry": None, "source": "registry"},
            "events": [{"time": "2026-11-23T09:53:%02d.000Z" % i, "type": "container",
                        "action": "exec_start: /bin/sh -c id", "detail": "x" * 40, "exec_id": None}
                       for i in range(20)]}
for h in range(n):
    name = "node-%04d" % h
    findings = []
    for k in range(2):
        t = copy.deepcopy(template)
        t["evidence"]["hostname"] = name
        t["evidence"]["boot_id"] = "boot-%04d" % h
        t["evidence"]["collected_at"] = "2026-11-23T10:00:00.000Z"
        ref, iid = images[0] if h % 3 == 0 and k == 0 else images[1 + (h + k) % 3]
        t["containers"][0]["engine"] = engine(ref, iid)
        exe = t["chain"][0]["exe"]
        exe["sha256"] = ("a" * 64) if k else "%064x" % (h % 50)
        t["chain"][0]["start_time"] = "2026-11-23T09:%02d:00.000Z" % (h % 60)
        findings.append({"rank": k + 1, "pid": t["target"]["pid"], "ppid": 1, "comm": "kdevtmpfsi",
                         "score": 100 - k * 10, "cpu": {"core_percent": 90.0, "host_percent": 45.0},
                         "hidden": False,
                         "signals": [{"id": "cpu", "detail": "90% of a core", "points": 30}],
                         "trace": t})
    doc = {"schema": "minertrace-scan/1", "evidence": findings[0]["trace"]["evidence"],
           "interval_seconds": 1, "min_score": 40, "cpus": 2, "processes": 300, "candidates": 4,
           "traced": 2, "containers": 2, "engine_requests": 8, "scan_ms": 40,
           "host": {"ld_so_preload": None, "hidden_pids": []}, "findings": findings, "warnings": []}
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(doc, f, indent=1)
PY

bytes=$(du -sb "$work/fleet" | cut -f1)
"$bin" report --json "$work/fleet" >"$work/report.json" && rc=0 || rc=$?
[ "$rc" = 5 ] || { echo "report.sh: minertrace report exited $rc" >&2; exit 1; }
jq -e --argjson n "$hosts" '.summary.hosts == $n and .summary.suspicious == $n' "$work/report.json" >/dev/null
median_ms() { # median wall time in ms of five runs of "$@"
	local i t0 t1 times=()
	for i in 1 2 3 4 5; do
		t0=$(date +%s%N)
		"$@" >/dev/null || [ $? = 5 ]
		t1=$(date +%s%N)
		times+=($(((t1 - t0) / 1000000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}
json_ms=$(median_ms "$bin" report --json "$work/fleet")
text_ms=$(median_ms "$bin" report "$work/fleet")
# CPU time and peak RSS of one more run: on a shared machine the wall time
# also counts waiting for a CPU.
read -r rss_kb cpu_s < <( { /usr/bin/time -f '%M %U %S' "$bin" report --json "$work/fleet" >/dev/null || true; } 2>&1 |
	tail -1 | awk '{ print $1, $2 + $3 }')
printf 'hosts %s  documents %s MB  report --json %s ms (CPU %s s)  text %s ms  peak RSS %s MB  (target < 1000 ms)\n' \
	"$hosts" "$(echo "scale=1; $bytes / 1000000" | bc)" "$json_ms" "$cpu_s" "$text_ms" "$(echo "scale=1; $rss_kb / 1000" | bc)"
