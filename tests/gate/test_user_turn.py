"""What the user's last turn asks for (gate/user_turn.py): work, only information, or to stop."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stopwarden.gate import user_turn

ROOT = Path(__file__).parents[2]
DEVELOPMENT = ROOT / "training" / "user_turns.jsonl"  # what the guard was developed on
FROZEN = ROOT / "tests" / "data" / "user_turns_contact.jsonl"  # measured once, never tuned on (FROZEN.md)
FROZEN_SHA256 = "c96b326beee4ba7fca088dd1f0fd756cc94af114f7c1ac1aad984dd750e27e10"


def _rows(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _kinds(path: Path) -> list[tuple[str, str]]:
    """Each row's label and what the turn is read as."""
    return [(row["kind"], user_turn.kind(row["text"])) for row in _rows(path)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Work, in any phrasing: a request put as a question is a request.
        ("Work through docs/plans/billing.md.", "work"),
        ("could you port the exporter to the new SDK?", "work"),
        ("ok go ahead", "work"),
        ("Refactor the cache layer and tell me what you changed.", "work"),  # work first, a report beside it
        ("Look at the failing job and fix whatever broke it.", "work"),  # told, then a request joined to it
        ("keep going, don't stop until every phase is done", "work"),  # a stop verb negated
        # Only to be told: questions, and requests whose verb is one of telling or inspecting.
        ("why is the nightly job failing?", "info"),
        ("did you bump the version?", "info"),  # a question's verbs describe: nothing is asked to change
        ("Can you explain what the retry decorator does?", "info"),
        ("Summarise the open issues in the plan, no changes please.", "info"),
        ("investigate the memory growth but don't fix anything", "info"),  # the change verb negated
        ("ما الذي تبقى؟", "info"),  # "what is left?": the Arabic question mark asks too
        ("Check whether anything still imports the old client. I'll delete it myself.", "info"),
        # To stop, pause, wait, or do only part.
        ("Do step 1, then stop so I can review.", "stop"),
        ("hold off on the migration until Monday", "stop"),
        ("only the backend for now", "stop"),
        ("let's call it a day", "stop"),
        ("Mach bitte nur den Parser und hör dann auf.", "stop"),
        ("wait for me before deploying anything", "stop"),
        # From a cold review: each of these was read the other way once.
        ("Fix the pipeline then stop.", "stop"),  # "ne" at the end of "pipeline" is no negator
        ("Check the engine and fix the leak.", "work"),
        ("Don't wrap up yet, there are three phases left.", "work"),  # a closing verb negated
        # A verb of finishing said of the day closes it, whatever work comes with it (round 26).
        ("Wrap up for today — commit what you have and write down the next steps.", "stop"),
        ("Commit what you have and wrap up for today.", "stop"),
        ("Please wrap up: commit, then tell me what's left.", "stop"),
        ("Finish up for the day and commit.", "stop"),
        ("Knock off for the night, we'll continue tomorrow.", "stop"),
        ("Don't wrap up for today until the tests pass.", "work"),
        ("Wrap up the PR description and push it.", "work"),  # finishing a piece of work
        ("Finish up the parser.", "work"),
        ("Can you wrap up the migration?", "work"),
        ("You shouldn't stop until the suite is green.", "work"),
        ("Don't come back until every test passes.", "work"),  # a condition on the work, not a limit
        ("Fix the failing tests. Don't push until CI is green.", "work"),
        ("Fix the login bug and make sure nothing else breaks.", "work"),
        ("There are no tests yet, add some for the parser.", "work"),
        ("Yes, that's it, go ahead and fix it.", "work"),
        ("Leave it running and fix the other endpoints.", "work"),
        ("Fix the bug where the server fails to stop.", "work"),  # stop verbs as nouns and features
        ("Implement the pause feature in the player.", "work"),
        ("Wait for CI to go green, then merge the PR.", "work"),
        ("Fix the regex `a?b` in the parser.", "work"),  # a question mark in code asks nothing
        ("Implement the CSV export, ok?", "work"),
        ("When you're done with the parser, move on to the lexer.", "work"),
        ("Mach weiter, hör nicht auf.", "work"),
        ("How would you fix this?", "info"),  # the agent's view, not a request
        ("Would you mind explaining how the cache works?", "info"),
        ("Don't make any changes, just review the diff.", "info"),
        ("The nightly build is red. Tell me why.", "info"),  # "build" after a determiner is a noun
        ("Verifica el log y corrige el bug.", "work"),  # change verbs and "and" in other languages
        ("Erkläre mir kurz den Fehler und behebe ihn dann.", "work"),
        ("检查一下代码\uff0c然后修复这个bug。", "work"),
        ("Explica por qué falla el test.", "info"),
        # The imperative "stop" in the lexicon's other languages, and its negations ("don't stop").
        ("Bitir şu testi ve dur.", "stop"),
        ("Durma, bütün testler geçene kadar devam et.", "work"),
        ("Виправ помилку і зупинись.", "stop"),  # noqa: RUF001
        ("Đừng dừng lại cho đến khi xong.", "work"),
        ("Selesaikan migrasinya lalu berhenti.", "stop"),
        ("Jangan berhenti sebelum semua tes lulus.", "work"),
        ("Gör bara steg 1 och stanna sedan.", "stop"),
        ("Fortsätt och stanna inte förrän allt är klart.", "work"),
        ("Doe alleen de parser en stop dan.", "stop"),
        ("Ga door en stop niet voordat alles groen is.", "work"),
        ("Fes només el pas 2 i després atura't.", "stop"),  # "pas 2" is a step, not French "pas"
        ("এই ধাপটা শেষ করে থামো।", "stop"),
        # From a cold read: negators that are other languages' words ("nu" is Dutch "now", "אל" Hebrew
        # "to"), a negation that does not reach over "and", a prefixed Arabic "and", decomposed letters.
        ("Oké, nu wacht even.", "stop"),
        ("שלח את זה אל הצוות ועצור.", "stop"),
        ("Don't refactor anything and stop after step 2.", "stop"),
        ("Nie zmieniaj API i przestań po kroku 2.", "stop"),
        ("أصلح الخطأ الأول وتوقف.", "stop"),
        ("Hoa\u0300n tha\u0300nh bươ\u0301c 1 rô\u0300i dư\u0300ng la\u0323i.", "stop"),
        ("Opreşte-te după pasul 2.", "stop"),  # the legacy cedilla
        ("Testleri bitir, şimdi dur.", "stop"),  # ... which is Turkish's own letter
        ("Please don't fix and commit anything; explain what broke.", "info"),  # a change verb negated over "and"
        ("Uradi samo korak 1 i zaustavi se.", "stop"),
        # ... and words a language shares with a noun or another language's ordinary word.
        ("Remplace le disque dur.", "work"),
        ("Ajoute un bouton pour mettre la vidéo en pause.", "work"),
        ("Đặt điểm dừng ở dòng 42 rồi debug lỗi này.", "work"),  # a breakpoint
        ("الخادم توقف عن العمل، أصلحه.", "work"),  # it stopped working
        ("앱이 자꾸 멈춰요, 고쳐 주세요.", "work"),  # it keeps freezing
        # Korean's connective "stop and …" after a word of where or when (round 34's review); a program's stop,
        # a negation, "want to stop" (a cold read).
        ("여기서 멈추고 정리만 해줘", "stop"),
        ("일단 멈추고 지금까지 한 거 정리해줘", "stop"),
        ("화면이 멈추고 나서 로그를 봐줘", "work"),
        ("멈추고 싶지 않아, 계속 진행해", "work"),
        ("에러가 나면 멈추고 로그를 남기도록 수정해줘", "work"),
        ("앱이 자꾸 멈추고 꺼져요. 고쳐 주세요.", "work"),
        ("서버 멈추고 재시작해줘", "work"),
        ("여기서 멈추고 묻지 말고 끝까지 진행해줘", "work"),
        ("안 멈추고 끝까지 진행해줘", "work"),
        ("Implementează pasul 3; se pare că e simplu.", "work"),  # Romanian "it seems"
        ("ادامه بده و توقف نکن تا همه تست‌ها پاس شوند.", "work"),  # noqa: RUF001 (a negation after the verb)
        ("रुको मत, सब टेस्ट पास होने तक काम करते रहो।", "work"),
        ("Lanjutkan, tidak usah berhenti sampai semua tes lulus.", "work"),
        ("Fortsett og stopp ikke før alle testene er grønne.", "work"),
        # Round 23: ending the day in other words, and "explain" in more languages (two cold reviews).
        ("Det räcker för idag.", "stop"),
        ("На сегодня всё, спасибо.", "stop"),  # noqa: RUF001
        ("今日はここまでにしましょう。", "stop"),
        ("오늘은 여기까지 하죠.", "stop"),
        ("يكفي هذا لليوم.", "stop"),
        ("Cukup sampai sini dulu, besok lanjut di sesi baru.", "stop"),
        ("Bugünlük bu kadar yeter.", "stop"),
        ("Na dziś wystarczy, dokończymy jutro.", "stop"),
        ("Jelaskan kenapa sesi login hilang setelah deploy", "info"),
        ("JWT tokenlerinin staging'de neden reddedildiğini açıkla", "info"),  # noqa: RUF001
        ("सेशन क्यों खत्म हो जाता है, समझाओ", "info"),
        # ... and a turn that puts the rest off to tomorrow, or to a new session then; not one beside a request.
        ("Write a handoff note in HANDOFF.md, we will continue tomorrow in a new session.", "stop"),
        ("Fais une passation propre dans HANDOFF.md, je reprends demain dans une nouvelle session.", "stop"),
        ("Napisz notatkę przekazania, jutro kontynuujemy w nowej sesji.", "stop"),
        ("Continue with step 3, we deploy tomorrow.", "work"),
        ("Arregla el fallo que vimos esta mañana y continúa con el paso 4.", "work"),
        ("Açıklama alanını düzelt ve testleri çalıştır.", "work"),  # a description field, not "explain"  # noqa: RUF001
        ("Прибери задачи на сегодня из старого списка и добавь новые.", "work"),
        # ... only as a whole clause, with nothing after it but thanks (training/user_turns_review.jsonl).
        ("Şimdilik bu kadar, teşekkürler.", "stop"),
        ("写一份交接文档\uff0c今天先到这里。", "stop"),
        ("Testler için bu kadar yeter, şimdi dokümantasyonu güncelle.", "work"),
        ("리팩터링은 여기까지 하죠. 이제 결제 모듈 테스트를 작성해 주세요.", "work"),
        ("El archivo .env.example lo dejamos aquí en la raíz del repo; mueve las plantillas a infra/.", "work"),
        ("今日はここまでの変更をコミットして、そのあとテストを追加してください。", "work"),
        # ... and "explain" beside a request to write it down is work; a question before it is still a question.
        ("Dopisz sekcję w README o konfiguracji. Wyjaśnij w niej, jak ustawić zmienne.", "work"),
        ("README'ye kurulum bölümü ekle ve ortam değişkenlerini açıkla.", "work"),  # noqa: RUF001
        ("Tilføj en ny fejlkode i errors.py.\nForklaring: kunden skal kunne se det.", "work"),
        ("Varför använder vi två olika ORM:er? Förklara bara, ändra inget.", "info"),
        ("Możesz mi wyjaśnić, czemu ten test się wysypuje", "info"),
        # From a cold read of those: more after thanks, a verb as a "particle", a quoted or labelled closing,
        # Thai "then", a description; a log line, a quoted banner, a purpose, German "jeden Morgen".
        ("Şimdilik bu kadar, teşekkürler, ama önce testleri düzelt.", "work"),
        ("На сегодня всё, спасибо, а теперь допиши тесты.", "work"),  # noqa: RUF001
        ("今日はここまでやって。", "work"),
        ("На сегодня всё. Fix!", "work"),  # noqa: RUF001
        ("Translate: На сегодня всё", "work"),  # noqa: RUF001
        ("Session-end message: `Bugünlük bu kadar`", "work"),
        ("แก้บั๊กนี้แล้วอธิบาย", "work"),
        ("เพิ่มคำอธิบาย", "work"),
        ("Vale, cerramos por ahora. Gracias por todo.", "stop"),
        ("Fix this error:\n[scheduler] quota exhausted, will resume tomorrow at 02:00 UTC", "work"),
        ('Users complain the banner says "We will continue tomorrow" after midnight; correct the check.', "work"),
        ("Implement the scheduler so that failed jobs continue tomorrow.", "work"),
        ("Bitte mach jeden Morgen weiter mit dem Import-Job, implementiere den Scheduler.", "work"),
        ("I will continue tomorrow.", "stop"),
        ("交接文档写好\uff0c明天继续。", "stop"),
        # Round 31's cold review: a question word that leads a noun phrase or follows a preposition asks the
        # agent's view, not for work; "status update please" asks to be told.
        ("In what order will you tackle the review comments?", "info"),
        ("Which file would you split first?", "info"),
        ("When will you deploy it?", "info"),
        ("What else can you fix today?", "work"),
        ("Why don't you add a test?", "work"),
        ("status update please", "info"),
        ("Post a status update to the channel when the deploy finishes.", "work"),
        ("Status update: the staging DB is back up, go ahead with the migration.", "work"),
        ("When CI is green can you merge it?", "work"),  # "when" leads a clause, not a noun phrase
        ("How soon can you fix the login bug?", "work"),
        ("Which approach would you take, and can you implement it?", "work"),  # a second modal asks for work
        ("Status update: the staging DB is back up.", "work"),  # a statement, no request to be told
        ("Status update notifications are missing the build number", "work"),
    ],
)
def test_the_kind_of_a_turn(text: str, expected: str) -> None:
    assert user_turn.kind(text) == expected


def test_the_development_set_is_read_as_labelled() -> None:
    """Measured when the guard was written (2026-12-04): 3-way 0.967, every stop or info turn recognised but
    one, 0.975 of the work turns kept as work (the rest: "keep going but stop before deploying", read as a
    stop: the boundary a turn names cannot be checked, and the safe reading lets the agent stop)."""
    kinds = _kinds(DEVELOPMENT)
    assert sum(a == b for a, b in kinds) / len(kinds) >= 0.95
    licensed = [b != "work" for a, b in kinds if a != "work"]
    assert sum(licensed) / len(licensed) >= 0.98
    work = [b == "work" for a, b in kinds if a == "work"]
    assert sum(work) / len(work) >= 0.95


LANGUAGES = ROOT / "training" / "user_turns_languages.jsonl"  # 180 turns in 30 languages, 6 each


def test_a_stop_is_read_in_every_language_of_the_lexicon() -> None:
    """A helper that saw none of the guard wrote two stops, three requests for work ("don't stop until …", a
    stop button to fix, an ordinary one) and a question in each of 30 languages (2026-12-06). Measured
    first: 8 of the 60 stops read as stops (every other one a false block in waiting, when the agent then
    names its next step), 5 of the 90 requests read as stops. The stop verbs of those languages were written
    from their grammar, then fixed on this file: every stop is read, and at most 1 in 10 requests (a stop
    or pause named as a feature, "stop the old worker and deploy", read the safe way: as a stop)."""
    kinds = _kinds(LANGUAGES)
    assert all(b == "stop" for a, b in kinds if a == "stop")
    work = [b == "work" for a, b in kinds if a == "work"]
    assert sum(work) / len(work) >= 0.9


# Round 39's three cold reviews of Korean's "stop and …" after a word of where or when (training/README.md):
# file -> (stops let stop, of them; requests and questions not read as stops, of them), as round 28's rule reads
# them. Every change tried on them (the work as an object and more verbs; the word only at a clause's start; a
# veto on the word before it) cost the next review's stops more than it won: the rule is kept as it was.
KOREAN_REVIEWS = {
    "user_turns_review8.jsonl": (9, 40, 22, 40),
    "user_turns_review9.jsonl": (50, 50, 1, 20),
    "user_turns_review10.jsonl": (31, 35, 0, 25),
}


@pytest.mark.parametrize("name", KOREAN_REVIEWS)
def test_koreans_stop_and_reads_the_three_reviews_as_round_39_left_it(name: str) -> None:
    stops, of_stops, others, of_others = KOREAN_REVIEWS[name]
    kinds = _kinds(ROOT / "training" / name)
    assert sum(a == "stop" for a, _ in kinds) == of_stops and sum(a != "stop" for a, _ in kinds) == of_others
    assert sum(b != "work" for a, b in kinds if a == "stop") >= stops
    assert sum(b != "stop" for a, b in kinds if a != "stop") >= others


# Two cold reviews of round 23's reading of other languages, 120 and 100 turns each, written to break it.
REVIEWS = {"user_turns_review.jsonl": 0.8, "user_turns_review2.jsonl": 0.7}


@pytest.mark.parametrize("name", REVIEWS)
def test_the_closing_phrases_and_explain_verbs_of_other_languages_as_two_reviews_wrote_them(name: str) -> None:
    """Round 23's closing phrases, put-offs to tomorrow and "explain" verbs of other languages, against two
    cold reviews that wrote turns to break them. The first misread all its 80 requests for work (a closing
    in another sense, "explain" beside "write it in the README") and missed its 40 stops and questions;
    the second then misread the fixes (added verbs of change that are other words, "tomorrow" beside a
    request for now): both were narrowed on. A request for work is almost never read as a stop or a
    question now; of the stops and questions, the first file's are mostly read (none before the round),
    the second's as before the round (35 of 50: the rest are forms no list holds). Development data now."""
    kinds = _kinds(ROOT / "training" / name)
    work = [b == "work" for a, b in kinds if a == "work"]
    assert sum(work) / len(work) >= 0.95
    licensed = [b != "work" for a, b in kinds if a != "work"]
    assert sum(licensed) / len(licensed) >= REVIEWS[name]


def test_round_26s_closings_are_read_and_their_words_in_other_senses_are_not() -> None:
    """training/user_turns_closings.jsonl: the closings round 26 added (957, in 38 languages, each read as
    work before) and requests for work that use their words in another sense (279), both by the helper who
    wrote the phrases from each language's grammar: its development data, all read right."""
    rows = _rows(ROOT / "training" / "user_turns_closings.jsonl")
    assert len(rows) == 1236
    wrong = [row["text"] for row in rows if user_turn.kind(row["text"]) != row["kind"]]
    # Two of its requests are a closing and a last commit and push ("Đủ rồi thì commit và push lên nhánh
    # chính."): round 26's last small acts end a session (`user_turn._wraps_up`), so a stop.
    assert len(wrong) <= 2
    assert all(user_turn._WRAP_UP.search(text) for text in wrong)


def test_an_end_of_day_turn_is_read_where_its_author_never_saw_the_guard() -> None:
    """training/user_turns_eod.jsonl: 168 end-of-day turns and 112 requests for work in their words, in 14
    languages, by a helper that read no code and no data (round 26). Before round 26's closings 55 of the
    168 were read as letting the agent stop (each other one a false block in waiting, when the agent then
    names what is left), after them 101; the requests for work read as work 93 of 112, before and after."""
    kinds = _kinds(ROOT / "training" / "user_turns_eod.jsonl")
    assert sum(b != "work" for a, b in kinds if a == "stop") >= 108
    assert sum(b == "work" for a, b in kinds if a == "work") >= 93


@pytest.mark.parametrize(
    ("name", "each", "read", "misread"),
    [("user_turns_scope.jsonl", 120, 47, 0), ("user_turns_scope_review.jsonl", 100, 21, 20)],
)
def test_limits_of_scope_in_english_are_read_as_round_37_left_them(
    name: str, each: int, read: int, misread: int
) -> None:
    """training/user_turns_scope.jsonl (120 limits of scope for now, "Only the API today.", "Do the backend part
    only.", and 120 requests for all of the work in the same words, by a helper that read no code) and
    user_turns_scope_review.jsonl (100 and 100, by a cold review of round 37's patterns). Round 37 read 103 of
    the first set's limits (47 before) with no request misread, but the review's requests misread as a stop
    went 20 -> 92, and 20 -> 31 with the narrowest of its forms: withdrawn (training/README.md). Each limit
    not read may let the agent be pushed past it; each request read as a limit lets an early stop through."""
    kinds = _kinds(ROOT / "training" / name)
    assert (sum(a == "stop" for a, _ in kinds), sum(a == "work" for a, _ in kinds)) == (each, each)
    assert sum(b == "stop" for a, b in kinds if a == "stop") >= read
    assert sum(b == "stop" for a, b in kinds if a == "work") <= misread


@pytest.mark.parametrize(
    ("name", "stops", "work"),
    [
        ("user_turns_eod_en.jsonl", (58, 60), (29, 40)),
        ("user_turns_eod_en2.jsonl", (51, 70), (41, 50)),
        ("user_turns_eod_en3.jsonl", (52, 80), (50, 60)),
        ("user_turns_eod_en4.jsonl", (66, 90), (58, 60)),
    ],
)
def test_an_english_end_of_day_turn_is_read(name: str, stops: tuple[int, int], work: tuple[int, int]) -> None:
    """Two sets of English turns that end the session and requests for work in their words, each by a helper
    that read no code and no data (round 26). The first was the development data of the English closings by
    their parts (`_CLOSING_IN_ENGLISH`, `_PUTS_OFF_IN_ENGLISH`): 40 of its 60 stops read before, 58 after.
    The second measured them once written: 34 of 70 before, 45 after; then it was the development data of
    the leaving and first-person closings of gate/closings.py (`_EN`: 52), which a third measured once
    written: 29 of its 80 before round 26, 38 with the closings by their parts, 44 with both. None lost a
    request for work. A cold review's 234 English requests for work then read as stops 186 times (31 before
    round 26): the closings by their parts were made whole clauses too, never after a request or a condition
    in their sentence, and put-offs the people's own (55, 46 and 41 of the three sets' stops; the review's
    requests read as stops 93 times). The third was then the development data of the last small acts of a
    session (`_wraps_up`: 47), which a fourth set, of closings with such acts and requests for more work
    beside them, measured once written: 37 of its 90 stops before round 26, 48 before the acts, 59 after;
    its requests for work 58 of 60 throughout. Round 27's reasons after an English closing of leaving, praise
    after any, and chat shorthand ("stopping here, doctor's appt at 3", "eod, thx", "done 4 today") read 58,
    51, 52 and 66 of them, no request for work lost."""
    kinds = _kinds(ROOT / "training" / name)
    assert sum(b != "work" for a, b in kinds if a == "stop") >= stops[0]
    assert sum(a == "stop" for a, _ in kinds) == stops[1]
    assert sum(b == "work" for a, b in kinds if a == "work") >= work[0]
    assert sum(a == "work" for a, _ in kinds) == work[1]


@pytest.mark.parametrize(
    ("name", "work_kept", "stops_read"),
    [
        ("user_turns_review3.jsonl", 31, 34),
        ("user_turns_review4.jsonl", 141, 53),
        ("user_turns_review5.jsonl", 128, 20),
    ],
)
def test_round_26s_closings_against_their_cold_reviews(name: str, work_kept: int, stops_read: int) -> None:
    """Two cold reviews of round 26's closings, by helpers that read the code and wrote to break it: requests
    for work in the closings' words and closings still missed. review3, other languages (222 requests, 97
    closings): 36 requests read as stops before the round, 212 after its phrases, 189 now; review4, English
    (234, 110): 31 before, 184 after the closings by their parts, 93 once narrowed on it (training/README.md,
    round 26). Where a request reads as a stop an early stop may pass; where a closing reads as work, the
    model may block the stop that answers it, the worse mistake: the trade-off these numbers hold. The last
    small acts of a session (a closing, then "commit and push") read as a stop since: review3's work 33 → 31.
    review5 (round 27, English, 135 requests and 46 stops in the forms of its reasons and shorthand): 6
    requests read as stops before the round, 89 with the first reading of reasons, 7 once narrowed on it."""
    kinds = _kinds(ROOT / "training" / name)
    assert sum(b == "work" for a, b in kinds if a == "work") >= work_kept
    assert sum(b != "work" for a, b in kinds if a == "stop") >= stops_read


@pytest.mark.parametrize(
    ("name", "stops", "work", "counts"),
    [
        ("user_turns_eod5.jsonl", 77, 49, (110, 60)),
        ("user_turns_eod6.jsonl", 55, 47, (100, 60)),
        ("user_turns_eod7.jsonl", 52, 53, (100, 70)),
        ("user_turns_review6.jsonl", 35, 135, (48, 143)),
    ],
)
def test_round_27s_end_of_day_turns_are_read(name: str, stops: int, work: int, counts: tuple[int, int]) -> None:
    """Two sets of end-of-day turns and requests for work in their words, English and eleven other languages, by
    helpers that read no code (round 27). eod5 was the development data of the reasons after a closing, chat
    shorthand, the later days and "and" after the last acts: 44 of its 110 stops read before, 73 after. eod6
    was written at the same time and measured, not read: 48 of its 100 stops before, 55 after; its requests for
    work 47 of 60 before and after. Round 28, turns typed without diacritics: eod7 by a helper that read no
    code, measured before and after (32 → 52 of 100 stops, requests for work 53 of 70 throughout; 57 and 50
    with the first, broader reading), and review6 by a cold reviewer of that broader reading (its stops 10 →
    35 of 48, its requests for work 128 → 135 of 143; 64 of them lost with the broader reading)."""
    kinds = _kinds(ROOT / "training" / name)
    assert (sum(a == "stop" for a, _ in kinds), sum(a == "work" for a, _ in kinds)) == counts
    assert sum(b != "work" for a, b in kinds if a == "stop") >= stops
    assert sum(b == "work" for a, b in kinds if a == "work") >= work


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("we're done for tonight, thanks", "stop"),  # English by its parts: who, done, a span that ends now
        ("ok that's it for me today, cheers", "stop"),
        ("that'll do for now", "stop"),
        ("ok, signing off", "stop"),
        ("good stopping point. see you tomorrow", "stop"),
        ("Продолжим в понедельник.", "stop"),  # the work put off to a later day than tomorrow (round 27)
        ("Riprendiamo lunedì, buon weekend!", "stop"),  # a clause of the verb and the day alone
        ("Lass uns nach den Feiertagen weitermachen", "stop"),
        ("ok, lanjut besok", "stop"),
        ("Continúa en la rama del lunes y arregla los tests", "work"),  # the day names a thing
        ("Continuamos na segunda parte do relatório.", "work"),  # "segunda": the second part
        ("Il resto del report va spostato a lunedì", "work"),  # the rest of a report, moved to a day
        ("fai un commit e chiudiamo qui", "stop"),  # "and" after the last small acts opens a closing's clause
        ("commit dulu terus kita udahan", "stop"),
        ("commit and we stop here", "stop"),
        ("aggiorna i test e chiudiamo qui", "work"),  # after work, it does not
        ("commit and we stop here, then do the parser", "work"),
        ("nice. we'll pick this up next week", "stop"),
        ("ok gtg, thanks!", "stop"),  # leaving, as a whole clause (gate/closings.py)
        ("we stop here for today", "stop"),
        ("I'm heading out, meanwhile refactor the parser", "work"),  # leaving, then work for the while
        ("I'm done with the parser, now do the printer", "work"),
        ("Just bump the timeout to 60s, that'll do.", "work"),  # a closing that approves a change (review 3)
        ("When the token expires, end the session.", "work"),  # a condition: the program's
        ("I'll stop here for now. Commit what we have and write a short note of what's left.", "stop"),  # last acts
        ("push the branch and let's call it a night", "stop"),
        ("Merci beaucoup, à demain !", "stop"),  # nothing but thanks and a farewell: nothing asked
        ("thanks, now fix the login", "work"),
        ("Gracias, sigue", "work"),  # thanks, then a word of going on (round 28)
        ("Dzieki, dalej", "work"),
        ("Danke, Anna", "stop"),  # thanks and a name
        ("genug fur heute, danke dir", "stop"),  # typed without diacritics (gate/diacritics.py)
        ("Schluss fuer heute", "stop"),
        ("Bugunluk bu kadar, tesekkurler", "stop"),
        ("Dung thu vien axios thay vi fetch", "work"),  # "dung" is also dùng (use): stop verbs keep their marks
        ("nao pare, continue com o passo 3", "work"),  # a negation typed without its marks
        ("ok gonna stop here, my bus is here", "stop"),  # a reason after an English closing (round 27)
        ("gotta run. flight boards in 20", "stop"),
        ("That's it, the race is in the cache warmup", "work"),  # a finding, not leaving (review 5)
        ("heading out. need the changelog for 2.4 by 9am", "work"),  # a need, not a reason
        ("gn: unknown identifier 'use_ozone' in args.gn", "work"),
        ("eod, thx", "stop"),  # chat shorthand
        ("done 4 today. cu tmrw", "stop"),
        ("signing off, make sure the build passes", "work"),  # no reason: a request
        ("I'm out, you take it from here", "work"),
        ("stopping here, then do the printer", "work"),
        ("Processed 1200/5000 records, stopping now.\nFind the bug.", "work"),  # a log line's closing
        ("ok I'm heading out. commit, then start on the export feature", "work"),  # more work after the acts
        ("Commit this and then start on the CSV export.", "work"),
        ("It's good for now, but add retries to the client.", "work"),
        ("the upload client will resume later from the last chunk, make that work", "work"),  # a program's
        ("बहुत अच्छा काम किया। आज के लिए इतना ही।", "stop"),  # a closing after a danda opens its clause
        ("the loop keeps stopping here when the list is empty, fix it", "work"),  # a program's behaviour
        ("that's it for the backend, now do the frontend", "work"),  # not a span of time
        ('the banner says "We will continue tomorrow" after midnight; correct the check', "work"),  # quoted
        ("Bueno, eso es todo por hoy. ¡Hasta mañana!", "stop"),  # a farewell after a closing
        ("Na dziś to wszystko, dzięki. Do jutra!", "stop"),
        ("На сегодня всё, до завтра.", "stop"),  # noqa: RUF001
        ("На сегодня всё, до завтра закончи отчёт.", "work"),  # noqa: RUF001 (a deadline: work goes on)
        ("ja.json の farewell を次の文言にして:\n今日はここまでにしましょう。お疲れさまでした。", "work"),  # a label's
        ("Die Aufgaben für heute: den Parser fertig machen, dann die Tests.", "work"),  # heads the day's work
        ("Tareas por hoy: terminar el parser y sus tests.", "work"),
        ("Das war's für heute, danke.", "stop"),
        ("Per oggi basta, grazie.", "stop"),
        ("Für heute: Schluss.", "stop"),  # leading the turn, colon or not: a closing (a cold review)
        ("Per oggi: basta così", "stop"),
    ],
)
def test_a_farewell_may_follow_a_closing(text: str, expected: str) -> None:
    assert user_turn.kind(text) == expected


@pytest.mark.parametrize(
    "text", ["Bugünlük bu kadar" + " " * 3970 + "xxxx", "Bugünlük bu kadar. " + "," * 3970 + "xxxx"]
)
def test_what_follows_a_closing_is_read_once(text: str) -> None:
    """A cold read (round 23): a pattern for "nothing but thanks after it" took 0.13 s on these."""
    started = time.perf_counter()
    assert user_turn.kind(text) == "work"
    assert time.perf_counter() - started < 0.05


@pytest.mark.parametrize("text", ["\n" * 4000, " \n" * 2000, "\n " * 2000, "\n[" * 2000])
def test_a_run_of_line_breaks_costs_milliseconds(text: str) -> None:
    """A cold review (round 26): 4,000 line breaks cost 0.5 s, then 1.2 s with the English closings by their
    parts, where a line break led a clause and the spaces after it were rescanned from every one of them."""
    started = time.perf_counter()
    user_turn.kind(text)
    assert time.perf_counter() - started < 0.2


def test_a_run_of_spaces_costs_milliseconds() -> None:
    """A cold read found 4 KB of spaces costing 0.3 s: a pattern that began with optional spaces rescanned
    the run from every position."""
    started = time.perf_counter()
    user_turn.kind(" " * 4000 + "stop")
    user_turn.kind("\t " * 2000 + "x")
    assert time.perf_counter() - started < 0.1


def test_the_frozen_set_is_unchanged() -> None:
    assert hashlib.sha256(FROZEN.read_bytes()).hexdigest() == FROZEN_SHA256, "frozen: write a new set instead"
    rows = _rows(FROZEN)
    assert [row["id"] for row in rows] == [f"uc-{n:03d}" for n in range(1, len(rows) + 1)]
    assert {row["kind"] for row in rows} == {"work", "info", "stop"}


@given(st.text(max_size=400))
def test_any_text_has_a_kind(text: str) -> None:
    assert user_turn.kind(text) in ("work", "info", "stop")


def test_a_request_after_a_long_pasted_log_is_read() -> None:
    """Only the first and the last _EDGE_CHARS of a turn are read: the request is at one end."""
    log = "error: undefined symbol foo_bar in libthing.so\n" * 2_000
    assert user_turn.kind(log + "Ok, stop here for today.") == "stop"
    assert user_turn.kind(log + "Just explain what it means, do not change anything.") == "info"
    assert user_turn.kind("Explain this log.\n" + log) == "info"


@pytest.mark.parametrize(
    "text",
    ["fix " * 1_000, "fix one " * 500, "don't stop " * 400, "explain " + "x fix " * 650,
     "please fix the thing " * 200, "不要停止" * 1_000, "only " + "a " * 1_900, "x" * 100_000 + " fix it",
     "Να το κάνω; " * 400, "Dość, " * 800],  # noqa: RUF001
)  # fmt: skip
def test_no_turn_costs_more_than_a_few_milliseconds(text: str) -> None:
    """Run-on turns once cost up to 0.5 s (every verb searched its whole clause again); now each verb looks
    a few words back and at most _MAX_VERBS of a kind are examined: ~5 ms on a 4 KB turn at worst here."""
    best = min(_timed(text) for _ in range(3))
    assert best < 0.05, best


def _timed(text: str) -> float:
    started = time.perf_counter()
    user_turn.kind(text)
    return time.perf_counter() - started


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Genug.", "stop"),  # "enough" alone, a whole clause, in the closings' languages (round 30)
        ("Dość, dzięki", "stop"),
        ("Yeter bugünlük.", "stop"),  # with the language's "for today" after it
        ("Stačí, díky.", "stop"),
        ("够了，谢谢！", "stop"),  # noqa: RUF001
        ("Kończymy.", "stop"),  # the present of finishing alone: "we're wrapping up"
        ("Заканчиваем.", "stop"),
        ("Basta per ora.", "stop"),  # a longer phrase of a later language is not cut short by a shorter one
        ("Nu räcker det för idag.", "stop"),
        ("Genug Speicher für den Puffer reservieren.", "work"),  # "enough" of a thing: not alone
        ("Wystarczy dodać jeden test.", "work"),
        ("Yeter. Şimdi testleri düzelt.", "work"),  # a request after it
        ("Kończymy migrację: przenieś tabele.", "work"),
        ("Αρκεί αυτό;", "info"),  # Greek's question mark is ";" (round 30)
        ("Αρκεί αυτό\u037e", "info"),  # U+037E, its own code point
        ("Πώς λειτουργεί το cache;", "info"),
        ("Πρόσθεσε `x = 1;` στο config.", "work"),  # code's ";" asks nothing
        ("Genug. Save the form data to localStorage.", "work"),  # "save" a feature's data: not a last small act
        ("Wrap up for today: save your work.", "stop"),  # ... but the work saved is one
        ("gotta go. just save a summary of where we are", "stop"),
        ("Ok that is it for today, save your work and push.", "stop"),  # "that's" spelled out
        ("That is it, the race is in the cache warmup.", "work"),  # ... and a finding after it, as with "that's"
    ],
)
def test_enough_alone_and_greek_questions(text: str, expected: str) -> None:
    assert user_turn.kind(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Zwiększ timeout do 60 sekund, to wystarczy.", "不够了。", "改一下就行了", "这样行了吧？", "아직 안 됐어요.",  # noqa: RUF001
     "Add these strings to the dialog:\n- Dość\n- Kończymy", "Przetłumacz:\n1. Dość\n2. Kończymy", "文案：够了",  # noqa: RUF001
     "Am rulat migrarea, gata.", "Ja, nog.", "Genug. Danke, jetzt Release bauen.",
     "Genug. Add a status column to the orders table.", "Πρόσθεσε στο τέλος: return null;"],
)  # fmt: skip
def test_enough_is_not_said_alone_here(text: str) -> None:
    """A cold review's requests and questions in the words of round 30's closings (training/user_turns_review7.jsonl):
    "enough" after a request in its sentence approves it, inside a word or after a negation is not alone, a list's
    item or a label's text is a string asked for, "gata" and "nog" say other things, a "now" after thanks opens a
    request, a status column is work, and code's ";" asks nothing."""
    assert user_turn.kind(text) != "stop"


def test_the_enough_set_is_read() -> None:
    """training/user_turns_enough.jsonl (round 30): 240 turns in 31 languages by a helper that read no code,
    written before the change and its development data: 110 closings that say "enough" (or "we're finishing")
    alone, 100 requests for work and 30 questions in the same words. Before: 67 of the closings read as
    letting the agent stop, 95 requests as work and 28 questions as questions; after: 109, 94 and 30. The
    request lost is Greek, a question then a short request ("Φτάνουν τρία retries; Κάν' τα πέντε."), read now
    as its English, German and Spanish twins were before: as a question.

    training/user_turns_review7.jsonl, a cold review that read the change and wrote to break it (145 requests,
    27 questions, 66 closings in 33 languages): requests kept as work 125 before the round, 79 with its first
    reading, 113 once narrowed on it; questions that let the agent stop 23, 27, 27; closings read 4, 45, 47. Of the
    requests still lost, eight thank and then give a one-word order ("Genug, danke, deployen!"; the one word
    after thanks was let through before, for "thanks mate"), and four are Greek requests after a question,
    read as questions."""
    kinds = _kinds(ROOT / "training" / "user_turns_enough.jsonl")
    assert sum(b != "work" for a, b in kinds if a == "stop") >= 109
    assert sum(b == "work" for a, b in kinds if a == "work") >= 94
    assert sum(b != "work" for a, b in kinds if a == "info") >= 30
    review = _kinds(ROOT / "training" / "user_turns_review7.jsonl")
    assert sum(b == "work" for a, b in review if a == "work") >= 113
    assert sum(b != "work" for a, b in review if a == "stop") >= 47
    assert sum(b != "work" for a, b in review if a == "info") >= 27
