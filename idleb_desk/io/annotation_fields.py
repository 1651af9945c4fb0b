"""The shape of the `annotations` of a line of our own JSONL, checked before any write.

Every exchange format becomes such a line (`idleb_desk.io.formats.common.our_line`), so
this one description guards them all. `store.annotations.check_annotations` then checks
what needs the text (offsets, span texts, references) and that the fields a restore
needs are there; by then every field that is there has its type.
"""

from __future__ import annotations

from typing import Any

from idleb_desk.io.fields import (
    FieldError,
    Int,
    Key,
    ListOf,
    Obj,
    OneOf,
    Opt,
    Probability,
    Str,
    check,
)
from idleb_desk.model import (
    DOC_DONE,
    DOC_NEW,
    LAYER_ACTOR,
    LAYER_CLAIM,
    QUOTE_TYPES,
    STATUSES,
)

ACTOR = Obj({"name": Str, "label": Str}, required=("name", "label"))
NOTES = {"flag": Opt(Str), "comment": Opt(Str)}
REVIEW = {"reviewer": Opt(Str), "reviewed_at": Opt(Str)}

SPAN = Obj(
    {
        "id": Opt(Key),
        "start": Int,
        "end": Int,
        "text": Str,
        "label": Str,
        "layer": OneOf((LAYER_ACTOR, LAYER_CLAIM)),
        "status": OneOf(STATUSES),
        "origin": Str,
        "actor": Opt(ACTOR),
        **REVIEW,
        **NOTES,
    },
)

CLAIM = Obj(
    {
        "id": Opt(Key),
        "speaker": Opt(Key),
        "cue": Opt(Key),
        "content": Opt(Key),
        "antecedent": Opt(Key),
        "addressees": Opt(ListOf(Key)),
        "content_parts": Opt(ListOf(Key)),
        "nested_in": Opt(Key),
        "kind": Str,
        "quote_type": OneOf(QUOTE_TYPES),
        "status": OneOf(STATUSES),
        "origin": Str,
        "confidence": Opt(Probability),
        **REVIEW,
        **NOTES,
    },
)

REGION = Obj({"start": Int, "end": Int, "kind": Opt(Str)}, required=("start", "end"))

ANNOTATIONS = Obj(
    {
        "format": Opt(Int),
        "source": Opt(Obj({"path": Opt(Str), "encoding": Opt(Str)})),
        "status": Opt(OneOf((DOC_NEW, DOC_DONE))),
        "extracted_with": Opt(Str),
        "spans": Opt(ListOf(SPAN, item="span")),
        "claims": Opt(ListOf(CLAIM, item="claim")),
        "regions": Opt(ListOf(REGION, item="region")),
        **REVIEW,
    }
)


def _unique_ids(items: list[dict[str, Any]], what: str) -> set[object]:
    seen: dict[object, int] = {}
    for i, item in enumerate(items, 1):
        key = item.get("id")
        if key is None:
            continue
        if key in seen:
            raise FieldError(f'{what} {i} has the "id" {key!r} of {what} {seen[key]}')
        seen[key] = i
    return set(seen)


def _nesting(claims: list[dict[str, Any]], ids: set[object]) -> None:
    """`nested_in` names another claim of the line, and no claim ends up inside itself.

    Linear: each claim's chain of outer claims is walked once, then remembered as sound.
    """
    outer = {c["id"]: c.get("nested_in") for c in claims if c.get("id") is not None}
    sound: set[object] = set()
    for i, c in enumerate(claims, 1):
        target = c.get("nested_in")
        if target is None:
            continue
        if target not in ids:
            raise FieldError(
                f'claim {i} "nested_in" names claim {target!r}, which is not in the line'
            )
        path = {c.get("id")}
        while target is not None and target not in sound:
            if target in path:
                raise FieldError(f'claim {i} "nested_in" makes a loop (a claim inside itself)')
            path.add(target)
            target = outer.get(target)
        sound.update(path)


def check_annotation_fields(ann: dict[str, Any]) -> None:
    """Raise FieldError naming the first field of `ann` that a restore could not use."""
    check(ann, ANNOTATIONS, "")
    _unique_ids(ann.get("spans") or [], "span")
    claims = ann.get("claims") or []
    _nesting(claims, _unique_ids(claims, "claim"))
