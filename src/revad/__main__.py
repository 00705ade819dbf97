"""``python -m revad`` is the ``revad`` command."""

import sys

from .cli import main

sys.exit(main())
