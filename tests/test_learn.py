"""The project model (issue 14): trained on reviewed suggestions, it drops what analysts
reject, keeps what they accept, is versioned beside the project and can be turned off."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from idleb_desk.cli import main
from idleb_desk.core.review import ReviewSession
from idleb_desk.learn.model import Decision, LearnedCue, ProjectModel, model_path, train
from idleb_desk.model import ClaimSuggestion
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.store import learning_queries as lq

# The analysts of this invented project reject every claim cued by "noted" (to them it
# marks background, not a claim) and accept the rest.
REVIEWED = [
    "The harbour master noted that the tide was late. The mayor said the pier would close.",
    "A clerk noted that the files were in order. The union warned that a strike was near.",
    "The coach noted that the pitch was wet. Residents said the road was flooded.",
    "The ferry company noted that fares had risen. The governor promised to cut taxes.",
    "Teachers noted that the term had begun. The doctor warned that the clinic was full.",
]
NEW = "The vet noted that the herd was calm. The senator said the budget would pass."


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def _cue(c: ClaimSuggestion) -> str:
    return c.cue.text if c.cue is not None else ""


def _decisions(extractor: Extractor) -> list[Decision]:
    out = []
    for ex in extractor.extract_many(REVIEWED):
        for c in ex.claims:
            out.append(Decision(c, accepted=_cue(c) != "noted", kind=c.kind))
    return out


def test_the_model_drops_what_analysts_reject(extractor: Extractor) -> None:
    decisions = _decisions(extractor)
    assert {d.accepted for d in decisions} == {True, False}
    model = train(decisions, [])
    ex = extractor.extract(NEW)
    assert sorted(_cue(c) for c in ex.claims) == ["noted", "said"]
    kept = model.apply(ex)
    assert [_cue(k.claim) for k in kept] == ["said"]
    assert kept[0].origin == "rules" and kept[0].confidence >= model.threshold
    conf = dict(zip([_cue(c) for c in ex.claims], model.confidence(ex.claims), strict=True))
    assert conf["noted"] < conf["said"]


def test_with_no_rejection_every_suggestion_is_kept(extractor: Extractor) -> None:
    decisions = [Decision(d.suggestion, True, d.kind) for d in _decisions(extractor)]
    model = train(decisions, [])
    ex = extractor.extract(NEW)
    assert len(model.apply(ex)) == len(ex.claims)


def test_kind_corrections_need_a_majority(extractor: Extractor) -> None:
    decisions = [
        Decision(d.suggestion, True, "promise" if _cue(d.suggestion) == "said" else d.kind)
        for d in _decisions(extractor)
    ]
    model = train(decisions, [])
    said = [k for k in model.apply(extractor.extract(NEW)) if _cue(k.claim) == "said"]
    assert [k.claim.kind for k in said] == ["promise"]


def test_save_load_and_versions(tmp_path: Path, extractor: Extractor) -> None:
    first = train(_decisions(extractor), [LearnedCue("grumbled", "accusation")])
    path = tmp_path / "p.sqlite3.model.json"
    first.save(path)
    again = ProjectModel.load(path)
    assert again is not None and again.to_json() == first.to_json()
    second = train(_decisions(extractor), [], previous=again)
    assert (first.version, second.version) == (1, 2)
    path.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    with pytest.raises(ValueError, match="unreadable project model"):
        ProjectModel.load(path)
    assert ProjectModel.load(tmp_path / "missing.json") is None


def _project(db: Path, extractor: Extractor) -> None:
    s = ReviewSession.open(db, reviewer="ana")
    for n, text in enumerate(REVIEWED):
        with s.store.transaction():
            doc = s.store.insert_document(f"d{n}", f"D{n}", text)
            assert doc is not None
            s.store.add_extraction(doc, extractor.extract(text))
        text_of = s.store.document_text(doc)
        for c in s.store.claims(doc):
            assert c.cue_span_id is not None
            span = s.store.span(c.cue_span_id)
            if text_of[span.start : span.end] == "noted":
                s.reject_claim(c.id)
            else:
                s.accept_claim(c.id)
    s.close()


def import_article(db: Path, folder: Path, name: str, text: str, extractor: Extractor) -> int:
    """Import `text` as the article `name` into the project, as `idleb-desk import` does
    (through the project model when it is on); returns the new document's id."""
    from idleb_desk.io.importer import import_paths
    from idleb_desk.store.store import Store

    article = folder / f"{name}.txt"
    article.write_text(text + "\n", encoding="utf-8")
    with Store.open(db, create=False) as store:
        assert import_paths(store, [article], extractor).problems == []
        return store.document_summaries()[-1].id


def test_train_command_on_a_project(
    tmp_db: Path, extractor: Extractor, capsys: pytest.CaptureFixture[str]
) -> None:
    _project(tmp_db, extractor)
    assert main(["train", str(tmp_db)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["enabled"] is True and out["version"] == 1 and out["trained_on"] == 10
    path = model_path(tmp_db)
    assert path.exists() and path.name == tmp_db.name + ".model.json"
    assert main(["train", str(tmp_db)]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == 2

    from idleb_desk.learn.project import model_for
    from idleb_desk.store.store import Store

    assert main(["train", str(tmp_db), "--off"]) == 0
    with Store.open(tmp_db, create=False) as store:
        assert model_for(tmp_db, store) is None
        assert store.setting(lq.ENABLED_SETTING) is False
    assert main(["train", str(tmp_db), "--on"]) == 0
    with Store.open(tmp_db, create=False) as store:
        model = model_for(tmp_db, store)
    assert model is not None
    kept = model.apply(extractor.extract(NEW))
    assert [_cue(k.claim) for k in kept] == ["said"]


def test_train_command_refuses_a_missing_project_or_model(
    tmp_path: Path, tmp_db: Path, extractor: Extractor
) -> None:
    assert main(["train", str(tmp_path / "none.sqlite3")]) == 2
    _project(tmp_db, extractor)
    assert main(["train", str(tmp_db), "--on"]) == 2
    assert main(["train", str(tmp_db), "--every", "-1"]) == 2


def test_import_uses_the_project_model_when_it_is_on(
    tmp_db: Path, tmp_path: Path, extractor: Extractor
) -> None:
    from idleb_desk.core.memory import describe_origin
    from idleb_desk.store.store import Store

    _project(tmp_db, extractor)
    assert main(["train", str(tmp_db)]) == 0
    doc = import_article(tmp_db, tmp_path, "new", NEW, extractor)
    with Store.open(tmp_db, create=False) as store:
        text = store.document_text(doc)
        claims = store.claims(doc)
        cues = [text[store.span(c.cue_span_id).start : store.span(c.cue_span_id).end]
                for c in claims if c.cue_span_id is not None]  # fmt: skip
        assert cues == ["said"]  # "noted", which the analysts reject, is dropped
        assert claims[0].origin.endswith("+project-model-v1")
        assert "project's model v1" in describe_origin(claims[0].origin).text
    assert main(["train", str(tmp_db), "--off"]) == 0
    doc = import_article(tmp_db, tmp_path, "again", NEW.replace("vet", "farrier"), extractor)
    with Store.open(tmp_db, create=False) as store:
        assert len(store.claims(doc)) == 2  # rules alone again


def test_retraining_is_due_after_n_decisions_and_runs_in_its_own_process(
    tmp_db: Path, extractor: Extractor, capsys: pytest.CaptureFixture[str]
) -> None:
    from idleb_desk.learn.project import due, train_in_background
    from idleb_desk.store.store import Store

    _project(tmp_db, extractor)  # 10 decisions
    assert main(["train", str(tmp_db), "--off", "--every", "4"]) == 0
    capsys.readouterr()
    with Store.open(tmp_db, create=False) as store:
        assert due(store, None)
        assert not due(store, ProjectModel(trained_on=8))
    child = train_in_background(tmp_db)
    assert child.wait(timeout=120) == 0
    model = ProjectModel.load(model_path(tmp_db))
    assert model is not None and model.trained_on == 10
    with Store.open(tmp_db, create=False) as store:
        assert store.setting(lq.ENABLED_SETTING) is False  # the analyst's --off holds
        assert not due(store, model)


# A team whose codebook has no "warning": every warning is coded "threat", whatever the
# cue word. Each cue word appears once, so only the kind itself can carry the correction.
WARNINGS = [
    "The union warned that a strike was near.",
    "The farmers cautioned that the dam could break.",
    "Teachers feared that the school would shut.",
    "The pilots alerted the public that the runway was icy.",
    "The mayor said the pier would close.",
]


def test_a_kind_the_analysts_always_recode_is_recoded_for_any_cue(extractor: Extractor) -> None:
    decisions = [
        Decision(c, True, "threat" if c.kind == "warning" else c.kind)
        for ex in extractor.extract_many(WARNINGS)
        for c in ex.claims
    ]
    assert sum(d.suggestion.kind == "warning" for d in decisions) == 4
    model = train(decisions, [])
    assert model.kind_defaults == {"warning": "threat"}
    kept = model.apply(extractor.extract("The nurses worried that the ward would close."))
    assert [(k.claim.cue.text if k.claim.cue else "", k.claim.kind) for k in kept] == [
        ("worried", "threat")
    ]
    # Statements the analysts kept as statements stay so; a model saved before this
    # field existed still loads.
    said = model.apply(extractor.extract("The clerk said the files were lost."))
    assert [k.claim.kind for k in said] == ["statement"]
    data = model.to_json()
    del data["kind_defaults"]
    assert ProjectModel.from_json(data).kind_defaults == {}


def test_a_kind_recoded_only_sometimes_is_left_alone(extractor: Extractor) -> None:
    decisions = [
        Decision(c, True, "threat" if c.cue and c.cue.text in ("warned", "feared") else c.kind)
        for ex in extractor.extract_many(WARNINGS)
        for c in ex.claims
    ]
    assert train(decisions, []).kind_defaults == {}


def test_sparse_rows_compute_what_the_dense_matrix_does(extractor: Extractor) -> None:
    from idleb_desk.learn import features

    claims = [c for ex in extractor.extract_many(REVIEWED + WARNINGS) for c in ex.claims]
    dense, rows = features.matrix(claims), features.sparse(claims)
    rng = np.random.default_rng(7)
    w, g = rng.normal(size=features.DIM), rng.normal(size=len(claims))
    assert rows.n == len(claims)
    assert np.allclose(rows.dot(w), dense @ w) and np.allclose(rows.tdot(g), dense.T @ g)
    keep = np.arange(len(claims)) % 3 != 0
    assert np.allclose(rows.take(keep).dot(w), dense[keep] @ w)


def test_the_threshold_is_chosen_on_decisions_the_fit_did_not_see(extractor: Extractor) -> None:
    from idleb_desk.learn import features
    from idleb_desk.learn.logreg import LogReg
    from idleb_desk.learn.model import _out_of_fold

    # Rejected once each, with a cue word no other suggestion has: fitted on them, the
    # model is sure of each; fitted without, it can only guess from what they share.
    odd = [
        "The porter muttered that the lift was broken.",
        "A tailor insisted that the cloth was torn.",
        "The baker complained that the oven was cold.",
    ]
    said = [f"Resident {n} said the road was flooded." for n in range(12)]
    claims = [c for ex in extractor.extract_many(odd + said) for c in ex.claims]
    y = np.array([0 if c.cue and c.cue.text != "said" else 1 for c in claims], dtype=np.int8)
    assert int((y == 0).sum()) == 3
    x = features.sparse(claims)
    whole = LogReg.fit(x, y)
    oof = _out_of_fold(x, y, whole)
    inside = whole.proba(x)
    assert all(oof[i] > inside[i] for i in np.flatnonzero(y == 0))
