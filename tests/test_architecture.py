"""The house rules, checked on the source: layers, cycles, sizes and declared surfaces.

Imports are read from the syntax tree, function-level imports and those under
``TYPE_CHECKING`` included: a cycle hidden inside a function is still a cycle for a reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("corpus", "retrieval", "bot", "admin", "chinam")
# A package may import from packages of a lower layer and its own, never from a higher one
# or a sibling of the same layer (bot and admin never import each other).
LAYER = {"corpus": 0, "retrieval": 1, "bot": 2, "admin": 2, "chinam": 3}
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 100


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


MODULES = _modules()


def _imported(module: str, path: Path) -> Iterator[str]:
    """Every project module ``module`` imports, at any depth of its code."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                yield name


GRAPH = {m: sorted(set(_imported(m, p))) for m, p in MODULES.items()}


def test_no_upward_or_sideways_imports() -> None:
    wrong = [
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        for t in targets
        if (a := m.split(".")[0]) != (b := t.split(".")[0]) and LAYER[b] >= LAYER[a]
    ]
    assert wrong == []


def _cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(GRAPH) == []


def test_modules_and_functions_stay_small() -> None:
    long_modules = {
        m: n for m, p in MODULES.items()
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    long_functions = {}
    for m, p in MODULES.items():
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions[f"{m}:{node.name}"] = length
    assert long_modules == {} and long_functions == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    hidden = tmp_path / "late.py"
    hidden.write_text("def f():\n    from retrieval.searcher import Searcher\n", encoding="utf-8")
    assert set(_imported("corpus.late", hidden)) == {"retrieval.searcher"}
    assert _cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]
