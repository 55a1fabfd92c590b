"""Plain data the layers pass to each other. No I/O, no textual, no spaCy."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Kind = Literal["entity", "quote", "speaker", "cue"]
Origin = Literal["model", "manual", "import"]
Action = Literal["accept", "reject", "relabel", "adjust", "speaker", "cue", "undo"]
Status = Literal["undecided", "accepted", "rejected"]

# `cue` links a quote to its cue span (the decision's speaker_span_id column holds the linked span,
# for `speaker` and `cue` alike) and accepts the quote.
ACTIONS: tuple[str, ...] = ("accept", "reject", "relabel", "adjust", "speaker", "cue", "undo")

# Active time (store/day.py): a gap between two actions longer than this counts as this long (a break).
# The schema's idle_after overrides it.
IDLE_AFTER_S = 120.0
# Which article routing hands out next (store/ordering.py), as `--order` and a schema's `order:` say.
ORDERS: tuple[str, ...] = ("import", "uncertain", "random")


class SpanDraft(NamedTuple):
    """A span before it has a database id: what readers and extractors produce.

    `speaker` and `speaker_entity` are indexes into the same list of drafts:
    `speaker` is the mention written beside the cue ("he", "UN mediator Staffan
    de Mistura"), `speaker_entity` the named entity that mention resolves to.
    A NamedTuple: imports make millions, and send them between processes.
    """

    start: int
    end: int
    label: str
    kind: Kind = "entity"
    speaker: int | None = None
    speaker_entity: int | None = None
    cue: tuple[int, int] | None = None
    cue_span: int | None = None  # quotes: index of the cue's own draft (kind "cue"), as `speaker` is


class PackedSpans(NamedTuple):
    """Span drafts already encoded for the store (store/codec.py: encode_spans), as a parsing
    worker sends them: one bytes object pickles in microseconds, thousands of tuples do not."""

    rows: bytes
    count: int


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article as read from a file, before import."""

    text: str
    title: str | None = None
    source: str | None = None
    date: str | None = None
    dateline: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: tuple[SpanDraft, ...] = ()
    tokens: tuple[tuple[int, int], ...] | None = None
    origin: str = ""  # "FILE:LINE" for messages
    # Lines that carry answers (Prodigy db-out, our own export): whose work, what answer, when.
    answer: str | None = None  # accept | reject | ignore
    annotator: str | None = None
    timestamp: float | None = None
    token_dicts: list[dict[str, Any]] | None = None  # tokens as the line gave them: stored as they are
    encoded_tokens: tuple[bytes, bytes] | None = None  # the same, already encoded for the store
    packed_spans: PackedSpans | None = None  # `spans`, already encoded for the store (`spans` is then empty)
    dropped: tuple[tuple[str, int], ...] = ()  # (label, spans) left out because the schema drops the label
    # (label, spans) left out because the schema neither has, maps nor drops the label; the first such span's number
    unknown: tuple[tuple[str, int], ...] = ()
    unknown_first: int = 0

    @property
    def needs_tokens(self) -> bool:
        """Neither token offsets nor their stored form came with it: import tokenizes it."""
        return self.tokens is None and self.encoded_tokens is None

    @property
    def span_count(self) -> int:
        return self.packed_spans.count if self.packed_spans is not None else len(self.spans)


def speaker_links(speaker: Any, entity: Any, cue: Any = None) -> list[tuple[Any, str]]:
    """The rule of a quote's relations, for every writer: (speaker, SPEAKER), (entity,
    SPEAKER_ENTITY) only when the entity link differs from the speaker (the same span is one link),
    and (cue, CUE). Each is whatever refers to a span (an id, an index), or None."""
    out = []
    if speaker is not None:
        out.append((speaker, "SPEAKER"))
    if entity is not None and entity != speaker:
        out.append((entity, "SPEAKER_ENTITY"))
    if cue is not None:
        out.append((cue, "CUE"))
    return out


def heading_of(title: str | None, text: str) -> str:
    """The title, else the first words of the text."""
    if title:
        return title
    words = text.split(maxsplit=10)
    return " ".join(words[:10]) + ("…" if len(words) > 10 else "")


@dataclass(frozen=True, slots=True)
class Article:
    id: int
    hash: str
    text: str
    title: str | None
    source: str | None
    date: str | None
    dateline: str | None
    meta: dict[str, Any]
    # Token offsets as stored (packed int32 starts then ends), or already as (start, end) pairs.
    # Decoded on demand: 50,000 pairs cost 10 ms, and opening an article needs none of them.
    token_bounds: bytes | tuple[tuple[int, int], ...] = ()

    @property
    def tokens(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of every token, as spaCy's tokenizer cut the text at import."""
        if not isinstance(self.token_bounds, bytes | bytearray):
            return tuple(self.token_bounds)
        packed = array("i")
        packed.frombytes(self.token_bounds)
        half = len(packed) // 2
        return tuple(zip(packed[:half], packed[half:], strict=True))

    @property
    def heading(self) -> str:
        return heading_of(self.title, self.text)


class GoldSpan(NamedTuple):  # a NamedTuple: made straight from the store's rows, a million times
    """A finished span as the writers take it (export/gold.py reads them from the store)."""

    id: int
    start: int
    end: int
    label: str
    kind: str
    speaker_span_id: int | None
    speaker_entity_span_id: int | None
    cue_span_id: int | None = None  # quotes: the cue span ("said", "according to")


@dataclass(frozen=True, slots=True)
class GoldArticle:
    """One annotator's finished work on one article: what every format's writer writes."""

    article: Article
    annotator: str
    status: str
    spans: tuple[GoldSpan, ...]
    timestamp: int
    token_json: bytes  # as stored at import: export splices it in
    token_starts: list[int]
    token_ends: list[int]
    work: dict = field(default_factory=dict)  # this annotator's active_seconds and flag note (store/day.py)

    def relations(self) -> list[tuple[int, int, str]]:
        """(head index, child index, label) into `spans`: SPEAKER, SPEAKER_ENTITY when it differs, CUE."""
        where = {span.id: i for i, span in enumerate(self.spans)}
        out = []
        for i, span in enumerate(self.spans):
            if span.kind != "quote":
                continue
            out += [(i, where[ref], label) for ref, label in
                    speaker_links(span.speaker_span_id, span.speaker_entity_span_id, span.cue_span_id) if ref in where]
        return out


def model_id(path: Any, nlp: Any) -> str:
    """What `spans.model` records: the pipeline's path or name, and for a trained one when it was
    trained (a model retrained in place is another model)."""
    trained = (nlp.meta.get("annotator") or {}).get("trained_at")
    name = str(path)
    return f"{name}@{trained}" if trained else f"{name}@{nlp.meta.get('version', '')}".rstrip("@")


class SpanView(NamedTuple):
    """A span as one annotator currently sees it: the suggestion plus their decisions folded in.

    A NamedTuple: the app builds 5,000 of these to open a long article, five times faster than a
    frozen dataclass; it is as immutable.
    """

    id: int
    article_id: int
    kind: Kind
    origin: Origin
    suggested_label: str
    suggested_start: int
    suggested_end: int
    status: Status
    label: str
    start: int
    end: int
    speaker_span_id: int | None
    speaker_entity_span_id: int | None
    cue: tuple[int, int] | None
    created_by: str | None
    cue_span_id: int | None = None  # quotes: the cue span (the annotator's choice, else the suggestion's)

    @property
    def relabelled(self) -> bool:
        return self.label != self.suggested_label

    @property
    def adjusted(self) -> bool:
        return (self.start, self.end) != (self.suggested_start, self.suggested_end)


@dataclass(frozen=True, slots=True)
class Decision:
    id: int
    span_id: int
    article_id: int
    annotator: str
    action: Action
    label: str | None
    start: int | None
    end: int | None
    speaker_span_id: int | None
    undoes: int | None
    created_at: float


@dataclass(frozen=True, slots=True)
class Progress:
    """Counts for the status line."""

    spans_decided: int
    spans_total: int
    articles_done: int
    articles_total: int


FORMS: tuple[str, ...] = ("direct", "mixed", "indirect")


def attribution_form(text: str, span: tuple[int, int]) -> str:
    """An attribution's form, from its content's text: `direct` when it opens and closes with
    quotation marks, `mixed` when it holds a pair of marks but is not wholly quoted, else
    `indirect` (PolNeAR's forms). It follows from the text, so it is never stored or chosen."""
    s = text[span[0] : span[1]].strip()
    opens = sum(s.count(c) for c in "“«„") + s.count('"') // 2 + s.count("``")
    if s[:1] in "“\"«„`" and s[-1:] in "”\"»'":
        return "direct"
    return "mixed" if opens and any(c in s for c in "”\"»''") else "indirect"


def jaccard(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character Jaccard of two spans: how much of the two together they share (0 when apart). Two
    drawings of one attribution's content are the same at 0.5 (scoring, agreement, extraction)."""
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 and inter else 0.0


def overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    """Do two spans share a character? (None shares nothing.)"""
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]

