"""`idleb-desk agree FILES…` on 2 to 10 files, and the inputs it refuses (issue 13, item 4):
each refusal names the file, exits 2 without a traceback, and no input file changes."""

from __future__ import annotations

import csv
import gc
import json
import sqlite3
from pathlib import Path

import pytest
from agreement_project import TEXT, accept_all, make, sha256

from idleb_desk.cli import main
from idleb_desk.store import schema


def agree(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = main(["agree", *map(str, args)])
    # The command pauses the cycle collector while it runs, and gives it back, also
    # after a refusal.
    assert gc.isenabled()
    out, err = capsys.readouterr()
    return code, out, err


def three(tmp_path: Path) -> list[Path]:
    paths = []
    for name in ("ana", "ben", "chen"):
        s = make(tmp_path / f"{name}.sqlite3", name)
        accept_all(s)
        s.close()
        paths.append(tmp_path / f"{name}.sqlite3")
    return paths


def test_three_analysts_pairwise_model_and_documents(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = three(tmp_path)
    s = make(tmp_path / "dee.sqlite3", "dee")
    lavrov = next(x.id for x in s.spans(1) if x.text == "Lavrov" and x.layer == "actor")
    s.relabel_span(lavrov, "ORG")
    s.close()
    before = {p: sha256(p) for p in [*paths, tmp_path / "dee.sqlite3"]}
    code, out, err = agree(capsys, *paths, tmp_path / "dee.sqlite3")
    assert code == 0, err
    result = json.loads(out)
    assert "actor_exact_f1" not in result  # the two-file keys are for two files
    assert [a["name"] for a in result["analysts"]] == ["ana", "ben", "chen", "dee"]
    assert len(result["pairwise"]) == 6
    pair = {(p["a"], p["b"]): p for p in result["pairwise"]}
    assert pair[("ana", "ben")]["actor_alpha_u"]["alpha"] == 1.0
    assert pair[("ana", "ben")]["actor_f1"]["all"] == {"exact": 1.0, "overlap": 1.0}
    assert pair[("ana", "dee")]["actor_f1"]["PERSON"]["exact"] == 0.0  # her Lavrov is ORG
    assert pair[("ana", "dee")]["actor_alpha_u"]["alpha"] < 1.0
    # dee reviewed one mention only: the claims she left are missing, not disagreements.
    kinds = result["all_analysts"]["aligned"]["claim_kind"]
    assert kinds["units"] == 2  # both claims, valued by ana, ben and chen
    assert kinds["alpha"] is None  # one kind only: alpha has no expected disagreement
    assert kinds["kappa"] is None  # Fleiss' kappa needs a value from every analyst
    assert pair[("ana", "ben")]["aligned"]["claim_kind"]["kappa"] == 1.0  # Cohen's
    assert result["all_analysts"]["aligned"]["actor_label"]["kappa"] < 1.0  # Fleiss, 4 coders
    # Everyone accepted the model's suggestions but dee: full agreement with the model.
    model = {m["a"]: m for m in result["against_model"]}
    assert model["ana"]["actor_alpha_u"]["alpha"] == 1.0
    assert model["dee"]["actor_f1"]["all"]["exact"] == 0.0
    assert result["per_document"][0]["actor_mentions"] == [3, 3, 3, 1]
    assert {p: sha256(p) for p in before} == before


def test_two_files_keep_todays_keys_and_add_the_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, _ = three(tmp_path)
    code, out, _ = agree(capsys, a, b, "--unit", "char")
    result = json.loads(out)
    assert code == 0 and result["actor_exact_f1"] == 1.0 and result["claim_joint_f1"] == 1.0
    assert result["unit"] == "char" and result["all_analysts"]["claim_alpha_u"]["alpha"] == 1.0


def test_csv_and_diagnosis_are_guarded_and_show_each_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ana = make(tmp_path / "a.sqlite3", "=HYPERLINK(1)")
    accept_all(ana)
    ana.close()
    ben = make(tmp_path / "b.sqlite3", "ben")
    accept_all(ben)
    turkey = next(x.id for x in ben.spans(1) if x.text == "Turkey" and x.layer == "actor")
    ben.relabel_span(turkey, "ORG")
    ben.close()
    out_csv, diag = tmp_path / "report.csv", tmp_path / "diag.csv"
    code, out, _ = agree(
        capsys, tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", "--csv", out_csv,
        "--diagnosis", diag,
    )  # fmt: skip
    assert code == 0 and out == ""
    rows = list(csv.reader(diag.open(encoding="utf-8", newline="")))
    assert rows[0] == ["document", "layer", "position", "text", "'=HYPERLINK(1)", "ben"]
    assert rows[1:] == [["a", "actor", str(_token(TEXT, "Turkey")), "Turkey", "GPE", "ORG"]]
    table = list(csv.DictReader(out_csv.open(encoding="utf-8", newline="")))
    labels = {(r["figure"], r["label"]): r["value"] for r in table if r["scope"] == "pair"}
    assert labels[("actor_f1_exact", "GPE")] == "0.0000"
    assert all(not r["analysts"].startswith("=") for r in table)


def _token(text: str, word: str) -> int:
    from idleb_desk.core.offsets import token_edges

    return token_edges(text)[0].index(text.index(word))


def test_an_older_file_is_read_from_an_upgraded_copy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.sqlite3"
    con = sqlite3.connect(old)
    schema.STEPS[0](con)
    con.execute("PRAGMA user_version = 1")
    con.execute(
        "INSERT INTO documents (ext_id, title, text, sha256, created_at) VALUES "
        "('a', 'A', ?, ?, '2020-01-01')",
        (TEXT, __import__("idleb_desk.model").model.text_sha256(TEXT)),
    )
    con.commit()
    con.close()
    new = make(tmp_path / "new.sqlite3", "ben")
    new.close()
    before = sha256(old)
    code, out, err = agree(capsys, old, tmp_path / "new.sqlite3")
    assert code == 0, err
    assert json.loads(out)["documents_in_every_file"] == 1
    assert sha256(old) == before
    assert sqlite3.connect(old).execute("PRAGMA user_version").fetchone()[0] == 1
    assert not list(tmp_path.glob("old.sqlite3.*bak*"))


def _newer(path: Path) -> str:
    make(path, "zed").close()
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    return "newer"


def _garbage(path: Path) -> str:
    path.write_bytes(b"not a project at all\n" * 200)
    return "not"


def _truncated(path: Path) -> str:
    make(path, "zed").close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return "damaged"


def _other_project(path: Path) -> str:
    make(path, "zed", docs=(("a", "Another article, with the same id."),)).close()
    return "different projects"


@pytest.mark.parametrize("spoil", [_newer, _garbage, _truncated, _other_project])
def test_bad_file_is_refused_by_name_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spoil
) -> None:
    good = make(tmp_path / "good.sqlite3", "ana")
    accept_all(good)
    good.close()
    bad = tmp_path / "bad.sqlite3"
    words = spoil(bad)
    before = {p: sha256(p) for p in (tmp_path / "good.sqlite3", bad)}
    code, out, err = agree(capsys, tmp_path / "good.sqlite3", bad)
    assert code == 2 and out == ""
    assert str(bad) in err and words in err and "Traceback" not in err
    assert {p: sha256(p) for p in before} == before


def test_the_same_analyst_twice_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, _ = three(tmp_path)
    code, _, err = agree(capsys, a, a)
    assert code == 2 and f"{a}: is the same file as {a}" in err
    twin = make(tmp_path / "twin.sqlite3", "ana")
    accept_all(twin)
    twin.close()
    code, _, err = agree(capsys, a, b, tmp_path / "twin.sqlite3")
    assert code == 2 and f"{tmp_path / 'twin.sqlite3'}: was reviewed by 'ana'" in err


def test_an_output_over_an_input_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b, _ = three(tmp_path)
    before = sha256(b)
    code, _, err = agree(capsys, a, b, "--diagnosis", b)
    assert code == 2 and "never written to" in err and sha256(b) == before
    code, _, err = agree(capsys, a)
    assert code == 2 and "2 to 10" in err


def test_a_handed_out_file_is_named_by_its_analyst(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`team split` writes `team.analyst` into each file: that names it, even when one
    login reviewed both (a trainer trying the files on one machine)."""
    from idleb_desk.store.store import Store

    paths = []
    for name in ("ana", "ben"):
        path = tmp_path / f"{name}-file.sqlite3"
        s = make(path, "trainer")
        accept_all(s)
        s.close()
        with Store.open(path) as store:
            store.set_setting("team.analyst", name)
        paths.append(path)
    code, out, err = agree(capsys, *paths)
    assert code == 0, err
    assert [a["name"] for a in json.loads(out)["analysts"]] == ["ana", "ben"]
