#!/usr/bin/env bash
# The Kubernetes manifests of docs/fleet/ checked offline (no cluster:
# kubectl's dry run needs one for discovery): tests/e2e/k8s-manifest.py
# holds a strict schema of the API fields they use and the scan pod's rules.
# Then each rule is broken once in a copy, and the check must refuse it.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
/usr/bin/python3 -c 'import yaml, jsonschema' 2>/dev/null || skip "python3-yaml or python3-jsonschema missing"

k8s="/usr/bin/python3 $MT_SOURCE_DIR/tests/e2e/k8s-manifest.py"
ds="$MT_SOURCE_DIR/docs/fleet/minertrace-daemonset.yaml"
job="$MT_SOURCE_DIR/docs/fleet/minertrace-job.yaml"
if $k8s check "$ds" "$job" 2>"$MT_TMP/err"; then
	echo "ok: the DaemonSet and the Job pass"
else
	fail "the manifests do not pass: $(cat "$MT_TMP/err")"
fi
$k8s docker-args "$ds" >"$MT_TMP/args"
grep -qx -- '--pid=host' "$MT_TMP/args" || fail "docker-args: no --pid=host"
expect_eq "docker-args: only the three capabilities" \
	"$(grep -- '--cap-' "$MT_TMP/args" | tr '\n' ' ')" \
	"--cap-drop=ALL --cap-add=SYS_PTRACE --cap-add=DAC_READ_SEARCH --cap-add=SYS_ADMIN "
expect_eq "docker-args: every host path read-only" "$(grep -c -- '--volume=.*:rw$' "$MT_TMP/args" || true)" 0

# mutate NAME PYTHON-EXPRESSION: a copy of the DaemonSet changed by the
# expression (on `pod`, its pod spec; `scan`, the scan container; `ds`) must
# be refused with a message matching the third argument.
mutate() {
	local name=$1 expr=$2 want=$3
	/usr/bin/python3 - "$ds" "$MT_TMP/$name.yaml" "$expr" <<'PY'
import sys, yaml
docs = list(yaml.safe_load_all(open(sys.argv[1])))
ds = next(d for d in docs if d["kind"] == "DaemonSet")
pod = ds["spec"]["template"]["spec"]
scan = pod["initContainers"][0]
exec(sys.argv[3])
yaml.safe_dump_all(docs, open(sys.argv[2], "w"))
PY
	if $k8s check "$MT_TMP/$name.yaml" 2>"$MT_TMP/$name.err"; then
		fail "$name: accepted"
	elif grep -q -- "$want" "$MT_TMP/$name.err"; then
		echo "ok: $name refused"
	else
		fail "$name: refused for another reason: $(cat "$MT_TMP/$name.err")"
	fi
}
mutate privileged 'scan["securityContext"]["privileged"] = True' "must not be privileged"
mutate writable-mount 'del scan["volumeMounts"][0]["readOnly"]' "must be read-only"
mutate extra-capability 'scan["securityContext"]["capabilities"]["add"].append("NET_ADMIN")' "add exactly"
mutate no-hostpid 'pod["hostPID"] = False' "hostPID must be true"
mutate misspelt-field 'pod["hostPid"] = pod.pop("hostPID")' "hostPid"
mutate unknown-capability 'scan["securityContext"]["capabilities"]["add"].append("SYS_PTRACED")' "SYS_PTRACED"
mutate created-on-node 'pod["volumes"][0]["hostPath"]["type"] = "DirectoryOrCreate"' "nothing created on the node"
mutate some-taints 'pod["tolerations"] = [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}]' \
	"every taint"
mutate writable-root 'scan["securityContext"]["readOnlyRootFilesystem"] = False' "read-only"
sed 's/--exit-zero, --interval, "1"/--exit-zero, --interval, "5"/' "$job" >"$MT_TMP/job.yaml"
if $k8s check "$ds" "$MT_TMP/job.yaml" 2>"$MT_TMP/job.err"; then
	fail "a Job that scans differently from the DaemonSet is accepted"
else
	grep -q "run the scan differently" "$MT_TMP/job.err" && echo "ok: the Job must scan like the DaemonSet" ||
		fail "job: $(cat "$MT_TMP/job.err")"
fi
finish
