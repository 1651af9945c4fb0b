"""actors.csv's rows, read in one pass that also counts the actors' aliases.

Every row ends with its actor's aliases (`actor_aliases`), which are known only once all
the actor's mentions are read. The export used to read the mentions twice, once to count
the aliases and once for the rows: at a million mentions the second read of SQLite cost
as much as the bare `csv.writer` the benchmark compares against. Now one pass formats
each row up to its alias cell and feeds the same text slice to the actor's tally
(`AliasTally`, its `add` inlined); the row ends with its actor's key instead of the cell.
A batch comes out as text with each key between two MARKs, which the writer keeps on disk
until the tally is complete, then fills (`fill_text`), at C speed: one split, one list
comprehension and one join per batch, no second pass over SQLite.

The bytes are what csv.writer would write for the same cells (tests hold it to that).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from idleb_desk.model import LAYER_ACTOR
from idleb_desk.store.actor_queries import ALIAS_SEP
from idleb_desk.store.alias_tally import FLUSH_AT, ActorRow, AliasTally, Entry
from idleb_desk.store.exports import (
    BATCH,
    FORMULA_LEAD,
    FORMULA_PREFIXES,
    Lookups,
    guard_cell,
    in_marks,
    needs_guard,
    statuses_for,
)
from idleb_desk.store.store import Store

# actors.csv repeats its actor's aliases on every mention row: the most frequent few keep
# rows short; actor_table.csv has the full list, once per actor.
ROW_ALIASES = 5
# Ends a row's text before its actor's key, and the key: `split` on it gives the pieces.
# A cell holding it (a NUL in a comment, say) is caught by the count and handled line by
# line (`_pieces_by_line`), so no text is ever mistaken for a key.
MARK = "\x00"
# A cell needs formatting (`_Cells.format`) only if it holds a character to quote or its
# first character may start a formula (after leading spaces or line feeds): a set look-up
# and a one-class search rule out nearly every cell (one regex with both alternatives
# measured three times slower). An ISO review time starts with a digit.
_MAY_GUARD = frozenset(FORMULA_PREFIXES) | frozenset(FORMULA_LEAD)
_DIGITS = frozenset("0123456789")

# RFC 4180 as csv.writer's QUOTE_MINIMAL does it: quote a cell that holds a comma, a
# double quote, CR or LF, and double its quotes.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]').search


def csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if _NEEDS_QUOTES(value) else value


def actor_csv_sql(include_all: bool) -> tuple[str, tuple[str, ...]]:
    statuses = statuses_for(include_all)
    # No join: title, text and actor name come from Lookups, once per document or actor.
    # ORDER BY is the spans_doc index plus rowid, so SQLite sorts nothing; it is also the
    # order AliasTally's other callers feed it (its pruning depends on the order).
    sql = f"""SELECT s.document_id, s.id, s.start, s."end", s.label, s.status, s.origin,
                  s.reviewer, s.reviewed_at, s.actor_id, s.flag, s.comment
              FROM spans s
              WHERE s.layer = ? AND s.status IN {in_marks(statuses)}
              ORDER BY s.document_id, s.start, s.id"""
    return sql, (LAYER_ACTOR, *statuses)


class _Cells:
    """Guarded, quoted CSV cells of the values that repeat down a column (labels, origins,
    reviewers), each formatted once; emptied when large to keep memory flat."""

    MAX = 100_000

    def __init__(self, guard: bool) -> None:
        self.guard = guard
        self.memo: dict[str | None, str] = {None: ""}

    def format(self, value: str) -> str:
        cell = "'" + value if self.guard and needs_guard(value) else value
        return csv_cell(cell)

    def __call__(self, value: str) -> str:
        if len(self.memo) > self.MAX:
            self.memo = {None: ""}
        self.memo[value] = cell = self.format(value)
        return cell


def alias_cells(actors: list[ActorRow], guard: bool = True) -> dict[str, str]:
    """Each actor's `actor_aliases` cell, by the key its rows carry (its id as text)."""
    cells = {}
    for row in actors:
        joined = ALIAS_SEP.join(row.aliases[:ROW_ALIASES])
        cells[str(row.id)] = csv_cell(guard_cell(joined) if guard else joined)
    return cells


@dataclass
class Batch:
    """A batch of actors.csv lines waiting for their alias cells: `text` with each key
    between two MARKs, or, when some cell holds a MARK itself, `pieces` (text, key,
    text, ..., text)."""

    rows: int
    text: str | None
    pieces: list[str] | None = None


def fill(pieces: list[str], cells: dict[str, str]) -> str:
    """A batch's finished CRLF lines: each key replaced by its actor's alias cell."""
    get = cells.get
    pieces[1::2] = [get(key, "") for key in pieces[1::2]]
    return "".join(pieces)


def fill_text(text: str, cells: dict[str, str]) -> str:
    return fill(text.split(MARK), cells)


def iter_actor_batches(
    store: Store, include_all: bool, tally: AliasTally, guard: bool = True
) -> Iterator[Batch]:
    """actors.csv's body (ACTOR_COLUMNS) in batches, counting every
    mention that links to an actor into `tally` on the way (in the order AliasTally
    expects, so its aliases are those `actor_rows` finds)."""
    sql, params = actor_csv_sql(include_all)
    look = Lookups(store, guard)
    cells = _Cells(guard)
    per = tally.actors
    cur = store.execute(sql, params)
    cur.set_plain_rows()
    doc_id, text, head = None, "", ""
    needs_quotes, may_guard, digits = _NEEDS_QUOTES, _MAY_GUARD, _DIGITS
    fmt = cells.format

    def entry(aid: int) -> Entry:
        # The tally's entry, plus this row's ends for the actor: without and with a note.
        name = csv_cell(look.actor_name(aid))
        e = per[aid] = tally.entry()
        e += [f"{aid},{name},,,{MARK}{aid}{MARK}\r\n", f"{aid},{name},", f",{MARK}{aid}{MARK}\r\n"]
        return e

    # This loop runs once per exported mention: locals and inline memo look-ups only.
    while batch := cur.fetchmany(BATCH):
        out: list[str] = []
        append = out.append
        get = cells.memo.get
        unlinked = 0
        # Consecutive rows mostly share these: a comparison is cheaper than a look-up.
        was_label = was_origin = was_reviewer = None
        lab = orig = rev = ""
        for doc, sid, start, end, label, status, origin, reviewer, at, aid, flag, note in batch:
            if doc != doc_id:
                doc_id, text = doc, look.document(doc)
                head = f"{doc},{csv_cell(look.title)},"
            part = text[start:end]
            if aid is None:
                unlinked += 1
                tail = ",,,,\r\n"
                if flag is not None or note is not None:
                    tail = f",,{fmt(flag or '')},{fmt(note or '')},\r\n"
            else:
                e = per.get(aid)
                if e is None:
                    e = entry(aid)
                # AliasTally.add, inlined (the pending count is added per batch).
                if e[2] != doc:
                    e[1] += 1
                    e[2] = doc
                e[4].append(part)
                # Flags and comments are rare: most rows take the two empty cells.
                tail = e[5]
                if flag is not None or note is not None:
                    tail = f"{e[6]}{fmt(flag or '')},{fmt(note or '')}{e[7]}"
            if label != was_label:
                was_label, lab = label, get(label) or cells(label)
            if origin != was_origin:
                was_origin, orig = origin, get(origin) or cells(origin)
            if reviewer != was_reviewer:
                # None (a suggestion nobody reviewed) is memoised as the empty cell.
                cell = get(reviewer)
                was_reviewer, rev = reviewer, cells(reviewer) if cell is None else cell
            if part[:1] in may_guard or needs_quotes(part):
                part = fmt(part)
            # Review times are nearly all distinct, so a memo would only churn.
            if at is None:
                at = ""
            elif at[:1] not in digits or needs_quotes(at):
                at = fmt(at)
            append(f"{head}{sid},{start},{end},{part},{lab},{status},{orig},{rev},{at},{tail}")
        keys = len(batch) - unlinked
        tally.pending += keys
        if tally.pending >= FLUSH_AT:
            tally.flush()
        text = "".join(out)
        if text.count(MARK) == 2 * keys:
            yield Batch(len(batch), text)
        else:
            yield Batch(len(batch), None, _pieces_by_line(out))


def _pieces_by_line(lines: list[str]) -> list[str]:
    """The pieces of a batch in which some cell holds MARK: each line's key is the text
    between its last two MARKs (a key line ends MARK CR LF; a line without an actor
    ends with its empty alias cell, "," CR LF)."""
    pieces = [""]
    for line in lines:
        if line.endswith(MARK + "\r\n"):
            before, _, key = line[:-3].rpartition(MARK)
            pieces[-1] += before
            pieces += [key, "\r\n"]
        else:
            pieces[-1] += line
    return pieces
