#!/usr/bin/env python3
"""Fails when the library's modules include each other in a cycle, or,
given the layer table of docs/architecture.md, include a module of a
higher layer or are missing from the table.

A module is a lib/NAME.c with its lib/NAME.h; it depends on module M when
either file includes "M.h". The public headers (include/minertrace/) and
the generated ones sit below every module and are left out. Prints every
cycle found (one per strongly connected component, as a path) and every
upward include, and exits 1; or prints a summary and exits 0.
Usage: tests/include-graph.py [LIBDIR [ARCHITECTURE_MD]]
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)\.h"', re.M)


def modules(libdir):
    names = set()
    for f in os.listdir(libdir):
        base, ext = os.path.splitext(f)
        if ext in (".c", ".h"):
            names.add(base)
    return names


def edges(libdir, names):
    deps = {n: set() for n in names}
    for n in names:
        for ext in (".c", ".h"):
            path = os.path.join(libdir, n + ext)
            if not os.path.exists(path):
                continue
            with open(path, encoding="utf-8") as fh:
                for dep in INCLUDE.findall(fh.read()):
                    if dep != n and dep in names:
                        deps[n].add(dep)
    return deps


def components(deps):
    """Tarjan's strongly connected components, iteratively."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(deps):
        if root in index:
            continue
        work = [(root, iter(sorted(deps[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        m = stack.pop()
                        on.discard(m)
                        comp.append(m)
                        if m == node:
                            break
                    out.append(sorted(comp))
            elif nxt not in index:
                index[nxt] = low[nxt] = counter
                counter += 1
                stack.append(nxt)
                on.add(nxt)
                work.append((nxt, iter(sorted(deps[nxt]))))
            elif nxt in on:
                low[node] = min(low[node], index[nxt])
    return out


def cycle_path(comp, deps):
    """One cycle through the component's first module, as a list."""
    members = set(comp)
    start = comp[0]
    prev = {start: None}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for dep in sorted(deps[node]):
            if dep == start:
                path = [node]
                while prev[path[-1]] is not None:
                    path.append(prev[path[-1]])
                return list(reversed(path)) + [start]
            if dep in members and dep not in prev:
                prev[dep] = node
                queue.append(dep)
    return comp


def depth(deps):
    memo = {}

    def d(n):
        if n not in memo:
            memo[n] = 1 + max((d(m) for m in deps[n]), default=0)
        return memo[n]

    return max((d(n) for n in deps), default=0)


LAYER_ROW = re.compile(r"^\|\s*(\d+)\s+([^|]+?)\s*\|([^|]*)\|")


def layers(doc):
    """{module: (number, name)} from the rows "| N name | `a`, `b` | ... |"."""
    out = {}
    with open(doc, encoding="utf-8") as fh:
        for line in fh:
            m = LAYER_ROW.match(line)
            if m:
                for mod in re.findall(r"`([a-z0-9_]+)`", m.group(3)):
                    out[mod] = (int(m.group(1)), m.group(2))
    return out


def layer_problems(deps, table):
    problems = []
    for mod in sorted(deps):
        if mod not in table:
            problems.append("%s: in no layer of the table" % mod)
            continue
        for dep in sorted(deps[mod]):
            if dep in table and table[dep][0] > table[mod][0]:
                problems.append("%s (%d %s) includes %s (%d %s), a higher layer" %
                                (mod, table[mod][0], table[mod][1], dep, table[dep][0], table[dep][1]))
    for mod in sorted(set(table) - set(deps)):
        problems.append("%s: in the table but not in lib/" % mod)
    return problems


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    libdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "lib")
    names = modules(libdir)
    deps = edges(libdir, names)
    status = 0
    for comp in (c for c in components(deps) if len(c) > 1):
        print("include cycle: " + " -> ".join(cycle_path(comp, deps)) +
              "  (modules in it: " + ", ".join(comp) + ")", file=sys.stderr)
        status = 1
    if status:
        return status
    summary = "include graph: %d modules, no cycle, %d levels deep" % (len(names), depth(deps))
    if len(sys.argv) > 2:
        table = layers(sys.argv[2])
        for problem in layer_problems(deps, table):
            print("layering: " + problem, file=sys.stderr)
            status = 1
        summary += ", %d layers respected" % len({v[0] for v in table.values()})
    if status == 0:
        print(summary)
    return status


if __name__ == "__main__":
    sys.exit(main())
