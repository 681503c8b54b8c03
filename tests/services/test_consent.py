"""Consent (UU PDP): people without it are flagged in the register and on the dashboard, it can
be recorded and corrected later (audited), and a child's consent must come from an adult."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import AuditEntry
from kesos_desktop.domain.enums import ConsentMethod, ConsentRelation
from kesos_desktop.domain.errors import NotFoundError, ValidationError
from kesos_desktop.domain.resident_dto import ConsentInput, ResidentQuery, ResidentStatus
from kesos_desktop.services import consent, dashboard, resident_search, retention
from tests.factories import admit_resident

TODAY = date(2026, 11, 20)


def _consent(name="Budi Fiktif", relation=ConsentRelation.SELF, on=date(2026, 11, 2)) -> ConsentInput:
    return ConsentInput(name, relation, ConsentMethod.SIGNED, on, "formulir ditandatangani")


def _audit(db, entity: str, entity_id: int) -> list[tuple[str, dict]]:
    with db.read() as session:
        rows = session.execute(sa.select(AuditEntry.action, AuditEntry.details)
                               .where(AuditEntry.entity == entity,
                                      AuditEntry.entity_id == str(entity_id))
                               .order_by(AuditEntry.id)).all()
    return [(action, json.loads(details)) for action, details in rows]


@pytest.fixture
def people(db, admin):
    """Two current residents registered without consent; the first then gets one."""
    with_consent, _a = admit_resident(db, name="Ada Persetujuan Fiktif")
    without, _b = admit_resident(db, name="Tanpa Persetujuan Fiktif")
    consent.record_consent(db, admin, with_consent, _consent(), today=TODAY)
    return with_consent, without


def _flags(db, admin, **query) -> dict[int, bool]:
    page = resident_search.search(db, admin, ResidentQuery(status=ResidentStatus.ALL, **query))
    return {row.resident_id: row.has_consent for row in page.rows}


def test_register_flags_people_without_consent_and_filters_them(db, admin, people):
    with_consent, without = people
    assert _flags(db, admin) == {with_consent: True, without: False}
    page = resident_search.search(db, admin, ResidentQuery(status=ResidentStatus.ALL, without_consent=True))
    assert [r.resident_id for r in page.rows] == [without]
    assert page.total == 1
    # the filter combines with text search and the current-residents view
    current = resident_search.search(db, admin, ResidentQuery(text="persetujuan", without_consent=True))
    assert [r.resident_id for r in current.rows] == [without] and current.total == 1


def test_recorded_later_consent_clears_the_flag_and_is_audited(db, admin, people):
    _with, without = people
    row, changes = consent.record_consent(db, admin, without, _consent("Sari Fiktif"), today=TODAY)
    assert "consent" in changes.entities
    assert _flags(db, admin)[without] is True
    assert retention.consent_status(db, admin, without).has_consent
    listed = consent.list_consents(db, admin, without)
    assert [(c.given_by_name, c.recorded_by, c.admission_id is not None) for c in listed] == [
        ("Sari Fiktif", admin.full_name, True)]
    (action, details), = _audit(db, "consent", row.id)
    assert action == "create" and details["resident_id"] == without
    assert "formulir" not in json.dumps(details)  # the notes' text stays out of the audit log


def test_withdrawal_flags_again_and_correction_is_audited_as_a_diff(db, admin, people):
    with_consent, _without = people
    row = consent.list_consents(db, admin, with_consent)[0]
    consent.correct_consent(db, admin, row.id, _consent("Budi Fiktif Benar", ConsentRelation.SELF,
                                                        date(2026, 11, 3)), today=TODAY)
    consent.set_withdrawn(db, admin, row.id, date(2026, 11, 10), today=TODAY)
    assert _flags(db, admin)[with_consent] is False
    assert resident_search.search(db, admin, ResidentQuery(
        status=ResidentStatus.ALL, without_consent=True)).total == 2
    entries = _audit(db, "consent", row.id)
    assert [a for a, _d in entries] == ["create", "update", "withdraw"]
    assert entries[1][1]["given_by_name"] == ["Budi Fiktif", "Budi Fiktif Benar"]
    assert entries[1][1]["given_on"] == ["2026-11-02", "2026-11-03"]
    assert entries[2][1]["withdrawn_on"] == [None, "2026-11-10"]
    with pytest.raises(ValidationError) as refused:
        consent.set_withdrawn(db, admin, row.id, date(2026, 10, 1), today=TODAY)
    assert "withdrawn_on" in refused.value.field_errors


def test_a_child_needs_a_parent_guardian_or_official(db, admin):
    child, _stay = admit_resident(db, name="Anak Fiktif", birth_date=date(2014, 3, 1))
    with pytest.raises(ValidationError) as refused:
        consent.record_consent(db, admin, child, _consent("Anak Fiktif"), today=TODAY)
    assert "relation" in refused.value.field_errors
    row, _c = consent.record_consent(db, admin, child, _consent("Ibu Fiktif", ConsentRelation.PARENT),
                                     today=TODAY)
    with pytest.raises(ValidationError):  # nor can a correction turn it into the child's own
        consent.correct_consent(db, admin, row.id, _consent("Anak Fiktif"), today=TODAY)
    assert consent.list_consents(db, admin, child)[0].relation == ConsentRelation.PARENT


def test_blank_or_future_consent_is_refused(db, admin, people):
    _with, without = people
    with pytest.raises(ValidationError) as blank:
        consent.record_consent(db, admin, without, _consent("  "), today=TODAY)
    assert "given_by_name" in blank.value.field_errors
    with pytest.raises(ValidationError) as future:
        consent.record_consent(db, admin, without, _consent(on=date(2026, 12, 1)), today=TODAY)
    assert "given_on" in future.value.field_errors
    assert consent.list_consents(db, admin, without) == []


def test_consent_names_who_recorded_it_and_needs_a_known_person(db, counselor, people):
    _with, without = people
    consent.record_consent(db, counselor, without, _consent(), today=TODAY)
    assert consent.list_consents(db, counselor, without)[0].recorded_by == counselor.full_name
    with pytest.raises(NotFoundError):
        consent.record_consent(db, counselor, 999_999, _consent(), today=TODAY)


def test_dashboard_counts_current_residents_without_consent(db, admin, people):
    _with, without = people
    former, _stay = admit_resident(db, name="Mantan Fiktif")
    with db.write() as session:  # a former resident is not on today's attention list
        session.execute(sa.text("UPDATE admission SET terminated_on = :d, termination_reason = 'independent' "
                                "WHERE resident_id = :r"), {"d": date(2026, 11, 5), "r": former})
    assert dashboard.load(db, admin, TODAY).without_consent == 1
    items = [r for r in dashboard.reminders(db, admin, TODAY) if r.kind == "consent"]
    assert len(items) == 1 and items[0].target == {"status": "current", "without_consent": True}
    assert "1" in items[0].text
    consent.record_consent(db, admin, without, _consent(), today=TODAY)
    assert dashboard.load(db, admin, TODAY).without_consent == 0
    assert not [r for r in dashboard.reminders(db, admin, TODAY) if r.kind == "consent"]


def test_the_latest_consent_decides_as_in_the_file_header(db, admin, people):
    """An older consent still open does not hide a later withdrawal (same rule as the header)."""
    _with, without = people
    older, _c = consent.record_consent(db, admin, without, _consent(on=date(2026, 10, 1)), today=TODAY)
    newer, _c = consent.record_consent(db, admin, without, _consent(on=date(2026, 11, 1)), today=TODAY)
    consent.set_withdrawn(db, admin, newer.id, date(2026, 11, 15), today=TODAY)
    assert not retention.consent_status(db, admin, without).has_consent
    assert _flags(db, admin)[without] is False
    assert dashboard.load(db, admin, TODAY).without_consent == 1
    consent.set_withdrawn(db, admin, newer.id, None, today=TODAY)  # a withdrawal entered by mistake
    assert retention.consent_status(db, admin, without).has_consent and _flags(db, admin)[without]
    assert older.id != newer.id
