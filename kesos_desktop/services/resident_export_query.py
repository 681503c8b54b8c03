"""The registry's view for an export, read as one streamed query instead of OFFSET pages.

Paging a 100,000-person view with OFFSET makes the database walk and sort every earlier row
again for each page (a quarter of a full export's time), and looking each page's details up
again by id cost as much once more. Here one query gives every column of the data induk PM,
person and shown stay joined, in the view's order; its cursor is read in batches
(``stream_results``: a server-side cursor on PostgreSQL, an ordinary one on SQLite) and only
the PPKS categories are fetched per batch. Order, filters and which stay is shown are the
registry's own (``resident_search``): the latest stay, or the one the filters chose.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import ResidentCategory
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    Approach,
    Education,
    MaritalStatus,
    PpksCategory,
    ReferralSource,
    Religion,
    Sex,
    Stage,
)
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import ResidentQuery
from kesos_desktop.services import resident_search as rs
from kesos_desktop.services.context import require, requires

BATCH = 2000


class RegisterRecord(NamedTuple):
    """One person of the view with everything the data induk PM shows (stay fields None when
    the person has no stay)."""

    resident_id: int
    admission_id: int | None
    reg_no: str
    name: str
    alias: str | None
    nik: str | None
    kk: str | None
    sex: Sex
    birth_place: str | None
    birth_date: date | None
    birth_year_estimated: int | None
    religion: Religion
    marital_status: MaritalStatus
    education: Education
    address: str | None
    village: str | None
    district: str | None
    city: str | None
    province: str | None
    phone: str | None
    admitted_on: date | None
    referral_source: ReferralSource | None
    approach: Approach | None
    stage: Stage | None
    room_name: str | None
    terminated_on: date | None
    categories: tuple[PpksCategory, ...] = ()


_R, _A = rs.R, rs.A
_ENUMS = {7: Sex, 11: Religion, 12: MaritalStatus, 13: Education, 21: ReferralSource, 22: Approach,
          23: Stage}  # record position -> enumeration (read as raw codes, looked up in a dict)
_DATES = (9, 20, 25)  # record positions of dates (text on SQLite, read without SQLAlchemy's processing)


def _columns() -> list:
    raw = sa.String()  # no result processing: the codes and dates are converted below, in bulk
    return [
        _R.c.id, _A.c.id, _R.c.reg_no, _R.c.name, _R.c.alias, _R.c.nik, _R.c.kk,
        sa.type_coerce(_R.c.sex, raw), _R.c.birth_place, sa.type_coerce(_R.c.birth_date, raw),
        _R.c.birth_year_estimated, sa.type_coerce(_R.c.religion, raw),
        sa.type_coerce(_R.c.marital_status, raw), sa.type_coerce(_R.c.education, raw),
        _R.c.address, _R.c.village, _R.c.district, _R.c.city, _R.c.province, _R.c.phone,
        sa.type_coerce(_A.c.admitted_on, raw), sa.type_coerce(_A.c.referral_source, raw),
        sa.type_coerce(_A.c.approach, raw), sa.type_coerce(_A.c.stage, raw), rs.ROOM.c.name,
        sa.type_coerce(_A.c.terminated_on, raw),
    ]


def view_statement(session, query: ResidentQuery, mode: str) -> sa.Select:
    """The registry's statement for ``query`` with every register column and without
    OFFSET/LIMIT: the stay shown is the one the registry pages show."""
    plan = rs._Plan(session, query, mode)
    order = rs._order(query, _A, plan.dialect)
    if not plan.join:  # filters on the person only: each one's latest stay, if any
        latest = sa.and_(_A.c.resident_id == _R.c.id, ~rs._newer_stay_exists(_A))
        source = _R.outerjoin(_A, latest).outerjoin(rs.ROOM, rs.ROOM.c.id == _A.c.room_id)
        return (sa.select(*_columns()).select_from(source)
                .where(*rs._resident_filters(query, mode, plan.walk), *rs._status_without_join(query))
                .order_by(*order))
    source = _A.join(_R, _R.c.id == _A.c.resident_id).outerjoin(rs.ROOM, rs.ROOM.c.id == _A.c.room_id)
    return (sa.select(*_columns()).select_from(source)
            .where(*rs._stay_filters(query, _A),
                   *rs._resident_filters(query, mode, plan.walk or (plan.dense and plan.few_current),
                                         plan.few_current))
            .order_by(*order))


def _categories(conn, ids: list[int]) -> dict[int, tuple[PpksCategory, ...]]:
    """The PPKS categories of a batch of people, by code as ``resident_common.categories_of``
    orders them; one driver-level query (an expanding IN of 2,000 ids costs more to compile)."""
    table = ResidentCategory.__table__
    preparer = conn.dialect.identifier_preparer
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    sql = (f"SELECT resident_id, category FROM {preparer.format_table(table)} "
           f"WHERE resident_id IN ({', '.join([mark] * len(ids))})")
    found: dict[int, list[str]] = {}
    for resident_id, code in conn.exec_driver_sql(sql, tuple(ids)):
        found.setdefault(resident_id, []).append(code)
    lookup = PpksCategory._value2member_map_
    return {rid: tuple(lookup[c] for c in sorted(codes)) for rid, codes in found.items()}


def _as_date(value) -> date | None:
    return date.fromisoformat(value[:10]) if type(value) is str else value


def _records(rows, categories: dict[int, tuple[PpksCategory, ...]]) -> list[RegisterRecord]:
    lookups = {i: e._value2member_map_ for i, e in _ENUMS.items()}
    records = []
    for n, row in enumerate(rows, start=1):
        if n % 250 == 0:
            time.sleep(0)  # the GUI thread's turn: see excel.writer.yield_gil
        values = list(row)
        for index, lookup in lookups.items():
            code = values[index]
            values[index] = None if code is None else lookup[code]
        for index in _DATES:
            values[index] = _as_date(values[index])
        values.append(categories.get(values[0], ()))
        records.append(RegisterRecord._make(values))
    return records


@requires(Action.EXCEL_EXPORT)
def register_batches(db: Database, actor: Actor, query: ResidentQuery, batch: int = BATCH
                     ) -> Iterator[list[RegisterRecord]]:
    """The view's people in the registry's order, ``batch`` at a time, all read in one
    transaction (a consistent snapshot). Close the iterator to stop early."""
    require(db, actor, Action.RESIDENT_VIEW)
    return _batches(db, query, batch)


def _batches(db: Database, query: ResidentQuery, batch: int) -> Iterator[list[RegisterRecord]]:
    mode = rs.search_mode(db)
    with db.read() as session:
        conn = session.connection()
        stmt = view_statement(session, query, mode)
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
        try:
            for part in result.partitions(batch):
                yield _records(part, _categories(conn, [row[0] for row in part]))
        finally:
            result.close()
