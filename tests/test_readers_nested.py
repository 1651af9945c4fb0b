"""A claim inside another claim's content keeps its `nested_in` link through every format.

Before, every exchange format dropped the link: the inner claim came back on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from idleb_desk.io.formats.export import export_format
from idleb_desk.io.importer import import_paths
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.model import ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

TEXT = 'Lavrov said that "Ankara told us Moscow must wait" and left. Borrell said nothing.'


def _ref(part: str) -> TextRef:
    start = TEXT.index(part)
    return TextRef(start, start + len(part), part)


class Nested:
    """Two claims, the second inside the first's content, and one on its own."""

    model = "scripted-nested"

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        for _ in texts:
            outer = ClaimSuggestion(content=_ref("Ankara told us Moscow must wait"),
                                    speaker=_ref("Lavrov"), cue=_ref("said"))  # fmt: skip
            inner = ClaimSuggestion(content=_ref("Moscow must wait"), speaker=_ref("Ankara"),
                                    cue=_ref("told"), nested_in=0)  # fmt: skip
            alone = ClaimSuggestion(content=_ref("nothing"), speaker=_ref("Borrell"))
            yield Extraction(self.model, (), (outer, inner, alone))


def _links(db: Path) -> set[tuple[str, str | None]]:
    """(claim content, content of the claim it is nested in) for every claim."""
    with Store.open(db) as store:
        rows = store.execute(
            'SELECT c.id, s.start, s."end", c.nested_in_claim_id FROM claims c '
            "JOIN spans s ON s.id = c.content_span_id"
        ).fetchall()
    content = {r[0]: TEXT[r[1] : r[2]] for r in rows}
    return {(content[r[0]], content.get(r[3])) for r in rows}


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nested")
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    db = folder / "source.sqlite3"
    with Store.open(db) as store:
        import_paths(store, [folder / "a.txt"], Nested())
    return db


EXPECTED = {
    ("Ankara told us Moscow must wait", None),
    ("Moscow must wait", "Ankara told us Moscow must wait"),
    ("nothing", None),
}


def test_the_source_has_one_nested_claim(source: Path) -> None:
    assert _links(source) == EXPECTED


@pytest.mark.parametrize("fmt", ["jsonl", "prodigy", "spacy", "brat", "labelstudio"])
def test_nested_in_survives_a_round_trip(source: Path, tmp_path: Path, fmt: str) -> None:
    with Store.open(source) as store:
        if fmt == "jsonl":
            path = export_jsonl(store, tmp_path / "out" / "all.jsonl").path
        else:
            path = export_format(store, fmt, tmp_path / "out", include_all=True).path
    back = tmp_path / "back.sqlite3"
    with Store.open(back) as store:
        report = import_paths(store, [path])
    assert report.problems == [] and len(report.imported) == 1, report.summary_lines()
    assert _links(back) == EXPECTED


def test_an_outer_claim_left_out_of_the_export_leaves_no_dangling_link(
    source: Path, tmp_path: Path
) -> None:
    """Reviewed-only export: the inner claim is accepted, its outer claim is not."""
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(source.read_bytes())
    with Store.open(copy) as store, store.transaction():
        store.execute("UPDATE claims SET status = 'accepted' WHERE nested_in_claim_id IS NOT NULL")
        store.execute("UPDATE spans SET status = 'accepted'")
    with Store.open(copy) as store:
        path = export_format(store, "prodigy", tmp_path / "out").path
    with Store.open(tmp_path / "back.sqlite3") as store:
        report = import_paths(store, [path])
    assert report.problems == [], report.summary_lines()
    assert _links(tmp_path / "back.sqlite3") == {("Moscow must wait", None)}
