"""JSON from files, read so that no value in it can crash a reader.

- An integer longer than Python reads (`sys.get_int_max_str_digits()`, 4,300 digits by
  default) becomes a `LongNumber` instead of a ValueError for the whole text: the record
  holding it is refused by its field checks (`idleb_desk.io.fields`), the others are read.
- Nesting deeper than the parser's recursion allows raises RecursionError for the whole
  text; `array_items` cuts a top-level array into its items without parsing them, so a
  file of tasks can be read one task at a time and only the deep one refused.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

from idleb_desk.io.fields import LongNumber

# A JSON string (escapes included), or one of the characters that shape the nesting.
_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]', re.DOTALL)


def _int(literal: str) -> int | LongNumber:
    digits = len(literal) - literal.startswith("-")
    limit = sys.get_int_max_str_digits()
    if limit and digits > limit:
        return LongNumber(digits)
    return int(literal)


def loads(text: str) -> object:
    """json.loads with long integers as `LongNumber`. Raises json.JSONDecodeError for
    text that is not JSON and RecursionError for nesting too deep to parse."""
    return json.loads(text, parse_int=_int)


def nesting_message() -> str:
    return "is nested too deeply to read (lists or objects more than about 1,000 levels deep)"


def array_items(text: str) -> Iterator[str]:
    """The items of the JSON array `text`, each as its own text, in order.

    Linear in the text: strings are skipped whole by one regular expression, and only
    brackets, braces and commas are looked at. Raises ValueError when `text` is not one
    array (its brackets do not balance, or something follows it).
    """
    start = text.find("[")
    if start < 0 or text[:start].strip():
        raise ValueError("is not a JSON array")
    depth = 0
    item_start = start + 1
    for m in _TOKEN.finditer(text, start):
        tok = m.group()
        if tok in "[{":
            depth += 1
        elif tok in "]}":
            depth -= 1
            if depth == 0:
                last = text[item_start : m.start()]
                if last.strip():
                    yield last
                if text[m.end() :].strip():
                    raise ValueError("has more after the end of its list of tasks")
                return
        elif tok == "," and depth == 1:
            yield text[item_start : m.start()]
            item_start = m.end()
    raise ValueError("ends before its list of tasks is closed")
