import logging
import sys

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.ui import crash_guard
from kesos_desktop.ui.widgets.messages import Messages


def _raised(error: BaseException):
    try:
        raise error
    except BaseException:  # noqa: BLE001 - the test wants the traceback
        return sys.exc_info()


def test_an_unexpected_error_is_logged_and_shown_plainly(qapp, monkeypatch, caplog):
    shown = []
    monkeypatch.setattr(Messages, "error", lambda parent, text, title=None: shown.append(text))
    with caplog.at_level(logging.ERROR):
        crash_guard.report(*_raised(ZeroDivisionError("division by zero")))
    assert len(shown) == 1 and "ZeroDivisionError" in shown[0]
    assert "Traceback" not in shown[0]  # staff see a sentence; the log keeps the traceback
    assert any(record.exc_info and record.exc_info[0] is ZeroDivisionError for record in caplog.records)


def test_our_own_error_is_shown_as_it_is(qapp, monkeypatch):
    shown = []
    monkeypatch.setattr(Messages, "error", lambda parent, text, title=None: shown.append(text))
    crash_guard.report(*_raised(KesosError("Basis data terkunci oleh komputer lain.")))
    assert shown == ["Basis data terkunci oleh komputer lain."]


def test_install_replaces_the_hook(monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    crash_guard.install()
    assert sys.excepthook is crash_guard.report
