"""The bytes of attached documents and photos: kept in the database, cached on each workstation.

The database (``file_content``, one row per SHA-256) is where a file lives, so that every
workstation on a shared server can open it and a backup of the database holds it. Each data
folder keeps local copies under ``attachments/ab/ab12...ef.pdf`` (the same names as before, so
older rows still point at the right place): opening a file serves the local copy when its hash
is right, and fetches it from the database when the copy is missing or damaged.

Contents are written in the transaction that records the attachment or photo: explicitly by
``attachments.add_in``/``set_photo``, and by a ``before_flush`` hook for any other code that
assigns ``Resident.photo_path`` itself (intake does), so no row can point at bytes that were
never saved.

With an encrypted database (SQLCipher) a plaintext copy in the data folder would defeat the
encryption: copies then go to a private temporary folder of this process (``private_root``),
removed at exit and, should the app have been killed, at the next start; the data folder's own
copies are moved there or removed once the database holds their bytes.
"""

from __future__ import annotations

import atexit
import getpass
import hashlib
import logging
import mimetypes
import os
import re
import shutil
import tempfile
import time
from pathlib import Path, PurePosixPath

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kesos_desktop import paths
from kesos_desktop.db.models import Attachment, FileContent, Resident
from kesos_desktop.domain.errors import KesosError, NotFoundError
from kesos_desktop.i18n import _

log = logging.getLogger(__name__)

HASH_NAME = re.compile(r"^[0-9a-f]{64}$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,10}$")
_BLOCK = 1 << 20
PRIVATE_PREFIX = "kesos-open-"
_private: dict[str, object] = {}  # "root": this process's private folder, "owner": its lock
_atexit_registered = False


def file_hash(path: Path) -> tuple[str, int]:
    """SHA-256 (hex) and size of a file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def sha_in_name(stored_path: str | None) -> str | None:
    """The hash a stored file is named by (``attachments/ab/<sha256>.png``), else None."""
    if not stored_path:
        return None
    stem = PurePosixPath(stored_path).stem
    return stem if HASH_NAME.match(stem) else None


def stored_name(sha: str, suffix: str) -> str:
    """The path recorded in the database, relative to the data folder (wherever copies live)."""
    return f"attachments/{sha[:2]}/{sha}{_clean_suffix(suffix)}"


def _clean_suffix(suffix: str) -> str:
    return suffix.lower() if _SUFFIX.match(suffix.lower()) else ""


def cache_path(sha: str, suffix: str, private: bool = False) -> Path:
    root = private_root() if private else paths.attachments_dir()
    return root / sha[:2] / f"{sha}{_clean_suffix(suffix)}"


def is_private(session: Session) -> bool:
    """Whether copies must stay out of the data folder: the database is encrypted."""
    return session.get_bind().dialect.driver == "pysqlcipher"


def local_path(stored_path: str, sha: str, private: bool = False) -> Path:
    """Where this workstation keeps the copy: the stored path under the data folder, unless
    that would leave the folder (a path written by a damaged or hostile client); in the
    private folder when the database is encrypted."""
    if private:
        return cache_path(sha, PurePosixPath(stored_path).suffix, True)
    base = paths.data_dir()
    candidate = (base / Path(stored_path)).resolve()
    if candidate.is_relative_to(base.resolve()) and candidate != base.resolve():
        return candidate
    return cache_path(sha, PurePosixPath(stored_path).suffix)


def write_atomically(target: Path, data: bytes | None = None, source: Path | None = None) -> None:
    """Write ``data`` (or copy ``source``) to ``target`` under a temporary name first, so that
    two windows filling the same copy at once never leave half a file under the real name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            if source is not None:
                with source.open("rb") as fh:
                    for block in iter(lambda: fh.read(_BLOCK), b""):
                        out.write(block)
            else:
                out.write(data or b"")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _insert_ignoring_duplicates(session: Session):
    # Two workstations adding the same scan at once: the second insert simply does nothing.
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(FileContent).on_conflict_do_nothing(index_elements=["sha256"])


def has_content(session: Session, sha: str) -> bool:
    found = session.connection().execute(
        sa.select(FileContent.sha256).where(FileContent.sha256 == sha)).first()
    return found is not None


def save_content(session: Session, sha: str, stored_path: str, strict: bool = True) -> bool:
    """Put the local copy's bytes into the database unless they are there already.

    False (logged) when the copy is missing or does not match ``sha``; with ``strict`` that is
    an error instead, so a new attachment never points at bytes that were not saved."""
    private = is_private(session)
    plain = local_path(stored_path, sha)
    if has_content(session, sha):
        if private:
            _move_out(plain, sha, stored_path)
        return True
    source = local_path(stored_path, sha, True) if private else plain
    if private and not source.is_file():
        source = plain  # written by code that did not know the database is encrypted
    data = source.read_bytes() if source.is_file() else None
    if data is None or hashlib.sha256(data).hexdigest() != sha:
        if strict:
            raise NotFoundError(_("The file {name} changed or disappeared while it was being "
                                  "saved. Add it again.").format(name=source.name))
        log.warning("content %s: no matching local copy at %s; not saved", sha[:12], source)
        return False
    kind = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
    session.connection().execute(_insert_ignoring_duplicates(session).values(
        sha256=sha, size_bytes=len(data), content_type=kind[:100], data=data))
    if private:
        _move_out(plain, sha, stored_path)
    return True


def _move_out(plain: Path, sha: str, stored_path: str) -> None:
    """Encrypted database: a plaintext copy in the data folder goes to the private folder."""
    if not plain.is_file():
        return
    try:
        target = local_path(stored_path, sha, True)
        if not target.is_file():
            write_atomically(target, source=plain)
        plain.unlink()
    except OSError:
        log.warning("could not move %s out of the data folder", plain, exc_info=True)


@event.listens_for(Session, "before_flush")
def _bring_contents(session: Session, _context, _instances) -> None:
    """Any photo or attachment about to be written brings its bytes along (see module doc)."""
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Attachment) and obj in session.new and obj.sha256:
            save_content(session, obj.sha256, obj.stored_path, strict=False)
        elif isinstance(obj, Resident):
            for path in sa.inspect(obj).attrs.photo_path.history.added:
                sha = sha_in_name(path)
                if sha:
                    save_content(session, sha, path, strict=False)


def verified_file(session: Session, stored_path: str, sha: str, title: str) -> Path:
    """The local copy, checked against ``sha``; fetched from the database when missing or
    damaged (the database's bytes are checked too)."""
    path = local_path(stored_path, sha, is_private(session))
    if path.is_file() and file_hash(path)[0] == sha:
        return path
    if path.exists():
        log.warning("local copy %s does not match its hash; fetching it again", path)
    data = session.execute(
        sa.select(FileContent.data).where(FileContent.sha256 == sha)).scalar_one_or_none()
    if data is None:
        raise NotFoundError(_(
            "The file for \"{title}\" is not in the database, and this workstation has no copy "
            "({path}). Open it on the workstation where it was added, or add the document again."
        ).format(title=title, path=stored_path))
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != sha:
        raise KesosError(_(
            "The file for \"{title}\" is damaged in the database (its contents no longer match "
            "the hash recorded when it was added). Restore the database from a backup, or add "
            "the document again."
        ).format(title=title))
    write_atomically(path, data)
    return path


def photo_prefix(sha: str) -> str:
    return f"attachments/{sha[:2]}/{sha}"


def _photo_named(session: Session, sha: str):
    """Photos named by ``sha`` (any suffix), as a prefix match the photo index can serve:
    GLOB on SQLite (case-sensitive like the index), LIKE on PostgreSQL (pattern index)."""
    prefix = photo_prefix(sha)  # hex digits and slashes: nothing to escape
    if session.get_bind().dialect.name == "postgresql":
        return Resident.photo_path.like(prefix + "%")
    return Resident.photo_path.op("GLOB")(prefix + "*")


def still_used(session: Session, sha: str) -> bool:
    attachment = session.execute(
        sa.select(Attachment.id).where(Attachment.sha256 == sha).limit(1)).first()
    photo = session.execute(
        sa.select(Resident.id).where(_photo_named(session, sha)).limit(1)).first()
    return attachment is not None or photo is not None


def release_content(session: Session, stored_path_or_sha: str) -> bool:
    """Delete a file's bytes (database and this workstation's copies) once no attachment or
    photo refers to them any more; True when deleted. Call it after the rows referring to the
    file were deleted or changed, in the same transaction."""
    sha = stored_path_or_sha if HASH_NAME.match(stored_path_or_sha) else sha_in_name(
        stored_path_or_sha)
    if sha is None or still_used(session, sha):
        return False
    deleted = session.execute(sa.delete(FileContent).where(FileContent.sha256 == sha)).rowcount
    roots = [paths.attachments_dir()] + ([_private["root"]] if "root" in _private else [])
    for root in roots:
        for copy in (root / sha[:2]).glob(f"{sha}*"):
            try:
                copy.unlink()
            except OSError:
                log.warning("could not delete %s", copy, exc_info=True)
    return bool(deleted)


def _referenced(session: Session) -> dict[str, str]:
    """sha -> stored path of every attachment and hash-named photo."""
    wanted = dict(session.execute(sa.select(Attachment.sha256, Attachment.stored_path)).all())
    for (path,) in session.execute(sa.select(Resident.photo_path).where(
            Resident.photo_path.is_not(None))).all():
        sha = sha_in_name(path)
        if sha:
            wanted[sha] = path
    return wanted


def sync_local_files(session: Session) -> tuple[int, int]:
    """Housekeeping for one workstation: (files uploaded, local copies removed).

    Uploads the local files of rows whose bytes the database lacks (they were added before
    the database kept contents, on this workstation), and removes local copies of files that
    are gone from the database and no row refers to (erased on another workstation). With an
    encrypted database every copy the database holds leaves the data folder, and private
    folders left by a process that was killed are removed."""
    private = is_private(session)
    wanted = _referenced(session)
    stored = set(session.execute(sa.select(FileContent.sha256)).scalars())
    uploaded = 0
    for sha, path in wanted.items():
        if sha not in stored and save_content(session, sha, path, strict=False):
            stored.add(sha)
            uploaded += 1
    removed = 0
    for copy in paths.attachments_dir().glob("??/*"):
        sha = copy.name.split(".")[0]
        stale = sha not in stored and sha not in wanted
        if HASH_NAME.match(sha) and (stale or _abandoned(copy) or (private and sha in stored)):
            copy.unlink(missing_ok=True)
            removed += 1
    if private:  # copies under older names (not the hash) too
        for sha, path in wanted.items():
            plain = local_path(path, sha)
            if sha in stored and plain.is_file():
                plain.unlink()
                removed += 1
        remove_stale_private_copies()
    return uploaded, removed


def _abandoned(path: Path) -> bool:
    """A temporary file left by a copy that was cut off (older than an hour: not in progress)."""
    return path.name.endswith(".part") and time.time() - path.stat().st_mtime > 3600


# ----------------------------------------------------------------- private copies (encrypted)


def _lock(fh) -> bool:
    """An exclusive, non-blocking lock on an open file: held while this process lives."""
    try:
        if os.name == "nt":
            import msvcrt

            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False


def _private_parent() -> Path:
    """One folder per user in the system's temporary folder, readable by that user only."""
    try:
        user = re.sub(r"[^A-Za-z0-9_.-]", "_", getpass.getuser())
    except (OSError, KeyError):
        user = "user"
    parent = Path(tempfile.gettempdir()) / f"kesos-desktop-{user}"
    parent.mkdir(mode=0o700, exist_ok=True)
    if os.name != "nt":
        if parent.is_symlink() or parent.stat().st_uid != os.getuid():
            # someone else made it (a shared /tmp): use a fresh folder, removed at exit only
            return Path(tempfile.mkdtemp(prefix="kesos-desktop-"))
        parent.chmod(0o700)
    return parent


def private_root() -> Path:
    """This process's private folder for copies (made at first use, 0700, removed at exit)."""
    root = _private.get("root")
    if isinstance(root, Path) and root.is_dir():
        return root
    parent = _private_parent()
    remove_stale_private_copies(parent)
    root = Path(tempfile.mkdtemp(prefix=PRIVATE_PREFIX, dir=parent))
    owner = (root / ".owner").open("w+b")
    owner.write(str(os.getpid()).encode())
    owner.flush()
    _lock(owner)
    global _atexit_registered
    if not _atexit_registered:
        atexit.register(clear_private_copies)
        _atexit_registered = True
    _private.update(root=root, owner=owner)
    return root


def clear_private_copies() -> None:
    """Remove this process's private folder (at exit, and when the database is closed)."""
    owner, root = _private.pop("owner", None), _private.pop("root", None)
    if owner is not None:
        owner.close()
    if isinstance(root, Path):
        shutil.rmtree(root, ignore_errors=True)


def remove_stale_private_copies(parent: Path | None = None) -> int:
    """Remove private folders whose process is gone (its lock is free); how many."""
    parent = parent or _private_parent()
    removed = 0
    for folder in parent.glob(PRIVATE_PREFIX + "*"):
        if folder == _private.get("root") or not folder.is_dir():
            continue
        owner_file = folder / ".owner"
        if owner_file.is_file():
            with owner_file.open("r+b") as owner:
                if not _lock(owner):
                    continue  # another window of the app is using it
        elif time.time() - folder.stat().st_mtime < 60:
            continue  # being made just now
        shutil.rmtree(folder, ignore_errors=True)
        removed += not folder.exists()
    return removed
