"""(No tests here.) A small facility for the document tests: fictional people only."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kesos_desktop.db.models import Admission, AuditEntry, Resident
from kesos_desktop.domain.enums import (
    AssessmentDomain,
    AtensiService,
    DestinationType,
    FamilyReadiness,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.services import (
    assessment,
    plans,
    reintegration,
    reintegration_visits,
    termination,
)
from kesos_desktop.services import training_attendance as attendance
from kesos_desktop.services import training_completion as completion
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.counseling_dto import AssessmentInput, GoalInput, PlanInput
from kesos_desktop.services.reintegration import PlanInput as ReintegrationPlan
from kesos_desktop.services.reintegration_visits import HomeVisitInput
from kesos_desktop.services.termination import HandoverDetails, TerminationInput
from kesos_desktop.services.training_types import Mark
from tests.factories import admit_resident
from tests.services.test_counseling_support import record_session
from tests.services.test_training_programs import START, TODAY, make_program

SECRET = "KANARI"
LONG_NAME = ("Raden Mas Fiktif Panjang Sekali Bin Abdurrahman Wicaksono Hadiningrat "
             "Kusumawardhana Sastrodiningrat")
LONG_ADDRESS = ("Jl. Contoh Gang Buntu Nomor 123 RT 001/RW 002, dekat pasar lama di seberang "
                "masjid besar, belakang sekolah dasar negeri contoh nomor tujuh") * 2


@dataclass
class World:
    resident: int
    stay: int
    reg_no: str
    session_id: int  # counseling
    program: int
    training_session: int
    enrollments: dict
    certificate_no: str
    left_resident: int
    left_stay: int


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def flat(pdf: bytes) -> str:
    return " ".join(text_of(pdf).split())


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def prints(db) -> list[tuple[str, str | None]]:
    with db.read() as session:
        return [(r.entity, r.entity_id) for r in session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "print").order_by(AuditEntry.id)).scalars()]


@pytest.fixture
def world(db, admin, staff, counselor) -> World:
    resident, stay = admit_resident(db, LONG_NAME, Sex.MALE, date(2026, 10, 1), nik=None,
                                    stage=Stage.INTERVENTION)
    with db.write() as session:
        person = session.get(Resident, resident)
        person.address = LONG_ADDRESS
        person.photo_path = "photos/tidak-ada.jpg"  # the file is missing: printed without it
        reg_no = person.reg_no
    assessment.create_assessment(db, counselor, AssessmentInput(
        stay, date(2026, 10, 5), dict.fromkeys(AssessmentDomain, 3),
        {d: f"{SECRET} uraian {d.value}" for d in AssessmentDomain},
        needs=f"{SECRET} kebutuhan"), today=TODAY)
    plans.create_plan(db, counselor, PlanInput(
        stay, counselor.id, date(2026, 10, 10),
        (GoalInput(AssessmentDomain.SOCIAL, "Menghubungi keluarga di kampung halaman", date(2026, 12, 1)),),
        frozenset({AtensiService.FAMILY_SUPPORT})), today=TODAY)
    counseling_row = record_session(db, counselor, [stay], body=f"{SECRET} isi catatan")
    program = make_program(db, staff)
    enrollments = {}
    others = {}
    for name, aid in (("Panjang", stay), ("Ani", admit_resident(db, "Ani Fiktif")[1]),
                      ("Budi", admit_resident(db, "Budi Fiktif")[1])):
        enrollments[name], _ = enrollment.enroll(db, staff, program, aid, enrolled_on=START, today=TODAY)
        others[name] = aid
    past = [s for s in schedule.list_sessions(db, staff, program) if s.day < TODAY]
    plan = {"Panjang": "HHHHHHIHH", "Ani": "HHHHHHHHH", "Budi": "HHSAHHHAH"}
    for index, s in enumerate(past[:9]):
        attendance.record_attendance(
            db, staff, s.id, [Mark(enrollments[n], codes[index]) for n, codes in plan.items()], today=TODAY)
    enrollment.set_competent(db, staff, enrollments["Ani"], True)
    certificate_no, _ = completion.complete(db, staff, enrollments["Ani"], completed_on=date(2026, 11, 20),
                                            today=TODAY)
    left_resident, left_stay = admit_resident(db, "Siti Pulang Fiktif", Sex.FEMALE, date(2026, 3, 2),
                                              stage=Stage.REINTEGRATION, nik="3271014101900001")
    reintegration.save_plan(db, staff, left_stay, ReintegrationPlan(
        DestinationType.FAMILY, "Desa Contoh RT 01/RW 02, Kab. Fiktif", "Siti Ibu Fiktif (ibu)",
        date(2026, 11, 20), staff.id))
    reintegration_visits.add_home_visit(db, staff, left_stay, HomeVisitInput(
        date(2026, 10, 12), "Petugas1 Contoh", family_readiness=FamilyReadiness.READY), today=TODAY)
    termination.terminate(db, staff, left_stay, TerminationInput(
        date(2026, 11, 20), TerminationReason.REUNIFIED, HandoverDetails(
            destination="Desa Contoh RT 01/RW 02, Kab. Fiktif", received_by="Siti Ibu Fiktif",
            relationship="Ibu kandung", id_number="3271010101800001", witness="Pak RT Contoh",
            witness2="Bu Lurah Contoh")), today=TODAY)
    with db.read() as session:
        assert session.get(Admission, left_stay).terminated_on == date(2026, 11, 20)
    return World(resident, stay, reg_no, counseling_row.id, program, past[0].id, enrollments,
                 certificate_no, left_resident, left_stay)
