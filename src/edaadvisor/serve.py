"""``edaadvisor serve``: the interview in a web browser, for the people in the room without a
terminal.

`textual-serve <https://github.com/Textual-Textualize/textual-serve>`_ (the optional extra
``edaadvisor[serve]``) serves a page with a terminal emulator and, for every browser session
that opens it, starts one process of a command and relays its screen and keys. The command
here is this module again, with the hidden ``--session-root``: each session makes its own
folder below that root and points ``EDAADVISOR_STATE_DIR`` at it before the TUI starts, so
every browser gets its own interview and state file, and two people never overwrite each
other. A session's answers stay in its folder after the tab closes (``EDAADVISOR_STATE_DIR=
that-folder edaadvisor`` resumes one).

The server binds to loopback unless told otherwise: whoever reaches the port drives an
interview that writes ADRs and answers files into the server's folders. The sessions write
only where the CLI would: ``--adr-dir``, or the path typed in the save dialog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import os
import shlex
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

from .core.errors import InputError
from .options import add_knowledge_option

INSTALL = "pip install 'edaadvisor[serve]'"
LOOPBACK_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edaadvisor serve",
        description="Serve the interview in web browsers (needs edaadvisor[serve]). Each "
        "browser session is its own interview with its own state file. Ctrl+C stops it.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--public-url",
        metavar="URL",
        help="the address browsers use to reach the server, when it differs from --host/--port",
    )
    parser.add_argument(
        "--answers", "-a", type=Path, metavar="FILE", help="start every interview from this file"
    )
    parser.add_argument(
        "--adr-dir",
        nargs="?",
        const=True,
        type=Path,
        metavar="DIR",
        help="ctrl+s writes the ADR as DIR's next NNNN-slug.md (bare: the repository's ADR "
        "folder); without it, a dialog asks where",
    )
    parser.add_argument(
        "--template", metavar="NAME|PATH", default="madr", help="ADR template (default madr)"
    )
    add_knowledge_option(parser, "layer a knowledge pack (repeatable, applied in order)")
    parser.add_argument("--session-root", type=Path, help=argparse.SUPPRESS)
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 < port < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1-65535)")
    return port


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.session_root is not None:
        return run_session(args)
    try:
        import textual_serve.server  # noqa: F401
    except ImportError:
        raise InputError.single(
            f"'edaadvisor serve' needs textual-serve, an optional extra: {INSTALL}"
        ) from None
    warning = exposure_warning(args.host, args.port)
    if warning:
        print(f"edaadvisor serve: warning: {warning}", file=sys.stderr)
    _check_inputs(args)
    _check_port(args.host, args.port)
    root = session_root()
    command = shlex.join(session_command(args, root))
    url = args.public_url or public_url(args.host, args.port)
    return _serve(command, args.host, args.port, url, root)


def exposure_warning(host: str, port: int) -> str | None:
    """What binding to a non-loopback address exposes; None for loopback."""
    if is_loopback(host):
        return None
    return (
        f"listening on {host}: anyone who can reach port {port} can use the interview and "
        "write ADRs and answers files into this server's folders"
    )


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def public_url(host: str, port: int) -> str:
    """What the page's websocket connects back to: the bound address, or this machine's name
    when bound to every address (0.0.0.0 is no address a browser can reach)."""
    if host in ("0.0.0.0", "::", ""):
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _check_inputs(args: argparse.Namespace) -> None:
    """Load the knowledge and answers once here, so a broken file stops the server with the
    CLI's message (exit 2) instead of every browser session failing on its own."""
    from .core.answers import load_answers_file
    from .core.knowledge import load_knowledge

    knowledge = load_knowledge(args.knowledge)
    if args.answers is not None:
        load_answers_file(args.answers, knowledge)
    if isinstance(args.adr_dir, Path) and args.adr_dir.exists() and not args.adr_dir.is_dir():
        raise InputError.single("is not a folder", str(args.adr_dir))


def _check_port(host: str, port: int) -> None:
    """Bind once before serving, as the server will (address reuse on), so a port in use is a
    one-line error before anything claims to be listening."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        raise InputError.single(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def session_root() -> Path:
    """``<state dir>/serve/<start time>-<random>``: this server's sessions, one folder each."""
    from .tui.state import state_dir

    base = state_dir() / "serve"
    base.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=base))


def session_command(args: argparse.Namespace, root: Path) -> list[str]:
    """The command textual-serve runs per browser session: this interpreter, this module.

    Paths are made absolute: the session runs in the server's folder today, but its meaning
    must not hang on that.
    """
    command = [sys.executable, "-m", "edaadvisor", "serve", "--session-root", str(root)]
    if args.answers is not None:
        command += ["--answers", str(args.answers.resolve())]
    if args.adr_dir is True:
        command += ["--adr-dir"]
    elif args.adr_dir is not None:
        command += ["--adr-dir", str(Path(args.adr_dir).resolve())]
    command += ["--template", args.template]
    for pack in args.knowledge:
        command += ["--knowledge", str(pack.resolve())]
    return command


def run_session(args: argparse.Namespace) -> int:
    """One browser session: a fresh state folder, then the interview."""
    from .tui.state import STATE_ENV

    folder = tempfile.mkdtemp(prefix="session-", dir=args.session_root)
    os.environ[STATE_ENV] = folder
    options = argparse.Namespace(
        answers=args.answers,
        adr_dir=args.adr_dir,
        output=None,
        force=False,
        template=args.template,
        knowledge=args.knowledge,
        overrides=[],
        interactive=args.answers is not None,
        format="markdown",
    )
    from .tui.app import run_tui

    return run_tui(options)


def _serve(command: str, host: str, port: int, url: str, root: Path) -> int:
    from textual_serve.server import Server

    class AdvisorServer(Server):
        def initialize_logging(self) -> None:
            # textual-serve logs every request; a workshop server only needs to say where it is
            import logging

            logging.basicConfig(level=logging.WARNING, format="%(message)s")

        async def on_startup(self, app: Any) -> None:
            print(f"edaadvisor serve: the interview is at {url}", flush=True)
            print(f"  one interview per browser session; their state is kept in {root}")
            print("  ctrl+c stops the server", flush=True)

    server = AdvisorServer(command, host=host, port=port, title="edaadvisor", public_url=url)
    try:
        server.serve()
    except OSError as exc:
        raise InputError.single(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return 0
