"""Patterns that read a word typed with or without its diacritics: "für" as "fur" and "fuer", "mañana" as
"manana", "dziś" as "dzis", "görüşürüz" as "gorusuruz".

Users type to an agent in a hurry, on a keyboard of another layout or a phone with autocorrect off, and leave
the marks out. The user-turn guard's phrases (gate/user_turn.py, gate/closings.py) are written with them; a
closing typed without them ("genug fur heute", "wystarczy na dzis") was read as a request for work, and the
agent's answer that names what is left then blocked (a false block). Rewriting the pattern, not the text,
keeps every offset in the user's own text and leaves the marked spelling matching only itself: "dừng"
(stop) also reads "dung", but not "dùng" (use).

A letter's unmarked forms are its base letter (Unicode decomposition, Latin and Greek letters, and "ё"), the
letters that have none ("ł", "đ", Turkish dotless i, "ø"), and the spellings a keyboard without them
teaches ("ue" for "ü", "ss" for "ß", "ae" for "æ"). In a character class only one-letter forms are added,
and in a lookbehind too (its branches must be as long as each other).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Final

# The letters no decomposition gives a base to, and the spellings of a keyboard without them.
_SPELLED: Final = {
    "ł": ("l",), "Ł": ("L",), "đ": ("d",), "Đ": ("D",), "ı": ("i",),  # noqa: RUF001
    "ø": ("o", "oe"), "Ø": ("O", "Oe"), "ß": ("ss",), "æ": ("ae",), "Æ": ("Ae",), "œ": ("oe",), "Œ": ("Oe",),
    "ä": ("ae",), "ö": ("oe",), "ü": ("ue",), "Ä": ("Ae",), "Ö": ("Oe",), "Ü": ("Ue",), "å": ("aa",), "Å": ("Aa",),
}  # fmt: skip


@cache
def unmarked(letter: str) -> tuple[str, ...]:
    """The forms `letter` takes when typed without its diacritics, shortest first; () when it has none."""
    forms: list[str] = []
    name = unicodedata.name(letter, "")
    if name.startswith(("LATIN ", "GREEK ")) or letter in "ёЁ":
        base = "".join(c for c in unicodedata.normalize("NFD", letter) if not unicodedata.combining(c))
        if base != letter and len(base) == 1:
            forms.append(base)
    forms += [form for form in _SPELLED.get(letter, ()) if form not in forms]
    return tuple(forms)


def optional(pattern: str) -> str:
    """`pattern` (a regular expression) matching each of its letters typed with or without diacritics."""
    out: list[str] = []
    groups: list[bool] = []  # for each open group, whether it is a lookbehind
    in_class = negated = False
    added: list[str] = []  # one-letter forms to add to the character class being read (not to "[^…]")
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                out.append("".join(dict.fromkeys(added)) + "]")
                in_class, added = False, []
            else:
                ranged = pattern[i - 1 : i] == "-" or pattern[i + 1 : i + 2] == "-"
                added += [] if ranged or negated else [form for form in unmarked(char) if len(form) == 1]
                out.append(char)
            i += 1
            continue
        if char == "[":
            in_class, negated = True, pattern[i + 1 : i + 2] == "^"
            start = i + 2 if negated else i + 1
            end = start + 1 if pattern[start : start + 1] == "]" else start  # "[]…]": the first "]" is a letter
            out.append(pattern[i:end])
            i = end
            continue
        if char == "(":
            groups.append(pattern.startswith(("(?<=", "(?<!"), i))
        elif char == ")" and groups:
            groups.pop()
        forms = unmarked(char)
        if any(groups):
            forms = tuple(form for form in forms if len(form) == 1)
        out.append(f"(?:{'|'.join((char, *forms))})" if forms else char)
        i += 1
    return "".join(out)


def pattern(source: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """`re.compile` of `optional(source)`."""
    return re.compile(optional(source), flags)
