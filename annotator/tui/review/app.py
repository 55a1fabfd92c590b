"""The adjudication screen: each disagreement of an article with who chose what; keys pick a version.

Keys: j/k move over the versions · a or enter takes the version under the cursor · 1-9 take that
version of the current disagreement · x rejects the disagreement (none of its spans in the gold) ·
f finishes the article (F: even with disagreements left) · ]/[ next/previous article ·
e exports the gold (a download in the browser under `annotator serve`) · q quits.
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

from annotator.agreement import Disagreement, Mark
from annotator.errors import UserError
from annotator.keys import first_key
from annotator.session import ReviewSession
from annotator.store import Store
from annotator.store import review as rv
from annotator.store.day import ACTIVE_KEY, FLAG_KEY, duration
from annotator.tui.bindings import bindings, key_display, textual_keymap
from annotator.tui.review.deliver import deliver_export, stamped
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


class ReviewApp(App[None]):
    CSS_PATH = "review.tcss"
    TITLE = "annotator review"

    BINDINGS = bindings("review")

    def __init__(self, store: Store, reviewer: str, exports: Path | None = None,
                 keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self.keymap = keymap or {}
        self.set_keymap(textual_keymap("review", self.keymap))  # the review.* keys of the annotator's keys.yaml
        self.store = store
        self.reviewer = reviewer
        self.session = ReviewSession(store, reviewer)
        self.exports = exports or Path("exports")
        self.review: rv.ReviewArticle | None = None
        self.rows: list[tuple[int, int]] = []  # (disagreement, version) per selectable line
        self.cursor = 0
        self.message = ""
        self.worker = StoreWorker("review-store")
        self._busy = asyncio.Lock()

    # -- plumbing ------------------------------------------------------------------------------

    def get_key_display(self, binding: Binding) -> str:
        return key_display(binding) or super().get_key_display(binding)

    async def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        return await self.worker.call(fn, *args, **kwargs)

    def compose(self) -> ComposeResult:
        yield Static("", id="title")
        with Horizontal(id="panes"):
            with VerticalScroll(id="text-pane"):
                yield Static("", id="text")
            with VerticalScroll(id="items-pane"):
                yield Static("", id="items")
        yield Static("", id="status")
        yield Footer()

    async def on_mount(self) -> None:
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
            self.query_one("#title", Static).update(f"review · {self.reviewer} · nothing left to review")
            self.query_one("#text", Static).update(
                f"No article with disagreements is waiting for review.\n\n"
                f"{summary['multi_annotated']} articles finished by several annotators, "
                f"{summary['reviewed']} reviewed. Press {first_key('review.export', self.keymap)} to export the gold, "
                f"{first_key('review.quit', self.keymap)} to quit.")
            self.query_one("#items", Static).update("")
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
        self.query_one("#title", Static).update(Text(
            f"review · {self.reviewer} · article {article.id}: {article.heading} · "
            f"{', '.join(review.annotators)} · {len(review.items)} disagreements, {left} left · {state}",
            no_wrap=True, overflow="ellipsis"))
        current = self.current
        text = Text(article.text)
        for i, item in enumerate(review.items):
            d = item.disagreement
            text.stylize(CURRENT if current and current[0] == i else HIGHLIGHT, d.start, d.end)
        self.query_one("#text", Static).update(text)
        self.query_one("#items", Static).update(self._items_text())
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
            if item.choice is None:
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
        return out

    def _scroll_to(self, d: Disagreement) -> None:
        assert self.review is not None
        pane = self.query_one("#text-pane", VerticalScroll)
        share = d.start / max(1, len(self.review.article.text))
        pane.scroll_to(y=max(0, int(share * pane.virtual_size.height) - pane.size.height // 2), animate=False)
        items = self.query_one("#items-pane", VerticalScroll)
        # Lines above the versions: one per annotator and a blank (their times and flags), then the headings.
        line = len(self.review.annotators) + 1 + self.cursor + (self.current[0] if self.current else 0) + 1
        items.scroll_to(y=max(0, line - items.size.height // 2), animate=False)

    def say(self, message: str) -> None:
        self.message = message
        self.query_one("#status", Static).update(Text(message, no_wrap=True, overflow="ellipsis"))

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
        from annotator.formats import ExportJob, get

        jsonl = get("jsonl", "write")
        self.say(await deliver_export(self, lambda path: jsonl.write(ExportJob(self.store, path, gold=True)),  # type: ignore[misc]
                                      stamped("gold"), self.exports, self.call))
