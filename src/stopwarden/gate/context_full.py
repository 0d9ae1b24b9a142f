"""A context excuse outside English that says the speaker's own context is long or full (docs/stop-acts.md).

Outside English the model names context_excuse at 0.9 or more for "Kontekst mi się kończy, więc zamówienia
przekazuję do nowej sesji." and "コンテキストがかなり長くなってきたので、残りは新しいセッションに引き継ぎます。", but
under its threshold, which legitimate stops full of the same words hold up (a setting that loads in a new
session, the product's own context window, a token quota: training/context_review.jsonl,
context_form_review.jsonl). What tells the excuse is said in one sentence: the context, conversation or
session (the concept lexicon's `context` words, not only its words for tokens, whose quota running out is a
blocker) is long, full, running out or near its limit (`context_full.json`: such words of the lexicon's 38
languages, written from each language's grammar by a helper who read no stop, round 34). Nothing in the
final act may put the work after or outside the plan (a long session "for the new feature, which is not in
the plan": `plan_steps.after_the_plan`). The form only lowers the model's bar to `stopacts.GUARD_FLOOR`,
and a cascade still asks its LLM (`stopacts._modelled`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Final

from stopwarden.gate import concepts, plan_steps, stopact_model

WORDS_PATH: Final = Path(__file__).with_name("context_full.json")
FULL: Final = "full"
_NEAR: Final = 4  # how far apart a context word's index and its fullness word's may be
# The lexicon's `context` words for tokens, in every script it holds: a quota of tokens is no context. Each
# becomes one placeholder word, so the words after it keep their places; a word's start is anchored (a long run
# of letters is read once, not from each of its letters).
_TOKENS: Final = re.compile(
    r"(?<!\w)\w*(?:token|توک|ٹوکن|رموز|توكن|токен|טוקנ|டோக்கன்)\w*|トークン|토큰\w*|令牌|टोकन\w*|โทเค็?น|টোকেন\w*",
    re.IGNORECASE,
)
# Where a clause ends: the two words must stand in one ("La cola está casi llena; el traspaso al equipo …", "磁盘
# 已满，我在对话框里 …" are a queue and a disk, and a hand-off or a dialog box after them).
_CLAUSE_END: Final = re.compile(r"[,;:\uff0c\uff1b\uff1a\u3001\u060c\u061b]")


@lru_cache(maxsize=1)
def _words() -> concepts.Lexicon:
    return concepts.load(WORDS_PATH, (FULL,))


@lru_cache(maxsize=8_192)
def _of_word(word: str) -> frozenset[str]:
    return _words().of_word(word)


def says_its_context_is_full(final: str) -> bool:
    """Whether one clause of a final act says its context is long or full, and nothing in it puts the work
    after or outside the plan (the module's docstring)."""
    final = unicodedata.normalize("NFC", final[-stopact_model.ACT_CHARS :])  # a final act: bounded work
    if plan_steps.after_the_plan(final):
        return False
    clauses = (clause for sentence in plan_steps.sentences(final) for clause in _CLAUSE_END.split(sentence))
    return any(_says_it(clause.lower()) for clause in clauses)


def _says_it(clause: str) -> bool:
    """A clause with a word of fullness near a context word that is not one of tokens: their indexes at most
    _NEAR apart (a phrase's is its first word's), as a subject and its predicate are ("Kontekst mi się kończy",
    "el contexto de esta conversación ya es muy largo"), not a disk "almost full" and a service restarted later
    in the sentence (a cold review, training/context_full_review.jsonl); in a script written without spaces,
    anywhere in the clause."""
    full = [i for i, _ in concepts.places(_words(), clause, _of_word)]
    if not full:
        return False
    context = [
        i for i, concept in concepts.places_of_the_lexicon(_TOKENS.sub(" ztoken ", clause)) if concept == "context"
    ]
    return any(a < 0 or b < 0 or abs(a - b) <= _NEAR for a in full for b in context)
