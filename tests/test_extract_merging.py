"""The learned merging's training pairs (annotator/extract/merging.py, merge_examples).

Sentences are written for each case, not taken from any corpus.
"""

from __future__ import annotations

from annotator.extract.merging import merge_examples

TEXT = "“The bridge is safe,” the engineer said. “We checked every bolt.”"
A = (0, TEXT.index(" the engineer"))
B = (TEXT.index("“We"), len(TEXT))


def labels(golds: list[tuple[int, int]]) -> list[int]:
    return [label for _, label in merge_examples(TEXT, golds)]


def test_one_gold_quote_over_both_parts_is_a_merge():
    assert labels([(A[0], B[1])]) == [1]


def test_two_gold_quotes_are_a_split():
    assert labels([A, B]) == [0]


def test_parts_in_no_gold_quote_are_a_split():
    # Two scare quotes side by side: neither is a quotation, nor are they one.
    assert labels([]) == [0]


def test_a_pair_with_only_one_part_quoted_teaches_nothing():
    # The gold quotes one part and leaves the other out: whether they belong together is unknown
    # (a scare quote beside a quotation, or a part the annotator skipped), so no label is made up.
    assert labels([A]) == []
    assert labels([B]) == []
