"""Data passed in and out of the resident services: intake, registry, resident file, rooms.

Inputs (``...Input``, ``...Request``) are what a form or an importer fills; outputs (``...Row``,
``ResidentFile``...) are what services return. All frozen dataclasses, never ORM objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Generic, TypeVar

from kesos_desktop.domain.dto import Changes
from kesos_desktop.domain.enums import (
    Approach,
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    Education,
    MaritalStatus,
    PpksCategory,
    ReferralSource,
    Religion,
    RoomSex,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import N_, _

T = TypeVar("T")

# ------------------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class ResidentInput:
    """Identity of a person, as entered at intake or when the identity is edited."""

    name: str
    sex: Sex | None
    alias: str | None = None
    identity_unknown: bool = False
    nik: str | None = None
    kk: str | None = None
    birth_place: str | None = None
    birth_date: date | None = None
    estimated_age: int | None = None  # when the birth date is unknown ("tanpa identitas")
    religion: Religion = Religion.UNKNOWN
    marital_status: MaritalStatus = MaritalStatus.UNKNOWN
    education: Education = Education.UNKNOWN
    address: str | None = None
    village: str | None = None
    district: str | None = None
    city: str | None = None
    province: str | None = None
    phone: str | None = None
    notes: str | None = None
    categories: tuple[PpksCategory, ...] = ()


@dataclass(frozen=True)
class FamilyContactInput:
    name: str
    relationship: str
    phone: str | None = None
    address: str | None = None
    is_primary: bool = False
    id: int | None = None  # set when editing an existing contact
    version: int | None = None


@dataclass(frozen=True)
class ConsentInput:
    given_by_name: str
    relation: ConsentRelation
    method: ConsentMethod
    given_on: date
    notes: str | None = None


@dataclass(frozen=True)
class FileUpload:
    """A file chosen by the user, to be copied under the data folder."""

    source_path: str
    doc_type: DocumentType = DocumentType.OTHER
    title: str = ""


@dataclass(frozen=True)
class AdmissionRequest:
    """One stay: referral, placement, documents checklist and consent."""

    admitted_on: date
    referral_source: ReferralSource | None
    approach: Approach | None
    referral_letter_no: str | None = None
    referral_letter_date: date | None = None
    referral_notes: str | None = None
    initial_condition: str | None = None
    health_notes: str | None = None
    disability_notes: str | None = None
    stage: Stage = Stage.INTAKE
    room_id: int | None = None
    over_capacity_override: bool = False
    case_manager_id: int | None = None
    documents_present: frozenset[DocumentType] = frozenset()
    consent: ConsentInput | None = None
    attachments: tuple[FileUpload, ...] = ()


@dataclass(frozen=True)
class IntakeRequest:
    resident: ResidentInput
    admission: AdmissionRequest
    family: tuple[FamilyContactInput, ...] = ()
    photo_path: str | None = None
    #: staff looked at the possible duplicates and confirmed this is another person
    duplicates_checked: bool = False


@dataclass(frozen=True)
class IntakeResult:
    resident_id: int
    admission_id: int
    reg_no: str
    warnings: tuple[str, ...] = ()
    changes: Changes = field(default_factory=lambda: Changes.of("resident", "admission"))


# ------------------------------------------------------------------------------ registry


class ResidentStatus(StrEnum):
    CURRENT = "current"  # an open stay
    FORMER = "former"  # every stay terminated
    ALL = "all"

    @property
    def label(self) -> str:
        return _(_STATUS_LABELS[self])


_STATUS_LABELS = {
    ResidentStatus.CURRENT: N_("Current residents"),
    ResidentStatus.FORMER: N_("Former residents"),
    ResidentStatus.ALL: N_("All residents"),
}


class SortKey(StrEnum):
    REG_NO = "reg_no"
    NAME = "name"
    NIK = "nik"
    SEX = "sex"
    AGE = "age"
    CATEGORY = "category"
    STAGE = "stage"
    ROOM = "room"
    ADMITTED_ON = "admitted_on"
    CASE_MANAGER = "case_manager"


@dataclass(frozen=True)
class ResidentQuery:
    """What the registry shows: search text, filters, sort and the page wanted.

    This is also the seam for "export the current view": an exporter takes the query the
    registry page holds and pages through ``residents.search`` itself.
    """

    text: str = ""
    status: ResidentStatus = ResidentStatus.CURRENT
    category: PpksCategory | None = None
    stage: Stage | None = None
    room_id: int | None = None
    sex: Sex | None = None
    admitted_from: date | None = None
    admitted_to: date | None = None
    case_manager_id: int | None = None
    #: only people with no consent on record (none given, or every one withdrawn): UU PDP
    without_consent: bool = False
    sort: SortKey = SortKey.NAME
    descending: bool = False
    offset: int = 0
    limit: int = 100
    with_total: bool = True

    def page(self, offset: int, limit: int | None = None, with_total: bool = False) -> ResidentQuery:
        return replace(self, offset=offset, limit=limit or self.limit, with_total=with_total)

    @property
    def filtered(self) -> bool:
        """True when anything narrows the list beyond the status choice."""
        return bool(
            self.text.strip() or self.category or self.stage or self.room_id or self.sex
            or self.admitted_from or self.admitted_to or self.case_manager_id
            or self.without_consent
        )


@dataclass(frozen=True)
class ResidentRow:
    """A person in the registry with their latest stay (the open one for a current resident).

    The stay fields are None only for a person registered without any stay (never through
    intake, which always opens one).
    """

    resident_id: int
    admission_id: int | None
    reg_no: str
    name: str
    alias: str | None
    nik: str | None
    sex: Sex
    age: int | None
    age_estimated: bool
    categories: tuple[PpksCategory, ...]
    stage: Stage | None
    room_name: str | None
    admitted_on: date | None
    terminated_on: date | None
    case_manager: str | None
    identity_unknown: bool
    has_consent: bool = True  # False: no consent on record, the registry flags the person

    @property
    def is_current(self) -> bool:
        return self.admission_id is not None and self.terminated_on is None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: tuple[T, ...]
    offset: int
    limit: int
    total: int | None  # matching rows, when asked for (None otherwise)
    grand_total: int | None = None  # every registered person, when ``total`` is given


# ------------------------------------------------------------------------------ the file


@dataclass(frozen=True)
class ResidentDetail:
    id: int
    reg_no: str
    name: str
    alias: str | None
    sex: Sex
    identity_unknown: bool
    nik: str | None
    kk: str | None
    birth_place: str | None
    birth_date: date | None
    birth_year_estimated: int | None
    religion: Religion
    marital_status: MaritalStatus
    education: Education
    address: str | None
    village: str | None
    district: str | None
    city: str | None
    province: str | None
    phone: str | None
    notes: str | None
    categories: tuple[PpksCategory, ...]
    photo_path: str | None  # relative to the data folder
    version: int
    updated_by: str | None
    updated_at: datetime | None

    def age_on(self, on: date) -> int | None:
        from kesos_desktop.domain.validation import age_on

        return age_on(self.birth_date, on, self.birth_year_estimated)

    def to_input(self) -> ResidentInput:
        """The values as an edit form starts from them."""
        estimated = None
        if self.birth_date is None and self.birth_year_estimated is not None:
            estimated = date.today().year - self.birth_year_estimated
        return ResidentInput(
            name=self.name, sex=self.sex, alias=self.alias, identity_unknown=self.identity_unknown,
            nik=self.nik, kk=self.kk, birth_place=self.birth_place, birth_date=self.birth_date,
            estimated_age=estimated, religion=self.religion, marital_status=self.marital_status,
            education=self.education, address=self.address, village=self.village,
            district=self.district, city=self.city, province=self.province, phone=self.phone,
            notes=self.notes, categories=self.categories,
        )


@dataclass(frozen=True)
class FamilyContactRow:
    id: int
    name: str
    relationship: str
    phone: str | None
    address: str | None
    is_primary: bool
    version: int


@dataclass(frozen=True)
class StageChangeRow:
    id: int
    from_stage: Stage | None
    to_stage: Stage
    changed_on: date
    note: str | None
    by: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class RoomStayRow:
    room_id: int
    room_name: str
    from_date: date
    until_date: date | None
    note: str | None
    over_capacity_override: bool
    by: str | None


@dataclass(frozen=True)
class ConsentRow:
    id: int
    given_by_name: str
    relation: ConsentRelation
    method: ConsentMethod
    given_on: date
    withdrawn_on: date | None
    notes: str | None = None
    recorded_by: str | None = None
    admission_id: int | None = None


@dataclass(frozen=True)
class StayDTO:
    """One admission with everything the resident file shows about it."""

    id: int
    admitted_on: date
    referral_source: ReferralSource
    referral_letter_no: str | None
    referral_letter_date: date | None
    referral_notes: str | None
    approach: Approach
    initial_condition: str | None
    health_notes: str | None
    disability_notes: str | None
    stage: Stage
    room_id: int | None
    room_name: str | None
    case_manager_id: int | None
    case_manager: str | None
    terminated_on: date | None
    termination_reason: TerminationReason | None
    termination_destination: str | None
    termination_notes: str | None
    documents_present: frozenset[DocumentType]
    stage_history: tuple[StageChangeRow, ...]
    room_history: tuple[RoomStayRow, ...]
    consents: tuple[ConsentRow, ...]
    version: int

    @property
    def is_open(self) -> bool:
        return self.terminated_on is None


@dataclass(frozen=True)
class AttachmentRow:
    id: int
    admission_id: int | None
    doc_type: DocumentType
    title: str
    original_name: str
    stored_path: str  # relative to the data folder
    sha256: str
    size_bytes: int
    added_by: str | None
    added_at: datetime


@dataclass(frozen=True)
class ResidentFile:
    resident: ResidentDetail
    family: tuple[FamilyContactRow, ...]
    stays: tuple[StayDTO, ...]  # newest first
    attachments: tuple[AttachmentRow, ...]

    @property
    def current_stay(self) -> StayDTO | None:
        return next((s for s in self.stays if s.is_open), None)

    @property
    def last_stay(self) -> StayDTO | None:
        return self.stays[0] if self.stays else None


@dataclass(frozen=True)
class TimelineEvent:
    """One line of a person's timeline. Providers from other areas return these too."""

    on: date
    kind: str  # "admission", "stage", "room", "document", "consent", "training", "counseling"...
    title: str  # already translated
    detail: str = ""
    by: str | None = None
    admission_id: int | None = None
    at: datetime | None = None  # for ordering events of the same day


# ------------------------------------------------------------------------------ duplicates


@dataclass(frozen=True)
class DuplicateProbe:
    name: str
    nik: str | None = None
    birth_date: date | None = None
    estimated_age: int | None = None
    on: date | None = None  # the date the estimated age refers to (default today)
    exclude_resident_id: int | None = None


@dataclass(frozen=True)
class DuplicateCandidate:
    resident_id: int
    reg_no: str
    name: str
    alias: str | None
    sex: Sex
    birth_date: date | None
    birth_year_estimated: int | None
    nik_masked: str
    reasons: tuple[str, ...]  # translated, e.g. "Same NIK"
    score: float  # 1.0 for the same NIK; name similarity otherwise
    last_admitted_on: date | None
    last_terminated_on: date | None
    last_termination_reason: TerminationReason | None
    has_open_stay: bool


class PossibleDuplicates(KesosError):
    """The person being registered may already be known: show ``candidates`` to staff."""

    def __init__(self, candidates: list[DuplicateCandidate]):
        super().__init__(_("This person may already be registered. Check the list: open the "
                           "existing person for a new stay, or confirm it is someone else."))
        self.candidates = list(candidates)


# ------------------------------------------------------------------------------ rooms


@dataclass(frozen=True)
class RoomInput:
    name: str
    sex: RoomSex
    capacity: int
    notes: str | None = None
    active: bool = True


@dataclass(frozen=True)
class RoomRow:
    id: int
    name: str
    sex: RoomSex
    capacity: int
    occupied: int
    notes: str | None
    active: bool
    version: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)

    @property
    def full(self) -> bool:
        return self.occupied >= self.capacity


@dataclass(frozen=True)
class RoomOccupant:
    resident_id: int
    admission_id: int
    reg_no: str
    name: str
    sex: Sex
    since: date | None


@dataclass(frozen=True)
class UserChoice:
    id: int
    full_name: str
    role_label: str
