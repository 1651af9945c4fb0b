"""Markdown specifics: YAML front matter and the title heading.

Front matter (a `---` line, YAML, then a `---` or `...` line, at the very start of the
file, as Jekyll, Hugo and Pandoc write it) is metadata, not article text: its mapping goes
into the document's meta, its `title` becomes the document's title, and the text starts
after it. A block that is not a YAML mapping stays in the text, with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from idleb_desk.io.html_text import MAX_TITLE
from idleb_desk.io.source import first_line_title

_ATX_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.M | re.S)
# Front matter is a few lines; a longer block is not front matter (and is not parsed).
MAX_FRONT_MATTER = 64 * 1024


@dataclass
class FrontMatter:
    text: str  # the article text after the front matter
    meta: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    warning: str = ""


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a few lines of aliases can expand into
    gigabytes once the meta is written out as JSON ("billion laughs")."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)


def _jsonable(value: Any) -> Any:
    """YAML values as JSON values: dates become ISO strings, other scalars strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def split_front_matter(text: str) -> FrontMatter:
    """The text without its front matter, and the front matter as meta and title."""
    m = _FRONT_MATTER.match(text[: MAX_FRONT_MATTER + 16])
    if m is None:
        return FrontMatter(text)
    try:
        data = yaml.load(m.group(1), Loader=_NoAliasLoader)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return FrontMatter(text, warning=f"front matter is not valid YAML{line}: {reason}; kept")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatter(text, warning="front matter is not a YAML mapping (key: value); kept")
    meta = _jsonable(data)
    title = meta.get("title")
    title = " ".join(title.split())[:MAX_TITLE] if isinstance(title, str) else ""
    body = text[m.end() :].lstrip("\r\n")
    return FrontMatter(body, meta, title)


def markdown_title(text: str) -> str:
    """The first ATX (`# Title`) or setext (`Title` over `====`) heading, else the first line."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = _ATX_HEADING.match(line)
        if m and m.group(1).strip():
            return " ".join(m.group(1).split())[:MAX_TITLE]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and _SETEXT_UNDERLINE.match(nxt) and not _ATX_HEADING.match(line):
            return " ".join(line.split())[:MAX_TITLE]
    return first_line_title(text)
