"""The package's folders are its layers, and imports run one way (issue #14).

Every module's imports are read with ``ast`` (function-level imports included):
an import against the layers' direction, an import circle, a module over 400
lines or a subpackage without its docstring fails here, naming the module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pkilesson"

#: The layers, from the bottom: each may import the ones listed before it, never one after.
LAYERS = ("errors", "pki", "decoding", "tls", "verify", "draw", "lessons", "top")
#: Top-level modules that sit below every folder: errors, the version string and the message catalogue.
LEAVES = {"pkilesson.errors", "pkilesson._version", "pkilesson._catalog"}


def layer(module: str) -> str:
    if module in LEAVES:
        return "errors"
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in LAYERS else "top"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, source: str = None, name: str = None) -> set[str]:
    """The pkilesson modules a module imports (relative or absolute, anywhere in the file).

    ``source`` and ``name`` read a module that is not on disk (the checker's own test).
    """
    name = name or module_name(path)
    here = name.split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    known = set(modules())
    for node in ast.walk(ast.parse(source if source is not None else path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("pkilesson"):
                continue
            for alias in node.names:  # "from .pki import keys" imports the module pki.keys
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("pkilesson")}
    found.discard(name)
    return found


def upward(module: str, deps) -> list[str]:
    """The imports of ``module`` that sit in a layer above its own."""
    rank = LAYERS.index(layer(module))
    return sorted(m for m in deps if m != "pkilesson" and LAYERS.index(layer(m)) > rank)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle found by a depth-first walk, each as the path that closes it."""
    state: dict[str, int] = {}
    found = []

    def visit(node, path):
        state[node] = 1
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                found.append(path[path.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, path + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


GRAPH = {name: imports(path) for name, path in modules().items()}


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_one_way(module):
    """A module imports its own layer or the layers below it, never one above."""
    if modules()[module].name == "__init__.py" and module.count(".") == 1:  # a subpackage's __init__: docstring only
        assert not GRAPH[module], f"{module}'s __init__ imports {GRAPH[module]}: keep it a docstring"
        return
    wrong = upward(module, GRAPH[module])
    assert not wrong, f"{module} ({layer(module)}) imports {wrong}, which sit above it"


@pytest.mark.parametrize("leaf", sorted(LEAVES))
def test_leaves_import_only_leaves(leaf):
    """What anyone may import imports nothing above it: errors reads the message catalogue, which imports nothing."""
    assert GRAPH[leaf] <= LEAVES, f"{leaf} is a leaf but imports {sorted(GRAPH[leaf] - LEAVES)}"
    if leaf == "pkilesson._catalog":
        assert not GRAPH[leaf], f"{leaf} must import nothing of pkilesson (errors imports it)"


def test_no_import_circle():
    """No module reaches itself through its imports (the package's __init__ aside: it re-exports)."""
    graph = {m: {d for d in deps if d in GRAPH and d != "pkilesson"} for m, deps in GRAPH.items() if m != "pkilesson"}
    found = circles(graph)
    assert not found, "import circles: " + "; ".join(" -> ".join(c) for c in found)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_over_400_lines(module):
    lines = len(modules()[module].read_text().splitlines())
    assert lines <= 400, f"{module} has {lines} lines: split it along the lines a reader would look for"


@pytest.mark.parametrize("folder", LAYERS[1:-1])
def test_each_folder_says_what_it_holds(folder):
    init = PACKAGE / folder / "__init__.py"
    doc = " ".join((ast.get_docstring(ast.parse(init.read_text())) or "").split())
    assert "may import" in doc and len(doc.split()) >= 25, f"{init}: one paragraph on what it holds and what it may import"


def test_the_checker_sees_wrong_way_imports_and_circles():
    """The rules bite: a module that imports upward, even inside a function, is named, and so is a circle."""
    source = "from ..errors import PkiLessonError\n\ndef f():\n    from ..lessons.widgets import StepPanel\n"
    deps = imports(PACKAGE / "pki" / "made_up.py", source, "pkilesson.pki.made_up")
    assert deps == {"pkilesson.errors", "pkilesson.lessons.widgets"}
    assert upward("pkilesson.pki.made_up", deps) == ["pkilesson.lessons.widgets"]
    assert upward("pkilesson.lessons.made_up", {"pkilesson.pki.keys", "pkilesson.cli"}) == ["pkilesson.cli"]
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert circles({"a": {"b"}, "b": set()}) == []
