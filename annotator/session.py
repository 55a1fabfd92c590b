"""An annotator's session: every rule of the annotation work, over a store and a schema.

The main screen maps keys to these calls and redraws what they return; nothing here knows about
screens (no textual). Each method that changes anything is one user action and commits it as one
transaction before it returns, so whatever a screen shows is already in the database. A rule that
refuses an action raises Refused with the sentence to show; the database is then left as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

from annotator.errors import Refused
from annotator.model import Article, Progress, SpanView
from annotator.schema import Schema

if TYPE_CHECKING:
    # Types only: the store calls fold_state below, so this module must not import it back.
    from annotator.agreement import Mark
    from annotator.store import Store
    from annotator.store.review import ReviewArticle


class SpanState(NamedTuple):
    """Where one annotator's standing decisions leave one span (a `states` row)."""

    status: str  # undecided | accepted | rejected
    label: str
    start: int
    end: int
    speaker: int | None
    speaker_entity: int | None  # the speaker again when it is an entity, else None
    cue: int | None = None  # quotes: the cue span an annotator chose (None: the suggestion's own stands)


def fold_state(base: SpanState, decisions: Iterable[Sequence]) -> SpanState:
    """The rule of what decisions mean: fold one annotator's standing decisions on a span, oldest
    first, over the span as suggested. Each decision is (action, label, start, end, speaker id,
    the speaker's kind). Accept, relabel and adjust accept (relabel and adjust change the label or
    bounds); reject rejects; a speaker decision links the quote to a span, and to it as an entity
    too when it is one, and accepts the quote; a cue decision links the quote to its cue span and accepts it (choosing the
    cue is judging the attribution). The store keeps the result per span (decisions.refresh_state)."""
    status, label, start, end, speaker, entity, cue = base
    for action, d_label, d_start, d_end, d_speaker, d_speaker_kind in decisions:
        if action in ("accept", "relabel"):
            status, label = "accepted", d_label or label
        elif action == "reject":
            status = "rejected"
        elif action == "adjust":
            status, start, end = "accepted", d_start, d_end
        elif action == "speaker":  # choosing a quote's speaker decides the quote, as a relabel does
            status, speaker = "accepted", d_speaker
            entity = d_speaker if d_speaker_kind == "entity" else None
        elif action == "cue":
            status, cue = "accepted", d_speaker
    return SpanState(status, label, start, end, speaker, entity, cue)


@dataclass(frozen=True, slots=True)
class Loaded:
    """One article as a screen opens it."""

    article: Article | None
    spans: list[SpanView]
    position: tuple[int, int]
    progress: Progress
    status: str
    flag: str | None = None  # the annotator's note on this article, when they flagged it


def _excerpt(text: str, width: int) -> str:
    return " ".join(text.split())[:width]


class AnnotationSession:
    """One annotator's work on one database with one schema."""

    def __init__(self, store: Store, schema: Schema, annotator: str, overlap: int | None = 1,
                 order: str | None = None) -> None:
        self.store = store
        self.schema = schema
        self.annotator = annotator
        self.overlap = overlap
        # Which article next: import, uncertain or random (store/ordering.py); the schema's by default.
        self.order = order or schema.order
        store.idle_after = schema.idle_after  # active time cuts longer gaps to this

    # -- articles -------------------------------------------------------------------------------

    def open(self, article_id: int | None = None) -> Loaded:
        """Where to resume (article_id None: the unfinished one, else claim a new one) and all a
        screen needs of it. Opening starts the article's active-time clock, which also records that
        the annotator opened it (`suggest` leaves opened articles alone: store/learning.py)."""
        store, who = self.store, self.annotator
        if article_id is None:
            article_id = store.next_article(who, self.overlap, order=self.order)
        if article_id is None:
            return Loaded(None, [], (0, 0), store.progress(who), "todo")
        article = store.article(article_id)
        spans = store.spans(article_id, who) if article else []
        if article is not None:
            store.start_stretch(article_id, who)
        return Loaded(article, spans, store.position(article_id, self.order), store.progress(who, article_id),
                      store.status(article_id, who), store.flag(article_id, who))

    def neighbour(self, article_id: int, step: int) -> int:
        """The next (step 1) or previous article this annotator may work on."""
        target = self.store.neighbour(article_id, step, self.annotator, self.overlap, order=self.order)
        if target is None:
            where = "later" if step > 0 else "earlier"
            raise Refused(f"no {where} article for you" + (f" (overlap {self.overlap})" if self.overlap else ""))
        return target

    def finish(self, article_id: int, spans: Sequence[SpanView]) -> None:
        """Done: every span still undecided is accepted and the article marked done, as one action."""
        self.store.finish(article_id, self.annotator, self.undecided(spans))

    @staticmethod
    def undecided(spans: Sequence[SpanView]) -> list[int]:
        return [span.id for span in spans if span.status == "undecided"]

    # -- decisions on a span ------------------------------------------------------------------------

    def accept(self, span: SpanView, label: str | None = None) -> SpanView:
        """Accept the span, under `label` when given: the same label is an accept, another a relabel,
        and a label of another kind (an entity label on a quote) is refused."""
        if label is None or label == span.label:
            return self.store.decide(self.annotator, span.id, "accept")
        kind = self.schema.kind_of(label)
        if kind != span.kind:
            raise Refused(f"{label} is a {kind} label; this span is a {span.kind}")
        return self.store.decide(self.annotator, span.id, "relabel", label=label)

    relabel = accept

    def span(self, span_id: int) -> SpanView | None:
        return self.store.span(span_id, self.annotator)

    def reject(self, span: SpanView) -> SpanView:
        return self.store.decide(self.annotator, span.id, "reject")

    def undo(self, article_id: int) -> SpanView:
        """Reverse the latest decision standing in the article; the span as it now stands."""
        view = self.store.undo(self.annotator, article_id)
        if view is None:
            raise Refused("nothing left to undo in this article")
        return view

    @staticmethod
    def unmade(view: SpanView) -> bool:
        """The undo took back the making of a span the annotator added: it is gone from their view."""
        return view.created_by is not None and view.status == "undecided"

    # -- new spans, bounds ------------------------------------------------------------------------

    def nesting_problem(self, text: str, spans: Sequence[SpanView], start: int, end: int, kind: str,
                        ignore: int | None = None) -> str | None:
        """Why an entity may not go at [start, end), or None when it may: it may not cover the same
        words as another entity, cross one, or nest in one unless the schema allows nesting."""
        if kind != "entity":
            return None
        for other in spans:
            if other.id == ignore or other.kind != "entity" or other.status == "rejected":
                continue
            if other.start < end and start < other.end:
                words = _excerpt(text[other.start:other.end], 30)
                if (other.start, other.end) == (start, end):
                    return f"{other.label} “{words}” covers these words: relabel that one (l)"
                nested = (other.start <= start and end <= other.end) or (start <= other.start and other.end <= end)
                if not nested:
                    return f"it crosses {other.label} “{words}”"
                if not self.schema.allow_nested:
                    return f"nests with {other.label} “{words}” and the schema has allow_nested: false"
        return None

    def add_span(self, article: Article, spans: Sequence[SpanView], start: int, end: int, label: str,
                 speaker_of: int | None = None, cue_of: int | None = None) -> SpanView:
        """Mark a span the suggestions missed (accepted at once); with `speaker_of`, it becomes that
        quote's speaker in the same transaction, and then it must take a label that may speak; with
        `cue_of`, it becomes that quote's cue (and the quote is accepted: its attribution judged)."""
        if not 0 <= start < end <= len(article.text):
            raise Refused("not marked: select some words first")
        if self.schema.label(label) is None:
            raise Refused(f"not marked: {label} is not a label of this schema")
        if speaker_of is not None and label not in self.schema.speaker_labels:
            raise Refused(f"a speaker takes one of: {', '.join(sorted(self.schema.speaker_labels))};"
                          f" {label} is not one")
        kind = self.schema.kind_of(label)
        problem = self.nesting_problem(article.text, spans, start, end, kind)
        if problem:
            raise Refused(f"not marked: {problem}")
        if cue_of is not None and kind != "cue":
            raise Refused(f"a cue takes the schema's cue label; {label} is not one")
        return self.store.add_span(self.annotator, article.id, start, end, label, kind, speaker_of=speaker_of,
                                   cue_of=cue_of)

    def mark_cue(self, article: Article, spans: Sequence[SpanView], quote: SpanView, start: int,
                 end: int) -> SpanView:
        """The words [start, end) become the quote's cue ("said", "according to"): a new cue span,
        linked in the same transaction. The schema must have a cue label."""
        if quote.kind != "quote":
            raise Refused("c sets the cue of an attribution; select a quote first")
        label = self.schema.cue_label
        if label is None:
            raise Refused("this schema has no cue label (add one with kind: cue)")
        return self.add_span(article, spans, start, end, label, cue_of=quote.id)

    def fix_bounds(self, article: Article, spans: Sequence[SpanView], span: SpanView, start: int,
                   end: int) -> SpanView | None:
        """Move the span to [start, end); None when that is where it already is (nothing to record)."""
        if (start, end) == (span.start, span.end):
            return None
        if not 0 <= start < end <= len(article.text):
            raise Refused("not saved: a span needs at least one character")
        problem = self.nesting_problem(article.text, spans, start, end, span.kind, ignore=span.id)
        if problem:
            raise Refused(f"not saved: {problem}")
        return self.store.decide(self.annotator, span.id, "adjust", start=start, end=end)

    # -- speakers -----------------------------------------------------------------------------------

    def speaker_candidates(self, spans: Sequence[SpanView], quote: SpanView, text: str | None = None) -> list[SpanView]:
        """Who may speak this quote: its current speaker first, then the mentions that may speak (entities
        of labels the schema lets speak, and speaker mentions such as "UN mediator Staffan de Mistura"),
        not rejected, nearest first in characters; a mention inside the quote counts the quote's text
        between it and the quote's edge, so it does not pass for the nearest. With the article's text,
        the same words are offered once: the nearest."""
        if quote.kind != "quote":
            raise Refused("s sets the speaker of a quote; select a quote first")
        allowed = self.schema.speaker_labels

        def distance(span: SpanView) -> int:
            if span.end <= quote.start:
                return quote.start - span.end
            if span.start >= quote.end:
                return span.start - quote.end
            return max(0, min(span.start - quote.start, quote.end - span.end))

        current = quote.speaker_span_id or quote.speaker_entity_span_id
        found = sorted((s for s in spans if s.status != "rejected" and s.id != quote.id and s.id != current
                        and (s.kind == "speaker" or (s.kind == "entity" and s.label in allowed))),
                       key=lambda s: (distance(s), s.start))
        found = [s for s in spans if s.id == current] + found
        if text is None:
            return found
        seen: set[str] = set()
        unique = []
        for span in found:
            words = " ".join(text[span.start:span.end].split()).casefold()
            if words not in seen:
                seen.add(words)
                unique.append(span)
        return unique

    def set_speaker(self, quote: SpanView, speaker: SpanView | None) -> SpanView:
        """The quote's speaker is this span (None: no speaker)."""
        if quote.kind != "quote":
            raise Refused("s sets the speaker of a quote; select a quote first")
        if speaker is not None and speaker.kind == "entity" and speaker.label not in self.schema.speaker_labels:
            raise Refused(f"a speaker takes one of: {', '.join(sorted(self.schema.speaker_labels))};"
                          f" {speaker.label} is not one")
        return self.store.decide(self.annotator, quote.id, "speaker",
                                 speaker_span_id=None if speaker is None else speaker.id)

    # -- the annotator's day ------------------------------------------------------------------------

    def flag(self, article_id: int, note: str, flagged: bool) -> str | None:
        """Flag the article with a note, edit it, or clear it with an empty one; the note now."""
        if not note.strip() and not flagged:
            raise Refused("not flagged: write a note saying what you are unsure about")
        return self.store.set_flag(article_id, self.annotator, note)

    def next_flagged(self, here: int) -> int:
        target = self.store.next_flagged(self.annotator, here)
        if target is None:
            raise Refused("you have flagged no article (! flags one)")
        if target == here:
            raise Refused("this is your only flagged article")
        return target

    def has_finished_work(self) -> bool:
        return bool(self.store.count_work(self.annotator, False))


class ReviewSession:
    """One reviewer's adjudication (annotator/store/review.py holds its SQL): each call that changes
    anything is one choice, committed before it returns."""

    def __init__(self, store: Store, reviewer: str, schema: Schema | None = None) -> None:
        self.store = store
        self.reviewer = reviewer
        self.schema = schema  # for the reviewer's own version (own_version); the choices need none

    def next(self, after: int | None = None, step: int = 1, include_gold: bool = False) -> int | None:
        """The next article to review (claimed), or None; with `after`, going `step` from it."""
        return self.store.next_review(self.reviewer, after, step, include_gold)

    def open(self, article_id: int) -> ReviewArticle:
        return self.store.load_review(article_id, self.reviewer)

    def summary(self) -> dict[str, int]:
        return self.store.review_summary()

    def choose(self, article: ReviewArticle, index: int, marks: Sequence[Mark]) -> ReviewArticle:
        """Resolve disagreement `index` with these marks (none: reject all of its spans)."""
        if article.own is not None:
            raise Refused("your own version is the gold here: change it (o), or undo it (u in it) to choose again")
        return self.store.choose_review(article, index, marks)

    def take(self, article: ReviewArticle, index: int, version: int) -> ReviewArticle:
        """One annotator's version of disagreement `index`."""
        versions = article.items[index].disagreement.versions
        if not 0 <= version < len(versions):
            raise Refused(f"disagreement {index + 1} has {len(versions)} versions")
        return self.choose(article, index, versions[version].marks)

    def finish(self, article: ReviewArticle, force: bool = False) -> ReviewArticle:
        """Freeze the article's gold; with disagreements left only when forced."""
        if article.unresolved and not force:
            raise Refused(f"{article.unresolved} disagreements left: resolve them, or F to finish anyway")
        return self.store.finish_review(article, force)

    def own_version(self, article: ReviewArticle) -> AnnotationSession:
        """The reviewer's own version of the article as an annotation session: the annotation keys'
        rules over annotator/review_draft.py's DraftStore (what it starts from: its docstring)."""
        from annotator.review_draft import DraftStore, start_of
        from annotator.schema import default_schema_path, load_schema

        schema = self.schema or load_schema(default_schema_path())
        draft = DraftStore(self.store, article.article.id, self.reviewer, start_of(article))
        # The name is what the status line shows; the draft store keeps the version under the reviewer.
        return AnnotationSession(draft, schema, f"{self.reviewer}'s version", overlap=None)  # type: ignore[arg-type]
