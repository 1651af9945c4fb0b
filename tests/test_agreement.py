"""Agreement between two analysts' projects over the same article."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from idleb_desk.core.agreement import compare, kappa
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import ActorSuggestion, ClaimSuggestion, Extraction, TextRef
from idleb_desk.store.store import Store

TEXT = "Lavrov rejected calls for a ceasefire. Erdogan said Turkey would not step back."


def ref(part: str) -> TextRef:
    start = TEXT.index(part)
    return TextRef(start, start + len(part), part)


def project(path: Path, other_text: str | None = None) -> ReviewSession:
    with Store.open(path) as store, store.transaction():
        doc = store.insert_document("a", "A", TEXT)
        assert doc is not None
        store.add_extraction(
            doc,
            Extraction(
                "m-1",
                actors=tuple(
                    ActorSuggestion(*ref(t).__dict__.values(), label)
                    for t, label in (("Lavrov", "PERSON"), ("Erdogan", "PERSON"), ("Turkey", "GPE"))
                ),  # fmt: skip
                claims=(
                    ClaimSuggestion(ref("calls for a ceasefire"), ref("Lavrov"), ref("rejected")),
                    ClaimSuggestion(ref("Turkey would not step back"), ref("Erdogan"), ref("said")),
                ),
            ),
        )
        if other_text:
            store.insert_document("b", "B", other_text)
    return ReviewSession.open(path, "ana")


def by_text(s: ReviewSession, text: str) -> int:
    return next(x.id for x in s.spans(1) if x.layer == "actor" and x.text == text)


def test_identical_reviews_agree_fully(tmp_path: Path) -> None:
    a, b = project(tmp_path / "a.sqlite3"), project(tmp_path / "b.sqlite3")
    for s in (a, b):
        for t in ("Lavrov", "Erdogan", "Turkey"):
            s.accept_span(by_text(s, t))
        for c in s.claims(1):
            s.accept_claim(c.id)
    result = compare(a.store, b.store).as_dict()
    assert result["actor_exact_f1"] == 1.0 and result["claim_joint_f1"] == 1.0
    assert result["actor_label_kappa"] == 1.0 and result["documents_compared"] == 1


def test_disagreements_are_counted(tmp_path: Path) -> None:
    a = project(tmp_path / "a.sqlite3", other_text="Only in A.")
    b = project(tmp_path / "b.sqlite3")
    for t in ("Lavrov", "Erdogan", "Turkey"):
        a.accept_span(by_text(a, t))
    b.accept_span(by_text(b, "Lavrov"))
    b.relabel_span(by_text(b, "Turkey"), "ORG")  # same boundaries, other label
    b.reject_span(by_text(b, "Erdogan"))
    first, second = a.claims(1)
    a.accept_claim(first.id)
    a.accept_claim(second.id)
    b.accept_claim(b.claims(1)[0].id)
    b.set_claim_kind(b.claims(1)[0].id, "denial")
    result = compare(a.store, b.store).as_dict()
    # A: 3 mentions, B: 2; exact label match only Lavrov -> 2*1/5.
    assert result["actor_exact_f1"] == pytest.approx(0.4)
    assert result["actor_overlap_f1"] == pytest.approx(0.8)
    assert result["actor_label_kappa"] < 1.0
    # A: 2 claims, B: 1, one matched -> 2*1/3, and that pair disagrees on kind.
    assert result["claim_joint_f1"] == pytest.approx(2 / 3, abs=1e-4)
    assert result["claim_kind_agreement"] == 0.0
    assert result["documents_only_in_a"] == 1 and result["documents_only_in_b"] == 0


def test_kappa_known_value() -> None:
    pairs = [("A", "A")] * 20 + [("A", "B")] * 5 + [("B", "A")] * 10 + [("B", "B")] * 15
    assert kappa(pairs) == pytest.approx(0.4)


def test_agree_command(tmp_path: Path) -> None:
    project(tmp_path / "a.sqlite3").close()
    project(tmp_path / "b.sqlite3").close()
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "agree", tmp_path / "a.sqlite3",
         tmp_path / "b.sqlite3"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(done.stdout)["documents_compared"] == 1


def test_nothing_to_compare_is_said_not_scored_as_full_agreement(tmp_path: Path) -> None:
    """Issue 12: neither project has a reviewed claim, so there is no claim F1 of 1.0."""
    a, b = project(tmp_path / "a.sqlite3"), project(tmp_path / "b.sqlite3")
    result = compare(a.store, b.store).as_dict()
    for key in ("claim_joint_f1", "claim_kind_agreement", "claim_quote_type_agreement",
                "actor_exact_f1", "actor_overlap_f1", "actor_label_kappa"):  # fmt: skip
        assert result[key] is None, key
    assert result["nothing_to_compare"] == [
        "actors: neither project has a reviewed actor mention in the articles both hold",
        "claims: neither project has a reviewed claim in the articles both hold",
    ]
    # Actors reviewed on one side only: a real disagreement (F1 0.0), not nothing.
    a.accept_span(by_text(a, "Lavrov"))
    result = compare(a.store, b.store).as_dict()
    assert result["actor_exact_f1"] == 0.0 and result["claim_joint_f1"] is None
    assert result["actor_label_kappa"] is None  # no mention both marked: no labels to pair
    assert [n.split(":")[0] for n in result["nothing_to_compare"]] == ["claims"]
    a.close()
    b.close()
    done = subprocess.run(
        [sys.executable, "-m", "idleb_desk", "agree", tmp_path / "a.sqlite3",
         tmp_path / "b.sqlite3"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode == 0
    assert json.loads(done.stdout)["claim_joint_f1"] is None
    assert "nothing to compare for claims" in done.stderr


def test_identical_reviews_have_nothing_missing(tmp_path: Path) -> None:
    a, b = project(tmp_path / "a.sqlite3"), project(tmp_path / "b.sqlite3")
    for s in (a, b):
        s.accept_span(by_text(s, "Lavrov"))
        s.accept_claim(s.claims(1)[0].id)
    assert compare(a.store, b.store).as_dict()["nothing_to_compare"] == []
