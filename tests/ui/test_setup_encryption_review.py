"""First-run setup with encryption: the recovery sheet is offered as soon as the database is
encrypted, so a setup that then fails (and is cancelled) never leaves an encrypted database
whose passphrase was never put on paper."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from kesos_desktop.db import encryption as crypto
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.services import encryption as service
from kesos_desktop.ui.dialogs import setup_dialog
from kesos_desktop.ui.dialogs.setup_dialog import SetupDialog
from tests.conftest import PASSWORD

pytestmark = pytest.mark.sqlite_only


def test_sheet_is_offered_even_when_setup_fails_after_encrypting(qtbot, db, monkeypatch):
    shown = []
    monkeypatch.setattr(SetupDialog, "offer_recovery_sheet", lambda self: shown.append(
        service.recovery_sheet_bytes(self.db, self.passphrase_text, "kepala")))

    def refused(_db, _request):
        raise ValidationError("Nama pengguna sudah dipakai.", {"admin_username": "Sudah dipakai."})

    monkeypatch.setattr(setup_dialog.auth, "setup_facility", refused)
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    for widget, text in ((dialog.name, "Panti Uji Gagal"), (dialog.username, "kepala"),
                         (dialog.full_name, "Kepala Uji Gagal"), (dialog.password, PASSWORD),
                         (dialog.password2, PASSWORD)):
        qtbot.keyClicks(widget, text)
    dialog.encrypt.setChecked(True)
    dialog.generate.click()
    passphrase = dialog.passphrase.text()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.actor is None  # the setup failed ...
    assert crypto.is_encrypted_file(db.sqlite_path)  # ... after the database was encrypted
    assert len(shown) == 1 and shown[0].startswith(b"%PDF")  # and the sheet was offered
    dialog.reject()
    crypto.check_passphrase(db.sqlite_path, passphrase)
    dialog.db.dispose()
