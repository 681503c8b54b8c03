"""Translations: gettext catalogs, Indonesian by default, English selectable.

Source strings are English. Each area keeps its own catalog file
(``resources/translations/id/LC_MESSAGES/<area>.po``, compiled to ``.mo`` by ``make``), so that
work on one area never edits another's file; all catalogs of a language are chained into one.
This module imports nothing of ours and nothing of Qt, so every layer may use it.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from pathlib import Path

DEFAULT_LANGUAGE = "id"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}

_catalog: _gettext.NullTranslations = _gettext.NullTranslations()
_language = "en"
_listeners: list[Callable[[str], None]] = []


def _translations_dir() -> Path:
    from kesos_desktop.paths import translations_dir  # local: paths imports platformdirs

    return translations_dir()


def load_catalog(language: str, directory: Path | None = None) -> _gettext.NullTranslations:
    """All compiled catalogs of ``language`` merged into one (a NullTranslations for English)."""
    if language == "en":
        return _gettext.NullTranslations()
    folder = (directory or _translations_dir()) / language / "LC_MESSAGES"
    catalog: _gettext.GNUTranslations | None = None
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as fh:
            part = _gettext.GNUTranslations(fh)
        if catalog is None:
            catalog = part
        else:
            catalog._catalog.update(part._catalog)  # one dict: O(1) lookups for every message
    return catalog or _gettext.NullTranslations()


def set_language(language: str, directory: Path | None = None) -> None:
    global _catalog, _language
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _catalog = load_catalog(language, directory)
    _language = language
    for listener in list(_listeners):
        listener(language)


def current_language() -> str:
    return _language


def on_language_changed(listener: Callable[[str], None]) -> None:
    _listeners.append(listener)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
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
