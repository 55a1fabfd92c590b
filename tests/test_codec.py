"""How tokens and spans are encoded for the store, and that older encodings still read."""

from __future__ import annotations

import zlib

import orjson

from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store
from annotator.store.codec import decode_spans, encode_spans, encode_tokens, token_dicts, token_json

TEXT = "He said: “We will go.”"
TOKENS = [(0, 2), (3, 7), (7, 8), (9, 10), (10, 12), (13, 17), (18, 20), (20, 21), (21, 22)]


def test_token_json_round_trips_and_is_compressed():
    blob, bounds = encode_tokens(TEXT, TOKENS)
    assert orjson.loads(token_json(blob)) == token_dicts(TEXT, TOKENS)
    assert blob[:4] == b"\x28\xb5\x2f\xfd"  # zstd
    assert len(bounds) == 8 * len(TOKENS)


def test_token_json_written_by_older_versions_with_zlib_still_reads(tmp_path):
    """Databases from before zstd hold zlib streams: export must read them as they are."""
    old = zlib.compress(orjson.dumps(token_dicts(TEXT, TOKENS)), 1)
    assert orjson.loads(token_json(old)) == token_dicts(TEXT, TOKENS)
    with Store(tmp_path / "a.db") as store:
        with store.write() as conn:
            article_id = store.insert_article(conn, ArticleDraft(TEXT), "h", TOKENS, "model")
            conn.execute("UPDATE articles SET tokens = ? WHERE id = ?", (old, article_id))
            store.set_progress(conn, article_id, "ann", "done")
        (row,) = list(store.iter_export("ann"))
        assert orjson.loads(row[1]) == token_dicts(TEXT, TOKENS)


def test_span_rows_keep_speakers_and_cues(tmp_path):
    drafts = [SpanDraft(0, 2, "SPEAKER", "speaker"), SpanDraft(9, 22, "QUOTE", "quote", 0, None, (3, 7), 3),
              SpanDraft(13, 17, "MISC"), SpanDraft(3, 7, "CUE", "cue")]
    rows = decode_spans(encode_spans(drafts))
    assert rows == [(0, 2, "SPEAKER", "speaker", None, None, None, None, None),
                    (9, 22, "QUOTE", "quote", 0, None, 3, 7, 3), (13, 17, "MISC", "entity", None, None, None, None, None),
                    (3, 7, "CUE", "cue", None, None, None, None, None)]
    with Store(tmp_path / "a.db") as store:
        with store.write() as conn:
            article_id = store.insert_article(conn, ArticleDraft(TEXT, spans=tuple(drafts)), "h", TOKENS, "model")
        speaker, cue, quote, misc = store.spans(article_id, "ann")
        assert (quote.speaker_span_id, quote.cue, quote.cue_span_id) == (speaker.id, (3, 7), cue.id)
        assert (misc.start, misc.end, misc.label, misc.kind, misc.speaker_span_id) == (13, 17, "MISC", "entity", None)
