"""Keys made outside the project file's write lock (issue 15, the push beside the window):
translated without the lock, recorded at once inside it, and refused as a whole when
another writer named one of those rows meanwhile (the push then translates again)."""

from __future__ import annotations

from pathlib import Path

from team_server_project import make_project, session

from idleb_desk.store import sync_state as st
from idleb_desk.store.store import Store
from idleb_desk.team import keys


def test_deferred_keys_are_written_at_once_or_refused_on_a_collision(tmp_path: Path) -> None:
    path = make_project(tmp_path / "p.sqlite3")
    s = session(path, "ana")
    a = s.create_span(s.documents()[0].id, 0, 6, "PERSON").id
    b = s.create_span(s.documents()[1].id, 0, 3, "ORG").id
    s.close()
    with Store.open(path, create=False) as store:
        con = store.con
        cache = keys.KeyCache(con, 1, defer=True)
        key_a = keys.key_for(con, "spans", a, None, cache)
        assert st.key_of(con, "spans", a) is None  # only noted
        with store.transaction():
            assert cache.write(con)
        assert st.key_of(con, "spans", a) == key_a
        later = keys.KeyCache(con, 1, defer=True)
        keys.key_for(con, "spans", b, None, later)
        with Store.open(path, create=False) as other, other.transaction():
            keys.key_for(other.con, "spans", b)  # another sync names it meanwhile
        mine = later.keys[("spans", b)]
        with store.transaction():
            assert not later.write(con)
        assert st.key_of(con, "spans", b) != mine  # the other's key stands
