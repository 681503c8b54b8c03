"""Data passed between layers: frozen dataclasses, never ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.permissions import Action, allowed


@dataclass(frozen=True)
class Actor:
    """The logged-in user on whose behalf a service acts."""

    id: int
    username: str
    full_name: str
    role: Role
    is_supervisor: bool = False

    def can(self, action: Action) -> bool:
        return allowed(self.role, action)


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    nip: str | None
    is_supervisor: bool
    last_login_at: datetime | None
    locked_until: datetime | None


@dataclass(frozen=True)
class FacilityProfileDTO:
    name: str
    agency_line1: str = ""
    agency_line2: str = ""
    address: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    head_name: str = ""
    head_nip: str = ""
    head_title: str = ""
    capacity: int = 0
    logo_path: str = ""
    registration_pattern: str = "PM/{year}/{seq:04d}"
    version: int = 0


@dataclass(frozen=True)
class Changes:
    """What a service changed, for the UI's ``data_changed`` broadcast (entity names)."""

    entities: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *entities: str) -> Changes:
        return cls(frozenset(entities))
