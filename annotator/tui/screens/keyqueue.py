"""The main screen's keys and their queue: each key queues a command, one worker runs them in order.

Keys come faster than commands run (a quick typist, keys bunched over SSH), so a key is read in the
mode the queued commands lead to (keys_mode), not the mode of the moment, and a key read for a mode
the screen did not reach is dropped; the keys typed after one that opens a picker or dialog are held
and sent to it once it shows (issue 36: `e → → enter` took enter as accept, `d a` accepted a span).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events

from annotator import keys as key_map
from annotator.session import Refused

if TYPE_CHECKING:
    from annotator.tui.screens.main import MainScreen

    _Base = MainScreen
else:
    _Base = object

# The actions whose command opens a picker, a dialog or a screen (and accept in mark mode: the label picker).
ASKING = frozenset({"relabel", "speaker", "filter", "search", "flag", "guidelines", "done"})


def asking_keys(keymap: dict[str, str]) -> dict[str, set[str]]:
    """Per mode, the keys whose action opens a picker or dialog."""
    out: dict[str, set[str]] = {mode: set() for mode in key_map.MODES}
    for key, keys in key_map.effective("main", keymap):
        for mode in key.modes:
            if key.action_name in ASKING or (mode == "mark" and key.action_name == "accept"):
                out[mode].update(keys)
    return out


class KeyQueue(_Base):
    """Mixed into MainScreen: its queue, keys_mode and held keys are the screen's."""

    def submit(self, command: Callable[..., Awaitable[Any]], *args: Any, asking: bool = False) -> None:
        self._queue.put_nowait((command, args, self.keys_mode, asking))

    def submit_asking(self, command: Callable[..., Awaitable[Any]], *args: Any) -> None:
        """Queue a command that opens a picker, dialog or screen: the keys typed before it shows are
        held and then sent to it (`d a` typed at once accepted a span instead of answering the dialog,
        `s Staff` filtered the list and accepted). If it opens nothing, they come back here."""
        self.submit(command, *args, asking=True)
        self._asking += 1
        if self._held is None:
            self._held = []

    def on_key(self, event: events.Key) -> None:
        # Here, before Textual runs the key's binding (it does once the key bubbles up to the app, after
        # this screen saw the keys typed after it): a key that opens a picker starts holding the next ones.
        if self._held is not None:
            event.stop()
            event.prevent_default()
            self._held.append(event)
        elif event.key in self._asking_keys.get(self.keys_mode, ()):
            self._held = []

    def on_screen_suspend(self) -> None:
        if self._held is not None:  # the picker or dialog is up: it gets the keys once it has focus
            self.app.call_after_refresh(self._send_held)

    def _send_held(self, tries: int = 20) -> None:
        screen = self.app.screen
        if screen is not self and screen.focused is None and tries:  # not yet: it takes focus once mounted
            self.app.call_after_refresh(self._send_held, tries - 1)
            return
        held, self._held = self._held or [], None
        self._replay(held)

    def _replay(self, held: list[events.Key]) -> None:
        # One key at a time: a key after the one that closes the picker goes where the annotator then is.
        if not held:
            return
        key = events.Key(held[0].key, held[0].character)
        key.set_sender(self.app)
        self.app.post_message(key)
        self.app.call_after_refresh(self.app.call_after_refresh, self._replay, held[1:])

    def _expect(self, mode: str) -> None:
        """The queued command just submitted leads to this mode: read the next keys in it."""
        if mode != self.keys_mode:
            self.keys_mode = mode
            self.refresh_bindings()

    async def settled(self) -> None:
        """Wait until every queued command ran (tests and scripted use)."""
        await self._queue.join()

    async def _run_queue(self) -> None:
        while True:
            command, args, mode, asking = await self._queue.get()
            try:
                # A key read in a mode the screen did not reach (a refused save stays in bounds mode)
                # is dropped rather than run in another mode, where it means something else.
                if mode == self.mode or command == self._quit:
                    await command(*args)
            except Refused as exc:  # a rule said no: the database is as it was
                self.say(str(exc))
            except Exception as exc:  # keep the queue alive; tell the user
                self.log.error(exc)
                self.say(f"error: {exc}")
            finally:
                self._queue.task_done()
                self._asking -= asking
                if self._held is not None and not self._asking and self.app.screen is self:  # it opened nothing
                    self._send_held()
                if self._queue.empty():
                    self._expect(self.mode)

