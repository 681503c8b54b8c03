"""Qt's own texts (standard buttons, wizards, file dialogs, edit menus) in the UI language.

Qt ships no ``qtbase_id.qm``, so instead of loading a .qm file this translator answers Qt's
``translate(context, source)`` calls from our gettext catalogs: ``resources/translations/id/
LC_MESSAGES/qt.po`` holds the Qt texts as ``msgctxt "<Qt context>" / msgid "<Qt source>"``
(for example ``msgctxt "QPlatformTheme" msgid "Cancel"`` -> ``Batal``). A text that has no
translation comes back as ``None`` (a null QString), which tells Qt to keep its own (English)
text. Not ``""``: PySide6 turns ``""`` into an empty, non-null QString, which Qt would show as
a blank button.

The lookup goes through :func:`kesos_desktop.i18n.pgettext` on every call, so after
``i18n.set_language`` Qt's texts follow; widgets built afterwards show the new language, and
:func:`install_qt_translator` re-installs the translator so Qt sends a LanguageChange event.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from kesos_desktop import i18n

# Qt locales of our UI languages: month and day names in QCalendarWidget / QDateEdit popups,
# and the decimal separator of spin boxes.
QT_LOCALES = {
    "id": (QLocale.Language.Indonesian, QLocale.Country.Indonesia),
    "en": (QLocale.Language.English, QLocale.Country.UnitedKingdom),
}


class GettextQtTranslator(QTranslator):
    """A QTranslator that looks Qt's texts up in our gettext catalogs (``pgettext``)."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ARG002 - Qt's signature
        if not context or not source_text:
            return None
        context = context.decode() if isinstance(context, bytes) else str(context)
        source_text = source_text.decode() if isinstance(source_text, bytes) else str(source_text)
        translated = i18n.pgettext(context, source_text)
        # gettext hands the source back when it has no translation: None lets Qt keep its own text
        # (and ask the next installed translator, if any).
        return None if translated == source_text else translated

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        # Not loaded from a .qm file, yet it does translate: installTranslator reports success.
        return False


_installed: dict[int, GettextQtTranslator] = {}


def apply_qt_locale(language: str | None = None) -> None:
    """Make Qt's locale follow the UI language (calendar popups, spin boxes)."""
    language = language or i18n.current_language()
    lang, country = QT_LOCALES.get(language, QT_LOCALES["en"])
    QLocale.setDefault(QLocale(lang, country))


def install_qt_translator(app: QCoreApplication | None = None, *, set_locale: bool = True) -> GettextQtTranslator:
    """Install the gettext-backed translator on ``app`` (the running application by default).

    Idempotent per application. With ``set_locale`` Qt's default locale follows the UI language
    too, now and whenever ``i18n.set_language`` switches it.
    """
    app = app or QCoreApplication.instance()
    if app is None:
        raise RuntimeError("create the QApplication before installing the Qt translator")
    key = id(app)
    translator = _installed.get(key)
    if translator is None:
        translator = GettextQtTranslator(app)
        _installed[key] = translator
        state = {"language": i18n.current_language()}

        def on_language_changed(language: str) -> None:
            if language == state["language"]:
                return
            state["language"] = language
            if set_locale:
                apply_qt_locale(language)
            current = QCoreApplication.instance()
            if current is not None and _installed.get(id(current)) is translator:
                # Re-installing makes Qt send LanguageChange, so live widgets re-read their texts.
                current.removeTranslator(translator)
                current.installTranslator(translator)

        i18n.on_language_changed(on_language_changed)
    app.installTranslator(translator)
    if set_locale:
        apply_qt_locale()
    return translator


def uninstall_qt_translator(app: QCoreApplication | None = None) -> None:
    """Remove the translator again (Qt's texts go back to English); for tests and shutdown."""
    app = app or QCoreApplication.instance()
    if app is None:
        return
    translator = _installed.pop(id(app), None)
    if translator is not None:
        app.removeTranslator(translator)
