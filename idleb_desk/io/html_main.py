"""The article of a saved web page: trafilatura's main text, else every visible text.

A page saved from a browser holds menus, cookie banners, share buttons, "most read"
lists and a footer around the article. trafilatura (with lxml_html_clean) finds the main
text; when it finds nothing (a page that is only a `<pre>`, say), the plain reader in
`html_text` keeps every visible text instead, so no page imports empty. Tables are left
out (trafilatura writes them as Markdown pipes, which read as noise to the pipeline), and
paragraphs are separated by a blank line, as `html_text` does. docs/quality.md has the
measurements that chose this.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from idleb_desk.io.html_text import MAX_TITLE, html_to_text

log = logging.getLogger(__name__)

TRAFILATURA = "trafilatura"
FALLBACK = "visible-text"


@dataclass(frozen=True)
class PageText:
    text: str
    title: str
    extractor: str  # which one produced the text


def main_text(markup: str) -> tuple[str, str]:
    """(article text, title) by trafilatura; ("", "") when it finds no article."""
    # Imported here, not at the top: it takes about 0.25 s, which only an HTML import
    # should pay (the window imports the readers while it starts).
    import trafilatura
    from trafilatura.metadata import extract_title

    try:
        tree = trafilatura.load_html(markup)
        if tree is None:
            return "", ""
        # Only the title: full metadata also dates the page (htmldate, dateparser), which
        # made an import of a short page 10 to 40 times slower.
        title = " ".join((extract_title(tree) or "").split())
        # What a browser shows only without JavaScript ("enable JavaScript", tracking
        # pixels) is not article text; trafilatura keeps it, the plain reader never did.
        for element in list(tree.iter("noscript")):
            element.drop_tree()
        doc = trafilatura.bare_extraction(
            tree, include_comments=False, include_tables=False, with_metadata=False
        )
    # Any failure inside the extractor: the fallback reader reads the page instead.
    except Exception as exc:  # noqa: BLE001
        log.warning("trafilatura could not read the page (%s: %s)", type(exc).__name__, exc)
        return "", ""
    if doc is None:
        return "", ""
    # trafilatura returns its Document, or a dict with as_dict=True (older versions).
    body = doc.get("text") if isinstance(doc, dict) else doc.text
    lines = [" ".join(line.split()) for line in (body or "").splitlines()]
    text = "\n\n".join(line for line in lines if line)
    return text, title[:MAX_TITLE]


def page_text(markup: str) -> PageText:
    """The page's article text and title; the visible-text reader when trafilatura fails."""
    text, title = main_text(markup)
    if text.strip():
        if not title:
            title = html_to_text(markup)[1]
        return PageText(text, title, TRAFILATURA)
    text, fallback_title = html_to_text(markup)
    log.info("no main text found; kept all visible text")
    return PageText(text, title or fallback_title, FALLBACK)
