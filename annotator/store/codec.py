"""How token offsets and spans are stored: encoded once at import, in the forms the readers need.

`tokens` holds the exact JSON list that export writes (Prodigy's token dicts), compressed, so
export splices it into each line without building 600 dicts an article. `token_bounds` holds the
starts then the ends as packed 32-bit integers, for offset-to-token lookups and the TUI.

Token JSON is compressed with zstd (level 1): against zlib level 1 it compresses this JSON twice
as fast and 20% smaller, and decompresses twice as fast. Databases written before hold zlib
streams; both are told apart by their first bytes, so they need no migration.

Spans travel from parsing workers to the store as one JSON array of rows (`encode_spans`), which
SQLite reads with json_each: bytes pickle in microseconds where thousands of tuples do not.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Sequence
from typing import Any

import orjson
import zstandard

_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_compressor = zstandard.ZstdCompressor(level=1)
_decompressor = zstandard.ZstdDecompressor()


def token_dicts(text: str, tokens: Sequence[Sequence[int]]) -> list[dict[str, Any]]:
    """Prodigy's token list: `ws` is true when a single space follows, as spaCy's whitespace_."""
    return [
        {"text": text[s:e], "start": s, "end": e, "id": i, "ws": text[e:e + 1] == " "}
        for i, (s, e) in enumerate(tokens)
    ]


def pack_bounds(starts: Sequence[int], ends: Sequence[int]) -> bytes:
    packed = array("i", starts)
    if type(ends) is list:
        packed.fromlist(ends)  # a third faster than extend
    else:
        packed.extend(ends)
    return packed.tobytes()


def compress_token_json(data: bytes) -> bytes:
    return _compressor.compress(data)


def encode_tokens(text: str, tokens: Sequence[Sequence[int]],
                  given: list[dict[str, Any]] | None = None) -> tuple[bytes, bytes]:
    """(compressed token JSON, packed bounds). Token dicts a JSONL line gave are kept as they are."""
    starts, ends = zip(*tokens, strict=True) if tokens else ((), ())
    dicts = given if given is not None else token_dicts(text, tokens)
    return compress_token_json(orjson.dumps(dicts)), pack_bounds(starts, ends)


def decode_bounds(blob: bytes | None) -> tuple[list[int], list[int]]:
    """(starts, ends) of the tokens."""
    if not blob:
        return [], []
    packed = array("i")
    packed.frombytes(blob)
    half = len(packed) // 2
    return packed[:half].tolist(), packed[half:].tolist()


def token_json(blob: bytes | None) -> bytes:
    if not blob:
        return b"[]"
    if blob[:4] == _ZSTD_MAGIC:
        return _decompressor.decompress(blob)
    return zlib.decompress(blob)  # written before zstd


def encode_spans(spans: Sequence[Any]) -> bytes:
    """Span drafts as the rows store/bulk.py reads: [start, end, label, kind, speaker,
    speaker_entity, cue_start, cue_end, cue_span], links being indexes into the same list; fields
    left off the end are null (formats/_spans.py: parse_span_rows makes such rows straight from a line)."""
    rows = []
    for s in spans:
        row = [s.start, s.end, s.label, s.kind, s.speaker, s.speaker_entity, *(s.cue or (None, None)),
               getattr(s, "cue_span", None)]
        while row[-1] is None:  # most rows end in four nulls; json_each reads short rows faster
            row.pop()
        rows.append(row)
    return orjson.dumps(rows)


def decode_spans(rows: bytes) -> list[tuple[Any, ...]]:
    """The rows of encode_spans, nine fields each, for the few callers that need them in Python."""
    return [(*row, *(None,) * (9 - len(row))) for row in orjson.loads(rows)]
