"""Where the application keeps its data, backups, logs and bundled resources.

One place decides: the ``--data-dir`` flag (applied through :func:`set_data_dir`), else the
``KESOS_DATA_DIR`` environment variable, else the platform's user data directory.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` as the data directory for the rest of this process (the --data-dir flag)."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    if _override is not None:
        base = _override
    elif os.environ.get("KESOS_DATA_DIR"):
        base = Path(os.environ["KESOS_DATA_DIR"]).expanduser().resolve()
    else:
        base = Path(user_data_dir("KesosDesktop", appauthor=False, roaming=False))
    base.mkdir(parents=True, exist_ok=True)
    return base


def _sub(name: str) -> Path:
    path = data_dir() / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def backup_dir() -> Path:
    return _sub("backups")


def log_dir() -> Path:
    return _sub("logs")


def attachments_dir() -> Path:
    """This workstation's copies of attached documents and photos. The database holds the
    files themselves (``file_content``); copies missing here are fetched again when opened."""
    return _sub("attachments")


def settings_file() -> Path:
    """Per-workstation settings (language, database URL, window state); never passwords."""
    return data_dir() / "settings.json"


def default_database_path() -> Path:
    return data_dir() / "kesos.db"


def demo_database_path() -> Path:
    return data_dir() / "kesos-demo.db"


def default_database_url() -> str:
    return "sqlite:///" + default_database_path().as_posix()


def resources_dir() -> Path:
    """Bundled resources: next to the package from source, inside the bundle when frozen."""
    if getattr(sys, "frozen", False):
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def translations_dir() -> Path:
    return resources_dir() / "translations"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "db" / "migrations"
