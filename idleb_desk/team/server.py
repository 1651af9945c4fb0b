"""Connecting to the team server and administering it: init, members, documents, release.

Credentials are libpq's: the URL (or `service=NAME` string) names host, database and
user; the password comes from ~/.pgpass, the service file or PGPASSWORD, never from the
project file, so a URL holding a password is refused. `sslmode` and every other libpq
parameter in the URL are passed through as given. Every name, label and text goes to the
server as a bound parameter; role names are quoted with `sql.Identifier`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from idleb_desk.team import server_schema as ss

log = logging.getLogger(__name__)
ROLES = ("analyst", "curator", "admin")
_GROUP = {"analyst": ss.ANALYST, "curator": ss.CURATOR, "admin": ss.ADMIN}


class TeamServerError(Exception):
    """A team-server problem to tell the user (bad URL, refused connection, old client)."""


class ServerOffline(TeamServerError):
    """The server could not be reached; nothing was lost, sync again later."""


def check_url(url: str) -> str:
    """The connection string if it holds no password (a URL or key=value string)."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise TeamServerError(f"not a PostgreSQL connection string: {url!r} ({exc})") from None
    if params.get("password"):
        raise TeamServerError(
            "the connection string holds a password; it would be stored in the project. "
            "Put it in ~/.pgpass or a service file (service=NAME), or set PGPASSWORD"
        )
    return url


def connect(url: str, *, autocommit: bool = False, timeout: int = 10) -> psycopg.Connection:
    check_url(url)
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=timeout)
    except psycopg.OperationalError as exc:
        raise ServerOffline(f"cannot reach the team server: {_first_line(exc)}") from exc


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def server_version(con: psycopg.Connection) -> int | None:
    """The team schema's recorded version, or None if the database has no team schema."""
    row = con.execute(
        "SELECT to_regclass(%s) IS NOT NULL", (f"{ss.SCHEMA}.schema_version",)
    ).fetchone()
    if not row or not row[0]:
        return None
    got = con.execute(f"SELECT max(version) FROM {ss.SCHEMA}.schema_version").fetchone()
    return None if got is None or got[0] is None else int(got[0])


def require_schema(con: psycopg.Connection, *, writing: bool = True) -> int:
    version = server_version(con)
    if version is None:
        raise TeamServerError(
            "this database holds no idleb_desk team; an administrator runs "
            "'idleb-desk team init URL' first"
        )
    if version > ss.SERVER_SCHEMA_VERSION and writing:
        raise TeamServerError(
            f"the team server's schema is version {version}, newer than this idleb_desk "
            f"writes ({ss.SERVER_SCHEMA_VERSION}); upgrade idleb_desk. Nothing was written"
        )
    return version


def init_server(url: str) -> int:
    """Create the team schema, the group roles, the grants and the policies; returns the
    schema version. A team of an older schema version is upgraded (its functions made
    anew: the tables are the same); one of this version or newer is refused."""
    with connect(url) as con:
        existing = server_version(con)
        if existing is not None and existing < ss.SERVER_SCHEMA_VERSION:
            _upgrade(con, existing)
            return ss.SERVER_SCHEMA_VERSION
        if existing is not None:
            raise TeamServerError(
                f"this database already holds an idleb_desk team (schema version {existing})"
            )
        con.execute(ss.ROLES)
        con.execute(ss.TABLES)
        con.execute(ss.PUSH)
        con.execute(ss.SECURITY)
        con.execute(ss.SHARED_PART)
        con.execute(ss.STORED_IDS)
        con.execute(
            f"INSERT INTO {ss.SCHEMA}.schema_version (version) VALUES (%s)",
            (ss.SERVER_SCHEMA_VERSION,),
        )
    log.info("team schema v%d created", ss.SERVER_SCHEMA_VERSION)
    return ss.SERVER_SCHEMA_VERSION


def _upgrade(con: psycopg.Connection, existing: int) -> None:
    """Versions 1 to 2 differ only in functions (`server_schema.SERVER_SCHEMA_VERSION`)."""
    con.execute(ss.PUSH)
    con.execute(ss.STORED_IDS)
    con.execute(
        f"INSERT INTO {ss.SCHEMA}.schema_version (version) VALUES (%s)",
        (ss.SERVER_SCHEMA_VERSION,),
    )
    log.info("team schema upgraded from v%d to v%d", existing, ss.SERVER_SCHEMA_VERSION)


def check_member_name(name: str) -> str:
    if not name or "\x00" in name or name != name.strip():
        raise TeamServerError(f"{name!r}: a member's name is not empty, has no NUL and no "
                              "space at either end")  # fmt: skip
    if len(name.encode()) > 63:
        raise TeamServerError(f"{name!r}: a member's name is at most 63 bytes (a role name)")
    if name in (ss.CURATED, ss.SHARED) or name.startswith(("pg_", "idleb_")):
        raise TeamServerError(f"{name!r}: that name is reserved")
    return name


def add_member(url: str, name: str, role: str = "analyst") -> bool:
    """Make NAME a login role in the role's group (analyst, curator or admin); True if the
    login role was new. No password is set here: the administrator gives one with
    ALTER ROLE ... PASSWORD (or uses peer or certificate authentication)."""
    check_member_name(name)
    if role not in ROLES:
        raise TeamServerError(f"{role!r}: a role is one of {', '.join(ROLES)}")
    with connect(url) as con:
        require_schema(con)
        exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        if not exists:
            con.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        con.execute(
            sql.SQL("GRANT {} TO {}").format(sql.Identifier(_GROUP[role]), sql.Identifier(name))
        )
        con.execute(
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(con.info.dbname), sql.Identifier(name)
            )
        )
        con.execute(
            f"INSERT INTO {ss.SCHEMA}.members (name, role) VALUES (%s, %s) "
            "ON CONFLICT (name) DO UPDATE SET role = excluded.role",
            (name, role),
        )
    return not exists


@dataclass(frozen=True)
class Document:
    sha256: str
    ext_id: str
    title: str
    text: str


def publish(
    url: str, documents: Iterable[Document], sample: set[str], assignments: dict[str, list[str]]
) -> int:
    """Put documents on the server (a curator's or admin's work): the reliability sample
    (by SHA-256) and who codes what. A document already there keeps its text; its sample
    mark is only ever added. Returns how many documents were new."""
    docs = list(documents)
    with connect(url) as con:
        require_schema(con)
        before = _count(con, "documents")
        with con.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {ss.SCHEMA}.documents (sha256, ext_id, title, text, sample) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (sha256) DO UPDATE SET "
                "sample = documents.sample OR excluded.sample",
                [(d.sha256, d.ext_id, d.title, d.text, d.sha256 in sample) for d in docs],
            )
            cur.executemany(
                f"INSERT INTO {ss.SCHEMA}.assignments (document, analyst) VALUES (%s, %s) "
                "ON CONFLICT DO NOTHING",
                [(sha, who) for who, shas in assignments.items() for sha in shas],
            )
        return _count(con, "documents") - before


def _count(con: psycopg.Connection, table: str) -> int:
    row = con.execute(
        sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(ss.SCHEMA), sql.Identifier(table)
        )  # fmt: skip
    ).fetchone()
    return int(row[0]) if row else 0


def release(url: str, documents: list[str]) -> int:
    """Release sample documents (by SHA-256 or ext_id): every analyst may now read every
    layer of them. Returns how many were released."""
    with connect(url) as con:
        require_schema(con)
        cur = con.execute(
            f"UPDATE {ss.SCHEMA}.documents SET released = true "
            "WHERE (sha256 = ANY(%s) OR ext_id = ANY(%s)) AND sample AND NOT released",
            (documents, documents),
        )
        return cur.rowcount


def whoami(con: psycopg.Connection) -> tuple[str, str | None]:
    """The login role and its team role (None when not a member)."""
    row = con.execute(
        f"SELECT current_user, (SELECT role FROM {ss.SCHEMA}.members WHERE name = current_user)"
    ).fetchone()
    assert row is not None
    return str(row[0]), row[1]


def layer_rows(url: str, analyst: str) -> list[dict[str, Any]]:
    """The rows of an analyst's layer this login may read (row-level security decides)."""
    with connect(url) as con:
        rows = con.execute(
            f"SELECT tbl, key, document, version, data FROM {ss.SCHEMA}.layer_rows "
            "WHERE analyst = %s ORDER BY tbl, key",
            (analyst,),
        ).fetchall()
    return [dict(zip(("tbl", "key", "document", "version", "data"), r, strict=True))
            for r in rows]  # fmt: skip
