"""A short string means what its own module's catalog says: "From" on a time range and on an
audit entry are different words in Indonesian."""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from kesos_desktop import i18n


def _write(folder, module: str, messages: dict[str, str]) -> None:
    catalog = Catalog(locale="id")
    for source, translation in messages.items():
        catalog.add(source, translation)
    with (folder / f"{module}.mo").open("wb") as fh:
        write_mo(fh, catalog)


def _call_from(module_name: str, message: str) -> str:
    scope = {"__name__": module_name, "_": i18n._}
    exec("def translate(m):\n    return _(m)\n", scope)
    return scope["translate"](message)


def test_each_module_gets_its_own_translation_and_the_rest_falls_back(tmp_path):
    folder = tmp_path / "id" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    _write(folder, "ui.dialogs.program_dialog", {"From": "Dari jam", "Name": "Nama program"})
    _write(folder, "ui.pages.admin_audit", {"From": "Dari tanggal"})
    try:
        i18n.set_language("id", tmp_path)
        assert _call_from("kesos_desktop.ui.dialogs.program_dialog", "From") == "Dari jam"
        assert _call_from("kesos_desktop.ui.pages.admin_audit", "From") == "Dari tanggal"
        # a module without the string (an enum label shown elsewhere): any catalog that has it
        assert _call_from("kesos_desktop.ui.pages.admin_audit", "Name") == "Nama program"
        assert _call_from("kesos_desktop.ui.pages.other", "Unknown") == "Unknown"
        i18n.set_language("en", tmp_path)
        assert _call_from("kesos_desktop.ui.pages.admin_audit", "From") == "From"
    finally:
        i18n.set_language("id")
