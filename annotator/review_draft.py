"""The reviewer's own version of an article, edited with the annotation screen's keys and rules.

When every annotator's version is wrong, the reviewer makes their own. `DraftStore` stands in for
the Store under an AnnotationSession (annotator/session.py): the session's rules (kinds, nesting,
who may speak) and the main screen's keys (relabel, bounds, mark, speaker, undo) work unchanged,
while the version lives in the review's own log (store/review.py: items '+' and '-'), never in
`decisions`, `states` or `progress`: the reviewer takes no annotator's place, and the gold export
carries the version (ReviewArticle.own).

It starts from the gold as it stands (what everyone agreed on and each choice, accepted), beside
every other version's spans (undecided where the disagreement is open, rejected where it was
resolved otherwise), so the reviewer sees what each annotator had. Each edit stores the whole
version; undo takes back the latest edit, down to where it started (then no own version stands).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.agreement import Mark
from annotator.errors import Refused
from annotator.model import Progress, SpanView
from annotator.store.review import view_of as _view

ORIGIN = "import"  # the spans it starts from came from the annotators' work, not a model


def _row(view: SpanView) -> list[Any]:
    return [*view[:13], list(view.cue) if view.cue else None, view.created_by]


def seed(article_id: int, gold: Iterable[Mark], open_marks: Iterable[Mark], others: Iterable[Mark]) -> list[SpanView]:
    """The version an edit starts from: the gold accepted, open disagreements' marks undecided,
    the versions not chosen rejected; each mark once, a quote's speaker linked by its offsets."""
    status: dict[Mark, str] = {}
    for marks, what in ((others, "rejected"), (open_marks, "undecided"), (gold, "accepted")):
        status.update({m: what for m in marks})
    ordered = sorted(status, key=Mark.sort_key)
    ids = {m: n for n, m in enumerate(ordered, 1)}
    at: dict[tuple[int, int], int] = {}
    kind_at: dict[tuple[int, int], str] = {}
    for m in ordered:
        if m.kind != "quote":
            at.setdefault((m.start, m.end), ids[m])
            kind_at.setdefault((m.start, m.end), m.kind)
    extra: list[SpanView] = []  # speaker mentions no mark has
    views = []
    for m in ordered:
        speaker = entity = None
        if m.kind == "quote" and m.speaker:
            speaker = at.get(m.speaker)
            if speaker is None:
                speaker = at[m.speaker] = len(ordered) + len(extra) + 1
                extra.append(_plain(article_id, speaker, Mark("speaker", *m.speaker, "SPEAKER"), status[m]))
            entity = at.get(m.entity) if m.entity else (speaker if kind_at.get(m.speaker) == "entity" else None)
        views.append(_plain(article_id, ids[m], m, status[m], speaker, entity))
    return sorted(views + extra, key=lambda v: (v.start, -v.end, v.id))


def _plain(article_id: int, span_id: int, mark: Mark, status: str, speaker: int | None = None,
           entity: int | None = None) -> SpanView:
    return SpanView(span_id, article_id, mark.kind, ORIGIN, mark.label, mark.start, mark.end, status,  # type: ignore[arg-type]
                    mark.label, mark.start, mark.end, speaker, entity, None, None)


class DraftStore:
    """The Store's calls an AnnotationSession makes, over one reviewer's own version of one article."""

    def __init__(self, store: Any, article_id: int, reviewer: str, start: list[SpanView]) -> None:
        from annotator.store import review

        self.store, self.article_id, self.reviewer = store, article_id, reviewer
        self.idle_after = store.idle_after
        saved = review.own_views(store, article_id, reviewer)
        self.start = start
        self.views = {v.id: v for v in (start if saved is None else [_view(row) for row in saved])}
        self.finished = False  # set by finish: the screen goes back to the review list

    # -- reading ---------------------------------------------------------------------------------

    def next_article(self, annotator: str, overlap: int | None = 1, **_: Any) -> int:
        return self.article_id

    def article(self, article_id: int) -> Any:
        return self.store.article(article_id)

    def spans(self, article_id: int, annotator: str) -> list[SpanView]:
        return sorted(self.views.values(), key=lambda v: (v.start, -v.end, v.id))

    def span(self, span_id: int, annotator: str) -> SpanView | None:
        return self.views.get(span_id)

    def start_stretch(self, article_id: int, annotator: str) -> None:
        """Active time is the annotators' (store/day.py); the review keeps none."""

    def position(self, article_id: int, order: str = "import", seed: int = 0) -> tuple[int, int]:
        return self.store.position(article_id)

    def progress(self, annotator: str, article_id: int | None = None) -> Progress:
        from annotator.store import review

        decided = sum(1 for v in self.views.values() if v.status != "undecided")
        summary = review.review_summary(self.store)
        return Progress(decided, len(self.views), summary["reviewed"], summary["multi_annotated"])

    def status(self, article_id: int, annotator: str) -> str:
        from annotator.store import review

        return review.review_status(self.store, article_id, self.reviewer)

    def flag(self, article_id: int, annotator: str) -> str | None:
        return None

    def neighbour(self, *_: Any, **__: Any) -> int | None:
        return None

    def count_work(self, *_: Any) -> int:
        return 0

    def set_flag(self, *_: Any) -> str | None:
        raise Refused("flags are the annotators' notes; the review keeps none")

    def next_flagged(self, *_: Any) -> int | None:
        raise Refused("flags are the annotators' notes; the review keeps none")

    # -- editing: each call stores the version's new state before it returns ---------------------

    def _save(self) -> None:
        from annotator.store import review

        review.save_own(self.store, self.article_id, self.reviewer, [_row(v) for v in self.spans(0, "")])

    def _fold(self, view: SpanView, action: str, label: str | None, start: int | None, end: int | None,
              speaker_span_id: int | None) -> SpanView:
        # The same fold as Store._refresh_state, one decision at a time.
        if action in ("accept", "relabel"):
            return view._replace(status="accepted", label=label or view.label)
        if action == "reject":
            return view._replace(status="rejected")
        if action == "adjust":
            return view._replace(status="accepted", start=start, end=end)
        if action == "speaker":
            speaker = self.views.get(speaker_span_id) if speaker_span_id is not None else None
            return view._replace(speaker_span_id=speaker_span_id,
                                 speaker_entity_span_id=speaker_span_id if speaker and speaker.kind == "entity" else None)
        if action == "cue":
            return view._replace(status="accepted", cue_span_id=speaker_span_id)
        raise ValueError(f"unknown action {action!r}")

    def decide(self, annotator: str, span_id: int, action: str, *, label: str | None = None,
               start: int | None = None, end: int | None = None, speaker_span_id: int | None = None) -> SpanView:
        view = self.views.get(span_id)
        if view is None:
            raise Refused(f"no span {span_id} in your version")
        self.views[span_id] = self._fold(view, action, label, start, end, speaker_span_id)
        self._save()
        return self.views[span_id]

    def decide_many(self, annotator: str, decisions: Iterable[tuple[int, str, str | None]]) -> int:
        count = 0
        for span_id, action, label in decisions:
            self.views[span_id] = self._fold(self.views[span_id], action, label, None, None, None)
            count += 1
        self._save()
        return count

    def add_span(self, annotator: str, article_id: int, start: int, end: int, label: str, kind: str,
                 speaker_of: int | None = None, cue_of: int | None = None) -> SpanView:
        new = max(self.views, default=0) + 1
        self.views[new] = SpanView(new, article_id, kind, "manual", label, start, end, "accepted",  # type: ignore[arg-type]
                                   label, start, end, None, None, None, self.reviewer)
        self._save()
        if speaker_of is not None:  # a second edit, as the store makes a second decision: undone apart
            self.decide(annotator, speaker_of, "speaker", speaker_span_id=new)
        if cue_of is not None:
            self.decide(annotator, cue_of, "cue", speaker_span_id=new)
        return self.views[new]

    def undo(self, annotator: str, article_id: int) -> SpanView | None:
        """Take back the latest edit; the span it changed as it now stands (a span it made, gone)."""
        from annotator.store import review

        if review.own_views(self.store, self.article_id, self.reviewer) is None:
            return None
        review.save_own(self.store, self.article_id, self.reviewer, None)
        saved = review.own_views(self.store, self.article_id, self.reviewer)
        before = self.views
        self.views = {v.id: v for v in (self.start if saved is None else [_view(row) for row in saved])}
        gone = [v for i, v in before.items() if i not in self.views]
        if gone:  # shown as the store shows an unmade span: undecided, made by someone
            return gone[0]._replace(status="undecided", created_by=gone[0].created_by or self.reviewer)
        changed = [v for i, v in self.views.items() if before.get(i) != v]
        if not changed:
            raise Refused("nothing left to undo in your version")
        return changed[0]

    def finish(self, article_id: int, annotator: str, accept: Iterable[int] = ()) -> None:
        """Done: the undecided spans taken (the session's rule) and the version made the article's gold."""
        from annotator.store import review

        for span_id in accept:
            self.views[span_id] = self._fold(self.views[span_id], "accept", None, None, None, None)
        self._save()
        review.finish(self.store, review.load_review(self.store, self.article_id, self.reviewer))
        self.finished = True


def start_of(review: Any) -> list[SpanView]:
    """Where a ReviewArticle's own version starts (seed) when none is stored."""
    import dataclasses

    review = dataclasses.replace(review, own=None)  # the choices' gold, not the version itself
    open_marks = [m for item in review.items if item.choice is None for m in item.disagreement.marks]
    others = [m for item in review.items if item.choice is not None for m in item.disagreement.marks]
    return seed(review.article.id, review.gold(), open_marks, others)
