"""Demo data: an obviously fictional facility, filled fast enough to benchmark with 100,000 people.

``generate`` works in three steps:

1. a compact skeleton in memory: people, their stays (a stay's stage path and dates), beds
   (a per-sex heap of beds by the date they become free, so no room is ever over capacity) and
   training cohorts;
2. every row as a plain dict, written with SQLAlchemy Core ``insert`` executemany in chunks of
   5,000, parents before children (``metadata.sorted_tables``), all in ONE transaction: a killed
   run leaves an empty database;
3. group sessions, the audit entry and, on PostgreSQL, the id sequences.

The package: :mod:`.plan` and :mod:`.cohorts` make step 1, :mod:`.rows` and
:mod:`.rows_services` step 2, :mod:`.write` writes; :mod:`.common` holds the proportions and
time stamps they share, :mod:`.names` the word lists (also ``demo.words``).

Everything comes from ``random.Random(seed)`` and ``today``: the same arguments give the same
database. Nothing here is anyone's data: names are built from syllables, places lie in the
fictional "Provinsi Contoh", NIKs start with the non-existent province code 99.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

import sqlalchemy as sa

from kesos_desktop.db.base import Base
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.auth import hash_password
from kesos_desktop.services.context import requires
from kesos_desktop.services.demo import names as words
from kesos_desktop.services.demo.common import HISTORY_DAYS, Progress
from kesos_desktop.services.demo.plan import _Skeleton
from kesos_desktop.services.demo.rows import _Rows
from kesos_desktop.services.demo.write import (
    CHUNK,
    STAYS_PER_FLUSH,
    _reset_sequences,
    _write_basics,
    _Writer,
)

__all__ = ["PASSWORD", "USERNAMES", "DemoStats", "Progress", "generate", "words"]


PASSWORD = "demo"
USERNAMES = tuple(user[0] for user in words.USERS)


@dataclass(frozen=True)
class DemoStats:
    """Rows written per table, plus the headline figures."""

    rows: Mapping[str, int]
    residents: int
    stays: int
    current_stays: int
    beds: int

    def __str__(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.rows.items() if count)
        return _("{residents} residents, {stays} stays ({current} in the facility, {beds} beds); "
                 "rows per table: {tables}").format(residents=self.residents, stays=self.stays,
                                                   current=self.current_stays, beds=self.beds,
                                                   tables=tables)


def _training_days(residents: int) -> int:
    """Attendance (sessions x enrolled) is the largest table: big demos keep two years of it."""
    return HISTORY_DAYS if residents <= 20_000 else 2 * 365


def _holidays(today: date) -> dict[date, str]:
    days = {}
    for year in range(today.year - HISTORY_DAYS // 365 - 1, today.year + 2):
        for (month, day), name in words.HOLIDAYS:
            days[date(year, month, day)] = name
    return days


@requires(None, reason="fills an empty database with fictional data; refused if any user exists")
def generate(
    db: Database,
    residents: int = 400,
    seed: int = 20261123,
    progress: Progress | None = None,
    today: date | None = None,
) -> DemoStats:
    """Fill an empty database with a fictional facility; the same seed gives the same data."""
    if residents < 1:
        raise ValidationError(_("The number of residents must be at least 1."))
    today = today or date.today()
    rng = random.Random(seed)
    report = progress or (lambda done, total, message: None)
    password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
    training_days = _training_days(residents)
    with db.write() as session:
        if session.execute(sa.select(sa.func.count(User.id))).scalar_one():
            raise ValidationError(
                _("This database already has users: demo data is written only into an empty database.")
            )
        connection = session.connection()
        if db.is_sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB while indexes grow
        writer = _Writer(connection)
        users = _write_basics(writer, password_hash, today)
        skeleton = _Skeleton(rng, residents, today)
        skeleton.build(report)
        holidays = _holidays(today)
        writer.buffers["holiday"] = [{"day": d, "name": n} for d, n in sorted(holidays.items())]
        writer.buffers["room"] = skeleton.rooms(writer.next_ids["room"])
        skeleton.allocate_beds()
        programs, sessions = skeleton.cohorts(
            training_days, writer.next_ids["training_program"], writer.next_ids["training_session"],
            writer.next_ids["enrollment"], set(holidays), users["instruktur"])
        writer.buffers["training_program"] = programs
        writer.buffers["training_session"] = sessions
        connection.execute(
            sa.update(Base.metadata.tables["facility_profile"]).values(capacity=skeleton.total_beds))
        writer.flush()
        rows = _Rows(rng, writer, skeleton, users)
        for index, person in enumerate(skeleton.people):
            rows.person(person)
            if index % CHUNK == CHUNK - 1:
                writer.flush()
                report(index + 1, residents, _("Writing residents"))
        writer.flush()
        total = len(skeleton.stays)
        for index, stay in enumerate(skeleton.stays):
            rows.stay(stay)
            if index % STAYS_PER_FLUSH == STAYS_PER_FLUSH - 1:
                writer.flush()
                report(index + 1, total, _("Writing stays, services and training"))
        writer.flush()
        report(total, total, _("Writing group sessions"))
        rows.group_sessions(training_days)
        # the app's own numbering continues after the demo's (intake.py, training_completion.py)
        writer.buffers["counter"] = [
            *({"name": f"reg:{year}", "value": seq} for year, seq in sorted(rows.registrations.items())),
            *({"name": f"cert:{year}", "value": seq} for year, seq in sorted(rows.certificates.items())),
        ]
        writer.flush()
        if not db.is_sqlite:
            _reset_sequences(connection)
        admin = Actor(users["admin"], "admin", "Administrator Demo", Role.ADMIN)
        audit.record(session, admin, "demo_generate", "database", None,
                     {"residents": residents, "seed": seed, "today": today})
        if db.is_sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
    counts = dict(writer.counts)
    counts["audit_log"] += 1
    current = sum(1 for stay in skeleton.stays if stay.current)
    return DemoStats(MappingProxyType(counts), residents, total, current, skeleton.total_beds)
