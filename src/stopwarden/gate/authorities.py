"""The authorities that judge a stop, behind one interface (SPEC §5.5).

An authority is any object with a `name` and `judge(case) -> Verdict`. It may raise or hang: the gate
calls it under a time budget and a circuit breaker, and validates whatever it returns. One that only
computes locally says `in_process = True` and is called directly. LLM authorities
(anthropic, openai, claude-cli) join this registry in a later issue.
"""

from __future__ import annotations

from typing import Protocol

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


REGISTRY: dict[str, type[Authority]] = {RulesAuthority.name: RulesAuthority}


def get(name: str) -> Authority | None:
    factory = REGISTRY.get(name)
    return factory() if factory else None
