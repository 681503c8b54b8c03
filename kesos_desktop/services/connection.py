"""Connecting a workstation to a PostgreSQL server.

The address (without password) is kept in the workstation's settings.json; the password goes to
the operating system's keyring (Windows Credential Manager, macOS Keychain, Secret Service) when
one is available, otherwise it is asked for at every start and never written anywhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database, translated_errors
from kesos_desktop.domain.errors import DatabaseError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services.context import requires

log = logging.getLogger(__name__)
KEYRING_SERVICE = "KesosDesktop"
SSL_MODES = ("prefer", "require", "verify-full", "disable")


@dataclass(frozen=True)
class ServerAddress:
    host: str
    port: int = 5432
    database: str = "kesos"
    user: str = "kesos"
    sslmode: str = "prefer"

    def url(self, password: str | None = None) -> str:
        return sa.URL.create(
            "postgresql+psycopg", username=self.user, password=password or None, host=self.host,
            port=self.port, database=self.database, query={"sslmode": self.sslmode, "connect_timeout": "5"},
        ).render_as_string(hide_password=False)


@dataclass(frozen=True)
class ServerCheck:
    server_version: str
    schema_revision: str | None
    app_revision: str

    @property
    def needs_upgrade(self) -> bool:
        return self.schema_revision != self.app_revision


def validate_address(address: ServerAddress) -> dict[str, str]:
    errors = {}
    if not address.host.strip():
        errors["host"] = _("Enter the server's name or IP address.")
    if not 1 <= address.port <= 65535:
        errors["port"] = _("The port is a number from 1 to 65535 (usually 5432).")
    if not address.database.strip():
        errors["database"] = _("Enter the database name.")
    if not address.user.strip():
        errors["user"] = _("Enter the database user name.")
    if address.sslmode not in SSL_MODES:
        errors["sslmode"] = _("Choose an SSL mode from the list.")
    return errors


def is_server_url(url: str) -> bool:
    return bool(url) and sa.make_url(url).get_backend_name() == "postgresql"


def address_of(url: str) -> ServerAddress:
    parsed = sa.make_url(url)
    return ServerAddress(
        host=parsed.host or "", port=parsed.port or 5432, database=parsed.database or "",
        user=parsed.username or "", sslmode=str(parsed.query.get("sslmode", "prefer")),
    )


@requires(None, reason="connecting happens before anyone can log in")
def check_server(address: ServerAddress, password: str) -> ServerCheck:
    """Connect once and report what is there; raises ValidationError/DatabaseError in plain words."""
    if errors := validate_address(address):
        raise ValidationError(_("Please correct the marked fields."), errors)
    db = Database(address.url(password))
    try:
        with translated_errors(), db.engine.connect() as conn:
            version = conn.execute(sa.text("SHOW server_version")).scalar_one()
        with translated_errors():
            revision = migrate.current_revision(db)
    finally:
        db.dispose()
    if revision is not None and revision not in migrate.known_revisions():
        raise DatabaseError(
            _("The server's database was set up by a newer version of Kesos Desktop. Update this workstation.")
        )
    return ServerCheck(str(version), revision, migrate.head_revision())


def _keyring():
    try:
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        backend = keyring.get_keyring()
        return None if isinstance(backend, FailKeyring) else keyring
    except Exception:  # noqa: BLE001 - no keyring on this system is a normal situation
        return None


def keyring_available() -> bool:
    return _keyring() is not None


def _key(address: ServerAddress) -> str:
    return f"{address.user}@{address.host}:{address.port}/{address.database}"


@requires(None, reason="the workstation's own credential store, before login")
def remember_password(address: ServerAddress, password: str) -> bool:
    keyring = _keyring()
    if keyring is None:
        return False
    try:
        keyring.set_password(KEYRING_SERVICE, _key(address), password)
        return True
    except Exception:  # noqa: BLE001
        log.warning("could not store the password in the keyring", exc_info=True)
        return False


@requires(None, reason="the workstation's own credential store, before login")
def remembered_password(address: ServerAddress) -> str | None:
    keyring = _keyring()
    if keyring is None:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, _key(address))
    except Exception:  # noqa: BLE001
        return None


def needs_password(url: str) -> bool:
    return is_server_url(url) and not sa.make_url(url).password


def with_password(url: str, password: str) -> str:
    return sa.make_url(url).set(password=password).render_as_string(hide_password=False)


def is_authentication_failure(error: BaseException) -> bool:
    text = str(error.__cause__ or error).lower()
    return "password authentication failed" in text or "no password supplied" in text
