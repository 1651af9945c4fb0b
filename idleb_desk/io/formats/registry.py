"""Which reader reads a file: the one place that maps `--format` and extensions to readers.

`io.readers` asks `reader_for` and falls back to its own article readers (`.txt`, `.md`,
`.html`) only when this says None; the format modules never import `io.readers`, so the
two no longer import each other.

With `--format auto` a file is read by its extension. With a named format the file's
content must look like that format before anything is read: a Label Studio JSON given as
`--format brat` was otherwise stored as an article (and extracted) without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from idleb_desk.io.errors import Problem
from idleb_desk.io.jsonl_reader import read_jsonl
from idleb_desk.io.source import ARTICLE_EXTS, JSONL_EXTS, SourceDoc

IMPORT_FORMATS = ("auto", "idleb", "prodigy", "spacy", "brat", "labelstudio")
EXPORT_FORMATS = ("csv", "jsonl", "prodigy", "spacy", "brat", "labelstudio", "conll")

# A reader yields documents (io.source.SourceDoc) and problems (io.errors.Problem).
Reader = Callable[[], Iterator["SourceDoc | Problem"]]
_HEAD = 64 * 1024  # enough of a file to tell its format


@dataclass(frozen=True)
class ImportFormat:
    name: str
    title: str  # what the format is, for "is not …" messages


FORMATS = {
    f.name: f
    for f in (
        ImportFormat("idleb", "one of our own formats (.txt .md .html .htm .jsonl)"),
        ImportFormat("prodigy", "Prodigy JSONL (one JSON object a line)"),
        ImportFormat("spacy", "a spaCy DocBin file (zlib-compressed)"),
        ImportFormat("brat", "brat standoff (a NAME.txt with its NAME.ann)"),
        ImportFormat("labelstudio", "Label Studio JSON (a list of tasks)"),
    )
}


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            return fh.read(_HEAD)
    except OSError:
        return b""  # the reader reports why it cannot be read


def _first_text(head: bytes) -> str:
    """The head without a byte order mark and leading white space, as far as it decodes."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")
    return text.lstrip()


def _looks_like_jsonl(text: str) -> bool:
    """Two or more lines that each start a JSON object: JSONL, not one JSON value."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return len(lines) > 1 and all(ln.startswith("{") and ln.endswith("}") for ln in lines[:2])


def mismatch(path: Path, fmt: str) -> str | None:
    """Why `path` is not in the named format, or None when it may well be."""
    ext = path.suffix.lower()
    kind = f"a {ext} file" if ext else "a file without an extension"
    if fmt == "idleb":
        return None if ext in ARTICLE_EXTS else f"it is {kind}"
    if fmt == "brat":
        return None if ext in (".txt", ".ann") else f"it is {kind}"
    head = _head(path)
    if fmt == "spacy":
        # A DocBin is zlib data: 0x78, and a header checksum that is a multiple of 31.
        ok = len(head) >= 2 and head[0] & 0x0F == 8 and (head[0] << 8 | head[1]) % 31 == 0
        return None if ok else "it does not start with zlib-compressed data"
    text = _first_text(head)
    if not text:
        return None  # empty: the reader says so
    if fmt == "prodigy":
        return None if text.startswith("{") else "its first line is not a JSON object"
    if fmt == "labelstudio":
        if not text.startswith(("[", "{")):
            return "it does not start with a JSON list or object"
        if _looks_like_jsonl(text):
            return "it holds one JSON object a line, as JSONL such as Prodigy's does"
    return None


def _refuse(path: Path, fmt: str, why: str) -> Reader:
    message = f"is not {FORMATS[fmt].title}, so --format {fmt} does not read it ({why})"
    return lambda: iter([Problem(str(path), message)])


def reader_for(path: Path, fmt: str, accepted: bool) -> Reader | None:
    """The reader for `path`, or None for the plain article readers (.txt .md .html).

    "auto" goes by extension: `.spacy`, `.json` (Label Studio), `.ann` or a `.txt` with an
    `.ann` beside it (brat), `.jsonl` (ours or Prodigy, decided line by line).
    """
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; known: {', '.join(IMPORT_FORMATS)}")
    if fmt != "auto" and (why := mismatch(path, fmt)) is not None:
        return _refuse(path, fmt, why)
    ext = path.suffix.lower()
    auto = fmt == "auto"
    if fmt == "spacy" or (auto and ext == ".spacy"):
        from idleb_desk.io.formats import docbin

        return lambda: docbin.read(path, accepted)
    if fmt == "labelstudio" or (auto and ext == ".json"):
        from idleb_desk.io.formats import labelstudio

        return lambda: labelstudio.read(path, accepted)
    brat_pair = ext == ".txt" and path.with_suffix(".ann").is_file()
    if fmt == "brat" or (auto and (ext == ".ann" or brat_pair)):
        from idleb_desk.io.formats import brat

        return lambda: brat.read(path, accepted)
    if fmt == "prodigy" or ext in JSONL_EXTS:
        convert = jsonl_converter(fmt, accepted)
        return lambda: read_jsonl(path, convert)
    return None


def jsonl_converter(fmt: str, accepted: bool) -> Callable[[object], object] | None:
    """The line converter for a JSONL file: Prodigy tasks become our lines.

    With "idleb" a Prodigy task is refused rather than read as plain text, so that its
    spans are never dropped without a word.
    """
    if fmt not in ("auto", "prodigy", "idleb"):
        return None
    from idleb_desk.io.formats import prodigy

    if fmt == "idleb":
        return prodigy.refuse_tasks
    return prodigy.line_converter(fmt == "prodigy", accepted)
