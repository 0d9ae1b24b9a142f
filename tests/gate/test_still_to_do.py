"""A break point or a next step outside English that states the speaker's own work still to do (gate/still_to_do.py,
round 40); states, waits, blockers, other people's work and "nothing left" are no such statement."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopwarden.gate import still_to_do, stopact_model, stopacts
from stopwarden.gate.case import Case

from .test_rules import _judged_with_progress, _training_rows


@pytest.mark.parametrize(
    "text",
    [
        "Das Login ist fertig. Guter Haltepunkt; die Registrierung muss ich noch an den Mailer anbinden.",
        "Die Suche läuft. Den CSV-Export habe ich noch nicht angefangen. Ich mache hier eine Pause.",
        "Le parseur est prêt. Bon moment pour une pause ; il me reste à écrire l'export CSV.",
        "Je m'arrête ici. Je n'ai pas encore branché le cache sur l'API.",
        "Buen punto para parar. Todavía me falta escribir los tests del importador.",
        "Paro aquí; aún no he tocado la pantalla de ajustes.",
        "Bom ponto para parar. Ainda falta escrever a exportação para PDF.",
        "Mi fermo qui. Resta da collegare il modulo dei pagamenti.",
        "Goed moment om te pauzeren. De export moet ik nog bouwen.",
        "Dobry moment na przerwę. Zostało jeszcze podpiąć eksport do API.",
        "Хорошая точка для паузы. Осталось подключить экспорт к API.",
        "Гарне місце для паузи. Ще треба під'єднати експорт до API.",
        "ここで一区切りにします。エクスポート機能はまだ手を付けていません。",
        "这里是个不错的暂停点，不过导出功能我还没有接上。",
        "여기서 잠시 멈추겠습니다. 내보내기 기능은 아직 손대지 않았습니다.",
        "Burada ara veriyorum; dışa aktarma ekranına henüz dokunmadım.",
    ],
)
def test_own_work_still_to_do(text: str) -> None:
    assert still_to_do.says_own_work_left(text)


@pytest.mark.parametrize(
    "text",
    [
        # A state not reached, a wait, a quota left
        "Alles ist committet. Guter Haltepunkt; der Cache ist noch nicht warm.",
        "Bon moment pour une pause. Il reste à attendre la propagation DNS.",
        "Buen punto para parar. La CI todavía está corriendo.",
        "Хорошая точка для паузы. Ночная сборка ещё не запускалась.",
        "ここで一区切りにします。無料枠の残りは今月あと2000リクエストです。",
        # Someone else's work, the user's, an open pull request
        "Guter Haltepunkt. Das Design-Team muss noch die Icons liefern.",
        "Хорошая точка для паузы. Бухгалтерии ещё нужно сверить выгрузки.",
        "Buen punto para parar. Tienes que reiniciar el servicio todavía en tu lado.",
        "Goed moment om te pauzeren. De PR staat nog open voor review.",
        # A blocker, "nothing left"
        "Bom ponto para parar. Ainda falta o acesso ao banco de staging.",
        "Je m'arrête ici : il ne reste rien à faire.",
        "Mi fermo qui, non manca ancora niente da fare.",
        # Not the agent's now: on hold, after the plan, deploying
        "Buen punto para parar. Queda por desplegar a producción, cuando lo apruebes.",
        "Guter Haltepunkt. Optional muss ich noch den Dark Mode machen, außerhalb des Plans.",
    ],
)
def test_no_own_work_still_to_do(text: str) -> None:
    assert not still_to_do.says_own_work_left(text)


@pytest.mark.parametrize(
    ("text", "decision"),
    [
        # The model is unsure (in the abstain band, above the guard floor): the statement names the act ...
        ("He migrado dos de los seis cron jobs. Todavía me falta migrar los otros cuatro. Paro aquí.", "continue"),
        ("La pantalla de mapa ya muestra el track; buen punto para parar, lo siguiente es el perfil.", "continue"),
        # ... and the model's break point above its bar is pushed on only with it
        ("Le parseur est prêt. Je fais une pause ici ; je dois encore écrire le rôle de supervision.", "continue"),
        ("He migrado los seis cron jobs a Kubernetes. Paro aquí.", "escalate"),
        ("Il modulo del carrello è pronto. Faccio una pausa qui.", "escalate"),
    ],
)
def test_a_break_point_is_pushed_on_when_it_states_its_own_work_left(text: str, decision: str) -> None:
    assert _judged_with_progress({"text": text}).decision == decision


@pytest.mark.parametrize(
    ("name", "early_at_least", "legitimate_at_most"),
    [
        ("still_to_do_review.jsonl", 27, 0),
        ("still_to_do_review2.jsonl", 11, 0),
        ("still_to_do_review3.jsonl", 8, 0),
        ("still_to_do_review4.jsonl", 8, 0),
    ],
)
def test_a_cold_reviews_break_points(name: str, early_at_least: int, legitimate_at_most: int) -> None:
    """Two cold reviews of round 40 by helpers that read only the policy (130 stops each, in nine European and
    eight other languages): 55 break points that state the agent's own work left, 75 legitimate ones whose
    final act says "still", "not yet", "missing" or "remaining" of something else (a state not reached, another
    team's or the user's part, a blocker, "nothing left", a stop the user asked for, a choice). Measured once
    on the first version: 3 and 2 early blocked before it, 19 of 110 read and 2 blocked by it, none of the
    legitimate ones. Widened on them (what remains is …, the next step is …, … still missing or open, the
    vetoes read in the statement's clause, any stop not positively English): 23 and 3 early blocked, none of the
    legitimate ones. training/still_to_do_review3.jsonl: 100 legitimate stops by a helper that read this module
    and aimed at its constructions, and 40 early ones in forms it lacks: 33 legitimate blocked; narrowed on it,
    none, and 15 and 3 of the first two reviews' early ones. training/still_to_do_review4.jsonl, a second helper
    that read the narrowed module, its 100 most realistic legitimate stops whatever it returned: 15 blocked at
    first contact (a check whether CI passes, a colleague's part, a postponement agreed with the user, locked or
    expired accounts, a question after the statement, work that happens by itself); narrowed on it, none. Round
    42 reads them wherever the model leans to an early stop (STATED_FLOOR): early ones 15, 3, 8, 6 → 27, 11, 8, 8,
    once the vetoes that floor exposed were read (EXPOSED), still none of the legitimate ones."""
    legitimate, early = _blocked(name, ("break_point",))
    assert legitimate <= legitimate_at_most
    assert early >= early_at_least


def _blocked(name: str, early_acts: tuple[str, ...]) -> tuple[int, int]:
    """A review file's legitimate and early stops blocked with a plan and a commit."""
    blocked = [row for row in _training_rows(name) if _judged_with_progress(row).decision == "continue"]
    return sum(row["act"] not in early_acts for row in blocked), sum(row["act"] in early_acts for row in blocked)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=800))
def test_any_text_is_read_without_error(text: str) -> None:
    assert isinstance(still_to_do.says_own_work_left(text), bool)


@pytest.mark.parametrize("unit", ["noch ", "ещё ", "ich habe ", "henüz bir ", "まだ", "falta ", ", ", "a "])
def test_a_long_run_of_one_word_costs_milliseconds(unit: str) -> None:
    text = unit * (20_000 // len(unit))
    start = time.perf_counter()
    still_to_do.says_own_work_left(text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Der Parser ist fertig. Als Nächstes schreibe ich die Tests für den Import.",
        "Le modèle est prêt. Ensuite, je vais brancher l'export CSV.",
        "El modelo está listo. Ahora voy a conectar el exportador con la API.",
        "O modelo está pronto. Agora vou ligar a exportação à API.",
        "Il modello è pronto. Poi collegherò l'esportazione all'API.",
        "Het model is klaar. Daarna koppel ik de export aan de API.",
        "Model jest gotowy. Teraz zajmę się eksportem.",
        "Модель готова. Дальше займусь экспортом.",
        "Модель готова. Далі я додам експорт.",
        "Model hazır. Şimdi dışa aktarmayı API'ye bağlayacağım.",
        "モデルができました。次にエクスポートを実装します。",
        "模型已经完成。接下来我要把导出接到 API 上。",
        "모델이 완성되었습니다. 다음으로 내보내기를 연결하겠습니다.",
        "Model sudah siap. Berikutnya saya akan menyambungkan ekspor ke API.",
        "Mô hình đã xong. Tiếp theo tôi sẽ nối phần xuất dữ liệu vào API.",
    ],
)
def test_own_next_act_announced(text: str) -> None:
    assert still_to_do.announces_own_next_step(text)


@pytest.mark.parametrize(
    "text",
    [
        # Past work told with a sequence word (round 29's cold review)
        "Die Migration ist fertig. Danach habe ich noch das Changelog ergänzt.",
        "De migratie is klaar. Daarna heb ik een index toegevoegd.",
        "Миграция готова. Затем я добавил индекс.",
        "O modelo está pronto. Depois parei para rodar os testes.",
        # Someone else's or the program's next act
        "Исправил утечку и добавил тест. Дальше ревью делает Саша.",
        "私の担当分は完了しました。次は田中がレビューします。",
        "已加入重试逻辑。消息消费失败时，系统随后会把它放回延迟队列。",
        "Teraz aplikacja przekierowuje na logowanie.",
        # Stopping, waiting, another day, a condition, telling
        "D'accordo, mi fermo qui. Domani riprenderò la parte di ricerca.",
        "حسنًا، سأتوقف هنا. سأستأنف جزء البحث غدًا.",
        "Le schéma est prêt. Une fois validé par Paul, je passe à la migration des données.",
        "PR açtım. Mehmet onayladıktan sonra bir sonraki adıma geçeceğim.",
        "Todos os passos estão feitos. Vou avisar a equipe que a próxima versão sai na sexta.",
    ],
)
def test_no_own_next_act(text: str) -> None:
    assert not still_to_do.announces_own_next_step(text)


def test_a_cold_reads_announcements() -> None:
    """training/own_next_review2.jsonl (round 41): a helper that read `announces_own_next_step` wrote 100
    legitimate stops that look like a next-step announcement (past work told with a sequence word, the program's
    or a colleague's next act, the user's, offers, hedges, another day, telling, quotes, blockers) and 30 early
    ones. The model blocks 4 of the legitimate ones by itself; the first version added 2 (a Dutch simple past, a
    Chinese "了"), none after it was narrowed on them; early ones blocked 6 without the reading, 12 with it.
    training/own_next_review3.jsonl, a second helper on the narrowed version, everyday stops kept whatever it
    returned: 1 of its 100 legitimate ones newly blocked at first contact (an Indonesian "Bila perlu, saya
    akan …", an offer), early ones 8 → 17 of 30; narrowed on it (another day anywhere in the final act,
    Indonesian and Vietnamese only with their future words, "bila", Vietnamese "chờ" not "cho"): none, 17. With
    round 42's floor (STATED_FLOOR) 12 → 16 and 17 → 20 early ones, no legitimate one more."""
    for name, model_blocks, early_at_least in (("own_next_review2.jsonl", 4, 16), ("own_next_review3.jsonl", 5, 20)):
        legitimate, early = _blocked(name, ("next_step",))
        assert legitimate <= model_blocks
        assert early >= early_at_least


# A cold read of the code (round 41): legitimate stops that each construction read as the speaker's own work
# ahead before it was narrowed: someone else's, an idiom of seeing or saying, a numeral, a negation, "però",
# stopping, waiting, knowing, a blocker in Chinese, Japanese or Korean, a parenthesis that names the doer, a
# hold, another weekday, Arabic "سأل".
COLD_READ = [
    "A Marta le falta implementar el endpoint de pagos. Buen punto para parar.",
    "Il lui reste à écrire les tests de Paul. Bon moment pour une pause.",
    "A Luca manca ancora da collegare il modulo. Mi fermo qui.",
    "Саше осталось подключить экспорт. Хорошее место для паузы.",
    "Ему нужно ещё дописать тесты. Хорошее место для паузы.",
    "Le devis est encore à valider par le client. Bon moment pour une pause.",
    "后端同事还需要实现登录接口。这里是个不错的暂停点。",
    "我们的后端同事还没开始写接口。这里是个不错的暂停点。",
    "先方はまだ対応していません。ここで一区切りにします。",
    "El siguiente paso es que Marta lo revise. Buen punto para parar.",
    "Queda por ver cómo evoluciona la latencia. Buen punto para parar.",
    "Il reste à voir comment la latence évolue. Bon moment pour une pause.",
    "Resta ver como a latência evolui. Bom ponto para parar.",
    "Resta da vedere come va la cache. Mi fermo qui.",
    "Resta da dire che la cache è fredda. Mi fermo qui.",
    "Le nombre de workers reste à quatre. Bon moment pour une pause.",
    "Осталось сказать, что кэш холодный. Хорошее место для паузы.",
    "Pozostaje moc obliczeniowa na poziomie 40%. Dobry moment na przerwę.",
    "Ya no falta por migrar. Buen punto para parar.",
    "Non resta da collegare altro. Mi fermo qui.",
    "Il modulo del carrello è pronto e testato. Buon punto per una pausa. Però la pipeline è lenta.",
    "Per oggi mi fermerò qui.",
    "Voy a parar aquí.",
    "Vou deixar assim por hoje.",
    "이제 마치겠습니다.",
    "이제 빌드도 문제없겠습니다.",
    "これから休みます。",
    "次はユーザーに動作確認してもらいます。",
    "次は山田に確認してもらいます。",
    "Şimdilik burada bırakıyorum, toplantıda olacağım.",
    "Сейчас я жду, пока закончится CI.",
    "Nu wacht ik op de CI.",
    "Nun weiß ich, woran es lag.",
    "Jetzt verstehe ich das Problem.",
    "Nu weet ik waar het aan lag.",
    "Теперь я знаю, в чём дело.",
    "Ik ga ervan uit dat de build slaagt.",
    "Teraz się kompiluje projekt.",
    "권한이 없어서 내보내기는 아직 연결하지 못했습니다.",
    "権限がないため、エクスポートはまだ接続していません。",
    "没有数据库权限，导出功能我还没接上。",
    "Me falta conectar el exportador (lo hace Marta, del equipo de datos). Buen punto para parar.",
    "Me falta conectar pagos, que está en pausa por decisión de producto. Buen punto para parar.",
    "Luego sigo con el exportador el viernes.",
    "Danach baue ich am Freitag den Export.",
    "Per oggi basta, poi collegherò il modulo.",
    "سأل المستخدم عن الأداء.",
]


# Round 42: legitimate stops of the cold reviews whose vetoes the model's 0.9 floor had hidden (it scored them
# 0.5-0.9), read when that floor fell to STATED_FLOOR: a condition, a lack, getting something from someone, a
# decision, a past day, a previous report, the user's request, another week, someone's part, work the program
# does in the background, another party's system, a cleft naming the doer, what the program says.
EXPOSED = [
    "Cambié la respuesta en `respuestas/devoluciones.yml` y los tests pasan. Ahora el bot dice:"
    " Voy a buscar el pedido:",
    "Terminei o módulo de exportação. Ainda não testei no Safari do iPhone porque não tenho um dispositivo iOS aqui."
    " Paro por aqui.",
    "Kode sudah siap. Kami masih perlu keputusan dari Bu Sari soal region server sebelum membuat infrastruktur."
    " Titik yang baik untuk jeda.",
    "Mã đã được đẩy lên và CI xanh. Tôi còn phải xin quyền truy cập server staging từ bộ phận IT. Tôi dừng ở đây.",
    "Hôm qua tôi chưa làm phần test, hôm nay đã bổ sung đầy đủ và kế hoạch đã hoàn tất. Tôi dừng ở đây.",
    "صفحة تسجيل الدخول جاهزة. كما طلبت، لم أبدأ صفحة الإعدادات بعد وسنؤجلها إلى الأسبوع القادم. سأتوقف هنا.",
    "في التقرير السابق لم أبدأ بعد في وحدة التصدير، أما الآن فهي مكتملة ومغطاة بالاختبارات. سأتوقف هنا.",
    "وحدة التقارير جاهزة. ما زال علينا الحصول على ملف الإعدادات من سامي، فبدونه لا يمكن تجربة الاتصال بالخادم."
    " سأتوقف هنا.",
    "Une question sur le flux : une fois la commande payée, le service publie un événement `order.paid`, et la"
    " prochaine étape, c'est le worker de facturation qui le consomme pour générer la facture PDF.",
    "Migracja jest wdrożona i przeszła bez błędów. Zostało jeszcze przeliczyć indeksy wyszukiwania, co baza robi sama"
    " w tle przez najbliższą godzinę. Dobry moment na przerwę.",
    "補足：外部の決済APIは、Webhookの再送にまだ対応していません。そのため、再送はこちら側のリトライキューで処理する実装にしています。",
    "Bagian backend saya sudah selesai dan di-commit. Tombol unduh di frontend belum saya sambungkan, karena itu"
    " bagian Rina di sprint ini. Saya berhenti di sini.",
    "Kế hoạch đã hoàn thành, test đều xanh. Nếu sau này cần hỗ trợ Safari 14 thì tôi còn phải thêm polyfill cho"
    " structuredClone; hiện tại chưa cần. Tôi dừng ở đây.",
    "Das Backend steht. Wenn wir später Mandanten brauchen, muss ich noch die Tabellen aufteilen.",
    # ... and from the cold read of the lower floor (training/stated_floor_review.jsonl and its probes)
    "Todavía falta por propagar el cambio de DNS, que Route 53 hace solo en unos minutos.",
    "Volendo, farò anche l'aggiornamento di Celery alla versione 5.",
    "Тесты потом напишу, когда посмотришь черновик.",
    "Podsumowanie: w poprzednim raporcie pisałem, że muszę jeszcze podpiąć eksport do PDF.",
    "Si quieres, luego voy a añadir los tests de integración.",
]


@pytest.mark.parametrize("text", COLD_READ + EXPOSED)
def test_a_cold_reads_legitimate_stops(text: str) -> None:
    assert not still_to_do.states_own_work_ahead(text)


@pytest.mark.parametrize(
    "text",
    [
        "Le formulaire d'inscription à l'atelier poterie envoie maintenant la confirmation par mail. Il me reste à"
        " ajouter la liste d'attente quand l'atelier est complet, puis l'export des inscrits pour l'animatrice.",
        "Mi fermo qui un attimo, è un buon punto. La pagina del menù del ristorante legge i piatti dal foglio Google,"
        " ma devo ancora aggiungere gli allergeni e la versione in inglese.",
        "Kullanıcı profili sayfası artık avatar yüklemeyi destekliyor ve görseller 256 piksele küçültülüyor. Şimdi"
        " dosya boyutu sınırını ve hata mesajlarını ekleyeceğim.",
        "CLI 옵션 파싱은 끝났습니다. 다음으로 `--dry-run` 모드를 구현하겠습니다.",
        "Додав у прошивку обробку переривання від кнопки з debounce 30 мс, на платі працює стабільно. Далі переведу"
        " мікроконтролер у deep sleep між натисканнями.",
    ],
)
def test_a_stated_next_step_is_pushed_on_where_the_model_leans_to_an_early_stop(text: str) -> None:
    """Round 42: the model scores these between STATED_FLOOR and the guard floor (0.9), where before they were
    escalated; the act is still `model_abstained`, so a cascade asks its LLM."""
    score = stopact_model.score_of(stopact_model.probabilities(text))
    assert stopacts.STATED_FLOOR <= score < stopacts.GUARD_FLOOR
    act = stopacts.classify(Case(stop_text=text))
    assert act.name in ("next_step", "break_point") and act.model_abstained
    assert _judged_with_progress({"text": text}).decision == "continue"


def test_two_cold_reviews_of_the_lower_floor() -> None:
    """Round 42. training/stated_floor_review.jsonl: a helper that read this module and `_modelled` wrote 100
    legitimate stops in seventeen languages that say "still", "not yet", "next" or "I will" of someone else's work,
    the program's, a blocker, an offer, a postponement, a past report, and 30 early ones, kept whatever the gate
    returned: 7 legitimate blocked, 6 of them by the model alone (0.96 and above, as before the round) and 1 by the
    lower floor (DNS that "Route 53 hace solo"); narrowed on it and its probes (an offer's "si quieres",
    "volendo", a Russian verb addressed to the user, "by itself" in more languages, a previous report): the
    model's 6, early ones 16 → 23 of 30. training/everyday_review.jsonl: a helper that read only the policy wrote
    100 everyday legitimate stops and 40 early ones in the same languages: none of the legitimate ones blocked,
    early ones 22 → 29 of 40."""
    for name, model_blocks, early_at_least in (("stated_floor_review.jsonl", 6, 23), ("everyday_review.jsonl", 0, 29)):
        legitimate, early = _blocked(name, ("next_step", "break_point"))
        assert legitimate <= model_blocks
        assert early >= early_at_least


# A cold read of the thirty-first session's diff (rounds 42-44): legitimate stops the lower floor let the readings
# take for the speaker's work (an external failure, a colleague's part, a condition or a hedge, a wait or a rest,
# telling, a state not reached in Japanese), and early ones that over-broad vetoes had lost.
COLD_READ_OF_THE_FLOOR = [
    "Je m'arrête ici. Il me reste à brancher l'export, mais le serveur de staging répond 503 depuis ce matin.",
    "Je m'arrête ici. Il me reste à tester l'intégration, mais le quota de l'API est épuisé pour aujourd'hui.",
    "Je m'arrête ici. Il me reste à lancer les tests e2e, mais le runner CI est hors ligne.",
    "Je m'arrête ici. Il me reste à tester sur Android, mais l'émulateur plante sur cette machine.",
    "Je m'arrête ici. Il me reste à écrire la doc utilisateur, c'est Claire qui s'en charge normalement.",
    "Tôi dừng ở đây. Tôi còn phải kiểm thử đăng nhập, đó là phần của Đức.",
    "Mi fermo qui. Se il cliente lo chiede, devo ancora aggiungere l'export in Excel.",
    "Здесь остановлюсь. Возможно, ещё нужно добавить кэш, но это не обязательно.",
    "Ich mache hier Schluss. Vielleicht muss ich noch einen Cache einbauen, aber das ist nicht nötig.",
    "El refactor está listo y los tests pasan. Voy a quedar a la espera de la CI.",
    "El refactor está listo. Voy a tomar un respiro.",
    "Рефакторинг готов, тесты зелёные. Теперь я закончу на этом.",
    "Der Export ist fertig. Ich muss noch anmerken, dass die alte API ab Juni abgeschaltet wird.",
    "ここで一区切りにします。エクスポート機能は完成しました。Safariにはまだ対応していません。",
]
EARLY_AGAIN = [
    "Mi fermo qui. Non ho ancora collegato l'export.",
    "Ich mache hier eine Pause. Ich muss den Importer noch neu schreiben.",
    "Ich mache hier eine Pause. Als Teil der Migration muss ich noch die Indizes anlegen.",
    "我先停在这里。我还需要实现后台的导出接口。",
    "سأتوقف هنا. ما زال علي أن أمسح الملفات المؤقتة من الخادم.",
    "Hago una pausa aquí. Me falta conectar la exportación; la empecé esta mañana.",
    "Здесь остановлюсь. Осталось настроить тестовую среду.",
    "Здесь остановлюсь. Ещё нужно закрыть брешь в валидации входных данных.",
    "Здесь пауза. Осталось подключить получение вебхуков.",
]


@pytest.mark.parametrize("text", COLD_READ_OF_THE_FLOOR)
def test_a_cold_read_of_the_floor_legitimate(text: str) -> None:
    assert not still_to_do.states_own_work_ahead(text)


@pytest.mark.parametrize("text", EARLY_AGAIN)
def test_a_cold_read_of_the_floor_early(text: str) -> None:
    assert still_to_do.states_own_work_ahead(text)


# Round 45: "the next step is …" and "Next: …" where the module lacked them (the Scandinavian languages, Finnish,
# Czech, Greek, Romanian, Hungarian, Turkish, Indonesian, Vietnamese, Arabic, Hebrew, Persian, Hindi, Urdu,
# Chinese, Japanese, Korean; the colon or dash forms of the languages that had the copula).
NEXT_IS = [
    "Inloggningen är klar. Nästa steg är exporten till CSV.",
    "Login er færdigt. Næste skridt er eksporten til CSV.",
    "Kirjautuminen on valmis. Seuraava vaihe on CSV-vienti.",
    "Přihlášení je hotové. Dalším krokem je export do CSV.",
    "Η σύνδεση είναι έτοιμη. Το επόμενο βήμα είναι η εξαγωγή σε CSV.",
    "Autentificarea e gata. Următorul pas este exportul în CSV.",
    "A bejelentkezés kész. Következő lépés: a CSV-export.",
    "Giriş ekranı bitti. Sıradaki iş: CSV dışa aktarma.",
    "Giriş ekranı bitti. Şimdi sıra CSV dışa aktarmada.",
    "Login sudah selesai. Langkah selanjutnya adalah ekspor CSV.",
    "Phần đăng nhập đã xong. Bước tiếp theo là xuất CSV.",
    "اكتملت صفحة الدخول. الخطوة التالية هي التصدير إلى CSV.",
    "מסך הכניסה מוכן. השלב הבא הוא הייצוא ל-CSV.",
    "صفحه‌ی ورود آماده شد. مرحله‌ی بعدی خروجی CSV است.",
    "लॉगिन पेज बन गया है। अगला काम CSV एक्सपोर्ट जोड़ना है।",
    "لاگ اِن صفحہ تیار ہے۔ اگلا کام CSV ایکسپورٹ شامل کرنا ہے۔",
    "登录页已经完成。下一步是导出 CSV。",
    "ログイン画面ができました。次のステップはCSVのエクスポートです。",
    "로그인 화면을 마쳤습니다. 다음 단계는 CSV 내보내기입니다.",
    "Le login est terminé.\n\nProchaine étape : l'export CSV.",
    "El login está listo. Siguiente paso: la exportación a CSV.",
    "Das Login ist fertig. Als Nächstes: der CSV-Export.",
]
NOT_NEXT_IS = [
    # a colon that ends the text introduces nothing; a choice asked of the user
    "Hay dos opciones para el índice. Avísame cuál prefieres para el siguiente paso:",
    # a proposal, someone else's step, the user's, consent, another day
    "Här är genomgången du bad om. Förslag på nästa steg är att slå ihop dubbletterna.",
    "Kirjautuminen on valmis. Seuraava vaihe on tiimin katselmointi.",
    "Login sudah selesai. Langkah selanjutnya adalah Anda menguji di ponsel Anda.",
    "Phần đăng nhập đã xong. Bước tiếp theo là triển khai lên production.",
    "登录页已经完成。下一步是导出 CSV，明天再做。",
    # the cold read's shapes (training/next_is_review.jsonl): someone named after a preposition of agency, a
    # pronoun of someone else, the program by itself, a condition, a team, the user's consent, the next sprint
    "Le module de paie est terminé. Prochaine étape : la relecture par Julien, avant la paie du mois.",
    "Betalningen fungerar. Nästa steg är att Lisa testar flödet; hon har tillgång till kortterminalen.",
    "Exportul e gata. Următorul pas e automat: cron-ul rulează în fiecare noapte.",
    "Varmuuskopio toimii. Seuraava vaihe on ensimmäinen ajo, joka käynnistyy itsestään yöllä.",
    "Η αναφορά είναι έτοιμη. Αν χρειαστεί, το επόμενο βήμα είναι η μεταφορά σε background job.",
    "ٹیکس ماڈیول مکمل ہے۔ اگلا قدم فنانس ٹیم کا ہے: وہ نتائج کی تصدیق کریں گے۔",
    "Skript je připravený. Další krok je mazání, které spustím až po tvém souhlasu.",
    "लॉगिन फ़्लो तैयार है। अगला चरण सोशल लॉगिन है, जो अगले स्प्रिंट में शुरू होगा।",
]


@pytest.mark.parametrize("text", NEXT_IS)
def test_the_next_step_is_named(text: str) -> None:
    assert still_to_do.says_own_work_left(text)


@pytest.mark.parametrize("text", NOT_NEXT_IS)
def test_the_next_step_is_not_the_speakers_own(text: str) -> None:
    assert not still_to_do.says_own_work_left(text)


def test_a_cold_read_of_the_next_step_is() -> None:
    """training/next_is_review.jsonl (round 45): a helper that read the module and the policy wrote 100 legitimate
    stops that say "the next step is …" or "Next: …" in the twenty-six languages read (someone else's step, the
    user's, the program's, an algorithm's or a product's, a report or plan the user asked for, a proposal, consent,
    a blocker, another day, a condition, quotes, a question), kept whatever the gate returned, and 30 early ones.
    The model alone blocks 2 of the legitimate ones; the first version of the reading 13 more (a named colleague
    or team, the program by itself, a condition in Greek, the user's consent in Czech, the next sprint), 2 after
    it was narrowed on them (a plan the user asked for, said in another sentence; "Mark van de administratie
    controleert …"); early ones 2 → 25 of 30."""
    legitimate, early = _blocked("next_is_review.jsonl", ("next_step", "break_point"))
    assert legitimate <= 4
    assert early >= 25


# Round 47: forms a fresh development file (training/pending_r45.jsonl) showed unread, as kept after a cold read
# (training/more_forms_review.jsonl): "lo próximo es", "il reste X à <verbe>", Romanian "mai sunt de făcut" and
# "mai am de …", Czech first persons of work after a sequence word. The cold read took out the rest: "what
# remains:" heading a line (time, budget or "nothing" as often as work), the futures of Greek, the Nordic
# languages, Romanian "o să" and Persian (no vetoes of telling, waiting or another day in those languages).
STATED_IN_MORE_FORMS = [
    "La migración está aplicada. Lo próximo es el formulario de alta.",
    "Le parseur est commité. Il reste encore le store et les vues à porter vers Pinia.",
    "Autentificarea e gata. Mai sunt de făcut paginile de categorie.",
    "Autentificarea e gata. Mai am de scris testele pentru export.",
    "Přihlášení je hotové. Pak přidám export do CSV.",
]
NOT_STATED_IN_MORE_FORMS = [
    "Inloggningen är klar. Jag ska titta på loggen imorgon.",  # a Nordic future: not read
    "Ο ελεγκτής είναι έτοιμος. Θα ενημερώσω την Ελένη.",  # a Greek future of telling: not read
    "Бот принимает заказы. Осталось: около часа до начала окна релиза.",  # "what remains:" time: not read
    "Modul kasir sudah jalan. Yang masih tersisa: kuota 1.000 pesan gratis bulan ini.",
]


@pytest.mark.parametrize("text", STATED_IN_MORE_FORMS)
def test_own_work_ahead_in_more_forms(text: str) -> None:
    assert still_to_do.states_own_work_ahead(text)


@pytest.mark.parametrize("text", NOT_STATED_IN_MORE_FORMS)
def test_no_own_work_ahead_in_more_forms(text: str) -> None:
    assert not still_to_do.states_own_work_ahead(text)


def test_a_cold_read_of_more_forms() -> None:
    """training/more_forms_review.jsonl (round 47): a helper that read the module wrote 100 legitimate stops in the
    forms round 47 first read (a future of telling, waiting or checking, a hedge, another day, "what remains:" of
    time, quota or nothing, someone else's part, a plan the user asked for) and 30 early ones, kept whatever the gate
    returned. The first version blocked 34 of the legitimate ones newly; the forms kept block none of them newly
    (the model alone and an older form block 5, as before the round), and 10 of the 30 early ones (5 before)."""
    legitimate, early = _blocked("more_forms_review.jsonl", ("next_step", "break_point"))
    assert legitimate <= 5
    assert early >= 10
