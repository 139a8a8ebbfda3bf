"""``python -m pkilesson``: the same as the ``pkilesson`` command."""

import sys

from .cli import main

sys.exit(main())
