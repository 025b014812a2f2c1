"""``python -m edaadvisor`` runs the same CLI as the ``edaadvisor`` script."""

import sys

from .cli import main

sys.exit(main())
