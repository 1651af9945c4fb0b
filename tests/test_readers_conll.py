"""actors.conll is TOKEN<TAB>TAG on every line, the document separator included.

The `-DOCSTART-` line used spaces where every token line used a tab, so a reader that
splits columns on tabs (CoNLL-U style readers do) refused the file. Read back here with a
strict tab-splitting reader: every non-blank line has exactly two tab-separated fields.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from exchange_project import TRICKY, Scripted
from spacy.util import filter_spans

from idleb_desk.io.formats import conll
from idleb_desk.io.formats.export import export_format
from idleb_desk.io.formats.tokens import aligned_doc
from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store

Mention = tuple[tuple[str, ...], str]


def strict_read(text: str) -> list[list[Mention]]:
    """Documents of a two-column BIO file, refusing any line that is not TOKEN<TAB>TAG."""
    docs: list[list[Mention]] = []
    current: list[tuple[str, str]] = []

    def close() -> None:
        if docs:
            docs[-1].extend(_mentions(current))
        current.clear()

    for n, line in enumerate(text.split("\n"), 1):
        if not line:
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not all(fields):
            raise ValueError(f"line {n} is not TOKEN<TAB>TAG: {line!r}")
        if fields[0] == "-DOCSTART-":
            close()
            docs.append([])
            continue
        if not docs:
            raise ValueError(f"line {n} comes before the first -DOCSTART- line")
        current.append((fields[0], fields[1]))
    close()
    return docs


def _mentions(rows: list[tuple[str, str]]) -> list[Mention]:
    out: list[Mention] = []
    words: list[str] = []
    label = ""
    for word, tag in [*rows, ("", "O")]:
        if tag.startswith("I-") and words and tag[2:] == label:
            words.append(word)
            continue
        if words:
            out.append((tuple(words), label))
        words, label = ([word], tag[2:]) if tag != "O" else ([], "")
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("conll")
    (folder / "a.txt").write_text(TRICKY, encoding="utf-8")
    (folder / "b.txt").write_text(TRICKY + " Again.", encoding="utf-8")
    db = folder / "p.sqlite3"
    with Store.open(db) as store:
        import_paths(store, [folder / "a.txt", folder / "b.txt"], Scripted())
        path = export_format(store, "conll", folder / "out", include_all=True).path
    return db, path


def _expected(db: Path) -> list[list[Mention]]:
    out = []
    with Store.open(db) as store:
        for d in store.document_summaries():
            text = store.document_text(d.id)
            actors = [s for s in store.spans(d.id) if s.layer == "actor"]
            adoc = aligned_doc(text, [(s.start, s.end) for s in actors])
            kept = filter_spans([adoc.char_span(s.start, s.end, label=s.label) for s in actors])
            kept.sort(key=lambda sp: sp.start)
            out.append([(tuple(t.text for t in sp if not t.is_space), sp.label_) for sp in kept])
    return out


def test_conll_reads_back_with_a_strict_tab_reader(exported: tuple[Path, Path]) -> None:
    db, path = exported
    docs = strict_read(path.read_text(encoding="utf-8"))
    assert len(docs) == 2
    assert docs == _expected(db)
    assert sum(len(d) for d in docs) > 0


def test_the_document_line_has_the_token_lines_columns() -> None:
    assert conll.DOCSTART.split("\t") == ["-DOCSTART-", "O"]
