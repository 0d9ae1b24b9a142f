"""The authorities that judge a stop, behind one interface (SPEC §5.5).

`rules` is here; the LLM authorities are in `providers.py`. An authority is any object with a `name` and
`judge(case) -> Verdict`. It may raise or hang: the gate calls it under a time budget and a circuit
breaker, and validates whatever it returns. One that only computes locally says `in_process = True` and
is called directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from stopwarden.gate import rules
from stopwarden.gate.case import Case, Verdict


class Authority(Protocol):
    name: str

    def judge(self, case: Case) -> Verdict:
        """A verdict on one case; may raise, and may take too long (the caller bounds it)."""
        ...


class RulesAuthority:
    name = rules.NAME
    in_process = True  # microseconds of local work: called directly, never through a thread or breaker

    def judge(self, case: Case) -> Verdict:
        return rules.judge(case)


def _rules(options: dict[str, Any], timeout_s: float) -> Authority:
    return RulesAuthority()


def _provider(name: str) -> Callable[[dict[str, Any], float], Authority]:
    def build(options: dict[str, Any], timeout_s: float) -> Authority:
        from stopwarden.gate import providers  # their SDKs load in the server only, and only when chosen

        factories: dict[str, Callable[[dict[str, Any], float], Authority]] = {
            "anthropic": providers.AnthropicAuthority,
            "openai": providers.OpenAIAuthority,
            "claude-cli": providers.ClaudeCliAuthority,
        }
        return factories[name](options, timeout_s)

    return build


# Every authority, by the name `[gate] authority` and `stopwarden eval --authority` use.
REGISTRY: dict[str, Callable[[dict[str, Any], float], Authority]] = {
    "rules": _rules,
    "anthropic": _provider("anthropic"),
    "openai": _provider("openai"),
    "claude-cli": _provider("claude-cli"),
}


def get(name: str, options: dict[str, Any] | None = None, timeout_s: float = 3.0) -> Authority | None:
    """The authority `name`, built with its `[authority.<name>]` options; None when there is no such one
    or it cannot be built (its SDK missing)."""
    factory = REGISTRY.get(name)
    if factory is None:
        return None
    try:
        return factory(options or {}, timeout_s)
    except ImportError:
        return None
