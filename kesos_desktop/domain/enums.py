"""Every fixed list of the domain, with its stored code and a translated label.

Codes are what the database stores (short, stable, ASCII); labels are what people read.
Source labels are English and translated through the catalog (Indonesian by default).
"""

from __future__ import annotations

from enum import StrEnum

from kesos_desktop.i18n import N_, _


class LabeledEnum(StrEnum):
    """A string enum whose members carry a translatable label: ``MALE = "L", N_("Male")``."""

    _label: str

    def __new__(cls, value: str, label: str):
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj._label = label
        return obj

    @property
    def label(self) -> str:
        return _(self._label)

    @classmethod
    def choices(cls) -> list[tuple[LabeledEnum, str]]:
        return [(member, member.label) for member in cls]

    @classmethod
    def codes(cls) -> list[str]:
        return [member.value for member in cls]


class Role(LabeledEnum):
    ADMIN = "admin", N_("Administrator")
    STAFF = "staff", N_("Staff (petugas)")
    COUNSELOR = "counselor", N_("Social worker / counselor")


class Sex(LabeledEnum):
    MALE = "L", N_("Male")
    FEMALE = "P", N_("Female")


class RoomSex(LabeledEnum):
    MALE = "L", N_("Male")
    FEMALE = "P", N_("Female")
    MIXED = "C", N_("Mixed")


class Religion(LabeledEnum):
    ISLAM = "islam", N_("Islam")
    PROTESTANT = "kristen", N_("Protestant Christian")
    CATHOLIC = "katolik", N_("Catholic")
    HINDU = "hindu", N_("Hindu")
    BUDDHIST = "buddha", N_("Buddhist")
    CONFUCIAN = "konghucu", N_("Confucian")
    BELIEF = "kepercayaan", N_("Traditional belief")
    UNKNOWN = "unknown", N_("Unknown")


class MaritalStatus(LabeledEnum):
    SINGLE = "belum_kawin", N_("Not married")
    MARRIED = "kawin", N_("Married")
    DIVORCED = "cerai_hidup", N_("Divorced")
    WIDOWED = "cerai_mati", N_("Widowed")
    UNKNOWN = "unknown", N_("Unknown")


class Education(LabeledEnum):
    NONE = "none", N_("No schooling")
    PRIMARY = "sd", N_("Primary school (SD)")
    JUNIOR = "smp", N_("Junior high school (SMP)")
    SENIOR = "sma", N_("Senior high school (SMA/SMK)")
    DIPLOMA = "diploma", N_("Diploma (D1-D3)")
    BACHELOR = "sarjana", N_("University degree (S1 or higher)")
    UNKNOWN = "unknown", N_("Unknown")


class PpksCategory(LabeledEnum):
    """The 26 PPKS categories (Permensos 8/2012, 5/2019)."""

    ANAK_BALITA_TERLANTAR = "anak_balita_terlantar", N_("Neglected toddler")
    ANAK_TERLANTAR = "anak_terlantar", N_("Neglected child")
    ABH = "abh", N_("Child in conflict with the law (ABH)")
    ANAK_JALANAN = "anak_jalanan", N_("Street child")
    ADK = "adk", N_("Child with disability (ADK)")
    ANAK_KORBAN_KEKERASAN = "anak_korban_kekerasan", N_("Child victim of violence")
    AMPK = "ampk", N_("Child needing special protection (AMPK)")
    LANSIA_TERLANTAR = "lansia_terlantar", N_("Neglected elderly")
    DISABILITAS = "disabilitas", N_("Person with disability")
    TUNA_SUSILA = "tuna_susila", N_("Sex worker (tuna susila)")
    GELANDANGAN = "gelandangan", N_("Homeless person (gelandangan)")
    PENGEMIS = "pengemis", N_("Beggar (pengemis)")
    PEMULUNG = "pemulung", N_("Scavenger (pemulung)")
    KELOMPOK_MINORITAS = "kelompok_minoritas", N_("Minority group")
    BWBLP = "bwblp", N_("Former prison inmate (BWBLP)")
    ODHA = "odha", N_("Person living with HIV/AIDS (ODHA)")
    NAPZA = "napza", N_("Victim of drug abuse (NAPZA)")
    TRAFFICKING = "trafficking", N_("Victim of trafficking")
    KORBAN_KEKERASAN = "korban_kekerasan", N_("Victim of violence")
    PMBS = "pmbs", N_("Migrant worker with social problems (PMBS)")
    BENCANA_ALAM = "bencana_alam", N_("Victim of natural disaster")
    BENCANA_SOSIAL = "bencana_sosial", N_("Victim of social disaster")
    PRSE = "prse", N_("Economically vulnerable woman (PRSE)")
    FAKIR_MISKIN = "fakir_miskin", N_("Poor person (fakir miskin)")
    KELUARGA_BERMASALAH = "keluarga_bermasalah", N_("Family with psychosocial problems")
    KAT = "kat", N_("Remote indigenous community (KAT)")


class ReferralSource(LabeledEnum):
    SATPOL_PP = "satpol_pp", N_("Satpol PP raid")
    OUTREACH = "penjangkauan", N_("Facility outreach")
    DINSOS = "dinsos", N_("District/city Dinas Sosial")
    POLICE = "kepolisian", N_("Police")
    HOSPITAL = "rumah_sakit", N_("Hospital")
    FAMILY = "keluarga", N_("Family")
    COMMUNITY = "masyarakat", N_("Community / RT-RW")
    NGO = "lsm", N_("NGO (LSM)")
    SELF = "datang_sendiri", N_("Came on own initiative")
    INSTITUTION = "lembaga_lain", N_("Referral from another institution")


class Approach(LabeledEnum):
    PERSUASIVE = "persuasif", N_("Persuasive")
    MOTIVATIVE = "motivatif", N_("Motivative")
    COERCIVE = "koersif", N_("Coercive")


class Stage(LabeledEnum):
    """The eight tahapan rehabilitasi sosial, in order."""

    FIRST_CONTACT = "pendekatan_awal", N_("First contact")
    INTAKE = "penerimaan", N_("Intake")
    ASSESSMENT = "asesmen", N_("Assessment")
    PLANNING = "rencana_intervensi", N_("Intervention plan")
    INTERVENTION = "intervensi", N_("Intervention")
    REINTEGRATION = "resosialisasi", N_("Resocialisation / reintegration")
    TERMINATION = "terminasi", N_("Termination")
    AFTERCARE = "bimbingan_lanjut", N_("Aftercare")

    @property
    def order(self) -> int:
        return list(Stage).index(self)


class TerminationReason(LabeledEnum):
    REUNIFIED = "reunified", N_("Reunited with family")
    WORK = "work", N_("Placed in work")
    REFERRED = "referred", N_("Referred to another institution")
    INDEPENDENT = "independent", N_("Independent")
    ABSCONDED = "absconded", N_("Left without permission")
    DIED = "died", N_("Died")
    OTHER = "other", N_("Other")


class DocumentType(LabeledEnum):
    KTP = "ktp", N_("Identity card (KTP)")
    KK = "kk", N_("Family card (KK)")
    BIRTH_CERTIFICATE = "akta_lahir", N_("Birth certificate")
    REFERRAL_LETTER = "surat_rujukan", N_("Referral letter")
    STATEMENT = "surat_pernyataan", N_("Statement letter")
    CONSENT = "persetujuan", N_("Consent form")
    HEALTH = "kesehatan", N_("Health certificate")
    OTHER = "lainnya", N_("Other document")


class ConsentRelation(LabeledEnum):
    SELF = "self", N_("The person themself")
    PARENT = "parent", N_("Parent")
    GUARDIAN = "guardian", N_("Guardian")
    OFFICIAL = "official", N_("Referring official")


class ConsentMethod(LabeledEnum):
    SIGNED = "signed", N_("Signed form")
    THUMBPRINT = "thumbprint", N_("Thumbprint")
    VERBAL = "verbal", N_("Verbal, witnessed")


class AssessmentDomain(LabeledEnum):
    PHYSICAL = "fisik", N_("Physical / health")
    PSYCHOLOGICAL = "psikologis", N_("Psychological")
    SOCIAL = "sosial", N_("Social / family")
    SPIRITUAL = "mental_spiritual", N_("Mental-spiritual")
    ECONOMIC = "ekonomi", N_("Economic")
    VOCATIONAL = "vokasional", N_("Vocational interest")


class GoalStatus(LabeledEnum):
    PLANNED = "planned", N_("Planned")
    IN_PROGRESS = "in_progress", N_("In progress")
    ACHIEVED = "achieved", N_("Achieved")
    NOT_ACHIEVED = "not_achieved", N_("Not achieved")
    DROPPED = "dropped", N_("Dropped")


class AtensiService(LabeledEnum):
    """The seven ATENSI services (Permensos 7/2021)."""

    DECENT_LIVING = "hidup_layak", N_("Support for decent living")
    CARE = "pengasuhan", N_("Social care and child rearing")
    FAMILY_SUPPORT = "dukungan_keluarga", N_("Family support")
    THERAPY = "terapi", N_("Therapy (physical, psychosocial, mental-spiritual)")
    VOCATIONAL = "vokasional", N_("Vocational training and entrepreneurship")
    SOCIAL_AID = "bantuan_sosial", N_("Social aid and assistance")
    ACCESSIBILITY = "aksesibilitas", N_("Accessibility support")


class SkillCategory(LabeledEnum):
    SEWING = "menjahit", N_("Sewing")
    HANDICRAFT = "kerajinan", N_("Handicrafts")
    COOKING = "tata_boga", N_("Cooking")
    FARMING = "pertanian", N_("Farming")
    WORKSHOP = "perbengkelan", N_("Workshop / mechanics")
    SALON = "salon", N_("Barbering / salon")
    COMPUTER = "komputer", N_("Computer skills")
    OTHER = "lainnya", N_("Other skill")


class ProgramStatus(LabeledEnum):
    PLANNED = "planned", N_("Planned")
    RUNNING = "running", N_("Running")
    FINISHED = "finished", N_("Finished")
    CANCELLED = "cancelled", N_("Cancelled")


class TrainingSessionStatus(LabeledEnum):
    SCHEDULED = "scheduled", N_("Scheduled")
    CANCELLED = "cancelled", N_("Cancelled")


class EnrollmentStatus(LabeledEnum):
    ACTIVE = "active", N_("Active")
    COMPLETED = "completed", N_("Completed")
    STOPPED = "stopped", N_("Stopped")


class AttendanceCode(LabeledEnum):
    PRESENT = "H", N_("Present (H)")
    EXCUSED = "I", N_("Excused (I)")
    SICK = "S", N_("Sick (S)")
    ABSENT = "A", N_("Absent without leave (A)")


class CounselingType(LabeledEnum):
    INDIVIDUAL = "perorangan", N_("Individual (case work)")
    GROUP = "kelompok", N_("Group")
    FAMILY = "keluarga", N_("Family")
    COMMUNITY = "masyarakat", N_("Community")


class ServiceLevel(LabeledEnum):
    MICRO = "mikro", N_("Micro")
    MEZZO = "mezzo", N_("Mezzo")
    MACRO = "makro", N_("Macro")


class WorkerRole(LabeledEnum):
    BROKER = "broker", N_("Broker")
    MEDIATOR = "mediator", N_("Mediator")
    EDUCATOR = "educator", N_("Public educator")
    ADVOCATE = "advocate", N_("Advocate")
    OUTREACH = "outreach", N_("Outreach")
    BEHAVIORAL = "behavioral", N_("Behavioral specialist")
    CONSULTANT = "consultant", N_("Consultant")
    COUNSELOR = "counselor", N_("Counselor")


class CounselingStatus(LabeledEnum):
    PLANNED = "planned", N_("Planned")
    DONE = "done", N_("Done")
    CANCELLED = "cancelled", N_("Cancelled")


class Confidentiality(LabeledEnum):
    NORMAL = "normal", N_("Confidential (counselors)")
    HIGH = "high", N_("Highly confidential (author and supervisor)")


class NoteVersionKind(LabeledEnum):
    ORIGINAL = "original", N_("Original")
    EDIT = "edit", N_("Edit")
    ADDENDUM = "addendum", N_("Addendum")


class DestinationType(LabeledEnum):
    FAMILY = "family", N_("Return to family")
    FOSTER_FAMILY = "foster_family", N_("Substitute family")
    INDEPENDENT = "independent", N_("Independent in the community")
    WORK = "work", N_("Work")
    REFERRED = "referred", N_("Referred to another institution")


class ReadinessItemType(LabeledEnum):
    FAMILY_TRACED = "family_traced", N_("Family traced")
    FAMILY_CONTACTED = "family_contacted", N_("Family contacted")
    FAMILY_WILLING = "family_willing", N_("Family willing (statement)")
    HOME_VISIT = "home_visit", N_("Home visit done")
    COMMUNITY_INFORMED = "community_informed", N_("RT/RW or village informed")
    DOCUMENTS_READY = "documents_ready", N_("Documents ready (KTP, KK or replacements)")
    SKILLS_CERTIFICATE = "skills_certificate", N_("Skills certificate")
    TRANSPORT = "transport", N_("Transport and allowance")
    DINSOS_LETTER = "dinsos_letter", N_("Dinas Sosial recommendation letter")


class ReadinessStatus(LabeledEnum):
    PENDING = "pending", N_("Not yet")
    DONE = "done", N_("Done")
    NOT_APPLICABLE = "na", N_("Not applicable")


class FamilyReadiness(LabeledEnum):
    READY = "ready", N_("Ready")
    CONDITIONAL = "conditional", N_("Ready with conditions")
    NOT_READY = "not_ready", N_("Not ready")


class FollowUpMethod(LabeledEnum):
    HOME_VISIT = "home_visit", N_("Home visit")
    PHONE = "phone", N_("Phone call")
    VIA_DINSOS = "via_dinsos", N_("Through Dinas Sosial")


class FollowUpCondition(LabeledEnum):
    STABLE = "stable", N_("Stable")
    NEEDS_SUPPORT = "needs_support", N_("Needs support")
    BACK_ON_STREET = "back_on_street", N_("Returned to the street")
    UNREACHABLE = "unreachable", N_("Unreachable")


class AftercareStatus(LabeledEnum):
    NONE = "none", N_("No aftercare")
    ACTIVE = "active", N_("Aftercare running")
    CLOSED = "closed", N_("Aftercare closed")


class AftercareOutcome(LabeledEnum):
    SUCCESSFUL = "successful", N_("Successful: living stably")
    PARTIAL = "partial", N_("Partly successful: still needs support")
    RETURNED = "returned", N_("Returned to the street or facility")
    LOST = "lost", N_("Lost contact")
