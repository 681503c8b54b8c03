"""Two workstations edit the facility profile: the second save is never a silent overwrite."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool

from kesos_desktop.services import facility
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.pages.admin_facility import FacilityProfileTab
from kesos_desktop.ui.widgets.conflict import ConflictChoice, ConflictDialog


def _tab(qtbot, db, actor) -> FacilityProfileTab:
    tab = FacilityProfileTab(AppContext(db, actor, WorkstationSettings()))
    qtbot.addWidget(tab)
    tab.refresh()
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: tab.profile is not None)
    return tab


def _answer(monkeypatch, choice: ConflictChoice, seen: list):
    def ask(cls, error, differences, parent=None):
        seen.append((str(error), differences))
        return choice

    monkeypatch.setattr(ConflictDialog, "ask", classmethod(ask))


def test_second_save_sees_who_changed_what_and_can_keep_own_edits(qtbot, db, admin, monkeypatch):
    first, second = _tab(qtbot, db, admin), _tab(qtbot, db, admin)
    second.edits["city"].setText("Kota Kedua")
    second.save()
    first.edits["city"].setText("Kota Pertama")
    seen: list = []
    _answer(monkeypatch, ConflictChoice.KEEP_MINE, seen)
    first.save()
    assert seen, "the conflict dialog was not shown"
    message, differences = seen[0]
    assert "admin" in message
    assert ("Kota", "Kota Pertama", "Kota Kedua") in [(d[0][:4], d[1], d[2]) for d in differences]
    assert facility.get_profile(db, admin).city == "Kota Kedua"  # nothing overwritten yet
    assert first.edits["city"].text() == "Kota Pertama"  # the user's edit is still there
    first.save()  # a deliberate second save applies it
    assert facility.get_profile(db, admin).city == "Kota Pertama"


def test_reload_takes_the_saved_version(qtbot, db, admin, monkeypatch):
    first, second = _tab(qtbot, db, admin), _tab(qtbot, db, admin)
    second.edits["phone"].setText("0210000001")
    second.save()
    first.edits["phone"].setText("0210000002")
    _answer(monkeypatch, ConflictChoice.RELOAD, [])
    first.save()
    assert first.edits["phone"].text() == "0210000001"
    assert facility.get_profile(db, admin).phone == "0210000001"
