"""Code point <-> Qt position mapping, checked against what a real Qt document holds.

Qt drops a U+FEFF at the very start of `setPlainText`, turns "\\r\\n", a lone "\\r", U+2029
and its frame markers into block breaks, and counts astral characters as two units; the
view must still select exactly `text[start:end]` for every code-point range.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from idleb_desk.gui.review.article_view import ArticleView
from idleb_desk.gui.review.offsets import Utf16Map, display_text

# Pieces Qt treats specially, plus astral characters, emoji sequences, combining marks
# and right-to-left text, which must all keep their positions.
SPECIAL = [
    "\ufeff", "\r\n", "\r", "\n", "\u2028", "\u2029", "\ufdd0", "\ufdd1", "\x0c", "\x0b",
    "\t", " ", "\u00a0", "😀", "👩\u200d👩\u200d👧", "👍🏽", "🇸🇾", "e\u0301", "السَّلَام",
    "שלום", "\u200f", "\u202e", "\u2066", "𝔘𝔫𝔦", "Russia", "a", ".",
]  # fmt: skip

# Any character except lone surrogates (they cannot be stored as UTF-8 at all).
ANY_CHAR = st.characters(exclude_categories=("Cs",))
TEXTS = st.lists(
    st.one_of(st.sampled_from(SPECIAL), st.text(ANY_CHAR, max_size=4)), max_size=24
).map("".join)


def _qt_text(doc: QTextDocument, qt_start: int, qt_end: int) -> str:
    cur = QTextCursor(doc)
    cur.setPosition(qt_start)
    cur.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    # Qt shows block breaks as U+2029 in selectedText().
    return cur.selectedText().replace("\u2029", "\n")


def _check_against_qt(text: str) -> None:
    umap = Utf16Map(text)
    shown = display_text(text)
    assert len(shown) == len(text)
    doc = QTextDocument()
    doc.setPlainText(shown)
    assert doc.characterCount() - 1 == umap.qt_length
    assert doc.blockCount() == umap.block_count
    for n in range(doc.blockCount()):
        assert doc.findBlockByNumber(n).position() == umap.block(n).qt_start
    for cp in range(len(text) + 1):
        qt = umap.to_qt(cp)
        assert umap.to_cp(qt) == cp
        if cp < len(text):
            # The one character at `cp` is exactly what Qt holds between the two positions.
            assert _qt_text(doc, qt, umap.to_qt(cp + 1)) == shown[cp]
    # And a whole-text selection gives the whole text back.
    assert _qt_text(doc, 0, umap.qt_length) == shown


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXTS)
def test_positions_round_trip_through_a_real_qt_document(qapp, text: str) -> None:
    _check_against_qt(text)


def test_leading_bom_is_kept_in_step_with_qt(qapp) -> None:
    _check_against_qt("\ufeffRussia said no.")
    _check_against_qt("\ufeff\ufeff\r\nRussia")


def test_selecting_a_word_after_a_leading_bom_selects_that_word(qtbot) -> None:
    text = "\ufeffRussia said no to the plan."
    view = ArticleView()
    qtbot.addWidget(view)
    view.set_text(Utf16Map(text))
    start = text.index("Russia")
    view.move_caret(start + len("Russia"), anchor=start)
    assert view.textCursor().selectedText() == "Russia"
    assert view.selection_cp() == (start, start + len("Russia"))
