"""Encryption at rest of the SQLite database file with SQLCipher (the ``sqlcipher3`` module).

An encrypted database is opened through SQLAlchemy's ``sqlite+pysqlcipher`` dialect, whose URL
carries the passphrase in its password field (``sqlite+pysqlcipher://:PASS@//path``). That URL
only ever lives in memory: the workstation settings record just ``database_encrypted``, and
``Database.display_name`` hides the password. SQLCipher's own defaults (v4: AES-256, HMAC,
PBKDF2-SHA512 with 256,000 iterations) are kept, so any SQLCipher 4 tool opens the file.

Conversions (encrypt, decrypt, change passphrase) never rewrite the file in place: the data is
exported with ``sqlcipher_export`` into a new file next to it, which is checked (integrity and
the row count of every table) before one ``os.replace`` puts it under the database's name.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from kesos_desktop.db.sqlite_backup import (
    SQLITE_MAGIC,
    backup_sqlite_file,
    fsync_dir,
    fsync_file,
    integrity,
)
from kesos_desktop.domain.errors import DatabaseError
from kesos_desktop.i18n import _

DRIVER = "sqlite+pysqlcipher"
# Generated passphrases: groups of 4 from an alphabet without look-alikes (0/O, 1/I/L, 5/S).
ALPHABET = "ABCDEFGHJKMNPQRTUVWXYZ2346789"
GROUPS, GROUP_SIZE = 6, 4  # 24 characters of 29 symbols: about 116 bits
MIN_LENGTH = 12


class WrongPassphrase(DatabaseError):
    """The passphrase does not open the database (never says what was typed)."""


def wrong_passphrase_message() -> str:
    return _(
        "Wrong passphrase: the database cannot be opened with it. Check capital letters, "
        "spaces and the keyboard layout, then try again."
    )


def generate_passphrase() -> str:
    groups = ("".join(secrets.choice(ALPHABET) for _i in range(GROUP_SIZE)) for _g in range(GROUPS))
    return "-".join(groups)


def passphrase_problem(passphrase: str, repeated: str | None = None) -> str | None:
    """Why a new passphrase cannot be used (None when it can)."""
    if len(passphrase) < MIN_LENGTH:
        return _("The passphrase needs at least {n} characters.").format(n=MIN_LENGTH)
    if passphrase != passphrase.strip():
        return _("The passphrase must not begin or end with a space.")
    if repeated is not None and repeated != passphrase:
        return _("The two passphrases are not the same.")
    return None


PAGE_PROBE = 4096  # SQLCipher's default page size; a file is whole pages
MIN_DISTINCT = 200  # of 256 byte values in an encrypted first page (random: ~255)


def is_encrypted_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` looks like a SQLCipher database: no SQLite header (SQLCipher encrypts
    even that), whole pages, and a first page of random-looking bytes (salt + ciphertext). A
    damaged plain file (zeroed, truncated, a stray document) does not, so it is reported as
    damaged rather than met with a passphrase prompt."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            head = fh.read(PAGE_PROBE)
    except OSError:
        return False
    if len(head) < PAGE_PROBE or size % 512 or head.startswith(SQLITE_MAGIC):
        return False
    return len(set(head)) >= MIN_DISTINCT


def url_for(path: str | os.PathLike[str], passphrase: str | None) -> str:
    """The database URL of a file: plain SQLite, or SQLCipher carrying the passphrase."""
    if not passphrase:
        return "sqlite:///" + Path(path).as_posix()
    return sa.URL.create(DRIVER, username="", password=passphrase,
                         database=Path(path).as_posix()).render_as_string(hide_password=False)


def passphrase_of(url: str) -> str | None:
    sa_url = sa.make_url(url)
    return sa_url.password if sa_url.get_driver_name() == "pysqlcipher" and sa_url.password else None


def sqlite_file_of(url: str) -> str | None:
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() != "sqlite" or sa_url.database in (None, "", ":memory:"):
        return None
    return sa_url.database


def _key_sql(passphrase: str) -> str:
    return "PRAGMA key = '" + passphrase.replace("'", "''") + "'"


def connect(path: str | os.PathLike[str], passphrase: str | None = None, readonly: bool = False,
            **kwargs):
    """A DB-API connection to ``path`` (sqlite3 for a plain file, sqlcipher3 keyed otherwise).

    Raises WrongPassphrase when the key does not open the file.
    """
    target = f"file:{Path(path).as_posix()}?mode=ro" if readonly else str(path)
    if not passphrase:
        return sqlite3.connect(target, uri=readonly, **kwargs)
    module = cipher_module()
    conn = module.connect(target, uri=readonly, **kwargs)
    try:
        conn.execute(_key_sql(passphrase))
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except module.DatabaseError as error:
        conn.close()
        if "not a database" in str(error).lower():
            raise WrongPassphrase(wrong_passphrase_message()) from None  # no key in the chain
        raise
    return conn


def cipher_module():
    """``sqlcipher3``, imported on first use; SQLCipher's stderr log of failed keys silenced."""
    try:
        import sqlcipher3
    except ImportError as error:  # pragma: no cover - a dependency; a broken install
        raise DatabaseError(_(
            "Database encryption needs the sqlcipher3 package, which is missing from this "
            "installation. Reinstall Kesos Desktop."
        )) from error
    probe = sqlcipher3.connect(":memory:")
    with contextlib.suppress(sqlcipher3.Error):
        probe.execute("PRAGMA cipher_log_level = NONE")
    probe.close()
    return sqlcipher3


def check_passphrase(path: str | os.PathLike[str], passphrase: str) -> None:
    """Raise WrongPassphrase unless ``passphrase`` opens the encrypted file ``path``."""
    connect(path, passphrase, readonly=True).close()


def row_counts(conn) -> dict[str, int]:
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    counts = {}
    for name in names:
        with contextlib.suppress(Exception):  # FTS shadow tables of a virtual table
            counts[name] = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
    return counts


def export_copy(source: Path, source_key: str | None, target: Path, target_key: str | None) -> None:
    """Write all of ``source`` into the new file ``target`` under ``target_key`` and check it."""
    module = cipher_module()
    target.unlink(missing_ok=True)
    src = connect(source, source_key, readonly=True) if source_key else \
        module.connect(f"file:{source.as_posix()}?mode=ro", uri=True)
    try:
        expected = row_counts(src)
        version = src.execute("PRAGMA user_version").fetchone()[0]
        attach = f"ATTACH DATABASE '{str(target).replace(chr(39), chr(39) * 2)}' AS target KEY "
        src.execute(attach + "'" + (target_key or "").replace("'", "''") + "'")
        src.execute("SELECT sqlcipher_export('target')")
        src.execute(f"PRAGMA target.user_version = {int(version)}")
        src.execute("DETACH DATABASE target")
    finally:
        src.close()
    dst = connect(target, target_key) if target_key else module.connect(str(target))
    try:
        result = integrity(dst)
        found = row_counts(dst)
    finally:
        dst.close()
    if result != "ok" or found != expected:
        raise DatabaseError(_("The converted copy does not match the database; nothing was "
                              "changed ({detail}).").format(detail=result if result != "ok" else "rows"))
    fsync_file(target)


def _quiesce(path: Path, passphrase: str | None) -> None:
    """Fold the WAL into the file; refuse when another program has the database open."""
    conn = connect(path, passphrase, timeout=3, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except Exception as error:  # noqa: BLE001 - locked, busy
        raise DatabaseError(in_use_message()) from error
    finally:
        conn.close()
    if str(mode).lower() != "delete":
        raise DatabaseError(in_use_message())


def in_use_message() -> str:
    return _("The database is in use by another program (a Kesos Desktop window or a command). "
             "Close it, then try again. Nothing was changed.")


@dataclass(frozen=True)
class ConversionResult:
    path: Path
    encrypted: bool
    safety_copy: Path | None  # the database as it was; encrypted unless it was plain


def convert(path: str | os.PathLike[str], old: str | None, new: str | None,
            safety_dir: str | os.PathLike[str] | None = None) -> ConversionResult:
    """Encrypt (``old`` None), decrypt (``new`` None) or re-key the closed database file ``path``.

    When the database was encrypted, a copy under the old passphrase is kept in ``safety_dir``
    first. No plain copy is ever made of a database that is being encrypted: the new encrypted
    file is checked before it replaces the plain one.
    """
    path = Path(path)
    if not path.is_file():
        raise DatabaseError(_("The database file {file} does not exist.").format(file=path))
    if old:
        check_passphrase(path, old)
    elif is_encrypted_file(path):
        raise DatabaseError(_("The database is already encrypted."))
    if not old and not new:
        raise DatabaseError(_("The database is not encrypted."))
    _quiesce(path, old)
    safety = None
    if old and safety_dir is not None:
        stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
        safety = backup_sqlite_file(path, Path(safety_dir) / f"pre-{'rekey' if new else 'decrypt'}-{stamp}.db",
                                    passphrase=old)
    temp = path.with_name(f".{path.name}.converting")
    try:
        export_copy(path, old, temp, new)
        os.replace(temp, path)
        fsync_dir(path.parent)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return ConversionResult(path, bool(new), safety)
