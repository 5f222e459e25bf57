#!/usr/bin/python3
"""Offline check of the Kubernetes manifests in docs/fleet/ (no cluster).

Usage: k8s-manifest.py check FILE...    every document against a strict
                                        schema of the API fields used, then
                                        the scan pod's security rules
       k8s-manifest.py docker-args FILE the DaemonSet's scan container as
                                        `docker run` options, one per line

The schema is a strict subset of the Kubernetes API (apps/v1 DaemonSet,
batch/v1 Job, v1 Namespace): an unknown or misspelt field, a wrong type or
an unknown enumeration value is an error, as it would be for the API
server. The rules are what the scan pod must be: the host's PID namespace,
not privileged, a read-only root, only the capabilities SYS_PTRACE,
DAC_READ_SEARCH and SYS_ADMIN, every host path read-only, every taint
tolerated, the same settings in the DaemonSet and the Job.
"""
import sys

import jsonschema
import yaml

CAPS = ["SYS_PTRACE", "DAC_READ_SEARCH", "SYS_ADMIN"]
LINUX_CAPS = ["ALL", "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF",
              "CHECKPOINT_RESTORE", "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER",
              "FSETID", "IPC_LOCK", "IPC_OWNER", "KILL", "LEASE", "LINUX_IMMUTABLE",
              "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN", "NET_BIND_SERVICE",
              "NET_BROADCAST", "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP", "SETUID",
              "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT",
              "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG",
              "SYSLOG", "WAKE_ALARM"]
S = {"type": "string"}
I = {"type": "integer"}
B = {"type": "boolean"}
Q = {"type": ["string", "integer"]}  # a quantity


def obj(props, required=()):
    return {"type": "object", "properties": props, "required": list(required),
            "additionalProperties": False}


def arr(items):
    return {"type": "array", "items": items}


LABELS = {"type": "object", "additionalProperties": S}
META = obj({"name": S, "namespace": S, "labels": LABELS, "annotations": LABELS})
SECURITY = obj({
    "privileged": B, "allowPrivilegeEscalation": B, "readOnlyRootFilesystem": B,
    "runAsUser": I, "runAsGroup": I, "runAsNonRoot": B,
    "capabilities": obj({"add": arr({"enum": LINUX_CAPS}), "drop": arr({"enum": LINUX_CAPS})}),
    "seccompProfile": obj({"type": {"enum": ["RuntimeDefault", "Unconfined", "Localhost"]},
                           "localhostProfile": S}, ["type"])})
CONTAINER = obj({
    "name": S, "image": S, "imagePullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
    "command": arr(S), "args": arr(S), "securityContext": SECURITY,
    "env": arr(obj({"name": S, "value": S}, ["name"])),
    "resources": obj({"requests": obj({"cpu": Q, "memory": Q}),
                      "limits": obj({"cpu": Q, "memory": Q})}),
    "volumeMounts": arr(obj({"name": S, "mountPath": S, "readOnly": B,
                             "mountPropagation": {"enum": ["None", "HostToContainer"]}},
                            ["name", "mountPath"]))}, ["name", "image"])
POD = obj({
    "hostPID": B, "hostNetwork": B, "hostIPC": B, "nodeName": S,
    "dnsPolicy": {"enum": ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]},
    "restartPolicy": {"enum": ["Always", "OnFailure", "Never"]},
    "automountServiceAccountToken": B, "enableServiceLinks": B, "priorityClassName": S,
    "terminationGracePeriodSeconds": I,
    "tolerations": arr(obj({"key": S, "operator": {"enum": ["Exists", "Equal"]}, "value": S,
                            "effect": {"enum": ["NoSchedule", "PreferNoSchedule", "NoExecute"]},
                            "tolerationSeconds": I})),
    "initContainers": arr(CONTAINER), "containers": arr(CONTAINER),
    "volumes": arr(obj({"name": S, "hostPath": obj({"path": S, "type": {"enum": [
        "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket",
        "CharDevice", "BlockDevice"]}}, ["path"])}, ["name"]))}, ["containers"])
TEMPLATE = obj({"metadata": META, "spec": POD}, ["spec"])
SCHEMAS = {
    ("v1", "Namespace"): obj({"apiVersion": S, "kind": S, "metadata": META},
                             ["apiVersion", "kind", "metadata"]),
    ("apps/v1", "DaemonSet"): obj({"apiVersion": S, "kind": S, "metadata": META, "spec": obj({
        "selector": obj({"matchLabels": LABELS}, ["matchLabels"]), "template": TEMPLATE,
        "updateStrategy": {"type": "object"}}, ["selector", "template"])},
        ["apiVersion", "kind", "metadata", "spec"]),
    ("batch/v1", "Job"): obj({"apiVersion": S, "kind": S, "metadata": META, "spec": obj({
        "backoffLimit": I, "activeDeadlineSeconds": I, "ttlSecondsAfterFinished": I,
        "template": TEMPLATE}, ["template"])}, ["apiVersion", "kind", "metadata", "spec"]),
}


def scan_container(pod):
    """The container running minertrace scan (an init container or not)."""
    for c in pod.get("initContainers", []) + pod["containers"]:
        if c.get("args", [])[:1] == ["scan"]:
            return c
    raise ValueError("no container runs `scan`")


def rules(kind, doc, errors):
    """The scan pod's security rules; appends what is broken to errors."""
    spec = doc["spec"]["template"]["spec"]
    name = f"{kind} {doc['metadata']['name']}"

    def need(cond, what):
        if not cond:
            errors.append(f"{name}: {what}")

    need(spec.get("hostPID") is True, "hostPID must be true")
    need(spec.get("automountServiceAccountToken") is False, "no service account token")
    need({"operator": "Exists"} in spec.get("tolerations", []), "must tolerate every taint")
    if kind == "DaemonSet":
        need(doc["spec"]["selector"]["matchLabels"].items()
             <= doc["spec"]["template"]["metadata"]["labels"].items(),
             "the selector must match the pod's labels")
    c = scan_container(spec)
    sc = c.get("securityContext", {})
    need(sc.get("privileged") is not True, "the scan must not be privileged")
    need(sc.get("readOnlyRootFilesystem") is True, "the root file system must be read-only")
    need(sc.get("allowPrivilegeEscalation") is False, "no privilege escalation")
    caps = sc.get("capabilities", {})
    need(caps.get("drop") == ["ALL"], "capabilities: drop ALL")
    need(sorted(caps.get("add", [])) == sorted(CAPS), f"capabilities: add exactly {CAPS}")
    need({"--json", "--exit-zero"} <= set(c.get("args", [])), "scan --json --exit-zero")
    vols = {v["name"]: v for v in spec.get("volumes", [])}
    for m in c.get("volumeMounts", []):
        need(m.get("readOnly") is True, f"mount {m['mountPath']} must be read-only")
        need("hostPath" in vols.get(m["name"], {}), f"mount {m['mountPath']}: a host path")
        need(vols.get(m["name"], {}).get("hostPath", {}).get("type") not in
             ("DirectoryOrCreate", "FileOrCreate"), f"{m['name']}: nothing created on the node")
    for other in spec["containers"] + spec.get("initContainers", []):
        if other is not c:
            need(not other.get("securityContext", {}).get("privileged"), "no privileged container")
            need(not other.get("volumeMounts"), f"{other['name']} mounts nothing")


def load(files):
    docs = []
    for f in files:
        with open(f) as fp:
            docs += [(f, d) for d in yaml.safe_load_all(fp) if d is not None]
    return docs


def check(files):
    errors, pods = [], {}
    for f, d in load(files):
        key = (d.get("apiVersion"), d.get("kind"))
        if key not in SCHEMAS:
            errors.append(f"{f}: unknown kind {key}")
            continue
        for e in jsonschema.Draft7Validator(SCHEMAS[key]).iter_errors(d):
            errors.append(f"{f}: {'/'.join(map(str, e.absolute_path))}: {e.message[:200]}")
        if key[1] in ("DaemonSet", "Job") and not errors:
            rules(key[1], d, errors)
            c = scan_container(d["spec"]["template"]["spec"])
            pods[key[1]] = ({k: c.get(k) for k in ("args", "securityContext", "volumeMounts")},
                            d["spec"]["template"]["spec"].get("volumes"),
                            d["spec"]["template"]["spec"].get("hostPID"))
    if len(pods) == 2 and pods["DaemonSet"] != pods["Job"]:
        errors.append("the DaemonSet and the Job run the scan differently")
    for e in errors:
        print(e, file=sys.stderr)
    return 1 if errors else 0


def docker_args(files):
    ds = next(d for _, d in load(files) if d.get("kind") == "DaemonSet")
    spec = ds["spec"]["template"]["spec"]
    c = scan_container(spec)
    sc = c["securityContext"]
    vols = {v["name"]: v["hostPath"]["path"] for v in spec["volumes"]}
    out = ["--pid=host"] if spec.get("hostPID") else []
    out += ["--network=host"] if spec.get("hostNetwork") else []
    out += ["--read-only"] if sc.get("readOnlyRootFilesystem") else []
    out += ["--security-opt=no-new-privileges"] if sc.get("allowPrivilegeEscalation") is False else []
    out += [f"--user={sc.get('runAsUser', 0)}:{sc.get('runAsGroup', 0)}"]
    out += [f"--cap-drop={x}" for x in sc["capabilities"].get("drop", [])]
    out += [f"--cap-add={x}" for x in sc["capabilities"].get("add", [])]
    out += [f"--volume={vols[m['name']]}:{m['mountPath']}:{'ro' if m.get('readOnly') else 'rw'}"
            for m in c.get("volumeMounts", [])]
    print("\n".join(out))
    print("--")
    print("\n".join(c["args"]))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("check", "docker-args"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(check(sys.argv[2:]) if sys.argv[1] == "check" else docker_args(sys.argv[2:]))
