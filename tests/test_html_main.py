"""Saved news pages import as their article: no menus, cookie banners or footers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idleb_desk.io.html_main import FALLBACK, TRAFILATURA, page_text
from idleb_desk.io.html_text import html_to_text
from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store

PAGES = Path(__file__).parent / "data" / "html"
SPEC = json.loads((PAGES / "pages.json").read_text(encoding="utf-8"))["pages"]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("page", sorted(SPEC))
def test_saved_page_imports_as_its_article(page: str, tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [PAGES / page])
        assert report.problems == []
        doc = store.document(report.imported[0])
    text = flat(doc.text)
    want = SPEC[page]
    # Only the known misses (see pages.json and docs/quality.md): prompts and link lines
    # that sit inside the article body itself.
    assert [m for m in want["boilerplate"] if flat(m) in text] == want["known_kept"]
    assert [s for s in want["article"] if flat(s) not in text] == []
    assert doc.title and "|" not in doc.title  # the headline, without the site's name


def test_the_visible_text_reader_kept_the_furniture() -> None:
    """Why trafilatura: the old reader keeps nearly every marker (see docs/quality.md)."""
    markup = (PAGES / "ceasefire-talks.html").read_text(encoding="utf-8")
    text = flat(html_to_text(markup)[0])
    markers = SPEC["ceasefire-talks.html"]["boilerplate"]
    assert all(flat(m) in text for m in markers)
    assert page_text(markup).extractor == TRAFILATURA


def test_a_page_without_main_text_falls_back_to_all_visible_text(tmp_path: Path) -> None:
    # A wire text saved as a bare <pre> fragment: trafilatura finds no document in it.
    markup = "<pre>Moscow, 27 Feb.\nLavrov said Russia would not stop.</pre>"
    got = page_text(markup)
    assert got.extractor == FALLBACK
    assert (
        got.text == html_to_text(markup)[0] == "Moscow, 27 Feb.\nLavrov said Russia would not stop."
    )
    page = tmp_path / "wire.html"
    page.write_text(markup, encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [page])
        assert store.document(report.imported[0]).text == got.text


def test_a_page_with_no_text_at_all_is_still_refused(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><script>var a = 1;</script></head><body></body></html>")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [page])
    assert report.imported == []
    assert "is an HTML page with no text" in report.problems[0].message
