"""``python -m revad`` is the ``revad`` command."""

import sys

from .app.cli import main

sys.exit(main())
