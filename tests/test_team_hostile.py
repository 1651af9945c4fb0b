"""Hostile strings through every field of the team server (issue 15): names, labels,
titles, texts, comments, actor names with quotes, semicolons, backslashes, SQL, and
unicode (no NUL: PostgreSQL text cannot hold one)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from team_server_project import as_user, copy, make_project, publish_project, session, team

from idleb_desk.store.store import Store
from idleb_desk.team.sync import join, sync

pytestmark = pytest.mark.pgserver

WHO = "o'brien\"; DROP TABLE idleb_team.events;--ü"
NASTY = (
    "'; DROP TABLE idleb_team.events; --",
    'Robert"); DELETE FROM idleb_team.layer_rows;--',
    "back\\slash $$ dollar $1 %s %(x)s {0}",
    "Ünïcödé ‮RTL‬ 🇸🇾 👩🏽‍⚕️ e\u0301 \u2028 line",
    "tab\there\nnewline\r\nand 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
)


def _spans(s) -> list[tuple]:
    return sorted(
        (d.ext_id, x.start, x.end, x.label, x.status, x.origin, x.comment or "",
         s.actor_name(x.actor_id))
        for d in s.documents() for x in s.spans(d.id)
    )  # fmt: skip


def test_hostile_strings_go_through_every_field(pg_url: str, tmp_path: Path) -> None:
    team(pg_url, (WHO,))
    texts = tuple(f"{n} said {n}." for n in NASTY)
    one = make_project(tmp_path / "one.sqlite3", texts)
    publish_project(pg_url, one, set(), [WHO])
    two = copy(one, tmp_path / "two.sqlite3")
    for path in (one, two):
        with Store.open(path, create=False) as store:
            join(store, as_user(pg_url, WHO), WHO)
    s = session(one, WHO)
    for d, nasty in zip(s.documents(), NASTY, strict=True):
        span = s.create_span(d.id, 0, len(nasty), nasty)
        s.set_comment("span", span.id, nasty[::-1])
        actor_id = s.span(span.id).actor_id
        if actor_id is not None:
            s.rename_actor(actor_id, nasty + " (actor)")
    want = _spans(s)
    assert len(want) >= 2 * len(NASTY)  # each made span, and project memory's suggestions
    s.close()
    with Store.open(one, create=False) as store:
        assert sync(store).pushed > 0
    with Store.open(two, create=False) as store:
        report = sync(store)
        assert report.not_applied == 0 and report.applied > 0
    s = session(two, WHO)
    got = _spans(s)
    s.close()
    assert got == want
    with psycopg.connect(pg_url) as con:
        titles = {r[0] for r in con.execute("SELECT text FROM idleb_team.documents")}
        labels = {r[0] for r in con.execute(
            "SELECT data->>'label' FROM idleb_team.layer_rows WHERE tbl = 'spans'")}
        authors = {r[0] for r in con.execute("SELECT DISTINCT author FROM idleb_team.events")}
        assert con.execute("SELECT to_regclass('idleb_team.events')").fetchone() != (None,)
    assert titles == set(texts) and labels == set(NASTY) and authors == {WHO}
