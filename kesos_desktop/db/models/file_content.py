"""The contents of attached documents and photos, kept in the database itself.

Every workstation on a shared server must be able to open a document another one attached, and a
backup of the database must hold the documents too, so the bytes live here, once per SHA-256
(the same scan attached twice is stored once). ``attachment.sha256`` and the hash in a photo's
file name point here; each workstation keeps a local copy in its data folder as a cache
(``services/attachments.py``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from kesos_desktop.db.base import Base, now


class FileContent(Base):
    """One file's bytes, addressed by their SHA-256 (lower-case hex)."""

    __tablename__ = "file_content"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)
    # deferred: listing or checking contents never drags megabytes along
    data: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
