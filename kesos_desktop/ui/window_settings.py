"""The workstation's window layout file (``window.ini`` in the data folder): window geometry,
remembered column layouts, the last choices of some screens.

One QSettings object per data folder, kept: building one re-reads the file, which cost tens of
milliseconds per table each time a page was created.
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QSettings

from kesos_desktop import paths

_open: dict[str, QSettings] = {}


@atexit.register
def _close_all() -> None:
    """Written and released before the interpreter tears Qt down: a QSettings destroyed during
    that teardown crashed the process now and then."""
    for settings in _open.values():
        settings.sync()
    _open.clear()


def window_settings() -> QSettings:
    path = str(paths.data_dir() / "window.ini")
    settings = _open.get(path)
    if settings is None:
        settings = _open[path] = QSettings(path, QSettings.Format.IniFormat)
    return settings
