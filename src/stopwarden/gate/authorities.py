"""The authorities that judge a stop, behind one interface (SPEC §5.5).

`rules` is here; the LLM authorities are in `providers.py`. An authority is any object with a `name` and
`judge(case) -> Verdict`. It may raise or hang: the gate calls it under a time budget and a circuit
breaker, and validates whatever it returns. One that only computes locally says `in_process = True` and
is called directly. A cascade (`rules+<provider>`) is both: its `offline(case)` is the rules' verdict,
found locally, or None when they abstain (or cannot read what remains outside English); only then is the
provider asked, through `judge`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import AUTHORITIES
from stopwarden.gate import llm_acts, rules, stopacts
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


class Provider(Authority, Protocol):
    """An LLM authority (providers.py), which also answers any one prompt with the model's text."""

    def complete(self, system: str, user: str) -> str: ...


class CascadeAuthority:
    """`rules+<provider>` (issue 19 item 7): the offline classifier first; the model only on its abstain
    band, asked for the stop's act and a quote that shows it (`llm_acts`), which the same mapping as the
    rules' turns into a verdict; and where the rules named a permission question or a break point in
    another language, which they cannot read what remains in, for that alone. Not in process: it may ask a
    provider, so the gate calls it under its thread, time budget and breaker, and rate limits count the
    questions the provider is asked."""

    in_process = False

    def __init__(self, provider: Provider) -> None:
        self.provider = provider
        self.name = f"{rules.NAME}+{provider.name}"

    def offline(self, case: Case) -> Verdict | None:
        """The rules' verdict when their classifier names an act; None on its abstain band, a stop the
        next-step guard took there included, and where only what remains, unread, keeps it from a continue."""
        return self._settled(stopacts.classify(case), case)

    def judge(self, case: Case) -> Verdict:
        named = stopacts.classify(case)
        settled = self._settled(named, case)
        if settled is not None:
            return settled
        answer = self.provider.complete(llm_acts.SYSTEM_PROMPT, llm_acts.user_message(case))
        said = llm_acts.parse_act(answer, case)
        how = f"{self.provider.name}: {said.name} \u201c{said.span[:200]}\u201d"
        if said.remains:
            how += f"; remains \u201c{said.remains[:200]}\u201d"
        if not _abstained(named):
            # The rules named the act and ask the model only what remains: it may not rename the act (a next
            # step needs no quote of what remains); an act that speaks of remaining work, with a quote of it,
            # is the one answer that lets the plan's continue stand.
            read = said.name in _SPEAK_OF_REMAINING and bool(said.remains)
            return rules.verdict_for(replace(named, how=f"{named.how}; {how}", remains=read), case, open_items=False)
        # A plan's open items only for what the rules named: the LLM answers on their abstain band, where most
        # questions that share an item's words and are no leave to go on lie (training/open_items_review2.jsonl).
        return rules.verdict_for(stopacts.Act(said.name, how, remains=bool(said.remains)), case, open_items=False)

    @staticmethod
    def _settled(act: stopacts.Act, case: Case) -> Verdict | None:
        if _abstained(act):
            return None
        verdict = rules.verdict_for(act, case)
        return None if verdict.decision != "continue" and rules.remains_unread(act, case) else verdict


_SPEAK_OF_REMAINING = ("next_step", *rules.NAMES_WHAT_REMAINS)


def _abstained(act: stopacts.Act) -> bool:
    """The rules named no act: their abstain band, a stop a next-step form took there or without the model
    included."""
    return act.name == stopacts.ABSTAIN or act.model_abstained


def _rules(options: dict[str, Any], timeout_s: float) -> Authority:
    return RulesAuthority()


def _provider(name: str) -> Callable[[dict[str, Any], float], Provider]:
    def build(options: dict[str, Any], timeout_s: float) -> Provider:
        from stopwarden.gate import providers  # their SDKs load in the server only, and only when chosen

        factories: dict[str, Callable[[dict[str, Any], float], Provider]] = {
            "anthropic": providers.AnthropicAuthority,
            "openai": providers.OpenAIAuthority,
            "claude-cli": providers.ClaudeCliAuthority,
        }
        return factories[name](options, timeout_s)

    return build


def _cascade(name: str) -> Callable[[dict[str, Any], float], Authority]:
    """`rules+<name>`, built with the options and budget the cascade was given (`[authority."rules+<name>"]`)."""
    provider = _provider(name)
    return lambda options, timeout_s: CascadeAuthority(provider(options, timeout_s))


# Every authority, by the name `[gate] authority` and `stopwarden eval --authority` use.
REGISTRY: dict[str, Callable[[dict[str, Any], float], Authority]] = {
    "rules": _rules,
    "anthropic": _provider("anthropic"),
    "openai": _provider("openai"),
    "claude-cli": _provider("claude-cli"),
    "rules+anthropic": _cascade("anthropic"),
    "rules+openai": _cascade("openai"),
    "rules+claude-cli": _cascade("claude-cli"),
}
assert tuple(REGISTRY) == AUTHORITIES, "one factory per authority of names.AUTHORITY_TIMEOUTS, in its order"


def get(name: str, options: dict[str, Any] | None = None, timeout_s: float = 3.0) -> Authority | None:
    """The authority `name`, built with its `[authority.<name>]` options; None when there is no such one.
    One that cannot be built is a StopwardenError saying why, so that `eval` and `doctor` name it and the
    server logs it and allows every stop (`unavailable`) instead of failing to start: its SDK missing from
    a broken install, or an option its SDK refuses (`base_url = 5`, a URL httpx cannot parse)."""
    factory = REGISTRY.get(name)
    if factory is None:
        return None
    try:
        return factory(options or {}, timeout_s)
    except ImportError as e:
        raise StopwardenError(
            f"the authority {name} cannot be built: {e}", hint="reinstall stopwarden: its SDKs are dependencies"
        ) from None
    except Exception as e:  # an SDK's constructor may raise anything on an option it refuses
        raise StopwardenError(
            f"the authority {name} cannot be built with its options: {type(e).__name__}: {e}",
            hint=f"check [authority.{name}] in .stopwarden/config.toml",
        ) from None
