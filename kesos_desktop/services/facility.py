"""The facility profile: letterhead lines, head of facility, capacity, numbering pattern."""

from __future__ import annotations

from dataclasses import asdict, replace

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import FacilityProfile
from kesos_desktop.domain.dto import Actor, Changes, FacilityProfileDTO
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires

_FIELDS = [f for f in FacilityProfileDTO.__dataclass_fields__ if f != "version"]


def _to_dto(profile: FacilityProfile) -> FacilityProfileDTO:
    return FacilityProfileDTO(**{f: getattr(profile, f) for f in _FIELDS}, version=profile.version)


def validate_profile(data: FacilityProfileDTO) -> dict[str, str]:
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Enter the facility's name.")
    if data.capacity < 0:
        errors["capacity"] = _("Capacity cannot be negative.")
    if data.head_nip and not data.head_nip.replace(" ", "").isdigit():
        errors["head_nip"] = _("A NIP contains only digits.")
    try:
        data.registration_pattern.format(year=2026, seq=1)
        if "{seq" not in data.registration_pattern:
            raise ValueError
    except (KeyError, ValueError, IndexError):
        errors["registration_pattern"] = _(
            "The pattern must contain {seq} (the running number) and may contain {year}, "
            "for example PM/{year}/{seq:04d}."
        )
    return errors


@requires(None, reason="the login screen shows the facility's name before anyone logs in")
def facility_name(db: Database) -> str:
    with db.read() as session:
        profile = session.get(FacilityProfile, 1)
        return profile.name if profile else ""


@requires(Action.FACILITY_VIEW)
def get_profile(db: Database, actor: Actor) -> FacilityProfileDTO:
    with db.read() as session:
        return _to_dto(get_or_404(session, FacilityProfile, 1, _("The facility profile")))


@requires(Action.FACILITY_EDIT)
def update_profile(db: Database, actor: Actor, data: FacilityProfileDTO) -> tuple[FacilityProfileDTO, Changes]:
    data = replace(data, name=data.name.strip())
    if errors := validate_profile(data):
        raise ValidationError(_("Please correct the marked fields."), errors)
    with db.write() as session:
        profile = get_or_404(session, FacilityProfile, 1, _("The facility profile"))
        check_version(profile, data.version)
        before = _to_dto(profile)
        new_values = {k: v for k, v in asdict(data).items() if k != "version"}
        for key, value in new_values.items():
            setattr(profile, key, value)
        profile.updated_by = actor.username
        session.flush()
        changes = audit.diff(asdict(before), asdict(data))
        changes.pop("version", None)
        audit.record(session, actor, "update", "facility", 1, changes)
        result = _to_dto(profile)
    return result, Changes.of("facility")
