"""Shared fixtures: every test gets a fresh, migrated database and its own data directory.

The backend follows ``KESOS_TEST_BACKEND``: ``sqlite`` (default; a file in tmp_path copied from a
template migrated once per run) or ``postgresql`` (a database created per test from a template on
the server at ``KESOS_TEST_PG_URL``, dropped after the test).
"""

from __future__ import annotations

import gc
import itertools
import os
import shutil
import uuid

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from kesos_desktop import i18n, paths  # noqa: E402
from kesos_desktop.db import migrate  # noqa: E402
from kesos_desktop.db.engine import Database  # noqa: E402
from kesos_desktop.domain.dto import Actor, FacilityProfileDTO  # noqa: E402
from kesos_desktop.domain.enums import Role  # noqa: E402
from kesos_desktop.services import auth, users  # noqa: E402
from kesos_desktop.ui import gc_guard  # noqa: E402

BACKEND = os.environ.get("KESOS_TEST_BACKEND", "sqlite")
PASSWORD = "Rahasia-123"


def pytest_report_header(config):
    return f"kesos database backend: {BACKEND}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if BACKEND == "postgresql" and item.get_closest_marker("sqlite_only"):
            item.add_marker(pytest.mark.skip(reason="SQLite-only behaviour"))
        if BACKEND != "postgresql" and item.get_closest_marker("postgres_only"):
            item.add_marker(pytest.mark.skip(reason="needs KESOS_TEST_BACKEND=postgresql"))


@pytest.fixture(scope="session", autouse=True)
def _collect_garbage_on_main_thread():
    """As in the app (ui/gc_guard.py): a collection started inside a background task could
    free Qt widgets there and crash; the main thread collects between tests instead."""
    gc.disable()
    yield
    gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_test():
    yield
    gc_guard.collect_if_due()


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Each test has its own data directory; the user's real one is never touched."""
    directory = tmp_path / "data"
    monkeypatch.setenv("KESOS_DATA_DIR", str(directory))
    paths.set_data_dir(directory)
    i18n.set_language("id")
    yield directory
    paths.set_data_dir(None)


# ----------------------------------------------------------------------------- SQLite


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template")
    paths.set_data_dir(folder / "data")
    path = folder / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db, backup=False)
    db.dispose()
    paths.set_data_dir(None)
    return path


# ------------------------------------------------------------------------- PostgreSQL

_pg_counter = itertools.count()


def _pg_admin_url() -> sa.URL:
    raw = os.environ.get("KESOS_TEST_PG_URL")
    if not raw:
        pytest.exit("KESOS_TEST_BACKEND=postgresql needs KESOS_TEST_PG_URL", returncode=2)
    return sa.make_url(raw).set(drivername="postgresql+psycopg")


def _pg_exec(statement: str) -> None:
    engine = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture(scope="session")
def _pg_template(tmp_path_factory):
    name = f"kesos_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _pg_exec(f'CREATE DATABASE "{name}"')
    url = _pg_admin_url().set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    migrate.upgrade(db, backup=False)
    db.dispose()
    yield name
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_database_url(request, tmp_path) -> tuple[str, callable]:
    """A fresh migrated database for one test: (url, cleanup)."""
    if BACKEND == "postgresql":
        template = request.getfixturevalue("_pg_template")
        name = f"kesos_t_{os.getpid()}_{next(_pg_counter)}"
        _pg_exec(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        url = _pg_admin_url().set(database=name).render_as_string(hide_password=False)
        return url, lambda: _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    template = request.getfixturevalue("_sqlite_template")
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "kesos.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}", lambda: None


@pytest.fixture
def db_url(request, tmp_path):
    url, cleanup = new_database_url(request, tmp_path)
    yield url
    cleanup()


def _wait_for_background_work() -> None:
    """Let the GUI's background tasks finish before their database goes away (on PostgreSQL the
    test database is dropped right after; a task still running would fail mid-teardown)."""
    import sys

    if "PySide6.QtCore" in sys.modules:
        from PySide6.QtCore import QThreadPool

        QThreadPool.globalInstance().waitForDone(15_000)


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    _wait_for_background_work()
    database.dispose()


# ----------------------------------------------------------------------------- people


@pytest.fixture
def admin(db) -> Actor:
    """The first administrator, created by the real first-run setup."""
    request = auth.SetupRequest(
        facility=FacilityProfileDTO(
            name="UPT Rehabilitasi Sosial Contoh Sejahtera",
            agency_line1="PEMERINTAH PROVINSI CONTOH",
            agency_line2="DINAS SOSIAL",
            address="Jl. Contoh No. 1",
            city="Kota Contoh",
            head_name="Kepala Contoh, S.Sos",
            head_nip="197001012000031001",
            head_title="Kepala UPT",
            capacity=120,
        ),
        admin_username="admin",
        admin_full_name="Admin Contoh",
        admin_password=PASSWORD,
    )
    return auth.setup_facility(db, request)


def make_user(db, admin, username: str, role: Role, supervisor: bool = False) -> Actor:
    row, _ = users.create_user(
        db, admin, users.NewUser(username, f"{username.title()} Contoh", role, PASSWORD,
                                 is_supervisor=supervisor)
    )
    return Actor(row.id, row.username, row.full_name, row.role, row.is_supervisor)


@pytest.fixture
def staff(db, admin) -> Actor:
    return make_user(db, admin, "petugas1", Role.STAFF)


@pytest.fixture
def counselor(db, admin) -> Actor:
    return make_user(db, admin, "konselor1", Role.COUNSELOR)


# ------------------------------------------------------------------------ no blocking


class ModalOpened(AssertionError):
    """A test reached a blocking Qt dialog it did not patch (it would hang the run)."""


@pytest.fixture(autouse=True)
def _no_blocking_dialogs(monkeypatch):
    """Qt's static file and message dialogs block a headless run forever: fail instead.
    Tests that want one patch the app's own ask()/Messages entry points."""
    try:
        from PySide6.QtWidgets import QFileDialog, QMessageBox
    except ImportError:  # pragma: no cover
        return

    def refuse(name):
        def opened(*_args, **_kwargs):
            raise ModalOpened(f"the test opened QFileDialog/QMessageBox.{name}; patch the ask() entry point")
        return staticmethod(opened)

    for name in ("getSaveFileName", "getOpenFileName", "getOpenFileNames", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, refuse(name))
    for name in ("critical", "information", "question", "warning", "about"):
        monkeypatch.setattr(QMessageBox, name, refuse(name))
