"""The main screen's command queue: each key queues a command, one worker runs them in order.

Keys come faster than commands run (a quick typist, keys bunched over SSH), so a key is read in the
mode the queued commands lead to (keys_mode), not the mode of the moment, and a key read for a mode
the screen did not reach is dropped; the keys typed after one that opens a picker or dialog are held
and sent to it once it shows (issue 36: `e → → enter` took enter as accept, `d a` accepted a span).
The app hands every key from the terminal here first (KeysInTurn, typed_ahead), and each is sent on only once
the one before it ran its whole course (_calm): Textual alone would run a burst's keys in the screen
before the first key's binding, and in a picker's input before the input's own messages.

A plain object the screen owns: it knows the screen only as a Textual Screen, and is told the mode
the screen is in (`mode`) and where a refusal is said (`say`).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Callable
from typing import Any

from textual import events
from textual.app import App
from textual.screen import Screen

from annotator.session import Refused

# A key that went at once is left this long to repaint before its course is checked; a key typed
# meanwhile waits for that check (the 18 nodes' barrier took 5 ms here, and slowed a repaint it ran beside).
AFTER_KEY_S = 0.02
REPLAYED = "_annotator_replayed"  # set on a key this queue sends on: the app lets it through


async def _barrier(app: App[Any]) -> bool:
    """Every node of the app and its active screen ran what it had been sent before now, including
    a message it was in the middle of (a callback queued behind it runs only once it is done); True
    when no message waits anywhere after that."""
    loop = asyncio.get_running_loop()
    nodes = [app, *app.screen.walk_children(with_self=True)]
    waits = []
    for node in nodes:
        done = loop.create_future()
        if node.call_later(lambda done=done: done.done() or done.set_result(None)):
            waits.append(done)
    if waits:
        await asyncio.wait(waits, timeout=1.0)  # a node closed after taking the callback never runs it
    return all(node._message_queue.empty() for node in nodes)  # Textual has no public idle test


async def _calm(app: App[Any], rounds: int = 2, limit: int = 200) -> None:
    """Until the app has run a key's whole course: the key, the messages it posted (an input's
    Submitted bubbling up), and theirs (the dismissal). An empty queue alone is not enough: a node
    takes a message off its queue before it runs it, and posts what follows only as it runs."""
    calm = 0
    for _ in range(limit):
        calm = calm + 1 if await _barrier(app) else 0
        if calm == rounds:
            return


class KeysInTurn:
    """Mixed into an App (before App): a key from the terminal goes through the command queue of the
    topmost screen that has one (the annotation screen, or the reviewer's own version over the
    review), and waits its turn there."""

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            for screen in reversed(self.screen_stack):  # type: ignore[attr-defined]
                queue = getattr(screen, "commands", None)
                if isinstance(queue, CommandQueue):
                    if queue.typed_ahead(event):
                        return
                    break
        await super().on_event(event)  # type: ignore[misc]


class CommandQueue:
    """Commands in key order, each run to its end (its store call committed) before the next."""

    def __init__(self, screen: Screen[Any], mode: Callable[[], str],
                 say: Callable[[str], None]) -> None:
        self.screen = screen
        self._mode = mode  # the mode the screen is in now
        self._say = say
        self._queue: asyncio.Queue[tuple[Callable[..., Any], tuple[Any, ...], str, bool, bool]] = asyncio.Queue()
        # The mode keys are read in: the mode the screen will be in once every queued command ran.
        self.keys_mode = "normal"
        self._waiting: list[events.Key] = []  # keys from the terminal not yet sent on, in the order typed
        self._holding = False  # a picker or dialog is on its way: the waiting keys are for it, once it shows
        self._replaying: asyncio.Task[None] | None = None
        self._asking = 0  # queued commands that will open one
        self._none_asking = asyncio.Event()  # set while _asking is 0
        self._none_asking.set()

    def submit(self, command: Callable[..., Any], *args: Any, asking: bool = False, any_mode: bool = False) -> None:
        """Queue a command (a function or coroutine function); `any_mode`: run it whatever the mode (quit)."""
        self._queue.put_nowait((command, args, self.keys_mode, asking, any_mode))

    def submit_asking(self, command: Callable[..., Any], *args: Any) -> None:
        """Queue a command that opens a picker, dialog or screen: the keys typed before it shows are
        held and then sent to it (`d a` typed at once accepted a span instead of answering the dialog,
        `s Staff` filtered the list and accepted). If it opens nothing, they come back here."""
        self.submit(command, *args, asking=True)
        self._asking += 1
        self._none_asking.clear()
        self._holding = True

    def typed_ahead(self, event: events.Key) -> bool:
        """The app's first look at a key from the terminal: take it, and send it on in its turn, once
        the key before it ran its whole course (its binding ran, so `keys_mode` is the mode it leads
        to). Textual alone reads a burst's keys in the screen before the first one's binding ran (`m w
        a` read the `a` in normal mode), and gives a burst to a picker's input all at once (the `j`
        after `enter` was typed into the filter)."""
        if getattr(event, REPLAYED, False):
            return False
        if not self._holding and self._replaying is None and self._may_send(self.screen.app):
            # Nothing before it still running: it goes now (no hop), and the next waits for its course.
            self._replaying = asyncio.ensure_future(self._replay(after_key=True))
            return False
        self._waiting.append(event)
        self._start_replay()
        return True

    def _may_send(self, app: App[Any]) -> bool:
        """A key can go now: the picker that will read it has focus, and a picker's answer that
        decides the mode it is read in (a new span leaves mark mode; escape stays in it) was used."""
        if app.screen is self.screen:
            return not self._asking
        return app.screen.focused is not None

    def suspended(self) -> None:
        """The screen's on_screen_suspend: the picker or dialog is up, it gets the waiting keys once it has focus."""
        if self._holding:
            self.screen.app.call_after_refresh(self._release)

    def _release(self) -> None:
        self._holding = False
        self._start_replay()

    def _start_replay(self) -> None:
        if self._replaying is None and self._waiting and not self._holding:
            self._replaying = asyncio.ensure_future(self._replay())

    async def _replay(self, after_key: bool = False) -> None:
        # One key at a time, each once the one before it has run its whole course: a key after the
        # one that closes the picker goes where the annotator then is, not into the closing picker.
        app = self.screen.app
        try:
            if after_key:  # once it has repainted: the barrier's messages would only delay that
                await asyncio.sleep(AFTER_KEY_S)
                await _calm(app)
            waits = 0
            while self._waiting and not self._holding:  # (holding: the key just sent opens a picker)
                if not self._may_send(app) and waits < 50:
                    waits += 1
                    if app.screen is self.screen:  # (a command may open a second picker: look again)
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(self._none_asking.wait(), 0.1)
                    else:  # a picker takes focus once mounted (one that has nothing to focus: send anyway)
                        await _calm(app)
                    continue
                waits = 0
                typed = self._waiting.pop(0)
                key = events.Key(typed.key, typed.character)
                setattr(key, REPLAYED, True)
                key.set_sender(app)
                app.post_message(key)
                await _calm(app)
        finally:
            self._replaying = None

    def expect(self, mode: str) -> None:
        """The queued command just submitted leads to this mode: read the next keys in it."""
        if mode != self.keys_mode:
            self.keys_mode = mode
            self.screen.refresh_bindings()

    def reached(self, mode: str) -> None:
        """The screen entered a mode: with nothing queued, the next keys are read in it."""
        if self._queue.empty():
            self.keys_mode = mode

    async def settled(self) -> None:
        """Wait until every waiting key was sent on and every queued command ran (tests and scripted use)."""
        while True:
            await self._queue.join()
            if self._replaying is None:
                return
            await asyncio.shield(self._replaying)

    async def run(self) -> None:
        while True:
            command, args, mode, asking, any_mode = await self._queue.get()
            try:
                # A key read in a mode the screen did not reach (a refused save stays in bounds mode)
                # is dropped rather than run in another mode, where it means something else.
                if any_mode or mode == self._mode():
                    result = command(*args)
                    if inspect.isawaitable(result):
                        await result
            except Refused as exc:  # a rule said no: the database is as it was
                self._say(str(exc))
            except Exception as exc:  # keep the queue alive; tell the user
                self.screen.log.error(exc)
                self._say(f"error: {exc}")
            finally:
                self._queue.task_done()
                self._asking -= asking
                if not self._asking:
                    self._none_asking.set()
                if self._holding and not self._asking and self.screen.app.screen is self.screen:
                    self._release()  # it opened nothing
                if self._queue.empty():
                    self.expect(self._mode())
