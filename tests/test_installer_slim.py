"""What the installer leaves out of the frozen build (installer/bundle_slim.py, icu_trim.py)."""

import struct
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "installer"))
import bundle_slim  # noqa: E402
import icu_trim  # noqa: E402


@pytest.mark.parametrize(("name", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),  # --screenshot and the smoke test
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
    ("PySide6/Qt/plugins/imageformats/qico.dll", True),
    ("PySide6/Qt/plugins/imageformats/libqwebp.so", False),
    ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so", True),
    ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("libcups.so.2", False),
    ("babel/locale-data/id_ID.dat", True),
    ("babel/locale-data/en.dat", True),
    ("babel/locale-data/de.dat", False),
    ("babel/locale-data/en_AU.dat", False),
    ("babel/locale-data/root.dat", True),
    ("python3.11/lib-dynload/_codecs_jp.cpython-311-x86_64-linux-gnu.so", False),
    ("python3.11/lib-dynload/_multibytecodec.cpython-311-x86_64-linux-gnu.so", False),
    ("python3.11/lib-dynload/_codecs_iso2022.cpython-311-x86_64-linux-gnu.so", False),
    ("python3.11/lib-dynload/unicodedata.cpython-311-x86_64-linux-gnu.so", True),
    ("resources/translations/id/LC_MESSAGES/cli.common.mo", True),
    ("resources/translations/id/LC_MESSAGES/cli.common.po", False),
    ("kesos_desktop/db/migrations/versions/0001_initial.py", True),
])
def test_what_the_bundle_keeps(name, kept):
    assert bundle_slim.wanted(name) is kept


def test_keyring_keeps_its_own_dependencies_and_the_database_drivers_stay():
    # keyring imports jaraco.* at the top; psycopg's binary module imports ssl
    for needed in ("jaraco", "more_itertools", "ssl", "_ssl", "keyring", "sqlcipher3", "psycopg"):
        assert needed not in bundle_slim.EXCLUDES


def test_libraries_nothing_links_to_any_more_are_dropped(monkeypatch):
    links = {
        "/src/_imaging.so": ["libjpeg.so.62"],
        "/src/libqxcb.so": ["libQt6XcbQpa.so.6"],
        "/src/libQt6XcbQpa.so.6": ["libX11.so.6"],
        "/src/libX11.so.6": [],
        "/src/libjpeg.so.62": [],
        "/src/libcairo.so.2": ["libX11.so.6"],  # was needed by the GTK theme plugin only
    }
    monkeypatch.setattr(bundle_slim, "_needed", lambda path: links[path])
    binaries = [
        ("PIL/_imaging.so", "/src/_imaging.so", "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6", "SYMLINK"),
        ("libX11.so.6", "/src/libX11.so.6", "BINARY"),
        ("libjpeg.so.62", "/src/libjpeg.so.62", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("libcairo-alias.so", "libcairo.so.2", "SYMLINK"),
    ]
    kept = [dest for dest, _, _ in bundle_slim.prune_unlinked(binaries)]
    assert kept == ["PIL/_imaging.so", "PySide6/Qt/plugins/platforms/libqxcb.so",
                    "PySide6/Qt/lib/libQt6XcbQpa.so.6", "libQt6XcbQpa.so.6", "libX11.so.6",
                    "libjpeg.so.62"]


@pytest.mark.parametrize(("item", "kept"), [
    ("icudt73l/root.res", True),
    ("icudt73l/id.res", True),
    ("icudt73l/id_ID.res", True),
    ("icudt73l/en_US.res", True),
    ("icudt73l/coll/root.res", True),
    ("icudt73l/coll/ucadata.icu", True),
    ("icudt73l/zone/id.res", True),
    ("icudt73l/res_index.res", True),
    ("icudt73l/pool.res", True),
    ("icudt73l/supplementalData.res", True),
    ("icudt73l/zoneinfo64.res", True),
    ("icudt73l/cnvalias.icu", True),
    ("icudt73l/de.res", False),
    ("icudt73l/coll/zh_Hant.res", False),
    ("icudt73l/curr/es_419.res", False),
    ("icudt73l/gb18030.cnv", False),
    ("icudt73l/brkitr/cjdict.dict", False),
    ("icudt73l/translit/root.res", False),
])
def test_icu_items_kept(item, kept):
    assert icu_trim.wanted(item) is kept


def _package(items):
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + struct.pack("<HHBBBB", 20, 0, 0, 0, 2, 0)
    header += b"CmnD" + bytes([1, 0, 0, 0]) + bytes(4)
    return icu_trim.write_package(header + bytes(32 - len(header)), items)


def test_an_icu_package_reads_back_after_dropping_items():
    items = [("icudt73l/de.res", b"D" * 37), ("icudt73l/id.res", b"I" * 5), ("icudt73l/root.res", b"R" * 16)]
    header, read = icu_trim.read_package(_package(items))
    assert read[1] == ("icudt73l/id.res", b"I" * 5 + bytes(11))  # items are padded to 16 bytes
    kept = [(name, data) for name, data in read if icu_trim.wanted(name)]
    blob = icu_trim.write_package(header, kept)
    assert [name for name, _ in icu_trim.read_package(blob)[1]] == ["icudt73l/id.res", "icudt73l/root.res"]
    assert len(blob) < len(_package(items))
    table = len(header)
    for _, offset in (struct.unpack_from("<II", blob, table + 4 + 8 * i) for i in range(2)):
        assert (table + offset) % 16 == 0


def test_something_that_is_not_an_icu_package_is_refused():
    with pytest.raises(ValueError):
        icu_trim.read_package(b"\x20\x00\x00\x00" + bytes(60))
