"""A claim under construction, and the token helpers every attribution rule shares."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from idleb_desk.nlp.speakers import Mention


@dataclass
class Draft:
    """A claim under construction, in character offsets."""

    content: tuple[int, int]
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None
    kind: str
    quote_type: str
    addressees: list[tuple[int, int]] = field(default_factory=list)
    mention: Mention | None = None  # the speaker as a token range, when parsed
    cue_token: int | None = None
    antecedent: tuple[int, int] | None = None
    # Content parts when the content is split ("The mill, the owner said, will reopen");
    # None means one part, `content` itself.
    parts: list[tuple[int, int]] | None = None
    nested_in: int | None = None


def char_span(doc: Doc, start: int, end: int) -> tuple[int, int]:
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last)


def cue_range(verb: Token, particle: Token | None) -> tuple[int, int]:
    """Token range of the verb with its auxiliaries and negation ("have requested")."""
    start = verb.i
    for child in verb.children:
        if child.dep_ in ("aux", "auxpass", "neg") and child.i < verb.i and verb.i - child.i <= 3:
            start = min(start, child.i)
    end = verb.i + 1
    if particle is not None and particle.i == verb.i + 1:
        end = particle.i + 1
    elif particle is not None and verb.i < particle.i <= verb.i + 5:
        # An idiom ("sounded the alarm over", "made it plain"): the words between belong
        # to the cue unless they name someone ("warned Moscow against": an addressee).
        between = verb.doc[verb.i + 1 : particle.i]
        if all(t.pos_ not in ("PROPN", "NUM") and t.lower_ not in PERSONAL for t in between):
            end = particle.i + 1
    return start, end


PERSONAL = frozenset({"him", "her", "them", "us", "me", "you"})


def is_to_infinitive(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") and any(
        c.lower_ == "to" and c.dep_ == "aux" and c.i < tok.i for c in tok.children
    )


# "told a news conference": the event where something was said, not who it was said to.
SETTING_NOUNS = frozenset({
    "conference", "briefing", "meeting", "interview", "rally", "session", "summit",
    "ceremony", "gathering", "forum", "event", "hearing",
})  # fmt: skip


def is_setting(tok: Token) -> bool:
    return tok.lemma_.lower() in SETTING_NOUNS
