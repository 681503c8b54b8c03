"""Composition root: paths, settings, language, database, migration, login, main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading

from kesos_desktop import APP_NAME, __version__, i18n, paths
from kesos_desktop.settings import WorkstationSettings

log = logging.getLogger(__name__)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kesos-desktop", description=APP_NAME)
    parser.add_argument("--data-dir", help="folder for the database, backups and logs")
    parser.add_argument("--database-url", help="SQLAlchemy URL, e.g. postgresql+psycopg://...")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help="interface language")
    parser.add_argument("--demo", action="store_true", help="open the fictional demo database")
    parser.add_argument("--screenshot", metavar="PATH", help="render to PNG and exit")
    parser.add_argument("--page", help="page to show (with --screenshot)")
    parser.add_argument("--user", help="log in as this user (with --screenshot)")
    parser.add_argument("--size", default="1366x768", help="window size for --screenshot")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser.parse_args(argv)


def setup_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=[logging.FileHandler(paths.log_dir() / "kesos.log", encoding="utf-8")],
    )


def database_url(args: argparse.Namespace, settings: WorkstationSettings) -> str:
    if args.database_url:
        return args.database_url
    if os.environ.get("KESOS_DATABASE_URL"):
        return os.environ["KESOS_DATABASE_URL"]
    if args.demo:
        return "sqlite:///" + paths.demo_database_path().as_posix()
    return settings.database_url or paths.default_database_url()


def _preload_database_layer() -> None:
    try:
        import sqlalchemy.orm

        import kesos_desktop.db.models  # noqa: F401
        import kesos_desktop.services.auth  # noqa: F401
        import kesos_desktop.services.session_setup  # noqa: F401

        sqlalchemy.orm.configure_mappers()
    except Exception:  # noqa: BLE001 - the main thread imports again and reports properly
        log.exception("preloading the database layer failed")


SQLITE_HEADER = b"SQLite format 3\x00"  # an encrypted file has none


def plain_sqlite_file(url: str) -> str | None:
    """The path of ``url`` when it is an existing, unencrypted SQLite file; else None.

    Only then can the login dialog come first: an encrypted file asks for its passphrase, a
    server may ask for a password, and a missing file leads to the first-run setup.
    """
    if not url.startswith("sqlite:///"):
        return None
    path = url[len("sqlite:///"):].split("?", 1)[0]
    try:
        with open(path, "rb") as fh:
            return path if fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER else None
    except OSError:
        return None


def early_login(app, args: argparse.Namespace, settings: WorkstationSettings, url: str,
                preload: threading.Thread):
    """Show the login dialog at once and let the user type while SQLAlchemy and the models
    load on the second thread; ``Startup`` opens the database and finishes the dialog."""
    if args.screenshot or plain_sqlite_file(url) is None:
        preload.join()
        return None
    from kesos_desktop.ui.dialogs.login_dialog import LoginDialog

    dialog = LoginDialog(None, "", args.demo, settings.last_username)
    dialog.show()
    while preload.is_alive():
        app.processEvents()
        preload.join(0.02)  # the loading thread runs while this one waits
    return dialog


def freeze_loaded_objects() -> None:
    """Move everything loaded so far (modules, classes, mappers) out of the garbage collector's
    reach. ``gc_guard`` collects on the GUI thread only, so its first collection would otherwise
    walk every object that SQLAlchemy, the models and Qt made at start-up (~150 ms on these
    PCs); those live as long as the process anyway."""
    import gc

    gc.freeze()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    setup_logging()
    settings = WorkstationSettings.load()
    i18n.set_language(args.lang or settings.language)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    # SQLAlchemy, the models and argon2 take longer to import than Qt takes to start: load them
    # on the second core while the main thread brings Qt up.
    preload = threading.Thread(target=_preload_database_layer, name="preload", daemon=True)
    preload.start()
    from PySide6.QtWidgets import QApplication

    owns_app = QApplication.instance() is None  # False when a test runs main() in-process
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    from kesos_desktop.ui import crash_guard, gc_guard

    gc_guard.install(app)
    crash_guard.install()
    from PySide6.QtGui import QIcon

    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "kesos.png")))
    try:
        from kesos_desktop.ui.qt_translator import install_qt_translator

        install_qt_translator(app)
    except ImportError:  # translator module not built yet in a partial checkout
        pass

    url = database_url(args, settings)
    login = early_login(app, args, settings, url, preload)
    from kesos_desktop.ui.startup import Startup

    if owns_app:  # a test process keeps its collector as it is
        freeze_loaded_objects()
    return Startup(app, args, settings, url, early_login=login, freeze_gc=owns_app).run()


if __name__ == "__main__":
    sys.exit(main())
