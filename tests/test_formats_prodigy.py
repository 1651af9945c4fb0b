"""Prodigy-style JSONL in and out: spans and relations become suggestions, not silence."""

from __future__ import annotations

import json
from pathlib import Path

from idleb_desk.io.importer import import_paths
from idleb_desk.store.store import Store

TEXT = "Lavrov said Russia would not stop. Paris urged Moscow to halt."


def _task() -> dict:
    # Spans and relations as Prodigy's ner.manual / rel.manual recipes write them.
    return {
        "text": TEXT,
        "spans": [
            {"start": 0, "end": 6, "label": "PERSON", "token_start": 0, "token_end": 0},
            {"start": 7, "end": 11, "label": "CUE", "token_start": 1, "token_end": 1},
            {"start": 12, "end": 33, "label": "CONTENT", "token_start": 2, "token_end": 6},
        ],
        "relations": [
            {
                "head": 6, "child": 0, "label": "SPEAKER",
                "head_span": {"start": 12, "end": 33, "label": "CONTENT",
                              "token_start": 2, "token_end": 6},
                "child_span": {"start": 0, "end": 6, "label": "PERSON",
                               "token_start": 0, "token_end": 0},
            },
            {
                "head": 6, "child": 1, "label": "CUE",
                "head_span": {"start": 12, "end": 33, "label": "CONTENT",
                              "token_start": 2, "token_end": 6},
                "child_span": {"start": 7, "end": 11, "label": "CUE",
                               "token_start": 1, "token_end": 1},
            },
        ],
        "answer": "accept",
    }  # fmt: skip


def test_prodigy_line_keeps_its_spans_and_claim(tmp_path: Path) -> None:
    """Before: the line imported with '0 problems' and its spans were silently dropped."""
    src = tmp_path / "prodigy.jsonl"
    src.write_text(json.dumps(_task()) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src])
        assert report.problems == []
        assert len(report.imported) == 1
        doc_id = report.imported[0]
        spans = store.spans(doc_id)
        got = sorted((s.start, s.end, s.label, s.layer, s.status) for s in spans)
        assert got == [
            (0, 6, "PERSON", "actor", "suggested"),
            (7, 11, "CUE", "claim", "suggested"),
            (12, 33, "CONTENT", "claim", "suggested"),
        ]
        (claim,) = store.claims(doc_id)
        by_id = {s.id: s for s in spans}
        assert by_id[claim.speaker_span_id].text == "Lavrov"
        assert by_id[claim.cue_span_id].text == "said"
        assert by_id[claim.content_span_id].text == "Russia would not stop"
        assert claim.status == "suggested"


def test_prodigy_accepted_flag_rejected_answer_and_label_case(tmp_path: Path) -> None:
    binary = {"text": "Ankara warned Moscow.", "answer": "reject",
              "spans": [{"start": 0, "end": 6, "label": "GPE"}]}  # fmt: skip
    speaker = {"start": 0, "end": 5, "label": "speaker"}
    content = {"start": 11, "end": 31, "label": "content"}
    relation = {"label": "speaker", "head_span": content, "child_span": speaker}
    manual = {"text": "Paris said the talks must go on.", "answer": "accept",
              "spans": [speaker, content], "relations": [relation]}  # fmt: skip
    src = tmp_path / "mixed.jsonl"
    src.write_text(json.dumps(binary) + "\n" + json.dumps(manual) + "\n", encoding="utf-8")
    with Store.open(tmp_path / "p.sqlite3") as store:
        report = import_paths(store, [src], accepted=True)
        assert report.problems == [] and len(report.imported) == 2
        first, second = report.imported
        assert [(s.text, s.status) for s in store.spans(first)] == [("Ankara", "rejected")]
        spans = store.spans(second)
        assert [(s.label, s.layer, s.status) for s in spans] == [
            ("SPEAKER", "claim", "accepted"),
            ("CONTENT", "claim", "accepted"),
        ]
        (claim,) = store.claims(second)
        assert (claim.speaker_span_id, claim.content_span_id) == (spans[0].id, spans[1].id)
        assert (claim.status, claim.origin) == ("accepted", "import:prodigy")
