"""Other tools' annotation formats, in and out (see docs/formats.md).

In: Prodigy JSONL, spaCy DocBin (`.spacy`), brat standoff (`.txt` + `.ann`) and Label
Studio JSON become lines of our own JSONL (`common.our_line`) and go through the same
checked restore as our own export. Out: the same four, plus CoNLL BIO for actors.
Which reader reads which file is decided in one place, `registry`.
"""

from __future__ import annotations

from idleb_desk.io.formats.registry import (
    EXPORT_FORMATS,
    IMPORT_FORMATS,
    jsonl_converter,
    reader_for,
)

__all__ = ["EXPORT_FORMATS", "IMPORT_FORMATS", "jsonl_converter", "reader_for"]
