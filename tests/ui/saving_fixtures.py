"""Fixtures of the save_form tests: message boxes and the conflict dialog answered in place."""

from __future__ import annotations

import pytest

from kesos_desktop.ui.widgets.conflict import ConflictChoice, ConflictDialog
from kesos_desktop.ui.widgets.messages import Messages


@pytest.fixture
def boxes(monkeypatch) -> list[tuple[str, str | None]]:
    """Every error box shown, as (text, title)."""
    shown: list[tuple[str, str | None]] = []
    monkeypatch.setattr(Messages, "error", staticmethod(
        lambda parent, text, title=None: shown.append((text, title))))
    return shown


@pytest.fixture
def answer(monkeypatch):
    """``answer(choice)`` makes the ConflictDialog answer ``choice``; returns what it was shown."""
    seen: list = []

    def install(choice: ConflictChoice) -> list:
        def ask(cls, error, differences, parent=None):
            seen.append((str(error), differences))
            return choice

        monkeypatch.setattr(ConflictDialog, "ask", classmethod(ask))
        return seen

    return install
