"""`gate log` asks the running server, and reads the store only when none answers: the same output either
way (issue 20). Neither SQLAlchemy (a SQLite store is read with `sqlite3`) nor, for the plain spelling of its
options, click."""

from __future__ import annotations

import json
import socket
import threading
from pathlib import Path
from typing import Any

import pytest

from stopwarden.cli import quick
from stopwarden.server import models
from tests.cli.test_lazy import _run
from tests.server.conftest import PlanRepo, evaluate_body, make_plan_repo, run_server

ASKED = [
    [],
    ["--json"],
    ["--tail", "2", "--json"],
    ["--json", "--tail=2"],  # not the plain spelling: through click, which still asks the server
    ["--decision", "continue"],
    ["--decision", "allow", "--json"],
    ["--project", "nöt this one/&?=", "--json"],
    ["--host", socket.gethostname(), "--json"],
    ["--tail", "1001", "--json"],  # more than the server gives at once: from the store, either way
    ["--since", "1h", "--json"],  # through click (the quick path leaves --since to it), every event
    ["--since", "99999999999", "--json"],  # an epoch time in the future: none
    ["--session", "s1", "--json"],  # one session's
    ["--session", "s*", "--json"],  # the start of an id: all three (an operator review: a prefix found none)
    ["--session", " s1\n", "--json"],  # a pasted id: without the spaces around it, as the review page takes it
]


def test_the_fields_are_the_apis() -> None:
    assert (*quick.EVENT_FIELDS, "annotation") == tuple(models.EventOut.model_fields)
    assert tuple(models.LatestAnnotation.model_fields) == quick.ANNOTATION_FIELDS


def test_from_the_server_or_the_store_the_same(installed: Path, plan_repo: PlanRepo, tmp_path: Path) -> None:
    served: dict[int, tuple[int, bytes, bytes]] = {}
    for server in run_server(installed):
        for i, text in enumerate(["I'll stop here to preserve context.", "All done: \x1b]0;owned\x07 tests pass.", ""]):
            body = evaluate_body(plan_repo, session=f"s{i}", stop_text=text)
            assert server.call("POST", "/v1/evaluate", body)[0] == 200
        verdict = {"verdict": "correct", "rationale": "it stopped early", "operator": "ann", "dwell_ms": 20_000}
        assert server.call("POST", "/v1/events/1/annotations", verdict)[0] == 201
        for n, args in enumerate(ASKED):
            code, out, err, modules = _run(tmp_path, installed, "main", "gate", "log", *args)
            assert (code, err) == (0, b""), err
            assert "sqlalchemy" not in modules, args  # the server answered, or sqlite3 read the long tail
            assert ("click" in modules) == ("--tail=2" in args or "--since" in args), args
            assert _run(tmp_path, installed, "click", "gate", "log", *args)[:3] == (code, out, err), args
            served[n] = (code, out, err)
    assert b"continue" in served[0][1] and b"\\x1b]0;owned\\x07" in served[0][1]
    assert b'"verdict": "correct"' in served[1][1] and served[6][1] == b"[]\n"
    assert len(json.loads(served[9][1])) == 3 and json.loads(served[10][1]) == []
    assert [e["session_id"] for e in json.loads(served[11][1])] == ["s1"] and len(json.loads(served[12][1])) == 3
    assert served[13] == served[11]
    for n, args in enumerate(ASKED):  # the server is gone now
        code, out, err, modules = _run(tmp_path, installed, "main", "gate", "log", *args)
        assert "sqlalchemy" not in modules and ("click" in modules) == ("--tail=2" in args or "--since" in args), args
        assert (code, out, err) == served[n], args


@pytest.mark.parametrize("reply", ["refused", "not ours"])
def test_a_server_that_cannot_answer_leaves_the_store(installed: Path, tmp_path: Path, reply: str) -> None:
    """Nothing on the port, or something that answers without proving it is ours (its empty list would hide
    the log): the store answers, as ever."""
    for server in run_server(installed):  # one event in the store, then the server is gone
        assert server.call("POST", "/v1/evaluate", evaluate_body(make_plan_repo(installed)))[0] == 200
    stop = threading.Event()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)

    def impostor() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]")

    thread = threading.Thread(target=impostor, daemon=True)
    if reply == "not ours":
        (installed / ".stopwarden" / "port").write_text(f"{listener.getsockname()[1]}\n")
        thread.start()
    try:
        code, out, err, modules = _run(tmp_path, installed, "main", "gate", "log", "--json")
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(5)
        listener.close()
    assert (code, err) == (0, b"") and len(json.loads(out)) == 1 and "sqlalchemy" not in modules


SPELLINGS = [
    [],
    ["--json"],
    ["--tail", "5", "--decision", "continue", "--project", "billing service", "--host", "build-07", "--json"],
    ["--host", "h", "--tail", "1000"],
    ["--session", "9f3c*", "--json"],
    ["--session", " \ufeff9f3c* \n", "--project", " billing service "],  # the spaces around a filter go
    ["--tail", "05"],  # click reads 5: left to click
    ["--tail=5"],
    ["--tail", "0"],
    ["--tail", "-1"],
    ["--tail", "٣"],  # a digit to str.isdigit, and to int(): left to click
    ["--decision", "maybe"],
    ["--project", "--json"],  # click takes "--json" as the project
    ["--json", "--json"],
    ["--project", ""],
    ["--help"],
    ["extra"],
    ["--tail"],
]


@pytest.mark.parametrize("args", SPELLINGS)
def test_the_quick_path_reads_options_as_click_does_or_not_at_all(args: list[str]) -> None:
    from stopwarden.cli.gate_log import log

    mine = quick.gate_log_options(args)
    if mine is None:
        return  # the click path parses them
    params = log.make_context("log", list(args)).params
    assert mine == {"tail": params["tail"], "decision": params["decision"], "project": params["project"],
                    "host": params["host"], "session": params["session"], "json": params["as_json"]}  # fmt: skip


def test_the_plain_spellings_are_read() -> None:
    read = [args for args in SPELLINGS if quick.gate_log_options(args) is not None]
    assert read == SPELLINGS[:6]


def test_a_filter_that_is_not_utf8_is_one_clear_error(installed: Path, cli: Any) -> None:
    """Bytes that are not UTF-8 (lone surrogates to Python) crashed the store's reader without a server, and
    matched nothing with one (a cold review): one clear error either way, and the quick path leaves them to it."""
    assert quick.gate_log_options(["--session", "a\udcff"]) is None
    for option in ("--session", "--project", "--host"):
        result = cli("gate", "log", option, "a\udcff")
        assert result.code == 1 and f"invalid {option}: is not valid UTF-8" in result.err, result.err


def test_a_blank_filter_is_one_clear_error(installed: Path, cli: Any) -> None:
    """A filter of nothing but spaces filters nothing once they are taken off: an error, not every decision."""
    assert quick.gate_log_options(["--project", " \t"]) is None
    for args in (("log", "--session"), ("log", "--project"), ("log", "--host"), ("report", "--project"),
                 ("export", "--project")):  # fmt: skip
        result = cli("gate", *args, "  ")
        assert result.code == 1 and f"invalid {args[1]}: is blank" in result.err, result.err
