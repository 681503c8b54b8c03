"""UU PDP on screen: consent marker and access-request export in the resident file; the Admin
retention tab with "Anonimkan"."""

from __future__ import annotations

from datetime import date

from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.enums import Stage, TerminationReason
from kesos_desktop.services import person_data
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui import pdp_actions
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog
from kesos_desktop.ui.pages import admin_retention
from kesos_desktop.ui.widgets.messages import Messages
from tests.factories import admit_resident


def test_file_flags_no_consent_and_exports_the_persons_data(qtbot, db, admin, tmp_path, monkeypatch):
    rid, _stay = admit_resident(db, "Tanpa Persetujuan Fiktif")
    ctx = AppContext(db, admin, WorkstationSettings())
    infos = []
    monkeypatch.setattr(Messages, "info", staticmethod(lambda p, text, title=None: infos.append(text)))
    monkeypatch.setattr(pdp_actions, "choose_folder", lambda parent: str(tmp_path / "akses"))
    dialog = ResidentFileDialog.show_for(ctx, rid)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.file is not None and dialog.consent.text() != "", timeout=10_000)
    assert dialog.consent.styleSheet() == pdp_actions.NO_CONSENT_STYLE
    assert dialog.export_button.isVisible() or not dialog.isVisible()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(infos), timeout=20_000)
    assert len(list((tmp_path / "akses").glob("*.pdf"))) == 1
    assert len(list((tmp_path / "akses").glob("*.xlsx"))) == 1
    rows = person_data.access_report(db, admin, rid)
    assert (admin.username, "view") in {(r.username, r.action) for r in rows}


def test_retention_tab_anonymises_after_confirmation(qtbot, db, admin, monkeypatch):
    rid, stay = admit_resident(db, "Lama Sekali Fiktif", admitted_on=date(2015, 1, 5))
    with db.write() as session:
        row = session.get(Admission, stay)
        row.terminated_on, row.termination_reason, row.stage = (date(2016, 2, 1), TerminationReason.REUNIFIED,
                                                                Stage.TERMINATION)
        reg_no = session.get(Resident, rid).reg_no
    ctx = AppContext(db, admin, WorkstationSettings())
    tab = admin_retention.RetentionTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    qtbot.waitUntil(lambda: len(tab.rows) == 1, timeout=10_000)
    asked = []
    monkeypatch.setattr(admin_retention.AnonymizeDialog, "ask",
                        classmethod(lambda cls, row, parent=None: asked.append(row.name) or reg_no))
    tab.anonymize()
    assert asked == ["Lama Sekali Fiktif"]
    with db.read() as session:
        assert session.get(Resident, rid).name == f"Anonim {rid}"
    qtbot.waitUntil(lambda: tab.rows == [], timeout=10_000)


def test_confirmation_dialog_needs_the_registration_number(qtbot):
    from kesos_desktop.services.retention import FormerResident

    dialog = admin_retention.AnonymizeDialog(
        FormerResident(1, "PM/2015/0001", "Budi Fiktif", date(2016, 2, 1), 1, date(2021, 2, 1)))
    qtbot.addWidget(dialog)
    assert "Budi Fiktif" in dialog.findChildren(admin_retention.QLabel)[0].text()
    assert not dialog.ok.isEnabled()
    dialog.confirm.setText("PM/2015/0001")
    assert dialog.ok.isEnabled()
