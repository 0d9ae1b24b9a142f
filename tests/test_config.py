"""config.toml: defaults for everything, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from stopwarden.common import config
from stopwarden.common.errors import StopwardenError


def write(root: Path, text: str) -> None:
    (root / ".stopwarden").mkdir(exist_ok=True)
    (root / ".stopwarden" / "config.toml").write_text(text)


def test_defaults(tmp_path: Path) -> None:
    loaded = config.load(str(tmp_path))
    assert (loaded.project, loaded.port, loaded.autostart, loaded.initial_mode) == (tmp_path.name, 0, True, "shadow")
    assert (loaded.limits.per_session_hour, loaded.limits.in_flight, loaded.limits.continue_ceiling) == (10, 8, 2)


def test_the_file_init_writes(installed: Path) -> None:
    loaded = config.load(str(installed))
    assert 0 < loaded.port < 65536 and loaded.authority == "rules" and loaded.project == installed.name


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nport = 'x'", "[server] port has the wrong type"),
        ("[server]\nport = true", "[server] port has the wrong type"),
        ("[server]\nport = 70000", "port 70000 is not a port number"),
        ('[gate]\nmode = "loud"', "[gate] mode must be one of off, shadow, enforce"),
        ("[limits]\nin_flight = 1.5", "[limits] in_flight has the wrong type"),
        ("server = 3", "[server] must be a table"),
        ("[server", "bad config"),
    ],
)
def test_errors_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path, text)
    with pytest.raises(StopwardenError, match=message.replace("[", r"\[").replace("]", r"\]")):
        config.load(str(tmp_path))


def test_authority_budgets(tmp_path: Path) -> None:
    write(tmp_path, '[gate]\nauthority = "claude-cli"\n')
    assert config.load(str(tmp_path)).authority_timeout_s == 20.0
    write(tmp_path, '[gate]\nauthority = "anthropic"\n[authority.anthropic]\nmodel = "m"\ntimeout_s = 5\n')
    loaded = config.load(str(tmp_path))
    assert (loaded.authority_timeout_s, loaded.authority_options["anthropic"]["model"]) == (5.0, "m")
    bad_configs = [
        ('[gate]\nauthority = "oracle"', "authority must be one of"),
        ('[gate]\nauthority = "openai"\n[authority.openai]\ntimeout_s = -1', "must be a number in"),
    ]
    for bad, message in bad_configs:
        write(tmp_path, bad)
        with pytest.raises(StopwardenError, match=message):
            config.load(str(tmp_path))


def test_limits_must_be_positive(tmp_path: Path) -> None:
    write(tmp_path, "[limits]\nin_flight = 0\ncontinue_ceiling = 0\n")
    with pytest.raises(StopwardenError, match="in_flight, continue_ceiling must be at least 1"):
        config.load(str(tmp_path))
