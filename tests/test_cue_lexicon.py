"""The cue lexicon data file: size, valid kinds, required entries."""

from __future__ import annotations

import pytest

from idleb_desk.model import CLAIM_KINDS
from idleb_desk.nlp.cues import LexiconError, default_lexicon, parse_lexicon

REQUIRED = [
    "call on", "call for", "urge", "demand", "warn", "reject", "deny", "accuse", "insist",
    "according to", "say", "tell", "note", "write", "hammer", "reiterate", "request", "ask",
    "claim", "threaten", "promise", "vow", "pledge", "condemn", "announce",
]  # fmt: skip


def test_at_least_150_entries() -> None:
    assert len(default_lexicon()) >= 150


def test_every_kind_is_valid() -> None:
    for entry in default_lexicon().entries:
        assert entry.kind in CLAIM_KINDS, entry


@pytest.mark.parametrize("cue", REQUIRED)
def test_required_entries_present(cue: str) -> None:
    assert default_lexicon().kind_of(cue) is not None, cue


def test_default_kinds() -> None:
    lex = default_lexicon()
    assert lex.kind_of("call on") == "demand"
    assert lex.kind_of("warn") == "warning"
    assert lex.kind_of("deny") == "denial"
    assert lex.kind_of("reject") == "rejection"
    assert lex.kind_of("accuse") == "accusation"
    assert lex.kind_of("threaten") == "threat"
    assert lex.kind_of("vow") == "promise"
    assert lex.kind_of("say") == "statement"


def test_phrases_are_multiword() -> None:
    lex = default_lexicon()
    assert "on" in lex.phrases["call"]
    assert ("according", "to") in lex.sources


def test_parse_rejects_bad_kind() -> None:
    with pytest.raises(LexiconError):
        parse_lexicon(["cue\tkind\ttype\tobject", "say\tgossip\tverb\tcontent"])


def test_parse_allows_comments_and_blank_lines() -> None:
    lex = parse_lexicon(["# a comment", "", "cue\tkind\ttype\tobject", "say\tstatement\tverb"])
    assert lex.kind_of("say") == "statement"
