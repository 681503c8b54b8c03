"""What installer/kesos.spec leaves out of the folder, and why (measured in installer/README.md).

PyInstaller's hooks collect whole packages: every Qt plugin of a module, all of Pillow's codecs,
Qt's translations. This keeps what the app uses and, on Linux, drops shared libraries nothing
kept links to any more (the GTK stack of the dropped GTK theme plugin, for instance).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

# Parts of paths in the bundle (binaries and data) the app never uses.
UNUSED = (
    "PySide6/Qt/translations/",          # Qt's own texts: the app's dialogs are translated by us
    "Qt6Quick", "Qt6Qml", "VirtualKeyboard",
    "plugins/platforminputcontexts", "Qt6EglFs", "plugins/egldeviceintegrations",
    "plugins/generic/",                  # evdev/tuio touch input of embedded devices
    "plugins/platformthemes/libqgtk3",   # pulls GTK, cairo, pango: Qt's own dialogs instead
    "plugins/networkinformation/", "plugins/tls/",  # QtNetwork is not used (QtPdf needs no TLS)
)
# Qt platform plugins for embedded devices and remote screens (xcb, wayland, windows and
# offscreen stay: offscreen is what --screenshot and the smoke test run on).
_PLATFORMS = re.compile(r"plugins/platforms/(lib)?q(eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc)\b")
# Image formats: photos are PNG (built into QtGui) or JPEG; the window icon is .ico on Windows.
_IMAGE_FORMATS = re.compile(r"plugins/imageformats/(lib)?q(?!jpeg|ico)\w+\.(so|dll|dylib)$")
# Babel's locale data: dates are formatted in the UI language, "id" or "en" (with their parents).
_BABEL_LOCALES = {"root", "id", "id_ID", "en", "en_US", "en_001", "en_GB"}
# Python's Chinese, Japanese and Korean codecs (shift_jis, big5, gb18030...; 0.9 MB): the app
# reads and writes UTF-8 and Excel files; an unknown encoding is a plain LookupError.
_CJK_CODECS = re.compile(r"lib-dynload/_(codecs_\w+|multibytecodec)\.")

# Python modules nobody imports at run time (the hooks' and the analysis' false friends).
EXCLUDES = [
    "tkinter", "pytest", "_pytest", "pytestqt", "ruff", "pypdf", "pandas", "numpy", "IPython",
    "pygments", "mako.ext.pygmentplugin",           # source highlighting (via mako's plugins)
    "pkg_resources", "setuptools",                  # babel's message extraction only
    "pydoc", "pydoc_data", "doctest", "pdb", "xmlrpc", "unittest", "lib2to3",  # test/doc tools
    # Pillow: only PNG and JPEG are decoded (reportlab's Image, the photo check); no fonts,
    # colour management, AVIF/WebP or image maths.
    "PIL.ImageFont", "PIL._imagingft", "PIL.ImageCms", "PIL._imagingcms", "PIL.AvifImagePlugin",
    "PIL._avif", "PIL.WebPImagePlugin", "PIL._webp", "PIL.ImageMath", "PIL._imagingmath",
    "PIL.ImageMorph", "PIL._imagingmorph", "PIL.ImageTk", "PIL._imagingtk", "PIL.ImageQt",
    # Qt modules the app does not import (QtCharts/QtPdf need only their C++ libraries).
    "PySide6.QtOpenGL", "PySide6.QtNetwork", "PySide6.QtDBus", "PySide6.QtSvg",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebEngineQuick",
    "PySide6.QtWebChannel", "PySide6.QtWebSockets", "PySide6.Qt3DCore", "PySide6.Qt3DRender",
    "PySide6.Qt3DExtras", "PySide6.Qt3DInput", "PySide6.Qt3DLogic", "PySide6.Qt3DAnimation",
    "PySide6.QtQuick", "PySide6.QtQuick3D", "PySide6.QtQuickWidgets", "PySide6.QtQml",
    "PySide6.QtMultimedia", "PySide6.QtMultimediaWidgets", "PySide6.QtBluetooth", "PySide6.QtNfc",
    "PySide6.QtPositioning", "PySide6.QtLocation", "PySide6.QtSensors", "PySide6.QtSerialPort",
    "PySide6.QtDataVisualization", "PySide6.QtGraphs", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtRemoteObjects", "PySide6.QtScxml",
    "PySide6.QtSpatialAudio", "PySide6.QtTextToSpeech", "PySide6.QtHttpServer",
    "PySide6.QtOpenGLWidgets", "PySide6.QtSvgWidgets", "PySide6.QtUiTools", "PySide6.QtAxContainer",
    # Not "ssl" (and its libssl/libcrypto): psycopg's binary module imports it, without it
    # PostgreSQL cannot be reached ("no pq wrapper available").
    # keyring's Secret Service backend (Linux) and the 12 MB cryptography it needs: without
    # them keyring has no backend on Linux and the server password is asked at every start
    # (services/connection.py). Windows keeps its Credential Manager (no cryptography there).
    "secretstorage", "jeepney", "cryptography",
]
# Linux: libraries every desktop with a printer has; the bundled CUPS plugin uses the system's
# own (with its TLS and Kerberos stack, 9 MB), and without CUPS Qt prints to PDF files only.
SYSTEM_LIBRARIES = ("libcups.so.2",)


def wanted(name: str) -> bool:
    name = name.replace("\\", "/")
    if name.startswith("resources/translations/") and name.endswith(".po"):
        return False  # the sources of the compiled .mo catalogs the app reads
    if any(part in name for part in UNUSED) or _PLATFORMS.search(name) or _IMAGE_FORMATS.search(name):
        return False
    if "babel/locale-data/" in name:
        return name.rsplit("/", 1)[-1].split(".")[0] in _BABEL_LOCALES
    if _CJK_CODECS.search(name):
        return False
    return name.rsplit("/", 1)[-1] not in SYSTEM_LIBRARIES


def slim(analysis):
    analysis.binaries = [entry for entry in analysis.binaries if wanted(entry[0])]
    analysis.datas = [entry for entry in analysis.datas if wanted(entry[0])]
    if sys.platform.startswith("linux") and shutil.which("readelf"):  # binutils, as strip
        analysis.binaries = prune_unlinked(analysis.binaries)
    return analysis


def _needed(path: str) -> list[str]:
    out = subprocess.run(["readelf", "-d", "-W", path], capture_output=True, text=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def _is_plain_library(dest: str, typecode: str) -> bool:
    """A shared library only loaded because something links to it (not a module or plugin)."""
    base = dest.rsplit("/", 1)[-1]
    return typecode == "BINARY" and "/plugins/" not in dest and not base.startswith("libpython")


def prune_unlinked(binaries: list) -> list:
    """Drop plain libraries no kept module, plugin or library links to (ELF NEEDED entries)."""
    files = {dest: (src, code) for dest, src, code in binaries if code != "SYMLINK"}
    by_base: dict[str, list[str]] = {}
    for dest in files:
        by_base.setdefault(dest.rsplit("/", 1)[-1], []).append(dest)
    for dest, target, code in binaries:  # "libQt6Core.so.6" -> PySide6/Qt/lib/libQt6Core.so.6
        if code == "SYMLINK":
            by_base.setdefault(dest.rsplit("/", 1)[-1], []).append(target)
    todo = [dest for dest, (_, code) in files.items() if not _is_plain_library(dest, code)]
    reached = set(todo)
    while todo:
        for lib in _needed(files[todo.pop()][0]):
            for dest in by_base.get(lib, []):
                if dest in files and dest not in reached:
                    reached.add(dest)
                    todo.append(dest)
    return [entry for entry in binaries
            if (entry[0] if entry[2] != "SYMLINK" else entry[1]) in reached]
