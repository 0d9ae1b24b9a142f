"""The `rules` authority: offline and deterministic (SPEC §5.5), the policy of docs/stop-acts.md.

The stop's act comes first (`gate/stopacts.py`: typed guards, then a small model over the final act);
the act and the evidence then give the verdict. A legitimate act is allowed; an early-stop act
(next step, context excuse, permission, break point) is `continue` only while a plan that predates the
session and a commit made in it show the work can safely go on, else escalated; giving up and an
unsure model are escalated. It never `continue`s on an act a guard called legitimate.
"""

from __future__ import annotations

from collections.abc import Callable

from stopwarden.gate import stopact_model, stopacts
from stopwarden.gate.case import Artifact, Case, Pointer, Verdict

NAME = "rules"

# The rule of each act when the model, not a guard, named it (docs/stop-acts.md).
ALLOW_RULES = {
    "completion": "U_LEGIT_COMPLETION",
    "question": "U_LEGIT_DESIGN_QUESTION",
    "blocker": "U_LEGIT_MISSING_INFO",
    "user_requested": "U_LEGIT_USER_REQUESTED",
    "not_a_stop": "U_NOT_A_STOP",
}
CONTINUE_RULES = {
    "next_step": "U4_NEXT_STEP_ANNOUNCED",
    "context_excuse": "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE",
    "permission": "U5_PERMISSION_MID_PLAN",
}
# Acts that may end a finished turn: escalated, never pushed on, unless the final act says what remains
# (then they are early stops like the others). A permission question names the work it asks to go on with;
# a break-point remark must state that work is still to do, as its words alone say nothing of it. Outside
# English they read only a plan's step asked for (plan_steps, round 32) and the speaker's own work left or
# next act in each language's closed constructions (still_to_do, rounds 40 and 41): what tells a choice,
# consent, a negation or another team's work from work left to do is each language's own grammar
# (training/remain_review.jsonl, round 23). What they cannot read there, a cascade's LLM does.
NAMES_WHAT_REMAINS: dict[str, Callable[[str], bool]] = {
    "permission": stopacts.names_remaining_work,
    "break_point": stopacts.says_what_remains,
}


def remains_unread(act: stopacts.Act, case: Case) -> bool:
    """Whether only what remains keeps this act from a `continue` and these rules cannot read it: an act that
    must say it, whose final act is positively in another language (`stopact_model.in_other_language`: a
    terse English stop is read here as before), that they find nothing in, with a plan older than the
    session and progress in it. A cascade asks its LLM then (authorities.CascadeAuthority)."""
    return (
        act.name in NAMES_WHAT_REMAINS
        and _in_other_language(case)
        and not NAMES_WHAT_REMAINS[act.name](case.stop_text)
        and _plan_with_progress(case) is not None
    )


def _in_other_language(case: Case) -> bool:
    return stopact_model.in_other_language(stopact_model.final_act(case.stop_text))


def _says_what_remains(act: stopacts.Act, case: Case) -> bool:
    """Whether an act that must say what remains does. These rules read it in English, whoever named the act
    (their reading is the one the cold reviews measured); in another language, where they cannot, an LLM's
    checked quote of the work that remains reads it too (`Act.remains`)."""
    if act.name not in NAMES_WHAT_REMAINS:
        return True
    if act.remains and _in_other_language(case):
        return True
    return NAMES_WHAT_REMAINS[act.name](case.stop_text)


def judge(case: Case) -> Verdict:
    return verdict_for(stopacts.classify(case), case)


def verdict_for(act: stopacts.Act, case: Case, *, open_items: bool = True) -> Verdict:
    """The verdict an act gets on the case's evidence (docs/stop-acts.md): whoever named the act, these
    rules or, on their abstain band, an LLM (the cascade authorities, which pass `open_items=False`: a
    permission question for a plan's open item is judged the plan's only when these rules named it)."""
    if act.name in ALLOW_RULES:
        return Verdict("allow", act.rule or ALLOW_RULES[act.name], rationale=act.how, act=act.name)
    if act.name == "give_up":
        return Verdict("escalate", "U_GIVE_UP", rationale=act.how, act=act.name)
    # A permission question that says nothing of what remains may ask for an open item of the plan: then it
    # cites that plan, and says which item (its number, never its text).
    remains = _says_what_remains(act, case)
    asked = _open_item_plan(case) if not remains and act.name == "permission" and open_items else None
    if not remains and asked is None:
        why = f"{act.how}; nothing said of what remains"
        return Verdict("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL", rationale=why, act=act.name)
    finished = _finished_plan(case) if asked is None else None
    if finished is not None:
        why = f"{act.how}; every item of {finished.path} is ticked"
        return Verdict("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL", rationale=why, act=act.name)
    if act.name in CONTINUE_RULES or act.name == "break_point":
        plan = _plan_with_progress(case, asked[0] if asked else None)
        if plan:
            artifact, incremental = plan
            pointer = Pointer(artifact.path, artifact.introducing_commit, incremental)
            rule = CONTINUE_RULES.get(act.name, "U3_RECENT_COMMIT_PROVES_INCREMENTAL")
            how = f"{act.how}; open item {asked[1] + 1} of {artifact.path}" if asked else act.how
            return Verdict("continue", rule, pointer, rationale=how, act=act.name)
        why = f"{act.how}; a plan older than the session, but no progress in it"
        return Verdict("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL", rationale=why, act=act.name)
    return Verdict("escalate", "U_AMBIGUOUS_INSUFFICIENT_SIGNAL", rationale=act.how)


def _open_item_plan(case: Case) -> tuple[Artifact, int] | None:
    """The plan older than the session whose open item a permission question asks leave to do (the
    evidence's, read from the working tree), and the item's index: the plan the verdict then cites."""
    for artifact in case.pre_session_artifacts:
        index = stopacts.open_item_asked(case.stop_text, artifact.open_items)
        if index is not None:
            return artifact, index
    return None


def _finished_plan(case: Case) -> Artifact | None:
    """The plan older than the session that this session changed last, when every item of its checklist is
    ticked and no plan the session changed has an open item (the evidence's, read from the working tree):
    the agent has marked the plan's work finished, so what it offers or announces next is its own proposal,
    not the plan's next piece ("all five steps are ticked; shall I start on the 'Later' section?"). Its stop
    is escalated for the user to judge, never pushed on."""
    changed = [artifact for artifact in case.pre_session_artifacts if artifact.modified_this_session]
    if changed and changed[0].ticked_through and not any(artifact.open_items for artifact in changed):
        return changed[0]
    return None


def _plan_with_progress(case: Case, cited: Artifact | None = None) -> tuple[Artifact, str] | None:
    """A plan that predates the session (`cited`, else the first not ticked through), and the commit that
    proves progress on it this session."""
    plans = (cited,) if cited else tuple(a for a in case.pre_session_artifacts if not a.ticked_through)
    if not plans:
        return None
    if case.session_commits:
        return plans[0], case.session_commits[0].sha
    for artifact in plans:
        if artifact.shows_progress:
            return artifact, artifact.latest_commit
    return None
