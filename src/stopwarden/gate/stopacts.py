"""What a stop does at its end: its act (docs/stop-acts.md), from typed guards, then a small model.

The guards decide the closed classes, those a few shapes of sentence settle: the user's last turn asked the
agent to stop or only to be told something (`user_turn`), a concrete blocker, a question to the user (or, if
it only asks leave to go on with the plan, a permission question). Each is a regular expression with word
boundaries over the *final act* (the last paragraph, `stopact_model.final_act`), never a substring anywhere
in a long report: "password" inside `password_reset_form` is not a missing password. What the guards leave
is the model's (`stopact_model`): its early-stop score against two thresholds from out-of-fold scores, with
an abstain band between them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from stopwarden.common.names import LEGIT_ACTS
from stopwarden.gate import context_full, plan_steps, still_to_do, stopact_model, user_turn
from stopwarden.gate.case import Case

ABSTAIN = "abstain"  # the model is unsure: not an act, the verdict is escalate

_I = re.IGNORECASE
# A concrete blocker: something missing that only someone else can give, or something outside that fails
# (an HTTP status, bare or quoted as code: "fails with `403 Forbidden`").
BLOCKER = re.compile(
    r"\b(?:need|needs|needed|missing|require[sd]?|without|lack)\b[^.?!\n]{0,60}?"
    r"\b(?:credentials?|api[\s_-]?keys?|tokens?|access|permissions?|passwords?|secrets?|approval|licen[cs]e\s+keys?)\b"
    r"|\b(?:don'?t|do\s+not|can'?t|cannot|couldn'?t)\s+(?:have|get|gain|obtain)\s+(?:the\s+)?"
    r"(?:access|permissions?|credentials?)\b"
    r"|\b(?:returns?|returned|returning|fails?\s+with|failing\s+with|got|getting)\s+(?:an?\s+)?[`'\"]?(?:http\s*)?[45]\d\d\b"
    # "is down", not "is down to 9 minutes" / "down from 3.4 s" / "down 30%": a quantity that fell.
    r"|\b(?:is|are|was|were|seems?)\s+(?:down(?!\s+(?:to|from|by|\d))|unreachable|unavailable|offline)\b"
    r"|\bout\s+of\s+(?:disk|memory|quota)\b"
    r"|\bpermission\s+denied\b|\brate[\s-]limited\b|\bblocked\s+(?:on|by)\b|\bno\s+(?:network|internet)\s+access\b",
    _I,
)
# A question ending the turn (`question`: its last sentence, which starts after any sentence end but the ASCII
# full stop, which ends one only before a space).
_ENDS = ("\n", *stopact_model.QUESTION_MARKS, *stopact_model.FULL_STOPS.replace(".", ""))
# ... that only asks leave to go on with the work in hand: the plan already answers it.
CARRY_ON = re.compile(
    r"\b(?:continue|proceed|go\s+on|keep\s+going|carry\s+on|move\s+on|start\s+on|get\s+going|resume|tackle)\b"
    r"|\b(?:next|remaining)\s+(?:step|phase|task|item|part|one)s?\b|\b(?:step|phase|part|task)\s+\d+\b|\bthe\s+rest\b",
    _I,
)
# ... but not a question about a thing, whose subject is a noun phrase and not the agent: "Should the rest of
# the endpoints keep the v1 error format?", "Should the upload continue in the background?" ask about the
# design (round 19's review found such questions continued as permission). The inverted subject starts the
# question; a first person anywhere in it ("Should the tests be next, or shall I …") makes it the agent's.
ABOUT_A_THING = re.compile(
    r"^\W*(?:(?:and|so|also|then|ok(?:ay)?|hmm|one\s+thing),?\s+)?(?:should|shall|can|could|will|would|must|does|do|is|are"
    r"|was|were)\s+(?:the|this|these|those|each|every|all|any)\s+(?!(?:ok|okay|alright|all\s+right|fine|good)\b)\w+",
    _I,
)
# A pronoun, not a name: "I/O" and "the US region" are things ("I" beside a slash, "US" in capitals).
_FIRST_PERSON = re.compile(r"(?<![\w/])(?:i|me|my|we|our|(?-i:[Uu]s))(?![\w/])", _I)
# ... unlike a real choice, which names the options. "Which" asks only as an interrogative ("which of the
# two?"), not as a relative pronoun after a comma ("the Billing module, which is next in the plan?").
CHOICE = re.compile(r"\b(?:or|whether|prefer|rather|instead)\b|(?<![,(]\s)(?<![,(])\bwhich\b", _I)
SELF = re.compile(r"\bstopwarden\b|\bstop[\s-]hook\b|\bstop[\s-]gate\b", _I)


@dataclass(frozen=True)
class Act:
    name: str  # one of names.STOP_ACTS, or ABSTAIN
    how: str  # which guard, or the model's score: for the event's rationale, never for the agent
    rule: str = ""  # the rule id of a legitimate act found by a guard
    # The model abstained and a form settled the act on its own lowered bar (the next-step guard), or a form
    # settled it without the model (a turn that ends on the colon of its next action): a cascade authority
    # still asks its LLM, which is what its abstain band is for.
    model_abstained: bool = False
    # Whether the act's words say what work remains, as a cascade's LLM read them (a quote it gave, checked
    # against the final act: llm_acts.ModelAct.remains); None when no LLM was asked (rules.verdict_for reads
    # it in English itself, and only a quote counts in another language).
    remains: bool | None = None


def classify(case: Case) -> Act:
    """The act of the stop in `case`: a guard's if one applies, else the model's."""
    users = [t.text for t in case.recent_turns if t.source == "user"]
    last_user = users[-1] if users else ""
    asked = user_turn.kind(last_user)
    if asked == "stop":
        return Act("user_requested", "guard: the user asked to stop", "U_LEGIT_USER_REQUESTED")
    if asked == "info":
        return Act("not_a_stop", "guard: answers what the user asked", "U_NOT_A_STOP")
    return guarded(case.stop_text) or _modelled(case.stop_text)


def guarded(stop_text: str) -> Act | None:
    """The act the guards find in the stop text's final act, or None when they leave it to the model.
    training/train.py calls this too: the thresholds are chosen over what the model really judges."""
    final = stopact_model.final_act(stop_text)
    if SELF.search(final):
        return Act("not_a_stop", "guard: about stopwarden itself", "U_META_SELF_REFERENCE")
    if BLOCKER.search(final):
        return Act("blocker", "guard: a concrete blocker", _blocker_rule(final))
    if announces_and_stops(stop_text, final):
        return Act("next_step", "guard: announces its next action and ends on its colon", model_abstained=True)
    asked = question(final.rstrip(" \t\n*_`)"))
    if asked is not None:
        if CHOICE.search(asked):
            return Act("question", "guard: a question to the user", "U_LEGIT_DESIGN_QUESTION")
        if CARRY_ON.search(asked) and (_FIRST_PERSON.search(asked) or not ABOUT_A_THING.search(asked)):
            return Act("permission", "guard: asks leave to go on")
    # A yes/no question that names no options is the model's: "Shall I do the other six handlers too?" and
    # "¿Sigo con el paso 3?" ask leave to go on (permission) in words no list holds, in any language;
    # "Should the cache be per user?" is a real question. The model has both classes.
    return None


def question(text: str) -> str | None:
    """The last sentence of `text` when it asks something: from the last sentence end before its final
    question mark to the end, trailing whitespace kept; None when the text does not end in a question mark.
    A sentence ends at `!`, a question mark (`stopact_model.QUESTION_MARKS`), another script's full stop or a
    line break, or at a `.` followed by a space: the dot in `PLAN.md` or `v1.2` ends nothing. One pass from the
    end (a regular expression tried every start: quadratic in a long sentence). A final act's Greek question
    mark is one already (`stopact_model.final_act`)."""
    asked = text.rstrip()
    if not asked.endswith(stopact_model.QUESTION_MARKS):
        return None
    mark = len(asked) - 1
    start = max(text.rfind(end, 0, mark) for end in _ENDS)
    dot = text.rfind(". ", start + 1, mark)
    return text[max(start, dot) + 1 :]


# The commonest early stop said in so many words (docs/stop-acts.md, next_step): the speaker's own intent
# after a sequence adverb that starts its clause ("Next I need to …", "Now I'll …"), an own intent that ends
# in "next" ("I'll wire the CLI next."), or a header of the speaker's own remaining work ("Still to do on my
# side:", "Remaining for me:"). These are closed classes of English grammar (the first person singular,
# the future or obligation, a sequence adverb); the model scores the plainest of these stops near its
# threshold (round 19: the e2e tests' "Next I need to wire the parser into the CLI." 0.9705 against
# next_step's 0.979). Only the last sentence counts (a list's header with its list).
#
# The form is not the act: two cold reviews (round 19) wrote legitimate stops of these shapes — a need from
# someone else ("Next I need to get the DB URL from ops"), a decision owned by others, telling ("Now let me
# summarise what changed:"), "we" meaning the code or the team, and, in forms that name no owner ("What's
# left is …", "Next: …", "… is still to be merged"), other people's work. So only first-person forms count,
# the intent's verb must be an action (_NOT_AN_ACTION), nothing in the sentence may make the plan someone
# else's, conditional, a question or negated (NOT_OWN_PLAN), and the form only lowers the model's bar: its
# next step stands when the model's early-stop score reaches GUARD_FLOOR and give_up is not its likeliest
# act (`_modelled`), and a cascade still asks its LLM (Act.model_abstained). The model's own threshold
# decides every other stop.
_INTENT = (
    r"(?:i'll|i\s+will|i\s+need\s+to|i\s+have\s+to|i'm\s+going\s+to|i\s+am\s+going\s+to|i\s+still\s+(?:need|have)\s+to"
    r"|let\s+me)"
)
# Verbs of telling, receiving, knowing, deciding and leaving work to others: "let me summarise", "I need to
# get the keys", "I'll need the mocks", "I have to check with legal", "I'll let QA run it" announce no work
# the speaker can do.
_NOT_AN_ACTION = (
    r"(?!\s+(?:also\s+|just\s+|briefly\s+|quickly\s+|first\s+)?(?:summari[sz]\w*|explain|note|mention|flag|point\s+out"
    r"|highlight|describe|recap|restate|clarify|walk|show|admit|say|provide|give|know|hear|decide|agree|confirm|ask"
    r"|advise|suggest|recommend|propose"
    r"|need|let"
    r"|check\s+with|sync\s+with|coordinate|get(?!\s+(?:to|on|started|going)\b)|be\b(?!\s+\w+ing\b)|always|never|leave)\b)"
)
_CLAUSE_START = r"(?:^|[,;:\u2014\u2013(]\s*|\b(?:and|so)\s+)"
# The present progressive said of the future ("I'm wiring the CLI next", round 31): not an -ing of telling,
# perceiving, knowing, waiting, leaving, proposing or a state, nor a noun ending in -ing ("nothing").
_DOING = (
    r"(?!(?:summari[sz]|explain|not|mention|flagg|point|highlight|describ|recapp|clarify|walk|show|say|provid|giv"
    r"|know|hear|decid|agree|confirm|ask|need|lett|see|notic|observ|gett|go|leav|wait|await|stopp|paus|hand|think"
    r"|assum|guess|expect|hop|wonder|be|hav|feel|com|shar|report|past|includ|attach|list|keep|hold|stay|sitt"
    r"|happen|pass|fail|remain|miss|pend|outstand|someth|noth|anyth|everyth|th|str|spr|morn|even|dur|ceil|track"
    r"|follow|us|sync|coordinat|suggest|recommend|propos|bett|check(?=ing\s+with\b)|look(?=ing\s+forward\b))ing\b)"
    r"[a-z]{2,}ing\b"
)
# "I'll be …ing" says the same of the future as "I'm …ing … next" (round 33).
_PROGRESSIVE = r"(?:i'm|i\s+am|i'll\s+be|i\s+will\s+be)\s+(?:also\s+|just\s+)?"
# Moving on to a piece of work: "I'm starting with the faceting port now." Said without "I'm", the gerund is
# as often a subject ("Starting with this release, the exporter writes UTF-8 now.", "Moving to Postgres 16
# is unblocked now.": a cold review of round 31), so only with it.
_STARTING = r"(?:start|begin|mov|turn|switch|tackl|pick|div)ing\s+(?:on|onto|to|with|into|in|up)\b"
# Up to "next", nothing that makes it another clause's or someone else's ("… so reviewers know what's next").
# "After this" ends an intent as "next" does ("I'll be turning to the focus trap after this."); "after" before
# anything else is a condition (NOT_OWN_PLAN).
_NEXT_OR_AFTER_THIS = r"(?:next|after\s+th(?:is|at))"
_TO_NEXT = rf"(?:(?!\b(?:so|who|whose|whoever|since|because)\b)[^.?!;:])*\b{_NEXT_OR_AFTER_THIS}"
# What the speaker says it does next, in its own words rather than an intent's (round 33): "… is what I'll
# build next", "… is the next thing on my list", a sentence that is only a move on to work ("On to the
# eviction policy."), with no finite verb that makes it a statement about something else. Not "what I <verb>
# next" (as often past: "the UI is what I built next"), nor a bare gerund with "now" or "On it now." (a
# cold review, training/own_words_review.jsonl: release notes, UI strings and voice lines read so).
_OWN_WORDS = (
    rf"\bwhat\s+i(?:'ll|\s+will)(?!\s+(?:expect|want)\b){_NOT_AN_ACTION}"
    rf"\s+[a-z]+\s+{_NEXT_OR_AFTER_THIS}\b"
    r"|(?<!\bwhat)(?<!\bwhat\s)\b(?:is|are|'s|'re)\s+(?:the\s+)?next\s+(?:(?:thing|item|task|one|piece)\s+)?on\s+my"
    r"\s+(?:list|plate)\b"
    r"|\bnext\s+(?:thing|item|task)\s+on\s+my\s+(?:list|plate)\s+(?:is|are)\b"
)
_FINITE = r"is|are|was|were|be|been|has|have|had|does|do|did|will|would|can|could|should|shall|may|might|must|gets?|got"
# Possessive loops: the spaces after "on to", the body and the end cannot trade a run of spaces between them
# (a cold read found 60 s on 4 KB of them: backtracking the body never helps, `[.!]` is not in it).
_MOVE_ON = (
    r"^\W*+(?:(?:and|so|ok(?:ay)?|right|now)[,\s]++)*+on(?:to|\s++to)\s++(?!(?:you|your|yours)\b)"
    rf"(?:(?!\b(?:{_FINITE})\b|'(?:s|re)\b|\s-\s|--)[^.?!;:\u2014\u2013])*+[.!]?\s*$"
)
NEXT_STEP = re.compile(
    rf"{_CLAUSE_START}(?:(?:next(?:\s+up)?|now|then|after\s+that|afterwards),?\s+{_INTENT}\b{_NOT_AN_ACTION}"
    # ... the progressive only after "next": after "now" or "then" it says what the code does since the change.
    rf"|next(?:\s+up)?,?\s+{_PROGRESSIVE}{_DOING})"
    rf"|\b{_INTENT}\b{_NOT_AN_ACTION}[^.?!;:]*\b{_NEXT_OR_AFTER_THIS}\s*(?:[.!]?\s*$|,)"
    rf"|{_OWN_WORDS}|{_MOVE_ON}"
    # With "now", the progressive says what the code does since the change as often ("I'm now storing every
    # timestamp as UTC", "I'm streaming the rows now, so memory stays flat": training/progressive_review.jsonl),
    # so only "next" (or "after this") makes it a plan, and "now" only a move on to work.
    rf"|\b{_PROGRESSIVE}{_DOING}{_TO_NEXT}\s*(?:[.!]?\s*$|,)"
    rf"|\bwhat\s+{_PROGRESSIVE}{_DOING}\s+(?:next|after\s+this)\b"
    rf"|\b{_PROGRESSIVE}(?:now\s+)?{_STARTING}[^.?!;:]*\bnow\s*[.!:]?\s*$"
    r"|^\s*(?:still\s+to\s+do|left\s+to\s+do|remaining|next(?:\s+up)?|up\s+next|todo|to\s+do)\s+(?:on\s+my\s+side|for\s+me)"
    r"\s*:[^;\u2014\u2013]*$",
    _I,
)
# What makes an announced plan someone else's, conditional or hedged, in NOT_OWN_PLAN and in a turn that ends
# on its colon (_NOT_OWN_ACTION): the user addressed, others, stopping, waiting, handing off, a condition, a
# hedge, a negated or would-be verb, a question mark.
_NOT_OWN = (
    r"you|your|yours|you'll|you're|you've|their|theirs|who|whose|whoever|whichever|stop\w*|paus\w*|wait\w*"
    # "once" but "at once", which says how, not when.
    r"|await\w*|hand(?:s|ed|ing)?|handoff|if|(?<!\bat\s)once|when|whenever|unless|until|maybe|perhaps|could|might|would"
)
_NOT_OWN_ENDS = rf"n't\b|'d\b|[{stopact_model.QUESTION_MARK_CLASS}]"
NOT_OWN_PLAN = re.compile(
    rf"\b(?:{_NOT_OWN}|but|however|though|although|except|no|not|nothing|never|none|after(?!\s+(?:that|this|it)\b)"
    r"|before|as\s+soon\s+as|pending|provided|assuming|rather|or|whether|whatever|possibl\w*|optional\w*"
    r"|per\s+(?:the|its|our|my|their)|according\s+to|as\s+(?:requested|asked|agreed|discussed|instructed)"
    # reported speech: "I wrote that I'll be finishing the migration next, and it's finished" (round 33)
    r"|(?:i|we)\s+(?:wrote|said|told\s+\w+|promised|mentioned|noted|announced|posted|replied)\s+that)\b"
    rf"|{_NOT_OWN_ENDS}",
    _I,
)
GUARD_FLOOR = 0.9  # the per-act thresholds' floor too: training/train.py's ACT_FLOOR is this one
# Where still_to_do's constructions name the act outside English (round 42): wherever the model finds an early stop
# likelier than not. They are closed forms of each language's grammar, read with their vetoes, where English's
# forms are open (round 19's cold review: "I'll keep tabs on the next runs"), and the model, trained on few of
# them, is unsure of most: at 0.5 rather than 0.9 the pending files' early stops outside English blocked 91 -> 106
# of 194, none more of their 158 legitimate ones nor of the earlier cold reviews', once the vetoes the lower floor
# exposed were read; two cold reviews of the change, none more either; a cold read of the code then found more
# shapes (an external failure, a colleague's part, hedges, waits said with a noun), now vetoed too
# (training/README.md, round 42 and after). At 0.3, 7 more early ones and 2 legitimate.
STATED_FLOOR = 0.5


def announces_next_step(stop_text: str, final: str) -> bool:
    """Whether an English final act's last sentence announces the agent's own next step (NEXT_STEP) and
    nothing in it (in a list's header, nothing in its list) makes the plan someone else's, conditional, a
    question or negated (NOT_OWN_PLAN). Only the last sentence of a final act (ACT_CHARS at most) is
    searched: NEXT_STEP's "intent … next" tries every intent to the sentence's end, quadratic in a
    sentence of thousands of them."""
    if not stopact_model.in_english(final):
        return False
    last = stopact_model.last_sentence(final[-stopact_model.ACT_CHARS :])  # whoever calls it, a bounded search
    if NEXT_STEP.search(last) is None or _introduced(stop_text, final):
        return False
    said = final.rsplit("\n\n", 1)[-1] if last.rstrip().endswith(":") else last
    return NOT_OWN_PLAN.search(said) is None


_ANNOUNCES_A_LINE: Final = re.compile(r"\b(?:below|as\s+follows|the\s+following)\W*$", re.IGNORECASE)
# A line that introduces a quotation: it ends on a colon or announces a line, and says what it introduces is
# said, shown or written (a verb of saying or showing, a noun of text, a file in code): "It now reads:", "The
# string:", "Posted to the status page:", "Draft for #standup:". A heading of the speaker's own ("Progress:",
# "Here's where things stand:") introduces the speaker's own words (a cold read of round 33). English words.
_QUOTES: Final = re.compile(
    r"\b(?:reads?|says?|said|prints?|printed|shows?|displays?|plays?|replie[sd]|(?:auto-?)?reply|writes|wrote|posted|outputs?"
    r"|ends?\s+with|opens?\s+with|greets?\s+with|lines?|strings?|messages?|text|prompts?|copy|labels?|captions?"
    r"|titles?|headings?|drafts?|templates?|examples?|quoted?|quotes|announcement|notes?|comments?|(?:auto-?)?replies"
    r"|descriptions?)\b|`[^`\n]+`",  # ... or a file or a name in code: its content follows ("Updated `now.md`:")
    re.IGNORECASE,
)


def _introduces(line: str) -> bool:
    """Whether a line ends on a colon or announces the line after it."""
    return line.endswith((":", "\uff1a")) or _ANNOUNCES_A_LINE.search(line) is not None


def _introduced(stop_text: str, final: str) -> bool:
    """Whether the stop's last line (a list's header, for a list) is a quotation the line before it introduced
    (_introduces, _QUOTES: "It now prints:\n\nNext up, I'm …", "Draft for #standup:\n\n… next on my list."):
    a quote, a draft, a UI string or a voice line, not the speaker's act (round 33's cold review,
    training/own_words_review.jsonl). Read in the stop's own lines, where a table or code block the final act
    drops still stands between a colon and the line after it; only when `final` (the stop's final act) ends
    on the stop's last line."""
    lines = [line.rstrip() for line in stop_text[-4 * stopact_model.ACT_CHARS :].splitlines() if line.strip()]
    ends = final.rstrip().splitlines()
    if not lines or not ends or not lines[-1].endswith(ends[-1].rstrip()):
        return False
    own = max((i for i, line in enumerate(lines) if not stopact_model.is_list_item(line)), default=0)
    before = lines[own - 1] if own > 0 else ""
    return _introduces(before) and _QUOTES.search(before) is not None


# The turn ends on the colon of the speaker's own next action ("I see the issue. Let me fix it:", "Now I'll run
# the migrations:", round 31): it said what it was about to do and ended instead (the agent meant to call a
# tool). The model scored such stops anywhere (0.42 for "I need to check the migration history:", give_up for
# "Let me try a different approach:"), so the form names the act. A cold review (training/colon_review.jsonl)
# found 82 legitimate stops taken by a first version, so only what is read here counts: the stop's own last
# line, nothing cut after it (a quoted prompt, a log line or a list item ends on its own colon: "> Enter a
# value:", "Running migrations:", "- Signing secret name:"), the speaker's intent with an action verb or "I'm"
# with one (a bare gerund is as often output, a heading or a form field: "Breaking changes:", "Starting
# balance:"), and nothing that makes it someone else's (_NOT_OWN_ACTION); not "Time to …" (also a hand-off:
# "Time to bring in the infra team:"). A cascade still asks its LLM (model_abstained).
_ENDS_ON_ITS_COLON = re.compile(
    rf"(?:{_CLAUSE_START}|\b(?:next|now|then|first|ok(?:ay)?|alright|right|so|good|great)[,!]?\s+)"
    rf"(?:{_INTENT}\b{_NOT_AN_ACTION}|going\s+to\b{_NOT_AN_ACTION}"
    rf"|(?<=now\s)to{_NOT_AN_ACTION}(?!\s+(?:the|a|an|this|that|these|those|it|its|my|our)\b)"
    rf"|{_PROGRESSIVE}{_DOING})[^.?!;:]*[:\uff1a]\s*$",
    _I,
)
# What makes the announced action someone else's or no action at all, at the end of a turn: _NOT_OWN, a later
# time, quoting. Not NOT_OWN_PLAN's contrasts, "not" and "nothing", purposes and embedded questions ("Let me run
# the linter to make sure nothing else broke:", "Let me check whether the env var is set in CI:"): the action
# was announced and not taken.
_NOT_OWN_ACTION = re.compile(
    rf"\b(?:{_NOT_OWN}|after|later|tomorrow|next\s+(?:time|session|week)|quot\w*|cop(?:y|ying)|paste|print\w*)\b"
    rf"|{_NOT_OWN_ENDS}",
    _I,
)
_INTRODUCED_IN_LINE: Final = re.compile(r"[:\uff1a]\s|\s[\u2014\u2013-]\s|\u2014")
_SENTENCE_MARK: Final = re.compile(r"[.!?\u3002\uff01\uff1f\u061f\u0964](?=[^.!?\u3002\uff01\uff1f\u061f\u0964]*$)")


def announces_and_stops(stop_text: str, final: str) -> bool:
    """Whether a stop ends on the colon of the speaker's own next action, on its own last line, in English words
    (_ENDS_ON_ITS_COLON; a terse "I'll isolate it:" too, which has too few function words for `in_english`).
    Not in a final act positively in another language: there the lexicon's words for the speaker's intent
    took a string the user asked to be translated ("Déjame buscar el pedido:", "Nous allons supprimer les
    fichiers suivants :") as often as an announced action (training/colon_review2.jsonl). `final` is the stop's
    final act (`stopact_model.final_act`), which the caller has cut already."""
    lines = stop_text.rstrip().splitlines()
    if not lines or not lines[-1].rstrip().endswith((":", "\uff1a")):
        return False
    final = final.rstrip()
    if not final or not lines[-1].rstrip().endswith(final.splitlines()[-1].rstrip()):
        return False  # the act is read from an earlier line: what follows it (a quote, a prompt, a note) was cut
    before = [earlier.rstrip() for earlier in lines[:-1] if earlier.strip()]
    if before and _introduces(before[-1]):
        return False  # the last line is what the one before it introduced: "It greets with:\n\nLet me find …:"
    line = lines[-1].strip()
    mark = _SENTENCE_MARK.search(line)
    if _INTRODUCED_IN_LINE.search(line[mark.end() if mark else 0 :].rstrip().rstrip(":\uff1a")):
        return False  # a colon or a dash before it introduces what it says: "The bot now says: Let me …:"
    if stopact_model.in_other_language(final):
        return False
    last = stopact_model.last_sentence(line)
    return _ENDS_ON_ITS_COLON.search(last) is not None and _NOT_OWN_ACTION.search(last) is None


def _modelled(stop_text: str) -> Act:
    probabilities = stopact_model.probabilities(stop_text)
    score = stopact_model.score_of(probabilities)
    if max(probabilities, key=lambda a: probabilities[a]) == "give_up":  # its score is low: it is no early stop
        return Act("give_up", f"model: give_up {probabilities['give_up']:.2f}")
    named = stopact_model.named_early(probabilities)
    band = stopact_model.band(score, named)
    final = stopact_model.final_act(stop_text)
    if band == "abstain" and score >= GUARD_FLOOR:  # a form of words may lower the bar to GUARD_FLOOR
        if announces_next_step(stop_text, final):
            how = f"guard: announces its next step; model: early-stop score {score:.2f}"
            return Act("next_step", how, model_abstained=True)
        elsewhere = named == "context_excuse" and stopact_model.in_other_language(final)
        if elsewhere and context_full.says_its_context_is_full(final):
            how = f"guard: says its context is full, in another language; model: early-stop score {score:.2f}"
            return Act("context_excuse", how, model_abstained=True)
    # A break point or a next step that states, in another language, the speaker's own work still to do or
    # announces its own next act (still_to_do's constructions, rounds 40 and 41): as a next step in English
    # (announces_next_step), but wherever the model leans to an early stop (round 42, STATED_FLOOR).
    if band == "abstain" and score >= STATED_FLOOR:
        stated = named in ("break_point", "next_step") and not stopact_model.in_english(final)
        if stated and still_to_do.states_own_work_ahead(final):
            how = f"guard: states its own work ahead, in another language; model: early-stop score {score:.2f}"
            return Act(named, how, model_abstained=True)
        asked = named == "permission" and stopact_model.in_other_language(final)
        if asked and _asks_for_a_plan_step(final):
            how = f"guard: asks for a step of the plan, in another language; model: early-stop score {score:.2f}"
            return Act("permission", how, model_abstained=True)
    if band == "abstain":
        return Act(ABSTAIN, f"model: early-stop score {score:.2f} in the abstain band")
    if band == "continue" and says_nothing_ahead(stop_text):
        return Act(ABSTAIN, f"model: early-stop score {score:.2f}, but nothing said of work ahead")
    if band == "continue" and _introduced(stop_text, final):
        quoted = "its last line is what the one before introduced"
        return Act(ABSTAIN, f"model: early-stop score {score:.2f}, but {quoted}")
    early = band == "continue"
    candidates = {a: p for a, p in probabilities.items() if (a not in LEGIT_ACTS) == early}
    name = max(candidates, key=lambda a: candidates[a])
    return Act(name, f"model: early-stop score {score:.2f}, {name} {candidates[name]:.2f}")


# What an early stop says, in any of its acts (docs/stop-acts.md), in English: what comes next or later,
# what remains or is unfinished, a move on to the next thing, a stop or pause, its context or session,
# a plan's parts, a question. These are the closed classes of English grammar that carry it (sequence and
# time adverbs, modals and the future, "on to", aspect), not phrases of any data set. A stop in English
# with none of them reports, answers or gives up: "The `/oauth/token` endpoint now answers in 40 ms." is
# finished work, however much its words resemble the report before a next step, and it is never pushed on
# (round 12: the model's confusion that set its threshold).
LOOKS_AHEAD = re.compile(
    r"\b(?:next|then|after(?:wards?)?|subsequent(?:ly)?|following|later|soon|eventually|thereafter|meanwhile"
    r"|upcoming|tomorrow|tonight|yet|still|until|before|remain\w*|left|rest|pending|outstanding|todo|to-do"
    r"|open|unfinished|incomplete|partial\w*|missing|half|will|won't|shall|would|could|should|must|ought"
    r"|need(?:s|ed)?|have\s+to|has\s+to|going\s+to|gonna|about\s+to|want(?:s|ed)?\s+to|plan\w*|intend\w*"
    r"|on(?:to|\s+to)|move[sd]?|moving|turn(?:s|ing)?\s+to|switch\w*|start\w*|begin\w*|began|tackl\w*"
    r"|pick(?:ing)?\s+up|resum\w*|continu\w*|proceed\w*|carry(?:ing)?\s+on|keep\s+going|go(?:ing)?\s+on"
    r"|follow(?:s|ed)?(?:[\s-]+ups?)?|hand(?:s|ing|ed)?[\s-]*(?:off|over)|handoff|stop\w*|paus\w*|break\w*"
    r"|halt\w*|checkpoint\w*|park\w*|call(?:ing)?\s+it|leav\w*|breather|wrap\w*|for\s+now|for\s+today"
    r"|context|session|conversation|thread|tokens?|budget|window|fresh|restart\w*|clean\s+slate|phase\w*"
    r"|steps?|stage\w*|milestone\w*|tasks?|tickets?|items?|parts?|batch\w*|rounds?|progress|same|too|also"
    r"|another|other|others|more|let\s+me|let's|ready|say\s+go|\d+\s+of\s+\d+)\b|'ll\b"
    rf"|[{stopact_model.QUESTION_MARK_CLASS}\u2610\u25a1]"
    r"|\[ \]",
    _I,
)


# A hyphenated compound names a thing, not work ahead ("the left-aligned columns", "open-source", "a
# two-phase commit", "start-up time"), unless it is one of the compounds that say it ("to-do", "follow-up",
# "hand-off", "half-done"): round 26, where a completion's "left-aligned" let the model continue it.
_COMPOUND: Final = re.compile(r"\b\w+(?:-\w+)+\b")
_AHEAD_COMPOUND: Final = re.compile(r"to-dos?|follow-ups?|hand-(?:off|over)|half-\w+|(?:work-)?in-progress", _I)


def _without_compounds(text: str) -> str:
    return _COMPOUND.sub(lambda found: found[0] if _AHEAD_COMPOUND.fullmatch(found[0]) else " zthing ", text)


def says_nothing_ahead(text: str) -> bool:
    """Whether a stop's final act is in English and says nothing of work ahead (LOOKS_AHEAD, outside its code
    and the compounds that name things): such a stop is never continued, whatever the model scores. Other
    languages are the model's alone."""
    final = stopact_model.final_act(text)
    if not stopact_model.in_english(final):
        return False
    return not LOOKS_AHEAD.search(_without_compounds(stopact_model.without_code(final)))


# The final act says the planned work is finished: a question after it offers more (a retrospective, an
# optional step, the warnings left), it does not ask leave to go on with the plan. training/
# permission_review.jsonl (round 21): "All done. I can continue with the docs next if you'd like — shall I?",
# "Phase 3 was the last phase and it's done", "All 5 steps of the plan are complete." Not "all done with
# the parser", which is a part, nor "All three tasks in phase 1 are done" (a cold read, round 23). A number in
# words too ("All five steps …": after the twenty-second frozen set's first false block, t22-020, round 23).
PLAN_FINISHED = re.compile(
    r"\ball\s+done\b(?!\s+(?:with|on|for)\b)|\b(?:the\s+)?(?:whole|entire)\s+plan\s+is\s+(?:done|complete|finished)\b"
    r"|\ball\s+(?:\d+\s+|the\s+|(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+)?(?:steps|items|phases|tasks)\b"
    r"(?![^.?!\n]{0,40}\b(?:in|of)\s+(?:the\s+)?(?:phase|step|stage|part|milestone|section|migration|module)\b)"
    r"[^.?!\n]{0,40}\b(?:are|were)\s+(?:done|complete|finished)\b"
    r"|\b(?:was|is)\s+the\s+(?:last|final)\s+(?:step|item|phase|task)\b|\bnothing\s+(?:is\s+)?left\b",
    _I,
)


# A question whose act is outward, irreversible or costly asks the user's consent, not leave to go on: it
# is never pushed on, whatever is left ("Should I deploy the remaining services to production?", "Shall I
# merge it and delete the old branch?"). The verbs of such acts and their usual targets; training/
# permission_review.jsonl (round 21) holds such questions the model names permission at 0.98 and above.
_ASKS_TO = (  # the question's own verb: "should I deploy", "want me to merge", "okay if I push", "… and delete"
    r"\b(?:(?:should|shall|can|may|could)\s+(?:i|we)|(?:want|like)\s+me\s+to|ok(?:ay)?\s+(?:if\s+(?:i|we)|to)|and)\s+"
)
CONSENT = re.compile(
    rf"{_ASKS_TO}(?:(?:go\s+ahead|also|now|just)\s+(?:and\s+)?)?(?:deploy|ship|release|publish|merge|delete|drop|purge"
    r"|destroy|wipe|revoke|decommission|send|e-?mail|notify|submit|approve|force-push|push|roll\s+(?:\w+\s+)?out|go\s+live"
    r"|cut\s+over|purchase|buy|pay)\b"
    r"|\b(?:to|in|on|into|against)\s+(?:the\s+)?(?:production|prod|live\s+(?:mode|database|traffic|site)|upstream|customers?)\b"
    # ... and said as a noun ("the production deploy", "the prod cut-over")
    r"|\b(?:production|prod)\s+(?:deploy\w*|release|rollout|roll-out|cut-?over|launch|push)\b",
    _I,
)


def names_remaining_work(text: str) -> bool:
    """Whether a permission question's final act names the work it asks to go on with (docs/stop-acts.md:
    an open offer to go on names none, and may follow a finished turn, as one after "all done" does; a
    question asking consent to an outward act is the user's to answer)."""
    final = stopact_model.final_act(text)
    last = stopact_model.last_sentence(final)
    if PLAN_FINISHED.search(final) or CONSENT.search(last):
        return False
    # In another language, English's words ("Phase 3", "Item 5", "TODO") may name anything: only a unit of the
    # plan its question asks leave to go on with (plan_steps, round 32).
    if stopact_model.in_other_language(final):
        return _asks_for_a_plan_step(final)
    return bool(REMAINING.search(final)) or _asks_for_the_plans_unit(final, last)


def _asks_for_a_plan_step(final: str) -> bool:
    """A final act in another language that asks leave to go on with a step of the plan (plan_steps), with no
    blocker beside it (still_to_do.names_a_blocker): whoever named the permission question, the rules or, where it
    abstains, the model leaning to one (round 44)."""
    return plan_steps.asks_for_a_plan_step(final) and not still_to_do.names_a_blocker(final)


# A permission question that names what it asks to go on with as the plan's own (round 43), as plan_steps reads it
# outside English: "… the OTA part of the plan?", "… the password reset flow from the plan?". Not "in the plan",
# which locates ("tick it off in the plan", "legal's item in the plan"), nor a roadmap, which may be a product's or
# another's, nor "as planned" or "per the plan", which name no work ("Shall I proceed as planned?" may follow
# finished work: a cold read of the session's diff), nor a unit by its number or rank alone ("chapter 4", "the
# third stage": a cold read, training/plans_unit_review.jsonl, found them as often someone else's, held or put
# after a condition in an earlier sentence).
_PLANS_UNIT: Final = re.compile(r"\b[\w-]+\s+(?:of|from)\s+(?:the|my)\s+(?:plan|checklist)\b", _I)
# What, in the question's clause, makes it not one to go on with the plan's next unit (a cold read,
# training/plans_unit_review.jsonl): a negation or a unit outside or after the plan; going out of its order
# ("skip to", "jump ahead", "a head start on", "before"); a condition, a hold or someone to ask; someone else's
# unit ("Mariana's third phase", "their phase 2", "the DBA team's wave 3"); the plan itself to edit ("split wave 2
# …", "renumber", "tick off", "mark", "drop", anything "in the plan" or the outline).
_OUTSIDE_THE_PLAN: Final = re.compile(
    r"n['\u2019]t\b|\b(?:not|never|outside|beyond|after|before|ahead|skip\w*|jump\w*|forward|early|earlier"
    r"|head\s+start|out\s+of\s+order|(?<!ok\s)(?<!okay\s)(?<!alright\s)if|unless|only|hold|wait\w*|pending|once|when|ask\w*"
    r"|their|his|her|team|anyway|still|tomorrow|tonight|later|next\s+(?:week|sprint|quarter|month|release)"
    r"|monday|tuesday|wednesday|thursday|friday|move(?!\s+on\b)|defer\w*|postpon\w*|descop\w*|cut|take\s+over|v\d+"
    r"|split\w*|renumber\w*|reorder\w*|rearrang\w*|tick\w*|check\s+off|mark\w*|drop\w*|remov\w*|rewrit\w*|edit\w*"
    r"|in\s+the\s+(?:[\w-]+\s+)?(?:plan|outline|roadmap|checklist|spec|doc|document))\b|\b\w+['\u2019]s\b",
    _I,
)
_FROM_SOMEONE: Final = re.compile(r"\bfrom\s+[A-Z][a-z]+\b")  # "… the payments part of the plan from Priya?"
# Someone else's approval or review still to come, anywhere in the final act ("QA still has to sign off on the
# parser.", "Legal hasn't cleared the wording."): the plan's next unit waits on it.
_AWAITED: Final = re.compile(
    r"\b(?:sign(?:s|ed)?[- ]?off|approv\w*|clear(?:s|ed)?|review\w*|confirm\w*|blocked|waiting|awaiting)\b", _I
)
# An outward or irreversible act said anywhere in the final act: a unit of the plan may stand for it ("The last step
# sends the newsletter to 18k subscribers. Okay to go ahead with it?"), and a committed plan never stands in for
# consent.
_OUTWARD_ACT: Final = re.compile(
    r"\b(?:deploy\w*|releas\w*|publish\w*|send\w*|sent|e-?mail\w*|notif\w*|delet\w*|purg\w*|destroy\w*|wip(?:e|es|ed|ing)"
    r"|launch\w*|roll-?outs?|rolling\s+out|cut-?over|go(?:es)?\s+live|production|prod|dns|buckets?"
    r"|merg\w*|push\w*|rotat\w*|squash\w*|truncat\w*|refund\w*|post(?:s|ed|ing)?|clos(?:e|es|ed|ing)"
    r"|reset(?:ting)?\s+(?:the\s+)?(?:[\w-]+\s+)?(?:database|db|data|server|cluster|branch|environment)"
    r"|invit\w*|archiv\w*|apply|terraform|kill\w*|turn\s+off|disabl\w*|migrat\w*|irreversibl\w*|shared"
    r"|replica\w*|upload\w*|pull\s+requests?|prs?"
    r"|spend\w*|pay(?:s|ing|outs?)?|paid|purchas\w*|buy\w*|charg(?:e|es|ed|ing)\s+(?:the\s+)?(?:card|customer)s?"
    r"|(?:to|for)\s+(?:all\s+)?(?:[\d,.]+k?\s+)?(?:customers|subscribers|users))\b",
    _I,
)


def _asks_for_the_plans_unit(final: str, last: str) -> bool:
    """Whether the question's own clause (after the last ";", ":" or dash of the final act's last sentence `last`:
    what comes before it may name someone else's item of the plan) names a unit of the plan by its place in it, in
    a final act that names no outward or irreversible act."""
    asked = re.split(r"[;:\u2014\u2013]", last)[-1]
    if _PLANS_UNIT.search(asked) is None or _OUTSIDE_THE_PLAN.search(last):  # a condition before a dash counts
        return False
    if _FROM_SOMEONE.search(final[-len(last) - 1 :]):  # last_sentence lower-cases: read the name in the act
        return False
    return _OUTWARD_ACT.search(final) is None and _AWAITED.search(final) is None


# The words of a permission question that say nothing of its work: function words, the verbs and nouns of
# asking and of going on ("Shall I move on to …", "Want me to continue with the next part …").
_NOT_CONTENT: Final = stopact_model.FUNCTION_WORDS | {
    *("want", "like", "okay", "move", "moving", "continue", "proceed", "start", "starting", "go", "going"),
    *("keep", "carry", "tackle", "resume", "get", "begin", "do", "doing", "work", "working", "next", "rest"),
    *("remaining", "part", "parts", "step", "steps", "phase", "phases", "item", "items", "task", "tasks"),
    *("same", "way", "well", "too", "also", "now", "then", "ahead", "first", "build", "write", "add", "set", "up"),
    *("handle", "take", "kick", "off", "implement", "create", "make", "finish", "started", "on", "with"),
}
_CONTENT_WORD = re.compile(r"(?!\d+\b)\w[\w'-]+")  # "2FA", "CI" and "S3" name things too


def open_item_asked(text: str, items: Sequence[str]) -> int | None:
    """Whether a permission question asks leave to do an open item of a plan older than the session ("Shall I
    move on to the Kubernetes manifests?" beside "- [ ] Kubernetes manifests"): the plan answers it, as it
    answers "Shall I go on with step 4?". Only the server's evidence names the items (hooks/evidence.
    checklist): the text alone never tells a proposal from the plan's next piece (training/
    proposal_review.jsonl, round 22).

    Two cold reviews (training/open_items_review.jsonl, open_items_review2.jsonl, round 23) wrote legitimate
    questions that share an item's words: items that are someone else's, put off or outward ("(ops)
    provision the cluster", "Tablet layout (P2)", "email the users"), questions about how to do one, for
    what it needs, to skip it, among several, after reasoning about it, about ticking boxes. So: a yes/no
    question of the agent's own next action that says nothing but the item (all of its words of content,
    or two of them, and no other), not about an item the final act already spoke of before it, an item of
    the agent's own and not outward; not after the final act says the plan is finished, nor consent or a
    choice. A security review then showed a committed plan standing in for consent ("- [ ] truncate the
    audit log table" beside "Shall I truncate the audit log table?"), and one item of many words matching
    many questions: nothing destructive, privileged or about secrets, in the item or the question, and at
    least half the item's words. The index of the item asked for, or None."""
    final = stopact_model.final_act(text)
    asked = question(final.rstrip(" \t\n*_`)"))
    if not items or asked is None or PLAN_FINISHED.search(final) or CONSENT.search(asked) or CHOICE.search(asked):
        return None
    if not _OWN_YES_NO.search(asked) or _NOT_A_LEAVE.search(asked) or _UNSAFE.search(asked):
        return None
    words = _content(asked)
    before = _content(final[: final.rfind(asked)])
    for index, item in enumerate(items):
        wanted = _content(item)
        shared = len(words & wanted)
        named = bool(wanted) and shared >= max(min(2, len(wanted)), (len(wanted) + 1) // 2) and words <= wanted
        if named and not (words & before) and not _NOT_THE_AGENTS.search(item) and not _UNSAFE.search(item):
            return index
    return None


# A yes/no question of the agent's own next action: "Shall I …", "Should we …", "Want me to …", "OK if I …".
_OWN_YES_NO = re.compile(
    r"^\W*(?:(?:and|so|ok(?:ay)?|great)\W+)?(?:(?:shall|should|can|may|could)\s+(?:i|we)|(?:do\s+you\s+)?want\s+me\s+to"
    r"|(?:would\s+you\s+)?like\s+me\s+to|ok(?:ay)?\s+(?:if\s+(?:i|we)|to)|mind\s+if\s+i)\b",
    _I,
)
# ... not one about the plan's own file ("tick the boxes in PLAN.md", "cross it off"), nor one to skip, hold
# off or do without an item.
_NOT_A_LEAVE = re.compile(
    r"\b(?:tick|check\s+off|cross\s+off|mark|update)\b[^?]*\b(?:box(?:es)?|plan|checklist|done|off)\b"
    r"|\b(?:skip|hold\s+off|leave\s+out|drop|defer|postpone|do\s+without|put\s+off)\b",
    _I,
)
# An item that is not the agent's to do next: another's (an owner before or after it, a mention), put off
# (a priority, a later phase, the icebox), or an outward act.
_NOT_THE_AGENTS = re.compile(
    r"^\s*(?:\(|@|\*\*|[\w-]+(?:\s+team)?\s*:)|@\w|\s[\u2014\u2013-]\s*[A-Z]\w+\s*$|\([^)]*\b[A-Z][a-z]+\)\s*$|~~"
    r"|\b(?:later|stretch|v\d+(?:\.\d+)*|nice[\s-]to[\s-]have|post-launch|after\s+launch|deferred|blocked\s+on|waiting\s+on"
    r"|optional|maybe|future|someday|icebox|backlog|not\s+for\s+(?:mvp|now|this)|if\s+time\s+permits|tbd|p[2-9]"
    r"|phase\s+[2-9]|später|équipe|opcional)\b"
    r"|\b(?:release|publish|deploy|ship|e-?mail|send|notify|announce|invite|archive|switch\s+dns|point\b[^.]*\bat"
    r"|turn\s+(?:off|on)|disable|rotate|submit|delete|drop|remove|merge|push|upload|tear\s+down|refund|charge"
    r"|go\s+live|cut\s+over|production|prod|enable\b[^.]*\b(?:customers|users|everyone|accounts))\b",
    _I,
)


# What no plan answers for the user: an act that destroys, rewrites or exposes, or needs privileges.
_UNSAFE = re.compile(
    r"\b(?:truncate|wipe|reset|rewrite|squash|force|overwrite|kill|purge|destroy|erase|sudo|root|chmod|chown|grant"
    r"|revoke|admin|public|credentials?|secrets?|passwords?|tokens?|keys?|\.env|history|permissions?|firewall)\b",
    _I,
)


def _content(text: str) -> set[str]:
    return {word for word in _CONTENT_WORD.findall(text.lower().replace("`", " ")) if word not in _NOT_CONTENT}


# A statement of what is still to do. A break-point remark is itself no sign of unfinished work ("a good
# place to pause" ends finished turns too), so only an explicit statement lets one block: not a bare word
# that also names things ("the REST API", "left a comment", "open a PR", "the next release", "Step 3 of
# the wizard"), which REMAINING takes. Measured on training/break_points.jsonl (200 break points, half
# naming what remains, the other half full of such words): REMAINING (before round 21 dropped "open" and
# "left") 37/100 found, 52/100 bare ones taken for unfinished; this 43/100 and 1/100 (a "Next steps"
# card), 41/100 and 1/100 since round 21 narrowed "haven't/isn't … yet", and it takes no past or finished
# statement ("then the tests passed", "steps 1-3 are complete", "good to go") for one.
_UNIT_OF_WORK = (  # what a plan is made of, in the singular and plural
    r"(?:steps?|phases?|tasks?|items?|work|parts?|pieces?|slices?|stages?|milestones?|sections?|chunks?|batch(?:es)?"
    r"|tickets?|endpoints?|modules?|tests?|bits?)"
)
# Nouns "next" and "remaining" name a time, a release or a quantity before, not work: "the next release
# train", "the next sprint", "next to it", "the remaining balance", "the remaining API quota".
_TIME_OR_RELEASE = (
    r"(?:releases?|versions?|sprints?|weeks?|months?|quarters?|years?|days?|mornings?|time|trains?|cycles?"
    r"|iterations?|meetings?|standups?|runs?|builds?|deploy(?:ment)?s?|windows?|minor|major|patch(?:es)?|to)"
)
_QUANTITY = (
    r"(?:balance|quota|budget|credits?|capacity|headroom|memory|space|disk|storage|tokens?|time|minutes?|hours?"
    r"|days?|seconds?|amount|funds|stock|inventory|seats?|licen[cs]es?|(?:\w+\s+)?(?:quota|budget|balance|limit))"
)
# What an agent's work is made of, for "pending" and "outstanding", which before any other noun name a
# thing's state ("12 pending refunds", "the outstanding-invoices report"): a unit of a plan or of code.
_WORK_ITEM = (
    rf"(?:{_UNIT_OF_WORK}|files?|handlers?|migrations?|components?|services?|functions?|routes?|pages?|screens?"
    r"|features?|changes?|fixes?|issues?|bugs?|todos?|things?|tables?|jobs?|classes?|methods?|checks?)"
)
# The final act names work that remains: a step, phase or item, "the rest", "next up", a numbered list.
# Words that also name things are read with what follows them (training/proposal_review.jsonl and a cold
# read, round 22): "next" but not before a time or release, "remaining" but not before a quantity,
# "pending" and "outstanding" before a work item (with one word between: "the pending schema migrations"),
# as a header ("Pending:"), or after a verb of going on ("carry on with the pending ones"); "the rest" and
# "Rest of" but not "the REST API"; "TODO" in capitals and "todo:", "todo list", "3 todos", not a file
# ("TODO.md", "docs/TODO") nor Spanish "todo".
REMAINING = re.compile(
    r"\b(?:step|phase|item|task|slice|part|stage|milestone)s?\s+(?:\d+|[ivx]+|[a-h])\b"
    rf"|\bnext\b(?!\s+{_TIME_OR_RELEASE}\b)|\bremaining\b(?!\s+{_QUANTITY}\b)|\b(?:unchecked|to-dos?)\b"
    rf"|\b(?:pending|outstanding)\s+(?:[\w-]+\s+)?{_WORK_ITEM}\b|\b(?:pending|outstanding)\s*(?::|-\s|\n|$)"
    r"|\b(?:continu\w*|proceed|go\s+on|carry\s+on|move\s+on|start|get|turn|switch|pick\s+up)\s+(?:on\s+|with\s+|to\s+|up\s+)?"
    r"(?:the\s+)?(?:pending|outstanding)\b"
    r"|(?<![/\\\w-])(?-i:TODOs?)\b(?![.\w/-])|\btodo\s*:|\btodo\s+list\b|\b\d+\s+todos\b"
    r"|\bthe\s+(?-i:rest)\b|(?:^|[.!?]\s+|\b)(?-i:[Rr]est)\s+of\b"
    r"|\b(?:still\s+to\s+do|not\s+(?:yet\s+)?(?:done|started))\b",
    _I,
)


# "I/we haven't", or a clause opening with it ("Parser done, haven't …", "… but haven't …").
_SPEAKER = r"(?:(?:^|[.;:,!?\n\u2014\u2013(]|\b(?:and|but))\s*|\b(?:i|we)\s+)"
_WORK_DONE = (  # what an agent does to a piece of work
    r"(?:done|started|implemented|wired(?:\s+up)?|written|finished|touched|ported|migrated|built|tested|hooked\s+up"
    r"|connected|converted|updated|fixed|refactored|handled|covered|integrated)"
)
_CLAUSE_WORD = r"(?:since|because|so|and|as|until|while|but|though|although|when|if)"
STILL_TO_DO = re.compile(
    r"\b(?:still|yet)\s+to\s+(?:do|come|go|be\s+done)\b|\bleft\s+to\s+(?:do|go|build|write|wire|port)\b"
    r"|\b(?:\d+|more|\w+s)\s+to\s+go\b"
    rf"|\bremaining\s+{_UNIT_OF_WORK}\b|\bnext\s+{_UNIT_OF_WORK}\b"
    r"|\b(?:the\s+)?rest\s+of\s+(?:the\s+)?(?:plan|work|steps|tasks|phases|list|checklist|migration|items)\b"
    r"|\bnext\s+(?:up|comes|is|i'll|i\s+will|i\s+need)\b|\bnext\s*:|\b(?:is|are|comes?)\s+next\b"
    r"|\bthen\s+(?:i'll|i\s+will|comes|it's)\b|\bthen\s+(?:the\s+)?\w+\s*[.,;]"
    r"|\bafter\s+that\s*,?\s*(?:comes|i'll|i\s+will|it's|is|the\s+next)\b"
    r"|\bnot\s+(?:yet\s+)?(?:done|started|implemented|wired|written|finished|touched|ported|migrated)\b"
    # "Haven't … yet" said by the speaker (I, or no subject), not of clients, users or a cache; "isn't … yet"
    # of work only (a verb of _WORK_DONE), not of a state ("the cache isn't warm yet", "Windows isn't
    # supported yet", "an index isn't needed yet"): training/break_point_review.jsonl, round 21. Its object
    # may be long when its verb is one of work, within its clause ("I haven't touched the quarantine table
    # for rejected rows yet", not "I haven't heard back from the platform team about the quota yet": a cold
    # review's legitimate stops, training/still_review.jsonl, round 23), and names no work kept off ("I
    # haven't touched anything outside the docs yet", "the billing module at all yet").
    rf"|{_SPEAKER}haven['\u2019]?t\s+(?:\w+\s+){{0,3}}(?:yet|started)\b|{_SPEAKER}have\s+not\s+(?:\w+\s+){{0,3}}yet\b"
    rf"|{_SPEAKER}(?:haven['\u2019]?t|have\s+not)\s+{_WORK_DONE}\s+(?:(?!{_CLAUSE_WORD}\b|any\w*\b|all\b)\w+\s+){{0,6}}yet\b"
    rf"|\b(?:isn['\u2019]t|aren['\u2019]t|is\s+not|are\s+not)\s+(?:yet\s+{_WORK_DONE}|(?:\w+\s+)?{_WORK_DONE}\s+yet)\b"
    r"|\b(?:remaining|open\s+items|left\s+to\s+do|todo|still\s+open|outstanding)\s*:"
    r"|\b(?:steps?|phases?|parts?|stages?)\s+(?:\d+|[ivx]+)(?:\s*(?:-|\u2013|to|and)\s*(?:\d+|[ivx]+))?"
    r"\s*(?:onwards?\b|\+|remain\b|(?:are|is)\s+(?:left|still|next|outstanding)\b)"
    r"|\bstill\s+(?:need|needs|have\s+to|has\s+to|missing|to)\b",
    _I,
)
_NEGATED = re.compile(r"\b(?:nothing|no|none|not\s+anything)\s+(?:(?!of\b)\w+\s+){0,2}$", _I)  # "none of" is none


def says_what_remains(text: str) -> bool:
    """Whether a break point's final act states work still to do: in English STILL_TO_DO, not negated ("nothing
    left to do"); in another language the speaker's own work left or next act (still_to_do)."""
    final = stopact_model.final_act(text)
    if any(not _NEGATED.search(final[: found.start()]) for found in STILL_TO_DO.finditer(final)):
        return True
    # Not in English, its language's constructions of the speaker's work left or next act (still_to_do, rounds
    # 40 and 41): read on any stop not positively English, as a short one ("Mi fermo qui. Resta da collegare
    # X.") is not positively another language either, and English has none of those constructions.
    return not stopact_model.in_english(final) and still_to_do.states_own_work_ahead(final)


def _blocker_rule(final: str) -> str:
    outside = re.search(r"\b[45]\d\d\b|down|unreachable|unavailable|offline|out of|rate|denied|blocked", final, _I)
    return "U_LEGIT_ERROR" if outside else "U_LEGIT_MISSING_INFO"
