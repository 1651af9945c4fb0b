"""CSV export for spreadsheets, R and pandas: actors.csv and claims.csv (DESIGN.md).

UTF-8 without BOM (with one for Excel on request, `excel=True`), RFC 4180 (the csv
module with CRLF line ends), a header row, and the formula guard on every string cell.
Rows stream from the store in batches, and each file is written under a temporary name
in the target folder and renamed only when both are complete, so a cancelled or failed
export never leaves a half-written CSV behind.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from idleb_desk.store import exports
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)

ACTORS_FILE = "actors.csv"
CLAIMS_FILE = "claims.csv"
Progress = Callable[[int, int, str], None]
Cancel = Callable[[], bool]


class ExportCancelled(Exception):
    """Raised inside the writer to unwind; export_csv turns it into a report."""


@dataclass(frozen=True)
class ExportReport:
    actors_path: Path
    claims_path: Path
    actor_rows: int
    claim_rows: int
    include_all: bool
    cancelled: bool = False

    def summary(self) -> str:
        if self.cancelled:
            return "export cancelled; no file was written"
        return (
            f"{self.actor_rows} actor rows to {self.actors_path}, "
            f"{self.claim_rows} claim rows to {self.claims_path}"
        )


def csv_writer(fh: IO[str]) -> Any:
    return csv.writer(fh, lineterminator="\r\n")


class ExportError(OSError):
    """An export file could not be written; the message names it and the problem."""

    def __init__(self, path: Path, exc: OSError) -> None:
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        super().__init__(
            exc.errno,
            f"{path}: could not be written ({reason}). Nothing was exported; files from an "
            "earlier export are untouched",
        )

    def __str__(self) -> str:
        return str(self.strerror)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, but not ours to signal
    return True


def remove_stale_parts(target: Path) -> None:
    """Delete `.part` files a killed export of `target` left behind.

    The writer's process id is in the name, so the temporary file of an export still
    running in another process is never touched.
    """
    for part in target.parent.glob(f".{target.name}.*.part"):
        pid = part.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            part.unlink()
            log.info("removed %s, left by an export that did not finish", part)


class AtomicFiles:
    """Temporary files beside their targets, renamed onto them together at the end.

    Nothing replaces a target until `commit`; `discard` (or any error) removes the
    temporary files, so readers never see a half-written export. Each file is flushed to
    the disk before it is renamed, so a crash right after an export keeps whole files.
    """

    def __init__(self, encoding: str = "utf-8") -> None:
        self.pending: list[tuple[Path, Path]] = []
        self.encoding = encoding

    @contextlib.contextmanager
    def open(self, target: Path) -> Iterator[IO[str]]:
        remove_stale_parts(target)
        try:
            fd, tmp = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".part"
            )
        except OSError as exc:
            raise ExportError(target, exc) from exc
        self.pending.append((Path(tmp), target))
        try:
            with os.fdopen(fd, "w", encoding=self.encoding, newline="") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        except OSError as exc:
            if isinstance(exc, ExportError):
                raise
            raise ExportError(target, exc) from exc

    def commit(self) -> None:
        for tmp, target in self.pending:
            os.replace(tmp, target)
        self.pending.clear()

    def discard(self) -> None:
        for tmp, _ in self.pending:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self.pending.clear()


def _write(
    fh: IO[str],
    header: tuple[str, ...],
    batches: Iterator[list[tuple[Any, ...]]],
    tick: Callable[[int], None],
) -> int:
    writer = csv_writer(fh)
    writer.writerow(header)
    n = 0
    for batch in batches:
        writer.writerows(batch)
        n += len(batch)
        tick(len(batch))
    return n


def _write_chunks(
    fh: IO[str],
    header: tuple[str, ...],
    chunks: Iterator[tuple[int, str]],
    tick: Callable[[int], None],
) -> int:
    """Like `_write`, for rows the store already formatted as CSV lines."""
    csv_writer(fh).writerow(header)
    n = 0
    for rows, text in chunks:
        fh.write(text)
        n += rows
        tick(rows)
    return n


def export_csv(
    store: Store,
    out_dir: Path | str,
    include_all: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    excel: bool = False,
) -> ExportReport:
    """Write actors.csv and claims.csv into `out_dir` (created if missing).

    `excel` starts each file with a UTF-8 byte order mark: Excel reads a CSV without one
    in the system's legacy code page, garbling Arabic, accents and quotes. Other tools
    (R, pandas, csv) want plain UTF-8, the default.

    By default only reviewed items (accepted, edited, manual); include_all adds suggested
    and rejected ones, whose status column says so. `progress(done, total, file name)` is
    called per batch of rows; `cancel()` is polled per batch, and a cancelled export
    leaves any earlier files in `out_dir` untouched.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    actors_path, claims_path = out / ACTORS_FILE, out / CLAIMS_FILE
    # Counting costs a scan; only pay for it when someone shows progress.
    total = 0
    if progress:
        total = exports.count_actor_rows(store, include_all) + exports.count_claim_rows(
            store, include_all
        )
    done = 0

    def tick(name: str) -> Callable[[int], None]:
        def step(n: int) -> None:
            nonlocal done
            done += n
            if cancel and cancel():
                raise ExportCancelled
            if progress:
                progress(done, total, name)

        return step

    files = AtomicFiles("utf-8-sig" if excel else "utf-8")
    n_actors = n_claims = 0
    try:
        # One read transaction: both files show the same moment of the project even if
        # the analyst keeps reviewing while the export runs in the background.
        with store.transaction("DEFERRED"):
            with files.open(actors_path) as fh:
                chunks = exports.iter_actor_csv(store, include_all)
                n_actors = _write_chunks(fh, exports.ACTOR_COLUMNS, chunks, tick(ACTORS_FILE))
            with files.open(claims_path) as fh:
                rows = exports.iter_claim_rows(store, include_all)
                n_claims = _write(fh, exports.CLAIM_COLUMNS, rows, tick(CLAIMS_FILE))
    except ExportCancelled:
        files.discard()
        log.info("CSV export to %s cancelled", out)
        return ExportReport(actors_path, claims_path, 0, 0, include_all, cancelled=True)
    except BaseException:
        files.discard()
        raise
    files.commit()
    if progress:
        progress(done, max(total, done), "")
    log.info("CSV export: %d actor rows, %d claim rows to %s", n_actors, n_claims, out)
    return ExportReport(actors_path, claims_path, n_actors, n_claims, include_all)
