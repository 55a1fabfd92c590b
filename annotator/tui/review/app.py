"""The adjudication screen: each disagreement of an article with who chose what; keys pick a version.

Keys: j/k move over the versions · a or enter takes the version under the cursor · 1-9 take that
version of the current disagreement · x rejects the disagreement (none of its spans in the gold) ·
f finishes the article (F: even with disagreements left) · ]/[ next/previous article ·
o opens the reviewer's own version in the annotation app's screen (own.py), and l, e, m, s, u open
it and relabel, edit bounds, mark, set a speaker or undo there · E exports the gold (a download in
the browser under `annotator serve`) · ? help · q quits.
Keys map to the review session's calls (annotator/session.py: ReviewSession), each committed before
the screen shows it; the SQL is annotator.store.review's.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Static

from annotator import keys as key_map
from annotator.agreement import Disagreement, Mark
from annotator.errors import UserError
from annotator.keys import first_key
from annotator.schema import Schema, default_schema_path, load_schema
from annotator.session import ReviewSession
from annotator.store import Store
from annotator.store import review as rv
from annotator.store.day import ACTIVE_KEY, FLAG_KEY, duration
from annotator.tui.bindings import bindings, key_display, textual_keymap
from annotator.tui.palette import Palette
from annotator.tui.review.deliver import deliver_export, stamped
from annotator.tui.review.help import ReviewHelp
from annotator.tui.review.own import OwnVersionScreen
from annotator.tui.screens.command_queue import KeysInTurn
from annotator.tui.worker import StoreWorker

HIGHLIGHT = "on #5f5f00"  # every disagreement in the text
CURRENT = "bold black on #ffaf00"  # the one under the cursor
CHOSEN = "●"
NOT_CHOSEN = "○"


def _excerpt(text: str, start: int, end: int, width: int = 40) -> str:
    piece = " ".join(text[start:end].split())
    return piece if len(piece) <= width else piece[: width - 1] + "…"


def describe(mark: Mark, text: str) -> Text:
    """One mark as a line: LABEL “text” (and ← speaker for quotes)."""
    out = Text()
    out.append(mark.label, style="bold")
    out.append(f" “{_excerpt(text, mark.start, mark.end)}”")
    out.append(f" {mark.start}–{mark.end}", style="dim")
    if mark.kind == "quote":
        if mark.speaker:
            out.append(f" ← {_excerpt(text, *mark.speaker, width=24)}", style="italic")
        else:
            out.append(" ← no speaker", style="italic dim")
        if mark.entity:
            out.append(f" = {_excerpt(text, *mark.entity, width=24)}", style="italic")
    return out


class ReviewApp(KeysInTurn, App[None]):
    CSS_PATH = "review.tcss"
    TITLE = "annotator review"

    BINDINGS = bindings("review")

    def __init__(self, store: Store, reviewer: str, exports: Path | None = None,
                 keymap: dict[str, str] | None = None, schema: Schema | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}
        # The review.* keys of the annotator's keys.yaml, and the annotation keys of the own version's screen.
        self.set_keymap(textual_keymap("annotate", self.keymap) | textual_keymap("review", self.keymap))
        self.store = store
        self.reviewer = reviewer
        self.schema = schema or load_schema(default_schema_path())
        self.palette = Palette(self.schema)
        self.session = ReviewSession(store, reviewer, self.schema)
        self.exports = exports or Path("exports")
        self.review: rv.ReviewArticle | None = None
        self.rows: list[tuple[int, int]] = []  # (disagreement, version) per selectable line
        self.cursor = 0
        self.message = ""
        self.worker = StoreWorker("review-store")
        self._busy = asyncio.Lock()

    # -- plumbing ------------------------------------------------------------------------------

    _REVIEW_ACTIONS = frozenset(key.action_name for key in key_map.REVIEW) - {"quit"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Over the own version's screen, its keys only: a review key it leaves free (o) does nothing there.
        base = getattr(self, "_base", None)
        return not (action in self._REVIEW_ACTIONS and base is not None and self.screen is not base)

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding) or super().get_key_display(binding)

    async def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await self.worker.call(fn, *args, **kwargs)

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        with Horizontal(id="review-panes"):
            with VerticalScroll(id="text-pane"):
                yield Static("", id="review-text")
            with VerticalScroll(id="items-pane"):
                yield Static("", id="items")
        yield Static("", id="review-status")
        yield Footer()

    async def on_mount(self) -> None:
        self._base = self.screen  # the review screen; the own version's screen goes over it
        await self.open(await self.call(self.session.next))

    async def on_unmount(self) -> None:
        self.worker.close()

    async def _run(self, fn: Any, *args: Any) -> Any:
        """A session call in order with the others; a refusal or user error becomes the status line."""
        async with self._busy:
            try:
                return await self.call(fn, *args)
            except UserError as exc:
                self.say(str(exc))
                return None

    # -- showing -------------------------------------------------------------------------------

    async def open(self, article_id: int | None) -> None:
        if article_id is None:
            self.review, self.rows, self.cursor = None, [], 0
            summary = await self.call(self.session.summary)
            self._base.query_one("#title", Static).update(f"review · {self.reviewer} · nothing left to review")
            self._base.query_one("#review-text", Static).update(
                f"No article with disagreements is waiting for review.\n\n"
                f"{summary['multi_annotated']} articles finished by several annotators, "
                f"{summary['reviewed']} reviewed. Press {first_key('review.export', self.keymap)} to export the gold, "
                f"{first_key('review.quit', self.keymap)} to quit.")
            self._base.query_one("#items", Static).update("")
            self.say("")
            return
        review = await self.call(self.session.open, article_id)
        self.show(review, keep_cursor=False)

    def show(self, review: rv.ReviewArticle, keep_cursor: bool = True) -> None:
        self.review = review
        self.rows = [(i, v) for i, item in enumerate(review.items) for v in range(len(item.disagreement.versions))]
        if not keep_cursor:
            self.cursor = next((n for n, (i, _) in enumerate(self.rows) if review.items[i].choice is None), 0)
        self.cursor = max(0, min(self.cursor, len(self.rows) - 1))
        self.render_review()

    @property
    def current(self) -> tuple[int, int] | None:
        return self.rows[self.cursor] if self.rows else None

    def render_review(self) -> None:
        review = self.review
        if review is None:
            return
        article = review.article
        left = review.unresolved
        state = {"gold": "finished", "doing": "in review", "todo": "new"}.get(review.status, review.status)
        self._base.query_one("#title", Static).update(Text(
            f"review · {self.reviewer} · article {article.id}: {article.heading} · "
            f"{', '.join(review.annotators)} · {len(review.items)} disagreements, {left} left · {state}",
            no_wrap=True, overflow="ellipsis"))
        current = self.current
        text = Text(article.text)
        for i, item in enumerate(review.items):
            d = item.disagreement
            text.stylize(CURRENT if current and current[0] == i else HIGHLIGHT, d.start, d.end)
        self._base.query_one("#review-text", Static).update(text)
        self._base.query_one("#items", Static).update(self._items_text())
        if current:
            self._scroll_to(review.items[current[0]].disagreement)
        self.say(self.message)

    def _items_text(self) -> Text:
        review = self.review
        assert review is not None
        out = Text()
        # Each annotator's time on the article and flag note, before the versions they chose.
        for who in review.annotators:
            work = review.work.get(who, {})
            out.append(who, style="bold cyan")
            out.append(f"  {duration(work.get(ACTIVE_KEY))}", style="dim")
            if FLAG_KEY in work:
                out.append("  ⚑ ", style="bold yellow")
                out.append(work[FLAG_KEY], style="yellow")
            out.append("\n")
        out.append("\n")
        if not review.items:
            out.append(f"The annotators agree on everything here.\nPress {first_key('review.finish', self.keymap)}"
                       " to finish the article.\n")
        line = 0
        for i, item in enumerate(review.items):
            d = item.disagreement
            chosen = item.chosen_version
            head = f"{i + 1}. {d.kind} {d.start}–{d.end}"
            if review.own is not None:
                out.append(head + "  resolved (your own version)\n", style="bold green")
            elif item.choice is None:
                out.append(head + "  unresolved\n", style="bold yellow")
            elif chosen is None:
                out.append(head + "  resolved (own choice)\n", style="bold green")
            else:
                out.append(head + f"  → version {chosen + 1}\n", style="bold green")
            for v, version in enumerate(d.versions):
                selected = line == self.cursor
                row = Text("▶ " if selected else "  ")
                row.append(f"{CHOSEN if chosen == v else NOT_CHOSEN} [{v + 1}] ")
                if version.marks:
                    for n, mark in enumerate(version.marks):
                        if n:
                            row.append(" + ")
                        row.append_text(describe(mark, review.article.text))
                else:
                    row.append("none of these", style="italic")
                row.append("  — ", style="cyan")
                for n, who in enumerate(version.annotators):
                    work = review.work.get(who, {})
                    row.append(("" if n == 0 else ", ") + who, style="cyan")
                    row.append(f" {duration(work.get(ACTIVE_KEY))}", style="dim")
                    if FLAG_KEY in work:
                        row.append(" ⚑", style="bold yellow")
                if selected:
                    row.stylize("reverse")
                out.append_text(row)
                out.append("\n")
                line += 1
        out.append(f"\nagreed by all: {len(review.agreed)} spans", style="dim")
        if review.own is not None:
            out.append(f"\nyour own version: {len(review.own)} spans, the gold", style="bold green")
        return out

    def _scroll_to(self, d: Disagreement) -> None:
        assert self.review is not None
        pane = self._base.query_one("#text-pane", VerticalScroll)
        share = d.start / max(1, len(self.review.article.text))
        pane.scroll_to(y=max(0, int(share * pane.virtual_size.height) - pane.size.height // 2), animate=False)
        items = self._base.query_one("#items-pane", VerticalScroll)
        # Lines above the versions: one per annotator and a blank (their times and flags), then the headings.
        line = len(self.review.annotators) + 1 + self.cursor + (self.current[0] if self.current else 0) + 1
        items.scroll_to(y=max(0, line - items.size.height // 2), animate=False)

    def say(self, message: str) -> None:
        self.message = message
        self._base.query_one("#review-status", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

    # -- actions ---------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))
            self.message = ""
            self.render_review()

    async def _choose(self, index: int, marks: tuple[Mark, ...] | int, what: str) -> None:
        """Resolve disagreement `index` with these marks, or with the version of that number."""
        if self.review is None:
            return
        if isinstance(marks, int):
            updated = await self._run(self.session.take, self.review, index, marks)
        else:
            updated = await self._run(self.session.choose, self.review, index, marks)
        if updated is not None:
            self.message = what
            # On to the next unresolved disagreement, if any.
            following = [n for n, (i, _) in enumerate(self.rows) if i > index and updated.items[i].choice is None]
            self.show(updated)
            if following:
                self.cursor = following[0]
            self.render_review()

    async def action_take(self) -> None:
        if self.review is None or self.current is None:
            return
        i, v = self.current
        await self._choose(i, self.review.items[i].disagreement.versions[v].marks, f"{i + 1}: took version {v + 1}")

    async def action_pick(self, version: int) -> None:
        if self.review is None or self.current is None:
            return
        i = self.current[0]
        await self._choose(i, version, f"{i + 1}: took version {version + 1}")

    async def action_reject(self) -> None:
        if self.review is None or self.current is None:
            return
        i = self.current[0]
        await self._choose(i, (), f"{i + 1}: rejected all of its spans")

    async def action_finish(self, force: bool) -> None:
        if self.review is None:
            return
        done = await self._run(self.session.finish, self.review, force)
        if done is None:
            return
        gold = len(done.gold())
        following = await self.call(self.session.next)
        await self.open(following)
        self.say(f"article {done.article.id} finished: {gold} gold spans under {self.reviewer}")

    async def action_article(self, step: int) -> None:
        after = self.review.article.id if self.review else (0 if step > 0 else 1 << 62)
        found = await self._run(self.session.next, after, step, True)
        if found is None:
            self.say("no further article to review that way")
            return
        await self.open(found)

    async def action_export(self) -> None:
        from annotator.export import ExportJob
        from annotator.formats import get

        jsonl = get("jsonl", "write")
        self.say(await deliver_export(self, lambda path: jsonl.write(ExportJob(self.store, path, gold=True)),  # type: ignore[misc]
                                      stamped("gold"), self.exports, self.call))

    def action_help(self) -> None:
        self.push_screen(ReviewHelp(key_map.effective("review", self.keymap) + key_map.effective("main", self.keymap),
                                    self.schema))

    async def action_own(self, then: str | None = None) -> None:
        """Open the reviewer's own version (then run an annotation key's action in it)."""
        if self.review is None:
            return
        review = self.review
        session = await self._run(self.session.own_version, review)
        if session is None:
            return
        d = review.items[self.current[0]].disagreement if self.current else None
        screen = OwnVersionScreen(session, self.palette, self.worker, None, self.keymap,
                                  select=(d.start, d.end) if d else None, then=then)
        self.push_screen(screen, lambda _: self.run_worker(self._own_closed(review.article.id, session)))

    async def _own_closed(self, article_id: int, session: Any) -> None:
        """Back from the own version: finished (d), on to the next article; else the article again."""
        review = await self.call(self.session.open, article_id)
        if getattr(session.store, "finished", False):
            following = await self.call(self.session.next)
            await self.open(following)
            self.say(f"article {article_id} finished: your own version, {len(review.gold())} gold spans"
                     f" under {self.reviewer}")
            return
        self.show(review)
        self.say(f"your own version stands: {len(review.own)} spans, the gold of this article" if review.own is not None
                 else "no own version: the gold is what you choose among the versions")
