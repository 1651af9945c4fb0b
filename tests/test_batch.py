"""`idleb-desk batch` (issue 16): shards from a mixed archive on both engines, resumption,
rejects, and the shards read back by import (filter, sample), stats and network."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from idleb_desk.batch.select import WhereError, parse_where
from idleb_desk.cli import main
from tests.batch_corpus import make_archive, run_cli, shard_tables

# The "huge" JSONL line (20,000 characters) is over this limit; the articles are not.
MAX_CHARS = "12000"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("archive")
    spec = make_archive(root)
    out = root / "out"
    done = run_cli(
        "batch",
        *spec["inputs"],
        "--out",
        out,
        "--workers",
        "2",  # type: ignore[misc]
        "--shard-size",
        "4",
        "--max-chars",
        MAX_CHARS,
    )
    spec.update(out=out, first=done, root=root)
    return spec


def test_batch_writes_shards_manifest_and_rejects(archive: dict[str, object]) -> None:
    done = archive["first"]
    out: Path = archive["out"]  # type: ignore[assignment]
    assert done.returncode == 1, done.stderr  # type: ignore[attr-defined]  # rejects: exit 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True
    assert manifest["totals"]["documents"] == archive["documents"]
    assert manifest["totals"]["rejects"] == archive["rejects"]
    tables = shard_tables(out)
    assert sorted(tables) == sorted(manifest["shards"])
    # Folder (6 files) -> 2 shards of 4, JSONL (10 lines) -> 3, Parquet (6 rows) -> 2.
    assert sorted(tables) == [
        "0000-000000",
        "0000-000001",
        "0001-000000",
        "0001-000001",
        "0001-000002",
        "0002-000000",
        "0002-000001",
    ]
    docs = [row for t in tables.values() for row in t["documents"].to_pylist()]  # type: ignore[attr-defined]
    assert len({d["text_sha256"] for d in docs}) == len(docs)
    assert {d["model"] for d in docs} == {manifest["model"]}
    assert {d["rules_version"] for d in docs} == {manifest["rules_version"]}
    claims = sum(t["claims"].num_rows for t in tables.values())  # type: ignore[attr-defined]
    assert claims == manifest["totals"]["claims"] > 0
    # Dates come from Markdown front matter, JSONL meta and Parquet meta alike.
    dates = {d["id"]: d["date"] for d in docs}
    assert (
        dates["a01"] == "2024-02-01" and dates["j0"] == "2024-03-10" and dates["p0"] == "2023-12-10"
    )
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    reasons = {r["id"]: r["reason"] for r in rejects}
    assert set(reasons) == {"empty", "feed-7", "feed-8", "feed-9", "huge", "archive-6"}
    assert '"text" must be a string' in reasons["archive-6"]
    assert "empty" in reasons["empty"]
    assert "not valid JSON" in reasons["feed-7"]
    assert "UTF-8" in reasons["feed-8"]
    assert "empty" in reasons["feed-9"]
    assert "too long" in reasons["huge"]
    assert all({"id", "source", "reason"} <= set(r) for r in rejects)


def test_a_second_run_writes_nothing_again(archive: dict[str, object]) -> None:
    out: Path = archive["out"]  # type: ignore[assignment]
    before = {p: p.stat().st_mtime_ns for p in (out / "shards").rglob("*.parquet")}
    again = run_cli(
        "batch",
        *archive["inputs"],
        "--out",
        out,
        "--workers",
        "1",  # type: ignore[misc]
        "--shard-size",
        "4",
        "--max-chars",
        MAX_CHARS,
    )
    assert again.returncode == 1, again.stderr
    assert "0 shards written, 7 done before (resumed)" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in (out / "shards").rglob("*.parquet")} == before
    assert len((out / "rejects.jsonl").read_text().splitlines()) == archive["rejects"]


def test_a_run_with_other_settings_is_refused(archive: dict[str, object]) -> None:
    out: Path = archive["out"]  # type: ignore[assignment]
    other = run_cli(
        "batch",
        *archive["inputs"],
        "--out",
        out,
        "--shard-size",
        "5",  # type: ignore[misc]
        "--max-chars",
        MAX_CHARS,
    )
    assert other.returncode == 2
    assert "shard size 4 then, 5 now" in other.stderr


def _ray_or_skip() -> None:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        if os.environ.get("IDLEB_REQUIRE_RAY") == "1":
            pytest.fail(f"IDLEB_REQUIRE_RAY=1 but Ray Data is not installed ({exc})")
        pytest.skip(f"the ray extra is not installed ({exc}); pip install 'idleb-desk[ray]'")


def test_ray_engine_writes_the_same_shards(archive: dict[str, object], tmp_path: Path) -> None:
    _ray_or_skip()
    out = tmp_path / "ray"
    done = run_cli(
        "batch",
        *archive["inputs"],
        "--out",
        out,
        "--engine",
        "ray",  # type: ignore[misc]
        "--workers",
        "2",
        "--shard-size",
        "4",
        "--max-chars",
        MAX_CHARS,
    )
    assert done.returncode == 1, done.stderr
    local, ray = shard_tables(archive["out"]), shard_tables(out)  # type: ignore[arg-type]
    assert sorted(local) == sorted(ray)
    for name in local:
        for table in ("documents", "actors", "claims"):
            assert local[name][table].equals(ray[name][table]), (name, table)  # type: ignore[attr-defined]
        assert local[name]["rejects"] == ray[name]["rejects"]
    assert (out / "rejects.jsonl").read_text() == (archive["out"] / "rejects.jsonl").read_text()  # type: ignore[operator]


def _ids(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return sorted(r[0] for r in con.execute("SELECT ext_id FROM documents"))


def test_import_a_reproducible_sample_without_extracting(
    archive: dict[str, object], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from idleb_desk.nlp import pipeline

    def no_model(*_a: object, **_k: object) -> None:
        raise AssertionError("import from shards must not load a model")

    monkeypatch.setattr(pipeline.Extractor, "load", no_model)
    out: Path = archive["out"]  # type: ignore[assignment]
    a, b, c = tmp_path / "a.sqlite", tmp_path / "b.sqlite", tmp_path / "c.sqlite"
    assert main(["import", str(a), str(out), "--sample", "5", "--seed", "11"]) == 0
    assert main(["import", str(b), str(out / "shards"), "--sample", "5", "--seed", "11"]) == 0
    assert main(["import", str(c), str(out), "--sample", "5", "--seed", "12"]) == 0
    assert len(_ids(a)) == 5 and _ids(a) == _ids(b)
    assert _ids(a) != _ids(c)  # 5 of 16: another seed draws another sample (checked here)
    with sqlite3.connect(a) as con:
        spans = con.execute("SELECT COUNT(*) FROM spans WHERE status = 'suggested'").fetchone()[0]
        claims = con.execute("SELECT COUNT(*) FROM claims").fetchone()[0]
        models = {r[0] for r in con.execute("SELECT extracted_with FROM documents")}
    assert spans > 0 and claims > 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert models == {manifest["model"]}


def test_import_with_a_filter(archive: dict[str, object], tmp_path: Path) -> None:
    out: Path = archive["out"]  # type: ignore[assignment]
    db = tmp_path / "f.sqlite"
    assert main(["import", str(db), str(out), "--where", "date>=2024-03 and claims>=1"]) == 0
    docs = [d for t in shard_tables(out).values() for d in t["documents"].to_pylist()]  # type: ignore[attr-defined]
    expected = sorted(
        d["id"] for d in docs if (d["date"] or "") >= "2024-03" and d["n_claims"] >= 1
    )
    assert expected and _ids(db) == expected
    kinds = parse_where("kind=demand")
    assert kinds[0].field == "kind"
    db2 = tmp_path / "k.sqlite"
    assert main(["import", str(db2), str(out), "--where", "kind=demand and source~feed"]) == 0
    with sqlite3.connect(db2) as con:
        paths = {r[0] for r in con.execute("SELECT path FROM documents")}
        per_doc = con.execute(
            "SELECT COUNT(DISTINCT document_id) FROM claims WHERE kind = 'demand'"
        ).fetchone()[0]
    assert paths and all("feed" in p for p in paths)
    assert per_doc == len(_ids(db2))


@pytest.mark.parametrize("expr", ["kind>threat", "colour=red", "claims>=many", "actor=X or kind=Y"])
def test_a_bad_filter_is_a_usage_error(
    expr: str, archive: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(WhereError):
        parse_where(expr)
    db = tmp_path / "x.sqlite"
    assert main(["import", str(db), str(archive["out"]), "--where", expr]) == 2
    assert "--where" in capsys.readouterr().err
    assert not db.exists()


def test_stats_and_network_over_shards(
    archive: dict[str, object], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out: Path = archive["out"]  # type: ignore[assignment]
    assert main(["stats", str(out)]) == 0
    stats = json.loads(capsys.readouterr().out)
    totals = json.loads((out / "manifest.json").read_text())["totals"]
    assert stats["documents"] == totals["documents"]
    assert stats["rejected"] == totals["rejects"]
    assert stats["claims"]["total"] == totals["claims"]
    assert sum(stats["actor_mentions"].values()) == totals["actors"]
    assert main(["network", str(out), "--out", str(tmp_path / "net")]) == 0
    graph = nx.read_graphml(tmp_path / "net" / "network.graphml")
    weights = sum(int(d["weight"]) for _, _, d in graph.edges(data=True))
    assert weights >= totals["claims"]  # a claim with two addressees is two edges
    assert any(d["name"] == "(public)" for _, d in graph.nodes(data=True))
