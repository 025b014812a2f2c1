"""``edaadvisor mcp``: the advisor as a Model Context Protocol server, for coding agents.

The SDK (PyPI ``mcp``) is an optional extra. This module only checks that it is there and
hands over to ``server``; ``tools`` holds the tools' logic over the core and imports nothing
of the SDK, so it is tested and reused without it. No other path of edaadvisor imports the
SDK (an import-linter contract keeps it so). Absolute imports only: inside this package
``import mcp`` must find the SDK, never this package.
"""

from __future__ import annotations

import sys

INSTALL = "pip install 'edaadvisor[mcp]'"


def main(argv: list[str]) -> int:
    """``edaadvisor mcp [--knowledge DIR]...``: serve over stdio until the host hangs up."""
    from importlib.util import find_spec

    try:
        missing = find_spec("mcp") is None
    except (ImportError, ValueError):  # an import hook that refuses it, a broken install
        missing = True
    if missing:
        print(
            f"edaadvisor: error: 'edaadvisor mcp' needs the MCP extra; install it with: {INSTALL}",
            file=sys.stderr,
        )
        return 2
    try:
        from mcp.server.mcpserver import MCPServer  # noqa: F401  (the 2.x API, or say so)
    except ImportError:
        print(
            "edaadvisor: error: 'edaadvisor mcp' needs version 2 of the MCP SDK (mcp>=2,<3); "
            f"upgrade it with: {INSTALL}",
            file=sys.stderr,
        )
        return 2
    from edaadvisor.mcp.server import serve

    return serve(argv)
