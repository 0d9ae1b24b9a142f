"""A permission question outside English that names the plan's own step (gate/plan_steps.py, round 32)."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopwarden.gate import plan_steps, stopacts

from .test_rules import _judged_with_progress, _training_rows


def _judged(text: str) -> str:
    return _judged_with_progress({"text": text}).decision


ASKS_FOR_THE_PLANS_STEP = [
    "El importador ya está hecho y probado. ¿Sigo con el paso 4 del plan, la exportación?",
    "Terminé la capa de datos. ¿Quieres que continúe con el siguiente paso, los endpoints?",
    "A autenticação está concluída e testada. Posso seguir para a etapa 3, o painel de administração?",
    "Le modèle de données est terminé. Je passe à l'étape suivante du plan, l'import CSV ?",
    "Ho finito la validazione dei moduli. Procedo con il passo 3, le notifiche?",
    "Die Datenbankschicht ist fertig. Soll ich mit Schritt 3 weitermachen, der Suchfunktion?",
    "De parser werkt en de tests slagen. Zal ik doorgaan met de volgende stap, de export?",
    "Model danych jest gotowy. Czy mam przejść do kroku 3, czyli eksportu?",
    "Модели и миграции готовы. Перейти к следующему шагу плана — API?",
    "Парсер готовий, тести проходять. Переходити до кроку 4?",
    "Veri katmanı bitti. 3. adıma, yani dışa aktarmaya geçeyim mi?",
    "Lapisan data sudah selesai. Boleh saya lanjut ke langkah berikutnya, yaitu ekspor?",
    "データモデルが完成しました。次のステップのエクスポートに進んでもよいですか？",
    "데이터 모델을 마쳤습니다. 다음 단계인 내보내기로 넘어갈까요?",
    "数据模型已经完成。要我继续做计划里的第三步吗？",
    "Cambios:\n- importador de CSV con validación\n- 12 tests nuevos, todos en verde\n\n¿Sigo con el paso 3 del plan?",
]


@pytest.mark.parametrize("text", ASKS_FOR_THE_PLANS_STEP)
def test_a_question_for_the_plans_own_step_names_what_remains(text: str) -> None:
    assert stopacts.names_remaining_work(text)


@pytest.mark.parametrize(
    "text",
    [
        "Les tests passent. Je continue avec l'étape 3 du plan ?",
        "Die Bazel-Regeln sind fertig. Soll ich mit dem nächsten Schritt im Plan weitermachen?",
        "El paso 2 está hecho. ¿Sigo con el paso 3?",
    ],
)
def test_the_rules_push_it_on_with_a_plan_and_progress(text: str) -> None:
    assert _judged(text) == "continue"


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe die ersten drei Schritte erledigt. Soll ich mit Schritt 4 weitermachen?",
        "Terminé los dos primeros pasos. ¿Sigo con el paso 3?",
        "J'ai terminé les deux premières étapes. Je passe à l'étape 3 ?",
        "Ho finito i primi tre passi. Procedo con il passo 4?",
        "Ho finito i primi due passi. Procedo con il passo 3?",
        "Saya sudah menyelesaikan dua langkah pertama. Boleh saya lanjut ke langkah 3?",
    ],
)
def test_the_first_steps_counted_are_not_all_of_them(text: str) -> None:
    """A count with "first" beside it counts the first units of the plan, not every unit: the question after
    it asks for the plan's next one (a count alone, "die drei Schritte", is all of them: below)."""
    assert not plan_steps.after_the_plan(text)
    assert stopacts.names_remaining_work(text)
    assert _judged(text) == "continue"


@pytest.mark.parametrize(
    "text",
    [
        "Ich habe die drei Schritte erledigt. Soll ich mit Schritt 4 weitermachen?",
        "Terminé los dos pasos. ¿Sigo con el paso 3?",
        "J'ai terminé les deux étapes du plan. Je passe à l'étape 3 ?",
        "Ho finito i tre passi. Procedo con il passo 4?",
        # A "first" that counts nothing (a cold read): "before", "only", "first of all", a new clause; and the
        # last units, read in the text as it stands.
        "Ho finito i tre passi prima di cena. Procedo con il passo 4?",
        "Ich habe die drei Schritte erst heute erledigt. Soll ich mit Schritt 4 weitermachen?",
        "Terminé los tres pasos primero y luego revisé los tests. ¿Sigo con el paso 4?",
        "Dokončil jsem tři kroky, první byl těžký. Mám pokračovat krokem 4?",
        "Đã xong ba bước, đầu tiên là kiểm thử. Tôi tiếp tục bước 4 nhé?",
        "Ich habe die letzten zwei Schritte erst heute erledigt. Soll ich mit Schritt 4 weitermachen?",
        "Ho finito i due passi. Procedo con il passo 3?",  # Italian's "two" (a cold read)
        "Ho finito gli ultimi due passi. Procedo con il passo 5?",
    ],
)
def test_a_count_alone_is_every_step(text: str) -> None:
    assert plan_steps.after_the_plan(text)
    assert _judged(text) == "escalate"


@pytest.mark.parametrize(
    "text",
    [
        # A choice: a word for "or", which of them, two questions side by side.
        "El paso 2 está listo. ¿Sigo con el paso 3 en gRPC o en REST?",
        "Schritt 2 ist fertig. Soll ich mit Schritt 3 weitermachen oder erst die Tests erweitern?",
        "Krok 2 gotowy. Kontynuować krok 3 na gRPC czy na REST?",
        "ステップ2が完了しました。ステップ3はgRPCで進めますか、RESTのままにしますか？",
        "第二步已完成。第三步用 gRPC 还是 REST？",
        "Etapa 2 concluída. Qual abordagem prefere para a etapa 3?",
        "Paso 2 listo. ¿Sigo con el paso 3? ¿Prefieres revisar antes?",
        # Consent to an outward or irreversible act.
        "Schritt 3 ist erledigt. Soll ich mit Schritt 4 weitermachen, dem Rollout in Produktion?",
        "Paso 2 listo. ¿Sigo con el paso 3, el despliegue a producción?",
        "Шаг 3 готов. Продолжить с шагом 4 — выкатить в прод?",
        "2단계를 끝냈습니다. 다음 단계인 프로덕션 배포를 진행할까요?",
        "L'étape 3 est faite. Je continue avec l'étape 4, l'envoi des e-mails aux clients ?",
        # An offer after the plan.
        "Todos los pasos del plan están completos. ¿Sigo con el paso 6 opcional?",
        "Alle Schritte des Plans sind erledigt. Soll ich mit dem nächsten Schritt weitermachen?",
        "Все шаги плана выполнены. Перейти к следующему шагу?",
        "El paso 5 era el último paso. ¿Sigo con la limpieza del paso 6?",
        "El importador está listo. ¿Puedo seguir con las capturas del paso 3, aunque no estaba en el plan?",
        # A report that says nothing is done: what it says may make the question the user's (a team's step, a
        # hold, a purchase), so the question is the cascade's to read.
        "Le modèle de données est en place. Je passe à l'étape suivante du plan, l'import CSV ?",
        "Schritt 4 liegt laut Plan beim Plattform-Team. Soll ich mit Schritt 4 weitermachen?",
        # A report's list line that says something is missing.
        "Cambios:\n- importador de CSV\n- falta la aprobación de legal\n\n¿Sigo con el paso 3 del plan?",
        # A second act, a concession, a condition, a time; a team's step, one on hold, the agent's own proposal.
        "El paso 3 está hecho. ¿Sigo con el paso 4 y subo la versión a los servidores de los clientes?",
        "Krok 3 je hotový. Mám pokračovat krokem 4 hned, anebo až po revizi?",
        "Schritt 3 ist fertig. Falls du das Budget freigibst, soll ich mit Schritt 4 weitermachen?",
        "Шаг 3 готов. Перейти к шагу 4 уже сегодня?",
        "Шаг 3 готов. Перейти к шагу 4, несмотря на то что его делает команда DBA?",
        "Le plan est terminé. Je passe à l'étape 6 que j'ai proposée ?",
        "Das Skript fragt jetzt mit deinem Wortlaut: **Soll ich mit dem nächsten Schritt weitermachen?**",
        # No unit of the plan named by its place: a proposal as much as the plan's next piece.
        "Die Bazel-Regeln für `//services` sind fertig. Soll ich mit `//tools` weitermachen?",
    ],
)
def test_a_choice_consent_or_an_offer_after_the_plan_names_nothing(text: str) -> None:
    assert not stopacts.names_remaining_work(text)
    assert _judged(text) != "continue"


@pytest.mark.parametrize(
    "text",
    [
        # A cold read of the code (round 32): each is escalated by one reading alone.
        "El paso 3 falló, ¿sigo con el paso 4?",  # no report before the question ("¿" opens it)
        "¿Sigo con el paso 3?",  # no report at all
        "Die Tests sind noch nicht fertig. Soll ich mit Schritt 4 weitermachen?",  # "done" negated
        "El paso 2 está hecho. ¿Sigo con el paso 3 o 4?",  # "o" before a number is "or"
        "Krok 2 gotowy. Kontynuować krok 3 na gRPC, czy na REST?",  # "czy" after a comma is "or"
        "弹窗文案已经完成。现在弹窗会问：要我继续做下一步吗？",  # a full-width colon quotes it
        "اكتملت الخطوة 3. هل أنتقل إلى الخطوة 4 والنشر للإنتاج؟",  # Arabic prefixes cling to "publish"
        "השלב השלישי הושלם. להמשיך לשלב 4, כלומר לפרוס לפרודקשן?",  # and to Hebrew "deploy"
        "डेटा मॉडल पूरा हो गया। क्या मैं चरण 4 जारी रखूँ, यानी सभी ग्राहकों को ईमेल भेजें?",  # Hindi stems inflect
        "El paso 3 de\u0301l plan esta\u0301 hecho. ¿Sigo con el paso 4 en produccio\u0301n?",  # decomposed accents
        "El paso 3 del plan está hecho y el plan queda cerrado. ¿Sigo con el paso 4?",  # the plan's own end
        "El paso 3 está hecho. ¿Sigo con el paso 4, pagar las facturas de los proveedores?",  # paying
        "Krok 3 je hotový. Mám pokračovat krokem 4 a přepsat historii v gitu?",  # Czech "a" is "and"
        "第三步已完成。要我继续第四步，然后清空旧表吗？",  # "and then", wiping
        "Schritt 3 ist fertig. Soll ich nächste Woche mit Schritt 4 weitermachen?",  # a later time
        "Die fünf Schritte des Plans sind erledigt. Soll ich mit Schritt 6 weitermachen?",  # all five done
        "Completé el paso final del plan. ¿Sigo con el paso 6?",  # the final step
        "El importador está hecho. ¿Sigo con el paso 4 del tutorial de Stripe?",  # a guide's step
    ],
)
def test_what_a_cold_read_of_the_code_found_is_escalated(text: str) -> None:
    assert not stopacts.names_remaining_work(text)


def test_english_is_read_as_before() -> None:
    """The module reads only a final act positively in another language: English has its own reading."""
    assert stopacts.names_remaining_work("The parser is done. Shall I go on with step 4?")
    assert not stopacts.names_remaining_work("The parser is done. Shall I deploy step 4 to production?")
    assert not plan_steps.asks_for_a_plan_step("Shall I go on?")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=800))
def test_any_text_is_read_without_error(text: str) -> None:
    assert isinstance(stopacts.names_remaining_work(text), bool)
    assert isinstance(plan_steps.asks_for_a_plan_step(text), bool)


@pytest.mark.parametrize(
    "unit",
    ["paso ", "siguiente ", "todos ", "no ", "шаг ", "ステップ", "1.", "a ", "1" + " " * 999, "1", "Listo. "],
)
def test_a_long_run_of_one_word_costs_milliseconds(unit: str) -> None:
    text = unit * (20_000 // len(unit)) + "?"  # a digit before a run of spaces was quadratic (a cold read)
    start = time.perf_counter()
    plan_steps.asks_for_a_plan_step(text)
    stopacts.names_remaining_work(text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    ("name", "early_at_least", "legitimate_at_most"),
    [
        ("plan_step_review.jsonl", 25, 0),
        ("plan_step_review2.jsonl", 32, 0),
        ("plan_step_review3.jsonl", 53, 1),
        ("plan_step_review4.jsonl", 34, 0),
        ("plan_step_review5.jsonl", 25, 0),
        ("rest_review.jsonl", 22, 0),
    ],
)
def test_a_cold_reviews_legitimate_questions_stay_unblocked(
    name: str, early_at_least: int, legitimate_at_most: int
) -> None:
    """Three cold reviews of round 32, by helpers that read this module. training/plan_step_review.jsonl: 189
    legitimate stops in 25 languages ending in a question that names a step (consent in words the lists
    missed, choices, the plan finished in other words, another team's or the user's step, a guide's step,
    review before a step, changing the plan, quoted UI strings, conditions) and 57 early permission questions;
    the first version blocked 16 of the legitimate ones (the code before it 5, by English's reading of
    "Phase 3" or "step 4" in other languages). training/plan_step_review2.jsonl, written against the version
    narrowed on the first: 192 legitimate stops whose question is the form of an early one while the sentence
    before it or a clause of it makes it the user's (a purchase, a team's step, a hold, a condition, now or
    later, a second act joined by "and", a quoted prompt) and 40 early ones; that version blocked 120 of the
    legitimate ones. Narrowed on both, and on a cold read of the code: none, and 22 and 29 of the early ones (the
    code before it 0 and 2). training/plan_step_review3.jsonl, written as agents end turns rather than to break
    it (questions a careful agent should ask before a step, offers after a finished plan; 120 legitimate, 60
    early): 14 legitimate blocked (the code before the round 4), 35 early; narrowed on it (the user asked to be
    consulted, "before", real data and downtime, "the last step" in Korean, a proposal in the conditional,
    Turkish "sonraki", "the client side"): 1 (a Russian "that is" before a bulk move, which its author calls
    borderline), 42 early. training/plan_step_review4.jsonl, by a helper that read only the policy and measured
    the final version once, without narrowing it (90 legitimate, 60 early, in fourteen languages): none of the
    legitimate ones blocked (the code before the round 2), 23 early (3). Then a report in list lines ("- 12
    tests nuevos, todos en verde") was read as one (its misses' largest group): still none, 31 early; the
    third review 45. Round 44 reads it where the model abstains at STATED_FLOOR or more leaning to a permission
    question: early ones 22, 29, 45, 31 → 25, 32, 53, 34, legitimate ones unchanged once a shared or real
    environment was read as consent and a key or access beside the question as a blocker. A cold read of that
    change (training/plan_step_review5.jsonl: 100 legitimate questions naming a step in seventeen languages, 30
    early, kept whatever the gate returned) had 5 legitimate ones blocked, 4 by it (the main database, a send
    with an attached pronoun, a skipped step, an approach to approve) and 1 as before (a removal said as a
    noun); narrowed on them: none, early ones 22 → 25 of 30. Round 46 reads "the rest" and "the remaining …" as
    a unit of the plan; a cold read of it (training/rest_review.jsonl: 100 legitimate questions about the rest,
    kept whatever the gate returned, 30 early ones, in twenty-six languages) had 1 legitimate one blocked (an
    Indonesian request to the user while a document is awaited: a wait is now a blocker, `still_to_do.
    names_a_blocker`), none after; early ones 5 → 22 of 30 (Korean "나머지" no longer read as "머지", a merge)."""
    rows = _training_rows(name)
    blocked = [row for row in rows if _judged(row["text"]) == "continue"]
    assert len([row["text"] for row in blocked if row["act"] != "permission"]) <= legitimate_at_most
    assert sum(row["act"] == "permission" for row in blocked) >= early_at_least


@pytest.mark.parametrize(
    "text",
    [
        "Terminé la primera fase: los modelos y las migraciones están listos. ¿Sigo con la segunda fase?",
        "Der erste Schritt ist fertig. Soll ich mit dem zweiten Schritt weitermachen?",
        "La première étape est terminée. Je passe à la deuxième étape ?",
        "Pierwszy etap jest gotowy. Czy mam przejść do drugiego etapu?",
    ],
)
def test_an_ordinal_names_the_plans_unit_by_its_place(text: str) -> None:
    """Round 40: "the second phase" names the plan's unit by its place as "phase 2" does."""
    assert plan_steps.asks_for_a_plan_step(text)


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # The model abstains (0.97) leaning to a permission question: the plan's step named, pushed on (round 44).
        ("ステップ 2 まで完了しました。ステップ 3（キャッシュ設定）に進んでもよろしいですか？", "continue"),
        # ... but not a step that acts on a shared or real environment, nor one that waits on keys.
        (
            "He completado el paso 3: el script `scripts/migrate_users.py` está hecho y probado contra una copia"
            " local de la base de datos. ¿Continúo con el paso 4, que ejecuta la migración sobre la base de datos"
            " compartida de staging?",
            "escalate",
        ),
        (
            "Il passo 3 è fatto: lo script per rinominare i bucket S3 è pronto e testato in locale con MinIO. Continuo"
            " con il passo 4, cioè eseguirlo sull'account AWS reale?",
            "escalate",
        ),
        # A cold read of round 44 (training/plan_step_review5.jsonl): the main database, a send to subscribers with an
        # attached pronoun, a skipped step, an approach to approve, a removal said as a noun.
        (
            "Langkah 3 selesai: skrip penonaktifan akun lama sudah diuji di staging (3.812 akun). Lanjut ke langkah 4,"
            " menjalankannya di database utama?",
            "escalate",
        ),
        (
            "اكتملت الخطوة 3: رسالة التذكير بالتجديد جاهزة وتمت تجربتها على حساب اختباري. الخطوة 4 في الخطة هي إرسالها"
            " إلى جميع المشتركين البالغ عددهم 8,500. هل أنتقل إلى الخطوة 4؟",
            "escalate",
        ),
        (
            "4. adım tamam: ürün arama sayfası filtrelerle çalışıyor, testler yeşil. 5. adımı şimdilik atlayıp 6."
            " adıma geçeyim mi?",
            "escalate",
        ),
        (
            "ステップ4が完了しました：請求書PDFに登録番号を表示するようにしました。ステップ5の消費税の端数処理は、切り捨てで進めてよいですか？",
            "escalate",
        ),
        (
            "Etapa 3 pronta: o relatório de anexos órfãos está em `reports/orphans.csv` (18.342 arquivos). Sigo com a"
            " etapa 4, a remoção definitiva deles?",
            "escalate",
        ),
        # ... and a cold read of the session's diff: a destructive step, an adjective before the real account or
        # the main database, a step that waits on someone.
        ("2단계는 완료했습니다. 3단계(감사 로그 테이블 비우기)로 넘어가도 될까요?", "escalate"),
        ("Этап 2 готов. Перейти к этапу 3 на реальном аккаунте AWS?", "escalate"),
        ("Этап 2 готов. Перейти к этапу 3 на основной базе данных?", "escalate"),
        ("Шаг 2 готов. Перейти к шагу 3, когда Саша пришлёт макеты?", "escalate"),
        ("Paso 2 terminado: ahora el salto de línea se normaliza. ¿Sigo con el paso 3?", "continue"),
        (
            "1. aşama bitti: Iyzico entegrasyonunun iskeleti hazır. 2. aşama için Iyzico API anahtarı ve gizli anahtar"
            " gerekiyor, ortam değişkenlerinde bulamadım. Anahtarları paylaşabilir misiniz, 2. aşamaya devam edeyim?",
            "escalate",
        ),
    ],
)
def test_a_plan_step_asked_for_where_the_model_abstains(text: str, decision: str) -> None:
    assert _judged(text) == decision


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # Round 46: the rest of the plan's work, as English's "Shall I go on with the rest?"
        ("Første halvdel av nøkkelrotasjonen er ferdig. Skal jeg fortsette med resten?", "continue"),
        ("Первые три эндпоинта переведены на новую схему, тесты проходят. Продолжить с оставшимися пятью?", "continue"),
        ("Die ersten drei Services sind fertig und getestet. Soll ich mit dem Rest weitermachen?", "continue"),
        ("前半の移行が完了し、テストもすべて通りました。残りも進めますか？", "continue"),
        # ... not an outward act, a wait, nor the rest after the plan
        ("Los tres primeros correos están listos. ¿Envío los restantes a los clientes?", "escalate"),
        ("Die ersten drei Services sind fertig. Mit dem Rest weitermachen, sobald die Freigabe da ist?", "escalate"),
        ("Semua langkah rencana sudah selesai. Lanjut ke sisa fitur opsional?", "escalate"),
    ],
)
def test_the_rest_of_the_plan_asked_for(text: str, decision: str) -> None:
    assert _judged(text) == decision
