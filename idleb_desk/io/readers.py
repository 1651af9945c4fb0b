"""Readers for article files: .txt, .md, .html/.htm, JSONL, and folders of them.

Readers are generators: they yield one `SourceDoc` (or one `Problem`) at a time, so an
import of a 10 GB JSONL file or of a folder of 100,000 articles never holds more than one
text. A bad file or line becomes a `Problem` and the rest goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from idleb_desk.io.encoding import decode_bytes, text_warning
from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.folders import check_file, iter_files
from idleb_desk.io.formats.registry import reader_for
from idleb_desk.io.html_main import page_text
from idleb_desk.io.html_text import html_to_text
from idleb_desk.io.jsonl_reader import iter_jsonl, jsonl_line_to_doc, read_jsonl
from idleb_desk.io.markdown import markdown_title, split_front_matter
from idleb_desk.io.source import (
    ARTICLE_EXTS,
    HTML_EXTS,
    JSONL_EXTS,
    SUPPORTED_EXTS,
    TEXT_EXTS,
    ReadItem,
    SourceDoc,
    first_line_title,
    strip_bom,
)

__all__ = [
    "HTML_EXTS",
    "JSONL_EXTS",
    "SUPPORTED",
    "SUPPORTED_EXTS",
    "TEXT_EXTS",
    "ReadItem",
    "SourceDoc",
    "first_line_title",
    "html_to_text",
    "iter_files",
    "iter_jsonl",
    "jsonl_line_to_doc",
    "markdown_title",
    "read_file",
    "read_jsonl",
    "read_paths",
]

log = logging.getLogger(__name__)

SUPPORTED = ARTICLE_EXTS  # what `idleb-desk extract` reads; the name cli.py imports
# A single article beyond this is almost surely not an article (a dump, a log): refuse it
# rather than load it whole. JSONL is streamed line by line, so it has no such limit.
MAX_FILE_BYTES = 64 * 1024 * 1024

# ---- reading one file -----------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportProblem(
                name,
                f"is too large for one article ({size / 1e6:.0f} MB, the limit is "
                f"{MAX_FILE_BYTES / 1e6:.0f} MB); split it or use JSONL",
            )
        data = path.read_bytes()
    except OSError as exc:
        raise ImportProblem(name, f"cannot be read ({exc.strerror or exc})") from exc
    if not data:
        raise ImportProblem(name, "is empty (0 bytes)")
    return data


def _read_text_file(path: Path) -> SourceDoc:
    name = str(path)
    text, encoding = decode_bytes(_read_bytes(path), name)
    warnings = [text_warning(text, encoding)]
    meta: dict[str, Any] = {}
    if path.suffix.lower() == ".md":
        front = split_front_matter(text)
        text, meta = front.text, front.meta
        warnings.append(front.warning)
        title = front.title or markdown_title(text)
    else:
        title = first_line_title(text)
    if not text.strip():
        raise ImportProblem(name, "contains only whitespace, no text")
    warning = "; ".join(w for w in warnings if w)
    return SourceDoc(path.stem, title or path.stem, text, name, encoding, meta, warning=warning)


def _read_html_file(path: Path) -> SourceDoc:
    name = str(path)
    markup, encoding = decode_bytes(_read_bytes(path), name)
    page = page_text(markup)  # the article; all visible text when none is found
    text = strip_bom(page.text)  # a page that starts with &#xFEFF;
    title = page.title
    if not text.strip():
        raise ImportProblem(name, "is an HTML page with no text (only markup, scripts or styles)")
    title = title or first_line_title(text) or path.stem
    warning = text_warning(text, encoding)
    return SourceDoc(path.stem, title, text, name, encoding, warning=warning)


def read_file(path: Path | str, fmt: str = "auto", accepted: bool = False) -> Iterator[ReadItem]:
    """Documents in one file (one, or one per JSONL line) and the problems met.

    `fmt` names an exchange format (`idleb_desk.io.formats.registry`, which decides the
    reader; "auto" tells by extension); `accepted` imports their annotations as accepted.
    """
    path = Path(path)
    try:
        check_file(path)
        reader = reader_for(path, fmt, accepted)  # JSONL and every exchange format
        if reader is not None:
            yield from reader()
        elif path.suffix.lower() in HTML_EXTS:
            yield _read_html_file(path)
        else:
            yield _read_text_file(path)
    except ImportProblem as exc:
        yield exc.to_problem()


def read_paths(paths: Iterable[Path | str]) -> Iterator[ReadItem]:
    """Everything in `paths` (files and folders), one document or problem at a time."""
    for item in iter_files(paths):
        if isinstance(item, Problem):
            yield item
        else:
            yield from read_file(item)
