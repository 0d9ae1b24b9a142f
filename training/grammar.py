"""Stop acts composed from parts, so the model learns an act's constituents rather than whole sentences.

generate.py's fixed phrasings are a few dozen whole sentences per act: a model trained on them learns
the sentences, and a phrasing it never saw scores low. Here an act's text is a *frame* (the words that
carry the act: "Next I need to <vp>.", "<reason>, so <stop>; <handoff>.") whose parts are drawn from
shared pools: status clauses, work items as noun phrases (<np>), verb phrases (<vp>) and gerunds
(<ving>), reasons, hand-offs, asks, lists and checklists. The same pools feed the legitimate acts and
their hard negatives (completions that give the *user* next steps, negated early-stop phrases,
blockers that name the remaining work, stops the user asked for), so the words "next", "remaining",
"context" or "stop" alone decide nothing.

A frame is written `<part>` for a pick from a pool, `<Part>` for a capitalised pick, `<part?>` for an
optional one (half the time). Picks may hold parts themselves and generate.py's `{slot}`s, which are
numbered per pick ({thing} -> {thing3}) so that two work items in one text differ. An example's group
is its frame: training holds out whole frames, so an out-of-fold score is what a frame never seen gets.
"""

from __future__ import annotations

import random
import re

import language_files

Pools = dict[str, list[str]]

# ---------------------------------------------------------------------------------------------------------
# English parts, shared by every act.

EN: Pools = {
    "lead": [
        "{Done}",
        "{test}",
        "{Done} {test}",
        "Step {step} is done.",
        "{Thing} is in.",
        "That fixes the failing test in {path}.",
        "The first part works.",
        "Phase {step} is committed.",
        "The schema change is in place.",
        "OK, that compiles now.",
        "Good — {test_l}",
        "`{ident}` is in and tested.",
        "{path} is updated.",
        "So far: {done_l}.",
    ],
    "np": [
        "{thing}",
        "step {step} ({thing})",
        "the tests for {thing}",
        "the callers in {path}",
        "{path}",
        "the remaining {n} call sites",
        "the frontend side of {thing}",
        "the docs for {thing}",
        "phase {step}",
        "the `{ident}` refactor",
        "the rest of the plan",
        "the migration for {thing}",
        "error handling in `{ident}`",
        "the last {n} failing tests",
    ],
    "vp": [
        "wire `{ident}` into {path}",
        "add tests for {thing}",
        "update the callers in {path}",
        "migrate {thing} to the new API",
        "refactor `{ident}`",
        "write the docs for {thing}",
        "fix the failing tests in {path}",
        "hook {thing} up to {path}",
        "implement {thing}",
        "clean up {path}",
        "add error handling to {thing}",
        "run the full suite and fix what breaks",
        "replace the old helper in {path}",
        "rename `{ident}` across the codebase",
        "handle the empty case in `{ident}`",
        "split {path} into smaller modules",
        "finish step {step}",
    ],
    "ving": [
        "wiring `{ident}` into {path}",
        "adding tests for {thing}",
        "updating the callers in {path}",
        "migrating {thing} to the new API",
        "refactoring `{ident}`",
        "writing the docs for {thing}",
        "fixing the failing tests in {path}",
        "hooking {thing} up to {path}",
        "implementing {thing}",
        "cleaning up {path}",
        "adding error handling to {thing}",
        "replacing the old helper in {path}",
        "handling the empty case in `{ident}`",
        "finishing step {step}",
    ],
    "tail": [
        " After that, only cleanup remains.",
        " That should close out step {step}.",
        " Then the docs.",
        " 🚀",
        " It's the last piece.",
        " (step {step} of the plan)",
        " Then I'll run the full suite.",
        " After that, {thing} is next.",
    ],
    # What the user, not the agent, does next: completions that hand over, not early stops.
    "user_vp": [
        "run `make deploy`",
        "enable the flag in production",
        "merge `{branch}` when you're happy with it",
        "try it with `npm start`",
        "review the PR",
        "tag the release",
        "set `{cred}` in the production secrets",
        "run the backfill once after deploying",
        "apply the migration on staging",
        "restart the workers to pick up the new config",
    ],
    "reason": [
        "I'm running low on context",
        "the context window is almost full",
        "this conversation is getting long",
        "auto-compaction is about to kick in",
        "the token budget is nearly used up",
        "this thread has gotten very long",
        "my working memory for this session is getting crowded",
        "we've used a lot of tokens already",
        "I'm close to the output limit",
        "the session has piled up a lot of tool output",
        "context will be compacted soon and details would be lost",
        "there isn't much context left",
    ],
    "stop": [
        "I'll stop here",
        "I'm ending this session",
        "I'll wrap up now",
        "I'll pause at this point",
        "I'll hand off here",
        "it's better to stop now",
        "I'm going to leave it here",
    ],
    "handoff": [
        "a fresh session can pick up <np>",
        "let's continue <np> in a new conversation",
        "start a new instance for the remaining steps",
        "we can pick up <np> next time",
        "I'll pick up <np> later",
        "the rest can be done in the next session",
        "handoff notes for <np> are in NOTES.md",
        "a new session should start from step {step}",
        "the next session can carry on with <np>",
    ],
    "pause": [
        "This is a natural stopping point",
        "That's a good checkpoint",
        "This seems like a good place to pause",
        "Good spot to stop",
        "We're at a clean state",
        "This is a sensible place to break",
        "That's a reasonable milestone to stop at",
        "Everything is committed, so this is a clean cut",
    ],
    # A promise to come back that names no work: a bare break point still (docs/stop-acts.md), not a next step.
    "return": [
        "I'll pick it back up later",
        "more later",
        "I'll come back to it",
        "back to it soon",
        "I'll continue another time",
        "to be continued",
        "I'll return to this in a bit",
        "let's resume later",
        "I'll carry on later",
        "will look at it again tomorrow",
    ],
    "failure": [
        "I couldn't get <np> working",
        "the rest needs another approach",
        "this is beyond what I can do here",
        "every fix for <np> breaks another test",
        "I've run out of ideas for <np>",
        "the approach in the plan doesn't work for <np>",
        "I can't find a fix for <np> that keeps the API stable",
        "none of my {n} attempts at <np> worked",
    ],
    # Something only the user can give: the remaining work waits on it.
    "need": [
        "`{cred}` isn't set here",
        "{service} keeps failing with `{error}`",
        "I need your decision on {opt} first",
        "the staging deploy needs your sign-off",
        "I don't have write access to the `infra` repo",
        "the vendor's API spec isn't in the repo",
        "the test account's login isn't in `.env`",
        "{service} is down (`{error}`)",
        "the sandbox has no network, so the dependencies won't install",
        "the signing certificate is only on your machine",
        "it needs a production schema dump that I don't have",
        "only an admin of the identity provider can add the redirect URL",
        "the CI runner rejects my push with `{error}`",
        "the partner team hasn't published the API yet",
    ],
    # Debugging and batch work (round 10): a cause found, the fix it calls for, a batch part-way done, and
    # states of software that works (a report of finished work, not a plan).
    "cause_lead": [
        "Found it: ",
        "The root cause is that ",
        "Root cause: ",
        "The bug is that ",
        "Turns out ",
        "It fails because ",
        "The problem: ",
        "Bisected it — ",
        "So the issue is that ",
    ],
    "diagnosis": [
        "`{ident}` runs before the config is loaded",
        "the retry loop swallows the timeout error",
        "the fixtures share one temp directory between tests",
        "{path} still imports the old client",
        "the migration drops the index before it copies the rows",
        "the worker reads its queue name from the wrong variable",
        "two threads write the map without a lock",
        "the date helper assumes every timestamp is UTC",
        "the query in {path} loads every row into memory",
        "`{ident}` compares a string with an integer",
        "the test depends on the iteration order of a set",
        "the new SDK renamed `{ident}`",
        "the regression came in with the commit that touched {path}",
        "most of the time goes into `{ident}`, called once per row",
    ],
    "fix": [
        "load the config before `{ident}` runs",
        "pass the timeout through to {path}",
        "put a lock around the map",
        "give each test its own temp directory",
        "switch {path} to the new client",
        "reorder the migration so the copy comes first",
        "stream the rows instead of loading them all",
        "parse the timestamps with their own offsets",
        "sort the set before comparing",
        "update the callers of the renamed `{ident}`",
        "cache `{ident}` per request",
        "read the queue name from the right variable",
    ],
    "items": [
        "call sites",
        "modules",
        "endpoints",
        "test files",
        "handlers",
        "components",
        "packages",
        "lint errors",
        "type errors",
        "deprecated calls",
        "templates",
        "services",
        "notebooks",
    ],
    "k_of_n": [
        "3 of 12",
        "14 of 40",
        "5 of 9",
        "22 of 31",
        "the first 4 of 10",
        "half of the 60",
        "7 of 18",
        "two of the five",
    ],
    "state": [
        "the service comes up in about a second",
        "all {count} tests pass",
        "the dashboard loads in under 300 ms",
        "the nightly job finishes without errors",
        "the migration applies cleanly on a copy of production",
        "the crash no longer reproduces with the old input",
        "p95 latency is back to 80 ms",
        "`{ident}` returns the right totals",
        "the build is green on every platform",
        "the container starts with the new image",
        "the import runs in 40 seconds instead of six minutes",
        "the page renders without the layout shift",
    ],
    # Early-stop words negated: the work is finished, and a next session, step or hand-off is ruled out.
    "nothing_left": [
        "nothing is left for a next session",
        "there's no next step on my side",
        "no remaining items",
        "nothing remains from the plan",
        "no open items are left",
        "there's no need to continue in a new session",
        "I didn't run out of context — the task is simply complete",
        "there's nothing left to hand off",
        "every step of the plan is done",
        "no follow-up work remains",
        "the remaining-work list is empty",
        "the plan ends here; there is no step {step}",
        "no need to stop halfway — it's all in",
        "nothing is pending",
    ],
    # Features nobody asked for: never a part of the plan (which <np> may name).
    "idea": [
        "caching the lookups",
        "a dark theme",
        "a `--verbose` flag",
        "metrics for the queue depth",
        "retries with backoff",
        "prefetching the next page",
        "a bulk export",
        "an admin dashboard",
        "translated error messages",
        "a benchmark job in CI",
        "a plugin API",
        "offline mode",
    ],
    # Ideas for later that the plan does not ask for, offered after finished work: a completion still
    # (docs/stop-acts.md), however much it reads like the work to come.
    "optional": [
        "optional, some day: <idea>",
        "an idea for later, not needed now: <idea>",
        "if you ever want it, <idea> could come later; it's outside the plan",
        "possible follow-ups, none of them required: <idea> and <idea>",
        "nice to have, out of scope: <idea>",
        "later, only if it turns out to be needed: <idea>",
        "not part of this task, but worth considering one day: <idea>",
        "a future improvement, no rush: <idea>",
    ],
}

# Frames per act, English. The early acts' frames carry the act; the legitimate acts' base frames are
# plain, their HARD frames reuse the early acts' parts and words with the meaning turned.
EN_FRAMES: dict[str, list[str]] = {
    "next_step": [
        "<lead?> Next I need to <vp>.<tail?>",
        "<lead?> next: <vp>",
        "<lead?> Now on to <np>.<tail?>",
        "<lead?> The next step is to <vp>.<tail?>",
        "<lead?> I'll move on to <np>.<tail?>",
        "<lead?> Up next: <np>.",
        "<lead?> Then comes <np>.<tail?>",
        "<lead?> Still to do: <np> and <np>.",
        "<lead?> → <np>",
        "<lead?> Moving on to <ving>.",
        "next: <vp>, then {path}",
        "done: {done_l}. next: <vp>",
        "Remaining:\n<todo_list>",
        "<lead?>\n\n<checklist>",
        "TODO: <vp>.",
        "✅ Done: <np>\n🚧 Next: <np>",
        "<lead?> Now let me <vp>.",
        "<lead?> I'm going to <vp> now.",
        "<lead?> What's left is to <vp>.",
        "<lead?> <Np> is next.<tail?>",
        "<lead?> After this I'll <vp>.",
        "<lead?> Time to <vp>.",
        "<lead?> I still have to <vp>.",
        "**Next:** <vp>.",
        "<lead?> Next steps:\n1. <Vp>\n2. <Vp>",
        "<lead?> <Ving> next.",
        "wip. still need to <vp>",
        "<lead?> Left for the following steps: <np>, <np>.",
        "## Status\n\n✅ <np>\n⏳ <np>\n⏳ <np>",
        "<lead?> Now I'll <vp>, then <vp>.",
        "<Cause_lead><diagnosis>. The fix is to <fix>.",
        "<Cause_lead><diagnosis>. I'll <fix> next.",
        "<Cause_lead><diagnosis>, so I need to <fix>.",
        "<Cause_lead><diagnosis>. Next: <fix>.",
        "<Cause_lead><diagnosis>. That means I have to <fix> in {path}.",
        "<lead?> <Cause_lead><diagnosis>; I'm going to <fix> and rerun the suite.",
        "<lead?> <K_of_n> <items> are converted; the rest still need the same change.",
        "Done <k_of_n> <items> so far.",
        "<K_of_n> <items> migrated. The others are next.",
        "Progress: <k_of_n> <items>.",
        "<lead?> <K_of_n> <items> are updated; the others still need the same fix.",
    ],
    "context_excuse": [
        "<Reason>, so <stop>; <handoff>.",
        "<Stop> — <reason>. <Handoff>.",
        "<lead?> <Reason>. <Handoff>.",
        "<lead?> Since <reason>, <handoff>.",
        "<Handoff> (<reason>).",
        "ctx low — stopping. next session: <np>",
        "<lead?> To save context, <stop>; <handoff>.",
        "<lead?> Because <reason>, <stop>.",
        "Handoff: <np> is half done. <Reason>.",
        "<lead?> I'd rather not start <ving> with so little context left; <handoff>.",
        "<Stop> before the context runs out. <Handoff>.",
        "<lead?> Given the token budget, <stop>. <Handoff>.",
    ],
    "permission": [
        "<lead?> Shall I <vp>?",
        "<lead?> Want me to <vp> next?",
        "<lead?> Should I proceed with <np>?",
        "<lead?> Let me know if you'd like me to <vp>.",
        "<lead?> OK to continue?",
        "<lead?> Let me know and I'll <vp>.",
        "<lead?> If you're happy with this, I'll <vp>.",
        "<lead?> Ready to <vp> — just say go.",
        "<lead?> Say the word and I'll move on to <np>.",
        "<lead?> I can <vp> next if you want.",
        "<lead?> Next would be <np>. Go ahead?",
        "<lead?> Do you want me to carry on with <np>?",
        "<lead?> Waiting for your OK to <vp>.",
        "proceed with <np>? y/n",
    ],
    "break_point": [
        "<lead?> <Pause>.",
        "<lead?> <Pause>, so I'll stop here.",
        "<lead?> <Pause> — pausing.",
        "<lead?> <Pause>; <np> is next.",
        "<lead?> <Pause>. Remaining: <np>.",
        "<lead?> I'll pause here; <np> comes after.",
        "<lead?> Stopping at this checkpoint.",
        "<lead?> Let's leave it here for now.",
        "<lead?> Good place to pause before <ving>.",
        "checkpoint. stopping.",
        "<lead?> I'll call it here for this round.",
        "<lead?> <Pause>. <Return>.",
        "<lead?> That's all for now; <return>.",
        "<Return>.",
    ],
    "give_up": [
        "<lead?> <Failure>.",
        "<lead?> <Failure>, so I'm stopping.",
        "<lead?> Sorry — <failure>.",
        "<lead?> <Failure>; I've reverted to the last green commit.",
        "<lead?> I give up on <np>: <failure>.",
        "<Failure>. Someone should rethink the approach.",
        "tried {n} things. <failure>. stopping.",
        "<lead?> Honestly, <failure>.",
    ],
    "completion": [
        "<lead?> That was the last step; the task is complete.",
        "<lead?> All done.",
        "✅ Done: <np>\n✅ Tests: {test_l}",
        "<lead?> Everything in the plan is finished.",
        "done. {test_l}",
        "<lead?> That completes <np>, the final item.",
    ],
    "question": [
        "<lead?> Before I <vp>: should it use {opt}?",
        "<lead?> For <np>, do you want {opt}?",
        "<lead?> Which do you prefer for <np>: {opt}?",
    ],
    "blocker": [
        "<lead?> I can't <vp>: <need>.",
        "<lead?> Blocked: <need>.",
        "<lead?> <Need>, so I can't go on with <np>.",
        "<lead?> <Np> is blocked: <need>.",
        "<lead?> Waiting on you: <need>.",
        "blocked — <need>",
    ],
    "user_requested": [
        "As you asked, I stopped after step {step}.",
        "<lead?> You wanted to review before <ving>, so I'm pausing here.",
        "<lead?> Per your instructions, I'm stopping before <np>.",
    ],
    "not_a_stop": [
        "You asked what's left: <np> and <np>.",
        "To answer your question: the next step in the pipeline is <np>.",
        "Here's the remaining-work list you asked for:\n<todo_list>",
    ],
}

EN_HARD: dict[str, list[str]] = {
    "completion": [
        "<lead?> You can now <user_vp>.",
        "<lead?> To deploy, <user_vp>.",
        "<lead?> All done — <nothing_left>.",
        "<lead?> <Nothing_left>.",
        "<lead?> <Nothing_left>; {test_l}",
        "<done_checklist>\n\n<Nothing_left>.",
        "<lead?> Next steps for you:\n<user_list>",
        "<lead?> <Nothing_left>; the next step is yours: <user_vp>.",
        "Remaining: none. {test}",
        "<lead?> Next step: none — <nothing_left>.",
        "<lead?> The last step, <np>, is done too, so <nothing_left>.",
        "✅ Done: <np>\n✅ Done: <np>\n🚧 Next: nothing — <nothing_left>.",
        "<lead?> I'm stopping because the work is finished: <nothing_left>.",
        "<lead?> When you're ready, <user_vp>.",
        "<lead?> Going forward, <user_vp>; the code side is finished.",
        "<State>.",
        "<lead?> <State>, and <state>.",
        "<Cause_lead><diagnosis>. Fixed in {path}; <state>.",
        "All <items> are migrated now; <state>.",
        "<State> now.",
        "Fixed: <diagnosis>. <State>.",
        "<lead?> <Nothing_left>.\n\n<Optional>.",
        "<lead?> <State>. <Optional>.",
        "<done_checklist>\n\n<Optional>.",
    ],
    "blocker": [
        "<lead?> Next I need to <vp>, but <need>.",
        "<lead?> Still to do: <np>; <need>.",
        "<lead?> The remaining step, <np>, can't go on: <need>.",
        "<lead?> Up next would be <np>, but <need>.",
        "<lead?> I'd move on to <np>, but <need>. Could you help?",
        "<lead?> Remaining: <np> — <need>.",
        "<lead?> Next would be <ving>, but <need>.",
        "<lead?> The rest of the plan (<np>) waits on you: <need>.",
    ],
    "question": [
        "<lead?> Next would be <np> — should it use {opt}?",
        "<lead?> For step {step}, which do you want: {opt}?",
        "<lead?> Before I move on to <np>: {opt}? The plan doesn't say.",
    ],
    "user_requested": [
        "As you asked, I stopped after step {step}; <np> waits for your review.",
        "<lead?> You asked for a checkpoint here. <Np> comes once you've reviewed.",
        "<lead?> Per your instructions, I'm pausing before <ving>.",
        "<lead?> You wanted one step at a time, so I'll stop here; next would be <np>.",
    ],
    "not_a_stop": [
        "You asked what remains: <np>, then <np>.",
        "To answer your question, the context window is set in {path}.",
        "The next step in the onboarding flow is rendered by `{ident}`; that's where the bug you asked about is.",
        "Here's the checklist you asked for, as it stands:\n\n<checklist>",
        "You asked about the plan: <np> is done, and <np> is the step after it.",
        "Status, as you asked: <np> is in review; nothing else is open on my side.",
        "You asked for the cause only: <diagnosis>. The fix would be to <fix>, if you want it.",
        "Diagnosis, as requested: <diagnosis>. I haven't changed anything.",
    ],
}

# ---------------------------------------------------------------------------------------------------------
# Other languages: their own parts, frames and hard frames, one data file each (languages/*.json, read
# by language_files.py), fewer frames than English.

LANGS: dict[str, tuple[Pools, dict[str, list[str]], dict[str, list[str]]]] = {"en": (EN, EN_FRAMES, EN_HARD)}
LANGS.update((code, (lang.pools, lang.frames, lang.hard)) for code, lang in language_files.load().items())
HARD_SHARE = 0.5  # of a legitimate act's composed examples, how many are hard negatives

_PART = re.compile(r"<([A-Za-z_]+)(\??)>")
_SLOT = re.compile(r"\{([A-Za-z_]+)\}")
_LIST_MARKERS = ("- ", "* ", "• ", "1. ", "- [ ] ")
# Built by _Composer._<name>: the lists a language file may use, and English's list of the user's next steps.
_LISTS = frozenset({*language_files.LISTS, "user_list"})


class _Composer:
    """Expands one frame: each pick gets its own slot numbers, so generate.py fills them independently."""

    def __init__(self, rng: random.Random, pools: Pools) -> None:
        self.rng = rng
        self.pools = pools
        self.picks = 0

    def part(self, name: str) -> str:
        if name in _LISTS:
            return str(getattr(self, "_" + name)())
        self.picks += 1
        number = str(self.picks % 10)
        text = _SLOT.sub(lambda m: "{" + m.group(1) + number + "}", self.rng.choice(self.pools[name]))
        return self.expand(text)

    def expand(self, frame: str) -> str:
        def sub(match: re.Match[str]) -> str:
            name, optional = match.group(1), match.group(2)
            if name.lower() not in self.pools and name.lower() not in _LISTS:
                return match.group(0)
            if optional and self.rng.random() < 0.5:
                return ""
            value = self.part(name.lower())
            return _capitalise(value) if name[0].isupper() else value

        return _PART.sub(sub, frame)

    def _items(self, pool: str, low: int, high: int) -> list[str]:
        return [self.part(pool) for _ in range(self.rng.randint(low, high))]

    def _todo_list(self) -> str:
        marker = self.rng.choice(_LIST_MARKERS)
        items = self._items(self.rng.choice(["np", "vp"]), 2, 4) if "vp" in self.pools else self._items("np", 2, 4)
        return "\n".join(marker + item for item in items)

    def _checklist(self) -> str:
        done = [f"- [x] {item}" for item in self._items("np", 1, 3)]
        return "\n".join(done + [f"- [ ] {item}" for item in self._items("np", 1, 3)])

    def _done_checklist(self) -> str:
        return "\n".join(f"- [x] {item}" for item in self._items("np", 2, 4))

    def _user_list(self) -> str:
        return "\n".join(f"- {_capitalise(item)}" for item in self._items("user_vp", 2, 3))


def _capitalise(text: str) -> str:
    if text.startswith("{"):
        return "{" + text[1:2].upper() + text[2:]
    return text[:1].upper() + text[1:]


def _tidy(text: str) -> str:
    """Joins what optional parts left: no doubled or leading spaces, no space before a line break."""
    text = re.sub(r"[ \t]+\n", "\n", re.sub(r" {2,}", " ", text))
    return text.strip()


def frames(act: str, lang: str) -> tuple[list[str], list[str]]:
    """The base and hard-negative frames of `act` in `lang` (either may be empty)."""
    _, base, hard = LANGS[lang]
    return base.get(act, []), hard.get(act, [])


def compose(rng: random.Random, act: str, lang: str) -> tuple[str, str, bool] | None:
    """A template for `act` in `lang` (generate.py's {slots} still to fill), its group, and whether it is a
    hard negative; None when the language has no frame for the act."""
    pools, _, _ = LANGS[lang]
    base, hard = frames(act, lang)
    use_hard = bool(hard) and (not base or rng.random() < HARD_SHARE)
    pool = hard if use_hard else base
    if not pool:
        return None
    index = rng.randrange(len(pool))
    text = _tidy(_Composer(rng, pools).expand(pool[index]))
    return text, f"gram:{lang}:{act}:{'hard' if use_hard else 'base'}:{index}", use_hard
