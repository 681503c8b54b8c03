"""The passphrase dialog before login, encryption chosen in the first-run setup dialog, the
recovery sheet, and the encryption commands of the command line."""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialogButtonBox

from kesos_desktop.cli import main
from kesos_desktop.db import encryption as crypto
from kesos_desktop.services import auth, intake, session_setup
from kesos_desktop.services import encryption as service
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.dialogs.passphrase_dialog import PassphraseDialog
from kesos_desktop.ui.dialogs.setup_dialog import SetupDialog
from tests.conftest import PASSWORD
from tests.resident_requests import NIK_MAN_1980, TODAY, request

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "Kunci-Uji-Fiktif-2026"


def settle(qtbot) -> None:
    for _round in range(5):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(20)


@pytest.fixture
def encrypted_file(tmp_path):
    path = tmp_path / "data" / "kesos.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    db = service.encrypt_new_database(session_setup.open_database(crypto.url_for(path, None)),
                                      PASSPHRASE)
    db.dispose()
    return path


def test_passphrase_dialog_refuses_then_unlocks(qtbot, encrypted_file):
    dialog = PassphraseDialog(crypto.url_for(encrypted_file, None))
    qtbot.addWidget(dialog)
    dialog.show()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # nothing typed
    assert dialog.error.isVisible() and dialog.unlocked_url is None
    qtbot.keyClicks(dialog.passphrase, "Kunci-Salah-2026")
    ok.click()
    settle(qtbot)
    assert dialog.error.text().startswith("Frasa sandi salah")
    assert dialog.isVisible() and dialog.unlocked_url is None and dialog.attempts == 1
    assert "Kunci-Salah" not in dialog.error.text()
    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    ok.click()
    settle(qtbot)
    assert dialog.result() == 1 and dialog.unlocked_url
    db = session_setup.open_database(dialog.unlocked_url)
    try:
        assert auth.needs_setup(db)  # opened, migrated, empty
    finally:
        db.dispose()


def test_setup_dialog_encrypts_before_writing_and_offers_the_sheet(qtbot, db, monkeypatch):
    shown = []
    monkeypatch.setattr(SetupDialog, "offer_recovery_sheet", lambda self: shown.append(
        service.recovery_sheet_bytes(self.db, self.passphrase_text)))
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Panti Sosial Uji Terenkripsi")
    qtbot.keyClicks(dialog.username, "kepala")
    qtbot.keyClicks(dialog.full_name, "Kepala Uji Coba")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.password2, PASSWORD)
    dialog.encrypt.setChecked(True)
    qtbot.keyClicks(dialog.passphrase, "pendek")
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    save.click()
    assert dialog.crypto.error_text("passphrase") and dialog.actor is None
    assert not crypto.is_encrypted_file(db.sqlite_path)  # refused before anything changed
    dialog.generate.click()
    generated = dialog.passphrase.text()
    assert crypto.passphrase_problem(generated) is None
    save.click()
    assert dialog.actor is not None and dialog.db is not db and dialog.db.encrypted
    assert crypto.is_encrypted_file(db.sqlite_path) and len(shown) == 1
    crypto.check_passphrase(db.sqlite_path, generated)
    intake.register(dialog.db, dialog.actor, request(), today=TODAY)
    dialog.db.dispose()
    assert NIK_MAN_1980.encode() not in open(db.sqlite_path, "rb").read()


def test_setup_dialog_without_encryption_stays_plain(qtbot, db):
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    for widget, text in ((dialog.name, "Panti Polos"), (dialog.username, "kepala"),
                         (dialog.full_name, "Kepala Polos"), (dialog.password, PASSWORD),
                         (dialog.password2, PASSWORD)):
        qtbot.keyClicks(widget, text)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.actor is not None and dialog.db is db and not db.encrypted
    assert not crypto.is_encrypted_file(db.sqlite_path)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.mark.parametrize("passphrase", ["ABCD-EFGH-JKMN-PQRT-UVWX-YZ23", "kata sandi 'panjang' fiktif"])
def test_recovery_sheet_renders_with_the_passphrase(passphrase):
    from kesos_desktop.domain.dto import FacilityProfileDTO
    from kesos_desktop.reports.recovery_sheet import recovery_sheet_pdf

    data = recovery_sheet_pdf(FacilityProfileDTO(name="UPT Contoh Lembar"), "/data/kesos.db",
                              passphrase, "admin")
    assert data.startswith(b"%PDF")
    text = pdf_text(data)
    squeezed = "".join(text.split())
    assert "".join(passphrase.replace(" ", "·").split()) in squeezed
    assert "UPT Contoh Lembar" in text and "/data/kesos.db" in text
    assert "Lembar pemulihan" in text or "LEMBAR PEMULIHAN" in text
    assert "terkunci" in text  # where to keep it


def test_cli_encrypt_status_decrypt(db_url, monkeypatch, capsys, tmp_path, data_dir):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    assert main(["--database-url", db_url, "setup", "--facility", "Panti CLI", "--admin", "kepala"]) == 0
    path = crypto.sqlite_file_of(db_url)
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", PASSPHRASE)
    sheet = tmp_path / "lembar.pdf"
    assert main(["--database-url", db_url, "db", "encrypt", "--recovery-sheet", str(sheet)]) == 0
    assert crypto.is_encrypted_file(path) and PASSPHRASE in "".join(pdf_text(sheet.read_bytes()).split())
    out = capsys.readouterr().out
    assert "terenkripsi" in out and PASSPHRASE not in out
    assert main(["--database-url", db_url, "db", "status"]) == 0
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", "Kunci-Salah-2026")
    with pytest.raises(SystemExit) as info:
        main(["--database-url", db_url, "db", "status"])
    assert str(info.value.code).startswith("Frasa sandi salah")
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", PASSPHRASE)
    assert main(["--database-url", db_url, "db", "decrypt"]) == 0
    assert not crypto.is_encrypted_file(path)


def test_cli_setup_encrypted_records_only_the_flag(monkeypatch, capsys, data_dir):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", PASSPHRASE)
    assert main(["setup", "--facility", "Panti CLI", "--admin", "kepala", "--encrypt"]) == 0
    settings_text = (data_dir / "settings.json").read_text()
    assert WorkstationSettings.load().database_encrypted and PASSPHRASE not in settings_text
    from kesos_desktop import paths

    assert crypto.is_encrypted_file(paths.default_database_path())
    assert "recovery-sheet" in capsys.readouterr().out


def test_cli_restore_of_backup_under_an_old_passphrase(db_url, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", PASSPHRASE)
    assert main(["--database-url", db_url, "setup", "--facility", "Panti CLI", "--admin", "kepala"]) == 0
    assert main(["--database-url", db_url, "db", "encrypt"]) == 0
    old_backup = tmp_path / "lama.db"
    assert main(["--database-url", db_url, "backup", "-o", str(old_backup), "--user", "kepala"]) == 0
    assert crypto.is_encrypted_file(old_backup)
    monkeypatch.setenv("KESOS_NEW_DB_PASSPHRASE", "Kunci-Baru-Fiktif-2027")
    assert main(["--database-url", db_url, "db", "change-passphrase"]) == 0
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", "Kunci-Baru-Fiktif-2027")
    with pytest.raises(SystemExit, match="KESOS_BACKUP_PASSPHRASE"):  # no terminal, no env
        main(["--database-url", db_url, "restore", str(old_backup), "--yes", "--user", "kepala"])
    monkeypatch.setenv("KESOS_BACKUP_PASSPHRASE", "Kunci-Salah-2026")
    with pytest.raises(SystemExit, match="Frasa sandi salah"):
        main(["--database-url", db_url, "restore", str(old_backup), "--yes", "--user", "kepala"])
    monkeypatch.setenv("KESOS_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["--database-url", db_url, "restore", str(old_backup), "--yes", "--user", "kepala"]) == 0
    path = crypto.sqlite_file_of(db_url)
    crypto.check_passphrase(path, "Kunci-Baru-Fiktif-2027")  # the live passphrase stays


def test_backup_passphrase_dialog(qtbot, encrypted_file, tmp_path, monkeypatch):
    db = session_setup.open_database(crypto.url_for(encrypted_file, PASSPHRASE))
    try:
        assert PassphraseDialog.ask_for_backup(db, encrypted_file) == (True, None)  # same key
        other = tmp_path / "lain.db"
        crypto.export_copy(encrypted_file, PASSPHRASE, other, "Kunci-Lain-Fiktif-2025")
        seen = []

        def fake_exec(dialog):
            seen.append(dialog)
            qtbot.addWidget(dialog)
            qtbot.keyClicks(dialog.passphrase, "Kunci-Lain-Fiktif-2025")
            dialog.check()
            settle(qtbot)
            return dialog.result()

        monkeypatch.setattr(PassphraseDialog, "exec", fake_exec)
        assert PassphraseDialog.ask_for_backup(db, other) == (True, "Kunci-Lain-Fiktif-2025")
        assert seen and str(other) in seen[0].findChildren(type(seen[0].error))[1].text()
    finally:
        db.dispose()
