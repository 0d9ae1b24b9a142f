"""What the user's last turn asks of the agent: work, only information, or to stop (docs/stop-acts.md).

A stop is early only against work the user wants done. When the user's last turn asked the agent to stop,
pause, wait or do only part of the work (`stop`), or asked only for information — a question, an
explanation, a diagnosis, a review, a report (`info`) — the turn that ends is what they asked for, whatever
work it names. Everything else is `work`, the default: the plan goes on.

The turn is read by its structure, not by whole phrases: sentences whose verb is one of stopping
(`_STOP_VERB`) or of closing the session (`_CLOSING`); a limit on the work's scope ("only …", "just … for
now", "don't start … yet"); a question, or a request whose verb is one of telling and inspecting
(`_INFO_VERB`: explain, check, investigate, summarise …) rather than one of changing (`_CHANGE_VERB`: fix,
add, migrate …); and negation, which turns a change verb ("don't fix it yet", "before fixing anything")
and a stop verb ("don't stop until …") off. The verb classes are closed classes of meaning, in English
and, for the commonest, in the other languages agents are used in; they were written from the taxonomy
and developed on `training/user_turns.jsonl`, never on the frozen sets under tests/data.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Kind = Literal["work", "info", "stop"]

_I = re.IGNORECASE
_MAX_CHARS: Final = 4000  # a user's turn with a pasted log: the request is at its start or its end
# Words that negate a verb close after them ("don't fix it", "no need to stop", "before fixing anything").
_NEGATOR: Final = (
    r"(?:don'?t|do\s+not|dont|does\s+not|not|no(?:\s+need\s+to)?|never|without|before|instead\s+of|rather\s+than"
    r"|nicht|nichts|kein\w*|noch\s+nicht|no\s+\w+|não|ne|pas|non|sin|sem|ещё\s+не|не|别|不要|先别|まだ"
    # ... or make it the user's own work, not a request: "I'll remove them myself".
    r"|i'?ll|i\s+will|i'?m\s+going\s+to|let\s+me)"
)
_NEGATED_BEFORE = re.compile(_NEGATOR + r"(?:\s+\S+){0,3}\s*$", _I)

# Verbs of stopping, as an instruction: stop, pause, halt, wait, hold off, quit, park; and their kin.
_STOP_VERB = re.compile(
    r"\b(?:stop|pause|halt|quit|freeze|park)\b|\bhold\s+(?:on|off|up)\b|\bwait\b(?!\s*,)"
    r"|\b(?:parar|pare|parad|detente|detenerte|deténgase|arr[êe]te[sz]?|arr[êe]ter|fermati|fermarti|ferma"
    r"|aufhören|h[öo]r\w*\s+(?:\w+\s+)?auf|stopp|wacht|остановись|остановиться|стоп|хватит|poczekaj|zatrzymaj)\b"
    r"|止め|やめ|停下|停止|别继续|不要继续|先做到|到此为止",
    _I,
)
# Closing the session or the work for now.
_CLOSING = re.compile(
    r"\bcall\s+it\s+(?:a\s+day|a\s+night|here|there|quits)\b|\bwrap\s+(?:it\s+)?up\b|\bleave\s+(?:it|the\s+rest|that)\b"
    r"|\blet'?s\s+leave\b|\bthat'?s\s+(?:it|all|enough)\b|^\s*enough\b|\benough\s+for\s+(?:now|today)\b"
    r"|\bdone\s+for\s+(?:now|today|the\s+day)\b|\bno\s+more\s+(?:changes|work|edits)\b|\bcode\s+freeze\b"
    r"|\b(?:you\s+can|feel\s+free\s+to)\s+stop\b|\bi'?ll\s+take\s+it\s+from\s+here\b|\blet'?s\s+not\b"
    r"|\bpor\s+hoy\b|\bpor\s+hoje\b|\bfür\s+heute\b|\bpour\s+aujourd'?hui\b|\bper\s+oggi\b|\breicht\b|\bliegen\b",
    _I,
)
# A limit on the work's scope: only part of it now, or not past a point.
_SCOPE = re.compile(
    r"\b(?:only|just|solo|nur|seulement|apenas|soltanto|только)\b[^.?!\n]{0,80}?"
    r"\b(?:for\s+now|first|for\s+today|nothing\s+else|then|por\s+ahora|por\s+agora|erstmal|pour\s+l'?instant)\b"
    r"|\bnothing\s+else\b|\bonly\s*(?:[.!]|$)|\bno\s+\w+\s+yet\b|\bcheck\s+(?:in|back)\s+with\s+me\b|\bping\s+me\b"
    r"|\b(?:don'?t|do\s+not)\s+(?!stop|pause|quit|halt|wait)\w+[^.?!\n]{0,60}?"
    r"\b(?:yet|until|till|for\s+now|anything\s+else|further|beyond|past)\b"
    r"|\b(?:up\s+to|until|till|through)\s+(?:step|phase|part|task)\s+\d+|\bpara\s+(?:aquí|aqui|ahí|ahi)\b",
    _I,
)
# Verbs of telling and inspecting: the user wants to know, not to have something changed.
_INFO_VERB = (
    r"(?:explain|describe|summari[sz]e|tell|show|list|walk\s+me\s+through|compare|review|audit|diagnose|investigate"
    r"|find\s+out|find\s+where|figure\s+out|look\s+(?:into|over|at|through)|check|double-check|verify|read"
    r"|report|outline|estimate|assess|evaluate|analy[sz]e|profile|dig|give\s+me|recap|remind\s+me"
    r"|make\s+(?:me\s+)?a\s+list"
    r"|explica\w*|expliq\w*|erklär\w*|spiega\w*|dime|dimmi|dizer|me\s+dizer|dis-moi|sag\w*\s+mir|zeig\w*|объясни\w*"
    r"|расскажи|покажи|uitleggen|uitleg\w*|überprüf\w*|prüf\w*|controlla\w*|vérifie\w*|verifica\w*|mir\s+\w+)"
)
_INFO_VERB_CJK = r"教えて|説明|告诉我|解释|看看|检查|確認|설명|알려"
_INFO_REQUEST = re.compile(
    r"(?:^|[.!?\n;:,]\s*|\b(?:please|pls|ok(?:ay)?|so|now|first|hmm|quick(?:ly)?|and|then|bitte|por\s+favor)\s+)"
    + _INFO_VERB
    + r"\b|\b(?:tl;?dr|status\s+report|rundown|overview)\b|"
    + _INFO_VERB_CJK,
    _I,
)
# A request put as a question or a suggestion, in English and the commonest other languages: the verb that
# follows decides whether it asks for work ("can you migrate …?") or to be told something ("can you explain …?").
_MODAL = re.compile(
    r"\b(?:(?:can|could|would|will)\s+you|you\s+(?:could|can)(?:\s+also)?|(?:would\s+you\s+)?mind"
    r"|why\s+don'?t\s+you|how\s+about(?:\s+you)?"
    r"|kannst\s+du|könntest\s+du|können\s+sie|puedes|podrías|podria|peux-tu|pourrais-tu"
    r"|pouvez-vous|potresti|puoi|você\s+pode|pode|kun\s+je|можешь|можете|могли\s+бы)\b",
    _I,
)
_MODAL_INFO = re.compile(r"^(?:\s+(?:please|also|just|quickly|bitte|me|mir|por\s+favor))*\s+" + _INFO_VERB + r"\b", _I)
_NOT_A_REQUEST = re.compile(r"^\s+(?:think|know|believe|like|want|see|mean)\b", _I)  # "why don't you think …?"
# A question: a sentence that ends in a question mark, or opens with a question word.
_QUESTION = re.compile(
    r"[?\uff1f]|^(?:so|and|hmm|wait|ok|quick\s+question)?[,\s\u2014-]*"
    r"(?:what|what'?s|whats|why|how|which|where|when|who|any\s+idea)\b",
    _I,
)
# Verbs of changing the code or the project, as a request uses them (the base form, or a gerund after
# "keep", "start", "continue"): "tell me which files you touched" asks for nothing to be changed.
_CHANGE_VERB = re.compile(
    r"\b(?:fix|implement|add|write|build|create|change|update|refactor|migrate|convert|rename|move|remove|delete"
    r"|replace|upgrade|bump|patch|optimi[sz]e|rewrite|wire|hook|install|deploy|push|commit|merge|apply|finish"
    r"|complete|continue|revert|roll|handle|port|clean|split|extract|edit|modify|touch|start|proceed|go\s+ahead"
    r"|keep\s+going|carry\s+on|resume|resolve|tackle|sort\s+out)(?:ing)?\b",
    _I,
)
_JOINED = re.compile(r"(?:\band|\bthen|\balso|&|,)\s+(?:please\s+|just\s+)?$", _I)
_SENTENCE = re.compile(r"(?<=[.!?\uff1f\u3002])\s+|\n+")


def kind(text: str) -> Kind:
    """What the user's turn asks for: `stop`, `info` or `work` (the default)."""
    turn = text[:_MAX_CHARS].replace("\u2019", "'")
    if _asks_to_stop(turn):
        return "stop"
    sentences = [s.strip() for s in _SENTENCE.split(turn) if s.strip()]
    wants = [_wants(sentence) for sentence in sentences]
    if "work" in wants:
        return "work"
    return "info" if "info" in wants else "work"


def _asks_to_stop(turn: str) -> bool:
    """Whether the turn tells the agent to stop, pause or wait, closes the session, or limits the work."""
    if _CLOSING.search(turn) or _SCOPE.search(turn):
        return True
    return any(not _negated(turn, match.start()) for match in _STOP_VERB.finditer(turn))


def _wants(sentence: str) -> Kind | None:
    """What one sentence asks for: work (a request to change something), info (a question or a request to be
    told), or None (it asks nothing: context, a pasted log)."""
    modals = list(_MODAL.finditer(sentence))
    after = [sentence[m.end() :] for m in modals]
    if any(not (_MODAL_INFO.match(rest) or _NOT_A_REQUEST.match(rest)) for rest in after):
        return "work"
    if not modals and _QUESTION.search(sentence):
        return "info"  # a question's verbs describe ("did you update …?"), they ask for nothing
    changes = [m for m in _CHANGE_VERB.finditer(sentence) if not _negated(sentence, m.start())]
    told = _INFO_REQUEST.search(sentence)
    if modals or told:
        # A request to be told: its change verbs describe what to look at ("verify that the fix holds"),
        # unless a request for work comes first ("fix it and tell me why") or joins it ("look … and fix it").
        first = min([m.start() for m in modals] + ([told.start()] if told else []))
        joined = any(m.start() < first or _JOINED.search(sentence, 0, m.start()) for m in changes)
        return "work" if joined else "info"
    return "work" if changes else None


def _negated(turn: str, at: int) -> bool:
    """Whether a negator governs the word at `at`: within three words before it, in its clause."""
    clause_start = max(turn.rfind(mark, 0, at) for mark in ".,;:!?\n()")
    return _NEGATED_BEFORE.search(turn[clause_start + 1 : at]) is not None
