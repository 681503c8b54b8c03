"""The data induk PM for an export: every identity field of the people in a registry view.

The registry's own rows (``resident_search``) carry what the list shows; an export needs the
whole identity and the referral of the stay shown. Loaded in batches, one query per table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Approach, Education, MaritalStatus, ReferralSource, Religion
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import ResidentRow
from kesos_desktop.services.context import requires


@dataclass(frozen=True)
class RegisterEntry:
    row: ResidentRow
    kk: str | None
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
    referral_source: ReferralSource | None
    approach: Approach | None


@requires(Action.EXCEL_EXPORT)
def register_entries(db: Database, actor: Actor, rows: Sequence[ResidentRow]) -> list[RegisterEntry]:
    """The full entries for registry rows (one page of a view), in the same order."""
    if not rows:
        return []
    r, a = Resident.__table__, Admission.__table__
    ids = [row.resident_id for row in rows]
    stay_ids = [row.admission_id for row in rows if row.admission_id is not None]
    with db.read() as session:
        conn = session.connection()
        people = {p[0]: p for p in conn.execute(sa.select(
            r.c.id, r.c.kk, r.c.birth_place, r.c.birth_date, r.c.birth_year_estimated, r.c.religion,
            r.c.marital_status, r.c.education, r.c.address, r.c.village, r.c.district, r.c.city,
            r.c.province, r.c.phone).where(r.c.id.in_(ids)))}
        stays = {s[0]: s for s in conn.execute(sa.select(a.c.id, a.c.referral_source, a.c.approach)
                                               .where(a.c.id.in_(stay_ids)))} if stay_ids else {}
    entries = []
    for row in rows:
        p = people.get(row.resident_id)
        if p is None:
            continue
        stay = stays.get(row.admission_id)
        entries.append(RegisterEntry(
            row=row,
            kk=p[1], birth_place=p[2], birth_date=p[3], birth_year_estimated=p[4],
            religion=Religion(p[5]), marital_status=MaritalStatus(p[6]), education=Education(p[7]),
            address=p[8], village=p[9], district=p[10], city=p[11], province=p[12], phone=p[13],
            referral_source=ReferralSource(stay[1]) if stay and stay[1] else None,
            approach=Approach(stay[2]) if stay and stay[2] else None))
    return entries
