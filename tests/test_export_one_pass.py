"""Issue 17, export: actors.csv and the actor table from one read of the mentions.

The export formats actors.csv's rows itself, counts the actors' aliases in the same pass
(`AliasTally`, inlined), and fills each row's alias cell from a scratch file at the end
(`store/actor_csv.py`). Its bytes must be what csv.writer writes for the cells the plain
rules give (guard every text cell, the aliases `actor_rows` finds), on a project made to
hit every branch: quotes, commas, line breaks, formulas, braces and NULs in every kind
of cell, reviewers and review times missing, mentions without an actor, flags and
comments, and an actor with more distinct texts than the tally keeps (its pruning
depends on the order the texts come in).
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from pathlib import Path

import pytest

from idleb_desk.io.actor_table import write_actor_table
from idleb_desk.io.csv_export import export_csv
from idleb_desk.store import actor_csv
from idleb_desk.store.actor_queries import ALIAS_SEP, actor_rows
from idleb_desk.store.alias_tally import LIMIT, AliasTally
from idleb_desk.store.exports import ACTOR_COLUMNS, guard_cell, statuses_for
from idleb_desk.store.store import Store

WORDS = ["Lavrov", "Erdogan", "=SUM(A1)", "+44", "Macron, E.", 'the "envoy"', "Line\nbreak",
         "{braces}", "nul\x00here", "  -lead", "\uff1dfull", "\tTab", "Assad"]  # fmt: skip
ODD = ["", "=cmd|' /C calc'!A0", 'say "x"', "a,b", "multi\nline", "{x}", "\x00", "@at", None]
STATUSES = ["suggested", "accepted", "edited", "manual", "rejected"]


def build(path: Path, seed: int) -> None:
    rng = random.Random(seed)
    with Store.open(path) as store, store.transaction():
        con = store.con
        names = ["Lavrov", "=HYPERLINK(x)", "Macron, Emmanuel", 'The "Envoy"', "Many"]
        con.executemany(
            "INSERT INTO actors (id, name, label) VALUES (?, ?, ?)",
            [(i + 1, n, "PERSON") for i, n in enumerate(names)],
        )
        for d in range(1, 13):
            parts, spans, pos = [], [], 0
            for _ in range(60):
                if rng.random() < 0.3:
                    word = f"Many{rng.randrange(400)}"  # past LIMIT distinct texts
                    aid: int | None = 5
                else:
                    word = rng.choice(WORDS)
                    aid = rng.choice([None, 1, 2, 3, 4])
                status = rng.choice(STATUSES)
                reviewed = status != "suggested" or rng.random() < 0.1
                at = rng.choice(["2026-12-04T10:00:00+00:00", "x,y", "=now()", "2026,12"])
                spans.append(
                    (d, pos, pos + len(word), rng.choice(["PERSON", "ORG", 'A,"q"\nL']),
                     "actor", status, rng.choice(["m-1", "manual", "=o", "o,\"x\""]), aid,
                     rng.choice(ODD) if reviewed else None, at if reviewed else None,
                     rng.choice(ODD) if rng.random() < 0.2 else None,
                     rng.choice(ODD) if rng.random() < 0.2 else None)
                )  # fmt: skip
                parts.append(word + ". ")
                pos += len(parts[-1])
            text = "".join(parts)
            con.execute(
                "INSERT INTO documents (id, ext_id, title, text, sha256, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (d, f"d{d}", rng.choice(["Plain", "=T()", "a, b", 'q"t', "{t}"]), text,
                 hashlib.sha256(text.encode()).hexdigest(), "2026-01-01T00:00:00+00:00"),
            )  # fmt: skip
            con.executemany(
                'INSERT INTO spans (document_id, start, "end", label, layer, status, origin, '
                "actor_id, reviewer, reviewed_at, flag, comment) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                spans,
            )


def reference_actors_csv(store: Store, include_all: bool) -> bytes:
    """actors.csv by the plain rules: csv.writer over guarded cells, one query."""
    statuses = statuses_for(include_all)
    aliases = {
        a.id: guard_cell(ALIAS_SEP.join(a.aliases[: actor_csv.ROW_ALIASES]))
        for a in actor_rows(store, statuses, with_claims=True)
    }
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ACTOR_COLUMNS)
    marks = ",".join("?" * len(statuses))
    rows = store.execute(
        f"""SELECT s.document_id, d.title, s.id, s.start, s."end", d.text, s.label, s.status,
                   s.origin, s.reviewer, s.reviewed_at, s.actor_id, a.name, s.flag, s.comment
            FROM spans s JOIN documents d ON d.id = s.document_id
            LEFT JOIN actors a ON a.id = s.actor_id
            WHERE s.layer = 'actor' AND s.status IN ({marks})
            ORDER BY s.document_id, s.start, s.id""",
        statuses,
    ).fetchall()

    def g(value: str | None) -> str:
        return guard_cell(value or "")

    for r in rows:
        writer.writerow(
            (r[0], g(r[1]), r[2], r[3], r[4], g(r[5][r[3] : r[4]]), g(r[6]), r[7], g(r[8]),
             g(r[9]), g(r[10]), "" if r[11] is None else r[11], g(r[12]), g(r[13]), g(r[14]),
             aliases.get(r[11], ""))
        )  # fmt: skip
    return out.getvalue().encode("utf-8")


def reference_table(store: Store, include_all: bool) -> bytes:
    out = io.StringIO()
    rows = actor_rows(store, statuses_for(include_all), with_claims=True)
    write_actor_table(out, store, include_all, rows)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("include_all", [False, True])
def test_one_pass_export_is_what_the_plain_rules_write(
    tmp_path: Path, seed: int, include_all: bool
) -> None:
    db = tmp_path / "p.sqlite3"
    build(db, seed)
    with Store.open(db) as store:
        report = export_csv(store, tmp_path / "out", include_all=include_all)
        assert (tmp_path / "out" / "actors.csv").read_bytes() == reference_actors_csv(
            store, include_all
        )
        assert (tmp_path / "out" / "actor_table.csv").read_bytes() == reference_table(
            store, include_all
        )
        assert report.actor_rows > 200
        # The scratch file is unnamed: nothing but the three exports is left behind.
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
            "actor_table.csv", "actors.csv", "claims.csv",
        ]  # fmt: skip


def test_the_tally_prunes_as_one_text_at_a_time_does(tmp_path: Path) -> None:
    """`count_pending` counts a list at a time in C; the rule is one text at a time."""
    rng = random.Random(7)
    texts = [f"t{rng.randrange(300)}" if rng.random() < 0.7 else "common" for _ in range(5000)]
    fast = AliasTally()
    for i, t in enumerate(texts):
        fast.add(1, i // 50, t)
        if rng.random() < 0.01:
            fast.flush()
    fast.flush()
    # One at a time, by the rule: count, and past LIMIT keep the 32 most frequent.
    seen: dict[str, int] = {}
    for t in texts:
        seen[t] = seen.get(t, 0) + 1
        if len(seen) > LIMIT:
            seen = dict(sorted(seen.items(), key=lambda kv: -kv[1])[:32])
    entry = fast.actors[1]
    assert list(entry[3].items()) == list(seen.items())
    assert entry[0] == len(texts) and entry[1] == 100


def test_a_nul_in_a_cell_does_not_pass_for_a_key(tmp_path: Path) -> None:
    """Rows hold their actor's key between two NULs until the aliases are known; a NUL
    in a comment or a text takes the batch through the line-by-line split."""
    db = tmp_path / "p.sqlite3"
    build(db, 4)
    with Store.open(db) as store, store.transaction():
        # A comment that looks like a key ("NUL 1 NUL") on every row.
        store.execute("UPDATE spans SET comment = ?, status = 'accepted'", ("a\x001\x00b",))
    with Store.open(db) as store:
        export_csv(store, tmp_path / "out")
        assert (tmp_path / "out" / "actors.csv").read_bytes() == reference_actors_csv(store, False)
