"""The display faults of issue 9, each reproduced: escaped quotes in the claim panel,
claim columns cut off at 1600 px, two descriptions of the span styles, an addressee fill
that looks like a selection, and a model that cannot load (traceback, cut status)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, Qt, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QLabel

from idleb_desk.gui.config.keymap import Keymap, make_settings
from idleb_desk.gui.config.labels import load_labels
from idleb_desk.gui.config.legend import Legend
from idleb_desk.gui.dialogs.help_dialog import HelpDialog
from idleb_desk.gui.review import highlighter
from idleb_desk.gui.review.claim_editor import ClaimEditor
from idleb_desk.gui.review.highlighter import STATUS_LOOK, FormatCache
from idleb_desk.gui.review.review_state import DocState
from idleb_desk.gui.window.main_window import MainWindow
from idleb_desk.model import (
    ACCEPTED,
    CLAIM_KINDS,
    EDITED,
    LAYER_CLAIM,
    MANUAL,
    QUOTE_TYPES,
    SUGGESTED,
    Claim,
    Document,
    Span,
)

QUOTED = '"We call on Russia & Turkey to stop…", the ministers said.'


def shown(label: QLabel) -> str:
    """What a QLabel puts on screen: its text as rich text or as plain text, as Qt decides."""
    text = label.text()
    fmt = label.textFormat()
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)
    )
    if not rich:
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def quoted_state() -> tuple[DocState, Claim]:
    end = QUOTED.index(", the")
    doc = Document(1, "d", "T", QUOTED, "x")
    spans = [
        Span(1, 1, 0, end, "CONTENT", LAYER_CLAIM, SUGGESTED, "m", QUOTED[:end]),
        Span(2, 1, end + 2, len(QUOTED) - 6, "SPEAKER", LAYER_CLAIM, SUGGESTED, "m",
             QUOTED[end + 2 : len(QUOTED) - 6]),
    ]  # fmt: skip
    claim = Claim(1, 1, 2, None, 1, (), "demand", "direct", SUGGESTED, "m")
    return DocState(doc, spans, [claim]), claim


def test_claim_panel_shows_quotes_and_ampersands_as_written(qtbot) -> None:
    editor = ClaimEditor(load_labels())
    qtbot.addWidget(editor)
    state, claim = quoted_state()
    editor.show_claim(state, claim)
    content = shown(editor.role_labels["content"])
    assert content == '"We call on Russia & Turkey to stop…"'
    assert "&quot;" not in content and "&amp;" not in content
    assert shown(editor.role_labels["speaker"]) == "the ministers"
    assert "none" in shown(editor.role_labels["cue"])  # the empty role is still styled


def test_claims_table_kind_and_quote_fit_at_1600_px(qtbot, tmp_path: Path) -> None:
    window = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    window.show()
    qtbot.waitExposed(window)
    view = window.claims_view
    fm = view.fontMetrics()
    needs = {4: max(map(fm.horizontalAdvance, CLAIM_KINDS)),
             5: max(map(fm.horizontalAdvance, QUOTE_TYPES))}  # fmt: skip
    for column, width in needs.items():
        x = view.columnViewportPosition(column)
        assert x >= 0, f"column {column} is scrolled away"
        assert x + view.columnWidth(column) <= view.viewport().width(), f"column {column} cut"
        assert view.columnWidth(column) >= width + 8, f"column {column} elides its text"


def _plain(html_text: str) -> str:
    doc = QTextDocument()
    doc.setHtml(html_text)
    return " ".join(doc.toPlainText().split())


def test_legend_and_help_describe_span_styles_from_one_source(qtbot, tmp_path: Path) -> None:
    labels = load_labels()
    legend = Legend(labels)
    qtbot.addWidget(legend)
    help_dialog = HelpDialog(Keymap(make_settings(tmp_path / "s.ini")), lambda: None)
    qtbot.addWidget(help_dialog)
    intro = next(w for w in help_dialog.findChildren(QLabel) if "Span styles" in w.text())
    for status, look in highlighter.span_styles().items():
        phrase = f"{status}: {look}"
        assert phrase in _plain(legend.text()), phrase
        assert phrase in _plain(intro.text()), phrase
    # And the words are true of the formats the article paints.
    formats = FormatCache(labels)
    lines = {
        "dashed underline": QTextCharFormat.UnderlineStyle.DashUnderline,
        "dotted underline": QTextCharFormat.UnderlineStyle.DotLine,
        "solid underline": QTextCharFormat.UnderlineStyle.SingleUnderline,
    }
    for status, look in STATUS_LOOK.items():
        if status not in (SUGGESTED, ACCEPTED, EDITED, MANUAL):
            continue
        fmt = formats.span_format("PERSON", status, False)
        said = [style for words, style in lines.items() if words in look]
        assert [fmt.underlineStyle()] == (said or [QTextCharFormat.UnderlineStyle.NoUnderline])


def test_addressee_fill_does_not_look_like_a_selection(qtbot) -> None:
    formats = FormatCache(load_labels())
    selection = QColor("#308cc6")
    for status in (SUGGESTED, ACCEPTED, EDITED, MANUAL):
        fmt = formats.span_format("ADDRESSEE", status, False)
        brush = fmt.background()
        if brush.style() == Qt.BrushStyle.SolidPattern:
            color = brush.color()
            # A flat grey (or blue) wash is what a text selection looks like.
            assert color.hslSaturation() > 60, f"{status}: flat grey fill"
            distance = sum(
                abs(a - b) for a, b in zip(color.getRgb()[:3], selection.getRgb()[:3], strict=True)
            )
            assert distance > 120, f"{status}: fill close to the selection colour"
        else:
            # Not filled: then marked below the text (a fill pattern crossed the letters).
            assert brush.style() != Qt.BrushStyle.NoBrush or (
                fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
            )


@pytest.mark.parametrize("configured", ["no_such_model_xyz", "/nowhere/missing_model"])
def test_a_missing_model_gives_a_whole_status_line_and_no_traceback(
    qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog, configured: str
) -> None:
    from idleb_desk.nlp import resolve

    # No fallback pipeline: the configured one is the only candidate, as on a machine
    # where no model is installed. spaCy really tries to load it and fails.
    monkeypatch.setattr(resolve, "FALLBACKS", ())
    window = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    window.resize(1560, 960)
    window.show()
    caplog.set_level(logging.DEBUG)
    task = window.project_actions.start_model(configured)
    qtbot.waitUntil(lambda: "missing" in window.project_actions.model_label.text(), timeout=60_000)
    del task
    message = window.statusBar().currentMessage()
    assert configured in message
    assert not message.rstrip().endswith(":"), message
    assert "\n" not in message
    width = window.statusBar().fontMetrics().horizontalAdvance(message)
    assert width <= window.statusBar().width() * 0.75, "the status line would be cut off"
    assert not [r for r in caplog.records if r.exc_info], "a traceback went to the console"
    assert re.search(r"spaCy|model", window.project_actions.model_label.toolTip())


def test_an_unknown_model_name_is_said_even_when_a_fallback_loads(
    qtbot, tmp_path: Path, caplog
) -> None:
    window = MainWindow(make_settings(tmp_path / "settings.ini"))
    qtbot.addWidget(window)
    window.show()
    caplog.set_level(logging.DEBUG)
    window.project_actions.start_model("no_such_model_xyz")
    qtbot.waitUntil(lambda: "ready" in window.project_actions.model_label.text(), timeout=120_000)
    message = window.statusBar().currentMessage()
    assert "'no_such_model_xyz' could not be loaded; using en_core_web_sm" in message
    assert not [r for r in caplog.records if r.exc_info]
