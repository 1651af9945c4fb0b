"""A real PostgreSQL server for the team-server tests (issue 15), started once per session.

Debian's server binaries (`postgresql` package, /usr/lib/postgresql/N/bin) refuse to run
as root, so as root they run as the `postgres` user, in a private temporary folder owned
by it: data directory, unix socket (no TCP port, so two sessions never meet), log. Tests
marked `pgserver` use the `pg_url` fixture, which makes a fresh database per test.

IDLEB_PG_BIN names another bin folder. Where the binaries are missing the tests skip with
the reason; with IDLEB_REQUIRE_PG=1
(scripts/test.sh, CI) that skip is a failure, so CI cannot pass without the server.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
_counter = itertools.count(1)


def find_bin() -> Path | None:
    """The newest installed server's bin folder holding initdb and pg_ctl, or None."""
    env = os.environ.get("IDLEB_PG_BIN")
    candidates = [Path(env)] if env else sorted(
        (p / "bin" for p in BIN_ROOT.glob("*") if p.name.split(".")[0].isdigit()),
        key=lambda p: int(p.parent.name.split(".")[0]), reverse=True,
    )  # fmt: skip
    for cand in candidates:
        if (cand / "initdb").is_file() and (cand / "pg_ctl").is_file():
            return cand
    return None


def unavailable(reason: str) -> None:
    """Skip, or fail when the run must have the server (IDLEB_REQUIRE_PG=1)."""
    if os.environ.get("IDLEB_REQUIRE_PG") == "1":
        pytest.fail(f"IDLEB_REQUIRE_PG=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PgServer:
    """One postgres cluster in a temporary folder, run by an unprivileged user."""

    def __init__(self, bindir: Path, durable: bool = False) -> None:
        self.bindir = bindir
        # The tests run without fsync (a crash of the test machine loses nothing of
        # value); the benchmark keeps it, as a team's server would.
        self.durable = durable
        self.as_user: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(SUPERUSER)
            except KeyError:
                unavailable("running as root and there is no 'postgres' user to run the server")
            self.as_user = SUPERUSER
        self.root = Path(tempfile.mkdtemp(prefix="idleb-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.socket_dir.mkdir()
        if self.as_user:
            info = pwd.getpwnam(self.as_user)
            for p in (self.root, self.socket_dir):
                os.chown(p, info.pw_uid, info.pw_gid)
            # Only the server's user and root (the tests) reach the socket.
            os.chmod(self.root, 0o700)
        self.port = _free_port()  # TCP on 127.0.0.1 (the sslmode tests), and the socket's name

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=check, timeout=120)

    def init(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                  *([] if self.durable else ["--no-sync"]))  # fmt: skip
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                f"listen_addresses = '127.0.0.1'\nunix_socket_directories = '{self.socket_dir}'\n"
                f"port = {self.port}\nfsync = {'on' if self.durable else 'off'}\n"
                "max_connections = 100\n"
            )

    def start(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                  "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop",
                  check=False)  # fmt: skip

    def restart(self, down_seconds: float = 0.0) -> None:
        self.stop("immediate")
        time.sleep(down_seconds)
        self.start()

    def url(self, dbname: str = "postgres", user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, dbname: str, user: str = SUPERUSER) -> str:
        return f"postgresql://{user}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self) -> str:
        import psycopg

        name = f"t{os.getpid()}_{next(_counter)}"
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return name

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    bindir = find_bin()
    if bindir is None:
        unavailable(f"no PostgreSQL server binaries under {BIN_ROOT} (apt install postgresql)")
        raise AssertionError("unreachable")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed")
    server = PgServer(bindir)
    try:
        server.init()
        server.start()
    except subprocess.CalledProcessError as exc:
        log = server.log.read_text(errors="replace") if server.log.exists() else ""
        server.cleanup()
        pytest.fail(f"the test PostgreSQL did not start: {exc.stderr}\n{log}", pytrace=False)
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the session's server, as its superuser (the admin)."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    import psycopg

    with contextlib.suppress(psycopg.Error), psycopg.connect(
        pg_server.url(), autocommit=True
    ) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
