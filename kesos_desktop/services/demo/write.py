"""Writing: rows buffered per table and inserted parents-first with Core executemany in
chunks; the facility profile and users first; PostgreSQL's sequences afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from kesos_desktop.db.base import Base, now
from kesos_desktop.services.demo import names as words
from kesos_desktop.services.demo.common import (
    HISTORY_DAYS,
    REGISTRATION_PATTERN,
    _stamps,
)

CHUNK = 5_000  # rows per executemany
STAYS_PER_FLUSH = 1_000


# --------------------------------------------------------------------------- writing


class _Writer:
    """Buffers rows per table and writes them parents-first with Core executemany."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.tables = list(Base.metadata.sorted_tables)
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = {table.name: 0 for table in self.tables}
        self.next_ids: dict[str, int] = {}
        for table in self.tables:
            if "id" in table.c and table.c.id.primary_key:
                top = connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
                self.next_ids[table.name] = (top or 0) + 1

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def reserve(self, table: str, count: int) -> int:
        first = self.next_ids[table]
        self.next_ids[table] = first + count
        return first

    def flush(self) -> None:
        for table in self.tables:
            rows = self.buffers.pop(table.name, None)
            if not rows:
                continue
            statement = table.insert()
            for start in range(0, len(rows), CHUNK):
                self.connection.execute(statement, rows[start:start + CHUNK])
            self.counts[table.name] += len(rows)


def _write_basics(writer: _Writer, password_hash: str, today: date) -> dict[str, int]:
    """Facility profile and users, written at once (everything else points at them)."""
    facility = Base.metadata.tables["facility_profile"]
    connection = writer.connection
    values = {**words.FACILITY, "capacity": 0, "registration_pattern": REGISTRATION_PATTERN}
    if connection.execute(sa.select(facility.c.id)).first():
        connection.execute(sa.update(facility).values(**values))
    else:
        writer.buffers["facility_profile"].append({
            "id": 1, **values, "logo_path": "",
            **_stamps(today - timedelta(days=HISTORY_DAYS + 30)),
        })
    users = {}
    moment = now()
    for username, full_name, role, supervisor in words.USERS:
        user_id = writer.new_id("user_account")
        users[username] = user_id
        writer.buffers["user_account"].append({
            "id": user_id, "username": username, "full_name": full_name,
            "nip": f"1234567890123456{user_id % 100:02d}", "role": role,
            "password_hash": password_hash, "active": True, "is_supervisor": supervisor,
            "must_change_password": False, "failed_logins": 0, "locked_until": None,
            "last_login_at": None, "password_changed_at": moment,
            **_stamps(today - timedelta(days=HISTORY_DAYS + 30)),
        })
    writer.flush()
    return users


def _reset_sequences(connection: sa.Connection) -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.name != "audit_log":
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ))
