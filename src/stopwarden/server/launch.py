"""Launch the gate server in the background: the one way both the SessionStart hook and `start` do it.

The project is a stranger's repository, so nothing in it may be imported in the server's place: the
interpreter runs isolated (`-I`: no current folder or script folder on `sys.path`, no PYTHON* variables,
no user site), from a working directory outside the repository (`/`), and is told the project's root
on its command line. A `stopwarden/` package committed to the repository is then never on the path.
"""

from __future__ import annotations

import os
import subprocess
import sys

from stopwarden.state import files

ROOT_OPTION = "--root"


def command(root: str) -> list[str]:
    """The server's command line; `_serve_processes` in server/control.py finds servers by it."""
    return [sys.executable, "-I", "-m", "stopwarden", "serve", "--background", ROOT_OPTION, root]


def launch(root: str) -> subprocess.Popen[bytes]:
    """Start `stopwarden serve` detached, logging to `.stopwarden/server.log`; returns at once."""
    log_fd = files.open_server_log(root)
    try:
        with open(os.devnull, "rb") as devnull:
            return subprocess.Popen(
                command(root), cwd="/", stdin=devnull, stdout=log_fd, stderr=log_fd, start_new_session=True,
            )  # fmt: skip
    finally:
        os.close(log_fd)
