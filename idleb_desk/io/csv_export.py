"""CSV export for spreadsheets, R and pandas: actors.csv and claims.csv (DESIGN.md).

UTF-8 without BOM (with one for Excel on request, `excel=True`), RFC 4180 (the csv
module with CRLF line ends), a header row, and the formula guard on every string cell.
Rows stream from the store in batches, and each file is written under a temporary name
in the target folder and renamed only when both are complete, so a cancelled or failed
export never leaves a half-written CSV behind.
"""

from __future__ import annotations

import csv
import logging
import marshal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from idleb_desk.io.actor_table import ACTOR_TABLE_FILE, write_actor_table
from idleb_desk.io.atomic import AtomicFiles, ExportError, ensure_folder, remove_stale_parts
from idleb_desk.store import actor_csv, exports
from idleb_desk.store.actor_queries import claim_actor_ids
from idleb_desk.store.alias_tally import ActorRow, AliasTally
from idleb_desk.store.exports import statuses_for
from idleb_desk.store.store import Store

log = logging.getLogger(__name__)
__all__ = ["AtomicFiles", "ExportError", "ExportReport", "export_csv", "remove_stale_parts"]

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
    actor_table_rows: int = 0

    def summary(self) -> str:
        if self.cancelled:
            return "export cancelled; no file was written"
        return (
            f"{self.actor_rows} actor rows to {self.actors_path}, "
            f"{self.claim_rows} claim rows to {self.claims_path}, "
            f"{self.actor_table_rows} actors to {self.claims_path.parent / ACTOR_TABLE_FILE}"
        )


def csv_writer(fh: IO[str]) -> Any:
    return csv.writer(fh, lineterminator="\r\n")


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


def _write_actors(
    fh: IO[str],
    store: Store,
    include_all: bool,
    tick: Callable[[int], None],
    folder: Path,
) -> tuple[int, list[ActorRow]]:
    """actors.csv, and the actor table's rows, from one read of the mentions.

    A row's last cell, its actor's aliases, is known only after the last mention: the
    batches wait in an unnamed scratch file in the export folder (gone with the process,
    whatever happens) and are filled in once the tally is complete (`store.actor_csv`).
    The text goes to the scratch file as UTF-8 ("surrogatepass": back exactly as it
    was); a batch with a MARK in a cell goes as its marshalled pieces.
    """
    csv_writer(fh).writerow(exports.ACTOR_COLUMNS)
    tally = AliasTally()
    sizes: list[tuple[int, bool]] = []  # (bytes, marshalled)
    n = 0
    with tempfile.TemporaryFile(dir=folder) as scratch:
        for batch in actor_csv.iter_actor_batches(store, include_all, tally):
            if batch.text is not None:
                data = batch.text.encode("utf-8", "surrogatepass")
            else:
                data = marshal.dumps(batch.pieces)
            scratch.write(data)
            sizes.append((len(data), batch.text is None))
            n += batch.rows
            tick(batch.rows)
        named = claim_actor_ids(store, statuses_for(include_all))
        actors = tally.rows(store, named)
        cells = actor_csv.alias_cells(actors)
        scratch.seek(0)
        for size, marshalled in sizes:
            data = scratch.read(size)
            if marshalled:
                fh.write(actor_csv.fill(marshal.loads(data), cells))
            else:
                fh.write(actor_csv.fill_text(data.decode("utf-8", "surrogatepass"), cells))
            tick(0)
    return n, actors


def export_csv(
    store: Store,
    out_dir: Path | str,
    include_all: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    excel: bool = False,
    files: AtomicFiles | None = None,
) -> ExportReport:
    """Write actors.csv and claims.csv into `out_dir` (created if missing).

    `excel` starts each file with a UTF-8 byte order mark: Excel reads a CSV without one
    in the system's legacy code page, garbling Arabic, accents and quotes. Other tools
    (R, pandas, csv) want plain UTF-8, the default.

    By default only reviewed items (accepted, edited, manual); include_all adds suggested
    and rejected ones, whose status column says so. `progress(done, total, file name)` is
    called per batch of rows; `cancel()` is polled per batch, and a cancelled export
    leaves any earlier files in `out_dir` untouched. Given `files`, the new files are
    only staged there, for the caller to commit with its other exports.
    """
    out = Path(out_dir)
    ensure_folder(out)
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

    own = files is None
    files = files if files is not None else AtomicFiles()
    encoding = "utf-8-sig" if excel else "utf-8"
    n_actors = n_claims = n_table = 0
    try:
        # One read transaction: both files show the same moment of the project even if
        # the analyst keeps reviewing while the export runs in the background.
        with store.transaction("DEFERRED"):
            # One pass over the mentions, for actors.csv and the actor table's aliases.
            with files.open(actors_path, encoding=encoding) as fh:
                n_actors, actors = _write_actors(fh, store, include_all, tick(ACTORS_FILE), out)
            with files.open(claims_path, encoding=encoding) as fh:
                rows = exports.iter_claim_rows(store, include_all)
                n_claims = _write(fh, exports.CLAIM_COLUMNS, rows, tick(CLAIMS_FILE))
            with files.open(out / ACTOR_TABLE_FILE, encoding=encoding) as fh:
                n_table = write_actor_table(fh, store, include_all, actors)
    except ExportCancelled:
        files.discard()
        log.info("CSV export to %s cancelled", out)
        return ExportReport(actors_path, claims_path, 0, 0, include_all, cancelled=True)
    except BaseException:
        files.discard()
        raise
    if own:
        files.commit()
    if progress:
        progress(done, max(total, done), "")
    log.info("CSV export: %d actor rows, %d claim rows to %s", n_actors, n_claims, out)
    return ExportReport(
        actors_path, claims_path, n_actors, n_claims, include_all, actor_table_rows=n_table
    )
