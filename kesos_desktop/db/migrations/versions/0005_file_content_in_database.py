"""file contents in the database: every workstation on a shared server sees every document

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 01:40:00

Until now attached documents and photos lived only under the data folder of the workstation
that added them (``attachments/ab/ab12...ef.pdf``); the database kept the relative path and the
SHA-256. With several workstations on one PostgreSQL server, a document attached at one was
missing at the others, and a backup of the database lacked every document.

``file_content`` keeps the bytes once per SHA-256. The upgrade copies every file it finds in
this workstation's data folder whose bytes still match the recorded hash. A file that is missing
or changed is logged and left out; its attachment row stays as it was (a workstation that still
has the file can add it later: ``services.attachments.sync_local_files``). A photo stored under
a name that is not its hash (older test data) is renamed to ``attachments/xx/<sha256>.<ext>``.

Downgrade writes each referenced content back to its path under the data folder (where missing),
then drops the table, so going back loses no document on this workstation.

An encrypted (SQLCipher) database never has its contents written out in plain: the upgrade
keeps a renamed photo only in the database, and the downgrade, which would have to write every
document out or lose it, refuses (decrypt the database first: ``kesos db decrypt``).
"""
import hashlib
import logging
import mimetypes
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from alembic import op

from kesos_desktop import paths

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("kesos_desktop.migrations.0005")
_HASH_NAME = re.compile(r"^[0-9a-f]{64}$")

content = sa.table(
    "file_content",
    sa.column("sha256", sa.String), sa.column("size_bytes", sa.BigInteger),
    sa.column("content_type", sa.String), sa.column("created_at", sa.DateTime),
    sa.column("data", sa.LargeBinary),
)


def upgrade() -> None:
    op.create_table(
        'file_content',
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size_bytes', sa.BigInteger(), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint('sha256', name=op.f('pk_file_content')),
    )
    conn = op.get_bind()
    copied, skipped = _copy_attachments(conn)
    photos_copied, photos_skipped = _copy_photos(conn)
    log.info("file contents copied into the database: %d attachments (%d not found or changed), "
             "%d photos (%d not found or changed)", copied, skipped, photos_copied, photos_skipped)


def _read(relative: str) -> bytes | None:
    path = paths.data_dir() / Path(relative)
    try:
        return path.read_bytes()
    except OSError:
        return None


def _store(conn, sha: str, data: bytes, suffix: str) -> None:
    exists = conn.execute(sa.select(content.c.sha256).where(content.c.sha256 == sha)).first()
    if exists is None:
        kind = mimetypes.guess_type("file" + suffix)[0] or "application/octet-stream"
        conn.execute(content.insert().values(sha256=sha, size_bytes=len(data), content_type=kind,
                                             created_at=datetime.now().replace(microsecond=0),
                                             data=data))


def _copy_attachments(conn) -> tuple[int, int]:
    copied = skipped = 0
    rows = conn.execute(sa.text("SELECT id, stored_path, sha256 FROM attachment ORDER BY id")).all()
    for attachment_id, stored_path, sha in rows:
        data = _read(stored_path)
        if data is None:
            log.warning("attachment %s: %s is not in this data folder; not copied", attachment_id,
                        stored_path)
            skipped += 1
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            log.warning("attachment %s: %s was changed on disk (hash differs); not copied",
                        attachment_id, stored_path)
            skipped += 1
            continue
        _store(conn, sha, data, PurePosixPath(stored_path).suffix.lower())
        copied += 1
    return copied, skipped


def _copy_photos(conn) -> tuple[int, int]:
    copied = missing = 0
    rows = conn.execute(sa.text(
        "SELECT id, photo_path FROM resident WHERE photo_path IS NOT NULL ORDER BY id")).all()
    for resident_id, photo_path in rows:
        data = _read(photo_path)
        if data is None:
            log.warning("resident %s: photo %s is not in this data folder; not copied",
                        resident_id, photo_path)
            missing += 1
            continue
        sha = hashlib.sha256(data).hexdigest()
        name = PurePosixPath(photo_path)
        if _HASH_NAME.match(name.stem) and name.stem != sha:
            log.warning("resident %s: photo %s was changed on disk; not copied", resident_id,
                        photo_path)
            missing += 1
            continue
        suffix = name.suffix.lower() or ".jpg"
        _store(conn, sha, data, suffix)
        if name.stem != sha:  # find it by its hash from now on, like every newer photo
            canonical = f"attachments/{sha[:2]}/{sha}{suffix}"
            if not _encrypted(conn):  # an encrypted database: the bytes stay in it only
                _write_missing(canonical, data)
            conn.execute(sa.text("UPDATE resident SET photo_path = :p WHERE id = :id"),
                         {"p": canonical, "id": resident_id})
        copied += 1
    return copied, missing


def _encrypted(conn) -> bool:
    return conn.dialect.driver == "pysqlcipher"


def _write_missing(relative: str, data: bytes) -> None:
    target = paths.data_dir() / Path(relative)
    if target.is_file():
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    except OSError:
        log.warning("could not write %s", target, exc_info=True)


def downgrade() -> None:
    conn = op.get_bind()
    if _encrypted(conn):  # writing every document out in plain would undo the encryption
        raise RuntimeError(
            "0005 downgrade refused on an encrypted database: it would write every document "
            "into the data folder unencrypted. Decrypt first (kesos db decrypt), then downgrade.")
    wanted = conn.execute(sa.text("SELECT stored_path, sha256 FROM attachment")).all()
    wanted += [(path, PurePosixPath(path).stem) for (path,) in conn.execute(sa.text(
        "SELECT photo_path FROM resident WHERE photo_path IS NOT NULL")).all()]
    for relative, sha in wanted:  # one at a time: contents can be megabytes each
        if not (paths.data_dir() / Path(relative)).is_file():
            data = conn.execute(sa.select(content.c.data).where(content.c.sha256 == sha)).scalar()
            if data is not None:
                _write_missing(relative, bytes(data))
    op.drop_table('file_content')
