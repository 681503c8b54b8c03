"""The audit trail of what left the system: Excel exports and printed (PDF) documents."""

from __future__ import annotations

from typing import Any

from kesos_desktop.db.engine import Database
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.permissions import Action
from kesos_desktop.services import audit
from kesos_desktop.services.context import requires


@requires(Action.EXCEL_EXPORT)
def record_export(db: Database, actor: Actor, kind: str, details: dict[str, Any]) -> None:
    """Called by every exporter once its file is written (rows, filters; never contents)."""
    with db.write() as session:
        audit.record(session, actor, "export", kind, None, details)


@requires(Action.REPORT_PRINT)
def record_print(db: Database, actor: Actor, document: str, entity_id: object | None,
                 details: dict[str, Any] | None = None) -> None:
    """Called by every PDF builder when a document is produced for someone."""
    with db.write() as session:
        audit.record(session, actor, "print", document, entity_id, details or {})
