"""Errors the services raise. Each carries a message fit to show to staff, already translated."""

from __future__ import annotations


class KesosError(Exception):
    """Base class: ``str(error)`` is a plain-language message for the user."""


class ValidationError(KesosError):
    """Input that cannot be saved. ``field_errors`` maps a field name to its message."""

    def __init__(self, message: str, field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.field_errors = dict(field_errors or {})


class NotFoundError(KesosError):
    pass


class PermissionDenied(KesosError):
    pass


class AuthenticationError(KesosError):
    pass


class ConflictError(KesosError):
    """Someone else changed or removed the record since it was read (optimistic locking)."""

    def __init__(self, message: str, changed_by: str | None = None, changed_at=None):
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at


class DatabaseError(KesosError):
    """The database cannot be used: locked, unreachable, newer than the app, damaged."""
