"""The concept lexicon: closed-class words of many languages as shared features of the stop-act model."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.gate import concepts, stopact_model

TABLE = json.loads(concepts.LEXICON_PATH.read_text(encoding="utf-8"))  # the shipped lexicon, read once


@pytest.fixture
def lexicon(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[concepts.Lexicon]:
    path = tmp_path / "concepts.json"
    table = {
        "en": {"next": ["next", "after that"], "remain": ["still to do", "remain*"], "user": ["you"]},
        "uk": {"next": ["наступн*"]},
        "zh": {"next": ["接下来"]},
        "ko": {"next": ["다음"]},
        "hi": {"remain": ["बाकी"]},
    }
    path.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
    loaded = concepts.load(path)
    monkeypatch.setattr(concepts, "_lexicon", loaded)
    concepts._of_word.cache_clear()
    yield loaded
    concepts._of_word.cache_clear()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("next i'll wire the parser.", {"next"}),
        ("the nextjs build passes.", set()),  # a whole word, not a start
        ("after that the cli.", {"next"}),
        ("after the cli.", set()),  # a phrase needs all its words in order
        ("what remains is the migration.", {"remain"}),  # a stem
        ("the rem key is mapped.", set()),
        ("the docs are still to do, if you want.", {"remain", "user"}),
        ("наступний крок — індекси.", {"next"}),
        ("已经拆好了。接下来要改的是 paymentservice。", {"next"}),  # no spaces: anywhere
        ("다음으로 회원가입 화면을 고치겠습니다.", {"next"}),  # a Korean word with its particle
        ("अभी दो टेस्ट बाकी हैं।", {"remain"}),  # vowel signs are part of the word
    ],
)
def test_found(lexicon: concepts.Lexicon, text: str, expected: set[str]) -> None:
    assert concepts.found(text) == expected


def test_an_unknown_concept_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "concepts.json"
    path.write_text(json.dumps({"en": {"later": ["later"]}}), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown concept 'later'"):
        concepts.load(path)


@pytest.mark.parametrize("entry", ["ne*", "\ub2e4", "\uc544\uc9c1 \uc548", "*", ""])
def test_an_entry_that_could_never_match_as_meant_is_refused(tmp_path: Path, entry: str) -> None:
    path = tmp_path / "concepts.json"
    path.write_text(json.dumps({"xx": {"next": ["then", entry]}}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"concepts\.json: xx: next: "):
        concepts.load(path)


@pytest.mark.parametrize("language", sorted(TABLE))
def test_every_shipped_entry_finds_itself(language: str) -> None:
    # As an agent would write it, in a sentence: an entry the tokenizer splits otherwise would never match.
    for concept, entries in TABLE[language].items():
        for entry in entries:
            word = entry.rstrip("*") + ("x" if entry.endswith("*") and entry[-2].isascii() else "")
            assert concept in concepts.found(f"ok. {word} ok"), (language, concept, entry)


def test_feature_names_mark_the_last_sentence_and_its_set(lexicon: concepts.Lexicon) -> None:
    names = concepts.feature_names("all green. next, you can run it.", "next, you can run it.")
    assert names == ["c:next", "c:user", "cl:next", "cl:user", "cl+:next+user"]
    assert concepts.feature_names("all green.", "all green.") == ["cl+:"]


def test_the_shipped_lexicon_has_every_concept_in_every_language() -> None:
    assert len(TABLE) >= 30
    for language, by_concept in TABLE.items():
        assert set(by_concept) == set(concepts.CONCEPTS), language
        for entries in by_concept.values():
            assert entries and all(e == e.lower() and e.strip() == e and e for e in entries), language
    loaded = concepts.load()
    assert loaded.words and loaded.stems and loaded.phrases and loaded.anywhere


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Next I'll wire the parser into the CLI.", "next"),
        ("Remaining: the migration and its tests.", "remain"),
        ("Дальше займусь переносом секретов.", "next"),
        ("Il reste à gérer l'invalidation du cache.", "remain"),
        ("次はログイン画面を直します。", "next"),
    ],
)
def test_the_shipped_lexicon_reads_next_and_remaining_work(text: str, concept: str) -> None:
    concepts._of_word.cache_clear()
    assert concept in concepts.found(stopact_model.without_code(text.lower()))


@given(st.text(max_size=400))
def test_found_takes_any_text(text: str) -> None:
    assert concepts.found(text.lower()) <= set(concepts.CONCEPTS)


def test_found_is_linear_in_a_long_token() -> None:
    # A stem is tried at every start of a word up to the longest stem, not at every start of a 16 KB token.
    for token in ("a" * 16_384, "\ub2e4" * 16_384, "\u0915\u093e" * 8_192):
        began = time.perf_counter()
        concepts.found(token)
        assert time.perf_counter() - began < 0.02


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("after. that cli.", set()),  # a full stop between a phrase's words breaks it
        ("after\nthat", set()),  # so does a line break
        ("after  that, the cli.", {"next"}),
        ("still-to-do", {"remain"}),  # a hyphen does not
        ("after - that", set()),  # a spaced dash does, as "—" does
    ],
)
def test_a_phrase_stays_within_a_clause(lexicon: concepts.Lexicon, text: str, expected: set[str]) -> None:
    assert concepts.found(text) == expected


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("Apre\u0300s c\u0327a, le cache.", "next"),  # decomposed (NFD) letters in the entry's words
        ("\u0130leride bakar\u0131m.", "next"),  # Turkish: a capital dotted I lower-cases to i and a dot
        ("\u05d0\u05b7\u05d7\u05b7\u05e8 \u05db\u05b8\u05bc\u05da\u05b0", "next"),  # Hebrew with vowel points
        ("Next, I\u2019ll wire the parser.", "future"),  # a typographic apostrophe
        ("\u05d0\u05d7\u05e8\u05be\u05db\u05da \u05e0\u05d8\u05e4\u05dc", "next"),  # Hebrew's maqaf joins
        ("\u0628\u0639\u0640\u062f \u0630\u0644\u0643", "next"),  # an Arabic word stretched by a tatweel
    ],
)
def test_text_is_read_as_entries_are_written(text: str, concept: str) -> None:
    concepts._of_word.cache_clear()
    assert concept in concepts.found(text.lower())


# The lexicon is matched without knowing a text's language, and English is the language of most stops and
# of all code: another language's entry must not turn an English word into a concept it does not carry in
# English (Polish "was" is "you", Catalan "proper*" is "next", "token" is a credential in a web app).
_ENGLISH_WORDS = """
    the a an is was were be been are am it its this that these those there here we us our you your they
    them he she his her i me my mine of to in on at by for with from as into onto over under up down out
    off about after before again then than so but or and nor not no yes do does did done doing have has had
    can could will would shall should may might must need needs let lets size sun dir era dig ni tue u er su vi ta
    ci chat session sessions sessionid sessionstart conversation conversations token tokens tokenizer
    token's property properties proper properly stands stand stop stops stopped stop's stopwarden stopact
    stopiteration complete completes completed completion completions terminate terminated implement
    implementation implemented context contextlib contextmanager contextvar next remaining
    remains left rest later continue continued continuing pause paused break broken fix fixed works
    working passes passing failed failing pending open closed ready running run runs ran test tests
"""
ENGLISH = _ENGLISH_WORDS.split()


def test_no_other_language_changes_what_an_english_word_means() -> None:
    english = concepts.Lexicon()
    for concept, entries in TABLE["en"].items():
        for entry in entries:
            english.add(entry, concept)
    concepts._of_word.cache_clear()
    everywhere = {word: concepts.found(word) for word in ENGLISH}
    concepts._of_word.cache_clear()
    shipped = concepts._lexicon
    try:
        concepts._lexicon = english
        only_english = {word: concepts.found(word) for word in ENGLISH}
    finally:
        concepts._lexicon = shipped
        concepts._of_word.cache_clear()
    assert {w: sorted(everywhere[w] - only_english[w]) for w in ENGLISH if everywhere[w] != only_english[w]} == {}


@pytest.mark.parametrize(
    ("text", "other"),
    [
        ("Sigo con el paso 2, la importación de facturas?", True),  # a word only Spanish has, and an accent
        ("Soll ich mit Schritt 2 weitermachen? Danach fehlend: der Export.", True),  # two such words, all ASCII
        ("El paso 1 está hecho. ¿Continúo con la importación?", True),
        ("Sigo con el paso 2?", False),  # one such word and no accent: too little to tell it from English
        ("Mooi checkpoint, ik pauzeer hier. Stap 8 is de volgende", False),
        ("ステップ2に進めてもよろしいですか？", True),  # noqa: RUF001 (a tenth of its letters or more not ASCII)
        ("Good stopping point.", False),  # terse English: too few function words for in_english, no other language
        ("Seems like a sensible place to stop.", False),
        ("frost alerts: committed. good checkpoint.", False),
        ("The session is over; paused the chat export at step 3.", False),  # loanwords other languages share
        ("Localised the zh-CN strings (登录, 注册). Shall I push the release now?", False),
    ],
)
def test_in_other_language_needs_positive_evidence(text: str, other: bool) -> None:
    """`stopact_model.in_other_language`: what the rules cannot read what remains in (rules.remains_unread),
    never merely English that `in_english` is unsure of."""
    assert stopact_model.in_other_language(text) is other


@pytest.mark.parametrize(
    "text",
    [
        "Pan/zoom handler merged. Good checkpoint.",  # English words that are another language's too
        "Discussion resolved; good checkpoint.",
        "Successive retries capped. Pausing here.",
        "Sedan/SUV filter wired. Good spot to pause.",
        "deinit() leak fixed. Good checkpoint.",
        "Naïve café résumé parser fixed. Good checkpoint.",  # accents
        "Zürich/Łódź timezone fixes merged. Good stopping point.",
        "i18n: 设置 页面 strings done. Good checkpoint.",  # another locale's strings
        "Added the Spanish strings ('Siguiente', 'Listo'). Good checkpoint.",
        "German locale done (Weiter, Fertig, Sitzung). Pausing here.",
        "Renamed `siguiente_paso` to `next_step` in `src/weitermachen.py`. Pausing.",  # code
    ],
)
def test_terse_english_is_no_other_language(text: str) -> None:
    """English too terse for `in_english` (a cold review's, round 25): it goes to the rules, never to a
    cascade's question about what remains."""
    assert not stopact_model.in_other_language(text)
