"""Drive the real `stopwarden` CLI in a pseudo-terminal: for the commands that ask a person questions."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

CLI = str(Path(sys.executable).parent / "stopwarden")


class Terminal:
    """The real `stopwarden ARGS` on a pseudo-terminal, as a person would see it and type into it."""

    def __init__(self, cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> None:
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen([CLI, *args], cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 20) -> None:
        assert self.sees(text, timeout), f"never saw {text!r} in:\n{self.seen}"

    def sees(self, text: str, timeout: float) -> bool:
        """Whether `text` shows within `timeout` seconds (what the terminal showed is kept in `seen`)."""
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            ready, _, _ = select.select([self.master], [], [], remaining)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096).decode("utf-8", "replace")
                except OSError:
                    break
        return text in self.seen

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def close(self) -> int:
        code = self.proc.wait(timeout=20)
        os.close(self.master)
        return code
