"""The data the training services take and return: frozen dataclasses, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from kesos_desktop.domain.enums import (
    EnrollmentStatus,
    ProgramStatus,
    Sex,
    SkillCategory,
    TrainingSessionStatus,
)
from kesos_desktop.domain.schedule import Conflict, Slot

# ----------------------------------------------------------------------------- programs


@dataclass(frozen=True)
class ProgramInput:
    name: str
    skill_category: SkillCategory
    start_date: date
    end_date: date
    capacity: int = 20
    description: str = ""
    instructor_user_id: int | None = None
    instructor_name: str = ""  # an outside instructor, when no user is chosen
    place: str = ""
    target_hours: int = 0
    min_attendance_pct: int = 80
    status: ProgramStatus = ProgramStatus.PLANNED


@dataclass(frozen=True)
class ProgramRow:
    id: int
    name: str
    skill_category: SkillCategory
    instructor: str
    place: str
    start_date: date
    end_date: date
    status: ProgramStatus
    capacity: int
    enrolled: int  # active + completed
    sessions: int  # not cancelled
    held: int
    next_session: date | None
    version: int


@dataclass(frozen=True)
class ProgramDetail:
    id: int
    name: str
    skill_category: SkillCategory
    description: str
    instructor_user_id: int | None
    instructor_name: str
    instructor: str  # what to show: the user's full name or the outside name
    place: str
    capacity: int
    start_date: date
    end_date: date
    target_hours: int
    min_attendance_pct: int
    status: ProgramStatus
    rule_weekdays: frozenset[int]
    rule_start_time: time | None
    rule_end_time: time | None
    enrolled: int
    version: int
    updated_by: str | None = None

    def as_input(self) -> ProgramInput:
        return ProgramInput(
            name=self.name, skill_category=self.skill_category, start_date=self.start_date,
            end_date=self.end_date, capacity=self.capacity, description=self.description,
            instructor_user_id=self.instructor_user_id, instructor_name=self.instructor_name,
            place=self.place, target_hours=self.target_hours,
            min_attendance_pct=self.min_attendance_pct, status=self.status,
        )


@dataclass(frozen=True)
class InstructorChoice:
    user_id: int
    full_name: str


@dataclass(frozen=True)
class HolidayRow:
    day: date
    name: str


# ----------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class SessionInput:
    day: date
    start_time: time
    end_time: time
    place: str = ""  # empty: the program's place
    topic: str = ""


@dataclass(frozen=True)
class SessionRow:
    id: int
    program_id: int
    program_name: str
    day: date
    start_time: time
    end_time: time
    place: str  # effective place (the session's own, or the program's)
    instructor: str
    status: TrainingSessionStatus
    is_extra: bool
    topic: str
    cancel_reason: str
    enrolled: int  # on the roll of this session
    recorded: int  # marks already taken
    version: int

    @property
    def cancelled(self) -> bool:
        return self.status == TrainingSessionStatus.CANCELLED


@dataclass(frozen=True)
class SchedulePreview:
    """What generating a rule would do, shown before anything is saved."""

    slots: tuple[Slot, ...]
    skipped_holidays: tuple[tuple[date, str], ...]
    replaced: int  # planned sessions without attendance that the new rule replaces
    kept: int  # sessions kept (extra sessions, cancelled ones, rolls already taken)
    conflicts: tuple[Conflict, ...]
    conflict_lines: tuple[str, ...]


@dataclass(frozen=True)
class SessionCheck:
    conflicts: tuple[Conflict, ...]
    conflict_lines: tuple[str, ...]
    holiday: str = ""  # the holiday's name when the day is on the holiday list

    @property
    def warnings(self) -> tuple[str, ...]:
        lines = self.conflict_lines
        return (*lines, self.holiday) if self.holiday else lines


# ---------------------------------------------------------------------------- enrollment


@dataclass(frozen=True)
class AdmissionChoice:
    """A current stay that can be enrolled."""

    admission_id: int
    resident_id: int
    reg_no: str
    name: str
    sex: Sex
    room: str
    enrolled_here: bool = False


@dataclass(frozen=True)
class EnrollmentRow:
    id: int
    program_id: int
    program_name: str
    admission_id: int
    resident_id: int
    reg_no: str
    name: str
    sex: Sex
    room: str
    enrolled_on: date
    status: EnrollmentStatus
    stop_reason: str
    competent: bool | None
    completed_on: date | None
    certificate_no: str
    held: int
    attended: int
    percentage: float | None
    meets_minimum: bool
    resident_left: bool  # the stay has ended
    version: int


@dataclass(frozen=True)
class ResidentTraining:
    """One program in a resident's file."""

    enrollment_id: int
    program_id: int
    program_name: str
    skill_category: SkillCategory
    start_date: date
    end_date: date
    enrolled_on: date
    status: EnrollmentStatus
    percentage: float | None
    completed_on: date | None
    certificate_no: str
    stop_reason: str


# ---------------------------------------------------------------------------- attendance


@dataclass(frozen=True)
class RollEntry:
    enrollment_id: int
    reg_no: str
    name: str
    sex: Sex
    code: str | None  # "H", "I", "S", "A" or None (not yet recorded)
    note: str
    enrollment_status: EnrollmentStatus


@dataclass(frozen=True)
class Roll:
    session: SessionRow
    entries: tuple[RollEntry, ...]
    can_record: bool
    reason: str  # why not, when can_record is False


@dataclass(frozen=True)
class Mark:
    """One line of a roll to save: ``code`` None removes the mark."""

    enrollment_id: int
    code: str | None
    note: str = ""


@dataclass(frozen=True)
class MatrixSession:
    id: int
    day: date
    start_time: time
    cancelled: bool
    held: bool


@dataclass(frozen=True)
class MatrixRow:
    enrollment_id: int
    name: str
    reg_no: str
    status: EnrollmentStatus
    enrolled_on: date
    codes: tuple[str | None, ...]  # aligned with AttendanceMatrix.sessions
    held: int
    attended: int
    percentage: float | None
    meets_minimum: bool


@dataclass(frozen=True)
class AttendanceMatrix:
    program_id: int
    program_name: str
    min_attendance_pct: int
    counted_codes: frozenset[str]
    sessions: tuple[MatrixSession, ...]
    rows: tuple[MatrixRow, ...]


@dataclass(frozen=True)
class AttendanceHistoryRow:
    day: date
    start_time: time
    end_time: time
    program_name: str
    code: str | None
    note: str
    cancelled: bool


@dataclass(frozen=True)
class AttendanceRuleSetting:
    excused_counts: bool = False
    sick_counts: bool = False


# ---------------------------------------------------------------------------- completion


@dataclass(frozen=True)
class CompletionCheck:
    enrollment_id: int
    name: str
    percentage: float | None
    minimum_pct: int
    competent: bool | None
    eligible: bool
    reasons: tuple[str, ...]  # why not, in plain words


@dataclass(frozen=True)
class CertificateData:
    """Everything a certificate shows; the PDF builder (reports issue) takes only this."""

    certificate_no: str
    resident_name: str
    reg_no: str
    birth_place: str
    birth_date: date | None
    program_name: str
    skill_category: SkillCategory
    program_start: date
    program_end: date
    target_hours: int
    hours_attended: float
    attendance_pct: float | None
    instructor: str
    completed_on: date
    facility_name: str
    agency_line1: str
    agency_line2: str
    address: str
    city: str
    head_name: str
    head_nip: str
    head_title: str
    logo_path: str
