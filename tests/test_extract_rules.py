"""The attribution cascade as a table of named rules (annotator/extract/attribution.py, RULES).

The rule names are features of the learned attribution (features.py: `rule=NAME`), so the shipped
weights only mean what they say while the names stay; each rule can be run alone by its name.
"""

from __future__ import annotations

import json
import re

import pytest

from annotator.extract.attribution import RULES, DocView, RuleContext, attribute
from annotator.extract.learned import DEFAULT_WEIGHTS
from annotator.extract.quotes import find_quotes

CASCADE = (
    "trailer",
    "gap",
    "after-comma",
    "chain",
    "before",
    "according",
    "speech-noun",
    "chain-verb",
    "after",
    "colon",
    "previous",
)


def test_the_rules_are_tried_in_cascade_order_under_unique_names():
    names = [name for name, _ in RULES]
    assert tuple(names) == CASCADE
    assert len(set(names)) == len(names)


def test_every_rule_the_shipped_weights_name_is_in_the_table():
    weights = json.loads(DEFAULT_WEIGHTS.read_text(encoding="utf-8"))
    named = {
        m.group(1)
        for part in ("speaker", "quote")
        for key in weights[part]
        for m in re.finditer(r"\brule(?:&how)?=([^&]*)", key)
    }
    assert named, "the weights have no rule features: the pattern above is stale"
    # "inherited" is set by attribute() after the cascade, "none"/"" when no rule fired.
    assert named - {"inherited", "none", ""} <= set(CASCADE)


@pytest.mark.parametrize(
    ("rule", "text", "speaker"),
    [
        ("trailer", "“The new park is the best thing to happen here.” ― Lena Ortiz", "Lena Ortiz"),
        ("gap", "“The vote was fair,” the judge said. “Nobody has shown otherwise.”", "the judge"),
        ("after-comma", "“The harbour will reopen next week,” said Maria Delgado.", "Maria Delgado"),
        ("chain", "Amira Chen said the minister called the report “a waste of paper.”", "Amira Chen"),
        ("before", "Said Ellis: “We are done here.”", "Ellis"),
        ("according", "The dam “could fail within days,” according to the Water Authority.", "the Water Authority"),
        ("speech-noun", "The senator's claim that “the border is open” drew anger.", "The senator"),
        ("chain-verb", "Senator Hal Brody likened the refugees to a “vicious snake.”", "Senator Hal Brody"),
        ("previous", "Mayor Ines Ford spoke for an hour. She continued:\n\n“We will rebuild every bridge.”", "She"),
        ("previous", "The bridge will stay closed until spring, the engineer said. “We cannot risk it.”", "the engineer"),
    ],
)
def test_a_rule_found_by_its_name_gives_what_the_cascade_gives(extractor, rule, text, speaker):
    doc = extractor.nlp(text)
    quotes = find_quotes(text)
    (att,) = attribute(doc, quotes)
    assert att.how == rule
    assert text[att.speaker[0] : att.speaker[1]] == speaker
    alone = dict(RULES)[rule](RuleContext(DocView(doc, quotes), 0, quotes[0]))
    assert (alone.speaker, alone.head, alone.cue) == (att.speaker, att.head, att.cue)
