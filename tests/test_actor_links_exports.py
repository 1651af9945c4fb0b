"""Every export file agrees about actors (issue 12, item 15).

A project made from the seed with the real spaCy pipeline, partly reviewed as an analyst
would leave it (every claim accepted, every other actor mention accepted, one unreviewed
mention picked as an addressee), is exported
through the CLI in every format, reviewed only and with --all. The files are then read
back and cross-checked:
- every actor named anywhere (actors.csv, claims.csv's speaker and addressee actors, the
  actor of each span in project.jsonl, Prodigy, Label Studio, brat notes, .spacy) is a
  row of actor_table.csv;
- every mention in actors.conll is a row of actors.csv;
- with --all, suggested mentions carry their suggested actor, and the seed's suggested
  claims name the actor that heads their speaker.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from idleb_desk.cli import main
from idleb_desk.core.review import ReviewSession
from idleb_desk.model import LAYER_ACTOR

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt"
GOLD = ROOT / "tests" / "data" / "gold" / "idleb-eu-ministers.json"
FORMATS = ("csv", "jsonl", "prodigy", "spacy", "brat", "labelstudio", "conll")
SEP = " | "
# A span's actor as the JSON-based files write it (also inside brat's AnnotatorNotes).
_ACTOR = re.compile(r'"actor":\s*(\{[^{}]*\})')


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("exports")
    db = tmp / "seed.idleb"
    assert main(["import", str(db), str(SEED)]) == 0
    return db


@pytest.fixture(scope="module")
def suggested(project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything exported with --all before anyone reviewed anything."""
    out = tmp_path_factory.mktemp("suggested")
    args = ["export", "--all", "--out", str(out), str(project)]
    assert main([*args, *(x for f in FORMATS for x in ("--format", f))]) == 0
    return out


@pytest.fixture(scope="module")
def exported(project: Path, suggested: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Reviewed only and --all, after a partial review."""
    session = ReviewSession.open(project, "ana")
    try:
        mentions = [s for s in session.spans(1) if s.layer == LAYER_ACTOR]
        for span in mentions[::2]:
            session.accept_span(span.id)
        # An addressee picked on a mention the analyst has not reviewed: the formats
        # carry it for the claim's role, but it is no reviewed mention.
        first = session.claims(1)[0]
        session.add_addressee(first.id, span_id=mentions[1].id)
        for claim in session.claims(1):
            session.accept_claim(claim.id)
    finally:
        session.close()
    outs = {}
    for name, extra in (("reviewed", []), ("all", ["--all"])):
        out = tmp_path_factory.mktemp(name)
        args = ["export", *extra, "--out", str(out), str(project)]
        assert main([*args, *(x for f in FORMATS for x in ("--format", f))]) == 0
        outs[name] = out
    return outs


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _split(cell: str) -> list[str]:
    return [x for x in cell.split(SEP) if x]


def _walk_actors(value: Any) -> list[str]:
    if isinstance(value, dict):
        out = []
        actor = value.get("actor")
        if isinstance(actor, dict) and actor.get("name"):
            out.append(actor["name"])
        return out + [n for v in value.values() for n in _walk_actors(v)]
    if isinstance(value, list):
        return [n for v in value for n in _walk_actors(v)]
    return []


def named_actors(out: Path) -> dict[str, set[str]]:
    """Every actor name each export file names, by file."""
    named: dict[str, set[str]] = {
        "actors.csv": {r["actor_name"] for r in _rows(out / "actors.csv") if r["actor_name"]},
        "claims.csv": {
            n
            for r in _rows(out / "claims.csv")
            for n in _split(r["speaker_actor"]) + _split(r["addressee_actors"])
        },
    }
    texts = [out / "project.jsonl", out / "prodigy.jsonl", out / "labelstudio.json"]
    texts += sorted((out / "brat").rglob("*.ann"))
    for path in texts:
        found = [json.loads(m)["name"] for m in _ACTOR.findall(path.read_text(encoding="utf-8"))]
        named[path.name] = {n for n in found if n}
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    docs = DocBin(store_user_data=True).from_disk(out / "project.spacy").get_docs(Vocab())
    named["project.spacy"] = {n for d in docs for n in _walk_actors(d.user_data)}
    return named


def conll_mentions(path: Path) -> Counter:
    """(text without spaces, label) of each BIO mention."""
    found: Counter = Counter()
    current: list[str] = []
    label = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        token, _, tag = line.partition("\t")
        if current and not tag.startswith("I-"):
            found[("".join(current), label)] += 1
            current = []
        if tag.startswith("B-"):
            current, label = [token], tag[2:]
        elif tag.startswith("I-"):
            current.append(token)
    return found


@pytest.mark.parametrize("which", ["reviewed", "all"])
def test_every_actor_named_is_in_the_actor_table(exported, which: str) -> None:
    out = exported[which]
    table = {r["name"] for r in _rows(out / "actor_table.csv")}
    named = named_actors(out)
    assert named["claims.csv"], "the claims name no actor at all"
    # project.jsonl is always the whole project, for re-import (README): its actors are
    # those of an --all export's table.
    everything = {r["name"] for r in _rows(exported["all"] / "actor_table.csv")}
    assert named.pop("project.jsonl") <= everything
    missing = {f: sorted(n - table) for f, n in named.items() if n - table}
    assert missing == {}


def test_suggestions_name_their_actors_everywhere(suggested) -> None:
    table = {r["name"] for r in _rows(suggested / "actor_table.csv")}
    missing = {f: sorted(n - table) for f, n in named_actors(suggested).items() if n - table}
    assert missing == {}


@pytest.mark.parametrize("which", ["reviewed", "all"])
def test_every_conll_mention_is_in_actors_csv(exported, which: str) -> None:
    out = exported[which]
    rows = Counter(("".join(r["text"].split()), r["label"]) for r in _rows(out / "actors.csv"))
    mentions = conll_mentions(out / "actors.conll")
    assert mentions, "no mention in actors.conll"
    assert mentions - rows == Counter()


def test_suggested_mentions_carry_their_actor(suggested) -> None:
    rows = _rows(suggested / "actors.csv")
    assert rows and all(r["status"] == "suggested" for r in rows)
    assert [r["text"] for r in rows if not r["actor_name"]] == []
    table = {r["name"]: r for r in _rows(suggested / "actor_table.csv")}
    # Counted by actor: the mentions of each actor add up to every suggested mention.
    assert sum(int(r["mentions"]) for r in table.values()) == len(rows)


def _gold_headed_speakers() -> list[dict]:
    """Gold claims whose speaker (or its antecedent) is headed by a gold actor mention: it
    ends the noun phrase before any comma ("The 14 ministers, including ... Heiko Maas"
    are the ministers, no actor of the seed)."""
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    out = []
    for c in gold["claims"]:
        source = c.get("speaker_antecedent") or c.get("speaker")
        if not source:
            continue
        head = source["text"].split(",")[0]
        end = source["start"] + len(head.rstrip(" .,;:'\"’”)"))
        if any(a["start"] >= source["start"] and a["end"] == end for a in gold["actors"]):
            out.append(c)
    return out


def test_suggested_claims_name_their_speaker_actor(suggested) -> None:
    rows = _rows(suggested / "claims.csv")
    assert len(rows) >= 10 and all(r["status"] == "suggested" for r in rows)
    wanted = _gold_headed_speakers()
    assert len(wanted) >= 6
    for c in wanted:
        s = c["speaker"]
        row = next(
            r for r in rows
            if (r["speaker_start"], r["speaker_end"]) == (str(s["start"]), str(s["end"]))
        )  # fmt: skip
        assert row["speaker_actor"], f"suggested claim with speaker {s['text']!r} has no actor"
    by_speaker = {r["speaker_text"]: r["speaker_actor"] for r in rows}
    assert by_speaker["Russian Foreign Minister Sergei Lavrov"] == "Sergei Lavrov"
    assert (
        by_speaker["French President Emmanuel Macron and German Chancellor Angela Merkel"]
        == "Emmanuel Macron | Angela Merkel"
    )
