"""`.stopwarden/hook.log`: why a hook let a stop through, or what went wrong. Bounded in size.

Never stdout: the agent parses it. One line per hook run at most. On the common path: `posix`, not `os`.
"""

import posix
import time

from stopwarden.names import HOOK_LOG, STATE_DIR

MAX_BYTES = 256 * 1024  # then hook.log becomes hook.log.1, replacing the previous one


def write(root: str | None, event: str, session_id: str, message: str) -> None:
    """Append one line; never raises (logging must not be the reason a hook fails).

    Outside a stopwarden project (a user-scope install) there is nowhere that is ours to write, and the
    agent may show stderr: the line is dropped.
    """
    if root is None:
        return
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = f"{stamp} {event} session={session_id or '-'} {message}".replace("\n", " ") + "\n"
    try:
        path = f"{root}/{STATE_DIR}/{HOOK_LOG}"
        try:
            if posix.stat(path).st_size > MAX_BYTES:
                posix.replace(path, path + ".1")
        except FileNotFoundError:
            pass
        fd = posix.open(path, posix.O_WRONLY | posix.O_APPEND | posix.O_CREAT, 0o600)
        try:
            posix.write(fd, line.encode("utf-8", "replace"))
        finally:
            posix.close(fd)
    except Exception:
        pass
