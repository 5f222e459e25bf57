#!/usr/bin/env python3
"""Writes docs/minertrace.schema.json, the JSON Schema of `minertrace --json`
(schema "minertrace/1", $defs/trace), of `minertrace scan --json` (schema
"minertrace-scan/1", $defs/scan), of `minertrace report --json` (schema
"minertrace-fleet/1", $defs/fleet) and of the record a fleet run writes for a
host it could not scan (schema "minertrace-host-failure/1",
$defs/host_failure). The root picks the definition by the document's own
"schema" field, so the one file validates any of them.

The schema is strict (additionalProperties: false) so that any change to the
output shows up in the tests; a field that may hold bytes that are not UTF-8
may have a sibling "<name>_base64" with the exact bytes. Edit this file, run
it, commit both (`make-schema.py --check` fails when the file is stale).
Field meanings: docs/json.md.
"""
import json
import os
import sys

S = {"type": "string"}
NS = {"type": ["string", "null"]}
INT = {"type": "integer"}
NINT = {"type": ["integer", "null"]}
NUM = {"type": "number"}
NNUM = {"type": ["number", "null"]}
BOOL = {"type": "boolean"}
B64 = {"^.+_base64$": {"oneOf": [{"type": "string"},
                                 {"type": "array", "items": {"type": "string"}}]}}
RUNTIME = ["unknown", "docker", "containerd", "cri-o", "podman", "lxc", "systemd-nspawn"]
QOS = ["none", "guaranteed", "burstable", "besteffort"]
ERRS = ["ok", "nomem", "invalid-argument", "no-process", "vanished", "permission", "io",
        "parse", "too-large", "engine-unreachable", "engine-timeout", "engine-http",
        "engine-reply", "unsupported", "exists", "limit", "not-found",
        "not-regular"]


def obj(props, b64=True):
    o = {"type": "object", "properties": props, "required": sorted(props),
         "additionalProperties": False}
    if b64:
        o["patternProperties"] = B64
    return o


def arr(items):
    return {"type": "array", "items": items}


def nullable(o):
    return {"oneOf": [{"type": "null"}, o]}


def enum(*v):
    return {"type": "string", "enum": list(v)}


def nenum(*v):
    return {"type": ["string", "null"], "enum": list(v) + [None]}


IDS = obj({"real": INT, "effective": INT, "saved": INT, "fs": INT}, b64=False)
REF = obj({"id": S, "runtime": enum(*RUNTIME)})
CGROUP = obj({
    "scope": enum("unknown", "host", "container", "runtime", "namespace-root",
                  "outside-namespace"),
    "path": NS, "hierarchy": INT, "container_id": NS, "runtime": nenum(*RUNTIME),
    "outer": arr(REF), "pod_uid": NS, "qos": nenum(*QOS),
    "lines": arr(obj({"hierarchy": INT, "controllers": S, "path": S}))})
EXE = obj({"path": NS, "deleted": BOOL, "memfd": BOOL, "memfd_name": NS, "runtime_memfd": BOOL,
           "host_path": NS, "size": NINT, "inode": NINT, "device": NS, "links": NINT,
           "mode": NS, "sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"}})
PROCESS = obj({
    "pid": INT, "ppid": INT, "nspid": arr(INT),
    "role": enum("host", "target", "container-process", "container-init", "runtime-shim"),
    "comm": NS, "argv": arr(S), "argv_truncated": BOOL, "kernel_thread": BOOL,
    "uid": nullable(IDS), "gid": nullable(IDS), "user": NS, "state": NS, "start_time": NS, "start_ticks": INT,
    "cpu_seconds": NUM, "rss_kb": INT, "threads": INT, "cwd": NS,
    "namespaces": obj({k: NINT for k in ("pid", "mnt", "cgroup", "net", "user")}, b64=False),
    "container_id": NS, "cgroup": CGROUP, "exe": nullable(EXE), "vanished": BOOL})
IMAGE = obj({"reference": NS, "id": NS, "repo_tags": nullable(arr(S)),
             "repo_digests": nullable(arr(S)), "created": NS, "registry": NS,
             "source": enum("unknown", "local", "docker-hub", "registry")})
CHANGE_KIND = ["modified", "added", "deleted"]
ENGINE_CONTAINER = obj({
    "name": NS, "image": IMAGE, "created": NS, "started_at": NS, "status": NS, "init_pid": INT,
    "path": NS, "args": arr(S), "entrypoint": arr(S), "cmd": arr(S), "user": NS,
    "working_dir": NS, "labels": arr(obj({"key": NS, "value": NS})), "privileged": BOOL,
    "pid_mode": NS, "network_mode": NS, "cgroup_parent": NS, "cap_add": arr(S),
    "mounts": arr(obj({"type": NS, "source": NS, "destination": NS, "rw": BOOL, "risk": NS})),
    "restart_policy": obj({"name": NS, "maximum_retry_count": INT}), "restart_count": INT,
    "graph_driver": NS, "upper_dir": NS,
    "exec_sessions": arr(obj({"id": NS, "pid": INT, "running": BOOL, "exit_code": NINT,
                              "user": NS, "entrypoint": NS, "args": arr(S), "privileged": BOOL,
                              "tty": BOOL, "started_pid": NINT})),
    "events": nullable(arr(obj({"time": NS, "type": NS, "action": NS, "detail": NS,
                                "exec_id": NS}))),
    "changes": nullable(obj({
        "added": INT, "modified": INT, "deleted": INT, "target_exe": nenum(*CHANGE_KIND),
        "files": arr(obj({"path": NS, "kind": enum(*CHANGE_KIND),
                          "executable": {"type": ["boolean", "null"]}, "target_exe": BOOL}))}))})
CONTAINER = obj({
    "id": S, "short_id": S, "runtime": enum(*RUNTIME), "cgroup_path": NS,
    "via_pid_namespace": BOOL, "nested_in": arr(REF),
    "kubernetes": nullable(obj({"pod_uid": NS, "qos": nenum(*QOS), "pod_name": NS,
                                "namespace": NS, "container_name": NS})),
    "processes": nullable(arr(obj({"pid": INT, "ppid": INT, "comm": NS, "state": NS,
                                   "cpu_seconds": NUM, "exe": NS, "exe_deleted": BOOL,
                                   "in_chain": BOOL}))),
    "processes_truncated": BOOL,
    "accounting": nullable(obj({"cgroup_version": INT, "cpu_seconds": NNUM,
                                "memory_bytes": NINT, "memory_limit_bytes": NINT,
                                "pids": NINT}, b64=False)),
    "engine": nullable(ENGINE_CONTAINER),
    "runtime_task": nullable(obj({
        "namespace": NS, "address": NS, "shim_pid": INT, "shim_id": NS, "cri": BOOL,
        "bundle": nullable(obj({
            "path": NS, "container_type": NS, "container_name": NS, "image": NS,
            "sandbox_id": NS, "pod_name": NS, "pod_namespace": NS, "pod_uid": NS,
            "args": arr(S), "args_truncated": BOOL, "root": NS}))}))})
EVIDENCE = obj({
    "collected_at": S, "hostname": NS, "kernel": NS, "boot_id": NS, "minertrace_version": S,
    "minertrace_build": S, "uid": INT, "euid": INT, "proc_root": S, "live": BOOL,
    "preload": obj({"checked": BOOL, "detected": BOOL, "reexecuted": BOOL,
                    "statically_linked": BOOL, "preload_file": NS, "ld_preload": NS,
                    "unexpected_libraries": arr(S),
                    "libraries": arr(obj({"path": S, "size": NINT, "sha256": NS, "error": NS})),
                    "note": NS}),
    "unreadable": arr(obj({"pid": NINT, "what": S, "why": S}))})
ORIGIN = obj({
    "kind": enum("unknown", "writable-layer", "image-layer", "mount", "memfd", "host"),
    "analysed": BOOL, "root_fstype": NS, "upperdir": NS, "upper_path": NS,
    "in_writable_layer": BOOL, "inode_match": BOOL, "unlinked": BOOL, "whiteout_hidden": BOOL,
    "image_layer": NINT, "image_layer_path": NS,
    "mount": nullable(obj({"point": NS, "fstype": NS, "source": NS})), "detail": NS})
NS_NAMES = enum("pid", "mnt", "net", "cgroup", "user")
ENTRY = obj({"kind": enum("unknown", "host-process", "container-init", "init-tree",
                          "runtime-exec", "setns", "docker-exec", "private-pid-namespace",
                          "cgroup-only", "kernel-thread"),
             "init_pid": NINT, "outside_pid": NINT, "exec_id": NS,
             "namespaces": nullable(obj({"init_pid": INT, "shared": arr(NS_NAMES),
                                         "different": arr(NS_NAMES)}, b64=False)),
             "detail": NS})
VERDICT = obj({"classification": enum("unknown", "host-process", "unwanted-image",
                                      "introduced-process", "image-content",
                                      "moved-into-container-cgroup"),
               "summary": NS, "signals": arr(obj({"id": S, "detail": S}))})
TIME_SOURCES = ["image-created", "container-created", "container-started", "engine-event", "exec",
                "process-start", "exe-modified", "exe-changed", "drift-modified",
                "persistence-modified"]
POSTMORTEM = obj({
    "what_happened": NS,
    "timeline": obj({"events": arr(obj({"time": S, "source": enum(*TIME_SOURCES),
                                        "clock": enum("engine", "kernel", "file"),
                                        "untrusted": BOOL, "pid": NINT, "what": S})),
                     "truncated": BOOL, "boot_time": NS}),
    "entry_story": obj({
        "kind": enum("unknown", "application-spawned-shell", "exec", "setns", "unwanted-image",
                     "init-tree", "host-process"),
        "application_pid": NINT, "application": NS, "spawned_pid": NINT, "spawned": NS,
        "image": NS, "image_version": NS, "image_version_from": NS,
        "exec": nullable(obj({"id": S, "user": NS, "command": NS, "time": NS})), "text": NS}),
    "network": obj({
        "checked": BOOL, "netns": NINT, "sockets": INT, "truncated": BOOL,
        "connections": arr(obj({"state": S, "local": S, "local_port": INT, "remote": S,
                                "remote_port": INT, "listening": BOOL, "pool_port": BOOL}))}),
    "spread": obj({
        "checked": BOOL, "processes_seen": INT, "other_containers": INT, "truncated": BOOL,
        "processes": arr(obj({"pid": INT, "comm": NS, "exe": S, "container_id": NS,
                              "match": enum("same-file", "sha256", "name-and-size")})),
        "same_image": obj({
            "checked": BOOL, "image_id": NS, "running_miner": INT, "file_in_layer": INT,
            "layers_searched": INT, "truncated": BOOL,
            "containers": arr(obj({"id": S, "name": NS, "state": NS, "created": NS,
                                   "runs_miner": BOOL,
                                   "file_in_layer": {"type": ["boolean", "null"]}}))})}),
    "persistence": obj({
        "checked_container": BOOL, "checked_host": BOOL, "truncated": BOOL,
        "items": arr(obj({"kind": enum("cron", "ld-so-preload", "ssh-authorized-keys", "rc-local",
                                       "init-script", "systemd-unit", "profile", "shell-rc"),
                          "where": enum("container", "host"), "path": S, "modified": S,
                          "size": INT, "content": NS, "content_truncated": BOOL,
                          "why": S}))}),
    "miner_config": obj({
        "checked": BOOL, "environ_read": BOOL, "config_file": NS, "config_error": NS,
        "truncated": BOOL,
        "settings": arr(obj({"setting": enum("pool", "user", "pass", "rig-id", "algo", "coin",
                                             "donate-level", "threads"),
                             "value": S, "source": S, "name": S}))}),
    "registry": nullable(obj({"trusted": BOOL, "image": S, "registry": S, "matched": NS,
                              "text": S}))})
ENGINE = obj({"enabled": BOOL, "endpoint": NS, "api": NS, "reachable": BOOL, "api_version": NS,
              "engine_version": NS, "requests": INT})
ENGINE["required"].remove("api")  # documents of older versions lack it
WARNING = obj({"code": enum(*ERRS), "pid": NINT, "subject": S, "message": S})
# The minor version of the trace and scan documents: raised when fields are
# added (existing fields never change within a major version).
SCHEMA_MINOR = {"type": "integer", "minimum": 1}
TRACE = obj({
    "schema": {"const": "minertrace/1"}, "schema_minor": SCHEMA_MINOR, "evidence": EVIDENCE,
    "target": obj({"pid": INT, "thread": NINT,
                   "status": enum("traced", "not-found", "vanished", "unreadable")}),
    "chain_end": enum("root", "parent-vanished", "pid-recycled", "loop", "depth-limit",
                      "unreadable"),
    "chain": arr(PROCESS), "containers": arr(CONTAINER), "origin": ORIGIN, "entry": ENTRY,
    "verdict": VERDICT, "postmortem": POSTMORTEM, "engine": ENGINE, "warnings": arr(WARNING)})

TRACE["required"].remove("schema_minor")  # documents of minor 0 lack it
SCAN = obj({
    "schema": {"const": "minertrace-scan/1"}, "schema_minor": SCHEMA_MINOR, "evidence": EVIDENCE,
    "interval_seconds": NUM,
    "min_score": INT, "cpus": INT, "processes": INT, "candidates": INT, "traced": INT,
    "containers": INT, "engine_requests": INT, "scan_ms": NUM,
    "host": obj({"ld_so_preload": NS, "hidden_pids": arr(INT)}),
    "findings": arr(obj({
        "rank": INT, "pid": INT, "ppid": INT, "comm": NS, "score": INT,
        "cpu": obj({"core_percent": NUM, "host_percent": NUM}, b64=False), "hidden": BOOL,
        "signals": arr(obj({"id": S, "detail": S, "points": INT})),
        "trace": nullable({"$ref": "#/$defs/trace"})})),
    "warnings": arr(WARNING)})

SHA256 = {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"}
FIRST_SEEN = {"hosts": INT, "findings": INT, "top_score": NINT, "first_seen": NS,
              "first_seen_host": NS, "first_seen_source": S}
SCAN["required"].remove("schema_minor")
FLEET = obj({
    "schema": {"const": "minertrace-fleet/1"}, "generated_at": S, "minertrace_version": S,
    "summary": obj({k: INT for k in ("documents", "hosts", "suspicious", "clean", "failed",
                                     "findings", "images", "binaries")}, b64=False),
    "hosts": arr(obj({
        "name": NS, "source": S, "kind": enum("scan", "trace", "failure", "invalid"),
        "state": enum("clean", "suspicious", "failed"), "collected_at": NS, "boot_id": NS,
        "findings": INT, "top_score": NINT, "failure": NS})),
    "findings": arr(obj({
        "rank": INT, "host": NS, "source": S, "score": NINT, "pid": INT, "comm": NS,
        "exe_path": NS, "exe_deleted": BOOL, "sha256": SHA256, "container": NS,
        "image": obj({"reference": NS,
                      "id": {"type": ["string", "null"], "pattern": "^sha256:[0-9a-f]{64}$"},
                      "digest": NS}),
        "classification": NS, "started_at": NS, "signals": arr(S)})),
    "images": arr(obj(dict(FIRST_SEEN, reference=NS, references=INT, digest=NS,
                           id={"type": ["string", "null"],
                               "pattern": "^sha256:[0-9a-f]{64}$"}))),
    "binaries": arr(obj(dict(FIRST_SEEN, sha256={"type": "string", "pattern": "^[0-9a-f]{64}$"},
                             path=NS, paths=INT, deleted=BOOL, images=INT))),
    "warnings": arr(obj({"code": enum(*ERRS), "subject": S, "message": S}))})
HOST_FAILURE = {"type": "object", "required": ["schema", "host", "message"],
                "properties": {"schema": {"const": "minertrace-host-failure/1"}, "host": S,
                               "message": S}}

def choose_by_schema_field(kinds, default):
    """if/then/else on the root "schema" field: each (value, definition) in
    turn, the default definition for anything else."""
    if not kinds:
        return {"$ref": "#/$defs/" + default}
    (value, name), rest = kinds[0], kinds[1:]
    rule = {"if": {"type": "object", "properties": {"schema": {"const": value}},
                   "required": ["schema"]},
            "then": {"$ref": "#/$defs/" + name}}
    rule["else"] = choose_by_schema_field(rest, default)
    return rule


SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://minertrace.invalid/minertrace.schema.json",
    "title": "minertrace documents (minertrace/1, minertrace-scan/1, minertrace-fleet/1, "
             "minertrace-host-failure/1)",
    "description": "A trace document (`minertrace --json PID`, \"schema\": \"minertrace/1\"), "
                   "a scan document (`minertrace scan --json`, \"minertrace-scan/1\"), a fleet "
                   "report (`minertrace report --json`, \"minertrace-fleet/1\") or a fleet run's "
                   "record of a host it could not scan (\"minertrace-host-failure/1\"), chosen "
                   "by the root \"schema\" field; anything else is checked as a trace and fails. "
                   "Every string that is not valid UTF-8 is shown with \\xNN escapes and has a "
                   "sibling <name>_base64 holding its exact bytes. Field meanings: docs/json.md.",
    "$defs": {"trace": TRACE, "scan": SCAN, "fleet": FLEET, "host_failure": HOST_FAILURE},
    **choose_by_schema_field([("minertrace-scan/1", "scan"), ("minertrace-fleet/1", "fleet"),
                              ("minertrace-host-failure/1", "host_failure")], "trace"),
}

if __name__ == "__main__":
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "minertrace.schema.json")
    text = json.dumps(SCHEMA, indent=1) + "\n"
    if sys.argv[1:] == ["--check"]:
        with open(out) as f:
            if f.read() != text:
                sys.exit(f"{out} is stale: run {sys.argv[0]} and commit the result")
        sys.exit(0)
    with open(out, "w") as f:
        f.write(text)
