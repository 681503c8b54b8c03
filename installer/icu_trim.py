"""Trim Qt's ICU data library (libicudata, 31 MB on Linux) to what this app can use.

Qt Core links ICU for collation, case mapping, time-zone names and legacy code pages. All of
ICU's data is one "common data" package (ICU's .dat format) behind the symbol ``icudt<NN>_dat``
in libicudata. This keeps every shared item (Unicode properties, the root collation, time
zones, plural and number rules) and the root, English and Indonesian locales; it drops the
other ~800 locales' texts, the legacy code-page converters (the app reads and writes UTF-8
only), the word-break dictionaries (Thai, Khmer, Lao, Burmese, Chinese/Japanese) and the
transliteration rules, which Qt never asks for. A locale ICU cannot find falls back to root
(ICU's normal lookup), so a workstation set to another language still sorts and formats.

The smaller package is linked into a library with the same soname with binutils (as and ld,
already needed by PyInstaller's strip). Used by installer/kesos.spec on Linux only (Qt on
Windows uses the ICU of Windows itself).
"""

from __future__ import annotations

import logging
import re
import struct
import subprocess
import tempfile
from pathlib import Path

# Locale files: "de.res", "sr_Latn_BA.res", "es_419.res" (under coll/, curr/, lang/ ... too).
_LOCALE_FILE = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*\.res$")
_KEEP_LOCALES = re.compile(r"^(root|res_index|en|id|in)(_|\.)")  # "in": ICU's old code for id
_DROP_TREES = ("/translit/",)
_DROP_SUFFIXES = (".cnv", ".dict")
_ALIGN = 16  # ICU aligns every item of a package to 16 bytes
log = logging.getLogger("kesos.icu_trim")


def wanted(name: str) -> bool:
    """Whether an item of the package ("icudt73l/coll/de.res") stays."""
    if name.endswith(_DROP_SUFFIXES) or any(tree in name for tree in _DROP_TREES):
        return False
    base = name.rsplit("/", 1)[-1]
    return not _LOCALE_FILE.match(base) or bool(_KEEP_LOCALES.match(base))


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The package's header and its (name, data) items, in the table's (sorted) order."""
    header_size = struct.unpack_from("<H", blob, 0)[0]
    if blob[2:4] != b"\xda\x27" or blob[8:9] != b"\x00" or blob[12:16] != b"CmnD":
        raise ValueError("not a little-endian ICU common data package")
    count = struct.unpack_from("<I", blob, header_size)[0]
    entries = [struct.unpack_from("<II", blob, header_size + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        start = header_size + name_offset
        name = blob[start:blob.index(b"\0", start)].decode("ascii")
        end = entries[i + 1][1] if i + 1 < count else len(blob) - header_size
        items.append((name, blob[header_size + data_offset:header_size + end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """A package with the same header and these items (offsets relative to the table)."""
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    table_size = 4 + 8 * len(items)
    data_start = _aligned(len(header) + table_size + len(names)) - len(header)
    entries, body, name_offset, offset = [], bytearray(), table_size, data_start
    for name, data in items:
        entries.append(struct.pack("<II", name_offset, offset))
        name_offset += len(name) + 1
        padded = data + b"\0" * (_aligned(len(data)) - len(data))
        body += padded
        offset += len(padded)
    table = struct.pack("<I", len(items)) + b"".join(entries) + names
    gap = b"\0" * (data_start - len(table))
    return header + table + gap + bytes(body)


def _aligned(size: int) -> int:
    return (size + _ALIGN - 1) // _ALIGN * _ALIGN


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _data_symbol(library: Path) -> tuple[str, bytes]:
    """The icudt<NN>_dat symbol's name and bytes, located through readelf's tables."""
    symbols = _run("readelf", "--dyn-syms", "-W", str(library))
    match = re.search(r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)",
                      symbols)
    if not match:
        raise ValueError(f"no icudt*_dat symbol in {library}")
    address, size, section = int(match[1], 16), int(match[2], 0), int(match[3])
    sections = _run("readelf", "-S", "-W", str(library))
    row = re.search(rf"\[\s*{section}\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", sections)
    file_offset = address - int(row[1], 16) + int(row[2], 16)
    with library.open("rb") as handle:
        handle.seek(file_offset)
        return match[4], handle.read(size)


def _link(package: bytes, symbol: str, soname: str, target: Path) -> None:
    """A shared library named soname exporting package as symbol (binutils only, no compiler)."""
    with tempfile.TemporaryDirectory() as tmp:
        data, source, obj = Path(tmp) / "icudata.bin", Path(tmp) / "icudata.s", Path(tmp) / "icudata.o"
        data.write_bytes(package)
        source.write_text(f""".section .rodata
.balign {_ALIGN}
.globl {symbol}
.type {symbol}, @object
.size {symbol}, {len(package)}
{symbol}:
.incbin "{data}"
""", encoding="ascii")
        _run("as", "-o", str(obj), str(source))
        _run("ld", "-shared", "-soname", soname, "-o", str(target), str(obj))


def trim(library: Path, target: Path) -> tuple[int, int]:
    """Write the trimmed copy of library to target; returns (old size, new size) in bytes."""
    symbol, blob = _data_symbol(library)
    header, items = read_package(blob)
    kept = [(name, data) for name, data in items if wanted(name)]
    _link(write_package(header, kept), symbol, library.name, target)
    check_header, check_items = read_package(_data_symbol(target)[1])
    if check_header != header or [n for n, _ in check_items] != [n for n, _ in kept]:
        raise ValueError("the trimmed ICU package does not read back")
    return library.stat().st_size, target.stat().st_size


def trim_icu(binaries: list, workdir: Path) -> list:
    """The PyInstaller binaries with libicudata replaced by its trimmed copy (built in workdir).

    Without binutils, or with an ICU this does not understand, the original stays: the build
    works, only bigger (make dist prints the folder's size)."""
    result = []
    for dest, src, code in binaries:
        if code != "SYMLINK" and re.fullmatch(r"libicudata\.so\.\d+", Path(dest).name):
            workdir.mkdir(parents=True, exist_ok=True)
            try:
                before, after = trim(Path(src), workdir / Path(dest).name)
                src = str(workdir / Path(dest).name)
                log.warning("ICU data trimmed: %d -> %d KB", before // 1024, after // 1024)
            except (OSError, ValueError, subprocess.CalledProcessError) as error:
                log.warning("ICU data kept whole (%s)", error)
        result.append((dest, src, code))
    return result
