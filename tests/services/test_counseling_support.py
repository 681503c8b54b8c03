"""(No tests here.) Shared set-up for the counseling, assessment and plan tests (fictional people only)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import sqlalchemy as sa

from kesos_desktop.db.models import AuditEntry, CounselingSession, NoteVersion
from kesos_desktop.domain.enums import CounselingStatus, CounselingType, ServiceLevel
from kesos_desktop.services import counseling
from kesos_desktop.services.counseling_dto import NoteInput, SessionInput

TODAY = date(2026, 11, 23)


def session_input(participants, held_on=date(2026, 11, 2), kind=CounselingType.INDIVIDUAL,
                  status=CounselingStatus.DONE, **extra) -> SessionInput:
    level = ServiceLevel.MEZZO if kind == CounselingType.GROUP else ServiceLevel.MICRO
    return SessionInput(kind, level, held_on, tuple(participants), status, **extra)


def record_session(db, actor, participants, body="Catatan fiktif: PM bercerita tentang keluarga.",
                   **extra):
    row, _ = counseling.create_session(
        db, actor, session_input(participants, **extra), NoteInput(body, "Hubungi keluarga"),
        today=TODAY,
    )
    return row


def audit_rows(db, action: str | None = None, entity: str | None = None):
    with db.read() as session:
        query = sa.select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        if entity:
            query = query.where(AuditEntry.entity == entity)
        return [
            (row.username, row.action, row.entity, row.entity_id, json.loads(row.details))
            for row in session.execute(query).scalars()
        ]


def age_note(db, session_id: int, hours: int = 25) -> None:
    """Pretend the note was first written ``hours`` ago."""
    with db.write() as session:
        for version in session.execute(
            sa.select(NoteVersion).where(NoteVersion.session_id == session_id)
        ).scalars():
            version.written_at = version.written_at - timedelta(hours=hours)


def count_sessions(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count(CounselingSession.id))).scalar_one()


def count_versions(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count(NoteVersion.id))).scalar_one()
