"""Mention replacement: the copies of finished articles the recognizer also learns from."""

from __future__ import annotations

from annotator.learn.train import TrainArticle, swapped

A = TrainArticle(1, "Lazio beat Roma in ROME on Sunday.", ((0, 5, "ORG"), (11, 15, "ORG"), (19, 23, "LOC")))
B = TrainArticle(2, "Juventus drew with Inter Milan in Turin.", ((0, 8, "ORG"), (19, 30, "ORG"), (34, 39, "LOC")))


def test_each_name_is_replaced_by_a_name_of_the_same_label_and_the_spans_follow():
    copies = swapped([A, B], share=1.0, seed=3)
    assert len(copies) == 2
    names = {"ORG": {"Lazio", "Roma", "Juventus", "Inter Milan"}, "LOC": {"ROME", "Turin", "TURIN"}}
    for copy, original in zip(copies, (A, B), strict=True):
        assert [label for _, _, label in copy.entities] == [label for _, _, label in original.entities]
        for start, end, label in copy.entities:
            assert copy.text[start:end] in names[label]
        # What lies between the names is the original context, untouched.
        assert copy.text.endswith(original.text[original.entities[-1][1]:])
    # A name in capitals is replaced in capitals: headlines stay headlines.
    loc = copies[0].entities[2]
    assert copies[0].text[loc[0]:loc[1]].isupper()


def test_no_share_no_copies_and_some_share_some_copies():
    articles = [TrainArticle(i, A.text, A.entities) for i in range(200)]
    assert swapped(articles, 0.0) == []
    assert 60 < len(swapped(articles, 0.5, seed=1)) < 140


def test_overlapping_spans_keep_only_the_first():
    nested = TrainArticle(3, "New York City Council met.", ((0, 13, "LOC"), (0, 21, "ORG")))
    (copy,) = swapped([nested, A], share=1.0, seed=0)[:1]
    assert len(copy.entities) == 1
