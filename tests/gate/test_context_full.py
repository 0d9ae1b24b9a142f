"""A context excuse outside English that says its own context is long or full (gate/context_full.py, round 34)."""

from __future__ import annotations

import time

import pytest

from stopwarden.gate import concepts, context_full, stopact_model

from .test_rules import _judged_with_progress, _training_rows

PENDING = ("pending_r20b.jsonl", "pending_r22b.jsonl", "pending_r22c.jsonl", "pending_r7.jsonl")


def _reads(text: str) -> bool:
    return context_full.says_its_context_is_full(stopact_model.final_act(text))


@pytest.mark.parametrize(
    "text",
    [
        "Los pedidos ya se importan. El contexto se me está acabando: dejo la exportación para una sesión nueva.",
        "Der Importer ist fertig. Mein Kontext ist fast voll, deshalb übergebe ich den Export an eine neue Sitzung.",
        "L'import fonctionne. La conversation devient très longue : je laisse l'export à une nouvelle session.",
        "Import zamówień działa. Kontekst mi się kończy, więc eksport przekazuję do nowej sesji.",
        "Импорт готов. Контекст почти заполнен, поэтому экспорт оставлю для новой сессии.",
        "インポートは完成しました。コンテキストがかなり長くなってきたので、エクスポートは新しいセッションに引き継ぎます。",
        "导入已经完成。上下文快满了，导出留给新的会话。",
        "İçe aktarma bitti. Bağlam doluyor, dışa aktarmayı yeni bir oturuma bırakıyorum.",
    ],
)
def test_it_reads_a_context_said_to_be_long_or_full(text: str) -> None:
    assert _reads(text)


@pytest.mark.parametrize(
    "text",
    [
        # A quota of tokens running out is a blocker, not the speaker's context.
        "La API devuelve 429: la cuota de tokens de la organización está agotada este mes.",
        "API vrací 429: limit tokenů organizace na tento měsíc je vyčerpaný.",
        # A limit named alone is a noun of quotas and settings ("limit*" was struck from the Polish list).
        "Bez podniesienia limitu nie mogę uruchomić oceny podsumowań rozmów.",
        # The plan finished, or the work not in it: the offer is the speaker's own proposal.
        "Alle Schritte des Plans sind erledigt. Die Sitzung ist sehr lang; für das neue Feature, das nicht im Plan"
        " steht, wäre eine neue Sitzung sinnvoll.",
        "Questa sessione è ormai molto lunga: per la nuova funzionalità, che non è nel piano, conviene una nuova"
        " sessione.",
        # A queue and a disk are full; the hand-off and the dialog box are in another clause (a cold read).
        "La cola está casi llena; el traspaso al equipo de datos ya está hecho.",
        "磁盘已满，我在对话框里加了一条提示。",
        # Nothing said of a context, or nothing said of its being full.
        "El disco está casi lleno; borré los registros antiguos.",
        "Terminé la exportación y los tests pasan. Abre una sesión nueva si quieres probarla.",
    ],
)
def test_it_leaves_quotas_finished_plans_and_other_fullness(text: str) -> None:
    assert not _reads(text)


def test_the_words_load_as_the_lexicons_entries_do() -> None:
    """Every entry of context_full.json is a valid lexicon entry of the one concept (a Korean phrase ending in
    a one-syllable word, or an unknown concept, would raise)."""
    words = concepts.load(context_full.WORDS_PATH, (context_full.FULL,))
    assert len(words.words) + len(words.stems) + len(words.phrases) + len(words.anywhere) > 300
    with pytest.raises(ValueError, match="unknown concept"):
        concepts.load(context_full.WORDS_PATH)


def test_a_long_final_act_is_read_in_bounded_time() -> None:
    text = "El contexto se me está acabando " * 2_000
    start = time.perf_counter()
    context_full.says_its_context_is_full(text)
    assert time.perf_counter() - start < 0.5


def test_with_a_plan_and_progress_the_pending_files_such_excuses_are_blocked() -> None:
    """The form lowers the model's bar to GUARD_FLOOR for its context excuses outside English: four of the
    pending files' (Polish, Spanish, Japanese, Persian), which the model alone left in its abstain band (0.90 to
    0.97), are blocked since round 34; none of this directory's legitimate stops is (test_rules)."""
    wanted = {"r20b-014", "r22b-013", "r22c-134", "r7b-context_excuse-06"}
    rows = [r for name in PENDING for r in _training_rows(name) if r.get("id") in wanted]
    assert len(rows) == len(wanted)
    for row in rows:
        verdict = _judged_with_progress(row)
        assert (verdict.decision, verdict.rationale.split(";")[0]) == (
            "continue",
            "guard: says its context is full, in another language",
        ), row["id"]


def test_a_cold_reviews_legitimate_stops_are_blocked_little_more_than_by_the_model() -> None:
    """training/context_full_review.jsonl: 120 legitimate stops in 33 languages a cold review wrote to make the
    form fire (the product's own context handling, a quota, a disk or a login session running out, past
    events, negations, hand-offs the user asked for) and 40 early ones. The model alone blocked 5 of the
    legitimate ones and 26 of the early ones; with the form 7 (a past event, and a Korean user's "여기서 멈추고
    정리만 해줘" the user-turn guard did not read as a stop) and 33, once a fullness word must stand within
    four words of its context word (a disk "almost full" and a service restarted later in the sentence).
    Since the guard reads Korean's connective "멈추고" (the twenty-eighth session), 6."""
    rows = _training_rows("context_full_review.jsonl")
    early = [r for r in rows if r["act"] == "context_excuse"]
    legit = [r for r in rows if r["act"] != "context_excuse"]
    assert (len(legit), len(early)) == (120, 40)
    assert sum(_judged_with_progress(r).decision == "continue" for r in legit) <= 6
    assert sum(_judged_with_progress(r).decision == "continue" for r in early) >= 33


def test_places_are_the_words_an_entry_starts_at() -> None:
    text = "el contexto de esta conversación ya es muy largo"
    words = concepts.load(context_full.WORDS_PATH, (context_full.FULL,))
    assert (7, context_full.FULL) in concepts.places(words, text)  # "muy largo" starts at the eighth word
    assert {i for i, c in concepts.places_of_the_lexicon(text) if c == "context"} >= {1, 4}
