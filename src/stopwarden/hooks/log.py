"""`.stopwarden/hook.log`: why a hook let a stop through, or what went wrong. Bounded in size.

Never stdout: the agent parses it. One line per hook run at most, with every control character escaped:
the line quotes session and build ids, which a payload or a repository chose. On the common path:
`posix`, not `os`.
"""

import posix
import time

MAX_BYTES = 256 * 1024  # then hook.log becomes hook.log.1, replacing the previous one


def write(root: str | None, event: str, session_id: str, message: str) -> None:
    """Append one line; never raises (logging must not be the reason a hook fails).

    Outside a stopwarden project (a user-scope install) there is nowhere that is ours to write, and the
    agent may show stderr: the line is dropped. So is it when `.stopwarden/` or hook.log is not ours
    (a link, another user's folder): the one place to say so is stderr, which agents keep from the model.
    """
    if root is None:
        return
    from stopwarden.common.names import HOOK_LOG, STATE_DIR
    from stopwarden.state import safe  # here, and safe alone (posix): main.py imports this on every run

    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    line = escape(f"{stamp} {event} session={session_id or '-'} {message}") + "\n"
    try:
        safe.check_folder(f"{root}/{STATE_DIR}")
        path = f"{root}/{STATE_DIR}/{HOOK_LOG}"
        try:
            if posix.lstat(path).st_size > MAX_BYTES:
                posix.replace(path, path + ".1")  # renames a link itself, never what it points at
        except FileNotFoundError:
            pass
        safe.append(path, line.encode("utf-8", "replace"))
    except safe.NotOurs as e:
        _stderr(f"stopwarden: not logging to {root}: {e}\n")
    except Exception:
        pass


def escape(text: str) -> str:
    """One printable line: control characters (newlines, ESC, C1) as `\\x..` escapes. Not `termsafe.line`,
    which the CLI uses: it imports `re` and `unicodedata`, milliseconds this module runs on every hook."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in text)


def _stderr(text: str) -> None:
    try:
        posix.write(2, escape(text.rstrip("\n")).encode("utf-8", "replace") + b"\n")
    except OSError:
        pass
