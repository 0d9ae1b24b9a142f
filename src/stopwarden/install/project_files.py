"""The project's `.stopwarden/` folder (SPEC §2): config, token, ignore rules and state folders.

Existing files are kept: init never replaces a config the team committed or a token a server uses.
"""

from __future__ import annotations

import os
import secrets
import socket

from stopwarden.common import git
from stopwarden.common.atomic import append_line, write_atomic
from stopwarden.common.names import (
    BACKUPS_DIR,
    BUILDS_DIR,
    CONFIG_FILE,
    PLANS_DIR,
    PORT_FILE,
    SESSIONS_DIR,
    STATE_DIR,
    TOKEN_FILE,
    UNINSTALLED_FILE,
)
from stopwarden.state import files, safe

# Everything below .stopwarden/ is machine state, except what the team shares: the config and the plans
# the /build skill commits.
GITIGNORE = """\
# Written by stopwarden init: machine state stays out of git; the config and build plans are shared.
*
!.gitignore
!config.toml
!plans/
!plans/**
"""

CONFIG = """\
# stopwarden configuration: commit this file. Machine-specific state lives beside it, ignored by git.
[project]
name = "{name}"

[server]
# The local gate server listens on 127.0.0.1 only, on a port of this machine's (.stopwarden/port).
autostart = true

[gate]
# off | shadow | enforce: the mode the stop gate starts in (later changed with `stopwarden gate mode`).
mode = "shadow"
authority = "rules"
"""


def state_dir(root: str) -> str:
    return os.path.join(root, STATE_DIR)


def create(root: str) -> tuple[list[str], list[str]]:
    """Create whatever is missing of `.stopwarden/`: the paths it created, and notes on what it found
    there that was not ours (a committed store set aside, a committed token replaced) or a port another
    program answers on."""
    created = []
    base = state_dir(root)
    for folder in (base, *(os.path.join(base, d) for d in (BUILDS_DIR, SESSIONS_DIR, PLANS_DIR, BACKUPS_DIR))):
        if os.path.lexists(folder):  # a repository's link in our place: refused before anything goes through it
            safe.check_folder(folder)
        else:
            os.mkdir(folder, 0o700)
            created.append(folder)
    os.chmod(base, 0o700)
    forget_uninstall(root)
    notes = _drop_foreign_token(root)
    aside = files.set_aside_committed_store(root)  # it could hold `enforce`: aside before anything opens it
    if aside:
        names = ", ".join(name + files.ASIDE_SUFFIX for name in aside)
        notes.append(f"set aside the store the repository committed: {names}")
    contents = {
        ".gitignore": (GITIGNORE, 0o644),
        CONFIG_FILE: (CONFIG.format(name=_toml_str(os.path.basename(root))), 0o644),
        TOKEN_FILE: (secrets.token_hex(32) + "\n", 0o600),
        PORT_FILE: (f"{free_port()}\n", 0o600),
    }
    for name, (text, mode) in contents.items():
        path = os.path.join(base, name)
        if not os.path.exists(path):
            write_atomic(path, text.encode("utf-8"), mode)
            created.append(path)
    os.chmod(os.path.join(base, TOKEN_FILE), 0o600)  # ours now: never a link (above)
    clash = _leave_a_clash(root)
    return created, notes + ([clash] if clash else [])


UNINSTALLED_TEXT = (
    "`stopwarden uninstall` ran here: stopwarden's hooks that still run in this project (another project's\n"
    "user-scope install) allow every stop. `stopwarden init` installs it here again and removes this file.\n"
)


def mark_uninstalled(root: str) -> bool:
    """After `uninstall` without --purge: `.stopwarden/` stays (the decision log), so the hooks would still
    find the project; this file tells them to gate nothing here (hooks/main.py). Whether it was not there
    before."""
    path = os.path.join(state_dir(root), UNINSTALLED_FILE)
    if os.path.islink(state_dir(root)) or os.path.lexists(path):
        return False
    write_atomic(path, UNINSTALLED_TEXT.encode("utf-8"), 0o644)
    return True


def forget_uninstall(root: str) -> None:
    """`init` (and `doctor --fix`) install the project again: its hooks gate it again."""
    path = os.path.join(state_dir(root), UNINSTALLED_FILE)
    if os.path.lexists(path) and not os.path.isdir(path):
        os.unlink(path)


def _drop_foreign_token(root: str) -> list[str]:
    """A token the repository brought is no secret: a link in its place (whose target a chmod would
    change), or a file git tracks (checked out 0600 under a umask of 077). Removed, so a new one is made;
    a tracked one is still in git's index, so the note says how to keep the new secret out of a commit (the
    index is the user's: init does not change it)."""
    relative = os.path.join(STATE_DIR, TOKEN_FILE)
    token = os.path.join(root, relative)
    if not os.path.lexists(token):
        return []
    tracked = git.text(root, "ls-files", "--error-unmatch", "--", relative)[1] == 0
    if not (os.path.islink(token) or tracked):
        return []
    os.unlink(token)
    if not tracked:
        return [f"replaced the link the repository put at {relative} with a token of this machine's"]
    return [
        f"warning: the repository commits {relative}; this machine's new token is in its place, and a commit "
        f"would publish it: run `git rm --cached {relative}`"
    ]


def _leave_a_clash(root: str) -> str:
    """When what answers on this checkout's port is not its server (another clone's, sharing a port an
    older install committed, or any other program), take a free port of this machine's own."""
    from stopwarden.common import config as config_module
    from stopwarden.server import control

    clash = control.status(root)["clash"] if config_module.load(root).port else ""
    if not clash:
        return ""
    port = free_port()
    files.write_port(root, port)
    return f"{clash}: this checkout now uses port {port} (.stopwarden/{PORT_FILE}); restart its server"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _toml_str(value: str) -> str:
    """The inside of a TOML basic string: a folder's name may hold any character, and TOML allows no
    control character in a string unescaped."""
    return "".join(
        "\\" + c if c in '"\\' else f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c for c in value
    )


def git_toplevel(cwd: str) -> str | None:
    out, code = git.text(cwd, "rev-parse", "--show-toplevel")
    return out or None if code == 0 else None


def keep_out_of_git(root: str, path: str) -> bool:
    """Make sure git ignores `path`, adding it to .git/info/exclude when no rule covers it yet.

    Returns True when an exclude line was added. Outside a git repository there is nothing to do.
    """
    rel = os.path.relpath(path, root)
    if git.text(root, "check-ignore", "-q", rel)[1] != 1:  # 0: ignored already; 128: not a repository
        return False
    exclude, _ = git.text(root, "rev-parse", "--git-path", "info/exclude")
    if not exclude:
        return False
    append_line(os.path.join(root, exclude), f"/{rel}")
    return True
