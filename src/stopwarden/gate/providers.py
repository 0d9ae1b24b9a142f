"""The LLM authorities (SPEC §5.5): `anthropic`, `openai` (any OpenAI-compatible endpoint, local model
servers included) and `claude-cli` (the user's own Claude Code, headless).

Each sends the one fixed prompt of `llm.py` and returns the verdict its answer holds (`judge`); a cascade
(`rules+<provider>`, authorities.py) sends its own small prompt through the same call (`complete`).
Failures become exceptions the gate names: TimeoutError (`timeout`), llm.Unavailable (`unavailable`),
llm.Malformed (`malformed`). Settings come from `[authority.<name>]` in config.toml; where it is silent, the providers'
own environment variables are honoured as their SDKs do (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL,
OPENAI_API_KEY, OPENAI_BASE_URL). Keys are read from the environment only, never from the config.
The SDKs are imported when the authority is built, in the server process only.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from typing import Any

from stopwarden.common.names import ENV_DISABLE
from stopwarden.common.process_group import kill_group
from stopwarden.gate.case import Case, Verdict
from stopwarden.gate.llm import SYSTEM_PROMPT, Malformed, Unavailable, parse_verdict, user_message

MAX_TOKENS = 400


class AnthropicAuthority:
    name = "anthropic"
    default_timeout_s = 3.0
    default_model = "claude-haiku-4-5"  # a judge answers one short JSON object: fast and cheap is right

    def __init__(self, options: dict[str, Any], timeout_s: float) -> None:
        import anthropic

        self._errors = anthropic
        self.model = str(options.get("model") or self.default_model)
        self.client = anthropic.Anthropic(
            base_url=options.get("base_url") or None,  # None: ANTHROPIC_BASE_URL, else the public API
            timeout=timeout_s,
            max_retries=0,  # the gate's budget is the whole call; a retry would overrun it
        )

    def judge(self, case: Case) -> Verdict:
        return parse_verdict(self.complete(SYSTEM_PROMPT, user_message(case)))

    def complete(self, system: str, user: str) -> str:
        """The model's text answer to one system prompt and one user message."""
        try:
            message = self.client.messages.create(
                model=self.model,
                max_tokens=MAX_TOKENS,
                system=system,
                messages=[{"role": "user", "content": user}],
            )
        except self._errors.APITimeoutError as e:
            raise TimeoutError(str(e)) from None
        except self._errors.APIError as e:
            raise Unavailable(f"{type(e).__name__}: {e}") from None
        return "".join(getattr(block, "text", "") for block in message.content)


class OpenAIAuthority:
    name = "openai"
    default_timeout_s = 3.0
    default_model = "gpt-4o-mini"

    def __init__(self, options: dict[str, Any], timeout_s: float) -> None:
        import openai

        self._errors = openai
        self.model = str(options.get("model") or self.default_model)
        self.client = openai.OpenAI(
            base_url=options.get("base_url") or None,  # None: OPENAI_BASE_URL, else the public API
            # A local model server often wants no key at all; the SDK insists on one.
            api_key=os.environ.get("OPENAI_API_KEY") or "not-needed",
            timeout=timeout_s,
            max_retries=0,
        )

    def judge(self, case: Case) -> Verdict:
        return parse_verdict(self.complete(SYSTEM_PROMPT, user_message(case)))

    def complete(self, system: str, user: str) -> str:
        """The model's text answer to one system prompt and one user message."""
        try:
            completion = self.client.chat.completions.create(
                model=self.model,
                temperature=0,
                max_tokens=MAX_TOKENS,
                messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            )
        except self._errors.APITimeoutError as e:
            raise TimeoutError(str(e)) from None
        except self._errors.APIError as e:
            raise Unavailable(f"{type(e).__name__}: {e}") from None
        if not completion.choices:
            raise Malformed("the answer has no choices")
        return completion.choices[0].message.content or ""


class ClaudeCliAuthority:
    """`claude -p` with the user's own login. It runs with no tools, in an empty folder, without saving a
    session, and with STOPWARDEN_DISABLE=1 so that our own hooks (a user-scope install) let the judge's
    session stop at once instead of judging it: the gate never re-enters itself."""

    name = "claude-cli"
    default_timeout_s = 20.0

    def __init__(self, options: dict[str, Any], timeout_s: float) -> None:
        self.command = str(options.get("command") or "claude")
        self.model = options.get("model")
        self.timeout_s = timeout_s

    def judge(self, case: Case) -> Verdict:
        return parse_verdict(self.complete(SYSTEM_PROMPT, user_message(case)))

    def complete(self, system: str, user: str) -> str:
        """The text of `claude -p`'s result for one system prompt and one user message (on stdin)."""
        args = [self.command, "-p", "--output-format", "json", "--system-prompt", system, "--tools", "",
                "--no-session-persistence", *(["--model", str(self.model)] if self.model else [])]  # fmt: skip
        env = {**os.environ, ENV_DISABLE: "1"}
        with tempfile.TemporaryDirectory(prefix="stopwarden-judge-") as folder:
            try:
                proc = subprocess.Popen(
                    args, cwd=folder, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE, text=True, start_new_session=True,
                )  # fmt: skip
            except OSError as e:
                raise Unavailable(f"cannot run {self.command}: {e.strerror}") from None
            try:
                out, err = proc.communicate(user, timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                kill_group(proc)  # the CLI starts helpers of its own
                raise TimeoutError(f"{self.command} -p took over {self.timeout_s} s") from None
        if proc.returncode != 0:
            raise Unavailable(f"{self.command} -p exited {proc.returncode}: {err.strip()[-300:]}")
        try:
            result = json.loads(out)
        except ValueError:
            raise Malformed("claude -p did not print its JSON result") from None
        if not isinstance(result, dict) or result.get("is_error") or not isinstance(result.get("result"), str):
            raise Unavailable(f"claude -p reported an error: {str(result)[:300]}")
        return str(result["result"])
