"""Entry point of the frozen build: one program answering to two names.

``kesos-desktop`` opens the window; ``kesos`` (on Linux a symbolic link to the same file, on
Windows a console build of the same script) is the administrator's command line. One program
instead of two keeps one copy of the 11 MB archive of Python modules in the folder.
"""

import os
import sys


def _command_line() -> bool:
    name = os.path.splitext(os.path.basename(sys.argv[0] if sys.argv else ""))[0].lower()
    return name == "kesos"


if _command_line():
    from kesos_desktop.cli import main
else:
    from kesos_desktop.app import main

sys.exit(main())
