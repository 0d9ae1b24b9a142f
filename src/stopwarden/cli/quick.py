"""The commands answered without click: `stopwarden --version` and `stopwarden build status [--json]`.

Agents run `build status` after most steps of a build, and importing click costs more than the whole
answer, so these argument lists, exactly, are answered here from the standard library (issue 20). Only a
success is: any other arguments, and any error, return None and go to the click path (cli/group.py),
which parses, works and reports as it does for every command, so a mistyped option or a missing build
reads the same either way. The text is the click path's to the byte (tests/cli/test_lazy.py), and the
build commands print it with these same functions.
"""

from __future__ import annotations

import os

from stopwarden import __version__, termsafe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def answer(args: list[str]) -> str | None:
    """What to print for `args`, or None when the click path must handle them."""
    if args == ["--version"]:
        return version()
    if args[:2] == ["build", "status"] and args[2:] in ([], ["--json"]):
        try:
            return build_status(args[2:] == ["--json"])
        except Exception:  # no project, no build, a corrupt state: the click path says it
            return None
    return None


def version() -> str:
    """What click's `version_option` prints."""
    return f"stopwarden, version {__version__}"


def build_status(as_json: bool, build_id: str | None = None) -> str:
    """`build status`: where the build this session acts on stands, as lines or as its state in JSON."""
    from stopwarden.build import manager, owner
    from stopwarden.project import require_root

    root, caller = require_root(os.getcwd()), owner.caller_from_env(os.environ)
    state = manager.load(root, manager.select(root, caller, build_id))
    if as_json:
        return termsafe.dumps(state)
    return termsafe.block(termsafe.lines(describe(state, owner.match(state["owner"], caller))))


def protection(state: dict[str, Any]) -> str:
    p = state["protection"]
    return f"{state['size']}, {p['label']} protection: {p['reinforcements']} blocks"


def describe(state: dict[str, Any], how: str) -> list[str]:
    """A build's status, one row a line; `how` says how the caller was matched as its owner (empty: not)."""
    from stopwarden.build.manager import describe_owner

    lines = [
        f"build {state['id']}: {state['task']}",
        f"phase: {state['phase']}  ({protection(state)}; used {state['reinforcements_used']})",
        f"owner: {describe_owner(state['owner'])}" + (f"  (you, by {how})" if how else ""),
        f"steps: {len(state['steps'])}, tests: {state['total_tests']}, "
        f"{'all passing' if state['all_passing'] else 'some failing'}",
    ]
    lines += [f"  {s['n']}. {s['description']} [{s['passing']}/{s['tests']}]" for s in state["steps"]]
    if state["worktree"]:
        lines.append(f"worktree: {state['worktree']['path']} ({state['worktree']['branch']})")
    return lines
