"""The CSV formula guard also catches full-width prefixes and leading spaces or line feeds.

Spreadsheets skip leading spaces and line feeds before looking for a formula, and fold
the full-width forms ＝ ＋ － ＠ to = + - @, so `  =cmd`, `\\n@SUM(…)` and `＝HYPERLINK(…)` all
ran as formulas from an export that only looked at the first character.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.importer import import_paths
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.exports import _guarded, guard_cell
from idleb_desk.store.store import Store

DANGEROUS = [
    "＝HYPERLINK(1)", "＋44", "－5", "＠SUM(A1)", "  =cmd", " \n@evil", "\n+1", "\n \n－2",
    "\t=x", "=plain",
]  # fmt: skip
HARMLESS = ["Moscow", " Moscow", "\nMoscow", "a=b", "Ｍoscow", "ｗ", "", "  ", "'=quoted"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_dangerous_cells_are_guarded_in_python_and_sql(value: str) -> None:
    assert guard_cell(value) == "'" + value
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (value,))
    assert db.execute(f"SELECT {_guarded('v', True)} FROM t").fetchone()[0] == "'" + value


@pytest.mark.parametrize("value", HARMLESS)
def test_harmless_cells_are_untouched_in_python_and_sql(value: str) -> None:
    assert guard_cell(value) == value
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE t (v TEXT)")
    db.execute("INSERT INTO t VALUES (?)", (value,))
    assert db.execute(f"SELECT {_guarded('v', True)} FROM t").fetchone()[0] == value


TEXT = "Ministers met. ＋44 said no. －5 agreed. ＠SUM(A1) left. Erdogan  =cmd spoke."
TITLE = '  ＝HYPERLINK("http://x")'


def _finder(text: str):  # type: ignore[no-untyped-def]
    def ref(needle: str) -> TextRef:
        start = text.index(needle)
        return TextRef(start, start + len(needle), needle)

    return ref


class Scripted:
    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        for text in texts:
            ref = _finder(text)
            actors = tuple(
                ActorSuggestion(r.start, r.end, r.text, "PERSON")
                for r in map(ref, ["＋44", "－5", "＠SUM(A1)", "  =cmd", "Erdogan"])
            )
            claims = (ClaimSuggestion(content=ref("said no"), speaker=ref("＋44")),)
            yield Extraction("scripted-1", actors, claims)


def test_export_guards_every_cell(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "title": TITLE, "text": TEXT}) + "\n", "utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src], Scripted())
        doc_id = report.imported[0]
        session = ReviewSession(store, reviewer="＠reviewer")
        for span in store.spans(doc_id):
            session.accept_span(span.id)
        for claim in store.claims(doc_id):
            session.accept_claim(claim.id)
        export_csv(store, tmp_path / "out")
    seen = set()
    for name in ("actors.csv", "claims.csv"):
        with (tmp_path / "out" / name).open(encoding="utf-8", newline="") as fh:
            for row in list(csv.reader(fh))[1:]:
                for cell in row:
                    seen.add(cell)
                    stripped = cell.lstrip(" \n")
                    assert not stripped.startswith(tuple("=+-@\t\r＝＋－＠")), (name, cell)
    assert {"'" + TITLE, "'＋44", "'－5", "'＠SUM(A1)", "'＠reviewer"} <= seen
    assert "Erdogan" in seen
