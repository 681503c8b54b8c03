"""All ORM models; importing this package registers every table on ``Base.metadata``."""

from kesos_desktop.db.models.admission import (
    Admission,
    DocumentCheck,
    Room,
    RoomAssignment,
    StageChange,
)
from kesos_desktop.db.models.assessment import (
    Assessment,
    AssessmentScore,
    InterventionPlan,
    PlanGoal,
    PlanService,
)
from kesos_desktop.db.models.audit import AuditEntry
from kesos_desktop.db.models.counseling import (
    CaseConference,
    ConferenceAttendee,
    CounselingSession,
    NoteVersion,
    SessionParticipant,
    SessionWorkerRole,
)
from kesos_desktop.db.models.facility import Counter, FacilityProfile, Holiday, Setting
from kesos_desktop.db.models.file_content import FileContent
from kesos_desktop.db.models.reintegration import (
    FollowUp,
    HomeVisit,
    ReadinessItem,
    ReintegrationPlan,
)
from kesos_desktop.db.models.resident import (
    Attachment,
    Consent,
    FamilyContact,
    Resident,
    ResidentCategory,
)
from kesos_desktop.db.models.training import (
    Attendance,
    Enrollment,
    TrainingProgram,
    TrainingSession,
)
from kesos_desktop.db.models.user import User

__all__ = [
    "Admission", "Assessment", "AssessmentScore", "Attachment", "Attendance", "AuditEntry",
    "CaseConference", "ConferenceAttendee", "Consent", "Counter", "CounselingSession",
    "DocumentCheck", "Enrollment", "FacilityProfile", "FamilyContact", "FileContent", "FollowUp", "Holiday",
    "HomeVisit", "InterventionPlan", "NoteVersion", "PlanGoal", "PlanService", "ReadinessItem",
    "ReintegrationPlan", "Resident", "ResidentCategory", "Room", "RoomAssignment",
    "SessionParticipant", "SessionWorkerRole", "Setting", "StageChange", "TrainingProgram",
    "TrainingSession", "User",
]
