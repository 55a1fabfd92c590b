"""How token offsets are stored: once at import, in the two forms the readers need.

`tokens` holds the exact JSON list that export writes (Prodigy's token dicts), zlib-compressed,
so export splices it into each line without building 600 dicts an article. `token_bounds` holds
the starts then the ends as packed 32-bit integers, for offset-to-token lookups and the TUI.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Sequence
from typing import Any

import orjson


def token_dicts(text: str, tokens: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    """Prodigy's token list: `ws` is true when a single space follows, as spaCy's whitespace_."""
    return [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " "}
        for i, (s, e) in enumerate(tokens)
    ]


def encode_tokens(text: str, tokens: Sequence[Sequence[int]],
                  given: list[dict[str, Any]] | None = None) -> tuple[bytes, bytes]:
    """(compressed token JSON, packed bounds). Token dicts a JSONL line gave are kept as they are."""
    starts, ends = zip(*tokens, strict=True) if tokens else ((), ())
    packed = array("i", starts)
    packed.extend(ends)
    dicts = given if given is not None else token_dicts(text, tokens)
    return zlib.compress(orjson.dumps(dicts), 1), packed.tobytes()


def decode_bounds(blob: bytes | None) -> tuple[list[int], list[int]]:
    """(starts, ends) of the tokens."""
    if not blob:
        return [], []
    packed = array("i")
    packed.frombytes(blob)
    half = len(packed) // 2
    return packed[:half].tolist(), packed[half:].tolist()


def token_json(blob: bytes | None) -> bytes:
    return zlib.decompress(blob) if blob else b"[]"
