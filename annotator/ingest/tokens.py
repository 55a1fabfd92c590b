"""Token offsets from spaCy's tokenizer, computed once at import and stored with the article."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    import spacy  # lazy: seconds to import, and only import and export need it

    return spacy.blank("en").tokenizer


def token_offsets(texts: Iterable[str], batch_size: int = 256) -> Iterator[tuple[tuple[int, int], ...]]:
    """(start, end) of every token, whitespace tokens included, as spaCy counts them."""
    for doc in tokenizer().pipe(texts, batch_size=batch_size):
        yield tuple((tok.idx, tok.idx + len(tok)) for tok in doc)
