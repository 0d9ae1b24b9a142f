"""Self-reference knows every file an installer writes in a project: a session that changes an agent's hook
configuration or /build skill there works on the gate (gate/pipeline.py SELF_PATHS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from stopwarden.gate import pipeline
from stopwarden.install import skill
from stopwarden.install.registry import AGENT_MODULES


@pytest.mark.parametrize("agent", AGENT_MODULES)
def test_every_project_file_an_installer_writes_is_ours(agent: str, tmp_path: Path) -> None:
    module = AGENT_MODULES[agent]
    root = str(tmp_path)
    env = {"HOME": str(tmp_path / "home")}
    written = []
    for scope in module.SCOPES:
        path = module.settings_path(scope, root, env)
        if path.startswith(root + os.sep):  # a project scope, not the user's
            written.append(path)
            written.append(module.skill_file(module.skills_folder(scope, root, env), skill.DEFAULT_NAME))
    assert written, f"{agent} has a project scope"
    for path in written:
        relative = os.path.relpath(path, root)
        assert pipeline.is_ours(relative), f"{agent}: {relative} is not in SELF_PATHS"
