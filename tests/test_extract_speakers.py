"""The attribution rules (cues and speakers) with the installed model's parse, on hand-written sentences.

The rules are the learned attribution's features and the no-parse fallback, so they are tested on
their own here, with the learned component switched off; tests/test_extract_learned.py tests what
the default extractor offers.
"""

from __future__ import annotations

import pytest


def quotes(extractor, text: str) -> list[tuple[str, str | None, str | None, str | None]]:
    """(quote, speaker as written, speaker entity, cue) for every quote, by the rules alone."""
    from annotator.extract.component import ATTRIBUTIONS, NAME

    with extractor.nlp.select_pipes(disable=[NAME, ATTRIBUTIONS]):
        drafts = extractor(text)
    out = []
    for d in drafts:
        if d.kind != "quote":
            continue
        speaker = text[drafts[d.speaker].start : drafts[d.speaker].end] if d.speaker is not None else None
        entity = (
            text[drafts[d.speaker_entity].start : drafts[d.speaker_entity].end]
            if d.speaker_entity is not None
            else None
        )
        cue = text[d.cue[0] : d.cue[1]] if d.cue else None
        out.append((text[d.start : d.end], speaker, entity, cue))
    return out


def test_said_after_the_quote(extractor):
    text = "“The harbour will reopen next week,” said Maria Delgado, the port director."
    ((quote, speaker, entity, cue),) = quotes(extractor, text)
    assert quote == "“The harbour will reopen next week,”"
    assert speaker == "Maria Delgado, the port director"
    assert entity == "Maria Delgado"
    assert cue == "said"


def test_subject_before_verb_after_the_quote_keeps_its_title(extractor):
    text = "“Nobody expected the storm to turn,” UN spokesman Peter Holm said in a statement."
    ((_, speaker, entity, cue),) = quotes(extractor, text)
    assert speaker == "UN spokesman Peter Holm"
    assert entity == "Peter Holm"
    assert cue == "said"


def test_told_reporters_colon_before_the_quote(extractor):
    text = "Governor Ruth Ames arrived late. She told reporters: “We are not giving up.”"
    ((_, speaker, entity, cue),) = quotes(extractor, text)
    assert speaker == "She"
    assert entity == "Ruth Ames"
    assert cue == "told"


def test_interrupted_quote_has_its_speaker_inside(extractor):
    text = "“The vote was fair,” the judge said. “Nobody has shown otherwise.”"
    ((quote, speaker, _, cue),) = quotes(extractor, text)
    assert quote == text
    assert speaker == "the judge"
    assert cue == "said"


def test_according_to(extractor):
    text = "The dam “could fail within days,” according to the Water Authority."
    ((_, speaker, _, cue),) = quotes(extractor, text)
    assert speaker == "the Water Authority"
    assert cue == "according to"


def test_per(extractor):
    text = "Sales were “the best in a decade,” per Northwind Traders."
    ((_, speaker, _, cue),) = quotes(extractor, text)
    assert speaker == "Northwind Traders"
    assert cue == "per"


def test_in_someones_words(extractor):
    text = "The deal was, in Karimov's words, “a bridge too far.”"
    ((_, speaker, _, _),) = quotes(extractor, text)
    assert speaker == "Karimov"


@pytest.mark.parametrize(
    ("text", "speaker", "cue"),
    [
        ("Senator Hal Brody called the plan “a reckless gamble.”", "Senator Hal Brody", "called"),
        ("The critic described the film as “a triumph of patience.”", "The critic", "described"),
        ("Fans dubbed the striker “the Wall.”", "Fans", "dubbed"),
        ("The agency labeled the claim “misleading.”", "The agency", "labeled"),
        ("The fact-checkers rated the statement “mostly false.”", "The fact-checkers", "rated"),
    ],
)
def test_cues_beyond_speech_verbs(extractor, text, speaker, cue):
    ((_, found, _, found_cue),) = quotes(extractor, text)
    assert found == speaker
    assert found_cue == cue


def test_continued_colon_at_the_end_of_the_previous_paragraph(extractor):
    text = "Mayor Ines Ford spoke for an hour. She continued:\n\n“We will rebuild every bridge.”"
    ((_, speaker, entity, cue),) = quotes(extractor, text)
    assert speaker == "She"
    assert entity == "Ines Ford"
    assert cue == "continued"


def test_reader_comment_signed_with_a_dash(extractor):
    text = "“The new park is the best thing to happen here.” ― Lena Ortiz\n“Too little, too late.” — Sam Reyes"
    found = quotes(extractor, text)
    assert [(q[1], q[3]) for q in found] == [("Lena Ortiz", "―"), ("Sam Reyes", "—")]


def test_quote_without_a_cue_inherits_in_the_next_paragraph(extractor):
    text = "“We will appeal,” said Omar Haddad, the union's lawyer.\n\n“This ruling will not stand.”"
    found = quotes(extractor, text)
    assert [q[1] for q in found] == ["Omar Haddad, the union's lawyer"] * 2


def test_inheritance_stops_after_a_paragraph_gap(extractor):
    text = (
        "“We will appeal,” said Omar Haddad.\n\nThe court closed early.\n\nThe storm was a “once in a century” event."
    )
    found = quotes(extractor, text)
    assert found[1][1] is None


def test_attribution_in_the_sentence_before(extractor):
    text = "The bridge will stay closed until spring, the engineer said. “We cannot risk it.”"
    ((_, speaker, _, _),) = quotes(extractor, text)
    assert speaker == "the engineer"


def test_scare_quotes_are_offered_unattributed(extractor):
    text = "The so-called “peace dividend” never arrived."
    ((quote, speaker, entity, cue),) = quotes(extractor, text)
    assert quote == "“peace dividend”"
    assert (speaker, entity, cue) == (None, None, None)


def test_description_resolves_to_earlier_person(extractor):
    text = "Dana Whitfield met the press on Monday. “Our numbers are up,” the chief executive said."
    ((_, speaker, entity, _),) = quotes(extractor, text)
    assert speaker == "the chief executive"
    assert entity == "Dana Whitfield"


def test_a_description_that_names_no_person_is_not_linked_to_the_last_person(extractor):
    """ "the new ad" is not Dana Whitfield: only a description naming a person ("the chief
    executive", above) stands for the person named before it."""
    text = "Dana Whitfield met the press on Monday. “Our numbers are up,” the new ad said."
    ((_, speaker, entity, _),) = quotes(extractor, text)
    assert speaker == "the new ad"
    assert entity is None


def test_outer_speaker_of_an_embedded_naming_verb(extractor):
    text = "Amira Chen said the minister called the report “a waste of paper.”"
    ((_, speaker, _, cue),) = quotes(extractor, text)
    assert speaker == "Amira Chen"
    assert cue == "said"


def test_speaker_that_is_an_entity_points_at_the_entity_draft(extractor):
    text = "“Prices will fall,” Maria Delgado said."
    drafts = extractor(text)
    (quote,) = [d for d in drafts if d.kind == "quote"]
    assert drafts[quote.speaker].kind == "entity"
    assert quote.speaker == quote.speaker_entity


def test_entities_are_mapped_and_dropped(extractor):
    text = "Maria Delgado flew to Paris on 3 May 2020 with 40 people."
    labels = {(text[d.start : d.end], d.label) for d in extractor(text) if d.kind == "entity"}
    assert ("Maria Delgado", "PERSON") in labels
    assert ("Paris", "GPE") in labels
    assert not any(label in ("DATE", "CARDINAL") for _, label in labels)


def test_schema_maps_labels(extractor, schema):
    from annotator.extract import LabelPolicy, extract_doc

    doc = extractor.nlp("Visitors crowded the Golden Gate Bridge and the Louvre.")
    labels = {d.label for d in extract_doc(doc, LabelPolicy(schema))}
    assert "FAC" not in labels  # the news schema maps FAC to LOC
    assert labels <= set(schema.names)


def test_seed_like_article(extractor):
    text = (
        "A peace envoy said the attack was meant to wreck the talks.\n\n"
        "“Spoilers were always expected, to try to influence the talks,” UN mediator Jan Novak said in a statement.\n\n"
        "The group celebrated with the words “praise the heavens,” but stopped short of claiming responsibility.\n\n"
        "“If anyone refuses to condemn this attack, he is an accomplice,” Karim al-Rashid said.\n\n"
        "He implied that some of the opponents were “sponsors of terror.”"
    )
    found = quotes(extractor, text)
    assert [q[0][:12] for q in found] == ["“Spoilers we", "“praise the ", "“If anyone r", "“sponsors of"]
    assert found[0][1] == "UN mediator Jan Novak"
    assert found[2][1] == "Karim al-Rashid"
    assert found[3][1] == "He"


def test_inverted_verb_opening_the_sentence(extractor):
    text = "The plan has critics. Said Nadia Sorel: “It will not survive the winter.”"
    ((_, speaker, _, cue),) = quotes(extractor, text)
    assert speaker == "Nadia Sorel"
    assert cue == "Said"


def test_name_apposition_then_verb_after_the_quote(extractor):
    text = "“The levees held,” Marco Ilic, the city engineer, said on Sunday."
    ((_, speaker, entity, _),) = quotes(extractor, text)
    assert speaker == "Marco Ilic, the city engineer"
    assert entity == "Marco Ilic"


def test_relative_pronoun_speaker_resolves_to_its_antecedent(extractor):
    text = "The award went to Lucia Brandt, who said “this is for the whole village.”"
    ((_, speaker, entity, _),) = quotes(extractor, text)
    assert speaker == "who"
    assert entity == "Lucia Brandt"


def test_following_comment_colon_in_the_previous_paragraph(extractor):
    text = "In March, Senator Paul Okafor made the following comment:\n\n“Taxes are not the problem.”"
    ((_, speaker, _, _),) = quotes(extractor, text)
    assert speaker == "Senator Paul Okafor"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # what follows the name in an inverted cue is where or to whom, not who
        ("“We thank every town that applied,” said Okafor to the gathered crowd on Friday.", "Okafor"),
        ("“The vote is final,” said Helen Marsh in a statement.", "Helen Marsh"),
        # an opening clause before the speaker is not part of the speaker
        ("Writing in a blog post, Jonas Berg of the Daily Courier called the raid “a small skirmish”.",
         "Jonas Berg of the Daily Courier"),
        # after a byline the parser makes "Writing" the subject and the name its modifier
        ("- Matthew Ingram\n\nWriting in a blog post, Matthew Ingram of The Globe and Mail dubbed the"
         " conflict: “the Streisand effect at work”.", "Matthew Ingram of The Globe and Mail"),
    ],
)
def test_speaker_extent_stops_at_the_name(extractor, text, speaker):
    ((_, found, _, _),) = quotes(extractor, text)
    assert found == speaker


def test_on_a_seed_article_the_speaker_never_runs_into_its_cue(extractor):
    """In this Wikinews text the parser hangs 'defended' under 'Sunak'; the mention used to read
    "Sunak defended the government's record whilst promising a"."""
    from annotator.ingest import read_paths

    from .conftest import SEEDS

    (article,) = read_paths([SEEDS / "wikinews" / "wikinews-questionnaire.txt"])
    found = {q[:15]: speaker for q, speaker, _, _ in quotes(extractor, article.text)}
    assert found['"formal update"'] == "Sunak"


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        # a reporting verb inside a "while"/"although" clause does not introduce the main clause's quote
        ("While standard security, criminal, and health checks will continue, officials will scrap the"
         " face-to-face interview step to “streamline” processing for five nationalities.", "officials"),
        ("While the review continues, the pilot scheme, a “fast track” for five nationalities, is paused.", None),
        ("Although talks will continue, the “ceasefire” has already collapsed.", None),
        # "as" may open one
        ("As Mayor Lena Ortiz put it on Monday, “the bridge is our lifeline.”", "Mayor Lena Ortiz"),
    ],
)
def test_cues_in_subordinate_clauses(extractor, text, speaker):
    ((_, found, _, _),) = quotes(extractor, text)
    assert found == speaker


def test_the_views_sentence_starts_are_spacys(extractor):
    """DocView.sent_start stands in for Token.sent.start, which walks every sentence on each call
    (that made a 300 kB article's attribution quadratic: benchmarks/big_article.py)."""
    from annotator.extract.attribution import DocView

    from .conftest import SEEDS

    text = (SEEDS / "000_424ad7856360768d.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    doc = extractor.nlp(text)
    view = DocView(doc, [])
    assert [view.sent_start(i) for i in range(len(doc))] == [tok.sent.start for tok in doc]
