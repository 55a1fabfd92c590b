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
    """Whether a pipeline's tokenizer splits text as the store's does (same rules, affixes and
    special cases), so that import can keep the tokens of the model's Doc instead of tokenizing
    the text a second time."""
    try:
        return nlp.tokenizer.to_bytes(exclude=["vocab"]) == tokenizer().to_bytes(exclude=["vocab"])
    except Exception:  # a custom tokenizer that cannot say: tokenize again
        return False
