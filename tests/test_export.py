"""CSV and JSONL export: columns, reviewed-only vs --all, formula guard, RFC 4180, round trip.

Reviewed data is made through ReviewSession operations, the path the GUI takes.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

from idleb_desk.core.review import ReviewSession
from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.importer import import_paths
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, Region, TextRef
from idleb_desk.store.exports import ACTOR_COLUMNS, CLAIM_COLUMNS
from idleb_desk.store.store import Store

ACTORS_HEADER = (
    "document_id,document_title,span_id,start,end,text,label,status,origin,reviewer,"
    "reviewed_at,actor_id,actor_name,flag,comment,actor_aliases"
)
CLAIMS_HEADER = (
    "document_id,document_title,claim_id,speaker_text,speaker_start,speaker_end,"
    "speaker_actor,cue_text,cue_start,cue_end,content_text,content_start,content_end,"
    "addressees,kind,quote_type,status,origin,reviewer,reviewed_at,content_parts,nested_in,"
    "flag,comment,addressee_actors,confidence"
)
TEXT = (
    "Heiko Maas urged Russia and Turkey to stop. Le Drian warned Moscow.\n"
    '+44 -5 @JY_LeDrian\tTabbed\rCarriage said, "no"\nthen left.'
)
TITLE = '=HYPERLINK("http://x","y")'


def rng(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


def ref(text: str, needle: str) -> TextRef:
    start = text.index(needle)
    return TextRef(start, start + len(needle), needle)


class ScriptedExtractor:
    """Suggestions at fixed places, including cells a spreadsheet would run as formulas."""

    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        for text in texts:
            actors = [
                ActorSuggestion(r.start, r.end, r.text, label)
                for r, label in [
                    (ref(text, "Heiko Maas"), "PERSON"),
                    (ref(text, "Russia"), "GPE"),
                    (ref(text, "Turkey"), "GPE"),
                    (ref(text, "Le Drian"), "PERSON"),
                    (ref(text, "+44"), "ORG"),
                    (ref(text, "-5"), "ORG"),
                    (ref(text, "@JY_LeDrian"), "PERSON"),
                    (ref(text, "\tTabbed"), "ORG"),
                    (ref(text, "\rCarriage"), "ORG"),
                    (ref(text, 'said, "no"\nthen'), "ORG"),
                ]
            ]
            claim = ClaimSuggestion(
                content=ref(text, "to stop"),
                speaker=ref(text, "Heiko Maas"),
                cue=ref(text, "urged"),
                addressees=(ref(text, "Russia"), ref(text, "Turkey")),
                kind="demand",
            )
            second = ClaimSuggestion(content=ref(text, "Moscow"), kind="warning")
            yield Extraction(
                "scripted-1.0",
                tuple(actors),
                (claim, second),
                (Region(0, 5, "boilerplate"),),
            )


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[Store, ReviewSession, int]]:
    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "art-1", "title": TITLE, "text": TEXT, "meta": {"lang": "en"}}) + "\n",
        encoding="utf-8",
    )
    store = Store.open(tmp_path / "project.idleb")
    report = import_paths(store, [src], ScriptedExtractor())
    doc_id = report.imported[0]
    yield store, ReviewSession(store, reviewer="=cmd|' /C calc'!A0"), doc_id
    store.close()


def spans_by_text(store: Store, doc_id: int) -> dict[str, int]:
    return {s.text: s.id for s in store.spans(doc_id) if s.layer == "actor"}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def review(store: Store, session: ReviewSession, doc_id: int) -> None:
    ids = spans_by_text(store, doc_id)
    for text in ["Heiko Maas", "+44", "-5", "@JY_LeDrian", "\tTabbed", "\rCarriage"]:
        session.accept_span(ids[text])
    session.accept_span(ids['said, "no"\nthen'])
    session.reject_span(ids["Russia"])
    session.relabel_span(ids["Le Drian"], "ORG")  # edited
    demand = next(c for c in store.claims(doc_id) if c.kind == "demand")
    session.accept_claim(demand.id)
    made = session.create_claim(doc_id, content_range=rng(TEXT, "warned Moscow"))
    session.set_role(made.id, "speaker", span_id=ids["Le Drian"])
    session.add_addressee(made.id, rng=rng(TEXT, "Moscow"))
    session.create_span(doc_id, *rng(TEXT, "Moscow"), "GPE")  # a manual actor mention


def test_headers_are_exact_and_written_for_zero_rows(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "empty.idleb")
    report = export_csv(store, tmp_path / "out")
    store.close()
    assert (report.actor_rows, report.claim_rows) == (0, 0)
    assert (tmp_path / "out" / "actors.csv").read_bytes() == (ACTORS_HEADER + "\r\n").encode()
    assert (tmp_path / "out" / "claims.csv").read_bytes() == (CLAIMS_HEADER + "\r\n").encode()
    assert ",".join(ACTOR_COLUMNS) == ACTORS_HEADER and ",".join(CLAIM_COLUMNS) == CLAIMS_HEADER


def test_default_is_reviewed_only_and_all_adds_the_rest(project, tmp_path: Path) -> None:
    store, session, doc_id = project
    review(store, session, doc_id)
    export_csv(store, tmp_path / "reviewed")
    rows = read_csv(tmp_path / "reviewed" / "actors.csv")
    assert {r["status"] for r in rows} == {"accepted", "edited", "manual"}
    assert len(rows) == 9  # 7 accepted, Le Drian relabelled (edited), Moscow made (manual)
    everything = export_csv(store, tmp_path / "all", include_all=True)
    all_rows = read_csv(tmp_path / "all" / "actors.csv")
    assert everything.actor_rows == len(all_rows)
    assert {r["status"] for r in all_rows} == {
        "accepted",
        "edited",
        "manual",
        "rejected",
        "suggested",
    }
    by_status = {r["text"]: r["status"] for r in all_rows}
    assert by_status["Russia"] == "rejected" and by_status["Turkey"] == "suggested"
    assert "Russia" not in {r["text"] for r in rows}

    claims = read_csv(tmp_path / "reviewed" / "claims.csv")
    assert [c["kind"] for c in claims] == ["demand", "statement"]
    demand, made = claims
    assert (demand["speaker_text"], demand["speaker_actor"], demand["cue_text"]) == (
        "Heiko Maas",
        "Heiko Maas",
        "urged",
    )
    assert demand["addressees"] == "Russia | Turkey"
    assert demand["content_text"] == "to stop" and demand["status"] == "accepted"
    assert (made["speaker_text"], made["speaker_actor"], made["cue_text"]) == (
        "Le Drian",
        "Le Drian",
        "",
    )
    assert (made["cue_start"], made["addressees"], made["status"]) == ("", "Moscow", "manual")
    all_claims = read_csv(tmp_path / "all" / "claims.csv")
    assert sorted(c["status"] for c in all_claims) == ["accepted", "manual", "suggested"]


def test_formula_guard_on_every_string_cell(project, tmp_path: Path) -> None:
    store, session, doc_id = project
    review(store, session, doc_id)
    export_csv(store, tmp_path / "out")
    rows = read_csv(tmp_path / "out" / "actors.csv")
    assert {r["document_title"] for r in rows} == {"'" + TITLE}
    texts = {r["text"] for r in rows}
    for dangerous in ["+44", "-5", "@JY_LeDrian", "\tTabbed", "\rCarriage"]:
        assert "'" + dangerous in texts and dangerous not in texts
    names = {r["actor_name"] for r in rows}
    assert {"'+44", "'-5", "'@JY_LeDrian"} <= names
    assert {r["reviewer"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    assert "Heiko Maas" in texts  # harmless cells untouched
    claims = read_csv(tmp_path / "out" / "claims.csv")
    assert {c["document_title"] for c in claims} == {"'" + TITLE}
    assert {c["reviewer"] for c in claims} == {"'=cmd|' /C calc'!A0"}
    for name in ("actors.csv", "claims.csv"):
        with (tmp_path / "out" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)


def test_rfc4180_quoting(project, tmp_path: Path) -> None:
    store, session, doc_id = project
    review(store, session, doc_id)
    export_csv(store, tmp_path / "out")
    raw = (tmp_path / "out" / "actors.csv").read_bytes()
    assert b'"said, ""no""\nthen"' in raw  # quotes doubled, comma and newline quoted
    rows = read_csv(tmp_path / "out" / "actors.csv")
    assert raw.count(b"\r\n") == 1 + len(rows)  # the embedded \n is not a line end
    assert raw.startswith(b"document_id,")  # no BOM
    rows = read_csv(tmp_path / "out" / "actors.csv")
    row = next(r for r in rows if r["text"] == 'said, "no"\nthen')
    assert TEXT[int(row["start"]) : int(row["end"])] == row["text"]


def test_cancelled_export_leaves_no_half_file(project, tmp_path: Path) -> None:
    store, session, doc_id = project
    review(store, session, doc_id)
    out = tmp_path / "out"
    out.mkdir()
    (out / "actors.csv").write_text("old", encoding="utf-8")
    report = export_csv(store, out, cancel=lambda: True)
    assert report.cancelled
    assert sorted(p.name for p in out.iterdir()) == ["actors.csv"]
    assert (out / "actors.csv").read_text(encoding="utf-8") == "old"
    calls: list[tuple[int, int, str]] = []
    done = export_csv(store, out, progress=lambda *a: calls.append(a))
    assert calls[-1][:2] == (done.actor_rows + done.claim_rows,) * 2


def snapshot(store: Store, doc_id: int) -> dict[str, Any]:
    """A document's annotations with ids replaced by what they point at."""
    text = store.document_text(doc_id)
    spans = {s.id: s for s in store.spans(doc_id, text)}

    def key(span_id: int | None) -> tuple[Any, ...] | None:
        if span_id is None:
            return None
        s = spans[span_id]
        return (s.start, s.end, s.label, s.layer)

    def actor(actor_id: int | None) -> tuple[str, str] | None:
        if actor_id is None:
            return None
        a = store.actor(actor_id)
        return (a.name, a.label)

    doc = store.document(doc_id)
    return {
        "doc": (doc.ext_id, doc.title, doc.text, doc.meta, doc.status, doc.reviewer),
        "spans": sorted(
            (
                s.start,
                s.end,
                s.text,
                s.label,
                s.layer,
                s.status,
                s.origin,
                s.reviewer,
                s.reviewed_at,
                actor(s.actor_id),
            )
            for s in spans.values()
        ),  # fmt: skip
        "claims": sorted(
            (
                (
                    key(c.speaker_span_id),
                    key(c.cue_span_id),
                    key(c.content_span_id),
                    key(c.antecedent_span_id),
                    tuple(key(a) for a in c.addressee_span_ids),
                    c.kind,
                    c.quote_type,
                    c.status,
                    c.origin,
                    c.reviewer,
                    c.reviewed_at,
                )
                for c in store.claims(doc_id)
            ),
            key=repr,
        ),  # fmt: skip
        "regions": store.regions(doc_id),
        "extracted_with": store.execute(
            "SELECT extracted_with FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()[0],
    }


def test_jsonl_round_trip_gives_identical_annotations(project, tmp_path: Path) -> None:
    store, session, doc_id = project
    review(store, session, doc_id)
    session.mark_document_done(doc_id)
    out = tmp_path / "export.jsonl"
    report = export_jsonl(store, out)
    assert report.documents == 1
    [line] = out.read_text(encoding="utf-8").splitlines()
    obj = json.loads(line)
    assert set(obj) == {"id", "title", "text", "meta", "annotations"}
    assert obj["text"] == TEXT and obj["meta"] == {"lang": "en"}

    fresh = Store.open(tmp_path / "fresh.idleb")
    back = import_paths(fresh, [out])
    assert back.problems == [] and back.restored == 1
    assert snapshot(fresh, back.imported[0]) == snapshot(store, doc_id)
    assert fresh.unextracted_document_ids() == []  # not extracted again
    # And the second trip is byte-identical to the first.
    export_jsonl(fresh, tmp_path / "again.jsonl")
    first = json.loads(line)["annotations"]
    second = json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8"))["annotations"]
    for ann in (first, second):
        ids = {s["id"]: i for i, s in enumerate(ann["spans"])}
        for s in ann["spans"]:
            s["id"] = ids[s["id"]]
        for c in ann["claims"]:
            c.pop("id")
            for role in ("speaker", "cue", "content", "antecedent"):
                c[role] = ids.get(c[role])
            c["addressees"] = [ids[a] for a in c["addressees"]]
    assert first == second
    # CSV from both projects is identical apart from the database ids.
    export_csv(store, tmp_path / "a")
    export_csv(fresh, tmp_path / "b")
    strip = ("document_id", "span_id", "actor_id", "claim_id")
    a = [
        {k: v for k, v in r.items() if k not in strip}
        for r in read_csv(tmp_path / "a" / "actors.csv")
    ]
    b = [
        {k: v for k, v in r.items() if k not in strip}
        for r in read_csv(tmp_path / "b" / "actors.csv")
    ]
    assert a == b
    fresh.close()


def test_jsonl_reviewed_only_keeps_spans_that_claims_use(project, tmp_path: Path) -> None:
    store, session, doc_id = project
    review(store, session, doc_id)
    export_jsonl(store, tmp_path / "reviewed.jsonl", include_all=False)
    ann = json.loads((tmp_path / "reviewed.jsonl").read_text(encoding="utf-8"))["annotations"]
    statuses = {s["text"]: s["status"] for s in ann["spans"]}
    assert "Turkey" in statuses  # suggested, but an addressee of an accepted claim
    assert {c["status"] for c in ann["claims"]} == {"accepted", "manual"}
    fresh = Store.open(tmp_path / "fresh.idleb")
    assert import_paths(fresh, [tmp_path / "reviewed.jsonl"]).problems == []
    fresh.close()


def test_cancelled_jsonl_export_writes_nothing(project, tmp_path: Path) -> None:
    store, _session, _doc_id = project
    report = export_jsonl(store, tmp_path / "x.jsonl", cancel=lambda: True)
    assert report.cancelled and report.documents == 0
    assert not list(tmp_path.glob("*x.jsonl*"))
    assert export_jsonl(store, tmp_path / "x.jsonl").documents == 1  # the store still works


def test_actor_lines_formatted_in_sqlite_match_csv_writer(project, tmp_path: Path) -> None:
    """actors.csv is formatted partly in SQL for speed; its bytes must be csv.writer's."""
    store, session, doc_id = project
    review(store, session, doc_id)
    ids = spans_by_text(store, doc_id)
    session.relabel_span(ids["Turkey"], 'A,"quoted"\nlabel')  # every special in a label
    export_csv(store, tmp_path / "out", include_all=True)
    raw = (tmp_path / "out" / "actors.csv").read_bytes()
    with (tmp_path / "out" / "actors.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 1 + 11 and any('A,"quoted"\nlabel' in r for r in rows)
    again = tmp_path / "again.csv"
    with again.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\r\n").writerows(rows)
    assert again.read_bytes() == raw
