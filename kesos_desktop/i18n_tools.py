"""Developer tool: keep the translation catalogs in step with the source (``make extract``).

Each source module has its own catalog, ``resources/translations/id/LC_MESSAGES/<module>.po``
(for example ``ui.pages.residents.po``), so changes in one area never touch another's file.
A message already translated in any catalog is not added again.

    python -m kesos_desktop.i18n_tools                      # every module
    python -m kesos_desktop.i18n_tools kesos_desktop/ui/x.py  # only these modules
    python -m kesos_desktop.i18n_tools --missing            # list what lacks a translation
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
CATALOG_DIR = ROOT / "resources" / "translations" / "id" / "LC_MESSAGES"
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PLACEHOLDER = re.compile(r"\{[a-zA-Z_0-9]*(?::[^}]*)?\}")


def module_name(path: Path) -> str:
    return ".".join(path.resolve().relative_to(PACKAGE).with_suffix("").parts)


def extract_messages(path: Path) -> list[tuple[str, str | None, str | None, int]]:
    """(msgid, msgid_plural or None, context, line) for every marked string of one source file."""
    found = []
    for lineno, message, _comments, context in extract_from_file(
        "python", str(path), keywords=KEYWORDS
    ):
        if isinstance(message, tuple | list):
            msgid, plural = message[0], (message[1] if len(message) > 1 else None)
        else:
            msgid, plural = message, None
        if msgid:
            found.append((msgid, plural or None, context, lineno))
    return found


def extract(path: Path) -> list[tuple[str, str | None, int]]:
    """(msgid, context, line) for every marked string of one source file."""
    return [(msgid, context, line) for msgid, _plural, context, line in extract_messages(path)]


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def load_catalogs() -> dict[str, Catalog]:
    catalogs = {}
    for po in sorted(CATALOG_DIR.glob("*.po")):
        with po.open("rb") as fh:
            catalogs[po.stem] = read_po(fh, locale="id")
    return catalogs


def _is_translated(message) -> bool:
    """A non-empty msgstr; for a plural message, every form (an empty form shows English)."""
    if isinstance(message.string, tuple | list):
        return bool(message.string) and all(message.string)
    return bool(message.string)


def translated_ids(catalogs: dict[str, Catalog]) -> set[tuple[str, str | None]]:
    """(msgid, context) of every translated message; a plural message counts only as a plural."""
    done = set()
    for catalog in catalogs.values():
        for message in catalog:
            if message.id and _is_translated(message):
                if message.pluralizable:
                    done.add((message.id[0], message.context))
                    done.add((tuple(message.id[:2]), message.context))
                else:
                    done.add((message.id, message.context))
    return done


def _key(msgid: str, plural: str | None) -> str | tuple[str, str]:
    return (msgid, plural) if plural else msgid


def missing_translations() -> list[tuple[str, int, str]]:
    """(module, line, msgid) for every marked string without an Indonesian translation."""
    done = translated_ids(load_catalogs())
    missing = []
    for path in source_files():
        for msgid, plural, context, line in extract_messages(path):
            if (_key(msgid, plural), context) not in done:
                missing.append((module_name(path), line, msgid))
    return missing


def placeholder_mismatches() -> list[tuple[str, str, str]]:
    """Translations whose {placeholders} differ from the source (they would crash .format)."""
    bad = []
    for name, catalog in load_catalogs().items():
        for message in catalog:
            if not message.id or not message.string:
                continue
            if isinstance(message.id, str):
                if sorted(PLACEHOLDER.findall(message.id)) != sorted(PLACEHOLDER.findall(message.string)):
                    bad.append((name, message.id, message.string))
                continue
            # plural: each form must keep the placeholders of the singular or of the plural source
            sources = [sorted(PLACEHOLDER.findall(text)) for text in message.id]
            for form in message.string:
                if form and sorted(PLACEHOLDER.findall(form)) not in sources:
                    bad.append((name, message.id[0], form))
    return bad


def update(paths: list[Path]) -> int:
    CATALOG_DIR.mkdir(parents=True, exist_ok=True)
    catalogs = load_catalogs()
    done = translated_ids(catalogs)
    added = 0
    for path in paths:
        name = module_name(path)
        catalog = catalogs.get(name) or Catalog(locale="id", project="kesos-desktop", fuzzy=False)
        changed = False
        for msgid, plural, context, line in extract_messages(path):
            if (_key(msgid, plural), context) in done:
                continue
            existing = catalog.get(msgid, context)
            if existing is not None:
                if plural and not existing.pluralizable:
                    # written before plurals were extracted: make it the plural message ngettext needs
                    string = existing.string or ""
                    catalog.delete(msgid, context)
                    catalog.add((msgid, plural), (string, string), locations=existing.locations,
                                flags=existing.flags, context=context)
                    changed = True
                    added += 0 if string else 1
                continue
            if plural:
                catalog.add((msgid, plural), ("", ""), locations=[(module_name(path), line)], context=context)
            else:
                catalog.add(msgid, "", locations=[(module_name(path), line)], context=context)
            changed = True
            added += 1
        if changed:
            with (CATALOG_DIR / f"{name}.po").open("wb") as fh:
                write_po(fh, catalog, width=100, omit_header=False, no_location=True)
    return added


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--missing", action="store_true")
    args = parser.parse_args(argv)
    if args.missing:
        missing = missing_translations()
        for module, line, msgid in missing:
            print(f"{module}:{line}: {msgid}")
        return 1 if missing else 0
    added = update(args.files or source_files())
    print(f"{added} new message(s) to translate in {CATALOG_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
