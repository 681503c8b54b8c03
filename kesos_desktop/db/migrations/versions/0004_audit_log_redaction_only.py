"""audit log: the one update the database allows is an anonymisation's redaction of details

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 12:00:00

Revision 0002 refused every UPDATE and DELETE of ``audit_log``. Anonymising a former resident
(UU PDP, ``services.retention.anonymize``) must blank the details of the audit rows about them;
everything else stays refused. The only UPDATE let through sets ``details`` to exactly the
redaction marker (``services.retention.redacted_details()``) and leaves every other column,
hashes included, as it was. ``services.audit_log.verify`` accepts such a row only when the
anonymisation's own (hash-chained) audit row lists it.

If the marker ever changes, change REDACTED below in a new revision
(tests/services/test_audit.py checks that the two agree).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit log is append-only"
REDACTED = '{"redacted": "anonymized"}'

SQLITE_UP = [
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        WHEN NOT (
            NEW.details = '{REDACTED}'
            AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.user_id IS OLD.user_id
            AND NEW.username = OLD.username AND NEW.action = OLD.action
            AND NEW.entity = OLD.entity AND NEW.entity_id IS OLD.entity_id
            AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash
        )
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]

POSTGRES_UP = [
    f"""CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE' THEN
                IF NEW.details = '{REDACTED}'
                   AND NEW.id = OLD.id AND NEW.at = OLD.at
                   AND NEW.user_id IS NOT DISTINCT FROM OLD.user_id
                   AND NEW.username = OLD.username AND NEW.action = OLD.action
                   AND NEW.entity = OLD.entity
                   AND NEW.entity_id IS NOT DISTINCT FROM OLD.entity_id
                   AND NEW.prev_hash = OLD.prev_hash AND NEW.hash = OLD.hash THEN
                    RETURN NEW;
                END IF;
            END IF;
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END
        $$""",
]
POSTGRES_DOWN = [
    f"""CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'insufficient_privilege';
        END
        $$""",
]


def _statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    if dialect == "postgresql":
        return POSTGRES_UP if up else POSTGRES_DOWN
    raise NotImplementedError(f"no append-only triggers for {dialect}")


def upgrade() -> None:
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(up=False):
        op.execute(statement)
