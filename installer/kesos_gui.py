"""Entry point of the frozen GUI (kesos-desktop)."""

import sys

from kesos_desktop.app import main

sys.exit(main())
