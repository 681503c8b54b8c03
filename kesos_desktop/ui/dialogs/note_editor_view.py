"""Reading a note (counselors allowed by the services only): the current text, addenda,
observations, every earlier version; and from there: change, add an addendum, sign.

``open_session`` is what every list calls on double-click: staff and administrators get the
session's record and a word on confidentiality, never the note.
"""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
)

from kesos_desktop.domain.enums import Confidentiality, CounselingStatus, NoteVersionKind
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date, format_datetime
from kesos_desktop.services import counseling, counseling_notes
from kesos_desktop.services.counseling_dto import NoteVersionView, NoteView, SessionRow
from kesos_desktop.ui.widgets.form import ERROR_STYLE, Form
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.saving import in_label, save_form

HIGH_STYLE = "color: #8c1d18; font-weight: 600;"


def text_html(text: str | None) -> str:
    return escape(text or "").replace("\n", "<br>")


def session_summary(row: SessionRow) -> str:
    """The record of a session as every role may see it (HTML)."""
    when = format_date(row.held_on)
    if row.start_time:
        when += f", {row.start_time.strftime('%H:%M')}"
    if row.duration_minutes:
        when += " " + _("({n} min)").format(n=row.duration_minutes)
    lines = [
        (_("Date"), when),
        (_("Type"), f"{row.session_type.label} · {row.level.label}"),
        (_("Counselor"), row.counselor_name),
        (_("Residents"), row.participant_names or "-"),
        (_("Place"), row.place or "-"),
        (_("Worker roles"), ", ".join(r.label for r in row.worker_roles) or "-"),
        (_("Status"), row.status.label + (
            " · " + _("signed {when}").format(when=format_datetime(row.signed_at))
            if row.signed_at else "")),
        (_("Confidentiality"), row.confidentiality.label),
        (_("Next session"), format_date(row.next_session_on) if row.next_session_on else "-"),
    ]
    cells = "".join(f"<tr><td style='color:#5f6b66;padding-right:12px'>{escape(k)}</td>"
                    f"<td>{escape(v)}</td></tr>" for k, v in lines)
    return f"<table>{cells}</table>"


def may_try_reading(ctx, row: SessionRow) -> bool:
    """What the UI expects the services to allow (they decide; this only avoids pointless tries)."""
    if not ctx.can(Action.NOTE_READ):
        return False
    if row.confidentiality == Confidentiality.HIGH:
        return row.counselor_id == ctx.actor.id or ctx.actor.is_supervisor
    return True


def open_session(ctx, parent, row: SessionRow) -> bool:
    """Open a session from a list; True when something was changed."""
    if not may_try_reading(ctx, row):
        reason = (
            _("The content of this note is highly confidential: only its author and the "
              "supervisor can read it.")
            if ctx.can(Action.NOTE_READ) else
            _("The content of counseling notes is confidential: only social workers can read it. "
              "You can see that the session took place.")
        )
        Messages.info(parent, session_summary(row) + f"<p>{escape(reason)}</p>",
                      _("Counseling session"))
        return False
    try:
        view = counseling_notes.get_note(ctx.db, ctx.actor, row.id)
    except KesosError as error:
        show_error(parent, error)
        return False
    return NoteViewDialog.ask(ctx, parent, view)


class NoteViewDialog(QDialog):
    def __init__(self, ctx, view: NoteView, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.changed = False
        self.setObjectName("note_view")
        self.setWindowTitle(_("Counseling note"))
        self.text = QTextBrowser()
        self.text.setObjectName("note_text")
        self.text.setOpenExternalLinks(False)
        self.edit_button = QPushButton(_("Change…"))
        self.edit_button.setObjectName("edit_note")
        self.addendum_button = QPushButton(_("Add addendum…"))
        self.addendum_button.setObjectName("add_addendum")
        self.sign_button = QPushButton(_("Sign"))
        self.sign_button.setObjectName("sign_note")
        self.history_button = QPushButton(_("Earlier versions…"))
        self.history_button.setObjectName("note_history")
        self.cancel_button = QPushButton(_("Cancel session"))
        self.cancel_button.setObjectName("cancel_session")
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.edit_button, self.addendum_button, self.sign_button,
                       self.history_button, self.cancel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.edit_button.clicked.connect(self.edit)
        self.addendum_button.clicked.connect(self.add_addendum)
        self.sign_button.clicked.connect(self.sign)
        self.history_button.clicked.connect(self.history)
        self.cancel_button.clicked.connect(self.cancel_session)
        self.resize(860, 640)
        self.show_view(view)

    def show_view(self, view: NoteView) -> None:
        self.view = view
        row = view.session
        parts = [session_summary(row)]
        if row.confidentiality == Confidentiality.HIGH:
            parts.append(f"<p style='{HIGH_STYLE}'>" + escape(_(
                "Highly confidential: only the author and the supervisor can read this note.")) + "</p>")
        parts.append(f"<h3>{escape(_('Topic'))}</h3><p>{text_html(view.topic) or '-'}</p>")
        if view.current is None:
            parts.append("<p><i>" + escape(_("No note has been written yet.")) + "</i></p>")
        else:
            v = view.current
            parts.append(f"<h3>{escape(_('Note'))}</h3>")
            parts.append("<p style='color:#5f6b66'>" + escape(_(
                "Version {n} ({kind}), {when}, {who}").format(
                n=v.version_no, kind=v.kind.label, when=format_datetime(v.written_at),
                who=v.author_name)) + "</p>")
            parts.append(f"<p>{text_html(v.body)}</p>")
            if v.agreed_actions:
                parts.append(f"<h4>{escape(_('Agreed actions'))}</h4><p>{text_html(v.agreed_actions)}</p>")
        written = [o for o in view.observations if o.observation]
        if written:
            items = "".join(f"<li><b>{escape(o.name)}</b>: {text_html(o.observation)}</li>" for o in written)
            parts.append(f"<h4>{escape(_('Observations'))}</h4><ul>{items}</ul>")
        for addendum in view.addenda:
            parts.append(
                f"<h4>{escape(_('Addendum'))}</h4><p style='color:#5f6b66'>" + escape(_(
                    "Version {n}, {when}, {who}. Reason: {reason}").format(
                    n=addendum.version_no, when=format_datetime(addendum.written_at),
                    who=addendum.author_name, reason=addendum.reason or "")) + "</p>"
                f"<p>{text_html(addendum.body)}</p>")
        if view.current is not None and not view.can_edit and view.session.counselor_id == self.ctx.actor.id:
            parts.append("<p style='color:#5f6b66'>" + escape(_(
                "This note is signed or more than 24 hours old: it can no longer be changed, only "
                "added to with an addendum.")) + "</p>")
        elif view.can_edit and view.edit_deadline:
            parts.append("<p style='color:#5f6b66'>" + escape(_(
                "You can still change this note until {when}, or until you sign it.").format(
                when=format_datetime(view.edit_deadline))) + "</p>")
        self.text.setHtml("".join(parts))
        author = row.counselor_id == self.ctx.actor.id
        writer = self.ctx.can(Action.COUNSELING_WRITE)
        open_record = author and not row.note_locked and row.status != CounselingStatus.CANCELLED
        self.edit_button.setVisible(open_record)
        self.edit_button.setText(_("Change…") if row.has_note else _("Write the note…"))
        self.addendum_button.setVisible(writer and row.has_note)
        self.sign_button.setVisible(view.can_sign)
        self.history_button.setVisible(row.note_versions > 1)
        self.cancel_button.setVisible(author and row.status == CounselingStatus.PLANNED)

    def _reload(self) -> None:
        self.changed = True
        try:
            self.show_view(counseling_notes.get_note(self.ctx.db, self.ctx.actor, self.view.session.id))
        except KesosError as error:
            show_error(self, error)
            self.accept()

    def edit(self) -> None:
        from kesos_desktop.ui.dialogs.note_editor import NoteEditorDialog

        if NoteEditorDialog.ask(self.ctx, self, self.view.session, self.view) is not None:
            self.ctx.say(_("Note saved."))
            self._reload()

    def add_addendum(self) -> None:
        if AddendumDialog.ask(self.ctx, self, self.view.session.id):
            self.ctx.say(_("Addendum saved."))
            self._reload()

    def sign(self) -> None:
        if not Messages.confirm(self, _(
                "Sign this note? After signing it can no longer be changed; only addenda with a "
                "reason can be added.")):
            return
        try:
            _row, changes = counseling_notes.sign_note(self.ctx.db, self.ctx.actor, self.view.session.id)
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.ctx.say(_("Note signed."))
        self._reload()

    def history(self) -> None:
        try:
            versions = counseling_notes.note_history(self.ctx.db, self.ctx.actor, self.view.session.id)
        except KesosError as error:
            show_error(self, error)
            return
        NoteHistoryDialog(versions, self).exec()

    def cancel_session(self) -> None:
        row = self.view.session
        if not Messages.confirm(self, _("Cancel the session of {date} with {names}? It stays in "
                                        "the list, marked Cancelled.").format(
                date=format_date(row.held_on), names=row.participant_names)):
            return
        try:
            _row, changes = counseling.cancel_session(self.ctx.db, self.ctx.actor, row.id, row.version)
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self._reload()

    @classmethod
    def ask(cls, ctx, parent, view: NoteView) -> bool:
        dialog = cls(ctx, view, parent)
        dialog.exec()
        return dialog.changed


class NoteHistoryDialog(QDialog):
    """Every version, oldest first: nothing is ever overwritten."""

    def __init__(self, versions: tuple[NoteVersionView, ...], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Versions of the note"))
        self.list = QListWidget()
        self.list.setObjectName("version_list")
        self.list.setMaximumWidth(290)
        self.text = QTextBrowser()
        self.text.setObjectName("version_text")
        for version in versions:
            item = QListWidgetItem(_("{n}. {kind} · {when} · {who}").format(
                n=version.version_no, kind=version.kind.label,
                when=format_datetime(version.written_at), who=version.author_name))
            item.setData(256, version)
            self.list.addItem(item)
        self.list.currentItemChanged.connect(self._show)
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.resize(860, 520)
        if versions:
            self.list.setCurrentRow(len(versions) - 1)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        version: NoteVersionView = item.data(256)
        parts = [f"<p>{text_html(version.body)}</p>"]
        if version.agreed_actions:
            parts.append(f"<h4>{escape(_('Agreed actions'))}</h4><p>{text_html(version.agreed_actions)}</p>")
        if version.kind == NoteVersionKind.ADDENDUM:
            parts.insert(0, "<p style='color:#5f6b66'>" + escape(_("Reason: {reason}").format(
                reason=version.reason or "")) + "</p>")
        self.text.setHtml("".join(parts))


class AddendumDialog(QDialog):
    """An addition to a note that can no longer be changed: the text and why it is added."""

    def __init__(self, ctx, session_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.session_id = ctx, session_id
        self.saved = False
        self.setObjectName("addendum_dialog")
        self.setWindowTitle(_("Add an addendum"))
        explanation = QLabel(_(
            "The note itself stays as it was. The addendum is added below it with your name, the "
            "time and the reason."))
        explanation.setWordWrap(True)
        self.form = Form()
        self.body = self.form.add("body", _("Addendum"), QPlainTextEdit(), required=True)
        self.body.setObjectName("addendum_body")
        self.body.setTabChangesFocus(True)
        self.reason = self.form.add("reason", _("Reason"), QPlainTextEdit(), required=True)
        self.reason.setObjectName("addendum_reason")
        self.reason.setMaximumHeight(60)
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(_("e.g. correction of a name, information received later"))
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, 380)

    def save(self) -> None:
        self.message.hide()
        result = save_form(self, lambda: counseling_notes.add_addendum(
            self.ctx.db, self.ctx.actor, self.session_id, self.body.toPlainText(),
            self.reason.toPlainText()), self.form, show_message=in_label(self.message))
        if result is None:
            return
        self.ctx.announce(result[1])
        self.saved = True
        self.accept()

    @classmethod
    def ask(cls, ctx, parent, session_id: int) -> bool:
        dialog = cls(ctx, session_id, parent)
        dialog.exec()
        return dialog.saved
