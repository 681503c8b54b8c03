"""`kesos setup` and `kesos db`: scriptable first run and schema upgrade."""

from __future__ import annotations

import sqlalchemy as sa

from kesos_desktop.cli import main
from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.services import auth
from tests.conftest import PASSWORD


def test_setup_then_login(db_url, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    assert main(["--database-url", db_url, "setup", "--facility", "Panti Uji", "--admin", "kepala"]) == 0
    db = Database(db_url)
    try:
        assert auth.login(db, "kepala", PASSWORD).username == "kepala"
    finally:
        db.dispose()
    # a second setup is refused and changes nothing
    assert main(["--database-url", db_url, "setup", "--facility", "Lain", "--admin", "x2x"]) == 1
    assert "sudah" in capsys.readouterr().out


def test_setup_rejects_weak_password(db_url, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", "123")
    assert main(["--database-url", db_url, "setup", "--facility", "Panti Uji", "--admin", "kepala"]) == 2
    assert "admin_password" in capsys.readouterr().out
    db = Database(db_url)
    try:
        assert auth.needs_setup(db)
    finally:
        db.dispose()


def test_db_upgrade_creates_schema_in_new_file(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'baru.db'}"
    assert main(["--database-url", url, "db", "status"]) == 1  # empty: not at head
    assert main(["--database-url", url, "db", "upgrade"]) == 0
    assert migrate.head_revision() in capsys.readouterr().out
    assert main(["--database-url", url, "db", "status"]) == 0


def test_db_upgrade_refuses_newer_database(db_url, capsys):
    db = Database(db_url)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    assert main(["--database-url", db_url, "db", "upgrade"]) == 1
    assert "versi yang lebih baru" in capsys.readouterr().err


def test_unreachable_server_gives_clear_message(capsys):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    assert main(["--database-url", url, "db", "status"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()


def test_file_that_is_not_a_database(tmp_path, capsys):
    path = tmp_path / "bukan.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    assert main(["--database-url", f"sqlite:///{path}", "db", "upgrade"]) == 1
    err = capsys.readouterr().err
    assert "rusak" in err or "damaged" in err
    assert path.read_bytes().startswith(b"this is not sqlite")
