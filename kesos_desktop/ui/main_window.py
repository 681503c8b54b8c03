"""The main window: a thin shell with sidebar navigation, hosted pages, menus and status bar."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from kesos_desktop import APP_NAME, __version__, paths
from kesos_desktop.i18n import _
from kesos_desktop.ui.actions import ActionId, create_actions
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.lock_dialog import IdleLock
from kesos_desktop.ui.pages.admin_backup import AutoBackup, install_backup_menu
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.pages.registry import PageSpec, visible_pages
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.reminder_badge import ReminderBadge
from kesos_desktop.ui.window_settings import window_settings

log = logging.getLogger(__name__)
# The file sync waits until the window has painted and the first page has loaded: it is
# housekeeping, and at start-up it would compete with the dashboard for the interpreter.
SYNC_DELAY_MS = 1500
ACCENT = "#0b6e4f"
SIDEBAR_STYLE = f"""
QListWidget#sidebar {{ background: #f3f5f4; border: none; border-right: 1px solid #d9dedb;
                       font-size: 10.5pt; outline: 0; }}
QListWidget#sidebar::item {{ padding: 9px 14px; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT}; color: white; }}
"""


class MainWindow(QMainWindow):
    logout_requested = Signal()

    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setWindowTitle(f"{APP_NAME}")
        self.specs: list[PageSpec] = visible_pages(ctx.actor)
        self.pages: dict[str, Page] = {}

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setStyleSheet(SIDEBAR_STYLE)
        self.sidebar.setFixedWidth(190)
        for spec in self.specs:
            item = QListWidgetItem(_(spec.title))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setSizeHint(QSize(180, 38))
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.sidebar)
        row.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(self._show_row)

        self.actions_by_id = create_actions(self)
        for action_id, action in self.actions_by_id.items():
            action.triggered.connect(lambda _=False, a=action_id: self.dispatch(a))
        self._build_menus()
        self._build_status_bar()
        ctx.status_message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        ctx.navigate.connect(lambda key, target: self.show_page(key, target or None))
        self.reminder_badge = ReminderBadge(self, ctx)
        self.resize(1280, 760)
        self._restore_state()
        self.idle_lock = IdleLock(self, ctx)  # locks after idle minutes (settings)
        self.auto_backup = AutoBackup(self, ctx)  # daily; the close backup runs in startup
        if self.specs:
            self.sidebar.setCurrentRow(0)
        self._sync_timer = QTimer(self, singleShot=True, interval=SYNC_DELAY_MS,
                                  timeout=self.sync_local_files)
        self._sync_timer.start()

    def sync_local_files(self) -> None:
        """Once after login, quietly: upload files this workstation added before the database
        kept them, drop copies of files erased elsewhere (and plaintext copies when the
        database is encrypted). A failure is only logged: nothing here needs the user."""
        def done(counts) -> None:
            if any(counts):
                log.info("local files: %d uploaded, %d local copies removed", *counts)

        from kesos_desktop.services import attachments  # file_store: not needed for the first paint

        run_in_background(attachments.sync_local_files, self.ctx.db, self.ctx.actor) \
            .owned_by(self).on_success(done) \
            .on_failure(lambda error: log.warning("syncing local files failed: %s", error)) \
            .start()

    # ----------------------------------------------------------------- navigation
    def _show_row(self, row: int) -> None:
        if 0 <= row < len(self.specs):
            self.show_page(self.specs[row].key)

    def show_page(self, key: str, target: dict | None = None) -> Page | None:
        spec = next((s for s in self.specs if s.key == key), None)
        if spec is None:
            return None
        page = self.pages.get(key)
        if page is None:
            page = spec.create(self.ctx)
            page.setObjectName(f"page_{key}")
            self.pages[key] = page
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        row = self.specs.index(spec)
        if self.sidebar.currentRow() != row:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(row)
            self.sidebar.blockSignals(False)
        self.setWindowTitle(f"{_(spec.title)} - {APP_NAME}")
        if target:
            page.open_target(target)
        return page

    def current_page(self) -> Page | None:
        widget = self.stack.currentWidget()
        return widget if isinstance(widget, Page) else None

    def dispatch(self, action_id: ActionId) -> None:
        page = self.current_page()
        if page is not None and page.handle_action(action_id):
            return
        if action_id == ActionId.SEARCH_ALL:
            self.open_global_search()

    def open_global_search(self) -> None:
        """Ctrl+K from anywhere: residents and programs as you type; Enter opens the record."""
        from kesos_desktop.ui.dialogs.global_search import GlobalSearchDialog

        GlobalSearchDialog.open_for(self.ctx, self)

    def set_badge(self, key: str, count: int) -> None:
        """Show ``count`` next to a page's name in the sidebar ("Dasbor (3)")."""
        for row, spec in enumerate(self.specs):
            if spec.key == key:
                title = _(spec.title)
                self.sidebar.item(row).setText(f"{title}  ({count})" if count else title)
                self.sidebar.item(row).setToolTip(
                    _("{n} due or overdue items for you").format(n=count) if count else "")

    # ----------------------------------------------------------------- chrome
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(_("&File"))
        file_menu.addAction(_("Change my password..."), self.change_password)
        file_menu.addAction(_("Settings..."), self.open_settings)
        install_backup_menu(file_menu, self, self.ctx)
        file_menu.addSeparator()
        file_menu.addAction(_("Log out"), self.logout)
        file_menu.addAction(_("Close"), self.close)
        view_menu = self.menuBar().addMenu(_("&View"))
        for action_id in (ActionId.REFRESH, ActionId.FIND, ActionId.SEARCH_ALL):
            view_menu.addAction(self.actions_by_id[action_id])
        help_menu = self.menuBar().addMenu(_("&Help"))
        help_menu.addAction(_("About {app}").format(app=APP_NAME), self.show_about)

    def _build_status_bar(self) -> None:
        actor = self.ctx.actor
        user = QLabel(f"  {actor.full_name} ({actor.role.label})  ")
        user.setObjectName("status_user")
        database = QLabel(f"  {_('Database')}: {self.ctx.db.display_name}  ")
        database.setObjectName("status_database")
        self.statusBar().addPermanentWidget(user)
        self.statusBar().addPermanentWidget(database)
        if self.ctx.demo:
            demo = QLabel("  " + _("DEMO - fictional data") + "  ")
            demo.setStyleSheet("background: #fff4ce; color: #5c4400;")
            self.statusBar().addPermanentWidget(demo)

    def about_text(self) -> str:
        import platform
        from importlib.metadata import version as package_version

        import PySide6

        return _(
            "<h3>{app} {version}</h3><p>Case management for social rehabilitation facilities.</p>"
            "<p>Python {python} · Qt {qt} · PySide6 {pyside} · SQLAlchemy {sqlalchemy}</p>"
            "<p>Data folder: {data}</p>"
        ).format(
            app=APP_NAME, version=__version__, python=platform.python_version(),
            qt=PySide6.QtCore.qVersion(), pyside=PySide6.__version__,
            sqlalchemy=package_version("sqlalchemy"), data=paths.data_dir(),
        )

    def show_about(self) -> None:
        QMessageBox.about(self, _("About {app}").format(app=APP_NAME), self.about_text())

    def change_password(self) -> None:
        from kesos_desktop.ui.dialogs.password_dialog import ChangePasswordDialog

        if ChangePasswordDialog.ask(self.ctx, self):
            self.ctx.say(_("Your password has been changed."))

    def open_settings(self) -> None:
        from kesos_desktop.ui.dialogs.settings_dialog import SettingsDialog

        SettingsDialog.ask(self.ctx, self)

    def logout(self) -> None:
        self.logout_requested.emit()
        self.close()

    # ----------------------------------------------------------------- state
    def _restore_state(self) -> None:
        settings = window_settings()
        geometry = settings.value("main/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.value("main/state")
        if state is not None:
            self.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt naming
        for page in self.pages.values():
            if hasattr(page, "confirm_close") and not page.confirm_close():
                event.ignore()
                return
        self._sync_timer.stop()
        settings = window_settings()
        settings.setValue("main/geometry", self.saveGeometry())
        settings.setValue("main/state", self.saveState())
        settings.sync()  # the settings object outlives the window: write now, not at exit
        super().closeEvent(event)


