"""Encryption at rest is for the SQLite file; on either backend the app opens without it."""

from __future__ import annotations

from kesos_desktop.db import encryption as crypto
from kesos_desktop.services import backup, session_setup
from kesos_desktop.services import encryption as service
from kesos_desktop.ui.dialogs.setup_dialog import SetupDialog


def test_plain_or_server_database_needs_no_passphrase(db, admin, db_url, qtbot):
    assert not db.encrypted and db.passphrase is None
    assert not service.needs_passphrase(db_url)
    assert service.can_encrypt(db) == db.is_sqlite  # a server is never offered encryption
    reopened = session_setup.open_database(db_url)
    reopened.dispose()
    if not db.is_sqlite:
        assert service.database_file(db_url) is None
        return
    copy = backup.create_backup(db, admin).info.path
    assert not crypto.is_encrypted_file(copy) and not service.backup_needs_passphrase(db, copy)


def test_setup_dialog_offers_encryption_only_for_a_file(db, qtbot):
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    assert hasattr(dialog, "encrypt") == db.is_sqlite
    assert not dialog.wants_encryption()
