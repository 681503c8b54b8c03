"""Translations: gettext catalogs, Indonesian by default, English selectable.

Source strings are English. Each area keeps its own catalog file
(``resources/translations/id/LC_MESSAGES/<area>.po``, compiled to ``.mo`` by ``make``), so that
work on one area never edits another's file. A module's own catalog answers first, so that a
short string ("From", "Change") can mean different things on different screens; every catalog
of the language, merged into one, answers for the rest (enum labels marked in ``domain`` and
translated where they are shown). This module imports nothing of ours and nothing of Qt, so
every layer may use it.
"""

from __future__ import annotations

import gettext as _gettext
import sys
from collections.abc import Callable
from pathlib import Path

DEFAULT_LANGUAGE = "id"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

_catalog: _gettext.NullTranslations = _gettext.NullTranslations()
_own: dict[str, dict] = {}  # module name ("kesos_desktop.ui.pages.admin_users") -> its messages
_language = "en"
_listeners: list[Callable[[str], None]] = []


def _translations_dir() -> Path:
    from kesos_desktop.paths import translations_dir  # local: paths imports platformdirs

    return translations_dir()


def _module_of(mo: Path) -> str:
    return "kesos_desktop." + mo.stem


def load_catalogs(language: str, directory: Path | None = None
                  ) -> tuple[_gettext.NullTranslations, dict[str, dict]]:
    """The merged catalog of ``language`` (a NullTranslations for English) and each module's own
    messages."""
    if language == "en":
        return _gettext.NullTranslations(), {}
    folder = (directory or _translations_dir()) / language / "LC_MESSAGES"
    catalog: _gettext.GNUTranslations | None = None
    own: dict[str, dict] = {}
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as fh:
            part = _gettext.GNUTranslations(fh)
        own[_module_of(mo)] = part._catalog
        if catalog is None:
            catalog = _gettext.GNUTranslations()
            catalog._catalog, catalog.plural = dict(part._catalog), part.plural
            catalog._charset, catalog._info = part._charset, part._info
        catalog._catalog.update(part._catalog)  # one dict: O(1) lookups for every message
    return catalog or _gettext.NullTranslations(), own


def load_catalog(language: str, directory: Path | None = None) -> _gettext.NullTranslations:
    """All compiled catalogs of ``language`` merged into one (a NullTranslations for English)."""
    return load_catalogs(language, directory)[0]


def set_language(language: str, directory: Path | None = None) -> None:
    global _catalog, _own, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _catalog, _own = load_catalogs(language, directory)
    _language = language
    for listener in list(_listeners):
        listener(language)


def current_language() -> str:
    return _language


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def _(message: str) -> str:
    """Translate ``message`` into the current language, as the calling module's catalog has it."""
    if _own:
        own = _own.get(sys._getframe(1).f_globals.get("__name__", ""))
        if own is not None and (found := own.get(message)):
            return found
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _own:
        own = _own.get(sys._getframe(1).f_globals.get("__name__", ""))
        if own is not None and (found := own.get((singular, _catalog.plural(n)))):
            return found
    return _catalog.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return _catalog.pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it yet (module-level constants)."""
    return message


def format_date(value, style: str = "long") -> str:
    """A date the way the current language writes it: "23 November 2026" / "23/11/2026"."""
    if value is None:
        return ""
    if style == "short":
        return value.strftime("%d/%m/%Y")
    from babel.dates import format_date as babel_format_date

    return babel_format_date(value, "d MMMM y", locale=_language)


def format_datetime(value) -> str:
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y %H:%M")


def format_number(value: int | float) -> str:
    """Thousands grouped the Indonesian way (12.345) or the English way (12,345)."""
    text = f"{value:,}"
    if _language == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
