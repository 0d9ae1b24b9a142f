"""The hook is stdlib-only and cheap: it runs under `-I -S` with nothing else importable, and the common
path (no active build) imports neither `json` nor `re` (SPEC §10)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import stopwarden
from tests.conftest import stop_payload

# Runs the hook script's own lines (so it sets up sys.path as it does under the agent), then the hook for
# the event in argv[2], then reports every module loaded, on stderr.
PROBE = """
import sys
script = sys.argv[1]
exec(compile(open(script).read(), script, "exec"), {"__name__": "probe", "__file__": script})
from stopwarden.hooks.main import main
main([sys.argv[2]])
sys.stderr.write(" ".join(sorted(sys.modules)))
"""


def modules_after_hook(root: Path, payload: dict[str, Any], event: str = "stop") -> set[str]:
    script = Path(stopwarden.__file__).parent / "hooks" / "run.py"
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", PROBE, str(script), event],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_only_the_standard_library(installed: Path, cli: Any) -> None:
    cli("build", "start", "x", "--owner-session", "owner")
    cli("build", "phase", "executing")
    modules = modules_after_hook(installed, stop_payload(installed, "owner"))
    ours = {m for m in modules if m.split(".")[0] == "stopwarden"}
    assert "stopwarden.hooks.build_gate" in ours  # the owner path ran
    others = {m.split(".")[0] for m in modules - ours} - set(sys.stdlib_module_names) - {"__main__"}
    assert others == set(), f"non-stdlib imports on the hook path: {others}"
    assert not any(
        m.split(".")[:2] in (["stopwarden", "cli"], ["stopwarden", "install"]) or m.startswith("click") for m in modules
    )


def test_common_path_skips_json_and_re(installed: Path) -> None:
    modules = modules_after_hook(installed, stop_payload(installed, "anyone"))
    assert {"json", "re", "typing", "subprocess"} & modules == set()


def test_the_forwarded_stop_runs_git_without_subprocess(installed: Path) -> None:
    """The signal path: evidence from git and a POST to the server, with git started through `posix`
    (importing `subprocess` costs about one interpreter start, issue 20)."""
    from tests.hooks.test_router import CONTEXT_STOP, events, session_with_progress
    from tests.server.conftest import run_server

    for server in run_server(installed):
        session_with_progress(installed)
        payload = stop_payload(installed, "s1", last_assistant_message=CONTEXT_STOP)
        modules = modules_after_hook(installed, payload)
        [event] = events(server)
        assert event["decision"] == "continue"  # the evidence reached the server: the plan and the commit
        assert "stopwarden.hooks.evidence" in modules
        assert {"subprocess", "json", "re", "typing"} & modules == set()
