"""What a cue verb's object and subject mean: phrase particles, documents, names, kinds,
relative-pronoun speakers, and the time adverbials that date a report rather than belong
to it. Token-level predicates shared by the indirect-speech rules (verb_frame.py)."""

from __future__ import annotations

from spacy.tokens import Doc, Token

from idleb_desk.nlp import quotes
from idleb_desk.nlp.cues import CueEntry, CueLexicon
from idleb_desk.nlp.speakers import RELATIVE_TAGS, Mention, mention_of


def match_phrase(verb: Token, lex: CueLexicon) -> tuple[CueEntry, Token] | None:
    """A phrase cue headed by this verb ("call" + child "on"), if the particle is there."""
    options = lex.phrases.get(verb.lemma_.lower())
    if not options:
        return None
    for child in verb.children:
        if child.i > verb.i and child.dep_ in PARTICLE_DEPS:
            entry = options.get(child.lower_)
            if entry is not None and len(entry.words) == 2:
                return entry, child
    return _idiom(verb, options)


PARTICLE_DEPS = frozenset({"prep", "prt", "dative", "acomp", "advmod", "ccomp", "oprd"})
# Words an idiom's object may carry that the lexicon leaves out ("sound THE alarm").
IDIOM_FILLER = frozenset({"det", "poss", "amod"})
IDIOM_WINDOW = 5


def _idiom(verb: Token, options: dict[str, CueEntry]) -> tuple[CueEntry, Token] | None:
    """A light-verb idiom of the lexicon: the verb, its object or complement words in
    order, then the word that takes the content ("took aim at", "sounded the alarm
    over", "went public with", "made it plain"). Determiners and a pronoun object
    ("made it plain") may stand between; nothing else may."""
    doc = verb.doc
    for entry in options.values():
        rest = entry.words[1:]
        if len(rest) < 2:
            continue
        k = 0
        for tok in doc[verb.i + 1 : min(len(doc), verb.i + 1 + IDIOM_WINDOW)]:
            if tok.lower_ == rest[k] or tok.lemma_.lower() == rest[k]:
                k += 1
                if k == len(rest):
                    last = tok
                    if last.head.i == verb.i or last.head.head.i == verb.i:
                        return entry, last
                    break
            elif tok.dep_ in IDIOM_FILLER or (tok.lower_ == "it" and k == 0):
                continue
            else:
                break
    return None


# Verbs whose to-infinitive commits the speaker ("agreed to pay").
PROMISE_WITH_INFINITIVE = frozenset({"agree", "offer", "undertake", "commit"})


def object_kind(obj: Token, lex: CueLexicon) -> str | None:
    """The kind an object carries: its noun ("its ultimatum"), a document's kind ("an
    order"), or a reporting participle on it ("a letter ordering ...", "a resolution
    calling for ...")."""
    lemma = obj.lemma_.lower()
    if lemma in lex.nouns and lex.nouns[lemma] != "statement":
        return lex.nouns[lemma]
    if lex.document_kinds.get(lemma, "statement") != "statement":
        return lex.document_kinds[lemma]
    for c in obj.children:
        if c.dep_ == "acl" and c.tag_ == "VBG":
            phrase = match_phrase(c, lex)
            kind = phrase[0].kind if phrase else lex.verbs.get(c.lemma_.lower())
            if kind and kind != "statement":
                return kind
    return None


def medium_participle(verb: Token) -> bool:
    """ "responded in a statement saying ...": the participle reports the verb's subject."""
    noun = verb.head
    return (
        verb.tag_ == "VBG"
        and verb.dep_ == "acl"
        and noun.dep_ == "pobj"
        and noun.head.dep_ == "prep"
        and noun.head.head.pos_ in ("VERB", "AUX")
    )


def predicates(verb: Token, obj: Token) -> list[Token]:
    """The name or description given to an object: "called X Y", "described X as Y"."""
    out = [
        c
        for c in verb.children
        if c.i > obj.i and (c.dep_ in ("oprd", "xcomp", "ccomp", "attr", "dobj", "acomp"))
    ]
    out += [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > obj.i]
    out += [c for c in obj.children if c.dep_ in ("appos", "oprd") and c.i > obj.i]
    out += [c for c in obj.children if c.dep_ == "prep" and c.lower_ == "as"]
    return [c for c in out if c.i != obj.i]


def is_document(tok: Token, lex: CueLexicon) -> bool:
    """A text, a decision or a message: "figures", "a letter ordering ...", "a batch of logs"."""
    lemma = tok.lemma_.lower()
    if lemma in lex.documents or lemma in lex.nouns:
        return True
    # "a letter ordering ...", "figures showing ...": a participle that says what it says.
    if any(c.dep_ == "acl" and c.tag_ == "VBG" for c in tok.children):
        return True
    for prep in (c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"):
        for pobj in (g for g in prep.children if g.dep_ == "pobj"):
            if pobj.lemma_.lower() in lex.documents or pobj.lemma_.lower() in lex.nouns:
                return True
    return False


def evidence_subject(subj: Token, lex: CueLexicon) -> bool:
    """ "The survey found ...": a non-human source (a document noun) as subject."""
    head = subj
    if subj.tag_ in RELATIVE_TAGS and subj.head.dep_ == "relcl":
        head = subj.head.head
    return head.lemma_.lower() in lex.documents


def relative_speaker(subj: Token) -> tuple[Mention, Mention] | None:
    """ "Farmers who said ...": the relative pronoun is the speaker ("who", "whose report",
    "many of whom"), the noun it refers to is its antecedent."""
    clause = subj.head
    if clause.dep_ != "relcl":
        return None
    if not any(t.tag_ in (*RELATIVE_TAGS, "WP$") for t in subj.subtree):
        return None
    if subj.tag_ in RELATIVE_TAGS:
        m = Mention(subj.i, subj.i + 1, subj.i)
    else:
        m = Mention(subj.left_edge.i, subj.right_edge.i + 1, subj.i)
    return m, mention_of(clause.head)


TIME_ENTS = frozenset({"DATE", "TIME"})


# Prepositions of a time adverbial that dates the reporting event ("on Tuesday"), unlike
# "by the end of the week" or "until March", which are part of what is reported.
EVENT_TIME_PREPS = frozenset({"on", "at", "during", "throughout", "in", "late", "earlier"})


def _is_time_phrase(tok: Token) -> bool:
    """ "on Tuesday", "late on Wednesday", "this year", "throughout the spring"."""
    if tok.dep_ == "npadvmod" and tok.ent_type_ in TIME_ENTS:
        return True
    if tok.dep_ == "prep" and tok.lower_ in EVENT_TIME_PREPS:
        return any(g.dep_ == "pobj" and g.ent_type_ in TIME_ENTS for g in tok.children)
    return False


def trim_time_edges(doc: Doc, tokens: set[int]) -> None:
    """Drop a time adverbial at either edge of a content: "released figures on Tuesday"
    reports the figures; the day belongs to the event of releasing."""
    changed = True
    while changed and tokens:
        changed = False
        lo, hi = min(tokens), max(tokens)
        for t in [doc[i] for i in sorted(tokens)]:
            if not _is_time_phrase(t):
                continue
            sub = {x.i for x in t.subtree}
            # At the end only when it hangs on a noun (an object's adjunct misattached);
            # at the start of a clause ("said on Friday it had ...") always.
            at_end = max(sub) == hi and t.head.pos_ in ("NOUN", "PROPN")
            if (at_end or min(sub) == lo) and not sub >= tokens:
                # The comma or adverb ("late") just before a trailing time phrase goes too.
                tokens -= sub
                while (
                    tokens
                    and max(tokens) < hi
                    and (doc[max(tokens)].is_punct and doc[max(tokens)].text not in quotes.ALL)
                ):
                    tokens.discard(max(tokens))
                changed = True
                break


# Where and through what something was said: a trailing PP on these is the setting of the
# report, not part of what was reported ("at Tuesday's meeting", "in his Sunday sermon").
MEDIUM_NOUNS = frozenset({
    "conference", "briefing", "meeting", "interview", "rally", "session", "summit",
    "ceremony", "gathering", "forum", "event", "hearing", "statement", "sermon", "speech",
    "address", "column", "editorial", "website", "post", "broadcast", "podcast",
    "programme", "program", "debate", "assembly", "parliament", "television", "radio",
    "newspaper", "op-ed", "letter", "tweet", "message", "video", "appearance",
})  # fmt: skip
SETTING_PREPS = frozenset({"at", "during", "in", "on", "after", "before", "via", "through"})
RELATIVE_WORDS = frozenset({"which", "who", "whom", "whose"})


def trim_tail(doc: Doc, tokens: set[int]) -> None:
    """Drop what runs on after a content: a comma relative clause (", which burned down
    in March"), a trailing apposition (", a move that angered ..."), and a trailing PP
    that sets the scene of the report ("at a briefing", "in a statement on its website").
    Nothing inside quote marks is touched."""
    changed = True
    while changed and tokens:
        changed = False
        lo, hi = min(tokens), max(tokens)
        for t in (doc[i] for i in sorted(tokens)):
            # Subtrees are contiguous: the edges say where one runs.
            first, last = t.left_edge.i, t.right_edge.i
            if last != hi or first <= lo or not all(i in tokens for i in range(first, last + 1)):
                continue
            if any(doc[i].text in quotes.ALL for i in range(first, last + 1)):
                continue
            comma = doc[first - 1].text == ","
            relative = t.dep_ == "relcl" and any(
                c.lower_ in RELATIVE_WORDS for c in t.children if c.i < t.i
            )
            appos = t.dep_ == "appos"
            setting = (
                t.dep_ == "prep"
                and t.lower_ in SETTING_PREPS
                and any(
                    g.dep_ == "pobj" and g.lemma_.lower() in MEDIUM_NOUNS for g in t.children
                )
            )
            if (comma and (relative or appos)) or setting:
                tokens.difference_update(range(first, last + 1))
                while tokens and doc[max(tokens)].text == "," and max(tokens) < hi:
                    tokens.discard(max(tokens))
                changed = True
                break
