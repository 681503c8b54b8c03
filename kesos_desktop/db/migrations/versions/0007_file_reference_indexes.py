"""indexes to find who still uses a file: attachment.sha256 and resident.photo_path

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 02:05:00

Since 0005 a file's bytes live once in ``file_content``; removing an attachment, replacing a
photo or anonymising a person frees them only when no other attachment (same SHA-256) and no
photo (named ``attachments/ab/<sha256>.<ext>``) refers to them. Without these indexes each such
question read the whole attachment and resident tables.

The photo index serves a prefix match: SQLite's GLOB with the column's default (binary)
collation, PostgreSQL's LIKE through the ``varchar_pattern_ops`` operator class (a plain index
serves LIKE only under the C collation).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_attachment_sha256'), 'attachment', ['sha256'], unique=False)
    op.create_index('ix_resident_photo_path', 'resident', ['photo_path'], unique=False,
                    postgresql_ops={'photo_path': 'varchar_pattern_ops'})


def downgrade() -> None:
    op.drop_index('ix_resident_photo_path', table_name='resident')
    op.drop_index(op.f('ix_attachment_sha256'), table_name='attachment')
