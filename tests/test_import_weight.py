"""Start-up stays light: the modules on the way to the first painted window do not import the
libraries only some features need (Excel, PDF, migrations, server drivers, the keyring).

Each check runs in a fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# What a cold start imports: the composition root, the login and start-up path, the main
# window, and its first page (the dashboard).
START_PATH = (
    "kesos_desktop.app",
    "kesos_desktop.ui.startup",
    "kesos_desktop.ui.dialogs.login_dialog",
    "kesos_desktop.ui.main_window",
    "kesos_desktop.ui.pages.dashboard",
)
# Loaded only by the features that use them.
HEAVY = (
    "openpyxl", "reportlab", "pandas", "numpy", "alembic", "mako", "psycopg", "psycopg2",
    "keyring", "defusedxml", "PIL", "PySide6.QtPrintSupport", "PySide6.QtPdf",
    "sqlcipher3",  # only for an encrypted database, imported when one is opened
    "kesos_desktop.excel", "kesos_desktop.reports", "kesos_desktop.services.demo",
    "kesos_desktop.services.attachments",
)


def modules_after_importing(*names: str) -> set[str]:
    """``sys.modules`` of a new interpreter after importing ``names``."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(names)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def loaded(modules: set[str], package: str) -> bool:
    return package in modules or any(name.startswith(package + ".") for name in modules)


@pytest.fixture(scope="module")
def start_modules() -> set[str]:
    return modules_after_importing(*START_PATH)


@pytest.mark.parametrize("package", HEAVY)
def test_start_path_does_not_import(start_modules, package):
    assert not loaded(start_modules, package), (
        f"{package} is imported on the way to the first window; import it inside the "
        "function that needs it")


def test_the_check_sees_a_heavy_import():
    """The helper really reports what a module pulls in (so the tests above can fail)."""
    modules = modules_after_importing("kesos_desktop.services.attachments")
    assert loaded(modules, "kesos_desktop.services.attachments")
    assert loaded(modules, "kesos_desktop.services.file_store")


def test_start_path_loads_what_it_needs(start_modules):
    assert {"PySide6.QtWidgets", "sqlalchemy.orm", "kesos_desktop.db.models"} <= start_modules


def test_the_login_dialog_needs_no_database_code():
    """The login dialog is on screen while SQLAlchemy and the models load (app.early_login):
    the composition root and the dialog must not import them themselves."""
    modules = modules_after_importing("kesos_desktop.app", "kesos_desktop.ui.dialogs.login_dialog")
    for package in ("sqlalchemy", "argon2", "kesos_desktop.db", "kesos_desktop.services"):
        assert not loaded(modules, package), package
    assert "PySide6.QtWidgets" in modules
