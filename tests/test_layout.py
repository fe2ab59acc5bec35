"""The package's shape: no module imports one that imports it back.

Every module under monitor/ is parsed (never imported) and its module-level imports
collected: the ones Python runs when the module is first imported, including those in
class bodies, ``if``/``try`` blocks and package ``__init__`` files, but not those inside
functions (lazy imports, for start-up) or under ``if TYPE_CHECKING:``. A cycle among them
means one module runs against another's half-initialised namespace, and that the two can
only be understood (and changed) together.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "monitor"


def modules(root: Path = PACKAGE) -> dict[str, Path]:
    """``{"monitor.config.model": path, "monitor.config": path/__init__.py, ...}``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_package(name: str, known: dict[str, Path]) -> bool:
    return known[name].name == "__init__.py"


def _top_level_imports(body: list[ast.stmt]):
    """Import statements that run when the module is imported (not in functions, not TYPE_CHECKING)."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        elif isinstance(node, ast.If):
            test = node.test
            name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", "")
            if name != "TYPE_CHECKING":
                yield from _top_level_imports(node.body)
            yield from _top_level_imports(node.orelse)
        elif isinstance(node, ast.ClassDef):
            yield from _top_level_imports(node.body)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _top_level_imports(block)
        elif isinstance(node, (ast.With, ast.For, ast.While)):
            yield from _top_level_imports(node.body)
            yield from _top_level_imports(getattr(node, "orelse", []))


def imports_of(name: str, known: dict[str, Path]) -> set[str]:
    """The monitor modules that importing ``name`` runs first (its module-level imports).

    ``from .x.y import z`` runs ``x`` (its ``__init__``), ``x.y``, and ``x.y.z`` when that is a
    module. The importer's own parent packages are already running, so they count only when a
    name is read from one (``from . import Config``), not when it merely holds a sibling.
    """
    package = name if _is_package(name, known) else name.rpartition(".")[0]
    running = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    targets: set[str] = set()
    tree = ast.parse(known[name].read_text(encoding="utf-8"), str(known[name]))
    for node in _top_level_imports(tree.body):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                targets |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)} - running
            continue
        if node.level:
            base = package.split(".")
            base = base[: len(base) - (node.level - 1)]
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module or ""
        parts = module.split(".")
        targets |= {".".join(parts[:i]) for i in range(1, len(parts))} - running
        submodules = {f"{module}.{a.name}" for a in node.names} & set(known)
        if module not in running or len(submodules) < len(node.names):
            targets.add(module)
        targets |= submodules
    targets.discard(name)
    return targets & set(known)


def graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(root)
    return {name: imports_of(name, known) for name in known}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each as one cycle path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [_one_cycle(g, edges) for g in groups]


def _one_cycle(group: list[str], edges: dict[str, set[str]]) -> list[str]:
    """A readable path a -> b -> ... -> a inside a strongly connected group."""
    start, members = group[0], set(group)
    paths = {start: [start]}
    todo = [start]
    while todo:
        v = todo.pop(0)
        for w in sorted(edges[v] & members):
            if w == start:
                return paths[v] + [start]
            if w not in paths:
                paths[w] = paths[v] + [w]
                todo.append(w)
    return group


def test_no_module_imports_one_that_imports_it_back():
    found = cycles(graph())
    assert not found, "import cycles (module-level imports):\n" + "\n".join(" -> ".join(c) for c in found)


def test_the_cycle_finder_sees_relative_absolute_and_package_imports(tmp_path):
    """The checker itself: a cycle through a package __init__, an absolute one, and none for lazy imports."""
    pkg = tmp_path / "monitor"
    (pkg / "sub").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "a.py": "from .sub import thing\n",                          # a -> sub (its __init__)
        "sub/__init__.py": "from .inner import thing\n",            # sub -> sub.inner
        "sub/inner.py": "import monitor.a\nthing = 1\n",            # sub.inner -> a: a cycle of three
        "b.py": "def f():\n    from . import c\n",                  # lazy: no edge
        "c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import b\nfrom . import d\n",
        "d.py": "x = 1\n",
        "e.py": "from .sub.inner import thing\n",                    # e -> sub (its __init__ runs) and sub.inner
    }
    for rel, text in files.items():
        (pkg / rel).write_text(text)
    edges = graph(pkg)
    assert edges["monitor.a"] == {"monitor.sub"}
    assert edges["monitor.sub"] == {"monitor.sub.inner"}
    assert edges["monitor.sub.inner"] == {"monitor.a"}
    assert edges["monitor.b"] == set() and edges["monitor.c"] == {"monitor.d"}
    assert edges["monitor.e"] == {"monitor.sub", "monitor.sub.inner"}
    assert cycles(edges) == [["monitor.a", "monitor.sub", "monitor.sub.inner", "monitor.a"]]
    (pkg / "sub/inner.py").write_text("thing = 1\n")
    assert cycles(graph(pkg)) == []
    # A submodule reading a name from its own package's __init__, which imports it: a cycle.
    (pkg / "sub/inner.py").write_text("from . import other\nthing = 1\n")
    (pkg / "sub/__init__.py").write_text("from .inner import thing\nother = 2\n")
    assert cycles(graph(pkg)) == [["monitor.sub", "monitor.sub.inner", "monitor.sub"]]


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for w in edges[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen


def test_the_config_declarations_import_no_source_kind_and_sources_never_pull_in_the_loader():
    """config/model.py is what anything may import (sources/base.py does, for SourceConfig); only
    config/loader.py imports the source registry, and nothing a source kind imports runs it."""
    edges = graph()
    assert not {m for m in reachable(edges, "monitor.config.model") if m.startswith("monitor.sources")}
    assert "monitor.config.loader" not in reachable(edges, "monitor.sources.base")
    assert "monitor.config.loader" not in reachable(edges, "monitor.config")
    assert "monitor.sources" in edges["monitor.config.loader"]


LIMIT = 500  # issue 13: a file a reader can hold in their head


def test_no_file_in_the_package_is_over_500_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > LIMIT}
    assert not long, f"over {LIMIT} lines: {long}"


def test_the_line_limit_test_sees_every_module():
    assert len(list(PACKAGE.rglob("*.py"))) > 40 and (PACKAGE / "store" / "__init__.py").exists()
