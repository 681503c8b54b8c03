"""The facility's aftercare schedule: at how many months after termination follow-ups are planned."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QVBoxLayout

from kesos_desktop.i18n import _
from kesos_desktop.services import aftercare
from kesos_desktop.ui.pages.reintegration_widgets import MUTED, save_buttons
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.saving import save_form, under


def parse_months(text: str) -> list[int] | None:
    """"1, 2, 3" -> [1, 2, 3]; None when something is not a whole number."""
    parts = [p for p in text.replace(";", ",").replace(" ", ",").split(",") if p]
    try:
        return [int(p) for p in parts]
    except ValueError:
        return None


class FollowUpScheduleDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved: tuple[int, ...] | None = None
        current = aftercare.get_schedule(ctx.db, ctx.actor)
        self.setWindowTitle(_("Aftercare schedule"))
        self.form = Form()
        self.months = self.form.add(
            "months", _("Months after termination"),
            QLineEdit(", ".join(str(m) for m in current)), required=True)
        self.months.setPlaceholderText("1, 2, 3")
        explain = QLabel(_("Follow-ups are planned automatically at these months after each "
                           "termination, for example 1, 2, 3. The first is a home visit, the "
                           "others a phone call; staff can change each one. Stays already "
                           "terminated keep their plan."))
        explain.setWordWrap(True)
        explain.setStyleSheet(f"color: {MUTED};")
        buttons = save_buttons(self)
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def save(self) -> None:
        months = parse_months(self.months.text())
        if months is None:
            self.form.set_errors({"months": _("Write whole numbers separated by commas.")})
            return
        changes = save_form(self, lambda: aftercare.set_schedule(self.ctx.db, self.ctx.actor, months),
                            self.form, show_message=under(self.form, "months"))
        if changes is None:
            return
        self.saved = tuple(sorted(months))
        self.ctx.announce(changes)
        self.ctx.say(_("Aftercare schedule saved."))
        self.accept()

    @classmethod
    def ask(cls, ctx, parent=None) -> tuple[int, ...] | None:
        dialog = cls(ctx, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
