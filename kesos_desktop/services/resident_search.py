"""The registry query: search, filter, sort and page residents in SQL, never in Python.

One row per person, showing their latest stay (the open one for current residents). Two steps:
first the ids of one page (only the columns needed to filter and sort), then the details of
those 100 rows. Text search uses the FTS5 table on SQLite and a tsvector GIN index on
PostgreSQL (migration 0003), both matching word prefixes: "sit ami" finds "Siti Aminah".
A single letter matches names starting with it, through the lower(name) index. When FTS5 is
missing (an SQLite built without it), the same words are matched with LIKE.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import date
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Consent, Resident, ResidentCategory, Room, User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import PpksCategory, Sex, Stage
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import (
    Page,
    ResidentQuery,
    ResidentRow,
    ResidentStatus,
    SortKey,
)
from kesos_desktop.domain.validation import age_on
from kesos_desktop.services.context import requires

MAX_PAGE = 1000

# Core tables, not ORM entities: building ORM aliases costs more than running these queries.
R = Resident.__table__
A = Admission.__table__.alias("a")
NEWER = Admission.__table__.alias("newer")
STAY = Admission.__table__
CAT = ResidentCategory.__table__
ROOM = Room.__table__
USER = User.__table__
R_INNER = Resident.__table__.alias("r_inner")
LATEST_CONSENT = Consent.__table__.alias("latest_consent")
_WORD = re.compile(r"\w+", re.UNICODE)

# Must stay identical to the index expression of migration 0003.
PG_TSVECTOR = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "coalesce(name, '') || ' ' || coalesce(alias, '') || ' ' || coalesce(nik, '') || ' ' "
    "|| coalesce(reg_no, ''), '[^[:alnum:]]+', ' ', 'g'))"
)

FTS_COLUMNS = "name, alias, nik, reg_no"
SQLITE_FTS_TRIGGERS = {
    "resident_fts_ai": f"""CREATE TRIGGER resident_fts_ai AFTER INSERT ON resident BEGIN
        INSERT INTO resident_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.name, new.alias, new.nik, new.reg_no);
    END""",
    "resident_fts_ad": f"""CREATE TRIGGER resident_fts_ad AFTER DELETE ON resident BEGIN
        INSERT INTO resident_fts(resident_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.name, old.alias, old.nik, old.reg_no);
    END""",
    "resident_fts_au": f"""CREATE TRIGGER resident_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON resident
    BEGIN
        INSERT INTO resident_fts(resident_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.name, old.alias, old.nik, old.reg_no);
        INSERT INTO resident_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.name, new.alias, new.nik, new.reg_no);
    END""",
}

_modes: WeakKeyDictionary = WeakKeyDictionary()
_open_counts: WeakKeyDictionary = WeakKeyDictionary()  # engine -> (monotonic time, open stays)
_modes_lock = threading.Lock()


# ---------------------------------------------------------------------------- search mode


def _fts_objects(connection) -> set[str]:
    return {row[0] for row in connection.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE name LIKE 'resident_fts%'")}


def ensure_sqlite_fts(connection) -> bool:
    """Make sure the FTS table's triggers exist (a batch rebuild of ``resident`` drops them);
    recreate them and rebuild the index when they were missing. True when FTS5 is usable."""
    names = _fts_objects(connection)
    if "resident_fts" not in names:
        return False
    missing = [name for name in SQLITE_FTS_TRIGGERS if name not in names]
    if missing:
        for name in missing:
            connection.exec_driver_sql(SQLITE_FTS_TRIGGERS[name])
        connection.exec_driver_sql("INSERT INTO resident_fts(resident_fts) VALUES ('rebuild')")
    return True


@requires(None, reason="internal: which text index this database has; returns no data")
@requires(None, reason="looks at the schema (FTS5 table present?) to choose how to search; "
                       "reads no personal data and is called by entry points that check")
def search_mode(db: Database) -> str:
    """"fts5", "tsvector" or "like", decided once per database engine."""
    with _modes_lock:
        mode = _modes.get(db.engine)
        if mode is not None:
            return mode
        if db.is_sqlite:
            with db.read() as session:
                names = _fts_objects(session.connection())
            if "resident_fts" in names and not set(SQLITE_FTS_TRIGGERS) <= names:
                with db.write() as session:  # repair only when something is missing
                    ensure_sqlite_fts(session.connection())
            mode = "fts5" if "resident_fts" in names else "like"
        elif db.engine.dialect.name == "postgresql":
            mode = "tsvector"
        else:
            mode = "like"
        _modes[db.engine] = mode
        return mode


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text or "")]


def fts_query(tokens: list[str]) -> str:
    return " ".join(f'"{t}"*' for t in tokens)


def _fts_ids(match: str):
    return (sa.select(sa.literal_column("rowid")).select_from(sa.table("resident_fts"))
            .where(sa.text("resident_fts MATCH :fts_query").bindparams(fts_query=match)))


def _haystack():
    """Every searchable word of a person, space-separated, for LIKE '% word%' matching."""
    reg_no = sa.func.replace(sa.func.replace(sa.func.lower(R.c.reg_no), "/", " "), "-", " ")
    return (" " + sa.func.lower(R.c.name) + " " + sa.func.lower(sa.func.coalesce(R.c.alias, ""))
            + " " + sa.func.coalesce(R.c.nik, "") + " " + reg_no)


def word_prefix_like(text: str):
    """Word-prefix matching with LIKE, for a few hundred rows (current residents) where
    building a list of tens of thousands of full-text matches would cost more."""
    haystack = _haystack()
    conditions = []
    for token in words(text):
        escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(haystack.like(f"% {escaped}%", escape="\\"))
    return sa.and_(*conditions)


def text_condition(mode: str, text: str, dense: bool = False, id_column=None):
    """A WHERE condition on ``resident`` for the search text, or None for blank text.

    ``dense``: the words match many people, so SQLite should walk the rows in sort order and
    test membership, instead of fetching every match and sorting them (``id + 0`` stops it
    from using the primary key to drive the query).
    """
    tokens = words(text)
    if not tokens:
        return None
    if len(tokens) == 1 and len(tokens[0]) == 1:
        return _starts_with(tokens[0])
    if mode == "fts5":
        column = R.c.id if id_column is None else id_column
        return (column + 0 if dense else column).in_(_fts_ids(fts_query(tokens)))
    if mode == "tsvector":
        query = " & ".join(f"{t}:*" for t in tokens)
        return R.c.id.in_(
            sa.select(R_INNER.c.id).where(
                sa.text(f"{PG_TSVECTOR} @@ to_tsquery('simple'::regconfig, :ts_query)")
                .bindparams(ts_query=query)
            )
        )
    conditions = []
    for token in tokens:
        pattern = "%" + token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(sa.or_(
            sa.func.lower(R.c.name).like(pattern, escape="\\"),
            sa.func.lower(R.c.alias).like(pattern, escape="\\"),
            R.c.nik.like(pattern, escape="\\"),
            sa.func.lower(R.c.reg_no).like(pattern, escape="\\"),
        ))
    return sa.and_(*conditions)


def _starts_with(letter: str):
    """Names starting with one letter, as an index range on lower(name)."""
    upper = letter[:-1] + chr(ord(letter[-1]) + 1)
    lowered = sa.func.lower(R.c.name)
    pattern = letter.replace("_", "\\_") + "%"
    return sa.and_(lowered >= letter, lowered < upper, lowered.like(pattern, escape="\\"))


def text_match_count(session: Session, mode: str, text: str) -> int | None:
    """How many people the search words match (cheap with FTS5), or None when not known."""
    tokens = words(text)
    if mode != "fts5" or not tokens or (len(tokens) == 1 and len(tokens[0]) == 1):
        return None
    return session.connection().execute(
        sa.select(sa.func.count()).select_from(_fts_ids(fts_query(tokens)).subquery())
    ).scalar_one()


# ---------------------------------------------------------------------------- consent


def consent_on_record(resident_id):
    """SQL 1 when the person's latest consent (by date given) is not withdrawn, else 0: the rule
    of ``services.consent``, as one probe of ix_consent_latest (0006) per person."""
    c = LATEST_CONSENT.c
    latest = (sa.select(sa.case((c.withdrawn_on.is_(None), 1), else_=0))
              .where(c.resident_id == resident_id)
              .order_by(c.given_on.desc(), c.id.desc()).limit(1).scalar_subquery())
    return sa.func.coalesce(latest, 0)


def lacks_consent(resident_id):
    """Condition: no consent on record for ``resident_id``. One index probe per person is
    cheaper on both databases than the list of every consented person it replaced (at 100,000
    people: SQLite 60-180 -> 10-15 ms, PostgreSQL 170 -> 40 ms for the current residents)."""
    return consent_on_record(resident_id) == 0


# ---------------------------------------------------------------------------- the query

DENSE_MATCHES = 4000  # above this many matches, walk the name index instead of sorting matches
FEW_CURRENT = 3000  # up to this many open stays, current-resident queries start from them
_STAY_SORTS = {SortKey.ADMITTED_ON, SortKey.STAGE, SortKey.ROOM, SortKey.CASE_MANAGER}


def _stay_filtered(query: ResidentQuery) -> bool:
    """Filters on the stay itself (beyond current / former)."""
    return (
        query.stage is not None or query.room_id is not None
        or query.case_manager_id is not None or query.admitted_from is not None
        or query.admitted_to is not None
    )


def _needs_stay_filter(query: ResidentQuery) -> bool:
    """Whether the rows can only be chosen by looking at each person's latest stay."""
    return query.status == ResidentStatus.CURRENT or _stay_filtered(query)


def _needs_stay_join(query: ResidentQuery) -> bool:
    """Whether the page can only be found by joining each person's latest stay."""
    return _needs_stay_filter(query) or query.sort in _STAY_SORTS


def _newer_stay_exists(a):
    n = NEWER.c
    return sa.exists().where(
        n.resident_id == a.c.resident_id,
        sa.or_(n.admitted_on > a.c.admitted_on,
               sa.and_(n.admitted_on == a.c.admitted_on, n.id > a.c.id)),
    )


def _resident_filters(query: ResidentQuery, mode: str, dense: bool, few_current: bool = False) -> list:
    """Conditions on the person. ``few_current``: the query walks the (few) open stays, where
    LIKE on each is cheaper than a list of tens of thousands of full-text matches."""
    conditions = []
    if dense and few_current and mode == "fts5":
        conditions.append(word_prefix_like(query.text))
    elif (condition := text_condition(mode, query.text, dense)) is not None:
        conditions.append(condition)
    if query.category is not None:
        conditions.append(R.c.id.in_(
            sa.select(CAT.c.resident_id).where(CAT.c.category == str(query.category))
        ))
    if query.sex is not None:
        conditions.append(R.c.sex == str(query.sex))
    if query.without_consent:
        conditions.append(lacks_consent(R.c.id))
    return conditions


def _stay_filters(query: ResidentQuery, a) -> list:
    conditions = []
    c = a.c
    if query.status == ResidentStatus.CURRENT:
        conditions.append(c.terminated_on.is_(None))
    else:
        # the open stay, if any, is always the latest; otherwise the most recent one
        conditions.append(~_newer_stay_exists(a))
        if query.status == ResidentStatus.FORMER:
            conditions.append(c.terminated_on.is_not(None))
    if query.stage is not None:
        conditions.append(c.stage == str(query.stage))
    if query.room_id is not None:
        conditions.append(c.room_id == query.room_id)
    if query.case_manager_id is not None:
        conditions.append(c.case_manager_id == query.case_manager_id)
    if query.admitted_from is not None:
        conditions.append(c.admitted_on >= query.admitted_from)
    if query.admitted_to is not None:
        conditions.append(c.admitted_on <= query.admitted_to)
    return conditions


def _status_without_join(query: ResidentQuery) -> list:
    open_stay = sa.exists().where(STAY.c.resident_id == R.c.id, STAY.c.terminated_on.is_(None))
    if query.status == ResidentStatus.CURRENT:
        return [open_stay]
    if query.status != ResidentStatus.FORMER:
        return []
    any_stay = sa.exists().where(STAY.c.resident_id == R.c.id)
    return [any_stay, ~open_stay]


def _birth_sort_value(dialect: str):
    if dialect == "postgresql":
        return sa.func.coalesce(R.c.birth_date, sa.func.make_date(R.c.birth_year_estimated, 7, 1))
    return sa.func.coalesce(R.c.birth_date, sa.cast(R.c.birth_year_estimated, sa.String) + "-07-01")


def _order(query: ResidentQuery, a, dialect: str) -> list:
    def direction(expr, reverse: bool = False):
        desc = query.descending != reverse
        return expr.desc() if desc else expr.asc()

    name = sa.func.lower(R.c.name)
    key = query.sort
    if key == SortKey.ADMITTED_ON:
        return [direction(a.c.admitted_on), direction(a.c.id)]
    if key == SortKey.REG_NO:
        return [direction(R.c.reg_no)]
    if key == SortKey.NIK:
        return [R.c.nik.is_(None).asc(), direction(R.c.nik), direction(R.c.id)]
    if key == SortKey.SEX:
        return [direction(R.c.sex), name.asc(), R.c.id.asc()]
    if key == SortKey.AGE:  # youngest first = latest birth date first
        return [direction(_birth_sort_value(dialect), reverse=True), direction(R.c.id)]
    if key == SortKey.CATEGORY:
        first = (sa.select(sa.func.min(CAT.c.category))
                 .where(CAT.c.resident_id == R.c.id).scalar_subquery())
        return [direction(first), name.asc(), R.c.id.asc()]
    if key == SortKey.STAGE:
        order = sa.case({stage.value: n for n, stage in enumerate(Stage)}, value=a.c.stage, else_=99)
        return [direction(order), name.asc(), R.c.id.asc()]
    if key == SortKey.ROOM:
        room = sa.select(ROOM.c.name).where(ROOM.c.id == a.c.room_id).scalar_subquery()
        return [a.c.room_id.is_(None).asc(), direction(room), name.asc(), R.c.id.asc()]
    if key == SortKey.CASE_MANAGER:
        manager = sa.select(USER.c.full_name).where(USER.c.id == a.c.case_manager_id).scalar_subquery()
        return [a.c.case_manager_id.is_(None).asc(), direction(manager), name.asc(), R.c.id.asc()]
    return [direction(name), direction(R.c.id)]


def _latest_stays(session: Session, resident_ids: list[int]) -> dict[int, int]:
    if not resident_ids:
        return {}
    rows = _conn(session).execute(
        sa.select(A.c.resident_id, A.c.id).where(A.c.resident_id.in_(resident_ids),
                                                 ~_newer_stay_exists(A))
    )
    return dict(rows.all())


def _conn(session: Session):
    """The session's connection: Core statements skip the ORM's execution layer."""
    return session.connection()


class _Plan:
    """How one query will run: the join or not, dense text or not, the text's match count."""

    def __init__(self, session: Session, query: ResidentQuery, mode: str):
        self.query, self.mode = query, mode
        self.dialect = session.get_bind().dialect.name
        self.matches = text_match_count(session, mode, query.text)
        self.dense = self.matches is not None and self.matches > DENSE_MATCHES
        self.open_count = None
        if query.status == ResidentStatus.CURRENT:
            self.open_count = _open_stays_for_plan(session) if query.filtered else _open_stays(_conn(session))
        # Few current residents (a real facility: hundreds): walk their open stays. Many (a
        # large demo): walk the name index and test "has an open stay" per person instead.
        self.few_current = self.open_count is not None and self.open_count <= FEW_CURRENT
        tokens = words(query.text)
        has_text = bool(tokens) and not (len(tokens) == 1 and len(tokens[0]) == 1)
        self.fts_only = (has_text and mode == "fts5" and query.category is None
                         and query.sex is None and not query.without_consent)
        self.join = _needs_stay_join(query) and (
            query.status != ResidentStatus.CURRENT or self.few_current or _stay_filtered(query)
            or query.sort in _STAY_SORTS or has_text)
        # current residents matching words: start from the open stays and test each against the
        # list of matches; walking the name index is a gamble when few matches are current
        self.walk = self.dense and query.status != ResidentStatus.CURRENT
        # Words matched through the stays: every match is found and sorted before the page is
        # cut, so that same pass counts them (count(*) OVER ()) instead of a second query.
        self.counted_with_page = self.join and has_text and not self.walk and query.with_total
        self.total: int | None = None

    def ids(self, session: Session) -> list[tuple[int, int | None]]:
        query = self.query
        offset, limit = max(query.offset, 0), max(1, min(query.limit, MAX_PAGE))
        if not self.join:
            stmt = (sa.select(R.c.id).where(*_resident_filters(query, self.mode, self.walk),
                                            *_status_without_join(query))
                    .order_by(*_order(query, A, self.dialect)).offset(offset).limit(limit))
            resident_ids = list(_conn(session).execute(stmt).scalars())
            latest = _latest_stays(session, resident_ids)
            return [(rid, latest.get(rid)) for rid in resident_ids]
        columns = [R.c.id, A.c.id] + ([sa.func.count().over()] if self.counted_with_page else [])
        stmt = (
            sa.select(*columns).select_from(A.join(R, R.c.id == A.c.resident_id))
            .where(*_stay_filters(query, A),
                   *_resident_filters(query, self.mode, self.walk or (self.dense and self.few_current),
                                      self.few_current))
            .order_by(*_order(query, A, self.dialect)).offset(offset).limit(limit)
        )
        rows = _conn(session).execute(stmt).all()
        if self.counted_with_page and (rows or offset == 0):  # past the end: count apart
            self.total = rows[0][2] if rows else 0
        return [(row[0], row[1]) for row in rows]

    def count(self, session: Session) -> int:
        query, conn = self.query, _conn(session)
        if self.total is not None:
            return self.total
        if query.status == ResidentStatus.CURRENT and not query.filtered:
            return self.open_count
        if not _stay_filtered(query):
            if query.status == ResidentStatus.ALL and self.matches is not None \
                    and query.category is None and query.sex is None and not query.without_consent:
                return self.matches
            if query.status == ResidentStatus.ALL and not query.filtered:
                return conn.execute(sa.select(sa.func.count()).select_from(R)).scalar_one()
            if query.status == ResidentStatus.FORMER and not query.filtered:
                with_stay = conn.execute(
                    sa.select(sa.func.count(sa.distinct(STAY.c.resident_id)))).scalar_one()
                return with_stay - _open_stays(conn)
            if query.status != ResidentStatus.CURRENT or not self.join:
                # counting starts from the matches (no order to follow)
                stmt = sa.select(sa.func.count()).select_from(R).where(
                    *_resident_filters(query, self.mode, False), *_status_without_join(query))
                return conn.execute(stmt).scalar_one()
        if (query.status == ResidentStatus.CURRENT and self.fts_only and not self.few_current
                and not _stay_filtered(query)):
            # open stays whose person is in the match list: the covering index alone answers
            return conn.execute(sa.select(sa.func.count()).select_from(A).where(
                A.c.terminated_on.is_(None),
                text_condition(self.mode, query.text, id_column=A.c.resident_id),
            )).scalar_one()
        dense = self.dense and self.few_current  # LIKE over a few open stays, else the match list
        stmt = (sa.select(sa.func.count()).select_from(A.join(R, R.c.id == A.c.resident_id))
                .where(*_stay_filters(query, A),
                       *_resident_filters(query, self.mode, dense, self.few_current)))
        return conn.execute(stmt).scalar_one()


def _open_stays(conn) -> int:
    count = conn.execute(
        sa.select(sa.func.count()).select_from(STAY).where(STAY.c.terminated_on.is_(None))
    ).scalar_one()
    _open_counts[conn.engine] = (time.monotonic(), count)
    return count


PLAN_HINT_SECONDS = 30.0


def _open_stays_for_plan(session: Session) -> int:
    """How many stays are open, only to choose a plan (never shown): a count up to
    PLAN_HINT_SECONDS old spares a query per keystroke and cannot change which rows match."""
    conn = _conn(session)
    counted = _open_counts.get(conn.engine)
    if counted is not None and time.monotonic() - counted[0] < PLAN_HINT_SECONDS:
        return counted[1]
    return _open_stays(conn)


def _categories_text(dialect: str):
    """A person's PPKS category codes as one comma-separated string (NULL when none)."""
    join = sa.func.string_agg if dialect == "postgresql" else sa.func.group_concat
    return sa.select(join(CAT.c.category, ",")).where(CAT.c.resident_id == R.c.id).scalar_subquery()


def _row_details(session: Session, ids: list[tuple[int, int | None]]):
    """Everything the rows show, in one query: the person, the given stay, its room and case
    manager, the categories and the consent flag (four round trips before)."""
    dialect = session.get_bind().dialect.name
    admission_ids = [aid for _rid, aid in ids if aid is not None] or [-1]
    stmt = (
        sa.select(R.c.id, R.c.reg_no, R.c.name, R.c.alias, R.c.nik, R.c.sex, R.c.birth_date,
                  R.c.birth_year_estimated, R.c.identity_unknown, STAY.c.id, STAY.c.stage, ROOM.c.name,
                  STAY.c.admitted_on, STAY.c.terminated_on, USER.c.full_name,
                  _categories_text(dialect), consent_on_record(R.c.id))
        .select_from(R.outerjoin(STAY, sa.and_(STAY.c.resident_id == R.c.id, STAY.c.id.in_(admission_ids)))
                     .outerjoin(ROOM, ROOM.c.id == STAY.c.room_id)
                     .outerjoin(USER, USER.c.id == STAY.c.case_manager_id))
        .where(R.c.id.in_([rid for rid, _aid in ids]))
    )
    return {row[0]: row for row in _conn(session).execute(stmt)}


def _categories(text: str | None) -> tuple[PpksCategory, ...]:
    return tuple(PpksCategory(code) for code in sorted(text.split(","))) if text else ()


def rows_for(session: Session, ids: list[tuple[int, int | None]], today: date) -> list[ResidentRow]:
    """The registry rows for (resident_id, admission_id) pairs, in the same order."""
    if not ids:
        return []
    details = _row_details(session, ids)
    rows = []
    for rid, _aid in ids:
        found = details.get(rid)
        if found is None:  # removed between the two queries
            continue
        (_id, reg_no, name, alias, nik, sex, birth_date, estimated_year, unknown, stay_id, stage, room,
         admitted_on, terminated_on, manager, categories, consent) = found
        rows.append(ResidentRow(
            resident_id=rid, admission_id=stay_id, reg_no=reg_no, name=name,
            alias=alias, nik=nik, sex=Sex(sex), age=age_on(birth_date, today, estimated_year),
            age_estimated=birth_date is None and estimated_year is not None,
            categories=_categories(categories), stage=Stage(stage) if stage else None,
            room_name=room, admitted_on=admitted_on, terminated_on=terminated_on,
            case_manager=manager, identity_unknown=unknown, has_consent=bool(consent),
        ))
    return rows


def run_query(session: Session, query: ResidentQuery, mode: str, today: date | None = None) -> Page[ResidentRow]:
    """The registry query inside an open session (for exporters paging through a view)."""
    plan = _Plan(session, query, mode)
    rows = rows_for(session, plan.ids(session), today or date.today())
    total = grand_total = None
    if query.with_total:
        total = plan.count(session)
        grand_total = _conn(session).execute(sa.select(sa.func.count()).select_from(R)).scalar_one()
    return Page(tuple(rows), query.offset, query.limit, total, grand_total)


@requires(Action.RESIDENT_VIEW)
def search(db: Database, actor: Actor, query: ResidentQuery) -> Page[ResidentRow]:
    """One page of the registry for ``query`` (see ``ResidentQuery``), with the total count
    when ``query.with_total``."""
    mode = search_mode(db)
    with db.read() as session:
        return run_query(session, query, mode)
