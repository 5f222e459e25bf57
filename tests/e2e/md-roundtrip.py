#!/usr/bin/python3
"""Reads the command lines back from a Markdown report and compares them,
byte for byte, with the JSON report of the same trace.

Usage: md-roundtrip.py REPORT.md REPORT.json

The chain table's rows are split into cells the way GitHub-flavoured
Markdown does (a backslash takes the next character with it; any other `|`
ends a cell). The "Command line" cell must be one code span; its text is
read back by undoing the escaping documented in minertrace(1) and
docs/json.md: `\\|` is `|` (GFM), `\\\\` a backslash, `\\n` `\\r` `\\t`
`\\e` `\\a` those control bytes, `\\xNN` a byte, `\\u{N}` a code point. It
must equal the first 64 arguments of the JSON's argv joined by spaces
(argv_base64 when present), cut at 200 bytes with "..." appended.
Exits 1 and says which row differs.
"""
import base64
import json
import re
import sys

SIMPLE = {"\\": b"\\", "|": b"|", "n": b"\n", "r": b"\r", "t": b"\t", "e": b"\x1b", "a": b"\x07"}


def split_row(line):
    """GFM: the cells of a table row, with escapes left in place."""
    if not line.startswith("|"):
        raise ValueError("a row must start with |")
    cells, cur, i = [], "", 1
    while i < len(line):
        c = line[i]
        if c == "\\" and i + 1 < len(line):
            cur += line[i:i + 2]
            i += 2
            continue
        if c == "|":
            cells.append(cur.strip())
            cur = ""
        else:
            cur += c
        i += 1
    if cur.strip():
        raise ValueError("text after the last |")
    return cells


def code_span(cell):
    """The literal text of a cell that is exactly one code span."""
    m = re.fullmatch(r"(`+)(.*?)(`+)", cell, re.S)
    if not m or len(m.group(1)) != len(m.group(3)):
        raise ValueError(f"not one code span: {cell!r}")
    fence, text = m.group(1), m.group(2)
    if re.search(r"(?<!`)" + fence + r"(?!`)", text):
        raise ValueError(f"the fence {fence!r} occurs inside: {cell!r}")
    if len(text) >= 2 and text[0] == " " and text[-1] == " " and text.strip(" "):
        text = text[1:-1]
    return text


def unescape(text):
    out, i = bytearray(), 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        nxt = text[i + 1:i + 2]
        if nxt in SIMPLE:
            out += SIMPLE[nxt]
            i += 2
        elif nxt == "x" and re.fullmatch(r"[0-9a-f]{2}", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        elif nxt == "u" and (m := re.match(r"\{([0-9a-f]{4,6})\}", text[i + 2:])):
            out += chr(int(m.group(1), 16)).encode()
            i += 2 + len(m.group(0))
        else:
            raise ValueError(f"unknown escape at {i}: {text[i:i + 8]!r}")
    return bytes(out)


def expected(proc):
    if "argv_base64" in proc:
        args = [base64.b64decode(a) for a in proc["argv_base64"]]
    else:
        args = [a.encode() for a in proc["argv"]]
    line = b" ".join(args[:64])
    return line[:200] + b"..." if len(line) > 200 else line


def main():
    md = open(sys.argv[1], encoding="utf-8").read().split("\n")
    doc = json.load(open(sys.argv[2]))
    start = next(i for i, l in enumerate(md) if l.startswith("| PID | PID in container |"))
    header = split_row(md[start])
    col = header.index("Command line")
    rows = []
    for line in md[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(split_row(line))
    bad = 0
    if len(rows) != len(doc["chain"]):
        print(f"{len(rows)} rows in the table, {len(doc['chain'])} processes in the JSON")
        bad += 1
    for n, (cells, proc) in enumerate(zip(rows, doc["chain"])):
        if len(cells) != len(header):
            print(f"row {n}: {len(cells)} cells, the header has {len(header)}")
            bad += 1
            continue
        want = expected(proc)
        got = unescape(code_span(cells[col])) if proc.get("argv") else b""
        if not proc.get("argv") and cells[col]:
            print(f"row {n}: a command line where the JSON has none: {cells[col]!r}")
            bad += 1
        elif got != want:
            print(f"row {n} (PID {proc['pid']}): the Markdown reads back as {got!r}, "
                  f"the JSON has {want!r}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
