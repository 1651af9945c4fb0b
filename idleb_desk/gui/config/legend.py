"""The colour legend above the article: key, label and colour, plus the status styles."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QWidget

from idleb_desk.gui.config.labels import LabelSet
from idleb_desk.gui.review.highlighter import HATCHED_LABELS, readable_on, span_styles, tint


def legend_html(labels: LabelSet) -> str:
    chips = []
    for lab in labels.labels:
        bg = tint(lab.color, 0.42)
        if lab.name in HATCHED_LABELS:
            bg = tint("#ffffff", 0)  # not filled in the text either: a white chip, and words
        fg = readable_on(bg).name()
        chips.append(
            f"<span style='background:{bg.name()}; color:{fg}; "
            f"border-bottom:2px solid {lab.color}'>&nbsp;<b>{html.escape(lab.key)}</b>&nbsp;"
            f"{html.escape(lab.name)}&nbsp;</span>"
        )
    looks = " · ".join(f"{html.escape(k)}: {html.escape(v)}" for k, v in span_styles().items())
    styles = f"<span style='color:#444'>{looks} · F1: keys</span>"
    return "&nbsp; ".join(chips) + "<br>" + styles


class Legend(QLabel):
    def __init__(self, labels: LabelSet, parent: QWidget | None = None) -> None:
        super().__init__(legend_html(labels), parent)
        self.setObjectName("legend")
        self.setWordWrap(True)
        self.setToolTip(
            "Label colours (Okabe–Ito palette, safe for colour blindness). Hover a span for "
            "its label and status in words; the tables name them too."
        )
