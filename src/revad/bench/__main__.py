"""``python -m revad.bench`` = ``revad bench``."""

import sys

from .cli import main

sys.exit(main())
