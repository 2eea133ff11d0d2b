"""Imports point one way through the pipeline: load → model → plan → render → write → verbs."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

LAYERS = [
    {"errors", "resources", "recent", "scan", "workers", "qr", "png", "atomic"},
    {"yamlfile", "slugs"},
    {"fields", "frontmatter"},
    {"settings", "roster", "themes", "merge"},
    {"messages"},
    {"pages"},
    {"site"},
    {"plan", "digests"},
    {"markup", "templates", "ics", "printkit", "kits", "shareimage"},
    {"render"},
    {"output"},
    {"state", "survey"},
    {"cachefile"},
    {"pagecache", "rostercache"},
    {"make"},
    {"build", "scaffold", "check", "fork", "spreadsheet"},
    {"update"},
    {"serve"},
    {"cli"},
]
RANK = {name: i for i, layer in enumerate(LAYERS) for name in layer}
MODULES = sorted(p.stem for p in (REPO / "toolkit").glob("*.py") if not p.stem.startswith("_"))


def imports(module: str) -> set[str]:
    tree = ast.parse((REPO / "toolkit" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("toolkit."):
                found.add(node.module.split(".")[1])
            elif node.module == "toolkit":
                found.update(a.name for a in node.names if a.name in RANK)
    return found


def test_every_module_has_a_layer():
    assert set(MODULES) <= set(RANK), set(MODULES) - set(RANK)


@pytest.mark.parametrize("module", MODULES)
def test_imports_only_earlier_layers(module):
    for imported in imports(module):
        assert RANK[imported] <= RANK[module], f"{module} imports {imported}"
        assert imported != module


def test_core_never_imports_click():
    for module in MODULES:
        if module != "cli":
            assert "click" not in (REPO / "toolkit" / f"{module}.py").read_text(), module
