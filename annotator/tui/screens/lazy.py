"""The modal screens, imported on first use: their widgets are not needed to open an article."""

from __future__ import annotations

from types import ModuleType


class Modals:
    @property
    def dialogs(self) -> ModuleType:
        from annotator.tui.screens import dialogs

        return dialogs

    @property
    def help(self) -> ModuleType:
        from annotator.tui.screens import help

        return help

    @property
    def span_pickers(self) -> ModuleType:
        from annotator.tui.screens import span_pickers

        return span_pickers


MODALS = Modals()
