"""Entry point of the frozen administrator's command line (kesos)."""

import sys

from kesos_desktop.cli import main

sys.exit(main())
