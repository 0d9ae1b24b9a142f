"""The import rules of docs/contributing.md ("Layers"), read from the source: data flows one way, hook →
server → authority → store, and the hook's import closure is the standard library and our own stdlib-only
modules.

Every `import` counts, a function's lazy one too: it runs sooner or later. The few imports across the rules
that are there on purpose are listed in ALLOWED with why; a new one fails here, and so does a listed one
that is gone, so the list stays true.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).parents[1] / "src"
PACKAGE = SRC / "stopwarden"

# The shared building blocks: common/ and state/ (the one owner of .stopwarden/). They import nothing of
# ours but each other.
BASE = "base"
BASE_PACKAGES = {"common", "state"}
# What each layer may import besides itself and the base (docs/contributing.md, "Layers").
RULES: dict[str, set[str]] = {
    BASE: set(),
    "agents": set(),
    "build": {"agents"},
    "hooks": {"agents", "build"},
    "store": set(),
    "gate": {"agents", "store"},  # agents: the files each installs (self-reference)
    "server": {"gate", "store"},
    "install": {"agents", "build", "hooks", "gate", "server"},  # it wires the hooks and runs the server
    "cli": {"agents", "build", "hooks", "gate", "server", "store", "install"},
}
# The package's own modules: `python -m stopwarden` is the CLI; __init__ holds only the version.
TOP_LEVEL_LAYERS = {"stopwarden.__main__": "cli", "stopwarden": BASE}
# Imports across the rules, on purpose: (importer, imported) -> why.
ALLOWED = {
    ("stopwarden.hooks.session_start", "stopwarden.server.launch"): (
        "SessionStart starts the server when it is down; launch.py is the one way it is started, stdlib-only"
    ),
    ("stopwarden.gate.evaluation", "stopwarden.hooks.router"): (
        "`eval` measures the live gate, so it runs each case through the hook's own router"
    ),
}
# The hook's script: what it imports, and all that imports, is the hook's closure.
HOOK_ENTRY = "stopwarden.hooks.run"
# Standard C modules of other Python versions, tried in turn (`_sha2` from 3.12, `_sha256` before it).
OTHER_VERSIONS_STDLIB = {"_sha2", "_sha256"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in PACKAGE.rglob("*.py")}


def _layer(module: str) -> str:
    if module in TOP_LEVEL_LAYERS:
        return TOP_LEVEL_LAYERS[module]
    parts = module.split(".")
    return BASE if parts[1] in BASE_PACKAGES else parts[1]


def _imports(module: str) -> Iterator[str]:
    """Every module `module` imports, ours resolved to the module (not the name imported from it)."""
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                yield full if full in MODULES else node.module


def _ours(module: str) -> Iterator[str]:
    yield from (name for name in _imports(module) if name.startswith("stopwarden.") and name in MODULES)


def test_no_building_block_sits_at_the_top() -> None:
    """The top of the package holds layers (folders) only: a building block goes in common/ (issue 22)."""
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in {"__init__.py", "__main__.py"})
    assert loose == [], f"put {loose} in common/ or in the layer that uses it"


def test_every_module_has_a_layer_with_rules() -> None:
    assert {_layer(module) for module in MODULES} <= set(RULES) | {"stopwarden"}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module: str) -> None:
    layer = _layer(module)
    if layer == "stopwarden":  # the package itself: its version only
        return
    allowed = RULES[layer] | {layer, BASE}
    wrong = [target for target in _ours(module) if _layer(target) not in allowed and (module, target) not in ALLOWED]
    assert not wrong, f"{module} ({layer}) may import {sorted(allowed)}, not {wrong}"


def test_the_allowed_exceptions_still_exist() -> None:
    gone = [pair for pair in ALLOWED if pair[1] not in set(_ours(pair[0]))]
    assert not gone, f"no longer imported, take them out of ALLOWED: {gone}"


def _closure(entry: str) -> set[str]:
    seen: set[str] = set()
    todo = [entry]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(_ours(module))
        parent = module.rpartition(".")[0]  # importing a.b.c runs a/__init__ and a/b/__init__ first
        while parent.count("."):
            todo.append(parent)
            parent = parent.rpartition(".")[0]
    return seen


def test_the_hook_imports_only_the_standard_library() -> None:
    closure = _closure(HOOK_ENTRY)
    outside = sorted(
        f"{module}: {name}"
        for module in closure
        for name in _imports(module)
        if not name.startswith("stopwarden")
        and name.split(".")[0] not in sys.stdlib_module_names | OTHER_VERSIONS_STDLIB
    )
    assert not outside, outside
    # ... and none of the layers above it.
    assert not {module for module in closure if _layer(module) in {"gate", "store", "install", "cli"}}
