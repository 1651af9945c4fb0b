"""The layer rules of DESIGN.md: a Qt-free core, and a GUI that never runs SQL."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "idleb_desk"
QT_FREE = ("core", "store", "nlp", "io", "team", "batch", "learn")
QT_MODULES = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            # `from idleb_desk import nlp` imports a layer too.
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", QT_FREE)
def test_qt_free_layers_never_import_qt(layer: str) -> None:
    files = _modules(layer)
    assert files, f"layer {layer} has no modules"
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in files
        for name in _imports(path)
        if name.split(".")[0] in QT_MODULES or name.startswith("idleb_desk.gui")
    ]
    assert offenders == []


def test_qt_free_layers_load_without_qt() -> None:
    """Importing every Qt-free module must not pull Qt in indirectly either."""
    modules = [
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for layer in QT_FREE
        for path in _modules(layer)
    ]
    code = (
        "import importlib, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_MODULES!r}]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_gui_never_runs_sql() -> None:
    offenders: list[str] = []
    for path in sorted((PACKAGE / "gui").rglob("*.py")):
        if "sqlite3" in _imports(path):
            offenders.append(f"{path.name} imports sqlite3")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "executescript")
            ):
                offenders.append(f"{path.name}:{node.lineno} calls .{node.func.attr}()")
    assert offenders == []


def test_gui_reaches_the_project_only_through_core() -> None:
    """One way in (issue 6): opening, checks, the window lock and recovery live in core;
    the window never imports the store layer."""
    offenders = [
        f"{path.name} imports {name}"
        for path in sorted((PACKAGE / "gui").rglob("*.py"))
        for name in _imports(path)
        if name == "idleb_desk.store" or name.startswith("idleb_desk.store.")
    ]
    assert offenders == []


def test_core_never_imports_nlp() -> None:
    """The core is below the NLP layer (issue 12): a rule it needs, such as which actor a
    mention names, lives in core and nlp may use it, never the other way round."""
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("core")
        for name in _imports(path)
        if name == "idleb_desk.nlp" or name.startswith("idleb_desk.nlp.")
    ]
    assert offenders == []


def test_exchange_formats_never_import_the_article_readers() -> None:
    """`io.readers` asks `io.formats.registry` which reader reads a file; the formats
    build on `io.jsonl_reader`, never on `io.readers`, so the two do not import each other."""
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("io/formats")
        for name in _imports(path)
        if name == "idleb_desk.io.readers" or name.startswith("idleb_desk.io.readers.")
    ]
    assert offenders == []
    code = (
        "import importlib, pathlib, sys\n"
        f"for p in sorted(pathlib.Path({str(PACKAGE / 'io' / 'formats')!r}).glob('*.py')):\n"
        "    importlib.import_module('idleb_desk.io.formats.' + p.stem if p.stem != '__init__'"
        " else 'idleb_desk.io.formats')\n"
        "sys.exit(1 if 'idleb_desk.io.readers' in sys.modules else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_store_imports_only_the_values_below_it() -> None:
    """Values (`idleb_desk.model`) and the pure name rules (`idleb_desk.actor_link`) sit
    below every layer (issue 12); the store never reaches up into core, nlp, io or gui."""
    above = ("idleb_desk.core", "idleb_desk.nlp", "idleb_desk.io", "idleb_desk.gui")
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules("store")
        for name in _imports(path)
        if any(name == layer or name.startswith(layer + ".") for layer in above)
    ]
    assert offenders == []


# SQL in a string: the statement words as SQLite code writes them (upper case), so prose
# such as "select a span" is not taken for a query.
_SQL_WORDS = re.compile(
    r"\b(SELECT\s.+\sFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA\s+\w+"
    r"|CREATE\s+(TABLE|INDEX)|ALTER\s+TABLE|DROP\s+TABLE)\b",
    re.DOTALL,
)


@pytest.mark.parametrize("layer", ("core", "io"))
def test_sql_lives_in_the_store(layer: str) -> None:
    """Issue 18: core and io ask store functions named for what they store; no SQL
    outside `store/` (no `.execute` call, no statement in a string)."""
    offenders: list[str] = []
    for path in _modules(layer):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE)
        # Docstrings may name a statement ("`PRAGMA data_version` says...") without running it.
        docs = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "executescript")
            ):
                offenders.append(f"{where}:{node.lineno} calls .{node.func.attr}()")
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
                and _SQL_WORDS.search(node.value)
            ):
                offenders.append(f"{where}:{node.lineno} holds SQL {node.value[:40]!r}")
    assert offenders == []


# Which parts of the package each part may import (issue 18): values at the bottom, then
# store, core, nlp, io, the project helpers, and the window and the command line on top.
# A part not named on the left may import nothing of the package; an arrow not listed here
# fails, so the direction is checked, not just the absence of a few known loops.
BOTTOM = {"model", "changes", "actor_link", "paths", "__version__"}
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "changes": set(),
    "actor_link": set(),
    "paths": set(),
    "logs": {"paths"},
    "desktop": {"paths"},
    "store": BOTTOM,
    "core": BOTTOM | {"store"},
    "nlp": BOTTOM | {"core"},
    "io": BOTTOM | {"store", "core", "nlp", "learn"},
    # The window reaches projects through core, never through the store (issue 18).
    "project": BOTTOM | {"core", "nlp", "io"},
    # The team server's client too (issue 15): the window syncs through it, by path.
    "gui": BOTTOM | {"core", "nlp", "io", "project", "logs", "team", "learn"},
    # The team server's client (issue 15): Qt-free, it syncs through the store's write path.
    "team": BOTTOM | {"store"},
    # Batch extraction into shards and back (issue 16): below the command line only.
    "batch": BOTTOM | {"store", "core", "nlp", "io"},
    # The project model (issue 14): trained from the store's reviews, over the rules.
    "learn": BOTTOM | {"store", "core", "nlp"},
}
TOP = (
    "cli", "cli_agree", "cli_batch", "cli_export", "cli_files", "cli_learn", "cli_memory",
    "cli_support", "cli_team", "cli_team_server", "__main__", "__init__",
)  # fmt: skip


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_import_goes_in_an_allowed_direction() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        source = _part(module)
        if source in TOP:
            continue
        assert source in ALLOWED, f"{module}: part {source!r} is not in the table"
        for name in _imports(path):
            if not name.startswith("idleb_desk."):
                continue
            target = _part(name)
            if target != source and target not in ALLOWED[source]:
                offenders.append(f"{path.relative_to(PACKAGE)} ({source}) imports {name}")
    assert offenders == []


def test_the_table_rejects_an_upward_arrow(tmp_path: Path) -> None:
    """The check itself: a store module importing core would be named."""
    bad = tmp_path / "bad.py"
    bad.write_text("from idleb_desk.core.review import ReviewSession\n", encoding="utf-8")
    names = [n for n in _imports(bad) if n.startswith("idleb_desk.")]
    assert any(_part(n) not in ALLOWED["store"] for n in names)
