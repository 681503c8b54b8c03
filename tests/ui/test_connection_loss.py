"""Losing the database mid-edit: a plain message, the form keeps its contents, retry works."""

from __future__ import annotations

from PySide6.QtCore import QThreadPool

from kesos_desktop.db.engine import Database
from kesos_desktop.services import facility
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.pages.admin_facility import FacilityProfileTab
from kesos_desktop.ui.widgets.messages import Messages


def test_save_during_outage_keeps_the_form_and_retry_succeeds(qtbot, db, admin, monkeypatch, tmp_path):
    ctx = AppContext(db, admin, WorkstationSettings())
    tab = FacilityProfileTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.waitUntil(lambda: tab.profile is not None)

    errors: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, text, title=None: errors.append(text)))
    gone = Database("postgresql+psycopg://kesos@127.0.0.1:1/none?connect_timeout=1") if not db.is_sqlite \
        else Database(f"sqlite:///{tmp_path / 'missing-folder' / 'kesos.db'}")
    ctx.db = gone  # the network cable is pulled
    tab.edits["address"].setText("Jl. Percobaan No. 9")
    tab.save()
    assert errors and "Traceback" not in errors[0]
    assert tab.edits["address"].text() == "Jl. Percobaan No. 9"  # nothing typed was lost
    assert facility.get_profile(db, admin).address != "Jl. Percobaan No. 9"  # nothing half-written
    gone.dispose()

    ctx.db = db  # back online: the same button again
    tab.save()
    assert facility.get_profile(db, admin).address == "Jl. Percobaan No. 9"
