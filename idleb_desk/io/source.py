"""What a reader produces: a `SourceDoc` (or a `Problem`), and the title rules they share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from idleb_desk.io.errors import Problem

TEXT_EXTS = (".txt", ".md")
HTML_EXTS = (".html", ".htm")
JSONL_EXTS = (".jsonl",)
# Other tools' annotation files (idleb_desk.io.formats); a brat .ann is read with its .txt,
# so a folder walk takes the .txt and leaves the .ann to it.
FORMAT_EXTS = (".spacy", ".json")
SUPPORTED_EXTS = TEXT_EXTS + HTML_EXTS + JSONL_EXTS + FORMAT_EXTS + (".ann",)
WALK_EXTS = TEXT_EXTS + HTML_EXTS + JSONL_EXTS + FORMAT_EXTS
# What `idleb-desk extract` reads as article text (annotation files are import-only).
ARTICLE_EXTS = TEXT_EXTS + HTML_EXTS + JSONL_EXTS

BOM = "\ufeff"
_NON_SPACE = re.compile(r"\S")
# A first line longer than this is the article's first paragraph, not its headline.
HEADLINE_MAX = 120


@dataclass
class SourceDoc:
    """One document read from input, ready to store. `text` is exactly as decoded, less
    one leading U+FEFF (a byte order mark that survived decoding is not article text)."""

    ext_id: str
    title: str
    text: str
    path: str
    encoding: str
    meta: dict[str, Any] = field(default_factory=dict)
    # Set only for lines of our own JSONL export: the annotations to restore verbatim.
    annotations: dict[str, Any] | None = None
    line: int | None = None
    # Why the decoded text may not be what the author wrote (replacement characters,
    # mojibake); shown beside the encoding in the import report.
    warning: str = ""


ReadItem = SourceDoc | Problem


def supported_list() -> str:
    return ", ".join(SUPPORTED_EXTS)


def strip_bom(text: str) -> str:
    """`text` without one leading U+FEFF.

    Qt drops a leading U+FEFF when it shows a text, and offsets must count the characters
    the analyst sees, so an article never starts with one.
    """
    return text[1:] if text.startswith(BOM) else text


def first_line_title(text: str) -> str:
    """The first line when it reads as a headline, else "" (the caller falls back).

    Only the head of the text is looked at: a 5 MB article that is one line must not be
    split into a million words to learn that its first line is too long for a title.
    """
    first = _NON_SPACE.search(text)
    if first is None:
        return ""
    head = text[first.start() : first.start() + 4 * HEADLINE_MAX]
    lines = head.splitlines()
    line = " ".join(lines[0].split()) if lines else ""
    if len(lines) == 1 and len(head) == 4 * HEADLINE_MAX:
        return ""  # no line end in sight: a long paragraph, not a headline
    return line if len(line) <= HEADLINE_MAX else ""
