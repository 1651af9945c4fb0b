"""Speaker mentions: finding the subject of a cue, trimming its span, linking antecedents.

The speaker span follows the gold convention: the full noun phrase with titles and
appositions ("Russian Foreign Minister Sergei Lavrov", "The 14 ministers, including ..."),
minus material that is not part of the mention (time adverbials such as "on Wednesday",
parentheses, relative clauses).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from idleb_desk.nlp.edges import is_edge_punct, trim_end, trim_start

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
RELATIVE_TAGS = frozenset({"WDT", "WP"})
TIME_ENTS = frozenset({"DATE", "TIME"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP"})
PLURAL_PRONOUNS = frozenset({"they", "we", "them", "these", "those"})
SINGULAR_PRONOUNS = frozenset({"he", "she", "it", "i", "him", "her"})
DEFINITE = frozenset({"the", "this", "these", "those", "that", "his", "her", "its", "their"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
QUOTED_VERBS = frozenset({"quote", "cite"})
NUMBER_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "both": 2}


def text_of(doc: Doc) -> str:
    """The doc's text, built once: `Doc.text` joins every token on each access, which
    the rules would otherwise pay per candidate (it showed in the throughput bench)."""
    text = doc.user_data.get("idleb_text")
    if text is None:
        text = doc.user_data["idleb_text"] = doc.text
    return text


@dataclass(frozen=True)
class Mention:
    """A token range [start, end) in a doc, with the head token index."""

    start: int
    end: int
    head: int


def find_subject(
    verb: Token, depth: int = 0, is_cue: Callable[[str], bool] | None = None
) -> Token | None:
    """The subject the verb's speaker comes from, following conjunctions and participles.

    - "X warned and urged ..." : a conjoined verb inherits the first verb's subject;
    - "X rejected ..., saying ..." : a participial clause inherits its head's subject.
    When a conjoined finite verb hangs off a non-finite one ("hammered that his country
    would not take ... and reiterated"), the parser attached it one level too low; we
    climb to the nearest ancestor with the same tense that has a subject.
    """
    if depth > 6:
        return None
    # Of two subjects the parser gives one verb ("GENEVA (Reuters) - The office said"),
    # the one nearer the verb is the speaker; subject_mention joins adjacent halves.
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if subjects:
        before = [c for c in subjects if c.i < verb.i]
        return before[-1] if before else subjects[0]
    for child in verb.children:
        # "Putin was quoted as saying ...": the quoted one is the speaker.
        if child.dep_ == "nsubjpass" and verb.lemma_.lower() in QUOTED_VERBS and depth > 0:
            return child
    if verb.dep_ == "conj" and not any(c.dep_ == "auxpass" for c in verb.children):
        # "He was arrested and said ...": an active conjunct of a passive verb has the
        # passive subject as its own.
        passive = [c for c in verb.head.children if c.dep_ == "nsubjpass"]
        if passive and any(c.dep_ == "auxpass" for c in verb.head.children):
            return passive[0]
    if verb.dep_ == "conj":
        head = verb.head
        if is_cue is not None and not is_cue(head.lemma_.lower()):
            # "said the strikes targeted X and insisted that ...": reporting verbs
            # coordinate with reporting verbs, so lift to the nearest cue ancestor.
            anc = head
            while anc.head.i != anc.i:
                anc = anc.head
                if is_cue(anc.lemma_.lower()) and any(c.dep_ == "nsubj" for c in anc.children):
                    return find_subject(anc, depth + 1, is_cue)
        if verb.tag_ in FINITE_TAGS and head.tag_ not in FINITE_TAGS and not shares_aux(head, verb):
            anc = head
            while anc.head.i != anc.i:
                anc = anc.head
                if anc.tag_ == verb.tag_ and any(c.dep_ == "nsubj" for c in anc.children):
                    return find_subject(anc, depth + 1, is_cue)
        return find_subject(head, depth + 1, is_cue)
    if (
        verb.dep_ == "advcl"
        and verb.tag_ == "VBG"
        and is_cue is not None
        and is_cue(verb.lemma_.lower())
        and verb.i > 0
        and verb.doc[verb.i - 1].text == ","
    ):
        # "X said that 12 people died, adding that ...": the parser hangs the participle
        # on the reported clause, but it reports X's words too.
        anc = verb.head
        while anc.head.i != anc.i:
            if anc.dep_ == "ccomp" and is_cue(anc.head.lemma_.lower()):
                return find_subject(anc.head, depth + 1, is_cue)
            anc = anc.head
    if verb.dep_ in ("advcl", "xcomp") and verb.tag_ == "VBG" and verb.head.pos_ in ("VERB", "AUX"):
        return find_subject(verb.head, depth + 1, is_cue)
    # "has refused to call ...", "seemed to acknowledge ...": control and raising verbs
    # lend their subject to the infinitive.
    if verb.dep_ == "xcomp" and verb.tag_ == "VB" and verb.head.pos_ in ("VERB", "AUX"):
        return find_subject(verb.head, depth + 1, is_cue)
    # "Residents were quick to note ...", "is eager to stress ...": an adjective after a
    # copula lends the copula's subject to its infinitive.
    adj = verb.head
    if (
        verb.dep_ == "xcomp"
        and verb.tag_ == "VB"
        and adj.pos_ == "ADJ"
        and adj.dep_ == "acomp"
        and adj.head.pos_ in ("VERB", "AUX")
    ):
        return find_subject(adj.head, depth + 1, is_cue)
    # "responded in a statement saying ...": the participle is the verb's subject's.
    noun = verb.head
    if (
        verb.dep_ == "acl"
        and verb.tag_ == "VBG"
        and noun.dep_ == "pobj"
        and noun.head.dep_ == "prep"
        and noun.head.head.pos_ in ("VERB", "AUX")
    ):
        return find_subject(noun.head.head, depth + 1, is_cue)
    # "X responded by saying ...", "X ended by warning ...": the gerund is X's.
    prep = verb.head
    if (
        verb.dep_ == "pcomp"
        and verb.tag_ == "VBG"
        and prep.dep_ == "prep"
        and prep.head.pos_ in ("VERB", "AUX")
    ):
        quoted = [c for c in prep.head.children if c.dep_ == "dobj"]
        if prep.head.lemma_.lower() in QUOTED_VERBS and quoted:
            return quoted[0]  # "KNA quoted the minister as saying ...": the minister's words
        return find_subject(prep.head, depth + 1, is_cue)
    return None


PERFECT_AUX = frozenset({"have", "has", "had", "'ve", "'d"})


def shares_aux(head: Token, conj: Token) -> bool:
    """Can the conjunct be read with the head's auxiliary, and so with its subject?

    "Y had spoken with Z and urged him": "had urged" reads, so "urged" is Y's. "his country
    would not take a step back and reiterated": "would reiterated" does not, so the
    conjunct belongs higher up, to the reporting verb's subject.
    """
    aux = [c.lower_ for c in head.children if c.dep_ == "aux" and c.i < head.i]
    if not aux:
        return False
    if aux[-1] in PERFECT_AUX:
        return conj.tag_ in ("VBN", "VBD") and head.tag_ == "VBN"
    return conj.tag_ == head.tag_ == "VB"


def subject_mention(subj: Token) -> Mention:
    """The speaker mention of a subject, joined with a second subject right beside it.

    The parser sometimes splits "the foreign policy chief Josep Borrell" into two
    subjects of the same verb; the speaker is the whole phrase.
    """
    m = mention_of(subj)
    for other in subj.head.children:
        if other.i == subj.i or other.dep_ != "nsubj":
            continue
        o = mention_of(other)
        if o.start == m.end or o.end == m.start:
            head = o.head if subj.doc[o.head].pos_ == "PROPN" else m.head
            m = Mention(min(m.start, o.start), max(m.end, o.end), head)
    return m


def mention_of(tok: Token) -> Mention:
    """The trimmed noun phrase headed by `tok` (relative pronouns resolve to their noun)."""
    if tok.tag_ in RELATIVE_TAGS and tok.head.dep_ == "relcl":
        tok = tok.head.head
    keep: set[int] = set()
    _collect(tok, keep, top=True)
    # The contiguous run of kept tokens around the head.
    start = end = tok.i
    while start - 1 in keep:
        start -= 1
    while end + 1 in keep:
        end += 1
    doc = tok.doc
    start = trim_start(doc, start, end + 1, drop=_edge_or_cc, min_len=1)

    def handle_closes(t: Token) -> bool:  # "(@handle)" closes inside the mention
        return t.text == ")" and any(doc[k].text == "(" for k in range(start, t.i))

    end = trim_end(doc, start, end + 1, drop=_edge_or_cc, keep=handle_closes, min_len=1)
    return Mention(start, end, tok.i)


def _edge_or_cc(t: Token) -> bool:
    return is_edge_punct(t) or t.dep_ == "cc"


def _collect(tok: Token, keep: set[int], top: bool) -> None:
    keep.add(tok.i)
    for child in tok.children:
        if _drop_child(child, top):
            continue
        _collect(child, keep, top=False)


def _drop_child(child: Token, top: bool) -> bool:
    doc = child.doc
    after_comma = child.left_edge.i > 0 and doc[child.left_edge.i - 1].text == ","
    if child.dep_ == "advmod" and top and child.i < child.head.i:
        return False  # "Nearly two-thirds of the delegates": a pre-modifier of the name
    if child.dep_ in ("relcl", "advmod", "parataxis") and top:
        return True
    if child.dep_ == "relcl" and after_comma:
        return True  # "X, which tracks casualties, said": not part of the name
    if top and child.dep_ == "acl" and child.i > 0 and after_comma:
        return True  # "Lavrov, speaking in Geneva, said": a side remark, not the name
    if child.text in ("(", ")") and _beside_handle(child):
        return False  # "the aid office (@ReliefHub)": the handle stays with the name
    is_time = (child.dep_ == "npadvmod" and child.ent_type_ in TIME_ENTS) or (
        child.dep_ == "prep"
        and any(g.ent_type_ in TIME_ENTS for g in child.children if g.dep_ == "pobj")
    )
    if is_time:
        # "Lavrov on Wednesday said": dropped; but "a survey published last month by the
        # institute" keeps it, or the mention would stop in the middle.
        return not any(s.i > child.i and s.dep_ in ("prep", "agent") for s in child.head.children)
    return child.text == "(" or child.text == ")"


def _beside_handle(paren: Token) -> bool:
    doc = paren.doc
    near = doc[paren.i + 1] if paren.text == "(" and paren.i + 1 < len(doc) else None
    if paren.text == ")" and paren.i > 0:
        near = doc[paren.i - 1]
    return near is not None and near.text.startswith("@")


def is_pronoun(doc: Doc, m: Mention) -> bool:
    return m.end - m.start == 1 and doc[m.head].pos_ == "PRON"


def is_description(doc: Doc, m: Mention) -> bool:
    """A definite common-noun phrase ("the signatories"), i.e. needs an antecedent."""
    head = doc[m.head]
    return head.pos_ == "NOUN" and doc[m.start].lower_ in DEFINITE


def is_plural(doc: Doc, m: Mention) -> bool:
    head = doc[m.head]
    if head.lower_ in PLURAL_PRONOUNS or head.tag_ in ("NNS", "NNPS"):
        return True
    return any(c.dep_ == "conj" for c in head.children)


def count_of(doc: Doc, m: Mention) -> int | None:
    """The cardinal in a description ("the two parties" -> 2), if any."""
    for c in doc[m.head].children:
        if c.dep_ == "nummod":
            if c.like_num and c.text.isdigit():
                return int(c.text)
            return NUMBER_WORDS.get(c.lower_)
    return None


def coordinations_before(doc: Doc, before: int, n: int, window_sents: int = 3) -> Mention | None:
    """Nearest "X and Y" of exactly `n` named conjuncts before token `before`."""
    sent_starts = [s.start for s in doc.sents if s.start <= before]
    floor = sent_starts[-window_sents] if len(sent_starts) >= window_sents else 0
    for i in range(before - 1, floor - 1, -1):
        tok = doc[i]
        if tok.dep_ == "conj" or tok.ent_type_ not in NAME_LABELS or tok.ent_iob_ == "I":
            continue
        members = [tok] + [t for t in tok.subtree if t.dep_ == "conj" and t.head.i >= tok.i]
        if len(members) != n or not all(t.ent_type_ in NAME_LABELS for t in members):
            continue
        last = max(members, key=lambda t: t.i)
        end = last.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        if end <= before:
            return Mention(tok.i, end, tok.i)
    return None
