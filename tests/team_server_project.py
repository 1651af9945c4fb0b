"""Small projects and a team server for the team-server tests (issue 15)."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from idleb_desk.core.review import ReviewSession
from idleb_desk.store.documents import insert_document
from idleb_desk.store.store import Store
from idleb_desk.team import server

TEXTS = (
    "Lavrov met Borrell in Moscow on Monday and said the talks were useful.",
    "The ministers in Brussels said the Idlib ceasefire must hold, Borrell said.",
    "Erdogan told Putin that Turkey would not accept a new offensive in Idlib.",
)


RELABELS = ("ORG", "GPE", "PERSON", "NORP")


def as_user(url: str, name: str) -> str:
    """The admin's URL of a test database, logging in as another role."""
    head, rest = url.split("@", 1)
    return f"postgresql://{quote(name, safe='')}@{rest}"


def make_project(path: Path, texts: tuple[str, ...] = TEXTS) -> Path:
    with Store.open(path) as store, store.transaction():
        for i, text in enumerate(texts):
            insert_document(store, f"d{i}", f"Article {i}", text)
    return path


def team(url: str, analysts: tuple[str, ...], curators: tuple[str, ...] = ()) -> None:
    server.init_server(url)
    for name in analysts:
        server.add_member(url, name, "analyst")
    for name in curators:
        server.add_member(url, name, "curator")


def publish_project(url: str, path: Path, sample: set[str], analysts: list[str]) -> None:
    from idleb_desk.store.sync_state import documents_for_server

    with Store.open(path, create=False, read_only=True) as store:
        docs = [server.Document(*r) for r in documents_for_server(store.con)]
    server.publish(url, docs, sample, {a: [d.sha256 for d in docs] for a in analysts})


def two_laptops(url: str, folder: Path, events: int) -> tuple[Path, Path, int]:
    """Ana's project on two laptops (copies of one file made before either joined, both
    joined), and `events` relabellings of one span made on the first, not yet synced:
    the workload of the fault tests and `bench/fault_team.py`. Returns the two files and
    the span's id."""
    from idleb_desk.team.sync import join

    team(url, ("ana",))
    one = make_project(folder / "one.sqlite3")
    publish_project(url, one, set(), ["ana"])
    s = session(one, "ana")
    span = s.create_span(s.documents()[0].id, 0, 6, "PERSON")
    s.close()
    two = copy(one, folder / "two.sqlite3")
    for path in (one, two):
        with Store.open(path, create=False) as store:
            join(store, as_user(url, "ana"), "ana")
    s = session(one, "ana")
    for i in range(events):
        s.relabel_span(span.id, RELABELS[i % len(RELABELS)])
    s.close()
    return one, two, span.id


def make_team(url: str, analysts: list[str], project: Path) -> None:
    """A new team of `analysts` on the server, each assigned every document of `project`,
    none of them in a reliability sample."""
    team(url, tuple(analysts))
    publish_project(url, project, set(), analysts)


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def session(path: Path, who: str) -> ReviewSession:
    return ReviewSession.open(path, who, create=False)


def use_window(qtbot, w) -> None:
    """Work in window `w`, as the analyst clicking into it (keys go to the active one)."""
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(w.isActiveWindow)


def sync_by_key(qtbot, w) -> None:
    """F5 in window `w`; done when no sync runs or waits (a server notice of its own push
    may ask for one more)."""
    from PySide6.QtCore import Qt

    use_window(qtbot, w)
    w.team.last = None
    qtbot.keyClick(w.view, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: w.team.task is None and not w.team.again
                    and w.team.last is not None, timeout=30000)  # fmt: skip
