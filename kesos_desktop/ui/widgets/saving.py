"""One way for a form to save: field errors beside the fields, edit conflicts resolved, other
errors shown in plain words.

Usage in a dialog::

    result = save_form(self, lambda: rooms.update_room(...), self.form,
                       conflict=OnConflict(fetch=..., mine=..., theirs=..., labels=...,
                                           adopt=..., show=...))
    if result is None:
        return  # nothing saved; the user has been told why
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtWidgets import QLabel, QWidget

from kesos_desktop.domain.errors import ConflictError, KesosError, NotFoundError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.ui.widgets.conflict import ConflictChoice, ConflictDialog, differences
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.messages import Messages, show_error

T = TypeVar("T")


@dataclass(frozen=True)
class OnConflict:
    """How a form that edits a versioned record offers "reload" or "keep my edits".

    ``fetch`` reads the record as it is saved now; ``mine`` gives the form's values and
    ``theirs(saved)`` the saved ones, both as {field: value} for the fields in ``labels``.
    ``adopt(saved)`` makes the form carry the saved version (so the next save applies the
    user's edits on top of it); ``show(saved)`` puts the saved values into the form.
    """

    fetch: Callable[[], Any]
    mine: Callable[[], dict]
    theirs: Callable[[Any], dict]
    labels: dict[str, str]
    adopt: Callable[[Any], None]
    show: Callable[[Any], None]


def by_id(rows, row_id: int, gone: str):
    """For ``OnConflict.fetch`` from a list service: the row ``row_id``, or NotFoundError(gone)
    when someone removed it meanwhile."""
    found = next((row for row in rows if row.id == row_id), None)
    if found is None:
        raise NotFoundError(gone)
    return found


def save_form(parent: QWidget, save: Callable[[], T], form: Form | None = None, *,
              show_errors: Callable[[dict[str, str]], None] | None = None,
              show_message: Callable[[str], None] | None = None,
              conflict: OnConflict | None = None) -> T | None:
    """Call ``save`` and return its result, or None when nothing was saved.

    A ValidationError puts its field errors on ``form`` (or hands them to ``show_errors``)
    and shows its message only when it has none: in a message box, or through ``show_message``
    for forms that say it inline. A ConflictError offers the ConflictDialog
    when ``conflict`` says how to reload, else says to reopen the record. Any other
    KesosError is shown as it is. ``save`` must not itself return None on success.
    """
    try:
        return save()
    except ValidationError as error:
        show_validation(parent, error, form, show_errors, show_message)
    except ConflictError as error:
        if conflict is None:
            Messages.error(parent, reopen_text(error), _("Changed by someone else"))
        else:
            resolve_conflict(parent, error, conflict)
    except KesosError as error:
        show_error(parent, error)
    return None


def show_validation(parent: QWidget, error: ValidationError, form: Form | None,
                    show_errors: Callable[[dict[str, str]], None] | None = None,
                    show_message: Callable[[str], None] | None = None) -> None:
    if show_errors is not None:
        show_errors(error.field_errors)
    elif form is not None:
        form.set_errors(error.field_errors)
    if not error.field_errors:
        if show_message is not None:
            show_message(str(error))
        else:
            Messages.error(parent, str(error))


def under(form: Form, key: str) -> Callable[[str], None]:
    """``show_message`` for small forms: a message without a field goes under field ``key``."""
    return lambda text: form.set_error(key, text)


def in_label(label: QLabel) -> Callable[[str], None]:
    """``show_message`` for dialogs with a message line of their own."""
    def show(text: str) -> None:
        label.setText(text)
        label.show()

    return show


def reopen_text(error: ConflictError) -> str:
    return str(error) + "\n\n" + _(
        "Nothing was saved. Close this window and open the record again to see their changes."
    )


def resolve_conflict(parent: QWidget, error: ConflictError, conflict: OnConflict) -> None:
    """Compare with the saved record and let the user reload it or keep their edits."""
    try:
        saved = conflict.fetch()
    except KesosError as other:  # removed meanwhile, or no longer readable
        show_error(parent, other)
        return
    found = differences(conflict.mine(), conflict.theirs(saved), conflict.labels)
    choice = ConflictDialog.ask(error, found, parent)
    conflict.adopt(saved)
    if choice == ConflictChoice.RELOAD:
        conflict.show(saved)
    # KEEP_MINE: the form keeps the user's edits, now based on the saved version
