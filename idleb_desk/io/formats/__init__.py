"""Other tools' annotation formats, in and out (see docs/formats.md).

In: Prodigy JSONL, spaCy DocBin (`.spacy`), brat standoff (`.txt` + `.ann`) and Label
Studio JSON become lines of our own JSONL (`common.our_line`) and go through the same
checked restore as our own export. Out: the same four, plus CoNLL BIO for actors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

IMPORT_FORMATS = ("auto", "idleb", "prodigy", "spacy", "brat", "labelstudio")
EXPORT_FORMATS = ("csv", "jsonl", "prodigy", "spacy", "brat", "labelstudio", "conll")

Reader = Callable[[], Iterator[object]]


def reader_for(path: Path, fmt: str, accepted: bool) -> Reader | None:
    """A reader for `path` in an exchange format, or None for our own readers.

    "auto" goes by extension: `.spacy`, `.json` (Label Studio), `.ann` or a `.txt` with an
    `.ann` beside it (brat); `.jsonl` is decided line by line (`jsonl_converter`).
    """
    if fmt not in IMPORT_FORMATS:
        raise ValueError(f"unknown import format {fmt!r}; known: {', '.join(IMPORT_FORMATS)}")
    ext = path.suffix.lower()
    auto = fmt == "auto"
    if fmt == "spacy" or (auto and ext == ".spacy"):
        from idleb_desk.io.formats import docbin

        return lambda: docbin.read(path, accepted)
    if fmt == "labelstudio" or (auto and ext == ".json"):
        from idleb_desk.io.formats import labelstudio

        return lambda: labelstudio.read(path, accepted)
    brat_pair = ext == ".txt" and path.with_suffix(".ann").is_file()
    if (fmt == "brat" and ext in (".txt", ".ann")) or (auto and (ext == ".ann" or brat_pair)):
        from idleb_desk.io.formats import brat

        return lambda: brat.read(path, accepted)
    return None


def jsonl_converter(fmt: str, accepted: bool) -> Callable[[object], object] | None:
    """The line converter for a `.jsonl` file: Prodigy tasks become our lines.

    With "idleb" a Prodigy task is refused rather than read as plain text, so that its
    spans are never dropped without a word.
    """
    if fmt not in ("auto", "prodigy", "idleb"):
        return None
    from idleb_desk.io.formats import prodigy

    if fmt == "idleb":
        return prodigy.refuse_tasks
    return prodigy.line_converter(fmt == "prodigy", accepted)
