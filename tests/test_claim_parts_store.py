"""Claims with several content parts, no speaker, and nesting: stored, exported, restored."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from idleb_desk.io.csv_export import export_csv
from idleb_desk.io.importer import import_paths
from idleb_desk.io.jsonl import export_jsonl
from idleb_desk.model import ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

TEXT = '"We are ready," the envoy said. "Talks start Monday." Aides said she told them so.'


def ref(needle: str) -> TextRef:
    i = TEXT.index(needle)
    return TextRef(i, i + len(needle), needle)


def span(start: str, end: str) -> TextRef:
    a, b = TEXT.index(start), TEXT.index(end) + len(end)
    return TextRef(a, b, TEXT[a:b])


class Scripted:
    def extract_many(
        self, texts: Iterable[str], batch_size: int = 64, n_process: int = 1
    ) -> Iterator[Extraction]:
        for _ in texts:
            split = ClaimSuggestion(
                content=span('"We are ready,"', '"Talks start Monday."'),
                content_parts=(ref('"We are ready,"'), ref('"Talks start Monday."')),
                speaker=ref("the envoy"),
                cue=ref("said."),
                quote_type="direct",
            )
            outer = ClaimSuggestion(
                content=ref("she told them so"), speaker=ref("Aides"), cue=ref("said she")
            )
            inner = ClaimSuggestion(content=ref("so"), speaker=None, cue=ref("told"), nested_in=1)
            yield Extraction(model="scripted", claims=(split, outer, inner))


def test_parts_speakerless_and_nested_claims_round_trip(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "title": "t", "text": TEXT}) + "\n", encoding="utf-8")
    store = Store.open(tmp_path / "p.idleb")
    doc_id = import_paths(store, [src], Scripted()).imported[0]
    export_csv(store, tmp_path / "csv", include_all=True)
    rows = list(csv.DictReader((tmp_path / "csv" / "claims.csv").open(encoding="utf-8")))
    by_cue = {r["cue_text"]: r for r in rows}
    split = by_cue["said."]
    assert split["content_text"] == TEXT[: TEXT.index(" Aides")]
    a, b = ref('"We are ready,"'), ref('"Talks start Monday."')
    assert split["content_parts"] == f"{a.start}:{a.end};{b.start}:{b.end}"
    inner = by_cue["told"]
    assert inner["speaker_text"] == ""
    assert inner["nested_in"] == by_cue["said she"]["claim_id"]

    out = tmp_path / "all.jsonl"
    export_jsonl(store, out)
    fresh = Store.open(tmp_path / "fresh.idleb")
    back = import_paths(fresh, [out])
    assert back.problems == []
    export_jsonl(fresh, tmp_path / "again.jsonl")
    first = json.loads(out.read_text(encoding="utf-8"))["annotations"]["claims"]
    second = json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8"))
    second = second["annotations"]["claims"]
    assert [len(c.get("content_parts", [])) for c in first] == [2, 0, 0]
    assert [len(c.get("content_parts", [])) for c in second] == [2, 0, 0]
    assert ["nested_in" in c for c in second] == [False, False, True]
    ids = [c["id"] for c in second]
    assert second[2]["nested_in"] == ids[1]
    store.close()
    fresh.close()
    assert doc_id


def test_undo_restores_parts_and_nesting_exactly(tmp_path: Path) -> None:
    from idleb_desk.core.review import ReviewSession

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "title": "t", "text": TEXT}) + "\n", encoding="utf-8")
    store = Store.open(tmp_path / "p.idleb")
    doc_id = import_paths(store, [src], Scripted()).imported[0]
    session = ReviewSession(store, reviewer="tester")
    split, outer, inner = session.claims(doc_id)
    assert len(split.content_part_ids) == 2 and inner.nested_in == outer.id
    before = (session.claims(doc_id), session.spans(doc_id))
    session.delete_span(split.content_part_ids[1])  # the part row goes with its span
    assert len(session.claim(split.id).content_part_ids) == 1
    session.delete_claim(outer.id)  # the inner claim loses its outer claim
    assert session.claim(inner.id).nested_in is None
    session.undo(doc_id)
    session.undo(doc_id)
    assert (session.claims(doc_id), session.spans(doc_id)) == before
    session.redo(doc_id)
    assert len(session.claim(split.id).content_part_ids) == 1
    store.close()


def test_undo_of_deleting_a_role_span_gives_the_claim_its_role_back(tmp_path: Path) -> None:
    """Regression: claims_using_span bound a dict as positional parameters and found no
    claim, so deleting a speaker span and undoing left the claim without a speaker."""
    from idleb_desk.core.review import ReviewSession

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "a", "title": "t", "text": TEXT}) + "\n", encoding="utf-8")
    store = Store.open(tmp_path / "p.idleb")
    doc_id = import_paths(store, [src], Scripted()).imported[0]
    session = ReviewSession(store, reviewer="tester")
    split = session.claims(doc_id)[0]
    assert store.claims_using_span(split.speaker_span_id) == [split.id]
    session.delete_span(split.speaker_span_id)
    assert session.claim(split.id).speaker_span_id is None
    session.undo(doc_id)
    assert session.claim(split.id) == split
    store.close()
