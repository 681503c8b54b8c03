"""The registry's table model: pages of rows fetched in the background, sorted and filtered in SQL.

``rowCount()`` is the total number of matching people (so the scroll bar is honest); only the
pages someone looks at are fetched, 100 rows at a time, on a worker thread. A row not fetched
yet shows "…" until its page arrives. Sorting a column asks SQL for a new first page; results
of an older query that arrive late are dropped. At most ``MAX_PAGES`` pages are kept.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from kesos_desktop.domain.resident_dto import Page, ResidentQuery, ResidentRow, SortKey
from kesos_desktop.i18n import N_, _, format_number
from kesos_desktop.services import resident_search
from kesos_desktop.ui.models.dto_table import ROW_ROLE
from kesos_desktop.ui.tasks import run_in_background

PAGE_SIZE = 100
MAX_PAGES = 40
FORMER_COLOR = "#6b716e"
NO_CONSENT_COLOR = "#b3261e"  # the marker of a person without consent on record (UU PDP)
LOADING = "…"
TEXT_CACHE_ROWS = 500  # cell texts kept for a few screens of rows

# (title, sort key, right-aligned)
COLUMNS: list[tuple[str, SortKey, bool]] = [
    (N_("Reg. no."), SortKey.REG_NO, False),
    (N_("Name"), SortKey.NAME, False),
    (N_("NIK"), SortKey.NIK, False),
    (N_("M/F"), SortKey.SEX, False),
    (N_("Age"), SortKey.AGE, True),
    (N_("PPKS category"), SortKey.CATEGORY, False),
    (N_("Stage"), SortKey.STAGE, False),
    (N_("Room"), SortKey.ROOM, False),
    (N_("Admitted"), SortKey.ADMITTED_ON, False),
    (N_("Case manager"), SortKey.CASE_MANAGER, False),
]
COL_REG_NO, COL_NAME, COL_NIK, COL_SEX, COL_AGE, COL_CATEGORY, COL_STAGE, COL_ROOM, \
    COL_ADMITTED, COL_CASE_MANAGER = range(len(COLUMNS))


def cell_text(row: ResidentRow, column: int) -> str:
    if column == COL_REG_NO:
        return row.reg_no
    if column == COL_NAME:
        return f"{row.name} ({row.alias})" if row.alias else row.name
    if column == COL_NIK:
        return row.nik or (_("no identity") if row.identity_unknown else "")
    if column == COL_SEX:
        return row.sex.value
    if column == COL_AGE:
        if row.age is None:
            return ""
        return f"±{row.age}" if row.age_estimated else str(row.age)
    if column == COL_CATEGORY:
        return ", ".join(c.label for c in row.categories)
    if column == COL_STAGE:
        return row.stage.label if row.stage else ""
    if column == COL_ROOM:
        return row.room_name or ""
    if column == COL_ADMITTED:
        return row.admitted_on.strftime("%d/%m/%Y") if row.admitted_on else ""
    if column == COL_CASE_MANAGER:
        return row.case_manager or ""
    return ""


def tooltip(row: ResidentRow) -> str:
    lines = [f"{row.name} · {row.reg_no}"]
    if row.terminated_on is not None:
        lines.append(_("Left on {date}").format(date=row.terminated_on.strftime("%d/%m/%Y")))
    elif row.admitted_on is not None:
        lines.append(_("Staying since {date}").format(date=row.admitted_on.strftime("%d/%m/%Y")))
    if not row.has_consent:
        lines.append(_("Without consent: no consent to care and data processing is recorded"))
    return "\n".join(lines)


_ROLES = frozenset({Qt.ItemDataRole.DisplayRole, ROW_ROLE, Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.TextAlignmentRole, Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.DecorationRole})


class ResidentTableModel(QAbstractTableModel):
    #: the first page of a new query arrived (a ``Page`` with ``total`` and ``grand_total``)
    loaded = Signal(object)
    #: a query failed (the exception)
    failed = Signal(object)

    def __init__(self, ctx, parent=None, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self.ctx = ctx
        self.page_size = page_size
        self._query = ResidentQuery(limit=page_size)
        self._total = 0
        self._grand_total = 0
        self._pages: dict[int, tuple[ResidentRow, ...]] = {}
        # each shown row's cell texts, made once: a paint asks for every visible cell again
        self._texts: dict[int, tuple[str, ...]] = {}
        self._pending: set[int] = set()
        self._generation = 0
        self.loading = False

    # ------------------------------------------------------------------ querying
    @property
    def query(self) -> ResidentQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def grand_total(self) -> int:
        return self._grand_total

    def set_query(self, query: ResidentQuery) -> None:
        """Ask for a new first page; the table keeps showing the old rows until it arrives."""
        self._query = replace(query, offset=0, limit=self.page_size, with_total=True)
        self._generation += 1
        generation = self._generation
        self.loading = True
        run_in_background(resident_search.search, self.ctx.db, self.ctx.actor, self._query) \
            .owned_by(self) \
            .on_success(lambda page: self._first_page(generation, page)) \
            .on_failure(lambda error: self._failed(generation, error)) \
            .start()

    def refresh(self) -> None:
        self.set_query(self._query)

    def _first_page(self, generation: int, page: Page) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._total = page.total or 0
        self._grand_total = page.grand_total or 0
        self._pages = {0: page.rows}
        self._texts = {}
        self._pending = set()
        self.endResetModel()
        self.loading = False
        self.loaded.emit(page)

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            self.failed.emit(error)

    def _fetch(self, page_no: int) -> None:
        if page_no in self._pages or page_no in self._pending:
            return
        self._pending.add(page_no)
        generation = self._generation
        query = self._query.page(page_no * self.page_size, self.page_size)
        run_in_background(resident_search.search, self.ctx.db, self.ctx.actor, query) \
            .owned_by(self) \
            .on_success(lambda page: self._page_arrived(generation, page_no, page)) \
            .on_failure(lambda error: self._failed(generation, error)) \
            .start()

    def _page_arrived(self, generation: int, page_no: int, page: Page) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page_no)
        self._pages[page_no] = page.rows
        if len(self._pages) > MAX_PAGES:  # forget the pages farthest from this one
            for far in sorted(self._pages, key=lambda p: -abs(p - page_no))[: len(self._pages) - MAX_PAGES]:
                del self._pages[far]
            self._texts = {}  # rebuilt for the rows still shown
        first = page_no * self.page_size
        last = min(first + self.page_size, self._total) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    # ------------------------------------------------------------------ rows
    def row_at(self, row: int) -> ResidentRow | None:
        """The row's DTO, or None while its page is still loading."""
        if not 0 <= row < self._total:
            return None
        rows = self._pages.get(row // self.page_size)
        if rows is None:
            self._fetch(row // self.page_size)
            return None
        offset = row % self.page_size
        return rows[offset] if offset < len(rows) else None

    def _cell_texts(self, number: int, row: ResidentRow) -> tuple[str, ...]:
        texts = self._texts.get(number)
        if texts is None:
            if len(self._texts) >= TEXT_CACHE_ROWS:
                self._texts = {}
            texts = self._texts[number] = tuple(cell_text(row, c) for c in range(len(COLUMNS)))
        return texts

    def loaded_rows(self) -> list[ResidentRow]:
        return [row for page in sorted(self._pages) for row in self._pages[page]]

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section][0])
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section][2]:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in _ROLES or not index.isValid():
            return None  # the view asks for a dozen roles per cell: answer the rest at once
        row = self.row_at(index.row())
        column = index.column()
        if row is None:
            if role == Qt.ItemDataRole.DisplayRole and column == COL_NAME:
                return LOADING
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell_texts(index.row(), row)[column]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[column][2]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.DecorationRole:  # a red square before the name: no consent
            return QColor(NO_CONSENT_COLOR) if column == COL_NAME and not row.has_consent else None
        if role == Qt.ItemDataRole.ForegroundRole and not row.is_current:
            return QColor(FORMER_COLOR)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][1]
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._query.sort, self._query.descending):
            self.set_query(replace(self._query, sort=key, descending=descending))

    def sort_column(self) -> int:
        return next(i for i, c in enumerate(COLUMNS) if c[1] == self._query.sort)

    def summary(self) -> str:
        """"Showing 50 of 12,345 residents" for the line under the table."""
        return _("Showing {count} of {total} residents").format(
            count=format_number(self._total), total=format_number(self._grand_total))
