"""Import: every format, every encoding, duplicates, folders, progress, batches, offsets."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.encoding import decode_bytes
from idleb_desk.io.importer import extract_documents, import_paths
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.io.readers import html_to_text, markdown_title, read_paths
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.paths import SEED_PATH
from idleb_desk.store.store import Store

SEED = SEED_PATH
TEXT = "Le Drian said the offensive must stop.\nCafé, naïve — “quotes”."


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "project.idleb")
    yield s
    s.close()


class FakeExtractor:
    """Suggests the first word as a PERSON; records how it was called."""

    model = "fake-1.0"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        texts = list(texts)
        self.calls.append(len(texts))
        for text in texts:
            end = len(text.split()[0])
            yield Extraction(
                self.model,
                actors=(ActorSuggestion(0, end, text[:end], "PERSON"),),
                claims=(ClaimSuggestion(content=TextRef(0, len(text), text)),),
            )


# ---- encodings -------------------------------------------------------------------------

ENCODED = [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("cp1252"), "cp1252"),
]


@pytest.mark.parametrize(("data", "encoding"), ENCODED, ids=[e for _, e in ENCODED])
def test_decode_reports_encoding_and_drops_bom(data: bytes, encoding: str) -> None:
    text, used = decode_bytes(data, "a.txt")
    assert (text, used) == (TEXT, encoding)


@pytest.mark.parametrize(("data", "encoding"), ENCODED, ids=[e for _, e in ENCODED])
def test_import_txt_in_each_encoding(
    store: Store, tmp_path: Path, data: bytes, encoding: str
) -> None:
    path = tmp_path / "article.txt"
    path.write_bytes(data)
    report = import_paths(store, [path])
    assert report.problems == []
    assert report.encodings == {str(path): encoding}
    doc = store.document(report.imported[0])
    assert doc.text == TEXT  # stored exactly as decoded, BOM removed
    assert doc.encoding == encoding
    assert doc.title == "Le Drian said the offensive must stop."
    assert doc.ext_id == "article"


# ---- formats ---------------------------------------------------------------------------


def test_markdown_title_is_first_heading(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("Intro line\n\n## The Heading ##\n\nBody *text*.\n", encoding="utf-8")
    report = import_paths(store, [path])
    doc = store.document(report.imported[0])
    assert doc.title == "The Heading"
    assert doc.text == path.read_text(encoding="utf-8")  # markdown kept as is
    assert markdown_title("Title\n=====\nbody") == "Title"
    assert markdown_title("no heading\nhere") == "no heading"


def test_html_text_only(store: Store, tmp_path: Path) -> None:
    page = (
        "<!doctype html><html><head><title>Idleb &amp; Ankara</title>"
        "<style>p { color: red }</style><script>var x = '<p>no</p>';</script></head>"
        "<body><h1>Headline</h1><p>First   paragraph,\n wrapped.</p>"
        "<div>Second<br>line two</div><ul><li>item</li></ul><noscript>js off</noscript>"
        "</body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    report = import_paths(store, [path])
    doc = store.document(report.imported[0])
    # The article's main text (trafilatura, issue 8): its headline names the document.
    assert doc.title == "Headline"
    assert doc.text == "Headline\n\nFirst paragraph, wrapped.\n\nSecond\n\nline two\n\nitem"
    assert "color" not in doc.text and "var x" not in doc.text and "js off" not in doc.text
    # The visible-text reader, the fallback when no main text is found:
    text, title = html_to_text(page)
    assert title == "Idleb & Ankara"
    assert text == "Headline\n\nFirst paragraph, wrapped.\n\nSecond\nline two\n\nitem"


def test_html_title_falls_back_to_h1() -> None:
    text, title = html_to_text("<body><h1>Main <b>title</b></h1><p>x</p></body>")
    assert (text, title) == ("Main title\n\nx", "Main title")


def test_jsonl_fields_and_bad_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a1", "title": "First", "text": "Alpha text.", "meta": {"src": "x"}}),
        "{not json",
        json.dumps({"id": 7, "text": "Beta text.\nSecond line."}),
        "",
        json.dumps({"text": "Gamma."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_paths(store, [path])
    assert [(p.line, p.path) for p in report.problems] == [(2, str(path))]
    docs = [store.document(i) for i in report.imported]
    assert [(d.ext_id, d.title, d.meta) for d in docs] == [
        ("a1", "First", {"src": "x"}),
        ("7", "Beta text.", {}),
        ("batch-5", "Gamma.", {}),
    ]


def test_folder_recursive_sorted_supported_only(store: Store, tmp_path: Path) -> None:
    root = tmp_path / "articles"
    (root / "b_sub").mkdir(parents=True)
    (root / "a.txt").write_text("Text A", encoding="utf-8")
    (root / "c.md").write_text("# C\nText C", encoding="utf-8")
    (root / "b_sub" / "b.htm").write_text("<p>Text B</p>", encoding="utf-8")
    (root / "b_sub" / "skip.pdf").write_bytes(b"%PDF-1.4")
    (root / ".hidden.txt").write_text("hidden", encoding="utf-8")
    (root / "z.txt").mkdir()  # a folder named like a file is not a file
    report = import_paths(store, [root])
    assert report.problems == []
    assert [store.document(i).ext_id for i in report.imported] == ["a", "b", "c"]
    assert [p.ext_id for p in read_paths([root])] == ["a", "b", "c"]


def test_duplicates_skipped_and_reported(store: Store, tmp_path: Path) -> None:
    one, two, three = tmp_path / "one.txt", tmp_path / "two.txt", tmp_path / "three.txt"
    one.write_text("Same text.", encoding="utf-8")
    two.write_bytes(codecs.BOM_UTF8 + b"Same text.")  # same text once decoded
    three.write_text("Other text.", encoding="utf-8")
    first = import_paths(store, [one, two, three])
    assert len(first.imported) == 2
    [dup] = first.duplicates
    assert (dup.path, dup.existing_id, dup.existing_title) == (
        str(two),
        first.imported[0],
        "Same text.",
    )
    assert "already document" in dup.message and str(two) in dup.message
    again = import_paths(store, [three])
    assert again.imported == [] and again.duplicates[0].existing_id == first.imported[1]


def test_progress_batches_and_cancel(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": str(i), "text": f"Doc{i} says hello."}) + "\n" for i in range(10)
        ),
        encoding="utf-8",
    )
    calls: list[tuple[int, int, str]] = []
    fake = FakeExtractor()
    report = import_paths(store, [path], fake, progress=lambda *a: calls.append(a), batch_size=4)
    assert fake.calls == [4, 4, 2]
    assert calls[0] == (0, 10, "") and calls[-1][:2] == (10, 10)
    assert [c[0] for c in calls] == [0, 4, 8, 10]
    assert report.extracted == 10
    doc_id = report.imported[3]
    [span] = [s for s in store.spans(doc_id) if s.layer == "actor"]
    assert (span.text, span.origin, span.status) == ("Doc3", "fake-1.0", "suggested")
    assert len(store.claims(doc_id)) == 1

    other = Store.open(tmp_path / "other.idleb")
    seen = {"n": 0}

    def cancel() -> bool:
        seen["n"] += 1
        return seen["n"] > 6  # cancel while reading the second batch

    cancelled = import_paths(other, [path], FakeExtractor(), cancel=cancel, batch_size=4)
    assert cancelled.cancelled and len(cancelled.imported) == 4
    assert other.document_count() == 4  # the committed batch is kept, the rest is not
    other.close()


def test_extract_documents_after_plain_import(store: Store, tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"d{i}.txt").write_text(f"Name{i} spoke today.", encoding="utf-8")
    report = import_paths(store, sorted(tmp_path.glob("*.txt")))
    assert store.unextracted_document_ids() == report.imported
    fake = FakeExtractor()
    progress: list[tuple[int, int, str]] = []
    n = extract_documents(store, fake, progress=lambda *a: progress.append(a))
    assert n == 3 and store.unextracted_document_ids() == []
    assert progress[-1][:2] == (3, 3)
    assert extract_documents(store, fake) == 0  # nothing left: never extracted twice


def test_real_pipeline_import(store: Store, tmp_path: Path) -> None:
    from idleb_desk.nlp.pipeline import Extractor
    from idleb_desk.nlp.resolve import ModelUnavailable, load_pipeline

    try:
        nlp, label = load_pipeline()
    except ModelUnavailable as exc:  # pragma: no cover - the venv ships a model
        pytest.skip(str(exc))
    report = import_paths(store, [SEED], Extractor(nlp, label))
    doc_id = report.imported[0]
    text = store.document_text(doc_id)
    spans = store.spans(doc_id)
    assert spans and all(s.origin == label for s in spans)
    assert all(text[s.start : s.end] == s.text for s in spans)
    assert store.unextracted_document_ids() == []


# ---- offsets through import and export -------------------------------------------------

HARD = "🇸🇾 Erdoğan said 👍🏽: «أردوغان قال» — e\u0301te\u0301 Zoë\u0308 warned Moscow."


def test_offsets_survive_emoji_arabic_combining_marks(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "hard.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + HARD.encode("utf-16-le"))
    doc_id = import_paths(store, [path]).imported[0]
    assert store.document_text(doc_id) == HARD
    session = ReviewSession(store, reviewer="ana")
    wanted = ["Erdoğan", "أردوغان", "e\u0301te\u0301", "Zoë\u0308", "Moscow"]
    for word in wanted:
        start = HARD.index(word)
        session.create_span(doc_id, start, start + len(word), "PERSON")
    out = tmp_path / "out"
    export_csv(store, out)
    with (out / "actors.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["text"] for r in rows) == sorted(wanted)
    for row in rows:
        assert HARD[int(row["start"]) : int(row["end"])] == row["text"]

    export_jsonl(store, out / "all.jsonl")
    fresh = Store.open(tmp_path / "fresh.idleb")
    new_id = import_paths(fresh, [out / "all.jsonl"]).imported[0]
    assert fresh.document_text(new_id) == HARD
    assert [(s.start, s.end, s.text) for s in fresh.spans(new_id)] == [
        (s.start, s.end, s.text) for s in store.spans(doc_id)
    ]
    fresh.close()


def test_html_with_unclosed_head_keeps_body_text() -> None:
    assert html_to_text("<html><head><title>T</title><body><p>Hi &eacute;</p>") == ("Hi é", "T")


def test_title_is_a_headline_or_the_file_name(tmp_path: Path) -> None:
    from idleb_desk.io.readers import read_paths

    short = tmp_path / "short.txt"
    short.write_text("Erdogan warns Damascus\n\nTurkey's president said ...\n", encoding="utf-8")
    long = tmp_path / "long-article.txt"
    long.write_text("Word " * 60 + "\n\nMore.\n", encoding="utf-8")
    titles = {d.ext_id: d.title for d in read_paths([short, long])}
    assert titles == {"short": "Erdogan warns Damascus", "long-article": "long-article"}
