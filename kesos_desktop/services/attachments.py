"""Scanned documents and photos: their bytes in the database, a checked copy in the data folder.

A file is stored once however often it is added, by its SHA-256: in the database
(``file_content``, see :mod:`.file_store`), so that every workstation on a shared server opens
it and a backup holds it, and as a local copy (``attachments/ab/ab12...ef.pdf``). Every open
checks the hash; a missing or damaged local copy is fetched again from the database.
Photos must really be PNG or JPEG (checked by their first bytes, not their name) and at most
5 MB. Services never import Qt: the UI opens the checked path with the system viewer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from kesos_desktop import paths
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Attachment, AuditEntry, Resident
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.errors import ConflictError, KesosError, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import AttachmentRow, FileUpload
from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import audit, file_store
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.file_store import release_content
from kesos_desktop.services.resident_common import attachment_row, user_names

__all__ = [
    "StoredFile", "add_attachment", "add_in", "check_photo", "check_upload", "image_kind",
    "local_photo", "open_attachment", "photo_file", "release_content", "remove_attachment",
    "set_photo",
    "store_file", "store_photo", "sync_local_files", "verified_path",
]
log = logging.getLogger(__name__)

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_SUFFIXES = frozenset({
    ".pdf", ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp",
    ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".txt", ".rtf",
})
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"


@dataclass(frozen=True)
class StoredFile:
    stored_path: str  # relative to the data folder, with forward slashes
    sha256: str
    size_bytes: int
    original_name: str


def _megabytes(n: int) -> str:
    return format_number(round(n / (1024 * 1024), 1))


def image_kind(head: bytes) -> str | None:
    """"png" or "jpeg" from a file's first bytes, None for anything else."""
    if head.startswith(_PNG):
        return "png"
    if head.startswith(_JPEG):
        return "jpeg"
    return None


def _source(path: str | Path, field: str) -> Path:
    source = Path(path).expanduser()
    if not source.is_file():
        raise ValidationError(
            _("The file {name} cannot be found. Choose it again.").format(name=source.name),
            {field: _("File not found: {path}").format(path=source)},
        )
    return source


def check_photo(path: str | Path, field: str = "photo") -> Path:
    """The photo's path if it is a PNG or JPEG of at most 5 MB; ValidationError otherwise."""
    source = _source(path, field)
    size = source.stat().st_size
    if size > MAX_PHOTO_BYTES:
        message = _("The photo is {size} MB; the limit is {limit} MB. Use a smaller picture.").format(
            size=_megabytes(size), limit=_megabytes(MAX_PHOTO_BYTES))
        raise ValidationError(message, {field: message})
    with source.open("rb") as fh:
        kind = image_kind(fh.read(16))
    if kind is None:
        message = _("{name} is not a photo (JPEG or PNG). Choose a picture file.").format(
            name=source.name)
        raise ValidationError(message, {field: message})
    return source


def check_upload(upload: FileUpload, field: str = "attachments") -> Path:
    source = _source(upload.source_path, field)
    if source.suffix.lower() not in ATTACHMENT_SUFFIXES:
        message = _("{name}: this kind of file cannot be attached. Use PDF, a picture, or an "
                    "office document.").format(name=source.name)
        raise ValidationError(message, {field: message})
    size = source.stat().st_size
    if size > MAX_ATTACHMENT_BYTES:
        message = _("{name} is {size} MB; the limit is {limit} MB.").format(
            name=source.name, size=_megabytes(size), limit=_megabytes(MAX_ATTACHMENT_BYTES))
        raise ValidationError(message, {field: message})
    return source


def store_file(source: Path, suffix: str | None = None, private: bool = False) -> StoredFile:
    """Copy ``source`` to this workstation's copies by its hash (once); the bytes go into the
    database with the row that refers to them (``add_in``, ``set_photo``). ``private``: the
    database is encrypted, so the copy goes to the private folder, not the data folder."""
    sha, size = file_store.file_hash(source)
    target = file_store.cache_path(sha, suffix or source.suffix, private)
    if not target.is_file() or file_store.file_hash(target)[0] != sha:
        file_store.write_atomically(target, source=source)
    return StoredFile(file_store.stored_name(sha, target.suffix), sha, size, source.name)


def store_photo(path: str | Path, field: str = "photo", private: bool = False) -> StoredFile:
    source = check_photo(path, field)
    with source.open("rb") as fh:
        kind = image_kind(fh.read(16))
    return store_file(source, ".png" if kind == "png" else ".jpg", private)


def _encrypted(db: Database) -> bool:
    return bool(getattr(db, "encrypted", False))


def verified_path(session, stored_path: str, sha256: str, title: str) -> Path:
    """The file on this workstation, checked against its hash (fetched from the database when
    the local copy is missing or damaged)."""
    return file_store.verified_file(session, stored_path, sha256, title)


def local_photo(session, photo_path: str | None) -> Path | None:
    """A photo's checked local copy, or None (logged) when it cannot be had; for callers that
    print or show a photo inside their own transaction."""
    sha = file_store.sha_in_name(photo_path)
    if sha is None:  # no photo, or one from before photos were named by their hash
        path = paths.data_dir() / photo_path if photo_path else None
        return path if path is not None and path.is_file() else None
    try:
        return file_store.verified_file(session, photo_path, sha, _("Photo"))
    except KesosError as error:
        log.warning("photo %s: %s", photo_path, error)
        return None


def add_in(session, actor: Actor, resident_id: int, admission_id: int | None,
           stored: StoredFile, doc_type: DocumentType, title: str) -> Attachment:
    """Record a stored file for a person, inside the caller's transaction (its bytes too)."""
    file_store.save_content(session, stored.sha256, stored.stored_path)
    attachment = Attachment(
        resident_id=resident_id, admission_id=admission_id, doc_type=doc_type,
        title=(title or "").strip() or doc_type.label, original_name=stored.original_name[:260],
        stored_path=stored.stored_path, sha256=stored.sha256, size_bytes=stored.size_bytes,
        added_by_id=actor.id,
    )
    session.add(attachment)
    session.flush()
    audit.record(session, actor, "create", "attachment", attachment.id, {
        "resident_id": resident_id, "admission_id": admission_id, "doc_type": str(doc_type),
        "title": attachment.title, "sha256": stored.sha256, "size_bytes": stored.size_bytes,
    })
    return attachment


@requires(Action.ATTACHMENT_MANAGE)
def add_attachment(db: Database, actor: Actor, resident_id: int, upload: FileUpload,
                   admission_id: int | None = None) -> tuple[AttachmentRow, Changes]:
    source = check_upload(upload, "file")
    stored = store_file(source, private=_encrypted(db))
    with db.write() as session:
        get_or_404(session, Resident, resident_id, _("The resident"))
        attachment = add_in(session, actor, resident_id, admission_id, stored, upload.doc_type,
                            upload.title)
        row = attachment_row(attachment, user_names(session, [actor.id]))
    return row, Changes.of("attachment", "resident")


@requires(Action.RESIDENT_VIEW)
def open_attachment(db: Database, actor: Actor, attachment_id: int) -> Path:
    """The checked path of a document, for the system viewer (the opening is audited)."""
    with db.write() as session:
        attachment = get_or_404(session, Attachment, attachment_id, _("The document"))
        path = verified_path(session, attachment.stored_path, attachment.sha256,
                             attachment.title)
        audit.record(session, actor, "open", "attachment", attachment.id,
                     {"resident_id": attachment.resident_id})
    return path


def _check_unchanged(session, attachment: Attachment, seen: AttachmentRow | None) -> None:
    """Documents carry no version: refuse when the title or kind the user saw has changed."""
    if seen is None or (seen.title, seen.doc_type) == (attachment.title, attachment.doc_type):
        return
    last = session.execute(
        sa.select(AuditEntry.username, AuditEntry.at)
        .where(AuditEntry.entity == "attachment", AuditEntry.entity_id == str(attachment.id),
               AuditEntry.action == "update")
        .order_by(AuditEntry.id.desc()).limit(1)).first()
    who, when = (last.username, last.at) if last else (None, None)
    raise ConflictError(_(
        "The document \"{title}\" was changed by {who} at {when} after you opened it (it is "
        "now \"{now}\"). Reload the file and check that it is the one to remove."
    ).format(title=seen.title, now=attachment.title, who=who or "?",
             when=when.strftime("%d/%m/%Y %H:%M") if when else "?"),
        changed_by=who, changed_at=when)


@requires(Action.ATTACHMENT_MANAGE)
def remove_attachment(db: Database, actor: Actor, attachment_id: int,
                      seen: AttachmentRow | None = None) -> tuple[bool, Changes]:
    """Remove a document from a person's file (audited). Its bytes leave the database and this
    workstation too unless another attachment or photo is the same file; returns whether they
    did. ``seen``: the row as the user saw it (a changed title or kind is a conflict)."""
    with db.write() as session:
        attachment = get_or_404(session, Attachment, attachment_id, _("The document"))
        _check_unchanged(session, attachment, seen)
        sha = attachment.sha256
        details = {"resident_id": attachment.resident_id,
                   "admission_id": attachment.admission_id, "doc_type": str(attachment.doc_type),
                   "title": attachment.title, "sha256": sha, "size_bytes": attachment.size_bytes}
        session.delete(attachment)
        session.flush()
        freed = release_content(session, sha)
        audit.record(session, actor, "delete", "attachment", attachment_id,
                     {**details, "content_deleted": freed})
    return freed, Changes.of("attachment", "resident")


@requires(Action.RESIDENT_EDIT)
def set_photo(db: Database, actor: Actor, resident_id: int, photo_path: str | None,
              expected_version: int | None = None) -> Changes:
    """Replace (or with None, remove) a person's photo."""
    stored = store_photo(photo_path, private=_encrypted(db)) if photo_path else None
    with db.write() as session:
        resident = get_or_404(session, Resident, resident_id, _("The resident"))
        check_version(resident, expected_version)
        before = resident.photo_path
        if stored:
            file_store.save_content(session, stored.sha256, stored.stored_path)
        resident.photo_path = stored.stored_path if stored else None
        resident.updated_by = actor.username
        audit.record(session, actor, "update", "resident", resident.id,
                     {"photo_path": [before, resident.photo_path]})
        session.flush()
        if before and before != resident.photo_path:
            release_content(session, before)  # the old photo, unless someone else uses it
    return Changes.of("resident")


@requires(Action.RESIDENT_VIEW)
def photo_file(db: Database, actor: Actor, resident_id: int) -> Path | None:
    """The person's photo on this workstation, or None when there is none or it cannot be had."""
    with db.read() as session:
        resident = get_or_404(session, Resident, resident_id, _("The resident"))
        return local_photo(session, resident.photo_path)


@requires(Action.RESIDENT_VIEW)
def sync_local_files(db: Database, actor: Actor) -> tuple[int, int]:
    """Housekeeping at start-up: (files uploaded, stale local copies removed); see
    :func:`.file_store.sync_local_files`."""
    with db.write() as session:
        return file_store.sync_local_files(session)
