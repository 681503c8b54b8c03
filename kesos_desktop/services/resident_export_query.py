"""The registry's view for an export, read as one streamed query instead of OFFSET pages.

Paging a 100,000-person view with OFFSET makes the database walk and sort every earlier row
again for each page (a quarter of a full export's time). Here the view's ordered ids come from
one query whose cursor is read in batches (``stream_results``: a server-side cursor on
PostgreSQL, an ordinary one on SQLite), and each batch's details are loaded by primary key.
The order, filters and status rules are the registry's own (``resident_search``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Approach, Education, MaritalStatus, ReferralSource, Religion
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import ResidentQuery
from kesos_desktop.services import resident_search as rs
from kesos_desktop.services.context import require, requires
from kesos_desktop.services.resident_register import RegisterEntry

BATCH = 2000


def _ordered_ids(session, query: ResidentQuery, mode: str) -> sa.Select:
    """The statement ``resident_search`` pages with OFFSET/LIMIT, without them."""
    plan = rs._Plan(session, replace(query, offset=0), mode)
    order = rs._order(query, rs.A, plan.dialect)
    if not plan.join:
        return (sa.select(rs.R.c.id).where(*rs._resident_filters(query, mode, plan.walk),
                                           *rs._status_without_join(query)).order_by(*order))
    return (sa.select(rs.R.c.id, rs.A.c.id).select_from(rs.A.join(rs.R, rs.R.c.id == rs.A.c.resident_id))
            .where(*rs._stay_filters(query, rs.A),
                   *rs._resident_filters(query, mode, plan.walk or (plan.dense and plan.few_current),
                                         plan.few_current))
            .order_by(*order))


def _details(conn, rows) -> list[RegisterEntry]:
    """Everything the register shows beyond the registry row, for one batch of rows."""
    r, a = Resident.__table__, Admission.__table__
    people = {p[0]: p for p in conn.execute(sa.select(
        r.c.id, r.c.kk, r.c.birth_place, r.c.birth_date, r.c.birth_year_estimated, r.c.religion,
        r.c.marital_status, r.c.education, r.c.address, r.c.village, r.c.district, r.c.city,
        r.c.province, r.c.phone).where(r.c.id.in_([row.resident_id for row in rows])))}
    stay_ids = [row.admission_id for row in rows if row.admission_id is not None]
    stays = {s[0]: s for s in conn.execute(sa.select(a.c.id, a.c.referral_source, a.c.approach)
                                           .where(a.c.id.in_(stay_ids)))} if stay_ids else {}
    entries = []
    for row in rows:
        p = people.get(row.resident_id)
        if p is None:
            continue
        stay = stays.get(row.admission_id)
        entries.append(RegisterEntry(
            row=row, kk=p[1], birth_place=p[2], birth_date=p[3], birth_year_estimated=p[4],
            religion=Religion(p[5]), marital_status=MaritalStatus(p[6]), education=Education(p[7]),
            address=p[8], village=p[9], district=p[10], city=p[11], province=p[12], phone=p[13],
            referral_source=ReferralSource(stay[1]) if stay and stay[1] else None,
            approach=Approach(stay[2]) if stay and stay[2] else None))
    return entries


@requires(Action.EXCEL_EXPORT)
def register_batches(db: Database, actor: Actor, query: ResidentQuery, today: date | None = None,
                     batch: int = BATCH) -> Iterator[list[RegisterEntry]]:
    """The view's register entries in the registry's order, ``batch`` at a time, all read in
    one transaction (a consistent snapshot). Close the iterator to stop early."""
    require(db, actor, Action.RESIDENT_VIEW)
    return _batches(db, query, today or date.today(), batch)


def _batches(db: Database, query: ResidentQuery, today: date, batch: int) -> Iterator[list[RegisterEntry]]:
    mode = rs.search_mode(db)
    with db.read() as session:
        conn = session.connection()
        stmt = _ordered_ids(session, query, mode)
        result = conn.execution_options(stream_results=True, yield_per=batch).execute(stmt)
        try:
            for part in result.partitions(batch):
                if len(part[0]) == 1:  # no stay joined: each person's latest stay, if any
                    ids = [row[0] for row in part]
                    latest = rs._latest_stays(session, ids)
                    pairs = [(rid, latest.get(rid)) for rid in ids]
                else:
                    pairs = [(rid, aid) for rid, aid in part]
                yield _details(conn, rs.rows_for(session, pairs, today))
        finally:
            result.close()
