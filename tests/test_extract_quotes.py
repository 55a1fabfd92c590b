"""The quote finder on plain text (no spaCy): every mark style and merging rule, and a property test."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.extract.quotes import find_quotes


def spans(text: str) -> list[str]:
    return [text[q.start : q.end] for q in find_quotes(text)]


def test_curly_marks():
    text = "The minister said: “We will open the border on Monday.” Then she left."
    assert spans(text) == ["“We will open the border on Monday.”"]


def test_straight_marks():
    text = 'Officials were cautious. "We have seen nothing like it," a ranger said.'
    assert spans(text) == ['"We have seen nothing like it,"']


def test_double_apostrophes():
    text = "''The budget is balanced,'' the treasurer said on Tuesday."
    assert spans(text) == ["''The budget is balanced,''"]


def test_tex_marks():
    text = "``We are ready,'' the coach told the crowd."
    assert spans(text) == ["``We are ready,''"]


def test_guillemets():
    assert spans("Il a dit « non » hier.") == ["« non »"]


def test_quote_interrupted_by_its_attribution_is_one_quote():
    text = "“The harvest was poor,” the farmer said. “Next year will be better.”"
    assert spans(text) == [text]
    (quote,) = find_quotes(text)
    assert len(quote.parts) == 2


def test_interrupted_by_inverted_attribution_with_apposition():
    text = '"Prices will rise," said Ann Lo, an economist at the bank, "but not for long."'
    assert spans(text) == [text]


def test_attribution_going_on_with_a_participle_starts_a_new_quote():
    text = "“The road is closed,” he said, adding that “repairs take a week.”"
    assert spans(text) == ["“The road is closed,”", "“repairs take a week.”"]


def test_fragments_of_one_statement_are_one_quote():
    text = "The senator called the bill “reckless” and “a gift to lobbyists.”"
    assert spans(text) == ["“reckless” and “a gift to lobbyists.”"]


def test_titles_are_not_merged_with_a_following_fragment():
    text = "He told “Morning Radio” on Friday that “nothing was decided.”"
    assert spans(text) == ["“Morning Radio”", "“nothing was decided.”"]


def test_separate_sentences_are_separate_quotes():
    text = "She called it “unfair.” Her rival said it was “long overdue.”"
    assert spans(text) == ["“unfair.”", "“long overdue.”"]


def test_quote_over_several_paragraphs():
    text = "“The first paragraph ends open.\n\n“The second one closes,” the witness said.\n\nAfter that, silence."
    assert spans(text) == ["“The first paragraph ends open.\n\n“The second one closes,”"]


def test_nested_single_quotes_stay_inside():
    text = "“He told me ‘never again’ and walked out,” she said."
    assert spans(text) == ["“He told me ‘never again’ and walked out,”"]


def test_nested_double_quotes_inside_curly_quote():
    text = "“We watched “The Long Road” together,” he said."
    assert spans(text) == ["“We watched “The Long Road” together,”"]


def test_apostrophes_are_not_quote_marks():
    text = "The players’ union said it won’t strike. ‘Maybe’ is not a word they use."
    assert spans(text) == []


def test_unbalanced_mark_spoils_only_its_paragraph():
    text = "“This quote never closes.\n\nA new paragraph with a “proper quote” in it.\n\nAnd “another one” here."
    assert spans(text) == ["“proper quote”", "“another one”"]


def test_unbalanced_straight_mark_spoils_only_its_paragraph():
    text = 'He said "this one is broken.\n\nShe said "this one is fine" and left.'
    assert spans(text) == ['"this one is fine"']


def test_mistyped_opening_mark_at_paragraph_start():
    text = "”Not again,” she sighed."
    assert spans(text) == ["”Not again,”"]


def test_hard_wrapped_quote_continues_on_a_lower_case_line():
    text = "“We will keep the\nprogramme going,” the director said."
    assert spans(text) == ["“We will keep the\nprogramme going,”"]


def test_mixed_families_do_not_pair_across_paragraphs():
    text = '"Stray mark here.\n\n“A real quote,” she said.'
    assert spans(text) == ["“A real quote,”"]


_ALPHABET = st.sampled_from(list("ab cd,.!?:;-—―\n\n\"“”‘’'`«»") + ["''", "``", "said", "he", "Ann"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_finder_never_raises_and_stays_inside_the_text(text):
    previous_end = 0
    for quote in find_quotes(text):
        assert 0 <= quote.start < quote.end <= len(text)
        assert quote.start >= previous_end  # in order, never overlapping
        previous_end = quote.end
        for start, end in quote.parts:
            assert quote.start <= start < end <= quote.end
