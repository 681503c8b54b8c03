"""The Indonesian catalogs are complete and safe, and Qt's own texts speak Indonesian too.

(a) and (b) read the .po files directly; the language tests compile them into a temporary
folder, so none of this depends on ``make translations`` having run.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kesos_desktop import i18n
from kesos_desktop.i18n_tools import (
    CATALOG_DIR,
    load_catalogs,
    missing_translations,
    placeholder_mismatches,
)

QT_ARG = re.compile(r"%(?:\d+|n)")


@pytest.fixture(scope="module")
def compiled_dir(tmp_path_factory):
    """Every .po of every language compiled to .mo, laid out as i18n.load_catalog expects."""
    root = tmp_path_factory.mktemp("translations")
    for po in sorted(CATALOG_DIR.parent.parent.glob("*/LC_MESSAGES/*.po")):
        language = po.parent.parent.name
        target = root / language / "LC_MESSAGES"
        target.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=language)
        with (target / f"{po.stem}.mo").open("wb") as fh:
            write_mo(fh, catalog, use_fuzzy=True)
    return root


@pytest.fixture
def indonesian(compiled_dir):
    i18n.set_language("id", compiled_dir)
    yield compiled_dir
    i18n.set_language("id")


# ---------------------------------------------------------------------- the catalogs


def test_every_marked_string_has_an_indonesian_translation():
    missing = missing_translations()
    listing = "\n".join(f"{module}:{line}: {msgid}" for module, line, msgid in missing)
    assert not missing, (
        f"{len(missing)} marked string(s) without an Indonesian translation "
        f"(run `python -m kesos_desktop.i18n_tools <files>` and fill the msgstr):\n{listing}"
    )


def test_no_translation_changes_the_placeholders():
    bad = placeholder_mismatches()
    listing = "\n".join(f"{name}.po: {msgid!r} -> {msgstr!r}" for name, msgid, msgstr in bad)
    assert not bad, f"translations whose {{placeholders}} differ from the source:\n{listing}"


def test_qt_translations_keep_qts_own_arguments():
    catalog = load_catalogs()["qt"]
    bad = [
        (message.context, message.id, message.string)
        for message in catalog
        if message.id and message.string
        and sorted(QT_ARG.findall(message.id)) != sorted(QT_ARG.findall(message.string))
    ]
    assert not bad, f"qt.po entries whose %1/%n arguments differ from Qt's source: {bad}"


def test_catalogs_pass_babels_checks():
    problems = []
    for name, catalog in load_catalogs().items():
        for message, errors in catalog.check():
            problems += [f"{name}.po: {message.id!r}: {error}" for error in errors]
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------- the language


def test_indonesian_labels_and_dates(indonesian):
    from kesos_desktop.domain.enums import AttendanceCode, PpksCategory, Sex

    assert i18n.current_language() == "id"
    assert Sex.FEMALE.label == "Perempuan"
    assert Sex.MALE.label == "Laki-laki"
    assert AttendanceCode.ABSENT.label == "Alpa (A)"
    assert PpksCategory.GELANDANGAN.label == "Gelandangan"
    assert i18n.format_date(date(2026, 11, 23)) == "23 November 2026"
    assert i18n._("Wrong user name or password.") == "Nama pengguna atau kata sandi salah."


def test_english_gives_the_source_back(indonesian):
    from kesos_desktop.domain.enums import Sex

    i18n.set_language("en", indonesian)
    assert i18n.current_language() == "en"
    assert Sex.FEMALE.label == "Female"
    assert i18n._("Wrong user name or password.") == "Wrong user name or password."
    assert i18n.format_date(date(2026, 11, 23)) == "23 November 2026"
    assert i18n.pgettext("QPlatformTheme", "Cancel") == "Cancel"


# ---------------------------------------------------------------------- Qt's own texts


@pytest.fixture
def qt_translator(qapp, indonesian):
    from kesos_desktop.ui.qt_translator import install_qt_translator, uninstall_qt_translator

    translator = install_qt_translator(qapp, set_locale=False)
    yield translator
    uninstall_qt_translator(qapp)


def test_qt_standard_texts_are_indonesian(qt_translator):
    from PySide6.QtCore import QCoreApplication

    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Batal"
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "&Ya"
    assert QCoreApplication.translate("QWizard", "&Next >") == "&Lanjut >"
    # No translation: Qt keeps its own text (never a blank one).
    assert QCoreApplication.translate("QPlatformTheme", "No such text") == "No such text"
    assert qt_translator.translate("QPlatformTheme", "No such text") is None


def test_message_box_buttons_are_indonesian(qt_translator, qtbot):
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox()
    qtbot.addWidget(box)
    box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    assert box.button(QMessageBox.StandardButton.Cancel).text().replace("&", "") == "Batal"
    assert box.button(QMessageBox.StandardButton.Ok).text().replace("&", "") == "OK"


def test_qt_texts_follow_a_language_switch(qt_translator, indonesian):
    from PySide6.QtCore import QCoreApplication

    i18n.set_language("en", indonesian)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"
    i18n.set_language("id", indonesian)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Batal"


def test_plural_messages_are_extracted_as_plurals(tmp_path):
    from kesos_desktop.i18n_tools import extract_messages

    source = tmp_path / "sample.py"
    source.write_text(
        'from kesos_desktop.i18n import _, ngettext\n'
        'a = _("One thing")\n'
        'b = ngettext("{n} day", "{n} days", 2)\n',
        encoding="utf-8",
    )
    found = {(msgid, plural) for msgid, plural, _context, _line in extract_messages(source)}
    assert found == {("One thing", None), ("{n} day", "{n} days")}
