"""Position states as the curator sees them: a colour AND a word each, so that no one
needs to tell colours apart (Okabe–Ito hues, the palette of the label legend)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtGui import QColor

from idleb_desk.core import curation_units as cu
from idleb_desk.gui.review.highlighter import readable_on, tint


@dataclass(frozen=True)
class StateLook:
    word: str  # shown in the table, the legend and the tooltip
    color: str
    meaning: str  # the tooltip's sentence


LOOKS: dict[str, StateLook] = {
    cu.AGREED_MERGED: StateLook("agreed, merged", "#009E73",
                                "Every analyst who coded it agreed; merged into the gold project"),
    cu.AGREED_UNDECIDED: StateLook("agreed, to decide", "#56B4E9",
                                   "The analysts agree, but the strategy left it to the curator"),
    cu.DISAGREED: StateLook("disagreed", "#D55E00", "The analysts' versions differ"),
    cu.INCOMPLETE: StateLook("incomplete", "#E69F00", "Not every analyst coded it"),
    cu.CURATOR_ACCEPTED: StateLook("accepted by curator", "#0072B2",
                                   "The curator took an analyst's version"),
    cu.CURATOR_REJECTED: StateLook("rejected by curator", "#7f7f7f",
                                   "The curator took none of the versions"),
}  # fmt: skip


def look(state: str) -> StateLook:
    return LOOKS.get(state, StateLook(state, "#bbbbbb", state))


def background(state: str) -> QColor:
    return tint(look(state).color, 0.35)


def foreground(state: str) -> QColor:
    return readable_on(background(state))


def tooltip(state: str, taken_from: str | None = None) -> str:
    lk = look(state)
    extra = f" (took {taken_from}'s version)" if taken_from else ""
    return f"{lk.word}: {lk.meaning}{extra}"


def legend_html() -> str:
    chips = []
    for state in cu.STATES:
        bg = background(state)
        chips.append(
            f"<span style='background:{bg.name()}; color:{readable_on(bg).name()}; "
            f"border-bottom:2px solid {look(state).color}'>&nbsp;{html.escape(look(state).word)}"
            "&nbsp;</span>"
        )
    return ("&nbsp; ".join(chips) + "<br><small>In the article each position is underlined "
            "in its colour: a wave while it is still to decide, a straight line once "
            "decided; its tooltip names the state.</small>")
