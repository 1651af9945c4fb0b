"""Label Studio JSON: a list of tasks, as its "JSON" export writes and its import reads.

Each task is `{"id", "data": {"text", …}, "annotations": [{"result": […]}],
"predictions": [{"model_version", "result": […]}]}`. A span is a `labels` result
(`value.start`, `value.end`, `value.text`, `value.labels`); a claim role is a `relation`
result from the content region (`from_id`) to the role's region (`to_id`), see
`claim_map`. Offsets are code points: Label Studio has stored code points since its
frontend fix for emoji (label-studio-frontend #308); a region whose text only matches
when counted in UTF-16 units, as older versions did, is converted.

Out: reviewed items in one annotation, suggested and rejected ones (with `--all`) in one
prediction, and `labelstudio-config.xml`, the labeling config that shows them. Review
states and claim attributes go in `data.idleb`. In: our own extension when present, else
the first annotation that was not cancelled, else the first prediction.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from idleb_desk.io import json_values
from idleb_desk.io.errors import ImportProblem, Problem
from idleb_desk.io.fields import (
    Anything,
    FieldError,
    Int,
    Key,
    ListOf,
    MapOf,
    Obj,
    Opt,
    Str,
    check,
)
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
from idleb_desk.io.jsonl_reader import jsonl_line_to_doc
from idleb_desk.io.source import SourceDoc
from idleb_desk.model import REVIEWED_STATUSES

NAME = "labelstudio"
FROM_NAME = "label"
TO_NAME = "text"
CONFIG_FILE = "labelstudio-config.xml"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


# ---- export ---------------------------------------------------------------------------


def _region(rid: str, s: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": FROM_NAME,
        "to_name": TO_NAME,
        "type": "labels",
        "value": {"start": s["start"], "end": s["end"], "text": s["text"], "labels": [s["label"]]},
    }


def doc_to_task(doc: ExportDoc, task_id: int) -> dict[str, Any]:
    rid = {s["id"]: f"s{i}" for i, s in enumerate(doc.spans)}
    by_id = {s["id"]: s for s in doc.spans}
    results: dict[bool, list[dict[str, Any]]] = {True: [], False: []}
    placed: dict[bool, set[str]] = {True: set(), False: set()}

    def place(reviewed: bool, span_id: Any) -> None:
        if rid[span_id] not in placed[reviewed]:
            placed[reviewed].add(rid[span_id])
            results[reviewed].append(_region(rid[span_id], by_id[span_id]))

    for s in doc.spans:
        place(s["status"] in REVIEWED_STATUSES, s["id"])
    for n, claim in enumerate(doc.claims):
        reviewed = claim["status"] in REVIEWED_STATUSES
        for rel in claim_map.claim_relations(n, claim):
            place(reviewed, rel.head)  # a region a relation names must be in its list
            place(reviewed, rel.child)
            results[reviewed].append(
                {"type": "relation", "from_id": rid[rel.head], "to_id": rid[rel.child],
                 "direction": "right", "labels": [rel.label], f"{EXT_KEY}_claim": n}
            )  # fmt: skip
    task: dict[str, Any] = {
        "id": task_id,
        "data": {
            "text": doc.text,
            "title": doc.title,
            "doc_id": doc.ext_id,
            "meta": doc.meta,
            EXT_KEY: {
                "document": doc.doc_extra,
                "spans": {rid[s["id"]]: doc.span_extra(s) for s in doc.spans},
                "claims": [
                    {"content": rid[c["content"]]} | doc.claim_extra(c) for c in doc.claims
                ],  # fmt: skip
            },
        },
        "annotations": [],
        "predictions": [],
    }
    if results[True]:
        task["annotations"].append({"result": results[True], "was_cancelled": False})
    if results[False]:
        version = str(doc.doc_extra.get("extracted_with") or "idleb_desk")
        task["predictions"].append({"model_version": version, "result": results[False]})
    return task


def labeling_config(labels: set[str]) -> str:
    """The labeling config (XML) for the exported labels and relation labels."""
    label_tags = "\n".join(f"    <Label value={quoteattr(lab)}/>" for lab in sorted(labels))
    rel_tags = "\n".join(f"    <Relation value={quoteattr(r)}/>" for r in claim_map.RELATION_LABELS)
    return (
        "<View>\n"
        f"  <Relations>\n{rel_tags}\n  </Relations>\n"
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{label_tags}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="$text"/>\n'
        "</View>\n"
    )


def write(docs: Iterator[ExportDoc], fh: IO[str]) -> tuple[int, set[str]]:
    """A JSON list of tasks, written one task at a time; returns (tasks, labels used)."""
    labels: set[str] = set()
    n = 0
    fh.write("[")
    for doc in docs:
        fh.write(",\n" if n else "\n")
        n += 1
        fh.write(json_line(doc_to_task(doc, n)))
        labels.update(s["label"] for s in doc.spans)
    fh.write("\n]\n")
    return n, labels


# ---- import ---------------------------------------------------------------------------

REGION_VALUE = Obj(
    {"start": Int, "end": Int, "text": Opt(Str), "labels": ListOf(Str)},
    required=("start", "end", "labels"),
)
RELATION = Obj(
    {"from_id": Key, "to_id": Key, "labels": Opt(ListOf(Str)), "direction": Opt(Str),
     f"{EXT_KEY}_claim": Opt(Int)},
    required=("from_id", "to_id"),
)  # fmt: skip
ANNOTATION = Obj({"result": Opt(ListOf(Obj())), "was_cancelled": Opt(Anything)})
EXTENSION = Obj({"spans": Opt(MapOf(Opt(Obj()))), "claims": EXT_CLAIMS, "document": Opt(Obj())})
TASK = Obj(
    {
        "id": Opt(Anything),
        "data": Obj({"text": Str, EXT_KEY: Opt(EXTENSION)}, required=("text",)),
        "annotations": Opt(ListOf(ANNOTATION)),
        "completions": Opt(ListOf(ANNOTATION)),
        "predictions": Opt(ListOf(ANNOTATION)),
    },
    required=("data",),
)


class Utf16Offsets:
    """Code-point offsets from UTF-16 offsets, for one text, built once per task.

    Only characters beyond U+FFFF differ (two units, one code point), so their positions
    are all it keeps; each conversion is a binary search. A map over the whole text per
    region made a file with thousands of mismatched regions run for minutes.
    """

    def __init__(self, text: str) -> None:
        self.length = len(text)
        # Where each astral character starts, counted in UTF-16 units.
        self.unit_starts = [m.start() + k for k, m in enumerate(_ASTRAL.finditer(text))]

    def points(self, unit: int) -> int | None:
        """The code-point offset at `unit`, or None inside a pair or past the end."""
        k = bisect.bisect_left(self.unit_starts, unit)
        if k and self.unit_starts[k - 1] == unit - 1:
            return None  # between the two halves of one character
        point = unit - k
        return point if 0 <= point <= self.length else None


def _offsets(
    text: str, value: dict[str, Any], index: Callable[[], Utf16Offsets]
) -> tuple[int, int]:
    start, end, said = value["start"], value["end"], value.get("text")
    if isinstance(said, str) and text[start:end] != said:
        utf16 = index()
        a, b = utf16.points(start), utf16.points(end)
        if a is not None and b is not None and text[a:b] == said:
            return a, b
    return start, end


def _results(task: dict[str, Any], ours: bool) -> list[dict[str, Any]]:
    done = [a for a in task.get("annotations") or task.get("completions") or []
            if not a.get("was_cancelled")]  # fmt: skip
    preds = task.get("predictions") or []
    chosen = (done[:1] + preds[:1]) if ours else (done[:1] or preds[:1])
    return [r for item in chosen for r in item.get("result") or []]


def task_to_line(task: object, defaults: Defaults) -> dict[str, Any]:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise FormatError(
            'is not a Label Studio task (an object with "data"); a .json file is read as a '
            "Label Studio export, so leave other JSON files out of the import"
        )
    check(task, TASK)  # FieldError names the field
    data = task["data"]
    text = data["text"]
    ext = data.get(EXT_KEY)
    span_extra = (ext or {}).get("spans") or {}
    spans: list[dict[str, Any]] = []
    keys: dict[str, int] = {}
    relations: list[claim_map.Relation] = []
    index: list[Utf16Offsets] = []

    def utf16() -> Utf16Offsets:
        if not index:
            index.append(utf16_index(text))
        return index[0]

    for n, r in enumerate(_results(task, ext is not None), 1):
        if r.get("type") == "relation":
            check(r, RELATION, f"result {n}")
            a, b = str(r["from_id"]), str(r["to_id"])
            head, child = (b, a) if r.get("direction") == "left" else (a, b)
            claim = r.get(f"{EXT_KEY}_claim")
            relations.extend(
                claim_map.Relation(head, child, lab, claim) for lab in r.get("labels") or [""]
            )
            continue
        value = r.get("value")
        if not isinstance(value, dict) or "start" not in value or "labels" not in value:
            continue  # a choice, a rating or a text area: not a span
        check(value, REGION_VALUE, f'result {n} "value"')
        rid = str(r.get("id"))
        if rid in keys:  # the same region in the annotation and the prediction
            continue
        start, end = _offsets(text, value, utf16)
        for lab in value["labels"]:
            keys.setdefault(rid, len(spans))
            spans.append(foreign_span(len(spans), start, end, lab, defaults, value.get("text"),
                                      span_extra.get(rid)))  # fmt: skip
    rels = []
    for rel in relations:
        if rel.head not in keys or rel.child not in keys:
            raise FormatError(f"a {rel.label} relation names a region that is not there")
        rels.append(claim_map.Relation(keys[rel.head], keys[rel.child], rel.label, rel.claim))
    attrs = None
    if ext is not None and ext.get("claims") is not None:
        attrs = [a | {"content": keys.get(str(a.get("content")))} for a in ext["claims"]]
    contents = [s["id"] for s in spans if claim_map.is_content_label(s["label"])]
    grouped = claim_map.claims_from_relations(rels, contents, attrs)
    if grouped.warnings:
        raise FormatError("; ".join(grouped.warnings))
    ext_id = data.get("doc_id", task.get("id"))
    # Task data is the user's own: only our keys are taken, and only with our types.
    title = data.get("title") if isinstance(data.get("title"), str) else None
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else None
    claims = finish_claims(grouped, defaults)
    doc_extra = (ext or {}).get("document")
    return our_line(ext_id, title, text, meta, spans, claims, defaults,
                    doc_extra)  # fmt: skip


def utf16_index(text: str) -> Utf16Offsets:
    return Utf16Offsets(text)


def _tasks(path: Path) -> Iterator[object | Problem]:
    """Each task of the file, parsed; a task too deep to parse is a Problem of its own."""
    name = str(path)
    try:
        raw = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        yield Problem(name, f"cannot be read ({exc.strerror or exc})")
        return
    except UnicodeDecodeError as exc:
        yield Problem(name, f"is not a Label Studio JSON file (not UTF-8: {exc.reason})")
        return
    try:
        tasks = json_values.loads(raw)
    except json.JSONDecodeError as exc:
        yield Problem(name, f"is not a Label Studio JSON file ({exc.msg}, line {exc.lineno}, "
                      f"column {exc.colno})")  # fmt: skip
        return
    except RecursionError:
        tasks = None  # one task nests too deeply: read the others one by one
    if tasks is None:
        try:
            items = list(json_values.array_items(raw))
        except ValueError as exc:
            yield Problem(name, f"{json_values.nesting_message()} ({exc})")
            return
        for n, item in enumerate(items, 1):
            try:
                yield json_values.loads(item)
            except (RecursionError, json.JSONDecodeError):
                yield Problem(name, f"task {n} {json_values.nesting_message()}")
        return
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list):
        yield Problem(name, "is not a Label Studio JSON file (a list of tasks)")
        return
    yield from tasks


def read(path: Path, accepted: bool) -> Iterator[SourceDoc | Problem]:
    """The tasks of a Label Studio JSON file (a list of tasks, or one task)."""
    name = str(path)
    defaults = Defaults(NAME, accepted)
    for n, task in enumerate(_tasks(path), 1):
        if isinstance(task, Problem):
            yield task
            continue
        try:
            doc = jsonl_line_to_doc(task_to_line(task, defaults), name, n, "utf-8")
        except FieldError as exc:
            yield Problem(name, f"task {n}: {exc}")
            continue
        except FormatError as exc:
            yield Problem(name, f"task {n} {exc}")
            continue
        except ImportProblem as exc:
            yield Problem(name, f"task {n}: {exc.problem}")
            continue
        doc.line = None  # a task is not a line of the file
        yield doc
