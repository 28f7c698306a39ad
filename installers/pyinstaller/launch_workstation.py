"""PyInstaller entry script of the workstation executable."""

import sys

from ui.entry import main

sys.exit(main())
