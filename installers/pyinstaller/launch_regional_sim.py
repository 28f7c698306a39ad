"""PyInstaller entry script of the bundled reference backend (demo and training mode)."""

import sys

from regional_sim.__main__ import main

sys.exit(main())
