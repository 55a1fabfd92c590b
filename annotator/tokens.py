"""Token offsets from spaCy's tokenizer, computed once at import and stored with the article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    import spacy  # lazy: seconds to import, and only import and export need it

    return spacy.blank("en").tokenizer


def offsets_of(doc: Any) -> tuple[tuple[int, int], ...]:
    """(start, end) of every token of a Doc, read in C (to_array): a Python loop over a big
    article's 57,000 tokens took a second."""
    from spacy.attrs import IDX, LENGTH

    if not len(doc):
        return ()
    starts, lengths = doc.to_array([IDX, LENGTH]).T.tolist()
    return tuple(zip(starts, map(int.__add__, starts, lengths), strict=True))


def token_offsets(texts: Iterable[str], batch_size: int = 256) -> Iterator[tuple[tuple[int, int], ...]]:
    """(start, end) of every token, whitespace tokens included, as spaCy counts them."""
    for doc in tokenizer().pipe(texts, batch_size=batch_size):
        yield offsets_of(doc)


@lru_cache(maxsize=4)
def tokenizes_alike(nlp: Any) -> bool:
    """Whether a pipeline's tokenizer splits text as the store's does (spaCy's English defaults:
    the same affixes, URL match and special cases), so that import can keep the tokens of the
    model's Doc instead of tokenizing the text a second time. Compared with the defaults' parts,
    not with a blank tokenizer: making one takes half a second."""
    from spacy.lang.en import English
    from spacy.tokenizer import Tokenizer
    from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

    def pattern(found: Any) -> Any:
        return getattr(getattr(found, "__self__", None), "pattern", found)

    defaults = English.Defaults
    made = getattr(nlp, "tokenizer", None)
    try:
        return (type(made) is Tokenizer and nlp.lang == "en" and made.faster_heuristics
                and pattern(made.prefix_search) == compile_prefix_regex(defaults.prefixes).pattern
                and pattern(made.suffix_search) == compile_suffix_regex(defaults.suffixes).pattern
                and pattern(made.infix_finditer) == compile_infix_regex(defaults.infixes).pattern
                and pattern(made.token_match) == pattern(defaults.token_match)
                and pattern(made.url_match) == pattern(defaults.url_match)
                and made.rules == defaults.tokenizer_exceptions)
    except Exception:  # a tokenizer that cannot say: tokenize again
        return False
