#!/usr/bin/python3
"""Validates JSON documents against docs/minertrace.schema.json.

Usage: validate-schema.py SCHEMA [FILE...]   (stdin when no FILE)
A file may hold one document, or an array of them when --array is given
(each element is validated; for `scan --json` use --scan, for
`report --json` --fleet).
"""
import json
import sys

import jsonschema


def main():
    args = sys.argv[1:]
    mode = "doc"
    if args and args[0] in ("--array", "--scan", "--fleet"):
        mode = args.pop(0)[2:]
    schema = json.load(open(args[0]))
    jsonschema.Draft202012Validator.check_schema(schema)
    if mode in ("scan", "fleet"):
        schema = dict(schema)
        schema["$ref"] = "#/$defs/" + mode
    validator = jsonschema.Draft202012Validator(schema)
    files = args[1:] or ["-"]
    bad = 0
    for name in files:
        text = sys.stdin.read() if name == "-" else open(name).read()
        doc = json.loads(text)
        docs = doc if mode == "array" else [doc]
        for d in docs:
            for err in sorted(validator.iter_errors(d), key=lambda e: list(e.path))[:20]:
                bad += 1
                where = "/".join(str(p) for p in err.absolute_path)
                print(f"{name}: {where}: {err.message[:300]}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
