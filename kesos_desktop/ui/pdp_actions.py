"""Pelindungan data pribadi (UU PDP) in the resident file: the access-request export and the
consent marker. Permission checks happen in the services; the screens only reflect them."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from kesos_desktop.domain.enums import ConsentRelation
from kesos_desktop.i18n import _, format_date
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

log = logging.getLogger(__name__)

NO_CONSENT_STYLE = "color: #ffffff; background: #b3261e; padding: 2px 8px; border-radius: 8px;"


def choose_folder(parent: QWidget | None) -> str | None:
    """Where the two files go (tests patch this)."""
    folder = QFileDialog.getExistingDirectory(parent, _("Folder for the access-request files"))
    return folder or None


def export_person_data(parent: QWidget, ctx, resident_id: int) -> None:
    """Hak akses: write the PDF and the workbook of everything held about the person."""
    from kesos_desktop.reports.person_export import write_access_request

    folder = choose_folder(parent)
    if not folder:
        return

    def done(paths: tuple[Path, Path]) -> None:
        Messages.info(parent, _("Written:\n{pdf}\n{xlsx}").format(pdf=paths[0], xlsx=paths[1]),
                      _("Access request"))

    run_in_background(write_access_request, ctx.db, ctx.actor, resident_id, folder) \
        .owned_by(parent).on_success(done).on_failure(lambda e: show_error(parent, e)).start()


def consent_text(status) -> str:
    """One line for the file header: who consented, how and when; or the flag."""
    if not status.has_consent:
        if status.withdrawn_on:
            return _("Consent withdrawn on {date}").format(date=format_date(status.withdrawn_on))
        return _("Without consent")
    who = status.given_by if status.relation == ConsentRelation.SELF else \
        f"{status.given_by} ({status.relation.label})"
    return _("Consent: {who}, {method}, {date}").format(
        who=who, method=status.method.label, date=format_date(status.given_on))


def show_consent(label: QLabel, ctx, resident_id: int) -> None:
    from kesos_desktop.services import retention

    def shown(status) -> None:
        label.setText(consent_text(status))
        label.setStyleSheet("" if status.has_consent else NO_CONSENT_STYLE)
        label.setToolTip("" if status.has_consent else _(
            "No consent to care and data processing is recorded for this person (UU PDP)."))

    run_in_background(retention.consent_status, ctx.db, ctx.actor, resident_id) \
        .owned_by(label).on_success(shown).start()


def record_view(widget: QWidget, ctx, resident_id: int) -> None:
    """Audit that this person's file was opened (in the background; a failure is only logged)."""
    from kesos_desktop.services import person_data

    run_in_background(person_data.record_view, ctx.db, ctx.actor, resident_id).owned_by(widget) \
        .on_failure(lambda e: log.warning("file view not audited: %s", e)).start()
