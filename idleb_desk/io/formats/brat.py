"""brat standoff: `NAME.txt` (the text, UTF-8) beside `NAME.ann` (the annotations).

Offsets are code points into the `.txt`, as brat counts them. Out, per document:
- `T` lines for spans, the type being the label; a span across line breaks is written as
  fragments (`T1 CONTENT 0 12;13 30`), as brat itself does.
- One event per claim: `E1 Claim:T9 Speaker:T1 Cue:T2 Content:T3 Addressee:T4 …`, its
  trigger a `Claim` text-bound on the cue (or on the content when there is no cue).
- Attributes `Status` (every span and event), `Kind` and `QuoteType` (events).
- `AnnotatorNotes` holding `idleb {json}` with what brat has no field for (layer, origin,
  reviewer, time, canonical actor).
- `annotation.conf` in the folder declares every type, role and attribute used.
In: the same, and claims as relations too (`R1 SPEAKER Arg1:T3 Arg2:T1`, `Arg1` the
content, see `claim_map`). Text-bounds used as event triggers are not spans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from idleb_desk.io import json_values
from idleb_desk.io.errors import Problem
from idleb_desk.io.formats import claim_map
from idleb_desk.io.formats.common import (
    EXT_KEY,
    Defaults,
    ExportDoc,
    FormatError,
    finish_claims,
    foreign_span,
    our_line,
)
from idleb_desk.io.source import SourceDoc
from idleb_desk.model import CLAIM_KINDS, QUOTE_TYPES, STATUSES

NAME = "brat"
NOTE_PREFIX = f"{EXT_KEY} "
_T = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)\t(.*)$")
_E = re.compile(r"^(E\d+)\t(\S+):(T\d+)((?: \S+:[TE]\d+)*)\s*$")
_R = re.compile(r"^(R\d+)\t(\S+) \S+:([TE]\d+) \S+:([TE]\d+)\s*$")  # Arg1, Arg2
_A = re.compile(r"^([AM]\d+)\t(\S+) ([TER]\d+)(?: (\S+))?\s*$")
_NOTE = re.compile(r"^(#\d+)\tAnnotatorNotes ([TER]\d+)\t(.*)$")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Every character str.splitlines() breaks at, not only CR and LF: a fragment's text must
# stay on its line for any reader.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")


# ---- export ---------------------------------------------------------------------------


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of start..end between line breaks (a text-bound's text stays on its line)."""
    out = []
    pos = start
    for m in _LINE_BREAKS.finditer(text[start:end]):
        a, b = start + m.start(), start + m.end()
        if a > pos:
            out.append((pos, a))
        pos = b
    if end > pos:
        out.append((pos, end))
    return out or [(start, end)]


def _tline(tid: str, label: str, text: str, start: int, end: int) -> str:
    frags = fragments(text, start, end)
    where = ";".join(f"{a} {b}" for a, b in frags)
    return f"{tid}\t{label} {where}\t{' '.join(text[a:b] for a, b in frags)}"


def doc_to_ann(doc: ExportDoc) -> str:
    lines: list[str] = []
    tids: dict[Any, str] = {}
    counts = {"A": 0, "#": 0}

    def attr(name: str, target: str, value: str) -> None:
        counts["A"] += 1
        lines.append(f"A{counts['A']}\t{name} {target} {value}")

    def note(target: str, extra: dict[str, Any]) -> None:
        counts["#"] += 1
        lines.append(f"#{counts['#']}\tAnnotatorNotes {target}\t{NOTE_PREFIX}"
                     + json.dumps(extra, ensure_ascii=False))  # fmt: skip

    for i, s in enumerate(doc.spans, 1):
        tids[s["id"]] = tid = f"T{i}"
        lines.append(_tline(tid, s["label"], doc.text, s["start"], s["end"]))
        extra = doc.span_extra(s)
        attr("Status", tid, extra.pop("status"))
        note(tid, extra)
    n_t = len(doc.spans)
    by_id = {s["id"]: s for s in doc.spans}
    for e, claim in enumerate(doc.claims, 1):
        anchor = by_id[claim["cue"] if claim.get("cue") is not None else claim["content"]]
        n_t += 1
        trigger = f"T{n_t}"
        lines.append(_tline(trigger, claim_map.EVENT_TYPE, doc.text, anchor["start"],
                            anchor["end"]))  # fmt: skip
        args = " ".join(f"{name}:{tids[key]}" for name, key in claim_map.claim_arguments(claim))
        eid = f"E{e}"
        lines.append(f"{eid}\t{claim_map.EVENT_TYPE}:{trigger} {args}")
        extra = doc.claim_extra(claim)
        if (outer := extra.get(claim_map.NESTED_IN)) is not None:
            extra[claim_map.NESTED_IN] = f"E{outer + 1}"  # the outer claim's event
        attr("Status", eid, extra.pop("status"))
        attr("Kind", eid, extra.pop("kind"))
        attr("QuoteType", eid, extra.pop("quote_type"))
        note(eid, extra)
    return "".join(line + "\n" for line in lines)


def file_stem(ext_id: str, taken: set[str]) -> str:
    """A safe, unique file name for a document id (the id itself when it can be)."""
    base = _SAFE.sub("_", ext_id).strip("._") or "document"
    stem, n = base, 1
    while stem.lower() in taken:
        n += 1
        stem = f"{base}-{n}"
    taken.add(stem.lower())
    return stem


def annotation_conf(labels: set[str], kinds: set[str]) -> str:
    """brat's annotation.conf for the types, roles and attributes we write."""
    entities = sorted(labels - {claim_map.EVENT_TYPE})
    args = ", ".join(
        [f"{arg}?:<ENTITY>" for _, (_, arg) in claim_map.SINGLE_ROLES.items()]
        + [f"{claim_map.CONTENT_ARG}:<ENTITY>"]
        + [f"{arg}*:<ENTITY>" for _, (_, arg) in claim_map.LIST_ROLES.items()]
    )
    rels = "\n".join(f"{lab}\tArg1:<ENTITY>, Arg2:<ENTITY>" for lab in claim_map.RELATION_LABELS)
    return (
        "[entities]\n" + "\n".join(entities) + "\n\n"
        f"[relations]\n{rels}\n\n"
        f"[events]\n{claim_map.EVENT_TYPE}\t{args}\n\n"
        "[attributes]\n"
        f"Status\tArg:<ANY>, Value:{'|'.join(STATUSES)}\n"
        f"Kind\tArg:{claim_map.EVENT_TYPE}, Value:{'|'.join(sorted(set(CLAIM_KINDS) | kinds))}\n"
        f"QuoteType\tArg:{claim_map.EVENT_TYPE}, Value:{'|'.join(QUOTE_TYPES)}\n"
    )


def write(docs: Iterator[ExportDoc], folder: Path) -> int:
    """`NAME.txt` and `NAME.ann` per document and `annotation.conf` into `folder`."""
    taken: set[str] = set()
    labels: set[str] = set()
    kinds: set[str] = set()
    n = 0
    for doc in docs:
        stem = file_stem(doc.ext_id, taken)
        with (folder / f"{stem}.txt").open("w", encoding="utf-8", newline="") as fh:
            fh.write(doc.text)
        with (folder / f"{stem}.ann").open("w", encoding="utf-8", newline="") as fh:
            fh.write(doc_to_ann(doc))
        labels.update(s["label"] for s in doc.spans)
        kinds.update(c["kind"] for c in doc.claims)
        n += 1
    (folder / "annotation.conf").write_text(annotation_conf(labels, kinds), encoding="utf-8")
    return n


# ---- import ---------------------------------------------------------------------------


def _join(text: str, frags: str, tid: str, said: str, line: int) -> tuple[int, int]:
    """The whole stretch of a (possibly fragmented) text-bound, whose text must be what
    its offsets hold (fragments joined by a space, as brat writes them): offsets that
    disagree with it would put the span somewhere else than the annotator did."""
    try:
        pairs = [(int(a), int(b)) for a, b in (f.split() for f in frags.split(";"))]
    except ValueError:  # more digits than Python reads
        raise FormatError(f"{tid} has an offset of more digits than can be read", line) from None
    start, end = min(a for a, _ in pairs), max(b for _, b in pairs)
    if not 0 <= start < end <= len(text) or any(a > b for a, b in pairs):
        raise FormatError(f"{tid} has offsets {start}..{end} outside the text", line)
    held = " ".join(text[a:b] for a, b in pairs)
    if held != said:
        raise FormatError(
            f"{tid} says {said!r} but the text at {frags} is {held!r} (offsets shifted?)", line
        )
    return start, end


def _note(raw: str) -> dict[str, Any] | None:
    if not raw.startswith(NOTE_PREFIX):
        return None
    try:
        value = json_values.loads(raw[len(NOTE_PREFIX) :])
    except (json.JSONDecodeError, RecursionError):
        return None  # a note of the annotator's own, not ours
    return value if isinstance(value, dict) else None


def ann_to_line(text: str, ann: str, stem: str, defaults: Defaults) -> dict[str, Any]:
    bounds: dict[str, tuple[str, int, int]] = {}
    events: list[tuple[str, str, list[tuple[str, str]]]] = []
    relations: list[tuple[str, str, str]] = []
    attrs: dict[str, dict[str, str]] = {}
    notes: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(ann.splitlines(), 1):
        if not line.strip():
            continue
        if m := _T.match(line):
            bounds[m[1]] = (m[2], *_join(text, m[3], m[1], m[4], n))
        elif m := _E.match(line):
            args = [tuple(a.split(":", 1)) for a in m[4].split()]
            events.append((m[1], m[3], args))
        elif m := _R.match(line):
            relations.append((m[2], m[3], m[4]))
        elif m := _A.match(line):
            attrs.setdefault(m[3], {})[m[2]] = m[4] or "true"
        elif m := _NOTE.match(line):
            if (value := _note(m[3])) is not None:
                notes[m[2]] = value
        elif line[:1] in ("*", "N"):
            continue  # equivalences and normalisations (links to a knowledge base)
        elif not line.startswith("#"):
            raise FormatError(f"is not brat standoff: {line[:60]!r}", n)
    triggers = {trig for _, trig, _ in events}
    spans: list[dict[str, Any]] = []
    key_of: dict[str, int] = {}
    for tid, (label, start, end) in bounds.items():
        if tid in triggers:  # an event's trigger word, not an annotated span
            continue
        extra = dict(notes.get(tid) or {})
        if "Status" in attrs.get(tid, {}):
            extra["status"] = attrs[tid]["Status"]
        key_of[tid] = len(spans)
        spans.append(foreign_span(len(spans), start, end, label, defaults, extra=extra))

    def key(ref: str, what: str) -> int:
        if ref not in key_of:
            raise FormatError(f"{what} refers to {ref}, which is not a text-bound span")
        return key_of[ref]

    grouped = claim_map.Grouped()
    claim_of: dict[str, int] = {}  # event id -> its claim's index, for nested_in
    event_ids = {eid for eid, _, _ in events}
    for eid, _, args in events:
        before = len(grouped.claims)
        claim_map.claim_from_arguments([(a, key(r, eid)) for a, r in args], grouped, eid)
        if len(grouped.claims) > before:
            claim_of[eid] = before
            a = attrs.get(eid, {})
            named = {"status": a.get("Status"), "kind": a.get("Kind"),
                     "quote_type": a.get("QuoteType")}  # fmt: skip
            note = notes.get(eid) or {}
            known = (*claim_map.CLAIM_ATTRS, *claim_map.OPTIONAL_ATTRS)
            extra = {k: v for k, v in note.items() if k in known}
            grouped.claims[-1] |= extra | {k: v for k, v in named.items() if v is not None}
            if (outer := note.get(claim_map.NESTED_IN)) is not None:
                if not (isinstance(outer, str) and outer in event_ids):
                    raise FormatError(f"{eid}'s note says it is nested in {outer!r}, which is "
                                      "not a claim event")  # fmt: skip
                grouped.claims[-1][claim_map.NESTED_IN] = outer
    for claim in grouped.claims:  # event ids to claim indexes, now that all are known
        if (outer := claim.get(claim_map.NESTED_IN)) is not None:
            claim[claim_map.NESTED_IN] = claim_of.get(outer)
    if relations:
        rels = [claim_map.Relation(key(a1, r), key(a2, r), r) for r, a1, a2 in relations]
        from_rels = claim_map.claims_from_relations(rels, [])
        grouped.claims.extend(from_rels.claims)
        grouped.warnings.extend(from_rels.warnings)
    if not events and not relations:
        contents = [s["id"] for s in spans if claim_map.is_content_label(s["label"])]
        grouped.claims.extend(claim_map.claims_from_relations([], contents).claims)
    if grouped.warnings:
        raise FormatError("; ".join(grouped.warnings))
    return our_line(stem, None, text, None, spans, finish_claims(grouped, defaults), defaults)


def read(path: Path, accepted: bool) -> Iterator[SourceDoc | Problem]:
    """The document of one `.txt` + `.ann` pair (either may be given)."""
    from idleb_desk.io.encoding import decode_bytes
    from idleb_desk.io.errors import ImportProblem
    from idleb_desk.io.jsonl_reader import jsonl_line_to_doc

    txt, ann = path.with_suffix(".txt"), path.with_suffix(".ann")
    name = str(ann)
    if not txt.is_file():
        yield Problem(name, f"is a brat annotation file without its text {txt.name}")
        return
    if not ann.is_file():
        yield Problem(str(txt), f"has no brat annotation file {ann.name} beside it")
        return
    try:
        text, encoding = decode_bytes(txt.read_bytes(), str(txt))
        ann_text, _ = decode_bytes(ann.read_bytes(), name) if ann.stat().st_size else ("", "")
        line = ann_to_line(text, ann_text, txt.stem, Defaults(NAME, accepted))
        doc = jsonl_line_to_doc(line, str(txt), 1, encoding)
    except FormatError as exc:
        yield Problem(name, str(exc), exc.line)
        return
    except ImportProblem as exc:
        yield Problem(exc.path, exc.problem)
        return
    except OSError as exc:
        yield Problem(name, f"cannot be read ({exc.strerror or exc})")
        return
    doc.line = None
    yield doc
