"""Agent -> its module in this folder: where and in what format its hooks are registered, where its /build
skill goes and in what format. One per name in `names.AGENTS`, found by name (`-` as `_`)."""

from __future__ import annotations

import importlib
from typing import Any

from stopwarden.names import AGENTS

AGENT_MODULES: dict[str, Any] = {
    agent: importlib.import_module(f"stopwarden.install.{agent.replace('-', '_')}") for agent in AGENTS
}
