"""The data induk PM export reads the registry's view as one streamed query (no OFFSET pages):
the same people, in the same order, with the same stay, as the registry shows them."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission
from kesos_desktop.domain.enums import (
    Approach,
    ReferralSource,
    Religion,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus, SortKey
from kesos_desktop.excel.exports import export_residents
from kesos_desktop.services import resident_export_query, resident_search
from tests.factories import admit_resident

TODAY = date(2026, 11, 23)
NAMES = ["Budi Fiktif", "Ani Fiktif", "Citra Contoh", "Dedi Fiktif", "Eka Contoh", "Fajar Fiktif",
         "Gita Contoh", "Hadi Fiktif"]


@pytest.fixture
def facility(db):
    people = []
    for n, name in enumerate(NAMES):
        stage = [Stage.ASSESSMENT, Stage.INTERVENTION, Stage.REINTEGRATION][n % 3]
        sex = Sex.FEMALE if n % 2 else Sex.MALE
        people.append(admit_resident(db, name, sex=sex, stage=stage, admitted_on=date(2026, 1 + n, 3),
                                     birth_date=date(1970 + n, 5, 17)))
    with db.write() as session:  # two former residents, one of them back for a second stay
        for _rid, aid in people[5:7]:
            stay = session.get(Admission, aid)
            stay.terminated_on, stay.termination_reason = date(2026, 10, 30), TerminationReason.REUNIFIED
        session.add(Admission(resident_id=people[6][0], admitted_on=date(2026, 11, 2), stage=Stage.ASSESSMENT,
                              referral_source=ReferralSource.FAMILY, approach=Approach.PERSUASIVE))
    return db


def registry_rows(db, actor, query):
    page = resident_search.search(db, actor, query.page(0, 1000))
    return [(r.resident_id, r.admission_id, r.name, r.sex, r.stage, r.room_name, r.admitted_on,
             r.terminated_on, r.categories) for r in page.rows]


def streamed_rows(db, actor, query):
    batches = list(resident_export_query.register_batches(db, actor, query, batch=3))
    assert all(len(b) <= 3 for b in batches)
    return [(r.resident_id, r.admission_id, r.name, r.sex, r.stage, r.room_name, r.admitted_on,
             r.terminated_on, r.categories) for b in batches for r in b]


@pytest.mark.parametrize("query", [
    ResidentQuery(status=ResidentStatus.ALL),
    ResidentQuery(status=ResidentStatus.ALL, sort=SortKey.ADMITTED_ON, descending=True),
    ResidentQuery(status=ResidentStatus.CURRENT, sort=SortKey.AGE),
    ResidentQuery(status=ResidentStatus.FORMER),
    ResidentQuery(status=ResidentStatus.ALL, stage=Stage.ASSESSMENT),
    ResidentQuery(status=ResidentStatus.ALL, text="fiktif", sex=Sex.MALE, sort=SortKey.REG_NO),
], ids=["all-by-name", "all-by-admission", "current-by-age", "former", "stage", "text-and-sex"])
def test_streamed_view_matches_the_registry(facility, staff, query):
    expected = registry_rows(facility, staff, query)
    assert expected  # every view here shows someone
    assert streamed_rows(facility, staff, query) == expected


def test_details_come_with_each_row(facility, staff):
    records = [r for b in resident_export_query.register_batches(
        facility, staff, ResidentQuery(status=ResidentStatus.ALL)) for r in b]
    assert len(records) == len(NAMES)
    assert {r.birth_date for r in records} == {date(1970 + n, 5, 17) for n in range(len(NAMES))}
    assert {r.religion for r in records} == {Religion.UNKNOWN}
    assert {r.referral_source for r in records} == {ReferralSource.SATPOL_PP, ReferralSource.FAMILY}
    assert {r.approach for r in records} == {Approach.PERSUASIVE}
    with facility.read() as session:  # the second stay of the returning resident is the one shown
        latest = session.execute(sa.select(sa.func.max(Admission.id))).scalar_one()
    assert latest in {r.admission_id for r in records}


def test_stopping_early_ends_the_read(facility, staff, tmp_path):
    batches = resident_export_query.register_batches(facility, staff, ResidentQuery(status=ResidentStatus.ALL),
                                                     batch=2)
    assert len(next(batches)) == 2
    batches.close()
    admit_resident(facility, "Ika Fiktif")  # the database is free for writing again
    path = export_residents(facility, staff, ResidentQuery(status=ResidentStatus.ALL), tmp_path / "pm.xlsx",
                            today=TODAY)
    from openpyxl import load_workbook

    names = [row[1] for row in load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert names == sorted(NAMES + ["Ika Fiktif"])

