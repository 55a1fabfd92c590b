"""Agreement on attributions of every form: the same content (Jaccard >= 0.5), then cue and source."""

from __future__ import annotations

from annotator.agreement import Mark, Work, report, same_attributions


def quote(start, end, speaker=None, cue=None):
    return Mark("quote", start, end, "QUOTE", speaker, None, cue)


def test_contents_drawn_a_little_differently_are_the_same_attribution():
    a = [quote(15, 48, (0, 9), (10, 14)), quote(60, 90, (50, 55), (56, 59))]
    b = [quote(10, 48, (0, 9), (10, 14)), quote(200, 230)]  # "said the talks…" vs "the talks…"
    assert same_attributions(a, b) == [(a[0], b[0])]
    assert same_attributions(a, [quote(70, 130)]) == []  # too little shared


def test_the_report_counts_attributions_cues_and_sources():
    a = Work("ann", frozenset({quote(15, 48, (0, 9), (10, 14)), quote(60, 90, (50, 55), (56, 59))}))
    b = Work("bob", frozenset({quote(14, 48, (0, 9), (10, 14)), quote(60, 88, (50, 55), (91, 95))}))
    (pair,) = report([(1, "heading", [a, b])])["pairs"]
    assert pair["attribution_f1"]["f1"] == 1.0 and pair["attribution_f1"]["both"] == 2
    assert pair["cue_agreement"] == 0.5 and pair["source_agreement"] == 1.0
    assert pair["speaker_f1"]["f1"] == 0.0  # exact offsets differ: the old figure sees no agreement


def test_marks_from_before_cues_still_load():
    assert Mark.from_json(["quote", 1, 5, "QUOTE", [0, 1], None]).cue is None
    mark = quote(1, 5, (0, 1), (6, 8))
    assert Mark.from_json(mark.to_json()) == mark
