"""The faster registry and dashboard queries (issues 5 and 11) give the same answers: the consent
flag as one index probe per person, the registry's rows in one query, the dashboard's open stays
counted once by stage, the latest plan's review date."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Consent, InterventionPlan, ResidentCategory
from kesos_desktop.domain.enums import ConsentMethod, ConsentRelation, PpksCategory, Stage
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus
from kesos_desktop.services import consent, dashboard, resident_search
from tests.factories import add_room, admit_resident

TODAY = date(2026, 11, 23)

# (name, consents as (given_on, withdrawn_on) in the order recorded, has consent on record)
PEOPLE = [
    ("Ani Tanpa Fiktif", [], False),
    ("Budi Ada Fiktif", [(date(2026, 11, 2), None)], True),
    ("Cici Ditarik Fiktif", [(date(2026, 11, 2), date(2026, 11, 10))], False),
    ("Dedi Baru Lagi Fiktif", [(date(2026, 10, 2), date(2026, 10, 9)), (date(2026, 11, 3), None)], True),
    ("Eko Terakhir Ditarik Fiktif", [(date(2026, 10, 2), None), (date(2026, 11, 3), date(2026, 11, 5))], False),
    # same day: the later record is the latest one
    ("Fani Hari Sama Fiktif", [(date(2026, 11, 4), None), (date(2026, 11, 4), date(2026, 11, 6))], False),
    ("Gita Hari Sama Fiktif", [(date(2026, 11, 4), date(2026, 11, 6)), (date(2026, 11, 4), None)], True),
]


@pytest.fixture
def people(db):
    ids = {}
    for name, consents, expected in PEOPLE:
        resident_id, stay_id = admit_resident(db, name=name)
        with db.write() as session:
            for given_on, withdrawn_on in consents:
                session.add(Consent(resident_id=resident_id, admission_id=stay_id, given_by_name=name,
                                    relation=ConsentRelation.SELF, method=ConsentMethod.SIGNED,
                                    given_on=given_on, withdrawn_on=withdrawn_on))
                session.flush()  # ids in the order recorded
        ids[resident_id] = expected
    return ids


def test_consent_flag_follows_the_latest_consent_everywhere(db, admin, people):
    page = resident_search.search(db, admin, ResidentQuery(status=ResidentStatus.ALL))
    assert {row.resident_id: row.has_consent for row in page.rows} == people
    with db.read() as session:  # the rule as services/consent states it
        assert consent.consented_ids(session, list(people)) == {rid for rid, ok in people.items() if ok}
    missing = {rid for rid, ok in people.items() if not ok}
    for status in (ResidentStatus.ALL, ResidentStatus.CURRENT):
        found = resident_search.search(db, admin, ResidentQuery(status=status, without_consent=True))
        assert {row.resident_id for row in found.rows} == missing and found.total == len(missing)
    assert dashboard.load(db, admin, TODAY).without_consent == len(missing)
    reminder = [r for r in dashboard.reminders(db, admin, TODAY) if r.kind == "consent"]
    assert [r.text for r in reminder] == [f"{len(missing)} penerima manfaat saat ini tanpa persetujuan tercatat"]


def test_registry_row_details_in_one_query(db, admin, counselor):
    room = add_room(db, "Kenanga Fiktif")
    resident_id, stay_id = admit_resident(db, name="Hadi Rincian Fiktif", room_id=room,
                                          case_manager_id=counselor.id, stage=Stage.ASSESSMENT,
                                          category=PpksCategory.PENGEMIS)
    with db.write() as session:
        session.add(ResidentCategory(resident_id=resident_id, category=PpksCategory.GELANDANGAN))
    [row] = resident_search.search(db, admin, ResidentQuery(text="hadi")).rows
    assert (row.resident_id, row.admission_id, row.stage, row.room_name, row.case_manager) == (
        resident_id, stay_id, Stage.ASSESSMENT, "Kenanga Fiktif", counselor.full_name)
    assert row.categories == (PpksCategory.GELANDANGAN, PpksCategory.PENGEMIS)  # by code
    assert row.has_consent is False and row.admitted_on == date(2026, 10, 1)


def test_open_stays_counted_once_by_stage_match_each_count(db, admin, counselor):
    for n, stage in enumerate([Stage.ASSESSMENT, Stage.ASSESSMENT, Stage.INTERVENTION, Stage.REINTEGRATION]):
        admit_resident(db, name=f"Orang {n} Fiktif", stage=stage, admitted_on=date(2026, 9, 1 + n))
    for actor in (admin, counselor):
        data = dashboard.load(db, actor, TODAY)
        assert data.current_residents == 4
        assert dict(data.by_stage) == {Stage.ASSESSMENT: 2, Stage.INTERVENTION: 1, Stage.REINTEGRATION: 1}
        assert data.no_assessment == 2  # both in the assessment stage since September, none done
        assert data.without_consent == 4


def test_plans_past_review_counts_the_latest_version_only(db, admin, counselor):
    stays = [admit_resident(db, name=f"Rencana {n} Fiktif")[1] for n in range(3)]
    versions = {stays[0]: [date(2026, 11, 1)],                      # past: counted
                stays[1]: [date(2026, 11, 1), date(2026, 12, 1)],   # revised, not due yet
                stays[2]: [date(2026, 12, 1), None]}                # latest has no review date
    with db.write() as session:
        for stay_id, reviews in versions.items():
            for version, review_on in enumerate(reviews, start=1):
                session.add(InterventionPlan(admission_id=stay_id, plan_version=version, responsible_id=counselor.id,
                                             drawn_up_on=date(2026, 10, version), review_on=review_on))
    assert dashboard.load(db, admin, TODAY).plans_past_review == 1
    plans = [r for r in dashboard.reminders(db, admin, TODAY) if r.kind == "plan"]
    assert [(r.target["admission_id"], r.due_on) for r in plans] == [(stays[0], date(2026, 11, 1))]
    with db.read() as session:  # nothing else in the database is due
        assert session.execute(sa.select(sa.func.count()).select_from(InterventionPlan)).scalar_one() == 5


NAMES = ["Siti Aminah", "Siti Sarah", "Sari Dewi", "Budi Santoso", "Budi Sasongko", "Sulastri",
         "Agus Salim", "Dewi Sartika", "Wawan Setiawan", "Wati Suwarni"]


@pytest.mark.parametrize("few_current, dense_matches", [(3000, 4000), (0, 0)])
def test_total_counted_with_the_page_equals_the_rows(db, admin, monkeypatch, few_current, dense_matches):
    """Whichever plan the query takes (few or many current residents, few or many matches), the
    total counted in the page's own pass is the number of rows the registry can page through."""
    from kesos_desktop.db.models import Admission
    from kesos_desktop.domain.enums import Sex, TerminationReason
    from kesos_desktop.domain.resident_dto import SortKey

    monkeypatch.setattr(resident_search, "FEW_CURRENT", few_current)
    monkeypatch.setattr(resident_search, "DENSE_MATCHES", dense_matches)
    stays = [admit_resident(db, name=name, sex=Sex.FEMALE if n % 2 else Sex.MALE,
                            admitted_on=date(2026, 1 + n, 1))[1] for n, name in enumerate(NAMES)]
    with db.write() as session:
        for stay_id in stays[::3]:
            stay = session.get(Admission, stay_id)
            stay.terminated_on, stay.termination_reason = date(2026, 11, 1), TerminationReason.REUNIFIED
    checked = 0
    for status in ResidentStatus:
        for text in ("", "s", "si", "sa", "budi sa", "wa", "zzz"):
            for sex in (None, Sex.FEMALE):
                for sort in (SortKey.NAME, SortKey.ADMITTED_ON):
                    query = ResidentQuery(text=text, status=status, sex=sex, sort=sort, limit=2)
                    everyone = resident_search.search(db, admin, ResidentQuery(
                        text=text, status=status, sex=sex, sort=sort, limit=1000, with_total=False)).rows
                    for offset in (0, 2, 40):
                        page = resident_search.search(db, admin, query.page(offset, 2, with_total=True))
                        assert page.total == len(everyone), (status, text, sex, sort, offset)
                        assert page.rows == everyone[offset:offset + 2]
                        checked += 1
    assert checked == len(ResidentStatus) * 7 * 2 * 2 * 3
