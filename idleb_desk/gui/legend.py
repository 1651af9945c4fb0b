"""The colour legend above the article: key, label and colour, plus the status styles."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QWidget

from idleb_desk.gui.highlighter import readable_on, tint
from idleb_desk.gui.labels import LabelSet


def legend_html(labels: LabelSet) -> str:
    chips = []
    for lab in labels.labels:
        bg = tint(lab.color, 0.42)
        fg = readable_on(bg).name()
        chips.append(
            f"<span style='background:{bg.name()}; color:{fg}; "
            f"border-bottom:2px solid {lab.color}'>&nbsp;<b>{html.escape(lab.key)}</b>&nbsp;"
            f"{html.escape(lab.name)}&nbsp;</span>"
        )
    styles = (
        "<span style='color:#444'>suggested: pale, dashed · accepted: filled · "
        "edited: dotted · manual: underlined · nested: overline · F1: keys</span>"
    )
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
