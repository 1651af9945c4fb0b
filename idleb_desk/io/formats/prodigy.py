"""Prodigy-style JSONL: `{"text", "tokens", "spans", "relations"}` a line.

In: a line with `spans` or `relations` (and none of our `annotations`) is a Prodigy task;
its spans become suggestions and its relations claims (see `claim_map`). A task answered
`reject` has its spans marked rejected. Out: one task per document with `tokens`,
`spans` (`token_start`/`token_end` inclusive, as Prodigy writes them) and `relations`
(`head`/`child` are the last token of each span, with `head_span`/`child_span`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import IO, Any

from idleb_desk.io.fields import Int, ListOf, Obj, Opt, Str, check
from idleb_desk.io.formats import claim_map
from idleb_desk.io.formats.common import (
    EXT_CLAIMS,
    EXT_KEY,
    Defaults,
    ExportDoc,
    FormatError,
    finish_claims,
    foreign_span,
    json_line,
    our_line,
)
from idleb_desk.io.formats.tokens import aligned_doc, token_range

NAME = "prodigy"

SPAN = Obj({"start": Int, "end": Int, "label": Opt(Str), "text": Opt(Str), EXT_KEY: Opt(Obj())})
RELATION = Obj(
    {"label": Str, "head_span": Opt(SPAN), "child_span": Opt(SPAN),
     EXT_KEY: Opt(Obj({"claim": Opt(Int), "head": Opt(Int), "child": Opt(Int)}))},
    required=("label",),
)  # fmt: skip
TASK = Obj(
    {
        "spans": Opt(ListOf(SPAN, item="span")),
        "relations": Opt(ListOf(RELATION, item="relation")),
        EXT_KEY: Opt(Obj({"claims": EXT_CLAIMS, "document": Opt(Obj())})),
    }
)


def is_task(obj: object) -> bool:
    """A Prodigy task: spans or relations, and not our own `annotations`."""
    if not isinstance(obj, dict) or "annotations" in obj:
        return False
    return "spans" in obj or "relations" in obj


def _span_key(span: object, where: str) -> tuple[object, object]:
    if not isinstance(span, dict):
        raise FormatError(f"{where} is not an object")
    return span.get("start"), span.get("end")


def task_to_line(task: dict[str, Any], defaults: Defaults) -> dict[str, Any]:
    """A Prodigy task as a line of our JSONL; raises FormatError (or FieldError) naming
    the fault."""
    check(task, TASK)
    raw_spans = task.get("spans") or []
    raw_rels = task.get("relations") or []
    if not isinstance(raw_spans, list) or not isinstance(raw_rels, list):
        raise FormatError('"spans" and "relations" must be lists')
    rejected = task.get("answer") == "reject"
    spans: list[dict[str, Any]] = []
    keys: dict[tuple[object, object, object], int] = {}
    by_offsets: dict[tuple[object, object], int] = {}

    def add(raw: object, where: str, listed: bool = False) -> int:
        """The key of a listed span, or of the listed span a relation's head/child names."""
        start, end = _span_key(raw, where)
        assert isinstance(raw, dict)
        label = raw.get("label")
        if not listed:
            if (start, end, label) in keys:
                return keys[(start, end, label)]
            if label is None and (start, end) in by_offsets:
                return by_offsets[(start, end)]
        key = len(spans)
        spans.append(
            foreign_span(key, start, end, label, defaults, raw.get("text"), raw.get(EXT_KEY),
                         rejected)
        )  # fmt: skip
        keys.setdefault((start, end, label), key)
        by_offsets.setdefault((start, end), key)
        return key

    for i, raw in enumerate(raw_spans):
        add(raw, f"span {i + 1}", listed=True)
    relations = []
    for i, rel in enumerate(raw_rels):
        if not isinstance(rel, dict) or not isinstance(rel.get("label"), str):
            raise FormatError(f"relation {i + 1} needs a label")
        found = rel.get(EXT_KEY)
        ext: dict[str, Any] = found if isinstance(found, dict) else {}
        # Our own files name the listed spans by index: two spans may share offsets.
        head = _listed(ext.get("head"), spans)
        if head is None:
            head = add(rel.get("head_span"), f"relation {i + 1}'s head_span")
        child = _listed(ext.get("child"), spans)
        if child is None:
            child = add(rel.get("child_span"), f"relation {i + 1}'s child_span")
        relations.append(claim_map.Relation(head, child, rel["label"], ext.get("claim")))
    ext = task.get(EXT_KEY) or {}
    attrs = ext.get("claims")
    contents = [s["id"] for s in spans if claim_map.is_content_label(s["label"])]
    grouped = claim_map.claims_from_relations(relations, contents, attrs)
    if grouped.warnings:
        raise FormatError("; ".join(grouped.warnings))
    return our_line(
        task.get("id"), task.get("title"), task.get("text"), task.get("meta"), spans,
        finish_claims(grouped, defaults), defaults, ext.get("document"),
    )  # fmt: skip


def _listed(index: object, spans: list[dict[str, Any]]) -> int | None:
    ok = isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(spans)
    return index if ok else None  # type: ignore[return-value]


def line_converter(forced: bool, accepted: bool) -> Callable[[object], object]:
    """For `readers.read_jsonl`: turn Prodigy tasks into our lines, pass others through.

    With `forced` (`--format prodigy`) every line without our annotations is a task.
    """
    defaults = Defaults(NAME, accepted)

    def convert(obj: object) -> object:
        if isinstance(obj, dict) and (is_task(obj) or (forced and "annotations" not in obj)):
            return task_to_line(obj, defaults)
        return obj

    return convert


def refuse_tasks(obj: object) -> object:
    """For `--format idleb`: a Prodigy task is not ours; say so instead of dropping spans."""
    if is_task(obj):
        raise FormatError(
            'has "spans" or "relations" (a Prodigy task), which --format idleb does not '
            "read; import it with --format prodigy or auto"
        )
    return obj


# ---- export ---------------------------------------------------------------------------


def doc_to_task(doc: ExportDoc) -> dict[str, Any]:
    tdoc = aligned_doc(doc.text, ((s["start"], s["end"]) for s in doc.spans))
    index = {s["id"]: i for i, s in enumerate(doc.spans)}
    spans = []
    for s in doc.spans:
        first, last = token_range(tdoc, s["start"], s["end"])
        spans.append(
            {"start": s["start"], "end": s["end"], "text": s["text"], "label": s["label"],
             "token_start": first, "token_end": last, EXT_KEY: doc.span_extra(s)}
        )  # fmt: skip
    relations = []
    for n, claim in enumerate(doc.claims):
        for rel in claim_map.claim_relations(n, claim):
            head, child = spans[index[rel.head]], spans[index[rel.child]]
            relations.append(
                {"head": head["token_end"], "child": child["token_end"],
                 "head_span": _ref(head), "child_span": _ref(child), "label": rel.label,
                 EXT_KEY: {"claim": n, "head": index[rel.head], "child": index[rel.child]}}
            )  # fmt: skip
    claims = [{"content": index[c["content"]]} | doc.claim_extra(c) for c in doc.claims]
    return {
        "id": doc.ext_id,
        "title": doc.title,
        "text": doc.text,
        "meta": doc.meta,
        "tokens": [
            {
                "text": t.text,
                "start": t.idx,
                "end": t.idx + len(t.text),
                "id": t.i,
                "ws": bool(t.whitespace_),
            }
            for t in tdoc
        ],  # fmt: skip
        "spans": spans,
        "relations": relations,
        "answer": "accept",
        EXT_KEY: {"document": doc.doc_extra, "claims": claims},
    }


def _ref(span: dict[str, Any]) -> dict[str, Any]:
    keys = ("start", "end", "token_start", "token_end", "label")
    return {k: span[k] for k in keys}


def write(docs: Iterator[ExportDoc], fh: IO[str]) -> int:
    n = 0
    for doc in docs:
        fh.write(json_line(doc_to_task(doc)) + "\n")
        n += 1
    return n
