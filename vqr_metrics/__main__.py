"""``python -m vqr_metrics``: the same command as ``vqr-score``."""

import sys

from .cli import main

sys.exit(main())
