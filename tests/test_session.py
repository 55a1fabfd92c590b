"""The rules of annotation, at the session level (annotator/session.py): no screen, no Pilot.

Each test does what a key does and reads the database afterwards; a refused action leaves it as it was.
"""

from __future__ import annotations

import dataclasses

import pytest

from annotator.model import ArticleDraft, SpanDraft
from annotator.session import AnnotationSession, Refused, SpanState, fold_state

#       0         1         2         3         4         5         6         7
#       0123456789012345678901234567890123456789012345678901234567890123456789012345
TEXT = "UN envoy Staffan de Mistura said: “Spoilers will not prevail.” He left Geneva."


@pytest.fixture
def session(store, schema):
    spans = (
        SpanDraft(0, 2, "ORG"),
        SpanDraft(9, 27, "PERSON"),
        SpanDraft(34, 62, "QUOTE", "quote", speaker=1, speaker_entity=1),
        SpanDraft(71, 77, "GPE"),
    )
    with store.write() as conn:
        store.insert_article(conn, ArticleDraft(TEXT, spans=spans), "h1", [(0, 2)], "model")
    return AnnotationSession(store, schema, "alice")


def count_writes(session, monkeypatch) -> list[int]:
    """Every store.write() (one transaction each) from now on."""
    writes: list[int] = []
    real = session.store.write

    def counted(*args, **kwargs):
        writes.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(session.store, "write", counted)
    return writes


def opened(session):
    loaded = session.open()
    assert loaded.article is not None
    return loaded.article, {s.label: s for s in loaded.spans}


def log(session):
    return [(d.action, d.label) for d in session.store.decisions("alice")]


def test_open_resumes_and_claims(session):
    first = session.open()
    assert first.article.text == TEXT and first.status == "doing"
    assert [s.label for s in first.spans] == ["ORG", "PERSON", "QUOTE", "GPE"]
    assert session.open().article.id == first.article.id  # reopening resumes the same article


def test_accept_with_the_same_label_is_an_accept_and_another_a_relabel(session):
    _, spans = opened(session)
    assert session.accept(spans["ORG"]).status == "accepted"
    assert session.accept(spans["GPE"], "GPE").status == "accepted"
    relabelled = session.accept(spans["PERSON"], "ORG")
    assert (relabelled.label, relabelled.status) == ("ORG", "accepted")
    assert log(session) == [("accept", None), ("accept", None), ("relabel", "ORG")]


def test_a_label_of_another_kind_is_refused(session):
    _, spans = opened(session)
    with pytest.raises(Refused, match="QUOTE is a quote label; this span is a entity"):
        session.accept(spans["ORG"], "QUOTE")
    assert log(session) == []


def test_reject_and_undo_go_back_through_every_decision(session):
    article, spans = opened(session)
    session.reject(spans["ORG"])
    session.accept(spans["GPE"])
    assert session.undo(article.id).label == "GPE"
    back = session.undo(article.id)
    assert (back.label, back.status) == ("ORG", "undecided")
    with pytest.raises(Refused, match="nothing left to undo"):
        session.undo(article.id)


def test_a_new_entity_may_not_cross_or_repeat_one(session):
    article, spans = opened(session)
    with pytest.raises(Refused, match="crosses PERSON"):
        session.add_span(article, list(spans.values()), 3, 16, "PERSON")  # "envoy Staffan"
    with pytest.raises(Refused, match="covers these words"):
        session.add_span(article, list(spans.values()), 0, 2, "GPE")
    assert log(session) == []


def test_nesting_follows_the_schema(session, schema):
    article, spans = opened(session)
    with pytest.raises(Refused, match="allow_nested: false"):
        session.add_span(article, list(spans.values()), 9, 16, "PERSON")  # "Staffan" inside the PERSON
    nested = AnnotationSession(session.store, dataclasses.replace(schema, allow_nested=True), "alice")
    made = nested.add_span(article, list(spans.values()), 9, 16, "PERSON")
    assert (made.start, made.end, made.status, made.created_by) == (9, 16, "accepted", "alice")


def test_a_new_speaker_is_made_and_linked_in_one_transaction(session, monkeypatch):
    article, spans = opened(session)
    with pytest.raises(Refused, match="a speaker takes one of"):
        session.add_span(article, list(spans.values()), 63, 65, "LOC", speaker_of=spans["QUOTE"].id)
    writes = count_writes(session, monkeypatch)
    he = session.add_span(article, list(spans.values()), 63, 65, "PERSON", speaker_of=spans["QUOTE"].id)
    quote = session.store.span(spans["QUOTE"].id, "alice")
    assert quote.speaker_span_id == he.id
    assert log(session) == [("accept", "PERSON"), ("speaker", None)]
    assert len(writes) == 1


def test_undoing_a_new_span_unmakes_it(session):
    article, spans = opened(session)
    made = session.add_span(article, list(spans.values()), 63, 65, "PERSON")
    assert session.unmade(session.undo(article.id))
    assert made.id not in {s.id for s in session.store.spans(article.id, "alice")}


def test_bounds_follow_the_same_rules(session):
    article, spans = opened(session)
    every = list(spans.values())
    assert session.fix_bounds(article, every, spans["ORG"], 0, 2) is None  # where it is: nothing recorded
    with pytest.raises(Refused, match="not saved: it crosses PERSON"):
        session.fix_bounds(article, every, spans["ORG"], 0, 12)
    moved = session.fix_bounds(article, every, spans["QUOTE"], 35, 61)
    assert (moved.start, moved.end, moved.status) == (35, 61, "accepted")
    assert log(session) == [("adjust", None)]


def test_speakers_are_ranked_nearest_first_and_only_labels_that_speak(session):
    article, spans = opened(session)
    ranked = session.speaker_candidates(list(spans.values()), spans["QUOTE"])
    assert [s.label for s in ranked] == ["PERSON", "GPE", "ORG"]  # 7 characters before, 9 after, 32 before
    session.reject(spans["ORG"])
    rejected = {**spans, "ORG": session.store.span(spans["ORG"].id, "alice")}
    assert "ORG" not in [s.label for s in session.speaker_candidates(list(rejected.values()), spans["QUOTE"])]


def test_set_speaker_only_on_quotes(session):
    _, spans = opened(session)
    with pytest.raises(Refused, match="select a quote first"):
        session.set_speaker(spans["ORG"], spans["PERSON"])
    assert session.set_speaker(spans["QUOTE"], None).speaker_span_id is None
    assert session.set_speaker(spans["QUOTE"], spans["ORG"]).speaker_entity_span_id == spans["ORG"].id


def test_done_accepts_what_is_left_and_marks_the_article_in_one_transaction(session, monkeypatch):
    article, spans = opened(session)
    session.reject(spans["ORG"])
    writes = count_writes(session, monkeypatch)
    session.finish(article.id, session.store.spans(article.id, "alice"))
    assert len(writes) == 1
    assert session.store.status(article.id, "alice") == "done"
    states = {s.label: s.status for s in session.store.spans(article.id, "alice")}
    assert states == {"ORG": "rejected", "PERSON": "accepted", "QUOTE": "accepted", "GPE": "accepted"}


def test_flags_need_a_note_to_start(session):
    article, _ = opened(session)
    with pytest.raises(Refused, match="write a note"):
        session.flag(article.id, "  ", flagged=False)
    assert session.flag(article.id, "ORG or GPE?", flagged=False) == "ORG or GPE?"
    with pytest.raises(Refused, match="your only flagged article"):
        session.next_flagged(article.id)
    assert session.flag(article.id, "", flagged=True) is None


def test_neighbour_says_when_there_is_none(session):
    article, _ = opened(session)
    with pytest.raises(Refused, match="no later article for you"):
        session.neighbour(article.id, 1)


# -- the fold from decisions to a span's state (session.fold_state; the store keeps its result) --

_BASE = SpanState("undecided", "ORG", 0, 5, None, None)


def test_fold_of_nothing_is_the_suggestion():
    assert fold_state(_BASE, []) == _BASE


def test_fold_accept_relabel_adjust_accept_and_reject_rejects():
    assert fold_state(_BASE, [("accept", None, None, None, None, None)]).status == "accepted"
    assert fold_state(_BASE, [("relabel", "PERSON", None, None, None, None)])[:2] == ("accepted", "PERSON")
    assert fold_state(_BASE, [("adjust", None, 1, 4, None, None)])[:4] == ("accepted", "ORG", 1, 4)
    assert fold_state(_BASE, [("relabel", "PERSON", None, None, None, None),
                              ("reject", None, None, None, None, None)])[:2] == ("rejected", "PERSON")


def test_fold_links_the_cue_and_accepts_the_attribution():
    state = fold_state(_BASE, [("cue", None, None, None, 9, "cue")])
    assert state.cue == 9 and state.status == "accepted"
    assert fold_state(_BASE, [("cue", None, None, None, 9, "cue"), ("cue", None, None, None, 11, "cue")]).cue == 11
    assert fold_state(_BASE, [("accept", None, None, None, None, None)]).cue is None  # the suggestion's cue stands


def test_fold_links_the_speaker_and_the_entity_only_when_the_speaker_is_one():
    assert fold_state(_BASE, [("speaker", None, None, None, 7, "entity")])[4:6] == (7, 7)
    assert fold_state(_BASE, [("speaker", None, None, None, 8, "mention")])[4:6] == (8, None)
    # A later speaker decision replaces the earlier link; choosing a speaker accepts the quote.
    later = fold_state(_BASE, [("speaker", None, None, None, 7, "entity"), ("speaker", None, None, None, None, None)])
    assert later == _BASE._replace(status="accepted")


def test_the_store_keeps_the_fold_of_the_standing_decisions(session):
    """The states row is fold_state over the decisions that stand: an undone one no longer counts."""
    loaded = session.open()
    span = loaded.spans[0]
    session.store.decide(session.annotator, span.id, "relabel", label="PERSON")
    session.store.decide(session.annotator, span.id, "adjust", start=span.start, end=span.end - 1)
    view = session.store.decide(session.annotator, span.id, "reject")
    assert (view.status, view.label, view.end) == ("rejected", "PERSON", span.end - 1)
    view = session.store.undo(session.annotator, loaded.article.id)
    assert (view.status, view.label, view.end) == ("accepted", "PERSON", span.end - 1)
