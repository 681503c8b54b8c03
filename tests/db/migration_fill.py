"""Fill a database at an old revision with rows in every core table, then count them.

To test a new migration: ``fill_at_revision(db, "<previous revision>")``, upgrade to head,
and compare ``row_counts`` before and after. The SQL here is written against revision 0001's
columns on purpose: it is data as an older app wrote it.
"""

from __future__ import annotations

import sqlalchemy as sa

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database

_TS = "2025-01-02 03:04:05"

ROWS_0001 = [
    ("facility_profile", dict(id=1, name="Panti Lama", agency_line1="", agency_line2="", address="",
                              city="", phone="", email="", head_name="", head_nip="", head_title="",
                              capacity=10, logo_path="", registration_pattern="PM/{year}/{seq:04d}")),
    ("user_account", dict(id=1, username="lama", full_name="Pengguna Lama", role="counselor",
                          password_hash="x", active=True, is_supervisor=False,
                          must_change_password=False, failed_logins=0)),
    ("room", dict(id=1, name="Melati", sex="P", capacity=4, active=True)),
    ("resident", dict(id=1, reg_no="PM/2025/0001", nik=None, identity_unknown=True, name="Fiktif Satu",
                      sex="P", birth_year_estimated=1970, religion="unknown",
                      marital_status="unknown", education="unknown")),
    ("resident_category", dict(resident_id=1, category="gelandangan")),
    ("admission", dict(id=1, resident_id=1, admitted_on="2025-01-02", referral_source="satpol_pp",
                       approach="koersif", stage="intervensi", room_id=1, case_manager_id=1,
                       aftercare_status="none")),
    ("stage_change", dict(id=1, admission_id=1, to_stage="penerimaan", changed_on="2025-01-02",
                          recorded_at=_TS)),
    ("room_assignment", dict(id=1, admission_id=1, room_id=1, from_date="2025-01-02",
                             over_capacity_override=False)),
    ("counseling_session", dict(id=1, session_type="perorangan", level="mikro",
                                held_on="2025-01-03", counselor_id=1, status="done",
                                confidentiality="normal")),
    ("session_participant", dict(session_id=1, admission_id=1)),
    ("note_version", dict(id=1, session_id=1, version_no=1, kind="original", body="catatan fiktif",
                          author_id=1, written_at=_TS)),
]

_VERSIONED = {"facility_profile", "user_account", "room", "resident", "admission", "counseling_session"}


def fill_at_revision(db: Database, revision: str | None) -> None:
    migrate.upgrade(db, backup=False, target=revision or "0001")
    with db.engine.begin() as conn:
        for table, values in ROWS_0001:
            row = dict(values)
            if table in _VERSIONED:
                row.update(version=1, created_at=_TS, updated_at=_TS)
            columns = ", ".join(row)
            params = ", ".join(f":{k}" for k in row)
            conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), row)


def row_counts(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t != "alembic_version"]
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}
