"""Admin > Cadangan: backups on demand (here or to a USB stick), how many to keep, restore; and
``AutoBackup``, which the main window owns: a backup once a day while the app runs and one when
the main window closes, each only when something changed, always off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop import paths
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import backup
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.tasks import Progress, run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable


def progress_fn(progress: Progress | None):
    """A service progress callback from the dialog's Progress: reports, and stops on Batal."""
    if progress is None:
        return None

    def report(done: int, total: int, message: str) -> None:
        progress.check()
        progress.report(done, total, message)

    return report


def _make_backup(db, actor, target_dir=None, progress: Progress | None = None):
    return backup.create_backup(db, actor, target_dir, progress_fn(progress))


def _auto(db, actor, reason: str, progress: Progress | None = None):
    return backup.auto_backup(db, actor, reason, progress_fn(progress))


def _restore(db, actor, path, progress: Progress | None = None, backup_passphrase=None):
    return backup.restore_backup(db, actor, path, progress_fn(progress),
                                 backup_passphrase=backup_passphrase)


def _kind(info: backup.BackupInfo) -> str:
    if info.name.startswith("pre-restore"):
        return _("Before a restore")
    if info.name.startswith("pre-upgrade"):
        return _("Before an upgrade")
    return _("Automatic") if info.automatic else _("Manual")


def _size(info: backup.BackupInfo) -> str:
    return f"{info.size / 1_048_576:.1f} MB"


def install_backup_menu(menu, window, ctx) -> None:
    """File > "Back up to a USB stick...": every role may back up, not only those who see Admin."""
    if ctx.can(Action.BACKUP) and backup.backup_supported(ctx.db):
        menu.addAction(_("Back up to a folder or USB stick..."), lambda: back_up_to_folder(window, ctx))


def back_up_to_folder(parent, ctx, folder: str | None = None, on_done=None):
    """Ask for a folder (unless given) and back up into it in the background, with progress."""
    folder = folder or BackupTab.choose_folder(parent)
    if not folder:
        return None

    def done(result: backup.BackupResult) -> None:
        ctx.say(_("Backup saved and checked: {path} ({s:.1f} s)").format(
            path=result.info.path, s=result.seconds))
        if on_done:
            on_done(result)

    return (
        run_in_background(_make_backup, ctx.db, ctx.actor, folder)
        .with_progress(parent, _("Backing up the database"))
        .on_success(done)
        .start()
    )


class BackupTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.supported = backup.backup_supported(ctx.db)
        self.model = DtoTableModel([
            Column(_("Made at"), lambda i: i.created_at),
            Column(_("Kind"), _kind),
            Column(_("Size"), _size),
            Column(_("Facility"), lambda i: i.facility_name or ""),
            Column(_("Schema"), lambda i: i.schema_revision or "?"),
            Column(_("File"), lambda i: i.name),
        ])
        self.table = DataTable("backups_table")
        self.table.set_source_model(self.model)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.keep = QSpinBox()
        self.keep.setRange(1, backup.MAX_KEEP)
        self.keep.setValue(backup.DEFAULT_KEEP)
        self.keep.setEnabled(ctx.can(Action.SETTINGS_EDIT))
        self.keep_button = QPushButton(_("Save"))
        self.keep_button.setEnabled(ctx.can(Action.SETTINGS_EDIT))
        self.keep_button.clicked.connect(self.save_keep)
        self.backup_button = QPushButton(_("Back up now"))
        self.usb_button = QPushButton(_("Back up to a folder or USB stick..."))
        self.restore_button = QPushButton(_("Restore selected..."))
        self.restore_file_button = QPushButton(_("Restore from a file..."))
        self.open_button = QPushButton(_("Open the backup folder"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.usb_button.clicked.connect(self.back_up_to_folder)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths.backup_dir())))
        )
        for button in (self.restore_button, self.restore_file_button):
            button.setVisible(ctx.can(Action.RESTORE))
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel(_("Automatic backups to keep:")))
        keep_row.addWidget(self.keep)
        keep_row.addWidget(self.keep_button)
        keep_row.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.usb_button, self.restore_button,
                       self.restore_file_button, self.open_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(keep_row)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        if not self.supported:
            self.intro.setText(backup.server_backup_message())
            for widget in (self.keep, self.keep_button, self.backup_button, self.usb_button,
                           self.restore_button, self.restore_file_button, self.open_button,
                           self.table):
                widget.setEnabled(False)
        else:
            self.intro.setText(_(
                "Kesos Desktop backs up the database when the main window closes and once a day "
                "while it runs (only when something changed), into {folder}. Every backup is "
                "checked before it is kept. Keep a copy outside this computer too: back up to a "
                "USB stick regularly."
            ).format(folder=paths.backup_dir()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        if not self.supported:
            return
        run_in_background(backup.list_backups, self.ctx.db, self.ctx.actor).owned_by(
            self).on_success(self._show).start()
        run_in_background(backup.get_keep, self.ctx.db, self.ctx.actor).owned_by(
            self).on_success(self.keep.setValue).start()

    def _show(self, infos) -> None:
        self.model.set_rows(infos)
        self.count.setText(
            _("{n} backups in the backup folder.").format(n=len(infos)) if infos
            else _("No backups yet. Click Back up now to make the first one.")
        )
        self._update_buttons()

    def selected(self) -> backup.BackupInfo | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.supported and self.selected() is not None)

    # ------------------------------------------------------------------ backing up
    def save_keep(self) -> None:
        try:
            changes = backup.set_keep(self.ctx.db, self.ctx.actor, self.keep.value())
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.ctx.say(_("Saved: keep {n} automatic backups.").format(n=self.keep.value()))

    @classmethod
    def choose_folder(cls, parent) -> str:
        return QFileDialog.getExistingDirectory(parent, _("Choose the folder or USB stick"))

    @classmethod
    def choose_file(cls, parent) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            parent, _("Choose a backup"), str(paths.backup_dir()),
            _("Kesos Desktop backups (*.db);;All files (*)"),
        )
        return path

    def back_up_now(self) -> None:
        self._back_up(None)

    def back_up_to_folder(self) -> None:
        folder = self.choose_folder(self)
        if folder:
            self._back_up(folder)

    def _back_up(self, folder: str | None):
        self.backup_button.setEnabled(False)
        return (
            run_in_background(_make_backup, self.ctx.db, self.ctx.actor, folder)
            .with_progress(self, _("Backing up the database"))
            .on_success(self._backed_up)
            .on_failure(self._failed)
            .on_cancel(lambda: self.backup_button.setEnabled(True))
            .start()
        )

    def _backed_up(self, result: backup.BackupResult) -> None:
        self.backup_button.setEnabled(True)
        self.ctx.say(_("Backup saved and checked: {path} ({s:.1f} s)").format(
            path=result.info.path, s=result.seconds))
        self.refresh()

    def _failed(self, error: BaseException) -> None:
        self.backup_button.setEnabled(True)
        show_error(self, error)
        self.refresh()

    # ------------------------------------------------------------------ restoring
    def restore_selected(self) -> None:
        info = self.selected()
        if info is not None:
            self._confirm_restore(info.path)

    def restore_from_file(self) -> None:
        path = self.choose_file(self)
        if path:
            self._confirm_restore(Path(path))

    def _confirm_restore(self, path: Path) -> None:
        try:
            info = backup.inspect_backup(path)
        except KesosError as error:
            show_error(self, error)
            return
        when = info.created_at.strftime("%d/%m/%Y %H:%M") if info.created_at else "?"
        question = _(
            "Restore the backup made on {when} ({facility})?\n\n"
            "Everything entered after that moment is replaced by the backup. The current "
            "database is backed up first, so this can be undone.\n\n"
            "Other workstations and windows using this database must be closed. Kesos Desktop "
            "closes when the restore is done; start it again."
        ).format(when=when, facility=info.facility_name or info.name)
        if not Messages.confirm(self, question, _("Restore a backup")):
            return
        from kesos_desktop.ui.dialogs.passphrase_dialog import PassphraseDialog

        go_on, key = PassphraseDialog.ask_for_backup(self.ctx.db, info.path, self)  # encrypted
        if not go_on:
            return
        auto = getattr(self.window(), "auto_backup", None)
        if auto is not None:
            auto.stop()
        run_in_background(_restore, self.ctx.db, self.ctx.actor, info.path,
                          backup_passphrase=key).with_progress(
            self, _("Restoring the backup")
        ).on_success(self._restored).on_failure(self._restore_failed).start()

    def _restored(self, result: backup.RestoreResult) -> None:
        text = _("The backup has been restored. Kesos Desktop will now close; start it again.")
        if result.safety_backup is not None:
            text += "\n\n" + _("The database it replaced was saved as {name}.").format(
                name=result.safety_backup.name)
        Messages.info(self, text, _("Restore a backup"))
        window = self.window()
        auto = getattr(window, "auto_backup", None)
        if auto is not None:
            auto.restored = True
        window.close()

    def _restore_failed(self, error: BaseException) -> None:
        auto = getattr(self.window(), "auto_backup", None)
        if auto is not None:
            auto.start()
        show_error(self, error)
        self.refresh()


class AutoBackup(QObject):
    """Owned by the main window: the daily backup while it runs, and the one after it closes."""

    FIRST_CHECK_MS = 60_000
    INTERVAL_MS = 60 * 60_000

    def __init__(self, window, ctx):
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.enabled = backup.backup_supported(ctx.db)
        self.restored = False
        self.running = False
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.daily)
        self.start(self.FIRST_CHECK_MS)

    def start(self, first_ms: int | None = None) -> None:
        if self.enabled and not self.restored:
            self.timer.start(first_ms or self.INTERVAL_MS)

    def stop(self) -> None:
        self.timer.stop()

    def daily(self) -> None:
        self.timer.setInterval(self.INTERVAL_MS)
        if not self.enabled or self.running or self.restored or not self.window.isVisible():
            return
        self.running = True
        run_in_background(_auto, self.ctx.db, self.ctx.actor, "daily").owned_by(
            self.window).on_success(self._done).on_failure(self._failed).start()

    def _done(self, result) -> None:
        self.running = False
        if result is not None:
            self.ctx.say(_("Automatic backup saved: {name}").format(name=result.info.name))

    def _failed(self, error: BaseException) -> None:
        self.running = False
        self.ctx.say(_("The automatic backup failed: {error}").format(error=error))

    def should_back_up_on_close(self) -> bool:
        return self.enabled and not self.restored

    def back_up_on_close(self) -> None:
        """After the main window closed: back up (if something changed), showing progress, and
        wait for it; a failure is shown, never silently dropped."""
        self.stop()
        if not self.should_back_up_on_close():
            return
        loop = QEventLoop()
        outcome: list = []

        def finish(value) -> None:
            outcome.append(value)
            loop.quit()

        task = (
            run_in_background(_auto, self.ctx.db, self.ctx.actor, "close")
            .with_progress(None, _("Backing up before closing"))
            .on_success(finish)
            .on_failure(finish)
            .on_cancel(lambda: finish(None))
            .start()
        )
        if not task.done.is_set():
            loop.exec()
        if outcome and isinstance(outcome[0], BaseException):
            show_error(None, outcome[0])
