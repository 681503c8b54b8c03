"""Bringing a facility's existing register in: matching rows to people already registered, and
writing a whole file in one transaction.

The spreadsheet side (reading, parsing cells, the place of each problem) is in
``excel/import_residents.py``; this module owns the permission check, the duplicate lookups
(batched: one query per 500 NIKs or names, never one per row) and the transaction. New people
are inserted with Core executemany; each gets a registration number from the same counter as the
intake wizard (``intake.allocate_reg_no``), so numbers stay unique. A row with an admission date
opens a stay (stage history and document checklist as the wizard does; consent is not in a
register and is recorded later on the person's file).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Counter,
    DocumentCheck,
    Resident,
    ResidentCategory,
    StageChange,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import AdmissionRequest, ResidentInput
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.context import requires
from kesos_desktop.services.intake import _counter_name, _pattern, allocate_reg_no

BATCH = 500
IDENTITY_FIELDS = ("name", "alias", "nik", "kk", "sex", "birth_place", "birth_date", "religion",
                   "address", "village", "district", "city", "province", "phone")


class ImportCancelled(Exception):
    """Cancelled by the user; the transaction was rolled back, nothing written."""


@dataclass(frozen=True)
class Candidate:
    """One valid row of the file, ready to write."""

    row: int  # Excel row number
    person: ResidentInput
    stay: AdmissionRequest | None = None


@dataclass(frozen=True)
class Match:
    resident_id: int
    reg_no: str
    name: str
    by_nik: bool  # same NIK (certain) rather than same name and birth date (probable)


@dataclass
class ImportCounts:
    new: int = 0
    updated: int = 0
    skipped: int = 0
    stays: int = 0
    changes: Changes = field(default_factory=lambda: Changes.of("resident", "admission"))


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def person_keys(person: ResidentInput, today: date) -> tuple[str | None, tuple | None]:
    """(NIK, name + birth date or estimated birth year): what makes two rows the same person."""
    born = person.birth_date or (today.year - person.estimated_age
                                 if person.estimated_age is not None else None)
    second = (_name_key(person.name), born) if person.name and born is not None else None
    return person.nik, second


def _chunks(items: Sequence, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _select_in(session: Session, columns: Sequence[sa.Column], key: sa.Column,
               values: Sequence, lower: bool = False) -> list[tuple]:
    """``SELECT columns WHERE key IN values`` (``lower(key)`` with ``lower``) in chunks,
    straight through the driver: building and compiling an expanding IN per chunk cost more
    than the lookups. The driver's raw values are returned (a date is text on SQLite)."""
    bind = session.get_bind()
    preparer = bind.dialect.identifier_preparer
    mark = "?" if bind.dialect.name == "sqlite" else "%s"
    names = ", ".join(preparer.quote(c.name) for c in columns)
    table = preparer.format_table(key.table)
    where = f"lower({preparer.quote(key.name)})" if lower else preparer.quote(key.name)
    found: list[tuple] = []
    conn = session.connection()
    for chunk in _chunks(values):
        sql = f"SELECT {names} FROM {table} WHERE {where} IN ({', '.join([mark] * len(chunk))})"
        found.extend(conn.exec_driver_sql(sql, tuple(chunk)).all())
    return found


def _as_date(value) -> date | None:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def match_in(session: Session, people: Sequence[ResidentInput], today: date,
             by_name_too: bool = True) -> list[Match | None]:
    """For each person, the registered resident they already are (by NIK, else name + birth;
    by NIK only when not ``by_name_too``)."""
    t = Resident.__table__
    niks = sorted({p.nik for p in people if p.nik})
    by_nik = {nik: Match(rid, reg_no, name, True) for rid, reg_no, name, nik in _select_in(
        session, (t.c.id, t.c.reg_no, t.c.name, t.c.nik), t.c.nik, niks)}
    names = sorted({_name_key(p.name) for p in people if p.name}) if by_name_too else []
    by_name: dict[tuple, Match] = {}
    for rid, reg_no, name, birth, year in _select_in(
            session, (t.c.id, t.c.reg_no, t.c.name, t.c.birth_date, t.c.birth_year_estimated),
            t.c.name, names, lower=True):
        key = (_name_key(name), _as_date(birth) if birth is not None else year)
        by_name.setdefault(key, Match(rid, reg_no, name, False))
    found: list[Match | None] = []
    for person in people:
        nik, second = person_keys(person, today)
        match = by_nik.get(nik) if nik else None
        if match is None and second is not None:
            match = by_name.get(second)
        found.append(match)
    return found


@requires(Action.EXCEL_IMPORT)
def find_existing(db: Database, actor: Actor, people: Sequence[ResidentInput],
                  today: date | None = None) -> list[Match | None]:
    with db.read() as session:
        return match_in(session, people, today or date.today())


def _resident_values(person: ResidentInput, reg_no: str, actor: Actor, today: date) -> dict:
    values = {key: getattr(person, key) for key in IDENTITY_FIELDS}
    values.update(
        reg_no=reg_no, identity_unknown=person.identity_unknown,
        marital_status=person.marital_status, education=person.education, notes=person.notes,
        birth_year_estimated=(today.year - person.estimated_age
                              if person.birth_date is None and person.estimated_age is not None
                              else None),
        version=1, updated_by=actor.username,
    )
    return values


def _reserve(session: Session, name: str, count: int) -> range:
    """``count`` consecutive values of counter ``name`` in one statement (as ``next_number``
    does one at a time: atomic, and the counter never goes back)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(Counter).values(name=name, value=count).on_conflict_do_update(
        index_elements=[Counter.name], set_={"value": Counter.value + count}).returning(Counter.value)
    last = session.execute(stmt).scalar_one()
    return range(last - count + 1, last + 1)


def allocate_reg_nos(session: Session, days: Sequence[date]) -> list[str]:
    """Registration numbers for stays starting on ``days``, from intake's pattern and counter,
    reserved in blocks per counter (one statement per year, not one per person). A number
    already taken (the pattern was changed back and forth) is replaced by
    ``intake.allocate_reg_no``'s own search."""
    pattern = _pattern(session)
    numbers: list[str | None] = [None] * len(days)
    by_counter: dict[str, list[int]] = {}
    for index, day in enumerate(days):
        by_counter.setdefault(_counter_name(pattern, day), []).append(index)
    for name, indexes in by_counter.items():
        for index, seq in zip(indexes, _reserve(session, name, len(indexes)), strict=True):
            numbers[index] = pattern.format(year=days[index].year, seq=seq)
    t = Resident.__table__
    taken = {r for (r,) in _select_in(session, (t.c.reg_no,), t.c.reg_no, [n for n in numbers if n])}
    if taken or len(set(numbers)) != len(numbers):
        seen: set[str] = set()
        for index, number in enumerate(numbers):
            while number in taken or number in seen:
                number = allocate_reg_no(session, days[index])
            seen.add(number)
            numbers[index] = number
    return numbers  # type: ignore[return-value]


def _bulk_insert(session: Session, table: sa.Table, rows: list[dict]) -> None:
    """executemany straight through the driver: the rows are plain values already, so Core's
    per-row parameter processing (a third of an import's time) is skipped. Column defaults
    are evaluated once for the batch, as Core would per row."""
    if not rows:
        return
    keys = list(rows[0])
    extra: dict[str, object] = {}
    for column in table.columns:
        if column.key in rows[0] or column.default is None:
            continue
        default = column.default
        extra[column.name] = default.arg(None) if default.is_callable else default.arg
    names = [table.c[k].name for k in keys] + list(extra)
    sqlite = session.get_bind().dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    preparer = session.get_bind().dialect.identifier_preparer
    sql = (f"INSERT INTO {preparer.format_table(table)} ({', '.join(preparer.quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    # column by column: only a column holding enums or dates is converted (most hold plain text)
    columns = [[row[k] for row in rows] for k in keys]
    for index, values in enumerate(columns):
        if any(type(v) not in _DRIVER_TYPES for v in values):
            columns[index] = [_plain(v, sqlite) for v in values]
    columns += [[_plain(v, sqlite)] * len(rows) for v in extra.values()]
    session.connection().exec_driver_sql(sql, list(zip(*columns, strict=True)))


_DRIVER_TYPES = frozenset({str, int, float, bool, type(None)})


def _plain(value: object, sqlite: bool) -> object:
    if isinstance(value, StrEnum):
        return value.value
    if sqlite and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if sqlite and isinstance(value, date):
        return value.isoformat()
    return value


def _insert_new(session: Session, actor: Actor, new: Sequence[Candidate], today: date,
                tick: Callable[[], None]) -> tuple[list[int], int]:
    reg_nos = allocate_reg_nos(session, [c.stay.admitted_on if c.stay else today for c in new])
    rows = []
    for candidate, reg_no in zip(new, reg_nos, strict=True):
        rows.append(_resident_values(candidate.person, reg_no, actor, today))
        tick()
    if not rows:
        return [], 0
    t = Resident.__table__
    # plain executemany (no RETURNING: several times faster), then the ids by the unique reg_no
    _bulk_insert(session, t, rows)
    id_of = {r: i for i, r in _select_in(session, (t.c.id, t.c.reg_no), t.c.reg_no, reg_nos)}
    ids = [id_of[r] for r in reg_nos]
    categories = [{"resident_id": rid, "category": c}
                  for rid, cand in zip(ids, new, strict=True) for c in dict.fromkeys(cand.person.categories)]
    if categories:
        _bulk_insert(session, ResidentCategory.__table__, categories)
    with_stay = [(rid, cand.stay) for rid, cand in zip(ids, new, strict=True) if cand.stay]
    if with_stay:
        a = Admission.__table__
        stays = [{
            "resident_id": rid, "admitted_on": stay.admitted_on,
            "referral_source": stay.referral_source, "approach": stay.approach,
            "referral_letter_no": stay.referral_letter_no, "stage": stay.stage,
            "version": 1, "updated_by": actor.username,
        } for rid, stay in with_stay]
        _bulk_insert(session, a, stays)
        stay_of = {r: i for i, r in _select_in(session, (a.c.id, a.c.resident_id), a.c.resident_id,
                                                [rid for rid, _stay in with_stay])}
        stay_ids = [stay_of[rid] for rid, _stay in with_stay]
        _bulk_insert(session, StageChange.__table__, [
            {"admission_id": sid, "from_stage": None, "to_stage": stay.stage,
             "changed_on": stay.admitted_on, "user_id": actor.id, "note": _("Admitted (import)")}
            for sid, (_rid, stay) in zip(stay_ids, with_stay, strict=True)])
        _empty_checklists(session, stay_ids)
    return ids, len(with_stay)


def _empty_checklists(session: Session, stay_ids: Sequence[int]) -> None:
    """Every document type unchecked for each new stay, built inside the database: one
    INSERT ... SELECT per 500 stays through the driver (row by row it is twice the work, and
    SQLAlchemy's expanding IN of thousands of ids cost more to compile than to run)."""
    bind = session.get_bind()
    preparer = bind.dialect.identifier_preparer
    mark = "?" if bind.dialect.name == "sqlite" else "%s"
    docs = [doc.value for doc in DocumentType]
    codes = " UNION ALL ".join(f"SELECT {mark} AS code" for _doc in docs)
    checks, stays = (preparer.format_table(t) for t in (DocumentCheck.__table__, Admission.__table__))
    conn = session.connection()
    for chunk in _chunks(stay_ids):
        conn.exec_driver_sql(
            f"INSERT INTO {checks} (admission_id, doc_type, present) "
            f"SELECT s.id, d.code, FALSE FROM {stays} s CROSS JOIN ({codes}) d "
            f"WHERE s.id IN ({', '.join([mark] * len(chunk))})", (*docs, *chunk))


def _update(session: Session, actor: Actor, resident_id: int, person: ResidentInput,
            today: date) -> bool:
    """Fill in what the file says (empty cells keep what is stored); True when anything changed."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        return False
    before = {key: getattr(resident, key) for key in IDENTITY_FIELDS}
    changed = False
    for key in IDENTITY_FIELDS:
        value = getattr(person, key)
        if value is not None and value != getattr(resident, key):
            setattr(resident, key, value)
            changed = True
    if person.birth_date is None and person.estimated_age is not None and resident.birth_date is None:
        year = today.year - person.estimated_age
        if resident.birth_year_estimated != year:
            resident.birth_year_estimated = year
            changed = True
    have = {c.category for c in resident.categories}
    for category in dict.fromkeys(person.categories):
        if category not in have:
            resident.categories.append(ResidentCategory(category=category))
            changed = True
    if not changed:
        return False
    resident.updated_by = actor.username
    session.flush()
    after = {key: getattr(resident, key) for key in IDENTITY_FIELDS}
    diff = audit.diff(before, after)
    diff.pop("nik", None)
    audit.record(session, actor, "update", "resident", resident.id, {"import": True, **diff})
    return True


@requires(Action.EXCEL_IMPORT)
def write_rows(db: Database, actor: Actor, new: Sequence[Candidate],
               updates: Sequence[tuple[int, Candidate]], skipped: int, source: str,
               progress: Callable[[int, int], None] | None = None,
               cancelled: Callable[[], bool] | None = None,
               today: date | None = None) -> ImportCounts:
    """Write every row of one file in one transaction: all or nothing.

    Checks again inside the transaction that no new person's NIK was registered meanwhile
    (another workstation); ``cancelled`` is polled every 200 rows and rolls everything back.
    """
    today = today or date.today()
    total = len(new) + len(updates)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % 50 == 0:
            time.sleep(0)  # the GUI thread's turn: see excel.writer.yield_gil
        if done % 200 == 0:
            if cancelled and cancelled():
                raise ImportCancelled()
            if progress:
                progress(done, total)

    counts = ImportCounts(skipped=skipped)
    with db.write() as session:
        late = [c for c, m in zip(new, match_in(session, [c.person for c in new], today, False),
                                  strict=True) if m is not None and m.by_nik]
        if late:
            from kesos_desktop.domain.errors import ValidationError

            raise ValidationError(_("Row {row}: this NIK was registered meanwhile on another "
                                    "workstation; check the file again.").format(row=late[0].row))
        ids, counts.stays = _insert_new(session, actor, new, today, tick)
        counts.new = len(ids)
        for resident_id, candidate in updates:
            if _update(session, actor, resident_id, candidate.person, today):
                counts.updated += 1
            else:
                counts.skipped += 1
            tick()
        if cancelled and cancelled():
            raise ImportCancelled()
        audit.record(session, actor, "import", "resident", None, {
            "file": source, "new": counts.new, "updated": counts.updated,
            "skipped": counts.skipped, "stays": counts.stays,
            "first_id": ids[0] if ids else None, "last_id": ids[-1] if ids else None,
        })
    if progress:
        progress(total, total)
    return counts



def _mapping_key(header_key: str) -> str:
    import hashlib

    return "import.residents.mapping." + hashlib.sha1(header_key.encode("utf-8")).hexdigest()[:16]


@requires(Action.EXCEL_IMPORT)
def remembered_mapping(db: Database, actor: Actor, header_key: str) -> dict[str, int] | None:
    """The column mapping last confirmed for a file with these headers, if any."""
    from kesos_desktop.services.common import get_setting

    with db.read() as session:
        value = get_setting(session, _mapping_key(header_key))
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else None


@requires(Action.EXCEL_IMPORT)
def remember_mapping(db: Database, actor: Actor, header_key: str, mapping: dict[str, int]) -> None:
    from kesos_desktop.services.common import put_setting

    with db.write() as session:
        put_setting(session, _mapping_key(header_key), mapping)
