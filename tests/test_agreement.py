"""Agreement figures against numbers worked out by hand, and the grouping of disagreements."""

from __future__ import annotations

import pytest

from annotator.agreement import Mark, Work, agreed, cohen_kappa, disagreements, f1, fleiss_kappa, report


def ent(start, end, label):
    return Mark("entity", start, end, label)


def test_cohen_kappa_by_hand():
    # 10 items: yes/yes 4, yes/no 1, no/yes 2, no/no 3.
    # p_o = 7/10; A says yes 5/10, B 6/10; p_e = .5*.6 + .5*.4 = .5; kappa = (.7 - .5) / .5 = .4
    pairs = [(True, True)] * 4 + [(True, False)] + [(False, True)] * 2 + [(False, False)] * 3
    assert cohen_kappa(pairs) == pytest.approx(0.4)
    assert cohen_kappa([(True, True), (False, False)]) == pytest.approx(1.0)
    assert cohen_kappa([(True, False), (False, True)]) == pytest.approx(-1.0)
    # One answer throughout: chance agreement is 1, kappa undefined.
    assert cohen_kappa([(True, True)] * 3) is None
    assert cohen_kappa([]) is None


def test_fleiss_kappa_by_hand():
    # Three raters, yes/no counts per item: [3,0] [2,1] [0,3] [1,2].
    # P_i = 1, 1/3, 1, 1/3 -> mean 2/3; yes 6 of 12 ratings -> P_e = .5; kappa = (2/3 - .5) / .5 = 1/3
    assert fleiss_kappa([(3, 0), (2, 1), (0, 3), (1, 2)]) == pytest.approx(1 / 3)
    # The worked example of Fleiss (1971) as Wikipedia gives it: 10 items, 14 raters, 5 categories -> 0.210.
    table = [
        [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
    ]
    assert fleiss_kappa(table) == pytest.approx(0.20993, abs=1e-4)
    assert fleiss_kappa([(3, 0), (3, 0)]) is None
    assert fleiss_kappa([(1, 0)]) is None


def test_f1():
    assert f1(2, 1, 2) == pytest.approx(4 / 7)
    assert f1(0, 0, 0) is None


ALICE = frozenset({ent(0, 5, "PERSON"), ent(10, 15, "ORG"), ent(20, 25, "GPE")})
BOB = frozenset({ent(0, 5, "PERSON"), ent(10, 15, "PERSON"), ent(20, 25, "GPE"), ent(30, 35, "GPE")})


def test_pair_report_by_hand():
    alice = Work("alice", ALICE, {1: True, 2: True, 3: True, 4: False})
    bob = Work("bob", BOB, {1: True, 2: True, 3: True, 4: True})
    out = report([(7, "an article", [bob, alice])])
    (pair,) = out["pairs"]
    assert (pair["a"], pair["b"], pair["articles"]) == ("alice", "bob", 1)
    labels = pair["labels"]
    # PERSON: both (0,5); bob alone (10,15) -> 2/3. ORG: alice alone -> 0. GPE: both (20,25), bob alone (30,35) -> 2/3.
    assert labels["PERSON"] == {"f1": pytest.approx(2 / 3), "both": 1, "only_a": 0, "only_b": 1}
    assert labels["ORG"]["f1"] == 0
    assert labels["GPE"]["f1"] == pytest.approx(2 / 3)
    assert pair["f1"] == {"f1": pytest.approx(4 / 7), "both": 2, "only_a": 1, "only_b": 2}
    # verdicts: yes/yes 3, no/yes 1 -> p_o .75, p_e = .75 * 1 + .25 * 0 = .75 -> kappa 0
    assert pair["kappa"] == pytest.approx(0.0) and pair["kappa_items"] == 4
    assert out["fleiss"] is None
    (worst,) = out["most_disagreement"]
    assert worst["article_id"] == 7 and worst["disagreements"] == 2 and worst["mean_f1"] == pytest.approx(4 / 7)


def test_fleiss_in_report_with_three_annotators():
    # Spans 1-4 judged by three: [3,0] [2,1] [0,3] [1,2] as in the hand example above -> 1/3.
    a = Work("a", frozenset(), {1: True, 2: True, 3: False, 4: False})
    b = Work("b", frozenset(), {1: True, 2: True, 3: False, 4: True})
    c = Work("c", frozenset(), {1: True, 2: False, 3: False, 4: False})
    out = report([(1, "x", [a, b, c])])
    assert out["fleiss"] == {"kappa": pytest.approx(1 / 3), "items": 4}
    assert [(p["a"], p["b"]) for p in out["pairs"]] == [("a", "b"), ("a", "c"), ("b", "c")]


def test_disagreements_group_overlapping_marks_and_list_versions():
    alice, bob = Work("alice", ALICE), Work("bob", BOB)
    carol = Work("carol", ALICE)
    assert agreed([alice, bob]) == {ent(0, 5, "PERSON"), ent(20, 25, "GPE")}
    relabel, extra = disagreements([alice, bob, carol])
    assert relabel.marks == (ent(10, 15, "ORG"), ent(10, 15, "PERSON"))
    assert [(v.marks, v.annotators) for v in relabel.versions] == [
        ((ent(10, 15, "ORG"),), ("alice", "carol")), ((ent(10, 15, "PERSON"),), ("bob",))]
    assert [(v.marks, v.annotators) for v in extra.versions] == [((), ("alice", "carol")),
                                                                  ((ent(30, 35, "GPE"),), ("bob",))]
    assert relabel.version_of([ent(10, 15, "PERSON"), ent(0, 5, "PERSON")]) == 1
    assert relabel.version_of([]) is None
    assert disagreements([alice]) == []


def test_quotes_and_entities_group_apart_and_speakers_count():
    quote_a = Mark("quote", 10, 40, "QUOTE", (0, 5))
    quote_b = Mark("quote", 10, 40, "QUOTE", (45, 50))
    a = Work("a", frozenset({quote_a, ent(12, 18, "GPE")}))
    b = Work("b", frozenset({quote_b}))
    groups = disagreements([a, b])
    assert [(g.kind, len(g.versions)) for g in groups] == [("quote", 2), ("entity", 2)]
    (pair,) = report([(1, "x", [a, b])])["pairs"]
    assert pair["labels"]["QUOTE"]["f1"] == 1.0  # same offsets and label
    assert pair["speaker_f1"]["f1"] == 0.0  # different speakers
    assert Mark.from_json(quote_a.to_json()) == quote_a
