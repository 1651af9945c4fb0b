"""Paragraph-aware sentence boundaries.

News text pasted from web pages puts headlines, captions, embedded posts and "Read more"
links on lines of their own, without final punctuation. The statistical parser happily
glues such a line onto the next sentence, which wrecks the dependency tree of a real
sentence (the subject of a reporting verb ends up inside a link title). A line break is a
very reliable boundary in this genre, so we preset it before the parser runs; the parser
in spaCy v3 respects preset sentence starts and only adds boundaries of its own.
"""

from __future__ import annotations

import logging

from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

COMPONENT = "idleb_line_breaks"


@Language.component(COMPONENT)
def line_breaks(doc: Doc) -> Doc:
    """Mark the first token after any newline as a sentence start."""
    n = len(doc)
    for i in range(n - 1):
        tok = doc[i]
        # A newline is either a whitespace token of its own or trailing whitespace.
        if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
            doc[i + 1].is_sent_start = True
    return doc


def ensure_line_breaks(nlp: Language) -> None:
    """Add the line-break component before the parser, once."""
    if COMPONENT in nlp.pipe_names:
        return
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, before="parser")
    elif "senter" in nlp.pipe_names:
        nlp.add_pipe(COMPONENT, before="senter")
    else:
        # No parser: boundaries from line breaks are still better than none.
        nlp.add_pipe(COMPONENT, first=True)
    log.debug("added %s to the pipeline", COMPONENT)
