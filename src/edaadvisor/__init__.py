"""edaadvisor: decide whether event-driven architecture fits, and how.

The library is importable on its own (``from edaadvisor.core import ...``); the CLI and the TUI
are thin shells over ``edaadvisor.core``, which never imports Textual or Jinja2.
"""

__version__ = "0.1.0"
