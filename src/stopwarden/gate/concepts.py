"""Closed-class words of many languages mapped onto shared concepts: what comes next, what remains, ...

The stop-act model learns mostly from English. A stop in Ukrainian that says what is next in the plan
shares no n-gram with "Next in the plan: the indexes", so the model would score it from the little
Ukrainian the corpus holds. Each language's words for *next*, *remaining*, *I'll*, *done* or *you* become
one feature per concept (`stopact_model.features`), so what the model learns of a concept in English
carries over to every language of the lexicon, those the corpus lacks included.

The lexicon (`concepts.json`, shipped with the package) holds closed-class words and short function
phrases, never a domain word; it was written from each language's grammar by helpers who read only
docs/stop-acts.md, not any stop set (training/README.md, round 13). An entry matches whole words; a
trailing `*` lets its last word go on (a stem: `continu*`); in scripts written without spaces (Chinese,
Japanese, Thai) it matches anywhere, and a Korean entry matches the start of a word (particles follow).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Final

# next: later work in sequence ("then", "after that"); remain: work not done ("still to do", "not yet");
# future: the speaker's own intent ("I'll", "let me"); continue: moving on ("proceed", "start on"); stop:
# ending or pausing ("pause", "for now"); context: the agent's session ("context window", "fresh chat");
# done: a claim of completion; user: the user addressed ("you"); ask: leave or a preference asked ("shall I",
# "do you want").
CONCEPTS: Final = ("next", "remain", "future", "continue", "stop", "context", "done", "user", "ask")
LEXICON_PATH: Final = Path(__file__).with_name("concepts.json")
_MIN_STEM: Final = 3  # the shortest start a starred entry may be, in letters (a Hangul syllable is two)

# The combining marks of the scripts the lexicon holds (Devanagari vowel signs, Thai vowels, Arabic and
# Hebrew points, ...) are no `\w` to Python: without them a Hindi word would break at every vowel sign.
# The danda (U+0964, U+0965) ends a sentence, so it is left out; so are Hebrew's punctuation marks in that
# block (the maqaf joins words as a hyphen does, the paseq and sof pasuq separate them).
_MARKS: Final = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f"
    "\u0670\u06d6-\u06ed"
    "\u0900-\u0963\u0966-\u0dff\u0e31-\u0e4e"
)
_TOKEN: Final = re.compile(rf"[\w{_MARKS}]+(?:'[\w{_MARKS}]+)*")
# Written without spaces between words: an entry is found anywhere in the text.
_UNSPACED: Final = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u0e00-\u0e7f]")
_HANGUL: Final = re.compile(r"[\uac00-\ud7a3]")
# Vowel points of Hebrew and Arabic and the Arabic tatweel (optional in writing: entries are stored without) and
# the ways an apostrophe is typed; a Turkish capital İ lower-cases to i and a combining dot.
_POINTS: Final = re.compile("[\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0640\u064b-\u065f\u0670]|(?<=i)\u0307")
_APOSTROPHES: Final = str.maketrans("\u2018\u2019\u02bc`\u00b4", "'" * 5)
# Between two words of a phrase: spaces, or one hyphen (Hebrew's maqaf included) or (non-)joiner (Persian)
# with no space around it; a mark that ends a clause, a line break or a spaced dash (" - " as "—") breaks it.
_IN_CLAUSE: Final = re.compile(r"[ \t\u00a0]+|[\-\u05be\u200c\u200d\u2010\u2011]?")
_LONGEST_WORD: Final = 40  # no entry's word is longer: a longer token is cut here and the cache stays small


@dataclass
class Lexicon:
    """The entries of concepts.json, indexed for one pass over a text's words."""

    words: dict[str, set[str]] = field(default_factory=dict)  # a whole word -> its concepts
    stems: dict[str, set[str]] = field(default_factory=dict)  # a word's start -> its concepts
    phrases: dict[str, list[tuple[tuple[str, ...], bool, str]]] = field(default_factory=dict)  # first word ->
    # (the words after it, whether the last one is a stem, the concept)
    anywhere: list[tuple[str, str]] = field(default_factory=list)  # (entry, concept) found as a substring
    longest_stem: int = 0

    def add(self, entry: str, concept: str) -> None:
        """Index one entry; one that could never match as meant (no word, a stem too short to say anything,
        a one-syllable Korean word) is an error, not an entry silently lost."""
        starred = entry.endswith("*")
        text = normal(entry.rstrip("*").strip().lower())
        if _UNSPACED.search(text):
            self.anywhere.append((text, concept))
            return
        hangul = bool(_HANGUL.search(text))
        starred = starred or hangul
        parts = tuple(_TOKEN.findall(text))
        if not parts or (starred and len(parts[-1]) < (2 if hangul else _MIN_STEM)):
            raise ValueError(f"{entry!r}: no word, or a stem shorter than {2 if hangul else _MIN_STEM}")
        if len(parts) > 1:
            self.phrases.setdefault(parts[0], []).append((parts[1:], starred, concept))
        else:
            (self.stems if starred else self.words).setdefault(parts[0], set()).add(concept)
            if starred:
                self.longest_stem = max(self.longest_stem, len(parts[0]))

    def of_word(self, word: str) -> frozenset[str]:
        """The concepts one word carries, by itself or by its start. A start longer than the longest stem is
        never looked up, so a 16 KB token costs what a word does."""
        found = set(self.words.get(word, ()))
        for end in range(2, min(len(word), self.longest_stem) + 1):
            found.update(self.stems.get(word[:end], ()))
        return frozenset(found)


def load(path: Path = LEXICON_PATH, concepts: tuple[str, ...] = CONCEPTS) -> Lexicon:
    """The lexicon of `path`: `{language: {concept: [entry, ...]}}`; a concept not in `concepts` is an error."""
    lexicon = Lexicon()
    for language, table in json.loads(path.read_text(encoding="utf-8")).items():
        for concept, entries in table.items():
            if concept not in concepts:
                raise ValueError(f"{path.name}: {language}: unknown concept {concept!r}")
            for entry in entries:
                try:
                    lexicon.add(entry, concept)
                except ValueError as e:
                    raise ValueError(f"{path.name}: {language}: {concept}: {e}") from None
    return lexicon


_lexicon: Lexicon | None = None


def _loaded() -> Lexicon:
    global _lexicon
    if _lexicon is None:
        _lexicon = load()
    return _lexicon


@lru_cache(maxsize=32_768)
def _of_word(word: str) -> frozenset[str]:
    """The lexicon's concepts of one word, cached: stops share their words."""
    return _loaded().of_word(word)


@lru_cache(maxsize=4)
def _other_languages(english: frozenset[str]) -> tuple[frozenset[str], tuple[str, ...]]:
    """The single words (4 letters or more) and stems (5 or more) of the lexicon's languages other than English
    that no English entry, stem or word of `english` is, starts or is started by: "sigo", "weitermach*",
    "volgend*", never a loanword ("session", "chat", "stop", "paus*"). Some are English words all the same
    ("discussion", "sedan"): one alone is no evidence (`stopact_model.in_other_language`)."""
    table = json.loads(LEXICON_PATH.read_text(encoding="utf-8"))
    english_entries = [entry for entries in table.pop("en").values() for entry in entries]
    own = {normal(entry.rstrip("*").strip().lower()) for entry in english_entries} | english
    own_stems = tuple(normal(entry.rstrip("*").lower()) for entry in english_entries if entry.endswith("*"))
    words: set[str] = set()
    stems: set[str] = set()
    for entry in (entry for concepts in table.values() for entries in concepts.values() for entry in entries):
        starred, text = entry.endswith("*"), normal(entry.rstrip("*").strip().lower())
        if " " in text or len(text) < (5 if starred else 4) or text in own or text.startswith(own_stems):
            continue
        if not starred:
            words.add(text)
        elif not any(word.startswith(text) for word in (*own, *own_stems)):  # an English word would match it
            stems.add(text)
    return frozenset(words), tuple(sorted(stems))


def other_language_words(text: str, english: frozenset[str]) -> int:
    """How many different words only the lexicon's other languages have (`_other_languages`) `text` holds:
    evidence that a stop is not in English, where its few English function words only fail to show it is."""
    words, stems = _other_languages(english)
    return len({token for token in _TOKEN.findall(normal(text.lower())) if token in words or token.startswith(stems)})


def normal(text: str) -> str:
    """`text` as entries are stored: composed (NFC), without vowel points, with one apostrophe."""
    return _POINTS.sub("", unicodedata.normalize("NFC", text).translate(_APOSTROPHES))


def found(text: str) -> frozenset[str]:
    """The concepts whose entries occur in `text` (lower case, as stopact_model.features has it); a phrase
    counts only within a clause ("next. I'll" is not "next i'll")."""
    return found_in(_loaded(), text, _of_word)


def places_of_the_lexicon(text: str) -> list[tuple[int, str]]:
    """`places` of the lexicon's own entries in `text` (lower case)."""
    return places(_loaded(), text, _of_word)


def found_in(lexicon: Lexicon, text: str, of_word: Callable[[str], frozenset[str]] | None = None) -> frozenset[str]:
    """The concepts of `lexicon` whose entries occur in `text` (lower case), as `found` reads the lexicon's;
    `of_word` is the lexicon's word lookup, cached by the caller (else `Lexicon.of_word`)."""
    return frozenset(concept for _, concept in places(lexicon, text, of_word))


def places(
    lexicon: Lexicon, text: str, of_word: Callable[[str], frozenset[str]] | None = None
) -> list[tuple[int, str]]:
    """Where in `text` (lower case) `lexicon`'s entries occur: (the index of the word an entry starts at, its
    concept); an entry of a script written without spaces, found anywhere, has the index -1."""
    of_word = of_word or lexicon.of_word
    out: list[tuple[int, str]] = []
    text = normal(text)
    spans = list(_TOKEN.finditer(text))
    tokens = [span[0][:_LONGEST_WORD] for span in spans]
    for i, token in enumerate(tokens):
        out.extend((i, concept) for concept in of_word(token))
        for rest, starred, concept in lexicon.phrases.get(token, ()):
            after = tokens[i + 1 : i + 1 + len(rest)]
            if len(after) == len(rest) and after[:-1] == list(rest[:-1]):
                last, wanted = after[-1], rest[-1]
                matched = last == wanted or (starred and last.startswith(wanted))
                if matched and _in_one_clause(text, spans[i : i + 1 + len(rest)]):
                    out.append((i, concept))
    if _UNSPACED.search(text):
        out.extend((-1, concept) for entry, concept in lexicon.anywhere if entry in text)
    return out


def _in_one_clause(text: str, spans: list[re.Match[str]]) -> bool:
    """Whether nothing but spaces, a hyphen or a joiner stands between these words (asked only once a
    phrase's words have matched: most stops hold none of the lexicon's phrases)."""
    return all(_IN_CLAUSE.fullmatch(text, a.end(), b.start()) is not None for a, b in pairwise(spans))


def feature_names(act: str, last: str) -> list[str]:
    """The concept features of a final act and of its last sentence: each concept present, and the set of
    those in the last sentence as one feature ("next" with "future" announces, "next" with "user" instructs)."""
    in_act, in_last = found(act), found(last)
    return [
        *(f"c:{concept}" for concept in sorted(in_act)),
        *(f"cl:{concept}" for concept in sorted(in_last)),
        "cl+:" + "+".join(sorted(in_last)),
    ]
