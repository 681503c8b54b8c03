"""Consent on screen (UU PDP): the register marks and filters people without it, the dashboard
card opens that list, and the resident file records and corrects it; stay details and document
titles are corrected from the file too."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QThreadPool
from PySide6.QtGui import QColor

from kesos_desktop.domain.enums import (
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    ReferralSource,
)
from kesos_desktop.domain.resident_dto import ConsentInput, FileUpload
from kesos_desktop.services import attachments, consent, residents, retention
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui import pdp_actions
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import resident_file_corrections as corrections
from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog
from kesos_desktop.ui.models.resident_table import COL_NAME
from kesos_desktop.ui.pages.residents import ResidentsPage
from kesos_desktop.ui.widgets.form import select_data
from tests.factories import admit_resident


def settle(qtbot, rounds: int = 4) -> None:
    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(10)


@pytest.fixture
def ctx(db, staff):
    return AppContext(db, staff, WorkstationSettings())


@pytest.fixture
def people(ctx):
    agreed, _a = admit_resident(ctx.db, name="Ada Setuju Fiktif")
    missing, _m = admit_resident(ctx.db, name="Belum Setuju Fiktif")
    consent.record_consent(ctx.db, ctx.actor, agreed, ConsentInput(
        "Ada Setuju Fiktif", ConsentRelation.SELF, ConsentMethod.SIGNED, date(2026, 10, 2)))
    return agreed, missing


def test_register_marks_and_filters_people_without_consent(qtbot, ctx, people):
    agreed, missing = people
    page = ResidentsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=10_000)
    marks = {page.model.index(r, COL_NAME).data(): page.model.index(r, COL_NAME).data(
        Qt.ItemDataRole.DecorationRole) for r in range(2)}
    assert marks["Ada Setuju Fiktif"] is None
    assert isinstance(marks["Belum Setuju Fiktif"], QColor)
    assert "Tanpa persetujuan" in page.model.index(1, COL_NAME).data(Qt.ItemDataRole.ToolTipRole) or \
        "Tanpa persetujuan" in page.model.index(0, COL_NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert page.filters.without_consent.text() == "Tanpa persetujuan"
    page.filters.without_consent.setChecked(True)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5_000)
    assert page.model.index(0, COL_NAME).data() == "Belum Setuju Fiktif"
    assert page.export_query().without_consent
    page.filters.clear_button.click()
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5_000)
    assert not page.filters.without_consent.isChecked()
    page.open_target({"status": "current", "without_consent": True})  # the dashboard's card
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5_000)
    assert page.filters.without_consent.isChecked()


def test_dashboard_card_counts_residents_without_consent(qtbot, ctx, people):
    from kesos_desktop.ui.pages.dashboard import DashboardPage

    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page.data is not None, timeout=10_000)
    card = page.cards["consent"]
    assert card.isVisibleTo(page) and card.value.text() == "1"
    opened = []
    ctx.open = lambda key, target=None: opened.append((key, target))
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert opened == [("residents", {"status": "current", "without_consent": True})]


def _open_file(qtbot, ctx, resident_id) -> ResidentFileDialog:
    dialog = ResidentFileDialog.show_for(ctx, resident_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.file is not None and dialog.consent.text() != "", timeout=10_000)
    return dialog


def test_file_records_a_missing_consent_and_corrects_it(qtbot, ctx, people):
    _agreed, missing = people
    dialog = _open_file(qtbot, ctx, missing)
    assert dialog.consent.styleSheet() == pdp_actions.NO_CONSENT_STYLE
    assert dialog.consent_button.isVisibleTo(dialog)
    consents = corrections.ConsentsDialog(ctx, missing, True, dialog)
    qtbot.addWidget(consents)
    qtbot.waitUntil(lambda: consents.loaded, timeout=10_000)
    assert consents.empty.isVisibleTo(consents) and not consents.correct_button.isEnabled()
    form = corrections.ConsentDialog(ctx, missing, None, consents)
    qtbot.addWidget(form)
    form.given_by.setText("Belum Setuju Fiktif")
    form.given_on.setDate(QDate(2026, 11, 3))
    form.save()
    assert form.result() == form.DialogCode.Accepted
    consents.reload()
    qtbot.waitUntil(lambda: consents.model.rowCount() == 1, timeout=10_000)
    assert consents.model.rowCount() == 1 and not consents.empty.isVisibleTo(consents)
    qtbot.waitUntil(lambda: dialog.consent.styleSheet() == "", timeout=10_000)  # the flag is gone
    row = consent.list_consents(ctx.db, ctx.actor, missing)[0]
    fix = corrections.ConsentDialog(ctx, missing, row, consents)
    qtbot.addWidget(fix)
    fix.given_by.setText("")
    fix.save()  # refused: the message is shown under the field
    assert fix.form.error_text("given_by_name") and fix.result() != fix.DialogCode.Accepted
    fix.given_by.setText("Belum Setuju Fiktif Benar")
    select_data(fix.method, ConsentMethod.THUMBPRINT)
    fix.withdrawn.setChecked(True)
    fix.withdrawn_on.setDate(QDate(2026, 11, 10))
    fix.save()
    assert fix.result() == fix.DialogCode.Accepted
    saved = consent.list_consents(ctx.db, ctx.actor, missing)[0]
    assert (saved.given_by_name, saved.method, saved.withdrawn_on) == (
        "Belum Setuju Fiktif Benar", ConsentMethod.THUMBPRINT, date(2026, 11, 10))
    assert not retention.consent_status(ctx.db, ctx.actor, missing).has_consent


def test_file_corrects_stay_details_and_document_titles(qtbot, ctx, people, tmp_path):
    agreed, _missing = people
    scan = tmp_path / "ktp.png"
    scan.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    attachments.add_attachment(ctx.db, ctx.actor, agreed, FileUpload(str(scan), DocumentType.OTHER, "Salah"))
    dialog = _open_file(qtbot, ctx, agreed)
    assert dialog.stays_tab.correct_button.isVisibleTo(dialog.stays_tab)
    stay = dialog.file.stays[0]
    fix = corrections.StayDetailsDialog(ctx, stay, dialog)
    qtbot.addWidget(fix)
    select_data(fix.source, ReferralSource.DINSOS)
    fix.health.setPlainText("Hipertensi ringan (fiktif)")
    fix.save()
    assert fix.result() == fix.DialogCode.Accepted
    corrected = residents.get_file(ctx.db, ctx.actor, agreed).stays[0]
    assert corrected.referral_source == ReferralSource.DINSOS
    assert corrected.health_notes == "Hipertensi ringan (fiktif)"
    row = residents.get_file(ctx.db, ctx.actor, agreed).attachments[0]
    doc = corrections.DocumentDetailsDialog(ctx, row, dialog)
    qtbot.addWidget(doc)
    select_data(doc.doc_type, DocumentType.KTP)
    doc.title.setText("KTP Fiktif")
    doc.save()
    after = residents.get_file(ctx.db, ctx.actor, agreed).attachments[0]
    assert (after.title, after.doc_type) == ("KTP Fiktif", DocumentType.KTP)
    settle(qtbot)
