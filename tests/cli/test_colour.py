"""Colour on a terminal (issue 21 item 9): `doctor`'s ok and FAIL, `gate log`'s decisions, `gate status`'s
warnings; never when NO_COLOR is set (any value but the empty one), TERM is dumb, `--no-color` is given,
the output is not a terminal or is JSON. Driven through the real console script on a pseudo-terminal."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import termios
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.server.conftest import PlanRepo, evaluate_body, run_server
from tests.terminal import CLI

GREEN_OK = "\x1b[32mok\x1b[0m"
RED_FAIL = "\x1b[1;31mFAIL\x1b[0m"
YELLOW_WARNING = "\x1b[33mwarning:\x1b[0m"


def on_terminal(cwd: Path, *args: str, env: Mapping[str, str] | None = None, columns: int = 120) -> tuple[int, str]:
    """`stopwarden ARGS` with its stdout, stderr and stdin on a pseudo-terminal COLUMNS wide: its exit code
    and everything it wrote, with the terminal's CR LF read back as LF."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    full = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
    full.update({"TERM": "xterm-256color", **(env or {})})
    proc = subprocess.Popen([CLI, *args], cwd=cwd, env=full, stdin=slave, stdout=slave, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    code = proc.wait(timeout=60)
    os.close(master)
    return code, seen.decode("utf-8").replace("\r\n", "\n")


def piped(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> tuple[int, str, str]:
    done = subprocess.run([CLI, *args], cwd=cwd, env={**os.environ, "TERM": "xterm", **(env or {})},
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def test_doctor_colours_ok_and_fail_on_a_terminal_only(installed: Path) -> None:
    (installed / ".stopwarden" / "token").chmod(0o644)  # one FAIL among the oks
    code, out = on_terminal(installed, "doctor")
    assert code == 1
    assert f"{GREEN_OK}   state folder:" in out and f"{RED_FAIL} token:" in out
    assert out.count("\x1b[") == 2 * (out.count(GREEN_OK) + out.count(RED_FAIL))  # nothing else is coloured
    for env, args in [
        ({"NO_COLOR": "1"}, ["doctor"]),
        ({"NO_COLOR": "0"}, ["doctor"]),  # any value but the empty one
        ({"TERM": "dumb"}, ["doctor"]),
        ({}, ["--no-color", "doctor"]),
    ]:
        code, plain = on_terminal(installed, *args, env=env)
        assert code == 1 and "\x1b" not in plain, (env, args)
        assert "ok   state folder:" in plain and "FAIL token:" in plain
    assert "\x1b[" in on_terminal(installed, "doctor", env={"NO_COLOR": ""})[1]  # empty: as if unset
    code, out, err = piped(installed, "doctor")
    assert code == 1 and "\x1b" not in out + err and "FAIL token:" in out
    code, out = on_terminal(installed, "doctor", "--json")
    assert "\x1b" not in out and json.loads(out)["ok"] is False


def _record(server: Any, plan_repo: PlanRepo) -> None:
    texts = ["Step 1 is done. To preserve context I'll stop here.", "All done: \x1b[32mgreen\x1b[0m tests pass."]
    for i, text in enumerate(texts):
        assert server.call("POST", "/v1/evaluate", evaluate_body(plan_repo, session=f"s{i}", stop_text=text))[0] == 200


@pytest.mark.parametrize("server_up", [True, False])
def test_gate_log_colours_the_decision_only(installed: Path, plan_repo: PlanRepo, server_up: bool) -> None:
    """From the server or the store, without click (the quick path) or through it (`--tail=5`): each
    decision's name in its colour; the stop text's own escape sequences shown, never obeyed."""
    for server in run_server(installed):
        _record(server, plan_repo)
        if server_up:
            answers = [on_terminal(installed, "gate", "log", *args) for args in ([], ["--tail=5"])]
    if not server_up:
        answers = [on_terminal(installed, "gate", "log", *args) for args in ([], ["--tail=5"])]
    (code, out), (click_code, click_out) = answers
    assert code == click_code == 0 and out == click_out
    decisions = json.loads(piped(installed, "gate", "log", "--json")[1])
    assert len(out.splitlines()) == len(decisions) == 2
    colours = {"allow": "32", "continue": "33", "escalate": "1;35"}
    for row, event in zip(out.splitlines(), decisions, strict=True):
        name = event["decision"]
        assert f" \x1b[{colours[name]}m{name}\x1b[0m " in row, row
        assert row.count("\x1b") == 2, row  # our two codes; the text's own ESCs are shown as \x1b
    assert '"All done: \\x1b[32mgreen\\x1b[0m tests pass."' in out
    plain = [on_terminal(installed, *args, env=env)[1] for args, env in [
        (["--no-color", "gate", "log"], {}), (["gate", "log"], {"NO_COLOR": "yes"}),
        (["gate", "log"], {"TERM": "dumb"}), (["--no-color", "gate", "log", "--tail=5"], {}),
    ]]  # fmt: skip
    assert all("\x1b" not in text and text.count("\\x1b") == 2 for text in plain)
    assert plain[0] == piped(installed, "gate", "log")[1]
    assert "\x1b[" not in on_terminal(installed, "gate", "log", "--json")[1]


def test_gate_status_colours_its_warnings(installed: Path) -> None:
    # No ANTHROPIC_API_KEY here (the suite clears it): every stop would fail open, which status warns of.
    assert piped(installed, "gate", "authority", "anthropic", "--skip-check")[0] == 0
    code, out = on_terminal(installed, "gate", "status", env={"NO_COLOR": ""})
    assert code == 0 and f"{YELLOW_WARNING} " in out
    assert out.count("\x1b[") == 2 * out.count(YELLOW_WARNING)
    code, out = on_terminal(installed, "gate", "status", env={"NO_COLOR": "1"})
    assert code == 0 and "\nwarning: " in out and "\x1b" not in out
    code, out, _ = piped(installed, "gate", "status")
    assert code == 0 and "\nwarning: " in out and "\x1b" not in out


def test_no_color_keeps_the_quick_path(installed: Path, tmp_path: Path) -> None:
    """`stopwarden --no-color gate log` and `--no-color build status` are still answered without click."""
    from tests.cli.test_gate_log_follow import _record
    from tests.cli.test_lazy import _run

    _record(installed, session_id="s1")
    assert piped(installed, "build", "start", "a task", "--owner-session", "s1")[0] == 0
    for args in (["gate", "log"], ["build", "status"]):
        code, out, err, modules = _run(tmp_path, installed, "main", "--no-color", *args)
        assert (code, err) == (0, b"") and "click" not in modules, args
        assert (code, out, err) == _run(tmp_path, installed, "main", *args)[:3]
