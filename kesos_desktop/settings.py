"""Per-workstation settings in ``settings.json`` in the data dir: language, database URL.

Facility-wide settings (shared by every workstation) live in the database instead
(``services.common.get_setting``). Passwords and the database passphrase are never written here.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields

from kesos_desktop import paths


@dataclass
class WorkstationSettings:
    language: str = "id"
    database_url: str = ""  # empty: the SQLite file in the data dir
    last_username: str = ""
    idle_lock_minutes: int = 15
    # Only whether the database file is encrypted (SQLCipher), never its passphrase: the GUI
    # then asks for the passphrase before the login.
    database_encrypted: bool = False

    @classmethod
    def load(cls) -> WorkstationSettings:
        path = paths.settings_file()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
        try:
            return cls(**values)
        except TypeError:
            return cls()

    def save(self) -> None:
        path = paths.settings_file()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
