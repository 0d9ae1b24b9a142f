"""gate/diacritics.py: a pattern reads its words typed with or without their diacritics, and nothing else."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.gate import diacritics

MARKED = (
    "áàâäãåąçćčďđéèêëěęğíìîïıłľńňñóòôöõőøřśšşșťţțúùûüůűýÿźżžßæœăơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹάέήίόύώё"
)
LETTERS = MARKED + "abcdefghijklmnopqrstuvwxyz"


def _plain(word: str, letters: int = 2) -> str:
    """The word as a keyboard without its marks types it: each letter's first unmarked form of at most
    `letters` letters (a lookbehind and a character class know the one-letter forms only)."""
    return "".join(next((f for f in diacritics.unmarked(c) if len(f) <= letters), c) for c in word)


@pytest.mark.parametrize(
    ("source", "typed", "reads"),
    [
        ("für heute", "fur heute", True),
        ("für heute", "fuer heute", True),
        ("für heute", "für heute", True),
        ("schluss für", "schluß für", False),  # a pattern's "ss" stays "ss"; only its marked letters gain forms
        ("straße", "strasse", True),
        ("na dzi(?:ś|siaj)", "na dzis", True),
        ("na dzi(?:ś|siaj)", "na dzisiaj", True),
        ("kv[äe]ll", "kvall", True),
        ("kv[äe]ll", "kvaell", False),  # a class holds one letter: "ae" is no form of it
        ("görüşürüz", "gorusuruz", True),
        ("hôm nay", "hom nay", True),
        ("łódź", "lodz", True),
        ("đây", "day", True),
        ("dừng", "dùng", False),  # another mark is another word (stop, use): only the marked or the bare one
        ("até amanhã", "ate amanha", True),
        ("ещё", "еще", True),
        ("σήμερα", "σημερα", True),
        ("[^ü]x", "ux", True),  # a negated class is left as it is
        ("(?<!điểm\\s)dừng", "diem dung", False),  # a lookbehind gains one-letter forms only, and keeps its width
        ("(?<!nü\\s)x", "nu x", False),
    ],
)
def test_a_pattern_reads_its_words_without_their_marks(source: str, typed: str, reads: bool) -> None:
    assert (diacritics.pattern(source, re.IGNORECASE).search(typed) is not None) is reads


def test_escapes_and_ascii_are_left_as_written() -> None:
    """An escaped letter keeps its marks (a word whose bare form is another word spells it so), and a pattern of
    ASCII letters is unchanged."""
    assert diacritics.optional(r"d\u1eebng") == r"d\u1eebng"
    source = r"(?:^|\s)(?P<lead>stop|pause)\b[^.?!]{0,40}(?<!\bno\s)\w+"
    assert diacritics.optional(source) == source
    assert diacritics.optional(r"[à-ÿ]") == r"[à-ÿ]"  # a range's ends gain nothing


@given(st.lists(st.text(alphabet=LETTERS, min_size=1, max_size=12), min_size=1, max_size=4))
def test_every_word_reads_marked_and_bare(words: list[str]) -> None:
    """Whatever its letters: the pattern compiles, reads the words as written and as typed without marks, also
    inside a lookbehind and a character class."""
    source = "|".join(map(re.escape, words))
    compiled = diacritics.pattern(rf"(?:{source})\Z")
    for word in words:
        assert compiled.match(word)
        assert compiled.match(_plain(word))
        assert compiled.match(unicodedata.normalize("NFC", word))
    behind = diacritics.pattern(rf"(?<!{re.escape(words[0])} )x")  # compiles: the lookbehind keeps a fixed width
    typed = f"{_plain(words[0], 1)} x"
    assert behind.search(typed, len(typed) - 1) is None
    cls = diacritics.pattern(f"[{''.join(words)}]")
    assert all(cls.fullmatch(c) for c in _plain("".join(words), 1))


def test_unmarked_forms() -> None:
    assert diacritics.unmarked("ü") == ("u", "ue")
    assert diacritics.unmarked("ß") == ("ss",)
    assert diacritics.unmarked("ł") == ("l",)
    assert diacritics.unmarked("ø") == ("o", "oe")  # no decomposition: spelled out (a cold review found it lost)
    assert diacritics.unmarked("å") == ("a", "aa") and diacritics.unmarked("Å") == ("A", "Aa")
    assert diacritics.unmarked("a") == ()
    assert diacritics.unmarked("й") == ()  # a letter of its own on a Russian keyboard, not и with a mark
    assert diacritics.unmarked("が") == ()
