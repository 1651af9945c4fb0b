"""The whole agreement report for 2 to 10 analysts' files: the coefficients over the
documents every file holds, a pairwise matrix, each analyst against the model's
suggestions, a per-document table, and the positions where analysts differ."""

from __future__ import annotations

import logging
import os
import pickle
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import Any, Generic, TypeVar

import numpy as np

from idleb_desk.core.agreement.by_document import document_alphas
from idleb_desk.core.agreement.figures import group_figures, pooled_alpha
from idleb_desk.core.agreement.files import (
    AnalystFile,
    DocCoding,
    DocInfo,
    cycles_uncollected,
    model_coding,
)
from idleb_desk.core.agreement.placing import (
    Coder,
    Coding,
    Layout,
    Positions,
    PositionUnit,
)

MODEL = "model"
log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Study:
    """Analysts' codings and the documents they share, ready to compute on."""

    analysts: list[AnalystFile]
    docs: dict[str, DocInfo]
    unit: PositionUnit = "token"

    @cycles_uncollected()
    def __post_init__(self) -> None:
        self.pos = {sha: Positions(d.text, self.unit) for sha, d in self.docs.items()}
        order = list(self.docs)  # first file's order, then what later files add
        self.shared = [sha for sha in order if all(sha in a.docs for a in self.analysts)]
        self.lengths = {sha: p.length for sha, p in self.pos.items()}
        self.layout = Layout(self.lengths)
        self.placed = [Coder.of(a.docs, self.pos, self.layout) for a in self.analysts]

    @cached_property
    def model(self) -> Coder:
        """The model's suggestions as a coder (made when first asked: `report` may ask
        for them in its worker process only)."""
        with cycles_uncollected():
            model = model_coding(self.analysts)
            # Against the model: the documents of the analyst's file, the model's coding.
            return Coder.of(
                {sha: model.get(sha, DocCoding()) for a in self.analysts for sha in a.docs},
                self.pos,
                self.layout,
            )

    def shared_by(self, codings: Sequence[Coder]) -> list[str]:
        return [sha for sha in self.docs if all(sha in c.docs for c in codings)]


def _counts(coding: Coding, shas: Sequence[str]) -> tuple[int, int]:
    docs = [coding.get(sha, DocCoding()) for sha in shas]
    return sum(len(d.mentions) for d in docs), sum(len(d.claims) for d in docs)


@cycles_uncollected()
def report(
    study: Study, in_parallel: bool = False, meanwhile: Callable[[], None] | None = None
) -> dict[str, Any]:
    """Every figure, as plain values for JSON (None where there is nothing to compare).
    `in_parallel`: each analyst against the model (about half the work, with making the
    model's coder) is computed in a forked process meanwhile (`Forked`); the command
    line's choice, never a window's (see `Forked`). `meanwhile`: more work of the
    caller's (the diagnosis), done once this process's share is, before the worker's
    figures are waited for."""
    later = Forked(lambda: against_model(study)) if in_parallel else None
    placed = study.placed
    names = [a.name for a in study.analysts]
    everyone = group_figures(placed, study.shared, study.layout)
    analysts = []
    for a, aside in zip(study.analysts, everyone["set_aside"], strict=True):
        mentions, claims = _counts(a.docs, study.shared)
        analysts.append(
            {"name": a.name, "file": str(a.path), "documents": len(a.docs),
             "actor_mentions": mentions, "claims": claims, "set_aside": aside}
        )  # fmt: skip
    pairwise = []
    for i, j in combinations(range(len(placed)), 2):
        pair = [placed[i], placed[j]]
        figures = group_figures(pair, study.shared_by(pair), study.layout)
        pairwise.append({"a": names[i], "b": names[j], **figures})
    documents = per_document(study)
    if meanwhile is not None:
        meanwhile()
    return {
        "unit": study.unit,
        "analysts": analysts,
        "documents_in_every_file": len(study.shared),
        "all_analysts": everyone,
        "pairwise": pairwise,
        "against_model": against_model(study) if later is None else later.result(),
        "per_document": documents,
    }


def against_model(study: Study) -> list[dict[str, Any]]:
    """Each analyst against the model's suggestions, over the analyst's documents."""
    out = []
    for a, mine in zip(study.analysts, study.placed, strict=True):
        figures = group_figures([mine, study.model], list(a.docs), study.layout)
        out.append({"a": a.name, "b": MODEL, **figures})
    return out


def per_document(study: Study) -> list[dict[str, Any]]:
    """alpha_U of each shared document on its own, beside each analyst's counts: where to
    look, not a figure to average (the study's figure pools the documents)."""
    rows = []
    layout = study.layout
    docs = np.asarray([layout.index[sha] for sha in study.shared], dtype=np.int64)
    alphas = {
        layer: document_alphas(
            [getattr(c, layer) for c in study.placed], docs, layout.lengths, layout.labels
        )
        for layer in ("actors", "claims")
    }
    for k, sha in enumerate(study.shared):
        doc = study.docs[sha]
        figure = {}
        for layer, found in alphas.items():
            if found is None:  # sums too large for int64: one group per document
                figure[layer] = pooled_alpha(study.placed, [sha], layout, layer).alpha
            else:
                figure[layer] = found[k]
        rows.append(
            {
                "ext_id": doc.ext_id,
                "title": doc.title,
                "actor_alpha_u": _r(figure["actors"]),
                "claim_alpha_u": _r(figure["claims"]),
                "actor_mentions": [c.counts(sha)[0] for c in study.placed],
                "claims": [c.counts(sha)[1] for c in study.placed],
            }
        )
    return rows


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def diagnosis(study: Study) -> Iterator[list[str]]:
    """Rows of the diagnosis table: document, layer, position, its text, then each
    analyst's label there (several joined by "+", empty for none), one row for each
    position of a shared document where the analysts' labels differ."""
    yield ["document", "layer", "position", "text", *(a.name for a in study.analysts)]
    cells = _Cells(study.layout.labels.names)
    for sha in study.shared:
        p = study.pos[sha]
        d = study.layout.index[sha]
        for layer, name in (("actors", "actor"), ("claims", "claim")):
            marks = [cells.marks(getattr(c, layer).raw_in(d), p.length) for c in study.placed]
            differ = np.zeros(p.length, dtype=bool)
            for m in marks[1:]:
                differ |= m != marks[0]
            texts = cells.texts
            for i in np.flatnonzero(differ).tolist():
                labels = [texts[m[i]] for m in marks]
                yield [study.docs[sha].ext_id, name, str(i), p.text_at(i), *labels]


class _Cells:
    """Each position's cell (its labels joined by "+", "" for none) as a number, equal
    numbers for equal cells: `_marks` and `_cell_labels` over arrays."""

    def __init__(self, names: list[str]) -> None:
        self.texts = ["", *names]  # cell 0 is empty, cell k + 1 is label k alone
        self.number = {text: k for k, text in enumerate(self.texts)}
        self.label_cell = np.arange(1, len(names) + 1, dtype=np.int64)
        # A label named like a joined cell ("A+B") is that cell.
        for k, text in enumerate(names):
            self.label_cell[k] = self.number[text]

    def marks(self, units: tuple[np.ndarray, np.ndarray], length: int) -> np.ndarray:
        codes, pairs = units
        at = np.zeros(length, dtype=np.int64)
        if not len(codes):
            return at
        sizes = pairs[:, 1] - pairs[:, 0]
        first = np.cumsum(sizes) - sizes
        where = np.arange(int(sizes.sum())) - np.repeat(first - pairs[:, 0], sizes)
        labels = np.repeat(codes, sizes)
        times = np.bincount(where, minlength=length)
        at[where] = self.label_cell[labels]
        if times.max() > 1:
            # Rare: units over one position; its labels, joined, are its cell.
            many: dict[int, set[str]] = {}
            names = self.texts
            for i, c in zip(where.tolist(), labels.tolist(), strict=True):
                if times[i] > 1:
                    many.setdefault(i, set()).add(names[c + 1])
            for i, found in many.items():
                at[i] = self._cell("+".join(sorted(found)))
        return at

    def _cell(self, text: str) -> int:
        k = self.number.get(text)
        if k is None:
            k = self.number[text] = len(self.texts)
            self.texts.append(text)
        return k


def _marks(units: list[tuple[tuple[int, int], str]]) -> dict[int, str | set[str]]:
    """Each position's labels: the label itself when it is one (nearly always), a set of
    two or more otherwise, so that equal marks are equal label sets."""
    at: dict[int, str | set[str]] = {}
    for (start, end), label in units:
        for i in range(start, end):
            cur = at.get(i)
            if cur is None:
                at[i] = label
            elif isinstance(cur, str):
                if cur != label:
                    at[i] = {cur, label}
            else:
                cur.add(label)
    return at


def _cell_labels(mark: str | set[str] | None) -> str:
    if mark is None:
        return ""
    return mark if isinstance(mark, str) else "+".join(sorted(mark))


def flat_rows(result: dict[str, Any]) -> Iterator[list[str]]:
    """The report as one long table (scope, analysts, document, figure, label, value)."""
    yield ["scope", "analysts", "document", "figure", "label", "value"]
    groups: list[tuple[str, str, dict[str, Any]]] = [
        ("all", "|".join(a["name"] for a in result["analysts"]), result["all_analysts"])
    ]
    groups += [("pair", f"{g['a']}|{g['b']}", g) for g in result["pairwise"]]
    groups += [("model", f"{g['a']}|{g['b']}", g) for g in result["against_model"]]
    for scope, who, g in groups:
        for layer in ("actor_alpha_u", "claim_alpha_u"):
            yield [scope, who, "", layer, "", _cell(g[layer]["alpha"])]
            for label, x in g[layer]["labels"].items():
                yield [scope, who, "", layer, label, _cell(x["alpha"])]
        for name, x in g["aligned"].items():
            yield [scope, who, "", f"{name}_alpha", "", _cell(x["alpha"])]
            yield [scope, who, "", f"{name}_kappa", "", _cell(x["kappa"])]
        for f1 in ("actor_f1", "claim_f1"):
            for label, x in g.get(f1, {}).items():
                yield [scope, who, "", f"{f1}_exact", label, _cell(x["exact"])]
                yield [scope, who, "", f"{f1}_overlap", label, _cell(x["overlap"])]
    who = "|".join(a["name"] for a in result["analysts"])
    for d in result["per_document"]:
        yield ["document", who, d["ext_id"], "actor_alpha_u", "", _cell(d["actor_alpha_u"])]
        yield ["document", who, d["ext_id"], "claim_alpha_u", "", _cell(d["claim_alpha_u"])]


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


# One part of a report computed in a forked process while this one computes the rest:
# on two cores the report takes about half the time. Only on Linux (macOS' system
# libraries are not safe to use in a forked child, Windows cannot fork), and only for the
# command line (a window's process has threads of its own, which a fork does not carry
# over); anything wrong in the child, and the part is computed here.
#
# The child inherits the study as it is (nothing is sent to it), and sends back only its
# figures, pickled, through a pipe; it ends with `os._exit`, so that nothing of this
# process (buffered output, exit handlers, open files) is run or flushed twice.
class Forked(Generic[T]):
    """`work()` started in a forked child (else nothing yet); `result()` its value."""

    def __init__(self, work: Callable[[], T]) -> None:
        self.work = work
        self.pid: int | None = None
        self.fd = -1
        if not sys.platform.startswith("linux"):
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError as exc:
            log.info("agreement: no worker process (%s); computing here", exc)
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, and leave without running anything else
            code = 1
            try:
                os.close(read)
                payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as fh:
                    fh.write(payload)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self) -> T:
        if self.pid is None:
            return self.work()
        with os.fdopen(self.fd, "rb") as fh:
            payload = fh.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not payload:
            log.warning("agreement: the worker process failed (status %s); computing here", status)
            return self.work()
        value: T = pickle.loads(payload)
        return value
