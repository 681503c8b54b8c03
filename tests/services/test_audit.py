"""The audit log: append-only in the database itself, a hash chain that names any edited,
deleted or reordered row, a filtered viewer query, and a formula-safe Excel export."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.db.models import AuditEntry
from kesos_desktop.domain.errors import AuthenticationError, PermissionDenied, ValidationError
from kesos_desktop.services import audit, audit_log, auth, users
from tests.conftest import BACKEND, PASSWORD


def _add_rows(db, actor, n: int = 6) -> list[int]:
    with db.write() as session:
        for i in range(n):
            audit.record(session, actor, "update", "resident", i + 1, {"name": [f"A{i}", f"B{i}"]})
    with db.read() as session:
        return list(session.execute(sa.select(AuditEntry.id).order_by(AuditEntry.id)).scalars())


def _row_count(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar_one()


class Tamper:
    """What someone with a database editor can do: switch the protection off, then edit."""

    def __init__(self, db):
        self.db = db

    def __enter__(self):
        if BACKEND == "postgresql":
            self.engine = self.db.engine
            self.conn = self.engine.connect()
            self.conn.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
            self.conn.commit()
        else:
            self.db.dispose()
            self.conn = sqlite3.connect(self.db.sqlite_path, isolation_level=None)
            self.conn.execute("DROP TRIGGER audit_log_no_update")
            self.conn.execute("DROP TRIGGER audit_log_no_delete")
        return self

    def sql(self, statement: str, **params) -> None:
        if BACKEND == "postgresql":
            self.conn.execute(sa.text(statement), params)
            self.conn.commit()
        else:
            self.conn.execute(statement, params)

    def __exit__(self, *exc):
        if BACKEND == "postgresql":
            self.conn.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")
            self.conn.commit()
        self.conn.close()


# ------------------------------------------------------------------------ append-only


def test_triggers_exist_at_head(db):
    with db.engine.connect() as conn:
        if BACKEND == "postgresql":
            names = set(conn.exec_driver_sql(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                "AND NOT tgisinternal").scalars())
            assert names == {"audit_log_no_update_delete", "audit_log_no_truncate"}
        else:
            names = set(conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            ).scalars())
            assert names == {"audit_log_no_update", "audit_log_no_delete"}


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET details = '{}'",
    "DELETE FROM audit_log",
])
def test_database_refuses_update_and_delete(db, admin, statement):
    before = _row_count(db)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.exec_driver_sql(statement)
    assert _row_count(db) == before
    assert audit_log.verify(db, admin).ok


@pytest.mark.sqlite_only
def test_plain_sqlite3_update_is_refused(db, admin):
    """Another SQLite client (DB Browser, the sqlite3 shell) hits the same trigger."""
    conn = sqlite3.connect(db.sqlite_path)
    with pytest.raises(sqlite3.IntegrityError, match="audit log is append-only"):
        conn.execute("UPDATE audit_log SET username = 'someone' WHERE id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="audit log is append-only"):
        conn.execute("DELETE FROM audit_log WHERE id = 1")
    conn.close()


@pytest.mark.postgres_only
def test_postgres_refuses_truncate(db, admin):
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE audit_log")
    assert _row_count(db) > 0


def test_inserts_still_work_and_chain(db, admin):
    _add_rows(db, admin, 3)
    with db.read() as session:
        rows = session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
        assert rows[0].prev_hash == audit.GENESIS_HASH
        for before, after in zip(rows, rows[1:], strict=False):
            assert after.prev_hash == before.hash


# ------------------------------------------------------------------------------ verify


def test_verify_intact_chain(db, admin):
    _add_rows(db, admin)
    result = audit_log.verify(db, admin)
    assert result.ok and result.first_bad_id is None
    assert result.checked == _row_count(db) - 1  # the check records itself afterwards
    assert "utuh" in result.message or "intact" in result.message
    with db.read() as session:
        last = session.execute(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    assert last.action == "verify" and '"ok": true' in last.details


def test_verify_names_an_edited_row(db, admin):
    ids = _add_rows(db, admin)
    victim = ids[3]
    with Tamper(db) as t:
        t.sql("UPDATE audit_log SET username = 'orang_lain' WHERE id = :id", id=victim)
    result = audit_log.verify(db, admin)
    assert not result.ok
    assert result.first_bad_id == victim
    assert result.problems[0].kind == "edited"
    assert str(victim) in result.message
    assert len(result.problems) == 1  # the rows after it still link to its stored hash


def test_verify_names_a_row_edited_with_its_hash_recomputed(db, admin):
    """Editing a row and recomputing its own hash is caught by the next row's link."""
    ids = _add_rows(db, admin)
    victim = ids[2]
    with db.read() as session:
        row = session.get(AuditEntry, victim)
        forged = audit.row_hash(row.prev_hash, row.at, row.user_id, row.username, "delete",
                                row.entity, row.entity_id, row.details)
    with Tamper(db) as t:
        t.sql("UPDATE audit_log SET action = 'delete', hash = :h WHERE id = :id", h=forged, id=victim)
    result = audit_log.verify(db, admin)
    assert result.first_bad_id == victim
    assert result.problems[0].kind == "edited"


def test_verify_names_a_deleted_row(db, admin):
    ids = _add_rows(db, admin)
    with Tamper(db) as t:
        t.sql("DELETE FROM audit_log WHERE id = :id", id=ids[2])
    result = audit_log.verify(db, admin)
    assert result.first_bad_id == ids[3]
    assert result.problems[0].kind == "deleted"
    assert str(ids[2]) in result.problems[0].message


def test_verify_names_deleted_first_rows(db, admin):
    ids = _add_rows(db, admin)
    with Tamper(db) as t:
        t.sql("DELETE FROM audit_log WHERE id <= :id", id=ids[1])
    result = audit_log.verify(db, admin)
    assert result.first_bad_id == ids[2]
    assert result.problems[0].kind == "deleted"


def test_verify_names_reordered_rows(db, admin):
    ids = _add_rows(db, admin)
    a, b = ids[2], ids[3]
    with Tamper(db) as t:  # swap two rows by their ids
        t.sql("UPDATE audit_log SET id = -1 WHERE id = :a", a=a)
        t.sql("UPDATE audit_log SET id = :a WHERE id = :b", a=a, b=b)
        t.sql("UPDATE audit_log SET id = :b WHERE id = -1", b=b)
    result = audit_log.verify(db, admin)
    assert result.first_bad_id == a
    assert result.problems[0].kind == "reordered"


def test_verify_needs_audit_permission(db, admin, staff):
    with pytest.raises(PermissionDenied):
        audit_log.verify(db, staff)


# ------------------------------------------------------------------------------ viewer


def test_list_entries_filters_and_pages(db, admin, staff):
    auth.login(db, "petugas1", PASSWORD)
    _add_rows(db, admin, 30)
    page = audit_log.list_entries(db, admin, audit_log.AuditFilter(entity="resident"), 0, 10)
    assert page.total == 30 and len(page.rows) == 10
    assert page.rows[0].id > page.rows[-1].id  # newest first
    second = audit_log.list_entries(db, admin, audit_log.AuditFilter(entity="resident"), 10, 10)
    assert {r.id for r in page.rows}.isdisjoint(r.id for r in second.rows)
    logins = audit_log.list_entries(db, admin, audit_log.AuditFilter(username="petugas1", action="login"))
    assert logins.total == 1 and logins.rows[0].action_label in ("Masuk", "Logged in")
    today = date.today()
    assert audit_log.list_entries(db, admin, audit_log.AuditFilter(date_from=today, date_to=today)).total > 30
    assert audit_log.list_entries(db, admin, audit_log.AuditFilter(date_to=today - timedelta(days=1))).total == 0
    with pytest.raises(ValidationError):
        audit_log.list_entries(db, admin, audit_log.AuditFilter(date_from=today, date_to=today - timedelta(days=1)))
    choices = audit_log.filter_choices(db, admin)
    assert {"admin", "petugas1"} <= set(choices.usernames)
    assert {"resident", "user"} <= set(choices.entities)
    assert "login" in choices.actions


def test_details_text_is_readable():
    text = audit_log.describe_details('{"role": ["staff", "admin"], "rows": 5}')
    assert text == "Peran: Petugas → Administrator; Baris: 5"  # labels: test_audit_details.py


def test_staff_cannot_read_the_audit_log(db, admin, staff):
    with pytest.raises(PermissionDenied):
        audit_log.list_entries(db, staff)


def test_no_passwords_in_the_audit_log(db, admin):
    users.reset_password(db, admin, admin.id, "Baru-Sekali-77")
    auth.change_own_password(db, admin, "Baru-Sekali-77", "Lain-Lagi-88")
    with pytest.raises(AuthenticationError):
        auth.login(db, "admin", "Salah-Sekali-99")
    with db.read() as session:
        text = " ".join(session.execute(sa.select(AuditEntry.details)).scalars())
    for secret in (PASSWORD, "Baru-Sekali-77", "Lain-Lagi-88", "Salah-Sekali-99", "argon2"):
        assert secret not in text


# ------------------------------------------------------------------------------ export


def test_export_is_formula_safe_with_info_sheet(db, admin, tmp_path):
    with db.write() as session:
        audit.record(session, admin, "update", "resident", 1, {"note": "=HYPERLINK(\"http://x\")"})
        audit.record(session, admin, "update", "resident", 2, {})
    calls = []
    with db.write() as session:  # a user name an attacker chose, for the User column
        audit.record(session, None, "login_failed", "user", None, {}, username="=1+2")
    result = audit_log.export_xlsx(db, admin, tmp_path / "audit", progress=lambda *a: calls.append(a))
    assert result.path == tmp_path / "audit.xlsx" and result.path.exists()
    assert not list(tmp_path.glob("*.partial"))
    wb = load_workbook(result.path)
    sheet = wb.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(values) == result.rows == _row_count(db) - 1  # minus the export's own row
    user_cells = [row[2] for row in sheet.iter_rows(min_row=2) if row[2].value == "=1+2"]
    assert user_cells and user_cells[0].data_type == "s"
    detail_cells = [row[6] for row in sheet.iter_rows(min_row=2) if str(row[6].value).startswith("note")]
    assert detail_cells
    info = wb.worksheets[1]
    labels = [row[0].value for row in info.iter_rows()]
    assert len(labels) == 6
    with db.read() as session:
        last = session.execute(sa.select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).scalar_one()
    assert last.action == "export" and "audit.xlsx" in last.details
    assert calls  # progress reported at least at the end


def test_export_cancelled_leaves_no_file(db, admin, tmp_path):
    _add_rows(db, admin, 1200)

    def cancel(done, total, message):
        raise KeyboardInterrupt  # any exception from the progress callback cancels

    with pytest.raises(KeyboardInterrupt):
        audit_log.export_xlsx(db, admin, tmp_path / "audit.xlsx", progress=cancel)
    assert not list(tmp_path.glob("audit*"))


# ----------------------------------------------------------------- anchors in backups


@pytest.mark.sqlite_only
def test_verify_catches_deleted_newest_entries_with_a_backup_anchor(db, admin):
    """Deleting the last entries leaves a valid chain; the backup's sidecar still knows them."""
    from kesos_desktop.services import backup

    _add_rows(db, admin, 3)
    made = backup.create_backup(db, admin).info
    assert audit_log.verify(db, admin).ok
    with Tamper(db) as t:
        t.sql("DELETE FROM audit_log WHERE id >= :id", id=made.audit_head_id - 1)
    result = audit_log.verify(db, admin)
    assert not result.ok
    assert result.problems[0].kind == "deleted"
    assert made.name in result.problems[0].message


@pytest.mark.sqlite_only
def test_restore_of_an_older_backup_is_not_mistaken_for_tampering(db, admin):
    from kesos_desktop.services import backup

    older = backup.create_backup(db, admin).info.path
    _add_rows(db, admin, 3)
    backup.create_backup(db, admin)  # a newer anchor the restore rewinds past
    backup.restore_backup(db, admin, older)
    assert audit_log.verify(db, admin).ok


# ------------------------------------------------------- redaction by anonymisation (UU PDP)


def test_the_only_update_allowed_is_the_anonymisation_redaction(db, admin):
    from kesos_desktop.services.retention import redacted_details

    marker = redacted_details()
    ids = _add_rows(db, admin, 3)
    with db.engine.begin() as conn:  # the redaction itself: allowed
        conn.execute(sa.update(AuditEntry).where(AuditEntry.id == ids[0]).values(details=marker))
    for values in ({"details": '{"x": 1}'}, {"details": marker, "username": "lain"},
                   {"details": marker, "hash": "0" * 64}):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(sa.update(AuditEntry).where(AuditEntry.id == ids[1]).values(**values))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), db.engine.begin() as conn:
        conn.execute(sa.delete(AuditEntry).where(AuditEntry.id == ids[0]))
    # a redaction nobody recorded is tampering; one the anonymisation lists is not
    assert audit_log.verify(db, admin).first_bad_id == ids[0]
    with db.write() as session:
        audit.record(session, admin, "anonymize", "resident", 1, {"redacted_entries": [ids[0]]})
    assert audit_log.verify(db, admin).ok


def test_migration_marker_matches_the_service():
    import runpy

    from kesos_desktop import paths
    from kesos_desktop.services.retention import redacted_details

    migration = runpy.run_path(
        str(paths.migrations_dir() / "versions" / "0004_audit_log_redaction_only.py"))
    assert migration["REDACTED"] == redacted_details()


def test_export_refuses_more_rows_than_a_sheet_holds(db, admin, tmp_path, monkeypatch):
    _add_rows(db, admin, 5)
    monkeypatch.setattr(audit_log, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(ValidationError, match="Excel"):
        audit_log.export_xlsx(db, admin, tmp_path / "audit.xlsx")
    assert not list(tmp_path.glob("audit*"))


def test_rows_written_together_keep_the_chain(db, admin):
    """An export that reads many notes writes its read_note rows in one go, still chained."""
    _add_rows(db, admin)
    with db.write() as session:
        audit.record(session, admin, "update", "resident", 1, {"name": ["A", "B"]})
        written = audit.record_many(session, admin, "read_note", "counseling_note",
                                    [(n, {"via": "excel_export"}) for n in range(1, 51)])
        audit.record(session, admin, "export", "counseling_sessions", None, {"rows": 50})
    assert written == 50
    with db.read() as session:
        rows = session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.hash
    assert [r.entity_id for r in rows if r.action == "read_note"] == [str(n) for n in range(1, 51)]
    assert audit_log.verify(db, admin).ok
