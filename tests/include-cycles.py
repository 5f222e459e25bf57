#!/usr/bin/env python3
"""Fails when the library's modules include each other in a cycle.

A module is a lib/NAME.c with its lib/NAME.h; it depends on module M when
either file includes "M.h". The public headers (include/minertrace/) and
the generated ones sit below every module and are left out. Prints every
cycle found (one per strongly connected component, as a path) and exits 1,
or prints the layer count and exits 0. Usage: tests/include-cycles.py [LIBDIR]
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

    def d(n, seen=()):
        if n not in memo:
            memo[n] = 1 + max((d(m) for m in deps[n]), default=0)
        return memo[n]

    return max((d(n) for n in deps), default=0)


def main():
    libdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "lib")
    names = modules(libdir)
    deps = edges(libdir, names)
    cycles = [c for c in components(deps) if len(c) > 1]
    if cycles:
        for comp in cycles:
            print("include cycle: " + " -> ".join(cycle_path(comp, deps)) +
                  "  (modules in it: " + ", ".join(comp) + ")", file=sys.stderr)
        return 1
    print("include graph: %d modules, no cycle, %d levels deep" % (len(names), depth(deps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
