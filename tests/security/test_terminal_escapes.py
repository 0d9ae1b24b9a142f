"""Issue 18, item 9: text we did not write never drives the operator's terminal.

A model's stop text, a session id, a build state committed in a cloned repository, a project name in a
committed config, a fleet database and whatever answers on the server's port all reach the CLI's output.
Each test plants escape sequences (erase line, cursor up, window title, clipboard write, a C1 CSI, a bidi
override, a bare carriage return) where a hostile author can, runs the real CLI, and checks that none of them
reaches stdout or stderr raw, while what they said stays readable, escaped, on the line it belongs to.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.common import config as config_module
from stopwarden.common import termsafe
from stopwarden.gate import settings
from stopwarden.store.store import Store

CLI = str(Path(sys.executable).parent / "stopwarden")

ERASE_LINE = "\x1b[2K"
CURSOR_UP = "\x1b[1A"
TITLE = "\x1b]0;pwned\x07"  # OSC 0: sets the window title
CLIPBOARD = "\x1b]52;c;ZWNobyBoaQ==\x07"  # OSC 52: writes the clipboard
C1_CSI = "\x9b2J"  # the one-byte CSI: clears the screen on terminals that honour C1
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows reads backwards
HOSTILE = f"{ERASE_LINE}{CURSOR_UP}{TITLE}{CLIPBOARD}{C1_CSI}{RLO}gnp.exe\rdecision: allow"
# What the operator must still be able to read, escaped.
VISIBLE = ["\\x1b[2K", "\\x1b[1A", "\\x1b]0;pwned\\x07", "\\x1b]52;c;ZWNobyBoaQ==\\x07", "\\x9b2J", "\\u202e", "\\r"]


UNSAFE = ("Cc", "Cf", "Zl", "Zp", "Cs")  # controls, format characters (bidi among them), separators, surrogates
JOINERS = "\u200c\u200d"  # zero-width (non-)joiners: emoji and some scripts need them, and they move nothing


def acts_on_terminal(char: str, allowed: str = "") -> bool:
    return char not in allowed + JOINERS and unicodedata.category(char) in UNSAFE


def assert_inert(text: str) -> None:
    """No character that a terminal acts on: controls other than newline and tab, C1, bidi and other
    format characters, Unicode line separators."""
    assert "\x1b" not in text and "\x9b" not in text and RLO not in text and "\r" not in text, repr(text)
    bad = {c for c in text if acts_on_terminal(c, "\n\t")}
    assert not bad, f"raw {sorted(bad)!r} in {text!r}"


def assert_shown(text: str) -> None:
    for visible in VISIBLE:
        assert visible in text, f"{visible!r} not shown in {text!r}"


def run(root: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """The real console script, as an operator runs it; its bytes read back exactly (no newline changes)."""
    done = subprocess.run([CLI, *args], cwd=root, input=stdin.encode(), capture_output=True, timeout=60, check=False)
    out, err = (b.decode("utf-8", "surrogateescape") for b in (done.stdout, done.stderr))
    return subprocess.CompletedProcess(done.args, done.returncode, out, err)


def open_store(root: Path) -> Store:
    return Store.open(config_module.load(str(root)).store_location)


def set_project_name(root: Path, name: str) -> None:
    """A committed config naming the project: JSON's string escapes are TOML's too."""
    config = root / ".stopwarden" / "config.toml"
    text, replaced = re.subn(r"(?m)^name = .*$", lambda _: f"name = {json.dumps(name)}", config.read_text(), count=1)
    assert replaced == 1
    config.write_text(text)


HOSTILE_SESSION = f"s-{ERASE_LINE}{CURSOR_UP}{TITLE}\n2099-01-01 00:00:00 #999 enforce allow forged-row"
STOP_TEXT = f"I'll stop here to preserve context.\n{HOSTILE}\nthe last line"


@pytest.fixture
def hostile_log(installed: Path) -> Path:
    """A store whose events, annotation, settings and operator log hold escape sequences, in a project
    whose committed config names it with them."""
    set_project_name(installed, f"billing{TITLE}{RLO}")
    project = config_module.load(str(installed)).project
    store = open_store(installed)
    try:
        now = time.time()
        for i, (where, host) in enumerate([(project, f"build-07{C1_CSI}"), ("other", "build-08")]):
            event_id, _, _ = store.record_event({
                "session_id": HOSTILE_SESSION, "agent": "claude-code", "ts": now - 60 + i, "mode": "shadow",
                "decision": "continue", "rule": f"early{ERASE_LINE}", "fail_open_kind": None,
                "short_circuit": None, "signals": [f"sig{CLIPBOARD}"],
                "evidence_pointer": {"plan_file": f"docs/{RLO}plan.md"}, "latency_ms": 3.0,
                "stop_text": STOP_TEXT, "project": where, "host": host,
            })  # fmt: skip
        store.add_annotation(event_id, f"ana{TITLE}", "correct", f"fine{ERASE_LINE}{C1_CSI}", 20_000, now)
        store.put_settings({"mode": "enforce", "mode_forced_reason": f"because{CURSOR_UP}{TITLE}"}, now, project)
        settings.set_kill_switch(store, config_module.load(str(installed)), True, f"incident {CLIPBOARD}{RLO}")
        store.log_operator("kill_switch", f"on: {HOSTILE}", now)
    finally:
        store.close()
    return installed


def test_gate_review_shows_the_stop_text_escaped_line_by_line(hostile_log: Path) -> None:
    done = run(hostile_log, "gate", "review", stdin="q\n")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr)
    assert_shown(done.stdout)
    quoted = [line for line in done.stdout.splitlines() if line.startswith("  | ")]
    # The model's three lines, each on a row of ours; its carriage return shown, not obeyed.
    assert quoted[0] == "  | I'll stop here to preserve context."
    assert quoted[1].endswith("gnp.exe\\rdecision: allow") and quoted[2] == "  | the last line"
    session_rows = [line for line in done.stdout.splitlines() if "session s-" in line]
    assert len(session_rows) == 1 and "\\n2099-01-01" in session_rows[0]
    assert "docs/\\u202eplan.md" in done.stdout and "early\\x1b[2K" in done.stdout


def test_gate_review_json_has_no_raw_c1_or_bidi(hostile_log: Path) -> None:
    done = run(hostile_log, "gate", "review", "--json")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout)
    assert json.loads(done.stdout)[0]["stop_text_preview"] == STOP_TEXT  # escaped for the terminal, not changed


def test_gate_log_keeps_one_row_per_event(hostile_log: Path) -> None:
    done = run(hostile_log, "gate", "log")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr)
    rows = done.stdout.splitlines()
    row_start = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} #\d+ "  # the time with its UTC offset, then the event
    assert len(rows) == 2 and all(re.match(row_start, row) for row in rows), rows
    assert "session=s-\\x1b[2K\\x1b[1A\\x1b]0;pwned\\x07\\n2099-01-01" in rows[0]
    assert "billing\\x1b]0;pwned\\x07\\u202e@build-07\\x9b2J" in done.stdout  # the fleet's project@host


def test_gate_log_json_round_trips_and_is_inert(hostile_log: Path) -> None:
    done = run(hostile_log, "gate", "log", "--json")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout)
    events = json.loads(done.stdout)
    assert {e["session_id"] for e in events} == {HOSTILE_SESSION}
    (annotation,) = [e["annotation"] for e in events if e["annotation"]]
    assert annotation["operator"] == f"ana{TITLE}" and annotation["rationale"] == f"fine{ERASE_LINE}{C1_CSI}"


def test_gate_report(hostile_log: Path) -> None:
    done = run(hostile_log, "gate", "report", "--since", "1d")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr)
    assert_shown(done.stdout)
    actions = [line for line in done.stdout.splitlines() if "kill_switch: on: " in line]
    assert any(line.endswith("gnp.exe\\rdecision: allow") for line in actions), actions
    assert "early\\x1b[2K 2" in done.stdout  # the rule's name, counted
    as_json = run(hostile_log, "gate", "report", "--format", "json")
    assert_inert(as_json.stdout)
    assert any(e["detail"] == f"on: {HOSTILE}" for e in json.loads(as_json.stdout)["operator_log"])


def test_gate_status_names_reasons_and_the_project_escaped(hostile_log: Path) -> None:
    done = run(hostile_log, "gate", "status")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr)
    assert "(forced: because\\x1b[1A\\x1b]0;pwned\\x07)" in done.stdout
    assert "(set for project billing\\x1b]0;pwned\\x07\\u202e)" in done.stdout
    assert "ON (incident \\x1b]52;c;ZWNobyBoaQ==\\x07\\u202e)" in done.stdout
    assert len(done.stdout.splitlines()) == 6  # mode, a note (the config says shadow), kill switch, authority, ...


# --- builds: a state file a cloned repository committed ---------------------------------------------------


@pytest.fixture
def hostile_build(installed: Path) -> tuple[Path, str]:
    """A build whose task, phase, step, owner and audit evidence hold escape sequences, as its JSON in
    `.stopwarden/builds/` can say whatever the repository's author wrote."""
    started = run(installed, "build", "start", "add a login page", "--owner-session", "owner-1", "--json")
    assert started.returncode == 0, started.stderr
    build_id = json.loads(started.stdout)["id"]
    for args in (
        ["phase", "executing", "--evidence", HOSTILE],
        ["step", "1", "parse", "--tests", "1", "--passing", "1"],
    ):
        assert run(installed, "build", *args, "--build", build_id).returncode == 0
    path = installed / ".stopwarden" / "builds" / f"{build_id}.json"
    state = json.loads(path.read_text())
    state["task"] = f"add a login page\n{HOSTILE}"
    state["steps"][0]["description"] = f"parse{TITLE}\nphase: complete"
    state["owner"]["session_id"] = f"owner{ERASE_LINE}{RLO}"
    state["owner"]["tmux"] = f"%1{CLIPBOARD}"
    path.write_text(json.dumps(state))  # \u001b and friends in JSON: exactly what a committed file can hold
    return installed, build_id


def test_build_status(hostile_build: tuple[Path, str]) -> None:
    root, build_id = hostile_build
    done = run(root, "build", "status", "--build", build_id)
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr)
    assert_shown(done.stdout)
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"build {build_id}: add a login page\\n") and lines[1].startswith("phase: executing")
    assert "  1. parse\\x1b]0;pwned\\x07\\nphase: complete [1/1]" in lines
    assert "session owner\\x1b[2K\\u202e" in done.stdout and "tmux %1\\x1b]52;c;" in done.stdout


def test_build_status_json(hostile_build: tuple[Path, str]) -> None:
    root, build_id = hostile_build
    done = run(root, "build", "status", "--build", build_id, "--json")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout)
    assert json.loads(done.stdout)["task"] == f"add a login page\n{HOSTILE}"


def test_build_list_report_and_log(hostile_build: tuple[Path, str]) -> None:
    root, build_id = hostile_build
    listed = run(root, "build", "list")
    assert listed.returncode == 0, listed.stderr
    assert_inert(listed.stdout + listed.stderr)
    assert_shown(listed.stdout)
    assert len(listed.stdout.splitlines()) == 2  # the build's row and the legend: no row of the task's own
    report = run(root, "build", "report", "--build", build_id)
    assert report.returncode == 0, report.stderr
    assert_inert(report.stdout + report.stderr)
    assert report.stdout.splitlines()[0].startswith(f"{build_id}: add a login page\\n")
    log = run(root, "build", "log", "--build", build_id)
    assert log.returncode == 0, log.stderr
    assert_inert(log.stdout + log.stderr)
    assert_shown(log.stdout)
    # "<local date> <time> <offset> <build> <event> ...": a person reads local time with its offset
    assert all(line.split()[3] == build_id for line in log.stdout.splitlines())


# --- what a server on the port says, and paths from the repository ---------------------------------------


@pytest.fixture
def lying_server(installed: Path) -> Iterator[Path]:
    """Whatever listens on the configured port answers /health with escape sequences."""
    health = {"status": "ok", "mode": f"shadow{TITLE}\nkill switch off", "kill_switch": False,
              "authority": f"rules{CLIPBOARD}{C1_CSI}{RLO}"}  # fmt: skip
    body = json.dumps(health, ensure_ascii=False).encode()
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.close_connection = True
            self.wfile.write(head.encode() + body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", config_module.load(str(installed)).port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield installed
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def test_status_of_a_lying_server(lying_server: Path) -> None:
    for args in (["status"], ["status", "--json"]):
        done = run(lying_server, *args)
        assert_inert(done.stdout + done.stderr)


@pytest.fixture
def hostile_checkout(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository cloned into a folder its URL named: `git clone` takes the folder's name from the URL."""
    root = project.rename(project.with_name(f"repo{TITLE}{ERASE_LINE}{RLO}"))
    monkeypatch.chdir(root)
    return root


def test_init_and_doctor_name_paths_escaped(hostile_checkout: Path) -> None:
    init = run(hostile_checkout, "init", "--agent", "claude-code")
    assert init.returncode == 0, init.stderr
    assert_inert(init.stdout + init.stderr)
    assert "repo\\x1b]0;pwned\\x07\\x1b[2K\\u202e" in init.stdout
    doctor = run(hostile_checkout, "doctor")
    assert_inert(doctor.stdout + doctor.stderr)
    assert "state folder:" in doctor.stdout and "repo\\x1b]0;pwned\\x07" in doctor.stdout
    # A check, its fix, or the rest of a long one wrapped under its text (indented): no row of a path's making.
    assert all(line.startswith(("ok   ", "FAIL ", "     ")) for line in doctor.stdout.splitlines())


def test_an_error_quoting_a_path_is_escaped(hostile_checkout: Path) -> None:
    assert run(hostile_checkout, "init", "--agent", "claude-code").returncode == 0
    config = hostile_checkout / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + '\n[review]\nmin_dwell_s = "soon"\n')
    done = run(hostile_checkout, "gate", "status")
    assert done.returncode == 1
    assert_inert(done.stdout + done.stderr)
    assert "repo\\x1b]0;pwned\\x07\\x1b[2K\\u202e" in done.stderr


def test_eval_table_keeps_one_row_per_case(tmp_path: Path) -> None:
    """A cases file, often a committed one, names its cases."""
    cases = tmp_path / "cases.jsonl"
    case = {"stop_text": "All done: tests pass.", "expected": {"decision": "allow"}}
    cases.write_text(json.dumps({"id": f"c1{TITLE}\nc2  allow  allow", **case}) + "\n")
    table = run(tmp_path, "eval", str(cases))
    assert_inert(table.stdout + table.stderr)
    assert table.stdout.splitlines()[1].startswith("c1\\x1b]0;pwned\\x07\\nc2")
    jsonl = run(tmp_path, "eval", str(cases), "--format", "jsonl")
    assert_inert(jsonl.stdout + jsonl.stderr)
    assert json.loads(jsonl.stdout)["id"] == f"c1{TITLE}\nc2  allow  allow"


# --- the escaping itself ------------------------------------------------------------------------------------

_ESCAPE = re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|n|t|r)")
_NAMED = {"n": "\n", "t": "\t", "r": "\r"}


def unescape(text: str) -> str:
    return _ESCAPE.sub(lambda m: _NAMED.get(m.group(1)) or chr(int(m.group(1)[1:], 16)), text)


# Text as hostile as it gets: every kind of control and format character among ordinary letters.
hostile_text = st.text(
    st.one_of(
        st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Cs"]),
        st.sampled_from(list("\x1b\x9b\x85\r\n\t\x7f\u202e\u2066\u200d\ufeff\U000e0041")),
        st.characters(),
    )
)


@given(hostile_text)
def test_a_line_holds_nothing_a_terminal_acts_on(text: str) -> None:
    shown = termsafe.line(text)
    assert not any(acts_on_terminal(c) for c in shown)
    assert termsafe.line(shown) == shown  # stable: escaping twice (a row, then the whole text) changes nothing


@given(hostile_text.filter(lambda t: "\\" not in t))
def test_escaping_is_lossless(text: str) -> None:
    """Different texts stay different: the escaped form reads back exactly (a backslash of the text's own
    is shown as it is, which only makes literal `\\x1b` and a real ESC look alike: both inert)."""
    assert unescape(termsafe.line(text)) == text
    assert unescape(termsafe.block(text)) == text


@given(hostile_text)
def test_a_block_keeps_its_lines_and_nothing_else(text: str) -> None:
    shown = termsafe.block(text)
    assert shown.count("\n") == text.count("\n") and shown.count("\t") == text.count("\t")
    assert not any(acts_on_terminal(c, "\n\t") for c in shown)
    assert termsafe.block(shown) == shown


@given(st.recursive(st.none() | st.booleans() | st.integers() | hostile_text,
                    lambda inner: st.lists(inner) | st.dictionaries(hostile_text, inner)))  # fmt: skip
def test_json_stays_the_same_json(data: Any) -> None:
    dumped = termsafe.json_text(json.dumps(data, indent=2, ensure_ascii=False))
    assert json.loads(dumped) == data
    assert not any(acts_on_terminal(c, "\n") for c in dumped)
