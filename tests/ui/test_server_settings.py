"""Settings: pointing a workstation at a server keeps the password out of settings.json."""

from __future__ import annotations

from kesos_desktop.services import connection
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.server_dialog import ServerDialog
from kesos_desktop.ui.dialogs.settings_dialog import SettingsDialog


def test_server_dialog_validates_before_saving(qtbot):
    dialog = ServerDialog()
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.address is None
    assert dialog.form.error_text("host")
    dialog.host.setText("server-panti")
    dialog.password.setText("rahasia-server")
    dialog.save()
    assert dialog.address == connection.ServerAddress("server-panti", 5432, "kesos", "kesos", "prefer")


def test_settings_dialog_switches_to_server_and_back(qtbot, db, admin, monkeypatch, data_dir):
    ctx = AppContext(db, admin, WorkstationSettings())
    address = connection.ServerAddress("server-panti", 5432, "kesos", "petugas")
    monkeypatch.setattr(ServerDialog, "ask", classmethod(lambda cls, current=None, parent=None: address))
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.choose_server()
    assert "server-panti" in dialog.database_label.text()
    dialog.save()
    saved = WorkstationSettings.load()
    assert connection.address_of(saved.database_url) == address
    assert "rahasia" not in (data_dir / "settings.json").read_text()

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.use_local_file()
    dialog.save()
    assert WorkstationSettings.load().database_url == ""
