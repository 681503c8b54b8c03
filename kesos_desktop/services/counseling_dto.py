"""What the counseling, assessment and plan services take in and give back.

Two kinds of output, never mixed:

- **metadata** (``SessionRow``, ``AssessmentRow``, ``CaseloadRow``...): that something happened,
  when, of which type, by whom, with whom. Safe for every role; these classes have *no* field
  that could carry what was written (see ``confidentiality.CONFIDENTIAL_FIELDS``).
- **confidential views** (``NoteView``, ``NoteVersionView``, ``NoteHit``,
  ``AssessmentNarratives``): returned only by functions registered with
  ``confidentiality.body_reader``, which need ``Action.NOTE_READ``, check the note's level and
  write a ``read_note`` audit row for every read.

Inputs (``...Input``) carry text in; they are never returned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from kesos_desktop.domain.enums import (
    Approach,
    AssessmentDomain,
    AtensiService,
    Confidentiality,
    CounselingStatus,
    CounselingType,
    GoalStatus,
    NoteVersionKind,
    ServiceLevel,
    Stage,
    WorkerRole,
)

# ----------------------------------------------------------------------------- people


@dataclass(frozen=True)
class StayRef:
    """One stay of one person, as pickers and lists show it."""

    admission_id: int
    resident_id: int
    name: str
    reg_no: str
    stage: Stage | None  # None where only the participant is known (a session's record)
    admitted_on: date
    terminated_on: date | None = None
    case_manager_id: int | None = None
    case_manager_name: str | None = None

    @property
    def display(self) -> str:
        return f"{self.name} ({self.reg_no})"


@dataclass(frozen=True)
class UserRef:
    id: int
    full_name: str
    is_supervisor: bool = False


# ----------------------------------------------------------------------------- sessions


@dataclass(frozen=True)
class SessionInput:
    session_type: CounselingType
    level: ServiceLevel
    held_on: date
    participants: tuple[int, ...] = ()  # admission ids
    status: CounselingStatus = CounselingStatus.PLANNED
    start_time: time | None = None
    duration_minutes: int | None = None
    place: str | None = None
    approach: Approach | None = None
    topic: str | None = None  # confidential: shown only with the note
    worker_roles: frozenset[WorkerRole] = frozenset()
    confidentiality: Confidentiality = Confidentiality.NORMAL
    next_session_on: date | None = None
    counselor_id: int | None = None  # default: the acting counselor


@dataclass(frozen=True)
class Participant:
    admission_id: int
    resident_id: int
    name: str
    reg_no: str


@dataclass(frozen=True)
class SessionRow:
    """That a session happened (or is planned): never what was said."""

    id: int
    held_on: date
    start_time: time | None
    duration_minutes: int | None
    place: str | None
    session_type: CounselingType
    level: ServiceLevel
    status: CounselingStatus
    confidentiality: Confidentiality
    approach: Approach | None
    counselor_id: int
    counselor_name: str
    participants: tuple[Participant, ...]
    worker_roles: tuple[WorkerRole, ...]
    next_session_on: date | None
    signed_at: datetime | None
    note_versions: int
    note_first_written_at: datetime | None
    note_locked: bool  # signed, or 24 hours after the first version: addenda only
    version: int

    @property
    def has_note(self) -> bool:
        return self.note_versions > 0

    @property
    def participant_names(self) -> str:
        return ", ".join(p.name for p in self.participants)


@dataclass(frozen=True)
class NoteInput:
    body: str
    agreed_actions: str | None = None
    observations: dict[int, str] = field(default_factory=dict)  # admission id -> text


@dataclass(frozen=True)
class ObservationView:
    admission_id: int
    name: str
    observation: str


@dataclass(frozen=True)
class NoteVersionView:
    version_no: int
    kind: NoteVersionKind
    body: str
    agreed_actions: str | None
    reason: str | None
    author_id: int
    author_name: str
    written_at: datetime


@dataclass(frozen=True)
class NoteView:
    """A session's note as its readers see it: the current text plus every addendum."""

    session: SessionRow
    topic: str | None
    current: NoteVersionView | None  # latest original/edit (None: nothing written yet)
    addenda: tuple[NoteVersionView, ...]
    observations: tuple[ObservationView, ...]
    edit_deadline: datetime | None
    can_edit: bool  # the acting user may still change the text (author, unsigned, < 24 h)
    can_sign: bool

    @property
    def latest_version_no(self) -> int:
        """The number an edit must build on (addenda count too)."""
        numbers = [v.version_no for v in (self.current, *self.addenda) if v is not None]
        return max(numbers, default=0)


@dataclass(frozen=True)
class NoteHit:
    session: SessionRow
    version_no: int
    kind: NoteVersionKind
    snippet: str


# ----------------------------------------------------------------------------- conferences


@dataclass(frozen=True)
class ConferenceInput:
    admission_id: int
    held_on: date
    decisions: str
    attendee_ids: tuple[int, ...]
    led_by_id: int | None = None


@dataclass(frozen=True)
class ConferenceRow:
    id: int
    admission_id: int
    resident_name: str
    held_on: date
    decisions: str  # operational decisions, shared with the staff who carry them out
    led_by_name: str | None
    attendees: tuple[UserRef, ...]
    version: int


# ----------------------------------------------------------------------------- caseload


@dataclass(frozen=True)
class CaseloadRow:
    stay: StayRef
    last_session_on: date | None
    next_session_on: date | None
    overdue_days: int  # days since the agreed next session date passed (0: not overdue)
    has_assessment: bool
    plan_version: int | None


@dataclass(frozen=True)
class AssessmentDueRow:
    stay: StayRef
    in_stage_since: date
    days_waiting: int


# ----------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class DomainScore:
    domain: AssessmentDomain
    score: int


@dataclass(frozen=True)
class AssessmentInput:
    admission_id: int
    assessed_on: date
    scores: dict[AssessmentDomain, int]
    narratives: dict[AssessmentDomain, str] = field(default_factory=dict)
    needs: str | None = None
    strengths: str | None = None
    recommendations: str | None = None


@dataclass(frozen=True)
class AssessmentRow:
    """An assessment's date, assessor and scores: never the narratives."""

    id: int
    admission_id: int
    resident_id: int
    resident_name: str
    assessed_on: date
    assessor_id: int
    assessor_name: str
    scores: tuple[DomainScore, ...]
    version: int

    def score(self, domain: AssessmentDomain) -> int | None:
        return next((s.score for s in self.scores if s.domain == domain), None)

    @property
    def average(self) -> float | None:
        return sum(s.score for s in self.scores) / len(self.scores) if self.scores else None


@dataclass(frozen=True)
class AssessmentNarratives:
    """The confidential text of one assessment (counselors only, audited)."""

    assessment: AssessmentRow
    narratives: tuple[tuple[AssessmentDomain, str], ...]
    needs: str | None
    strengths: str | None
    recommendations: str | None

    def narrative(self, domain: AssessmentDomain) -> str:
        return next((text for d, text in self.narratives if d == domain), "")


@dataclass(frozen=True)
class ScoreChange:
    domain: AssessmentDomain
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class AssessmentComparison:
    earlier: AssessmentRow
    later: AssessmentRow
    changes: tuple[ScoreChange, ...]

    @property
    def days_between(self) -> int:
        return (self.later.assessed_on - self.earlier.assessed_on).days


# ----------------------------------------------------------------------------- plans


@dataclass(frozen=True)
class GoalInput:
    domain: AssessmentDomain
    description: str
    target_date: date | None = None
    status: GoalStatus = GoalStatus.PLANNED
    progress_notes: str | None = None


@dataclass(frozen=True)
class PlanInput:
    admission_id: int
    responsible_id: int
    drawn_up_on: date
    goals: tuple[GoalInput, ...]
    services: frozenset[AtensiService]
    review_on: date | None = None


@dataclass(frozen=True)
class GoalView:
    id: int
    domain: AssessmentDomain
    description: str
    target_date: date | None
    status: GoalStatus
    progress_notes: str | None


@dataclass(frozen=True)
class PlanView:
    id: int
    admission_id: int
    resident_name: str
    plan_version: int
    responsible_id: int
    responsible_name: str
    drawn_up_on: date
    review_on: date | None
    revision_reason: str | None
    goals: tuple[GoalView, ...]
    services: tuple[AtensiService, ...]
    is_current: bool
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class PlanVersionRow:
    id: int
    plan_version: int
    drawn_up_on: date
    review_on: date | None
    responsible_name: str
    goals: int
    goals_achieved: int
    is_current: bool
