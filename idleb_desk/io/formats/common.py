"""The meeting point of every exchange format: our own JSONL line.

Import: a format reader turns each foreign document into the line our JSONL export
writes (`{"id", "title", "text", "meta", "annotations"}`), so the existing checks and
restore (`store.annotations.check_annotations` / `restore_annotations`) write it, with
the same refusals for offsets outside the text or a span whose text does not match.
Export: `iter_export_docs` gives each document's annotations as that export builds them,
and a format writer turns them into its own shape.

Fields a format cannot hold natively travel in an `idleb` key (per span, per claim, per
document) where the format allows extra keys; a file from another tool has none, and
gets the defaults: status `suggested` (or `accepted` on request), origin
`import:FORMAT`, kind `statement`, quote type `indirect`.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from idleb_desk.io.fields import Int, Key, ListOf, Obj, Opt
from idleb_desk.io.formats import claim_map
from idleb_desk.io.jsonl import loads_meta
from idleb_desk.model import (
    ACCEPTED,
    CLAIM_PART_LABELS,
    LAYER_ACTOR,
    LAYER_CLAIM,
    REJECTED,
    SUGGESTED,
)
from idleb_desk.store import annotations as annotation_rows
from idleb_desk.store.store import Store

EXT_KEY = "idleb"  # the extension key our own files carry in each format
SPAN_EXTRAS = ("layer", "status", "origin", "reviewer", "reviewed_at", "actor")
DOC_EXTRAS = ("status", "reviewer", "reviewed_at", "extracted_with", "source", "regions")
DEFAULT_KIND = "statement"
DEFAULT_QUOTE_TYPE = "indirect"

# Our extension's claim list (Prodigy, Label Studio): the shape the readers rely on; the
# claim attributes themselves are checked with our own JSONL's (io/annotation_fields.py).
EXT_CLAIM = Obj({"content": Opt(Key), "nested_in": Opt(Int)})
EXT_CLAIMS = Opt(ListOf(EXT_CLAIM))


# JSON keeps these raw with ensure_ascii=False, and str.splitlines() breaks lines at them.
_SPLITLINES_ONLY = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def json_line(value: object) -> str:
    """One JSON value on one line for any line reader: readable UTF-8, with the three
    line breaks that only str.splitlines() knows escaped (JSON escapes the others)."""
    text = json.dumps(value, ensure_ascii=False)
    for raw, escaped in _SPLITLINES_ONLY.items():
        text = text.replace(raw, escaped)
    return text


class FormatError(ValueError):
    """A foreign document that cannot be read; the message says what is wrong, and
    `line` where (a line of a brat `.ann`, for example), when the format has lines."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Defaults:
    """What a foreign item gets when the file does not say."""

    fmt: str
    accepted: bool = False

    @property
    def status(self) -> str:
        return ACCEPTED if self.accepted else SUGGESTED

    @property
    def origin(self) -> str:
        return f"import:{self.fmt}"


def layer_for(label: str) -> str:
    return LAYER_CLAIM if label.upper() in CLAIM_PART_LABELS else LAYER_ACTOR


def foreign_span(
    key: Hashable,
    start: object,
    end: object,
    label: object,
    defaults: Defaults,
    text: object = None,
    extra: object = None,
    rejected: bool = False,
) -> dict[str, Any]:
    """A span of our annotations from a foreign one; `extra` is our own extension."""
    if not isinstance(label, str) or not label.strip():
        raise FormatError(f"a span at {start!r}..{end!r} has no label")
    if isinstance(start, bool) or isinstance(end, bool):
        raise FormatError(f"span {label!r} has offsets {start!r}..{end!r} that are not numbers")
    ext = extra if isinstance(extra, dict) else {}
    label = label.strip()
    if label.upper() in CLAIM_PART_LABELS:  # "content" is our CONTENT: one spelling
        label = label.upper()
    span: dict[str, Any] = {
        "id": key,
        "start": start,
        "end": end,
        "label": label,
        "layer": layer_for(label),
        "status": REJECTED if rejected else defaults.status,
        "origin": defaults.origin,
        "reviewer": None,
        "reviewed_at": None,
        "actor": None,
    }
    span |= {k: ext[k] for k in SPAN_EXTRAS if k in ext}
    if isinstance(text, str):
        span["text"] = text
    return span


def finish_claims(grouped: claim_map.Grouped, defaults: Defaults) -> list[dict[str, Any]]:
    """Claims with every attribute set (the file's own, else the defaults) and an id.

    A `nested_in` index becomes the outer claim's id; one that names no claim is left for
    the field checks to refuse (io/annotation_fields.py)."""
    out = []
    for i, c in enumerate(grouped.claims):
        nested = c.get(claim_map.NESTED_IN)
        if isinstance(nested, int) and not isinstance(nested, bool):
            c = c | {claim_map.NESTED_IN: f"claim-{nested}"}
        out.append(
            {
                "kind": DEFAULT_KIND,
                "quote_type": DEFAULT_QUOTE_TYPE,
                "status": defaults.status,
                "origin": defaults.origin,
                "reviewer": None,
                "reviewed_at": None,
            }
            | c
            | {"id": f"claim-{i}"}
        )
    return out


def our_line(
    ext_id: object,
    title: object,
    text: object,
    meta: object,
    spans: Sequence[dict[str, Any]],
    claims: Sequence[dict[str, Any]],
    defaults: Defaults,
    doc_extra: object = None,
) -> dict[str, Any]:
    """A line of our own JSONL, for `readers.jsonl_line_to_doc` and the restore."""
    ext = doc_extra if isinstance(doc_extra, dict) else {}
    ann: dict[str, Any] = {
        "format": annotation_rows.ANNOTATIONS_FORMAT,
        "status": None,
        "reviewer": None,
        "reviewed_at": None,
        "extracted_with": defaults.origin,  # so the window does not extract it again
        "regions": [],
    }
    ann |= {k: ext[k] for k in DOC_EXTRAS if k in ext}
    ann["spans"] = list(spans)
    ann["claims"] = list(claims)
    line: dict[str, Any] = {"text": text, "annotations": ann}
    if ext_id is not None:
        line["id"] = ext_id
    if title is not None:
        line["title"] = title
    if meta is not None:
        line["meta"] = meta
    return line


@dataclass
class ExportDoc:
    """One document as the formats export it: our annotations, claims with content only."""

    ext_id: str
    title: str
    text: str
    meta: dict[str, Any]
    spans: list[dict[str, Any]]
    claims: list[dict[str, Any]]
    doc_extra: dict[str, Any]
    skipped_claims: int = 0

    def span_extra(self, span: dict[str, Any]) -> dict[str, Any]:
        return {k: span.get(k) for k in SPAN_EXTRAS}

    def claim_extra(self, claim: dict[str, Any]) -> dict[str, Any]:
        """The claim's attributes, and the index of its outer claim among `claims` (None
        when it has none, or when that claim is not exported)."""
        nested = self._claim_index.get(claim.get(claim_map.NESTED_IN))
        return (
            {k: claim.get(k) for k in claim_map.CLAIM_ATTRS}
            | {k: claim[k] for k in claim_map.OPTIONAL_ATTRS if claim.get(k) is not None}
            | {claim_map.NESTED_IN: nested}
        )

    @cached_property
    def _claim_index(self) -> dict[Any, int]:
        return {c["id"]: i for i, c in enumerate(self.claims)}


def iter_export_docs(store: Store, include_all: bool) -> Iterator[ExportDoc]:
    """Every document with its annotations (reviewed only unless include_all)."""
    for doc_id, ext_id, title, text, meta in annotation_rows.iter_documents(store):
        ann = annotation_rows.document_annotations(store, doc_id, text, include_all)
        claims, skipped = claim_map.exportable(ann["claims"])
        yield ExportDoc(
            ext_id=str(ext_id),
            title=str(title),
            text=str(text),
            meta=loads_meta(meta),
            spans=ann["spans"],
            claims=claims,
            doc_extra={k: ann.get(k) for k in DOC_EXTRAS},
            skipped_claims=skipped,
        )
