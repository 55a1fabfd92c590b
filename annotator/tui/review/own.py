"""The reviewer's own version of an article: the annotation app's main screen over it.

Every key of the annotation screen works as there (relabel with l or the schema's keys, e bounds,
m mark, s speaker, u undo, ? help), with the session's rules, on the version
annotator/review_draft.py keeps in the review's log. Three keys differ: d makes the version the
article's gold and goes back to the review list, q goes back to it, and ] [ say that the list moves
between articles.
"""

from __future__ import annotations

from typing import Any

from annotator import keys as key_map
from annotator.tui.screens.main import MainScreen


class OwnVersionScreen(MainScreen):
    def __init__(self, *args: Any, select: tuple[int, int] | None = None, then: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._select_at = select  # offsets of the span to select first: the disagreement the reviewer was on
        self._then = then  # an action to run once open: the annotation key pressed in the review list

    async def _open(self, article_id: int | None) -> None:
        # Not on_mount: Textual runs MainScreen's on_mount too, which opens the article after this one's.
        await super()._open(article_id)
        state, select, self._select_at = self.state, self._select_at, None
        if state is not None and select is not None:
            found = [v for v in state.spans if (v.start, v.end) == select]
            found += [v for v in state.spans if v.start < select[1] and select[0] < v.end]
            if found:
                state.select(found[0].id)
                self.panes.show_selection()
        # Short: the status line has 80 columns for the counts too.
        self.say(f"{key_map.written('done', self.keymap)}: gold · {key_map.written('quit', self.keymap)}: back")
        then, self._then = self._then, None
        if then:
            await self.run_action(then)

    async def _quit(self) -> None:
        self.dismiss(None)

    async def _neighbour(self, step: int) -> None:
        self.say(f"{key_map.written('quit', self.keymap)} goes back to the review list, where ] and [ move between articles")

    async def _done(self) -> None:
        await super()._done()
        if getattr(self.session.store, "finished", False):
            self.dismiss(None)
