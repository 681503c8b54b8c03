"""The intake wizard end to end: a new person, bad input, a duplicate, a readmission."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, Qt

from kesos_desktop.db.models import Admission
from kesos_desktop.domain.enums import (
    ConsentRelation,
    DocumentType,
    PpksCategory,
    ReferralSource,
    RoomSex,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus
from kesos_desktop.services import intake, residents
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import intake_wizard_documents
from kesos_desktop.ui.dialogs.intake_wizard import (
    PAGE_CONTACT,
    PAGE_DOCUMENTS,
    PAGE_IDENTITY,
    PAGE_PLACEMENT,
    PAGE_REFERRAL,
    PAGE_SUMMARY,
    IntakeWizard,
)
from kesos_desktop.ui.dialogs.intake_wizard_duplicates import (
    DuplicateAnswer,
    DuplicateChoice,
    DuplicatesDialog,
)
from kesos_desktop.ui.widgets.form import select_data
from kesos_desktop.ui.widgets.messages import Messages
from tests.factories import add_room
from tests.resident_requests import NIK_MAN_1980, person, request, stay, write_png

TODAY = date.today()
ADMITTED = TODAY - timedelta(days=2)


@pytest.fixture
def ctx(db, staff):
    return AppContext(db, staff, WorkstationSettings())


@pytest.fixture
def messages(monkeypatch):
    said = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, text, title=None: said.append(text)))
    monkeypatch.setattr(Messages, "info", staticmethod(lambda parent, text, title=None: said.append(text)))
    monkeypatch.setattr(Messages, "confirm", staticmethod(lambda parent, text, title=None: True))
    return said


@pytest.fixture
def wizard(qtbot, ctx, messages):
    w = IntakeWizard(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def fill_identity(w, name="Budi Fiktif Santoso", nik=NIK_MAN_1980, sex=Sex.MALE):
    form = w.identity
    form.name.setText(name)
    form.nik.setText(nik or "")
    select_data(form.sex, sex)
    if nik is None:
        form.birth_date.setDate(QDate(1980, 5, 17))
    for i in range(form.categories.count()):
        item = form.categories.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == PpksCategory.GELANDANGAN:
            item.setCheckState(Qt.CheckState.Checked)


def fill_referral(w):
    w.referral.admitted_on.setDate(QDate(ADMITTED))
    select_data(w.referral.referral_source, ReferralSource.SATPOL_PP)
    select_data(w.referral.approach, w.referral.approach.itemData(1))
    w.referral.referral_letter_no.setText("460/77/Dinsos")


def walk_to(w, page_id: int, room_id: int | None = None) -> None:
    """Press Next through the steps, filling each with valid values."""
    while w.currentId() < page_id:
        current = w.currentId()
        if current == PAGE_CONTACT and w.contact.family.rowCount() == 0 and w.readmission is None:
            w.contact.add_button.click()
            for column, text in enumerate(("Siti Fiktif", "Ibu", "0813 1111 2222")):
                w.contact.family.item(w.contact.family.rowCount() - 1, column).setText(text)
        if current == PAGE_REFERRAL:
            fill_referral(w)
        if current == PAGE_PLACEMENT and room_id is not None:
            w.placement.room.setCurrentIndex(w.placement.room.findData(room_id))
        w.next()
        assert w.currentId() != current, f"stuck on step {current}"


def finish(qtbot, w):
    w.accept()
    qtbot.waitUntil(lambda: not w.saving, timeout=10_000)


def test_new_person_end_to_end(qtbot, ctx, wizard, tmp_path, monkeypatch):
    room = add_room(ctx.db, "Mawar", RoomSex.MALE, 4)
    fill_identity(wizard)
    assert wizard.identity.nik_hint.isVisible() and "17/05/1980" in wizard.identity.nik_hint.text()
    walk_to(wizard, PAGE_DOCUMENTS, room_id=room)
    docs = wizard.documents
    assert docs.given_by.text() == "Budi Fiktif Santoso"  # an adult consents himself
    docs.documents[DocumentType.KTP].setChecked(True)
    photo = write_png(tmp_path / "foto.png")
    monkeypatch.setattr(intake_wizard_documents, "pick_file", lambda *a: str(photo))
    docs.choose_photo.click()
    assert docs.photo_path == str(photo) and not docs.photo.pixmap().isNull()
    wizard.next()
    assert wizard.currentId() == PAGE_SUMMARY
    summary = wizard.summary.text.toPlainText()
    assert "Budi Fiktif Santoso" in summary and "Mawar" in summary and "PM/" in summary
    finish(qtbot, wizard)
    result = wizard.outcome.result
    assert result.reg_no == f"PM/{ADMITTED.year}/0001"
    file = residents.get_file(ctx.db, ctx.actor, result.resident_id)
    assert file.resident.nik == NIK_MAN_1980 and file.resident.photo_path
    assert file.current_stay.room_name == "Mawar" and [c.name for c in file.family] == ["Siti Fiktif"]
    assert DocumentType.KTP in file.current_stay.documents_present


def test_bad_identity_stays_on_the_step_with_messages(qtbot, wizard):
    wizard.identity.nik.setText("3271-0117")
    wizard.next()
    assert wizard.currentId() == PAGE_IDENTITY
    assert "16" in wizard.identity.error_text("nik")
    assert wizard.identity.error_text("name") and wizard.identity.error_text("sex")
    assert wizard.identity.error_text("categories")


def test_identity_unknown_needs_an_estimated_age(qtbot, wizard):
    fill_identity(wizard, name="Mbah Fiktif", nik=None)
    wizard.identity.identity_unknown.setChecked(True)
    wizard.next()
    assert wizard.currentId() == PAGE_IDENTITY and wizard.identity.error_text("estimated_age")
    wizard.identity.estimated_age.setValue(70)
    wizard.next()
    assert wizard.currentId() == PAGE_CONTACT


def test_child_consent_from_a_parent(qtbot, wizard):
    fill_identity(wizard, name="Anak Fiktif", nik=None)
    wizard.identity.birth_date.setDate(QDate(TODAY.year - 10, 1, 1))
    walk_to(wizard, PAGE_DOCUMENTS)
    assert wizard.documents.child_hint.isVisible()
    assert wizard.documents.relation.currentData() == ConsentRelation.PARENT
    wizard.documents.given_by.setText("Ibu Fiktif")
    select_data(wizard.documents.relation, ConsentRelation.SELF)
    wizard.next()
    assert wizard.currentId() == PAGE_DOCUMENTS and wizard.documents.consent_form.error_text("consent.relation")


def _registered(ctx, terminated: bool):
    result = intake.register(ctx.db, ctx.actor, request(admission=stay(
        admitted_on=date(2026, 1, 5), referral_letter_date=None,
        consent=stay().consent.__class__("Budi", ConsentRelation.SELF, stay().consent.method,
                                         date(2026, 1, 5)))))
    if terminated:
        with ctx.db.write() as session:
            a = session.get(Admission, result.admission_id)
            a.terminated_on, a.termination_reason, a.stage = date(2026, 3, 1), TerminationReason.ABSCONDED, Stage.TERMINATION
            a.room_id = None
    return result


def test_duplicate_then_readmission(qtbot, ctx, wizard, monkeypatch):
    first = _registered(ctx, terminated=True)
    asked = []

    def readmit(candidates, parent=None):
        asked.append(candidates)
        return DuplicateAnswer(DuplicateChoice.READMIT, candidates[0])

    monkeypatch.setattr(DuplicatesDialog, "ask", classmethod(lambda cls, c, parent=None: readmit(c)))
    fill_identity(wizard, name="Budi Santoso")  # same NIK, name typed differently
    wizard.next()
    assert wizard.currentId() == PAGE_IDENTITY  # stays: the known person's data is shown first
    assert asked and asked[0][0].resident_id == first.resident_id
    banner = wizard.identity_page.banner
    assert banner.isVisible() and TerminationReason.ABSCONDED.label in banner.text()
    assert wizard.identity.name.text() == "Budi Fiktif Santoso"
    walk_to(wizard, PAGE_SUMMARY)
    finish(qtbot, wizard)
    result = wizard.outcome.result
    assert result.resident_id == first.resident_id and result.reg_no == first.reg_no
    assert len(residents.get_file(ctx.db, ctx.actor, first.resident_id).stays) == 2


def test_duplicate_confirmed_as_someone_else(qtbot, ctx, wizard, monkeypatch):
    _registered(ctx, terminated=False)
    monkeypatch.setattr(DuplicatesDialog, "ask", classmethod(
        lambda cls, c, parent=None: DuplicateAnswer(DuplicateChoice.DIFFERENT)))
    fill_identity(wizard, name="Boedi Fiktif Santoso", nik=None)  # same birth date, old spelling
    walk_to(wizard, PAGE_SUMMARY)
    finish(qtbot, wizard)
    page = residents.search(ctx.db, ctx.actor, ResidentQuery(status=ResidentStatus.ALL))
    assert page.total == 2 and wizard.outcome.result.reg_no.endswith("0002")


def test_duplicate_open_existing_file(qtbot, ctx, wizard, monkeypatch):
    first = _registered(ctx, terminated=False)
    monkeypatch.setattr(DuplicatesDialog, "ask", classmethod(
        lambda cls, c, parent=None: DuplicateAnswer(DuplicateChoice.OPEN, c[0])))
    fill_identity(wizard)
    wizard.next()
    assert wizard.outcome.open_resident_id == first.resident_id and not wizard.isVisible()


def test_refusal_at_save_goes_back_to_the_step(qtbot, ctx, wizard, messages):
    room = add_room(ctx.db, "Kecil", RoomSex.MALE, 1)
    fill_identity(wizard)
    walk_to(wizard, PAGE_SUMMARY, room_id=room)
    # meanwhile another workstation gives the last bed away
    intake.register(ctx.db, ctx.actor, request(resident=person(name="Lain Fiktif", nik=None,
                                                                birth_date=date(1990, 1, 1)),
                                               admission=stay(room_id=room)))
    finish(qtbot, wizard)
    assert wizard.outcome is None and wizard.currentId() == PAGE_PLACEMENT
    assert "Kecil" in wizard.placement.form.error_text("room_id") and messages
    page = residents.search(ctx.db, ctx.actor, ResidentQuery(status=ResidentStatus.ALL))
    assert page.total == 1  # nothing half-saved


def test_readmission_refused_while_staying(qtbot, ctx, messages):
    first = _registered(ctx, terminated=False)
    w = IntakeWizard(ctx, readmit_resident_id=first.resident_id)
    qtbot.addWidget(w)
    assert w.readmission is None and messages and "sedang tinggal" in messages[-1]
