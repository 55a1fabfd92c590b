"""`annotator train-attributions`: the attribution of every form trained from gold, its output, its errors;
and the learned attribution on a parsed pipeline (indirect and mixed attributions with source and cue)."""

from __future__ import annotations

import json

import pytest


def _att(text: str, content: str, source: str | None, cue: str) -> dict:
    def span(words):
        start = text.index(words)
        return {"start": start, "end": start + len(words), "text": words}

    from annotator.model import attribution_form

    c = span(content)
    return {"form": attribution_form(text, (c["start"], c["end"])), "content": c,
            "parts": [[c["start"], c["end"]]], "source": span(source) if source else None, "cue": span(cue)}


TEXTS = [
    ("Officials said the talks would resume on Monday.", "the talks would resume on Monday", "Officials", "said"),
    ("The talks will resume on Monday, a spokesman said.", "The talks will resume on Monday", "a spokesman", "said"),
    ("According to the report, the army withdrew from the town.", "the army withdrew from the town", "the report",
     "According to"),
    ("She told reporters that the plan was “a disaster.”", "that the plan was “a disaster.”", "She", "told"),
    ("The mayor believes the bridge is safe.", "the bridge is safe", "The mayor", "believes"),
    ("Police said two men were arrested after the match.", "two men were arrested after the match", "Police", "said"),
]
ROWS = [{"id": str(n), "text": t, "attributions": [_att(t, c, s, q)]} for n, (t, c, s, q) in enumerate(TEXTS)]


def _write(path, rows) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_the_shipped_model_finds_indirect_and_mixed_attributions_with_source_and_cue(extractor):
    text = "Officials said the talks would resume on Monday. The plan was flawed, the minister told reporters."
    drafts = extractor(text)
    found = {}
    for d in drafts:
        if d.kind == "quote":
            source = drafts[d.speaker] if d.speaker is not None else None
            cue = drafts[d.cue_span] if d.cue_span is not None else None
            found[text[d.start:d.end]] = (text[source.start:source.end] if source else None,
                                          text[cue.start:cue.end] if cue else None)
    assert found["the talks would resume on Monday"] == ("Officials", "said")
    assert found["The plan was flawed"] == ("the minister", "told")
    assert all(d.label == "CUE" for d in drafts if d.kind == "cue")


def test_train_writes_weights_the_extractor_can_load(cli, extractor, tmp_path):
    from annotator.extract.attribution_model import AttributionModel

    data = tmp_path / "gold.jsonl"
    _write(data, ROWS)
    out = tmp_path / "w.json"
    code, _, err = cli("train-attributions", data, "-o", out)
    assert code == 0, err
    model = AttributionModel.from_disk(out)
    assert model.meta["articles"] == len(ROWS) and model.cue.weights and model.content.weights
    # a pipeline folder carries both components and loads with spaCy alone
    import spacy

    folder = tmp_path / "pipe"
    assert cli("train-attributions", data, "-o", folder)[0] == 0
    nlp = spacy.load(folder)
    assert nlp.pipe_names[-2:] == ["annotator_quotes", "annotator_attributions"]
    assert nlp.get_pipe("annotator_attributions").model.meta["articles"] == len(ROWS)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda a: a["content"].update(end=10_000), "outside the text"),
        (lambda a: a["cue"].update(start=a["content"]["start"] - 1, end=a["content"]["start"]), "covers no word"),
        (lambda a: a.pop("content"), "missing or bad field"),
    ],
)
def test_bad_gold_is_one_line_naming_file_and_line(cli, tmp_path, change, why):
    rows = json.loads(json.dumps(ROWS))
    change(rows[2]["attributions"][0])
    data = tmp_path / "gold.jsonl"
    _write(data, rows)
    out = tmp_path / "w.json"
    code, _, err = cli("train-attributions", data, "-o", out)
    assert code == 1 and f"{data}:3:" in err and why in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_the_content_ranker_learns_which_candidate_of_a_group_wins():
    """A conditional logit: within each group the positive must outscore the others, whatever the
    features shared by the whole group (they cancel in a softmax)."""
    from annotator.extract.attribution_training import _fit_ranker

    groups = [[({"kind=ccomp": 1.0, "lem=say": 1.0}, 1), ({"kind=dobj": 1.0, "lem=say": 1.0}, 0),
               ({"kind=sent": 1.0, "lem=say": 1.0}, 0)] for _ in range(20)]
    groups += [[({"kind=dobj": 1.0, "lem=deny": 1.0}, 1), ({"kind=sent": 1.0, "lem=deny": 1.0}, 0)] for _ in range(20)]
    scorer = _fit_ranker(groups, 1.0)
    assert scorer.score({"kind=ccomp": 1.0}) > scorer.score({"kind=dobj": 1.0}) > scorer.score({"kind=sent": 1.0})
    assert "lem=say" not in scorer.weights  # a feature every candidate shares carries no weight


def test_a_gold_cue_of_several_words_is_learnt_on_the_word_that_reaches_the_content():
    """ "is not sure she can vote": the parse heads the cue with "is", but the content hangs on "sure"."""
    import spacy
    from spacy.tokens import Doc

    from annotator.extract.attribution_training import cue_head, gold_cue_site
    from annotator.extract.reported import cue_sites

    words = ["She", "is", "not", "sure", "she", "can", "vote", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True] * 6 + [False, False],
              heads=[1, 1, 1, 1, 6, 6, 3, 1], deps=["nsubj", "ROOT", "neg", "acomp", "nsubj", "aux", "advcl", "punct"],
              pos=["PRON", "AUX", "PART", "ADJ", "PRON", "AUX", "VERB", "PUNCT"])
    text = doc.text
    cue = (text.index("is"), text.index("sure") + 4)
    gold = {"cue": cue, "span": (text.index("she can"), text.index(".")), "source": None}
    assert doc[cue_head(doc, cue)].text == "is"
    assert doc[gold_cue_site(doc, gold, cue_sites(doc))].text == "sure"


def test_the_share_weight_travels_with_the_weights(tmp_path):
    from annotator.extract.attribution_model import AttributionModel
    from annotator.extract.learned import LinearScorer

    model = AttributionModel(LinearScorer({"bias": 1.0}), LinearScorer({}), LinearScorer({}), share_weight=0.5)
    model.to_disk(tmp_path / "w.json")
    assert AttributionModel.from_disk(tmp_path / "w.json").share_weight == 0.5
    old = model.to_dict()
    del old["share_weight"]  # weights written before the share weight existed keep the cue alone
    assert AttributionModel.from_dict(old).share_weight == 0.0


def _reported_doc():
    import spacy
    from spacy.tokens import Doc

    words = ["It", "was", "reported", "that", "turnout", "rose", "."]
    return Doc(spacy.blank("en").vocab, words=words, spaces=[True] * 5 + [False, False],
               heads=[2, 2, 2, 5, 5, 2, 2], deps=["nsubjpass", "auxpass", "ROOT", "mark", "nsubj", "ccomp", "punct"],
               pos=["PRON", "AUX", "VERB", "SCONJ", "NOUN", "VERB", "PUNCT"],
               lemmas=["it", "be", "report", "that", "turnout", "rise", "."])


@pytest.mark.parametrize(("nobody", "margin", "source"), [(5.0, 1.0, None), (5.0, 10.0, "It"), (-5.0, 1.0, "It")])
def test_nobody_is_the_source_when_it_outscores_every_candidate_by_the_margin(nobody, margin, source):
    """ "It was reported that turnout rose": "nobody" competes with the candidates."""
    from annotator.extract.attribution_model import AttributionModel, predict
    from annotator.extract.learned import LinearScorer

    doc = _reported_doc()
    model = AttributionModel(LinearScorer({"bias": -5.0, "lem=report": 10.0}), LinearScorer({"kind=child:ccomp": 1.0}),
                             LinearScorer({"none": nobody}), no_source_margin=margin)
    (found,) = predict(doc, model)
    assert doc.text[slice(*found.content)] == "that turnout rose"
    assert (doc.text[slice(*found.source)] if found.source else None) == source


def test_a_cue_content_that_stops_short_of_its_quote_s_closing_mark_makes_one_mixed_content():
    """ The parser may hang `."` on the cue: the cue model's content then ends inside the quote. The
    frame and the quoted words are one mixed content, not a quoted fragment."""
    from annotator.extract.attribution_model import Found
    from annotator.extract.combined import combine, quote_as_found

    text = 'The minister told reporters that the plan was "a disaster for everyone."'
    q0 = text.index('"a disaster')
    quote = quote_as_found(text, q0, len(text), [[q0, len(text)]], None, None, None, 0.9)
    cue = (text.index("told"), text.index("told") + 4)
    content = (text.index("that"), text.index("everyone") + len("everyone"))
    found = Found(content, [content], (0, 12), 1, cue, "indirect", 0.9)
    (one,) = combine(text, [quote], [found])
    assert text[slice(*one.content)] == 'that the plan was "a disaster for everyone."'
    assert one.form == "mixed" and one.cue == cue and one.source == (0, 12)


def test_a_cue_content_that_stops_where_its_quote_starts_makes_one_mixed_content():
    """ "pledged to oppose it “today, tomorrow, forever.”": the parse gives the cue the words before
    the quote; with the quote they are one mixed content."""
    from annotator.extract.attribution_model import Found
    from annotator.extract.combined import combine, quote_as_found

    text = "The senator pledged to oppose it “today, tomorrow, forever.”"
    q0 = text.index("“")
    cue = (text.index("pledged"), text.index("pledged") + 7)
    quote = quote_as_found(text, q0, len(text), [[q0, len(text)]], None, None, list(cue), 0.9)
    content = (text.index("to oppose"), text.index("it ") + 2)
    found = Found(content, [content], (0, 11), 1, cue, "indirect", 0.9)
    (one,) = combine(text, [quote], [found])
    assert text[slice(*one.content)] == "to oppose it “today, tomorrow, forever.”"
    assert one.form == "mixed" and one.source == (0, 11)
    assert quote.content == (q0, len(text)) and quote.source is None  # the inputs are left as they were


def test_two_cues_that_found_the_same_content_are_one_attribution_and_keep_the_named_source():
    """ "said in a statement": "said" and "statement" both find the content. The surer cue stays; when
    it named no source, the other's source is kept. Different contents both stay."""
    from annotator.extract.attribution_model import Found, select

    text = "The ministry said in a statement that talks would resume, and that the envoy would stay."
    said = (text.index("said"), text.index("said") + 4)
    statement = (text.index("statement"), text.index("statement") + 9)
    talks = (text.index("that talks"), text.index("resume") + 6)
    longer = (talks[0], text.index("and that") + 3)  # "that talks would resume, and"
    envoy = (text.index("that the envoy"), len(text) - 1)
    found = [
        Found(talks, [talks], None, None, statement, "indirect", 0.8),
        Found(longer, [longer], (0, 12), 1, said, "indirect", 0.6),
        Found(envoy, [envoy], (0, 12), 1, said, "indirect", 0.5),
    ]
    kept = select(found, 0.3)
    assert [text[slice(*f.content)] for f in kept] == ["that talks would resume", "that the envoy would stay"]
    assert kept[0].cue == statement and kept[0].source == (0, 12)
    assert found[0].source is None  # select works on copies: it runs on one list at several thresholds


def test_the_source_of_a_cue_that_interrupts_its_content_is_found_inside_it():
    """ "In his state, Christie said, offenders are sent to treatment": the content is the sentence
    around the cue's clause; its source is in that clause, a hole in the content, not "nobody"."""
    import spacy
    from spacy.tokens import Doc

    from annotator.extract.attribution_model import AttributionModel, predict
    from annotator.extract.learned import LinearScorer

    words = ["In", "his", "state", ",", "Christie", "said", ",", "offenders", "are", "sent", "to", "treatment", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True, True, False, True, True, False, True, True, True,
                                                            True, True, False, False],
              heads=[9, 2, 0, 5, 5, 9, 5, 9, 9, 9, 9, 10, 9],
              deps=["prep", "poss", "pobj", "punct", "nsubj", "parataxis", "punct", "nsubjpass", "auxpass", "ROOT",
                    "prep", "pobj", "punct"],
              pos=["ADP", "PRON", "NOUN", "PUNCT", "PROPN", "VERB", "PUNCT", "NOUN", "AUX", "VERB", "ADP", "NOUN",
                   "PUNCT"],
              lemmas=["in", "his", "state", ",", "Christie", "say", ",", "offender", "be", "send", "to", "treatment", "."])
    model = AttributionModel(LinearScorer({"bias": -5.0, "lem=say": 10.0}), LinearScorer({"kind=whole:parataxis": 5.0}),
                             LinearScorer({"none": 0.0, "kind=subj": 3.0}), no_source_margin=1.0)
    (found,) = predict(doc, model)
    assert doc.text[slice(*found.source)] == "Christie"
    assert found.content[0] == 0 and doc.text[found.content[1] - 9:found.content[1]] == "treatment"
    assert not any(a <= found.source[0] < b for a, b in found.parts)


def test_the_source_of_a_cue_inside_its_content_is_its_own_subject():
    """ "the kind of job that many economists say is the future": the parse hangs "that" on "is", so
    the complement's words run across the cue and its subject. The subject is the source, a hole in
    the content, not the nearest noun phrase outside it ("the kind of job")."""
    import spacy
    from spacy.tokens import Doc

    from annotator.extract.attribution_model import AttributionModel, predict
    from annotator.extract.learned import LinearScorer

    words = ["Voters", "want", "the", "kind", "of", "job", "that", "many", "economists", "say", "is", "the", "future", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True] * 12 + [False, False],
              heads=[1, 1, 3, 1, 3, 4, 10, 8, 9, 3, 9, 12, 10, 1],
              deps=["nsubj", "ROOT", "det", "dobj", "prep", "pobj", "nsubj", "amod", "nsubj", "relcl", "ccomp", "det",
                    "attr", "punct"],
              pos=["NOUN", "VERB", "DET", "NOUN", "ADP", "NOUN", "PRON", "ADJ", "NOUN", "VERB", "AUX", "DET", "NOUN",
                   "PUNCT"],
              lemmas=["voter", "want", "the", "kind", "of", "job", "that", "many", "economist", "say", "be", "the",
                      "future", "."])
    model = AttributionModel(LinearScorer({"bias": -5.0, "lem=say": 10.0}), LinearScorer({"kind=child:ccomp": 5.0}),
                             LinearScorer({"none": 0.0, "kind=subj": 3.0, "kind=np": 2.0}), no_source_margin=1.0)
    (found,) = predict(doc, model)
    assert doc.text[slice(*found.content)] == "that many economists say is the future"
    assert doc.text[slice(*found.source)] == "many economists"
    assert [doc.text[a:b].strip() for a, b in found.parts if doc.text[a:b].strip()] == ["that", "is the future"]


def test_no_content_candidate_runs_across_a_full_stop_the_parser_missed():
    """The parser ran two sentences into one ("He said that CNN had. Voters agreed with him."): the
    cue's content candidates stop at the full stop, whatever the parse hangs on the cue after it."""
    import spacy
    from spacy.tokens import Doc

    from annotator.extract.reported import content_candidates

    words = ["He", "said", "that", "CNN", "had", ".", "Voters", "agreed", "with", "him", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True, True, True, True, False, True, True, True, True,
                                                            False, False],
              heads=[1, 1, 4, 4, 1, 1, 7, 1, 7, 8, 1],
              deps=["nsubj", "ROOT", "mark", "nsubj", "ccomp", "punct", "nsubj", "ccomp", "prep", "pobj", "punct"],
              pos=["PRON", "VERB", "SCONJ", "PROPN", "VERB", "PUNCT", "NOUN", "VERB", "ADP", "PRON", "PUNCT"])
    texts = [doc.text[slice(*c.span)] for c in content_candidates(doc, 1)]
    assert "that CNN had" in texts
    assert not any("Voters" in text for text in texts)
    # A headline runs into the first line: the line break ends it.
    words = ["Trump", "Slams", "Cruz", "\n", "Voters", "agreed", "."]
    doc = Doc(spacy.blank("en").vocab, words=words, spaces=[True, True, False, False, True, False, False],
              heads=[1, 1, 1, 2, 5, 1, 1], deps=["nsubj", "ROOT", "dobj", "dep", "nsubj", "ccomp", "punct"],
              pos=["PROPN", "VERB", "PROPN", "SPACE", "NOUN", "VERB", "PUNCT"])
    texts = [doc.text[slice(*c.span)] for c in content_candidates(doc, 1)]
    assert "Cruz" in texts and not any("Voters" in text for text in texts)
    # Mr. and U.S. are one token each: a full stop of its own is what ends a sentence.
    doc = spacy.blank("en")("He told Mr. Smith the U.S. plan would work.")
    assert {"Mr.", "U.S."} <= {t.text for t in doc}


def test_a_cue_inside_a_surer_attributions_content_is_less_sure():
    """ "Officials said the envoy, whom he considers a friend, would stay": "considers" lies inside
    the content of the surer "said", so its confidence is halved; a cue inside a quotation at least
    as sure is too; the outer one, and a cue inside a less sure content, keep theirs."""
    from annotator.extract.attribution_model import NESTED_FACTOR, Found, nested_discounted

    text = "Officials said the envoy, whom he considers a friend, would stay. He added: “We trust him.”"
    def at(words):
        return (text.index(words), text.index(words) + len(words))
    said = Found(at("the envoy, whom he considers a friend, would stay"), [], None, None, at("said"), "indirect", 0.8)
    considers = Found(at("a friend"), [], None, None, at("considers"), "indirect", 0.6)
    trust = Found(at("him"), [], None, None, at("trust"), "indirect", 0.4)
    quote = Found(at("“We trust him.”"), [], None, None, at("added"), "direct", 0.9)
    surer = Found(at("the envoy"), [], None, None, at("whom"), "indirect", 0.95)  # inside a less sure content
    out = nested_discounted([said, considers, trust, surer], [quote])
    assert [f.p for f in out] == [0.8, round(0.6 * NESTED_FACTOR, 4), round(0.4 * NESTED_FACTOR, 4), 0.95]
    out = nested_discounted([said, considers])
    assert out[1].p < considers.p and out[0].p == 0.8 and considers.p == 0.6  # copies, not the same objects


def test_a_cue_torn_between_two_drawings_of_one_content_is_not_in_doubt():
    """ "It was reported that turnout rose": "that turnout rose" and the whole clause are one content
    as scoring counts it (Jaccard 0.5); a cue split evenly between them keeps its full confidence,
    where the best candidate's own share would halve it."""
    import math

    from annotator.extract.attribution_model import AttributionModel, predict
    from annotator.extract.learned import LinearScorer

    doc = _reported_doc()
    model = AttributionModel(LinearScorer({"bias": -5.0, "lem=report": 10.0}),
                             LinearScorer({"kind=subj:nsubjpass": -50.0}), LinearScorer({}), share_weight=1.0)
    (found,) = predict(doc, model)
    assert doc.text[slice(*found.content)] == "that turnout rose"
    assert found.p == round(1 / (1 + math.exp(-5.0)), 4)


def test_a_cue_content_inside_a_quote_with_its_cue_outside_is_the_quote_s_own_attribution():
    """ "He said: "We will win. We will win soon."": the colon's content is the quote's first
    sentence. It is the quote's attribution drawn short, not a second one; a cue inside the quote
    is a nested attribution and stays."""
    from annotator.extract.attribution_model import Found
    from annotator.extract.combined import combine, quote_as_found

    text = 'He said: "We will win. Rivals told us we would lose. We will win soon."'
    q0 = text.index('"')
    quote = quote_as_found(text, q0, len(text), [[q0, len(text)]], [0, 2], 0, [3, 7], 0.9)
    colon = (text.index(":"), text.index(":") + 1)
    first = (q0 + 1, text.index("win.") + 3)
    told = (text.index("told"), text.index("told") + 4)
    nested = (text.index("we would"), text.index("lose") + 4)
    found = [Found(first, [first], (0, 2), 0, colon, "indirect", 0.6),
             Found(nested, [nested], (text.index("Rivals"), text.index("Rivals") + 6), 5, told, "indirect", 0.7)]
    kept = combine(text, [quote], found)
    assert [text[slice(*f.content)] for f in kept] == [text[q0:], "we would lose"]
