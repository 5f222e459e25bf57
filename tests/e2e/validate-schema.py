#!/usr/bin/python3
"""Validates JSON documents against docs/minertrace.schema.json.

Usage: validate-schema.py SCHEMA [FILE...]   (stdin when no FILE)
The schema picks the trace, scan or fleet definition by each document's own
"schema" field. A file may hold one document, or an array of them when
--array is given (each element is validated); --scan also insists that the
document is a scan ("minertrace-scan/1"), --fleet that it is a fleet report
("minertrace-fleet/1").
"""
import json
import sys

import jsonschema

KINDS = {"scan": "minertrace-scan/1", "fleet": "minertrace-fleet/1"}


def main():
    args = sys.argv[1:]
    mode = "doc"
    if args and args[0] in ("--array", "--scan", "--fleet"):
        mode = args.pop(0)[2:]
    schema = json.load(open(args[0]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    files = args[1:] or ["-"]
    bad = 0
    for name in files:
        text = sys.stdin.read() if name == "-" else open(name).read()
        doc = json.loads(text)
        docs = doc if mode == "array" else [doc]
        kind = KINDS.get(mode)
        if kind and not (isinstance(doc, dict) and doc.get("schema") == kind):
            bad += 1
            print(f"{name}: not a {mode} document (\"schema\": \"{kind}\")", file=sys.stderr)
        for d in docs:
            for err in sorted(validator.iter_errors(d), key=lambda e: list(e.path))[:20]:
                bad += 1
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"{name}: {where}: {err.message[:300]}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
