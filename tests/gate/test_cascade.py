"""The cascade authorities (`rules+anthropic`, `rules+openai`, `rules+claude-cli`; issue 19 item 7) through
the providers' real wire formats: the offline classifier decides what it can with no request at all; on
its abstain band the model is asked once for the stop's act and a quote of the stop text that shows it,
which code checks and maps to a verdict as the rules do; every way that fails, fails open, under the
gate's budget, breaker and rate limits."""

from __future__ import annotations

import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from stopwarden.common import config
from stopwarden.gate import authorities, breaker, llm_acts, rules, stopact_model, stopacts
from stopwarden.gate.case import Artifact, Case, Commit, Turn
from stopwarden.gate.service import Gate, ask
from stopwarden.store.store import Store
from tests.gate.fake_providers import Answer, FakeProvider
from tests.server.conftest import PlanRepo, evaluate_body, run_server

PLAN = Artifact("docs/plans/billing.md", "a" * 40, "b" * 40, False, True)
SESSION_COMMIT = Commit("c" * 40, 1.0, "step 1", ("src/a.py",))
TURNS = (Turn("user", "Implement the plan."),)
# Texts a guard of the classifier settles: never a question to the model.
QUESTION = "The exporter works either way. Should the export be CSV or Parquet?"
PERMISSION = "Step 1 is committed. Want me to continue with step 2?"
# Texts the classifier is made to abstain on (`abstaining`): the model's part.
SILENT = "The parser is merged.\n\nNext I need to   wire the parser into the CLI."
VAGUE = ["Let me know what you think.", "That's it for the API layer.", "I've left notes in the plan file."]
# Texts outside English the classifier names an act that must say what remains, which the rules read in
# English only (`named`): the model's part when a plan and progress would let a continue stand.
# Names its work without a unit of the plan ("el paso 2", which plan_steps reads): the rules read nothing.
SPANISH_PERMISSION = "El parser de facturas está hecho y probado. ¿Sigo con la importación de facturas?"
GERMAN_BREAK_POINT = "Der Export läuft jetzt. Guter Punkt für eine Pause; der Import der Rechnungen ist noch unfertig."
TERSE_BREAK_POINT = "Good stopping point."  # English with too few function words to show it: not another language
# What remains for others, then a report longer than the final act (stopact_model.ACT_CHARS), then a break point.
OTHER_TEAM = (
    "Pendiente para el equipo de datos: migrar la tabla de clientes.\n\n"
    + "El export lee las facturas del mes, las agrupa por cliente y escribe un CSV por cliente. " * 8
    + "\n\nLa exportación funciona. Buen momento para una pausa."
)
NAMED = {SPANISH_PERMISSION: "permission", GERMAN_BREAK_POINT: "break_point", TERSE_BREAK_POINT: "break_point",
         OTHER_TEAM: "break_point"}  # fmt: skip


def case(text: str, commits: tuple[Commit, ...] = (SESSION_COMMIT,), turns: tuple[Turn, ...] = TURNS) -> Case:
    return Case(text, recent_turns=turns, artifacts=(PLAN,), session_commits=commits)


def act(name: str, span: str) -> str:
    return json.dumps({"act": name, "span": span})


@pytest.fixture(autouse=True)
def abstaining(monkeypatch: pytest.MonkeyPatch) -> None:
    """The classifier abstains on SILENT and VAGUE, and is itself on every other text: which texts fall in
    its abstain band depends on the trained model, and these tests are about what happens then."""
    real = stopacts.classify

    def classify(c: Case) -> stopacts.Act:
        if c.stop_text == SILENT or c.stop_text.startswith(tuple(VAGUE)):
            return stopacts.Act(stopacts.ABSTAIN, "test: in the abstain band")
        if c.stop_text in NAMED:
            return stopacts.Act(NAMED[c.stop_text], "test: the classifier names it")
        return real(c)

    monkeypatch.setattr(stopacts, "classify", classify)


def build(name: str, fake: FakeProvider, timeout_s: float = 2.0) -> Any:
    base = fake.base_url if name == "anthropic" else f"{fake.base_url}/v1"
    authority = authorities.get(f"rules+{name}", {"base_url": base, "model": "judge-1"}, timeout_s)
    assert authority is not None and authority.name == f"rules+{name}"
    assert not getattr(authority, "in_process", False)  # it may ask a provider: thread, budget, breaker
    return authority


def judge(authority: Any, c: Case, timeout_s: float = 2.0) -> tuple[Any, str | None]:
    with ThreadPoolExecutor(1) as pool:
        return ask(authority, c, timeout_s, pool)


def sent(name: str, fake: FakeProvider) -> tuple[str, dict[str, Any]]:
    """The system prompt and the user message of the one request the fake received."""
    [request] = fake.requests
    body = request.body
    if name == "anthropic":
        assert request.path.startswith("/v1/messages")
        return body["system"], json.loads(body["messages"][0]["content"])
    assert request.path == "/v1/chat/completions"
    return body["messages"][0]["content"], json.loads(body["messages"][1]["content"])


@pytest.mark.parametrize("text", [QUESTION, PERMISSION])
def test_what_the_classifier_decides_costs_no_request(provider: tuple[str, FakeProvider], text: str) -> None:
    name, fake = provider
    found, failure = judge(build(name, fake), case(text))
    assert failure is None and found == rules.judge(case(text)) and found.act in ("question", "permission")
    assert fake.requests == []


def test_an_abstain_is_one_request_for_the_act_and_its_quote(provider: tuple[str, FakeProvider]) -> None:
    name, fake = provider
    fake.answers = [Answer(act("next_step", "Next I need to wire the parser into the CLI."))]
    found, failure = judge(build(name, fake), case(SILENT))
    assert failure is None
    assert (found.decision, found.rule, found.act) == ("continue", "U4_NEXT_STEP_ANNOUNCED", "next_step")
    assert found.evidence_pointer.as_dict() == {
        "plan_file": PLAN.path, "plan_commit_sha": PLAN.introducing_commit, "incremental_commit_sha": "c" * 40,
    }  # fmt: skip
    system, message = sent(name, fake)
    assert system == llm_acts.SYSTEM_PROMPT and fake.requests[0].body["model"] == "judge-1"
    # The model reads what was written, as data, and none of the evidence: the verdict is the server's.
    assert message == {"untrusted": {"stop_text": SILENT, "recent_turns": [{"source": "user", "text": TURNS[0].text}]}}


def test_a_next_step_the_guard_took_on_the_abstain_band_is_still_the_models(
    provider: tuple[str, FakeProvider], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next-step guard lowers the rules' bar inside their abstain band; a cascade asks its LLM there."""
    name, fake = provider
    text = "The schema migration is committed. Next I need to wire the parser into the CLI."
    probs = {a: 0.0 for a in stopact_model.probabilities("x")} | {"next_step": 0.95, "completion": 0.05}
    monkeypatch.setattr(stopact_model, "probabilities", lambda t: probs)
    assert rules.judge(case(text)).decision == "continue"  # the rules alone: the guard's lowered bar
    fake.answers = [Answer(act("completion", "The schema migration is committed."))]
    found, failure = judge(build(name, fake), case(text))
    assert failure is None and (found.decision, found.act) == ("allow", "completion")
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("name", "span", "verdict"),
    [
        ("completion", "That's it for the API layer", ("allow", "U_LEGIT_COMPLETION")),
        ("not_a_stop", "it for the API layer.", ("allow", "U_NOT_A_STOP")),
        ("give_up", "\u201cThat\u2019s it for the API layer\u201d", ("escalate", "U_GIVE_UP")),  # curly quotes
        ("next_step", "That's it for the API", ("continue", "U4_NEXT_STEP_ANNOUNCED")),
        ("context_excuse", "it for the API layer", None),
        ("break_point", "it for the API layer", None),
        ("permission", "it for the API layer", None),
    ],
)
@pytest.mark.parametrize("progress", [True, False])
def test_the_models_act_maps_to_the_rules_verdict(
    provider: tuple[str, FakeProvider], name: str, span: str, verdict: tuple[str, str] | None, progress: bool
) -> None:
    """The model's act gets the verdict the rules give that act on the same evidence (`rules.verdict_for`):
    with a plan but no progress in the session, an early stop is not continued."""
    provider_name, fake = provider
    fake.answers = [Answer(act(name, span))]
    untouched = Artifact(PLAN.path, "a" * 40, "a" * 40, False, False)
    c = case(VAGUE[1]) if progress else Case(VAGUE[1], recent_turns=TURNS, artifacts=(untouched,))
    found, failure = judge(build(provider_name, fake), c)
    assert failure is None and found.act == name and len(fake.requests) == 1
    assert (found.decision, found.rule) == (verdict_of(name, c) if verdict is None or not progress else verdict)
    assert found.decision != "continue" or progress


def test_a_permission_the_model_names_is_never_the_plans_for_an_open_item(provider: tuple[str, FakeProvider]) -> None:
    """A plan's open items judge a permission question the plan's only when the rules named the act: the
    model answers on their abstain band, where most questions that share an item's words and are no leave
    to go on lie (training/open_items_review2.jsonl)."""
    provider_name, fake = provider
    asked = "That's it for the API layer. Shall I move on to the Kubernetes manifests?"
    fake.answers = [Answer(act("permission", "Shall I move on to the Kubernetes manifests?"))]
    plan = Artifact(PLAN.path, "a" * 40, "b" * 40, False, True, ("Kubernetes manifests",))
    c = Case(asked, recent_turns=TURNS, artifacts=(plan,), session_commits=(SESSION_COMMIT,))
    found, failure = judge(build(provider_name, fake), c)
    assert failure is None and (found.act, found.decision) == ("permission", "escalate")
    assert rules.verdict_for(stopacts.Act("permission", "the rules"), c).decision == "continue"


def remaining(name: str, span: str, remains: object) -> str:
    return json.dumps({"act": name, "span": span, "remains": remains})


@pytest.mark.parametrize(
    ("text", "name", "span", "remains", "rule"),
    [
        (SPANISH_PERMISSION, "permission", "¿Sigo con la importación", "la importación de facturas",
         "U5_PERMISSION_MID_PLAN"),
        (GERMAN_BREAK_POINT, "break_point", "Guter Punkt für eine Pause", "der Import der Rechnungen ist noch unfertig",
         "U3_RECENT_COMMIT_PROVES_INCREMENTAL"),
    ],
)  # fmt: skip
def test_outside_english_what_remains_is_the_models_to_read(
    provider: tuple[str, FakeProvider], text: str, name: str, span: str, remains: str, rule: str
) -> None:
    """A permission question or a break point the rules name outside English, which they would only escalate
    (they read what remains in English alone): the model is asked, and its quote of the work that remains,
    checked against the text, lets the plan's continue stand; without one it is escalated as before."""
    provider_name, fake = provider
    assert rules.judge(case(text)).decision == "escalate" and rules.remains_unread(
        stopacts.classify(case(text)), case(text)
    )
    fake.answers = [Answer(remaining(name, span, remains)), Answer(remaining(name, span, "")), Answer(act(name, span))]
    authority = build(provider_name, fake)
    found, failure = judge(authority, case(text))
    assert failure is None and (found.decision, found.rule, found.act) == ("continue", rule, name)
    assert found.evidence_pointer.plan_file == PLAN.path and remains in found.rationale
    for _ in range(2):  # "remains" empty, or left out: the model named no work left
        found, failure = judge(authority, case(text))
        assert failure is None and (found.decision, found.rule) == ("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL")
    assert len(fake.requests) == 3


def test_what_remains_is_asked_only_where_it_could_let_a_continue_stand(provider: tuple[str, FakeProvider]) -> None:
    """Without progress in the plan the act is escalated whatever remains: no request."""
    provider_name, fake = provider
    untouched = Artifact(PLAN.path, "a" * 40, "a" * 40, False, False)
    c = Case(SPANISH_PERMISSION, recent_turns=TURNS, artifacts=(untouched,))
    found, failure = judge(build(provider_name, fake), c)
    assert failure is None and found.decision == "escalate" and fake.requests == []


@pytest.mark.parametrize(
    "remains",
    [
        "el paso 3, la exportación",  # not in the text
        "Sigo",  # too short to name work
        ["la importación de facturas"],
        None,
        42,
    ],
)
def test_a_quote_of_what_remains_code_cannot_check_is_no_quote(
    provider: tuple[str, FakeProvider], remains: object
) -> None:
    """Not a failure (the act and its span are sound): the act is judged as if the model named no work left."""
    name, fake = provider
    fake.answers = [Answer(remaining("permission", "¿Sigo con la importación", remains))]
    found, failure = judge(build(name, fake), case(SPANISH_PERMISSION))
    assert failure is None and (found.decision, found.rule) == ("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL")


def test_what_remains_is_quoted_from_the_final_act(provider: tuple[str, FakeProvider]) -> None:
    """Work named before the final act (the last paragraphs, at most stopact_model.ACT_CHARS, which the rules
    read too) may be someone else's: only the final act's counts."""
    name, fake = provider
    fake.answers = [Answer(remaining("break_point", "Buen momento para una pausa", "migrar la tabla de clientes"))]
    found, failure = judge(build(name, fake), case(OTHER_TEAM))
    assert failure is None and found.decision == "escalate" and len(fake.requests) == 1


@pytest.mark.parametrize("answer", [("next_step", ""), ("context_excuse", "la importación de facturas"),
                                    ("completion", "la importación de facturas")])  # fmt: skip
def test_asked_only_what_remains_the_model_cannot_rename_the_act(
    provider: tuple[str, FakeProvider], answer: tuple[str, str]
) -> None:
    """The rules named a permission question: a model that calls it a next step (which needs no quote of what
    remains) or anything else without reading what remains leaves the rules' escalate standing."""
    name, fake = provider
    fake.answers = [Answer(remaining(answer[0], "¿Sigo con la importación", answer[1]))]
    found, failure = judge(build(name, fake), case(SPANISH_PERMISSION))
    assert failure is None and (found.act, found.decision) == ("permission", "escalate")


def test_a_terse_english_stop_is_the_rules_alone(provider: tuple[str, FakeProvider]) -> None:
    """Too few English function words to show it is English is no evidence of another language: the rules
    read it, and nothing is asked."""
    name, fake = provider
    found, failure = judge(build(name, fake), case(TERSE_BREAK_POINT))
    assert failure is None and found.decision == "escalate" and fake.requests == []


def test_in_english_the_rules_read_what_remains_whatever_the_model_quotes(provider: tuple[str, FakeProvider]) -> None:
    """An English permission question the model names on the abstain band: the rules' reading decides."""
    name, fake = provider
    text = f"{VAGUE[0]} Shall I go on with step 2?"
    fake.answers = [Answer(remaining("permission", "Shall I go on with step 2?", None))]
    found, failure = judge(build(name, fake), case(text))
    assert failure is None and (found.act, found.decision, found.rule) == (
        "permission",
        "continue",
        "U5_PERMISSION_MID_PLAN",
    )


def test_in_english_the_models_quote_of_what_remains_is_not_enough(provider: tuple[str, FakeProvider]) -> None:
    """A permission question the model names in English: its quote of what remains is not enough where the
    rules' own reading (cold-reviewed: consent, choices, finished plans) finds nothing."""
    name, fake = provider
    fake.answers = [Answer(remaining("permission", "That's it for the API layer", "the API layer"))]
    found, failure = judge(build(name, fake), case(VAGUE[1]))
    assert failure is None and (found.act, found.decision) == ("permission", "escalate")


def verdict_of(name: str, c: Case) -> tuple[str, str]:
    verdict = rules.verdict_for(stopacts.Act(name, "test"), c)
    return verdict.decision, verdict.rule


@pytest.mark.parametrize(
    "answer",
    [
        act("next_step", "Next I need to add the migration."),  # a quote of some other stop
        act("next_step", "wire the parser into the API"),  # close, but not what was written
        act("next_step", "Next I"),  # too short to show anything
        act("next_step", ""),
        act("keep_going", "Next I need to wire the parser into the CLI."),  # no such act
        act("abstain", "Next I need to wire the parser into the CLI."),
        json.dumps({"act": "next_step"}),
        json.dumps({"act": ["next_step"], "span": "Next I need to wire the parser"}),
        "```json\n" + act("next_step", "Next I need to wire the parser into the CLI.") + "\n```",
        "The agent announces its next step.",
        # The verdict of the one-step prompt is not an answer to this one.
        json.dumps({"decision": "continue", "rule": "U4_NEXT_STEP_ANNOUNCED", "evidence_pointer": {}}),
        # Only user_requested may quote the user's turn.
        act("next_step", "Implement the plan."),
    ],
)
def test_an_answer_code_cannot_check_is_malformed(provider: tuple[str, FakeProvider], answer: str) -> None:
    name, fake = provider
    fake.answers = [Answer(answer)]
    assert judge(build(name, fake), case(SILENT)) == (None, "malformed")


def test_user_requested_may_quote_the_users_turn(provider: tuple[str, FakeProvider]) -> None:
    name, fake = provider
    fake.answers = [Answer(act("user_requested", "  do the parser,\nnothing more"))]
    turns = (Turn("user", "Just do the parser, nothing more for today."),)
    found, failure = judge(build(name, fake), case(VAGUE[2], turns=turns))
    assert failure is None and (found.decision, found.rule) == ("allow", "U_LEGIT_USER_REQUESTED")


def test_a_slow_model_times_out_within_the_budget(provider: tuple[str, FakeProvider]) -> None:
    name, fake = provider
    fake.answers = [Answer(act("next_step", "wire the parser into the CLI"), delay_s=3.0)]
    began = time.monotonic()
    assert judge(build(name, fake, timeout_s=0.5), case(SILENT), timeout_s=0.5) == (None, "timeout")
    assert time.monotonic() - began < 1.5


def test_http_errors_are_unavailable(provider: tuple[str, FakeProvider]) -> None:
    name, fake = provider
    fake.answers = [Answer(status=500)]
    assert judge(build(name, fake), case(SILENT)) == (None, "unavailable")


# --- claude-cli: the same question through `claude -p`'s command line and JSON result --------------------

FAKE_CLAUDE = """\
import json, sys
record, answer = {record!r}, {answer!r}
with open(record, "a") as f:
    f.write(json.dumps({{"argv": sys.argv[1:], "stdin": sys.stdin.read()}}) + "\\n")
print(json.dumps({{"type": "result", "subtype": "success", "is_error": False, "result": answer}}))
"""


def test_rules_claude_cli(tmp_path: Path) -> None:
    record = tmp_path / "calls.jsonl"
    command = tmp_path / "claude"
    answer = act("next_step", "wire the parser into the CLI")
    command.write_text(f"#!{sys.executable}\n" + FAKE_CLAUDE.format(record=str(record), answer=answer))
    command.chmod(0o755)
    authority = authorities.get("rules+claude-cli", {"command": str(command)}, 10.0)
    assert authority is not None
    found, failure = judge(authority, case(QUESTION), 10.0)
    assert failure is None and found.rule == "U_LEGIT_DESIGN_QUESTION" and not record.exists()
    found, failure = judge(authority, case(SILENT), 10.0)
    assert failure is None and (found.decision, found.rule) == ("continue", "U4_NEXT_STEP_ANNOUNCED")
    [call] = [json.loads(line) for line in record.read_text().splitlines()]
    argv = call["argv"]
    assert argv[:3] == ["-p", "--output-format", "json"] and "--no-session-persistence" in argv
    assert argv[argv.index("--system-prompt") + 1] == llm_acts.SYSTEM_PROMPT and argv[argv.index("--tools") + 1] == ""
    assert json.loads(call["stdin"]) == json.loads(llm_acts.user_message(case(SILENT)))


# --- in the gate: breaker, rate limits, fail-open events --------------------------------------------------


def body(repo: PlanRepo, text: str, session: str = "s1") -> dict[str, Any]:
    return evaluate_body(repo, session=session, stop_text=text)


def test_the_breaker_opens_for_the_model_and_the_rules_go_on(
    installed: Path, plan_repo: PlanRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    with FakeProvider() as fake:
        fake.answers = [Answer(status=500)] * 3
        authority = authorities.get("rules+anthropic", {"base_url": fake.base_url}, 2.0)
        for server in run_server(installed, lambda c, s: Gate(c, s, authority)):
            failed = [server.call("POST", "/v1/evaluate", body(plan_repo, f"{VAGUE[0]} ({i})"))[1] for i in range(3)]
            assert [a["fail_open"] for a in failed] == ["unavailable"] * 3
            assert breaker.state(server.store, "rules+anthropic", time.time()) == "open"
            # Open: the model is not asked again, the stop fails open at once ...
            answer = server.call("POST", "/v1/evaluate", body(plan_repo, VAGUE[1]))[1]
            assert (answer["decision"], answer["fail_open"]) == ("allow", "breaker_open")
            # ... and what the rules decide is decided as before.
            answer = server.call("POST", "/v1/evaluate", body(plan_repo, QUESTION))[1]
            assert (answer["rule"], answer["fail_open"]) == ("U_LEGIT_DESIGN_QUESTION", None)
            assert len(fake.requests) == 3


def test_rate_limits_count_only_the_questions_the_model_is_asked(
    installed: Path, plan_repo: PlanRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + "\n[limits]\nper_session_hour = 2\n")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    with FakeProvider() as fake:
        fake.answers = [Answer(act("next_step", "Let me know what you think"))] * 2
        authority = authorities.get("rules+anthropic", {"base_url": fake.base_url}, 2.0)
        for server in run_server(installed, lambda c, s: Gate(c, s, authority)):
            for i in range(4):  # decided by the rules: free, never limited
                answer = server.call("POST", "/v1/evaluate", body(plan_repo, f"({i}) {QUESTION}"))[1]
                assert (answer["rule"], answer["fail_open"]) == ("U_LEGIT_DESIGN_QUESTION", None)
            asked = [server.call("POST", "/v1/evaluate", body(plan_repo, f"{VAGUE[0]} ({i})"))[1] for i in range(3)]
            assert [(a["decision"], a["fail_open"]) for a in asked] == [
                ("continue", None), ("continue", None), ("allow", "rate_limited"),
            ]  # fmt: skip
            assert len(fake.requests) == 2


def test_a_cascade_in_the_config(installed: Path, cli: Any) -> None:
    """Chosen like any authority; its settings in its own table, its budget its provider's. A setting
    changed after it was chosen is used once approved again (state/approval.py): until then, rules judge."""
    config_file = installed / ".stopwarden" / "config.toml"
    assert cli("gate", "authority", "rules+claude-cli", "--skip-check", "--json").json()["timeout_s"] == 20.0
    config_file.write_text(config_file.read_text() + '\n[authority."rules+claude-cli"]\ncommand = "my-claude"\n')
    loaded = config.load(str(installed))
    assert (loaded.authority, loaded.authority_options["rules+claude-cli"]) == (
        "rules+claude-cli",
        {"command": "my-claude"},
    )
    for approved in (False, True):
        if approved:
            assert cli("gate", "authority", "rules+claude-cli", "--skip-check").code == 0
        gate = Gate(loaded, Store.open(str(installed / ".stopwarden" / "stopwarden.db")))
        try:
            assert gate.authority is not None
            if not approved:
                assert gate.authority.name == "rules" and gate.in_process
                continue
            assert gate.authority.name == "rules+claude-cli" and not gate.in_process
            assert gate.authority.provider.command == "my-claude"  # type: ignore[attr-defined]
        finally:
            gate.close()
            gate.store.close()


# --- stopwarden eval --------------------------------------------------------------------------------------


def test_eval_with_a_cascade(tmp_path: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """`stopwarden eval --authority rules+anthropic` against the fake, outside a project: one request, for
    the one case the rules abstain on."""
    artifact = {"path": PLAN.path, "introducingCommit": PLAN.introducing_commit, "latestCommit": PLAN.latest_commit,
                "createdThisSession": False, "modifiedThisSession": True}  # fmt: skip
    rows = [
        {"id": "q", "stop_text": QUESTION, "artifacts": [artifact], "expected": {"decision": "allow"}},
        {"id": "s", "stop_text": SILENT, "artifacts": [artifact], "expected": {"decision": "continue"}},
    ]  # fmt: skip
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(r) + "\n" for r in rows))
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key")
    with FakeProvider() as fake:
        fake.answers = [Answer(act("next_step", "Next I need to wire the parser into the CLI."))]
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.base_url)
        monkeypatch.chdir(tmp_path)
        result = cli("eval", str(cases), "--authority", "rules+anthropic", "--format", "jsonl")
    assert result.code == 0, result.err
    judged = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["decision"], r["rule"], r["judged_act"]) for r in judged] == [
        ("allow", "U_LEGIT_DESIGN_QUESTION", "question"), ("continue", "U4_NEXT_STEP_ANNOUNCED", "next_step"),
    ]  # fmt: skip
    assert len(fake.requests) == 1
