"""Entry point for ``python -m kitaku_maps``."""

import sys

from kitaku_maps.cli import main

sys.exit(main())
