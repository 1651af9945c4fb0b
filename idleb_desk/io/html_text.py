"""HTML to article text: visible text only, blocks as paragraphs, the title kept apart.

Stdlib `html.parser` only: importing a saved news page must not need a browser engine.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_TITLE = 200

# Elements whose content is never article text.
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "iframe"})
# Elements that start a new paragraph; their text is never run into the neighbour's.
_BLOCK_TAGS = frozenset((
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
    "table", "td", "th", "tr", "ul",
))  # fmt: skip
_PARA = "\x00"  # a marker that cannot occur in decoded text (NUL is refused earlier)
_WS = re.compile(r"[ \t\n\r\f]+")


class _TextParser(HTMLParser):
    """Collects visible text: whitespace collapsed as a browser does, blocks as paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skip = 0
        self.pre = 0
        self.in_title = False
        self.in_h1 = False
        self.title: list[str] = []
        self.h1: list[str] = []
        self.h1_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "br":
            self.pieces.append("\n")
        elif tag in _BLOCK_TAGS:
            self.pieces.append(_PARA)
            self.pre += tag == "pre"
            self.in_h1 = self.in_h1 or (tag == "h1" and not self.h1_done)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK_TAGS:
            self.pieces.append(_PARA)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            if tag == "h1" and self.in_h1:
                self.in_h1, self.h1_done = False, True

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
            return
        if self.skip:
            return
        if self.in_h1:
            self.h1.append(data)
        self.pieces.append(data if self.pre else _WS.sub(" ", data))


def html_to_text(markup: str) -> tuple[str, str]:
    """(visible text with paragraphs separated by a blank line, title or "")."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    paragraphs = []
    for block in "".join(parser.pieces).split(_PARA):
        lines = [_WS.sub(" ", line).strip() for line in block.split("\n")]
        para = "\n".join(line for line in lines if line)
        if para:
            paragraphs.append(para)
    title = " ".join("".join(parser.title).split()) or " ".join("".join(parser.h1).split())
    return "\n\n".join(paragraphs), title[:MAX_TITLE]
