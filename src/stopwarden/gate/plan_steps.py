"""Whether a permission question in another language than English asks leave to go on with the plan's own step.

In English the rules read what a permission question names (`stopacts.names_remaining_work`): "Shall I go on
with step 4?" names the plan's remaining work and is pushed on when a plan older than the session shows
progress; "Shall I deploy it?" or "REST or gRPC?" is the user's to answer. Outside English they read nothing,
so "¿Sigo con el paso 3 del plan?" was escalated even where the model named it permission with certainty.

This module reads one narrow shape in the languages developers most often write in (round 32): a final act
whose every sentence before the question reports work done (the concept lexicon's `done`), and whose question
asks leave to go on (its `continue`, or a form of those verbs a question takes) with a unit of the plan named
by its place in it (a step, phase or item with its number or an ordinal, "the next step", "… of the plan"), and
nothing more.
Two cold reviews (training/plan_step_review.jsonl, plan_step_review2.jsonl) showed that what makes such a
question the user's is said beside it: a choice (a word for "or", "which", "instead of", two questions), consent
to an outward or irreversible act (production, deploying, uploading, merging, publishing, deleting, sending,
charging, buying, customers), the plan finished (every step, the last step, steps 1 to N, optional, out of or
not in the plan, the plan as the subject of "done"), a team's step, one on hold, one the agent proposed, a
second act joined by "and", a concession, a condition, a day, a quoted or introduced question. Any of these
leaves the question to the cascade's LLM, as before. The words are closed classes of each language's grammar
and of a plan's vocabulary, written from grammar and the reviews, never from a frozen set.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from stopwarden.gate import concepts, stopact_model

# A word's letters in the spaced scripts: `\w` and the combining marks Python does not count as `\w` (Latin
# accents left decomposed; the vowel signs of Devanagari and its neighbours, but not the danda, which ends a
# sentence: concepts._MARKS).
_LETTER: Final = r"[\w\u0300-\u036f\u0900-\u0963\u0966-\u0dff]"
_INDIC: Final = re.compile("[\u0900-\u0dff]")
_B: Final = rf"(?<!{_LETTER})"
_E: Final = rf"(?!{_LETTER})"


def _words(*entries: str) -> str:
    """One alternation of whole-word entries (regular expressions: `\\w*` lets a stem go on, vowel signs too:
    Hindi "भेज\\w*" reads "भेजें")."""
    return rf"{_B}(?:{'|'.join(map(_indic_stems, entries))}){_E}"


def _indic_stems(entry: str) -> str:
    """An entry whose words are in an Indic script, with its `\\w` taking vowel signs too: only there (a class
    in every stem of the lists would cost tens of milliseconds to compile)."""
    return entry.replace("\\w", _LETTER) if _INDIC.search(entry) else entry


# A unit of a plan, in the spaced languages (es, pt, fr, it, de, nl, pl, cs, ru, uk, tr, id, vi, hi, ar, he,
# fa, sv, da, no, fi, hu, el, ro) ...
_STEP: Final = _words(
    r"pasos?|fases?|etapas?|tareas?|passos?|tarefas?|[ée]tapes?|phases?|t[âa]ches?|passi|fasi|attivit[àa]",
    r"schritt\w*|phase\w*|etappe\w*|aufgabe\w*|stap|stappen|taak|taken|onderdeel",
    r"krok\w*|etap\w*|faz[aeyąę]|zadani\w+|f[áa]ze|[úu]kol\w*",
    r"шаг\w*|этап\w*|фаз\w+|пункт\w*|задач\w+|крок\w*|етап\w*|завданн\w+",
    r"ad[ıi]m\w*|a[şs]ama\w*|madde\w*|langkah|tahap\w*|fase|b[ưu][ớo]c|giai\s+[đd]o[ạa]n",
    r"चरण|कदम|स्टेप|مرحله|گام",
    r"steg\w*|etapp\w*|trin\w*|skridt|vaihe\w*|askel\w*|l[ée]p[ée]s\w*|f[áa]zis\w*|szakasz\w*",
    r"β[ήη]μα\w*|φ[άα]ση|στ[άα]διο|pa[șs]ii?|pasul|faza|etapa",
)
# ... "next" beside it ...
_NEXT: Final = _words(
    r"siguiente|pr[óo]xim[oa]s?|seguinte|suivante?s?|prochaine?s?|successiv[oa]|prossim[oa]",
    r"n[äa]chste\w*|folgende\w*|volgende|nast[ęe]pn\w+|kolejn\w+|dal[šs][íi]\w*",
    r"следующ\w+|наступн\w+|sonraki|berikutnya|selanjutnya|ti[ếe]p\s+theo|k[ếe]\s+ti[ếe]p",
    r"अगल[ाीे]|التالية?|القادمة?|הבאה?|بعدی|n[äa]sta|n[æe]ste|seuraav\w+|k[öo]vetkez[őo]\w*|επ[όο]μεν\w+",
    r"urm[ăa]tor\w*",
)
# ... or "the plan's" (its genitive or "in the plan"): the unit is the plan's, not a proposal's.
_OF_THE_PLAN: Final = _words(
    r"del\s+plan|en\s+el\s+plan|do\s+plano|no\s+plano|du\s+plan|dans\s+le\s+plan|del\s+piano|nel\s+piano",
    r"(?:im|des|aus\s+dem|nach\s+dem|laut)\s+plans?|(?:in|uit)\s+het\s+plan|van\s+het\s+plan",
    r"w\s+planie|z\s+planu|planu|v\s+pl[áa]nu|pl[áa]nu",
    r"плана|в\s+плане|по\s+плану|у\s+плані|плану",
    r"plan[ıi]n\w*|plandaki|di\s+rencana|dari\s+rencana|dalam\s+rencana|rencananya|trong\s+k[ếe]\s+ho[ạa]ch",
    r"योजना\s+(?:के|में|का|की)|في\s+الخطة|من\s+الخطة|בתוכנית|מהתוכנית|در\s+برنامه",
    r"i\s+planen|planens|suunnitelman\w*|a\s+tervben|terv\s+szerinti|του\s+σχεδ[ίι]ου|din\s+plan|planului",
)
# The scripts written without spaces, and Korean (whose particles follow a word): a unit with its number or
# "next", or the plan's.
_CJK_STEP: Final = (
    r"(?:ステップ|段階|フェーズ|工程|項目|タスク|手順)\s*\d|(?<!\d)\d++\s*+(?:段階|番目のステップ)|第\s*[\d一二三四五六七八九十]+\s*(?:段階|步|阶段|階段|项|項|部分)"
    r"|次の(?:ステップ|段階|フェーズ|工程|項目|タスク|手順)|計画の|計画にある|プランの"
    r"|下一(?:步|个|個|阶段|階段|项|項)|计划(?:里|中|的|上)|計劃(?:裡|中|的)|步骤\s*\d|阶段\s*\d"
    r"|(?:단계|스텝|항목|페이즈)\s*\d|(?<!\d)\d++\s*+단계|다음\s*(?:단계|스텝|항목|작업|페이즈)|계획(?:의|에|상)"
)
# Arabic and Hebrew nouns of a plan's unit, whose prefixes cling to them ("للخطوة", "לשלב"): no left edge.
_CLITIC_STEP: Final = rf"(?:خطو[ةت]|مرحل[ةت]|بند|مهم[ةت]|שלב|צעד){_E}"
_A_STEP: Final = rf"(?:{_STEP}|{_CLITIC_STEP})"
_OF_THE_PLAN_RE: Final = re.compile(_OF_THE_PLAN, re.IGNORECASE)
# Arabic and Hebrew words of outward acts, whose prefixes ("and", "to", "the") cling to them.
_CLITIC_CONSENT: Final = (
    r"(?:نشر|حذف|إرسال|ارسال|الإنتاج|إنتاج|العملاء|عملاء|فواتير)(?:ها|ه|هم|هما)?(?![\u0600-\u06ff])"
    r"|(?:לפרוס|פריסה|פרודקשן|ייצור|מחיקה|למחוק|שליחה|לשלוח|לקוחות|להעלות|פרסום)(?![\u05d0-\u05ea])"
)
# ... or its place by an ordinal word, second to eighth ("la segunda fase", "den dritten Schritt", "l'étape
# trois" is a number): the unit after the first, named by its place as a number names it (round 40).
_ORDINAL: Final = _words(
    r"segund[oa]|tercer[oa]?|cuart[oa]|quint[oa]|sext[oa]|s[ée]ptim[oa]|octav[oa]|terceir[oa]|s[ée]tim[oa]|oitav[oa]",
    r"deuxi[èe]me|seconde?|troisi[èe]me|quatri[èe]me|cinqui[èe]me|sixi[èe]me|septi[èe]me|huiti[èe]me",
    r"second[oa]|terz[oa]|sest[oa]|settim[oa]|ottav[oa]",
    r"zweite[nmrs]?|dritte[nmrs]?|vierte[nmrs]?|f[üu]nfte[nmrs]?|sechste[nmrs]?|siebte[nmrs]?|achte[nmrs]?",
    r"tweede|derde|vierde|vijfde|zesde|zevende|achtste",
    r"drug(?:i|a|ie|iego|im|iej|ą)|trzeci(?:|a|e|ego|m|ej|ą)|czwart(?:y|a|e|ego|ym|ej|ą)|pi[ąa]t(?:y|a|e|ego|ym|ej|ą)",
    r"втор(?:ой|ая|ое|ого|ому|ую|ом)|треть(?:ий|я|е|его|ему|ю|ей)|четв[её]рт(?:ый|ая|ое|ого|ому|ую|ом)",
    # Not Ukrainian "другий" ("second"): Russian "другой" is "other".
    r"пят(?:ый|ая|ое|ого|ому|ую|ом)|трет(?:ій|я|є|ього|ьому|ю)|четверт(?:ий|а|е|ого|ому|у|ій)",
    r"ikinci|[üu][çc][üu]nc[üu]|d[öo]rd[üu]nc[üu]|be[şs]inci|kedua|ketiga|keempat|kelima|th[ứu]\s+(?:hai|ba|t[ưu]|n[ăa]m)",
)
# ... or what is left of it, "the rest", "the remaining …" (round 46: as English's "Shall I go on with the rest?"
# names the plan's remaining work, `stopacts.REMAINING`; "Skal jeg fortsette med resten?", "Продолжить с оставшимися
# пятью?", "Συνεχίζω με τα υπόλοιπα τρία;", "Lanjut ke sisa rencana?"). Not "the others" ("los otros", "lainnya"),
# which may be anything.
_REST: Final = _words(
    r"restantes?|(?:el|o|lo)\s+resto|resto\s+(?:del?|do|da)|dem[áa]s|demais|restant(?:e|s|es)|le\s+reste|rimanent[ei]",
    r"restant[ei]|il\s+resto|restlichen?|[üu]brigen|(?:den|die|dem)\s+rest|verbleibenden?|resterende|overige|de\s+rest",
    r"pozosta[łl]\w+|reszt[aęąy]|zb[ýy]vaj[íi]c[íi]\w*|zbytek|zbytkem|zbytku|оставш\w+|остальн\w+|остаток\w*",
    r"решт\w+|залишен\w+|kalan\w*|sisa\w*|selebihnya|c[òo]n\s+l[ạa]i|बाकी|शेष|resten|[åa]terst[åa]ende|[öo]vriga",
    r"[øo]vrige|loput|j[äa]ljell[äa]\s+olev\w*|marad[ée]k\w*|h[áa]tral[ée]v[őo]\w*|υπ[όο]λοιπ\w+|restul|r[ăa]mas\w*",
)
_CLITIC_REST: Final = r"(?:المتبقي\w*|الباقي\w*|تبق[ىي]|הנותר\w*|השאר|היתר|باقی\S*|بقیه\S*)"
_UNIT: Final = re.compile(
    rf"{_A_STEP}\s*+(?:n[º°o]\.?\s*+)?\d|{_B}\d++\s*+(?:(?:\.|-?\w{{1,3}}(?=\s))\s*+)?{_A_STEP}|{_NEXT}(?:\W+\w+){{0,2}}?\W+{_A_STEP}"
    rf"|{_A_STEP}(?:\W+\w+){{0,2}}?\W+{_NEXT}|{_OF_THE_PLAN}|{_CJK_STEP}|{_ORDINAL}\W+{_A_STEP}|{_A_STEP}\W+{_ORDINAL}"
    rf"|{_REST}|{_CLITIC_REST}|残り|剩下|剩余|剩餘|其余|其餘|나머지|남은",
    re.IGNORECASE,
)

# A choice: a word for "or" (not Polish "czy" nor Ukrainian "чи" opening the question, where they only ask;
# Spanish "u" only before an o-sound; Spanish and Italian "o" unless the question is Portuguese, whose "o" is
# "the"), which of them, or two questions side by side.
_OR: Final = re.compile(
    _words(
        r"oppure|ou|soit|oder|bzw|of|dan\s+wel|lub|albo|nebo|či|alebo|или|либо|або|veya|ya\s+da|yoksa",
        r"atau|ho[ặa]c|hay\s+l[àa]|hay|या|अथवा|أو|أم|או|یا|eller|alternativt|tai|vaiko|vagy|avagy",
        r"ή|είτε|sau|cu[áa]l|qual|lequel|laquelle|quale|welche\w*|какой|какую|hangisi|yang\s+mana|c[áa]i\s+n[àa]o|कौन|أي|איזה|کدام|vilken|vilket|hvilken",
        r"mik[äa]|melyik|ποι[οαόά]\w*|anebo|а\s+може|ataukah|ori|statt|anstatt|en\s+(?:vez|lugar)\s+de|au\s+lieu\s+de",
        r"invece\s+di|em\s+vez\s+de|in\s+plaats\s+van|zamiast|m[íi]sto|вместо|зам[іi]сть|yerine|alih-alih|thay\s+v[ìi]",
        r"के\s+बजाय|بدلا\w*|במקום|i\s+st[äa]llet\s+f[öo]r|sijaan|helyett|αντ[ίι]|[îi]n\s+loc\s+de",
    )
    + rf"|{_B}u\s+(?=h?o)|(?<=[\w,;]\s)(?:czy|чи){_E}"
    r"|それとも|または|あるいは|もしくは|どちら|どっち|か、|の代わりに|아니면|또는|혹은|대신|까요\s*[,，]|나요\s*[,，]"
    r"|还是|還是|或者|或是|或|哪|要不|而不是"
    r"|で進め",  # Japanese "proceed by X": an approach to approve ("切り捨てで進めてよいですか")
    re.IGNORECASE,
)
# Portuguese, whose "o" is "the" and "vai" "goes" (Finnish "or").
_PORTUGUESE_WORDS: Final = rf"[ãõç]|{_B}(?:com|você|vocês|não|eu|um|uma|do|em|é|pra){_E}"
_PORTUGUESE: Final = re.compile(_PORTUGUESE_WORDS, re.IGNORECASE)
_VAI: Final = re.compile(rf"{_B}vai{_E}", re.IGNORECASE)
# A bare "o", but not before a unit of the plan, "next" or a number (Portuguese "o passo 4", Czech "o kroku 4"),
# nor in Portuguese or a Slavic language, whose "o" is "about".
_BARE_O: Final = re.compile(rf"{_B}[oó]{_E}(?!\s+(?:{_STEP}|{_NEXT}))", re.IGNORECASE)
_O_IS_NO_OR: Final = re.compile(rf"[ěščřžůňťďąęłńśźż]|{_PORTUGUESE_WORDS}", re.IGNORECASE)
# Czech and Slovak "a" is "and" (Spanish, Portuguese and Italian "a" is "to"): read so beside their letters.
_CZECH_AND: Final = re.compile(rf"{_B}a{_E}", re.IGNORECASE)
_CZECH: Final = re.compile(r"[ěřůňťďľĺŕ]|\b(?:je|jsem|mám|mam)\b", re.IGNORECASE)

# Consent to an outward or irreversible act: production, deploying or releasing, merging or pushing,
# publishing, deleting, sending (English's `stopacts.CONSENT`, in the words of the other languages, English
# loanwords included).
_CONSENT: Final = re.compile(
    _words(
        r"production|prod|live|deploy\w*|merge\w*|push\w*|release\w*|rollout|roll-out|publish\w*|e-?mails?",
        r"producci[óo]n|produ[çc][ãa]o|produzione|produktion\w*|productie|produkcj\w+|produkc\w+|tuotanto\w*",
        r"продакшн\w*|продакшен\w*|прод|боев\w+|бойов\w+|canl[ıi]|[üu]retim\s+ortam\w*|produksi|παραγωγ\w+|produc[țt]ie",
        r"despl[ei]eg\w*|implanta\w*|d[ée]ploi\w*|d[ée]ploy\w*|mise\s+en\s+production|rilasci\w*|ausroll\w*",
        r"bereitstell\w*|uitrol\w*|wdro[żz]\w*|wdra[żz]\w*|nasa[zd]\w*|выкат\w*|деплой\w*|задеплой\w*",
        r"развер[нт]\w*|викат\w*|розгорн\w*|da[ğg][ıi]t\w*|yay[ıi]n\w*|rilis\w*|tri[ểe]n\s+khai|driftsätt\w*",
        r"udrul\w*|julkai\w*|telep[íi]t\w*|publica\w*|publi[ée]\w*|publier|ver[öo]ffentlich\w*|pubblic\w*",
        r"опубликов\w*|публік\w*|opublik\w*|terbit\w*|xu[ấa]t\s+b[ảa]n|fusion\w*|zusammenf[üu]hr\w*",
        r"borr(?:ar|o|e|emos|amos|as|a)|elimin\w*|apag\w*|exclu\w*|supprim\w*|effac\w*|cancell\w*|l[öo]sch\w*|verwijder\w*",
        r"remo[çc][ãa]o|remover|rimozion\w*|rimuover\w*",
        r"trunc\w*|vaciar|leeren|purger|r[ée]initialis\w*|svuotar\w*|azzerar\w*|temizle\w*|rotaci[óo]n|rotazione",
        r"rotation|force-?push\w*",
        r"usu[nń]\w*|usuwa\w*|smaz\w*|odstran\w*|удал\w+|видал\w+|sil|silin\w*|silme\w*|hapus|menghapus",
        r"x[óo]a|radera\w*|slet\w*|poist\w*|t[öo]r[öo]l\w*|t[öo]rl[ée]s\w*|διαγρ\w+|[șs]terg\w*",
        r"envi[aeoá]\w*|env[íi]o|correos?|envo(?:i|yer|ie\w*|y[ée]\w*)|courriels?|invi\w+|versend\w*|versand",
        r"verstuur\w*|verzend\w*",
        r"wys[łl]\w*|odesl\w*|отправ\w*|разосл\w*|рассылк\w*|надісл\w*|відправ\w*|розсил\w*|g[öo]nder\w*",
        r"kirim\w*|mengirim|gửi|skicka\w*|l[äa]het\w*|k[üu]ld\w*|αποστολ\w+|trimit\w*",
        r"डिप्लॉय|हटा\w*|डिलीट|भेज\w*|प्रकाशित|प्रोडक्शन|מחיקת|שליחת|تولید|پروداکشن|استقرار|انتشار",
        r"pag(?:ar|o|ue|amos|are|hiamo|uei)|zahl\w*|bezahl\w*|payer|paie\w*|betal\w*|zap[łl]a\w*|zaplat\w*",
        r"оплат\w*|заплат\w*|[öo]de\w*|bayar|thanh\s+to[áa]n|notific(?:ar|o|amos|are|hiamo)|benachrichtig(?:en|e)|informer",
        r"уведоми(?:ть|м)|сповісти(?:ти|мо)|bildir\w*|th[ôo]ng\s+b[áa]o|revo[cg]\w+|widerruf\w*|r[ée]voqu\w*|отозв\w*",
        r"відклик\w*|drop\w*|дропн\w*|wipe\w*",
    )
    + r"|清空|支付|付款|通知|吊销|撤销|切り詰め|空に|비우|초기화"
    r"|本番|デプロイ|リリース|公開する|公開して|を公開|削除|送信|送付|メール|マージ|プッシュ"
    r"|운영|프로덕션|실서버|배포|릴리스|출시|삭제|발송|메일|병합|(?<!나)머지|푸시|게시"
    r"|生产|線上|线上|正式环境|部署|发布|發布|上线|上線|删除|刪除|发送|發送|邮件|郵件|合并到|推送",
    re.IGNORECASE,
)

# A question that asks more than leave to go on: a second act joined by "and" ("… go on with step 4 and upload
# the build to the customers' servers?"), a concession ("… although the plan gives it to the platform team?"), a
# condition ("If you confirm the budget, …"), a time other than now ("… tonight, before the freeze?"): what
# makes such a question the user's is said beside the step (training/plan_step_review2.jsonl, round 32).
_ASKS_MORE: Final = re.compile(
    _words(
        r"y|und|et|e|i|и|і|й|ve|dan|và|och|og|ja|és|και|și|और|و",
        r"aunque|aun\s+as[íi]|pese\s+a|a\s+pesar|obwohl|obgleich|trotzdem|dennoch|bien\s+que|quoique|malgr[ée]",
        # ... when or once something else happens ("… el paso 3 cuando Marta me pase los diseños?")
        r"cuando|mientras|quand|d[èe]s\s+que|lorsque|sobald|nachdem|w[äa]hrend|quando|mentre|assim\s+que|когда",
        r"как\s+только|пока|коли|щойно|kiedy|gdy|jak\s+tylko|wanneer|zodra|khi|ketika|setelah",
        r"m[êe]me\s+si|quand\s+m[êe]me|anche\s+se|nonostante|comunque|embora|apesar|mesmo\s+assim|ondanks|hoewel",
        r"mesmo\s+(?:sendo|que)|ainda\s+que|aun\s+(?:siendo|cuando)|incluso\s+si|sebbene|bench[ée]|pur\s+essendo",
        r"mimo\s+(?:że|to)|chocia[żz]|p[řr]esto[žz]e|i\s+kdy[žz]|хотя|хоть|несмотря|попри|хоча|ra[ğg]men|halde|padahal",
        r"meskipun|walaupun|m[ặa]c\s+d[ùu]|हालाँकि|फिर\s+भी|कि|رغم|למרות|اگرچه|trots|f[åa]st[äa]n|fast|vaikka|silti|b[áa]r",
        r"παρ[όο]λο|de[șs]i|totu[șs]i",
        r"si|wenn|falls|sofern|se|als(?!\s+n[äa]chste)|indien|je[śs]li|je[żz]eli|pokud|jestli|если|якщо|e[ğg]er|jika|kalau|apabila",
        r"n[ếe]u|अगर|यदि|إذا|אם|اگر|om|hvis|jos|ha|αν|εάν|dac[ăa]",
        r"hoy|esta\s+noche|ma[ñn]ana|heute|morgen|abends?|aujourd'hui|ce\s+soir|demain|oggi|stasera|domani|hoje",
        r"amanh[ãa]|vandaag|vanavond|dzi[śs]|dzisiaj|jutro|dnes|z[íi]tra|сегодня|завтра|сьогодні|bug[üu]n|yar[ıi]n",
        r"hari\s+ini|malam\s+ini|besok|h[ôo]m\s+nay|t[ốo]i\s+nay|ng[àa]y\s+mai|आज|اليوم|غدا|היום|הלילה|מחר|امروز",
        r"امشب|فردا|idag|ikv[äa]ll|imorgon|i\s+dag|i\s+morgen|t[äa]n[äa][äa]n|huomenna|holnap|σήμερα|απόψε|αύριο",
        r"azi|ast[ăa]zi|m[âa]ine|despu[ée]s|nach\s+dem|nach\s+der|apr[èe]s|dopo|depois|после|після|sonra(?!ki)\w*",
        r"setelah|sesudah|sau\s+khi|के\s+बाद|بعد|אחרי|پس\s+از|efter|j[äa]lkeen|ut[áa]n|μετ[άα]|dup[ăa]",
        r"semana\s+que\s+viene|pr[óo]xima\s+semana|n[äa]chste\s+woche|semaine\s+prochaine|prossima\s+settimana",
        r"volgende\s+week|przysz[łl]ym\s+tygodniu|следующей\s+неделе|наступного\s+тижня|gelecek\s+hafta",
        r"minggu\s+depan|tu[ầa]n\s+sau|agle\s+hafte|الأسبوع\s+القادم|בשבוע\s+הבא|n[äa]sta\s+vecka|ensi\s+viikolla",
        r"j[öo]v[őo]\s+h[ée]ten|επ[όο]μενη\s+εβδομ[άα]δα|s[ăa]pt[ăa]m[âa]na\s+viitoare",
        r"antes|avant|bevor|ehe|prima|voordat|zanim|p[řr]ed|прежде|перед|перш|[öo]nce\w*|sebelum|tr[ưu][ớo]c\s+khi",
        r"से\s+पहले|قبل|לפני|innan|ennen|el[őo]tt|πριν|[îi]nainte",
    )
    + r"|把|并且|并|和|而且|然后|之后|以后|下周|来週|다음\s*주|후에|後で|後に|之前|先.{0,12}再|前に|전에"
    r"|虽然|尽管|即使|如果|要是|今天|今晚|明天|今日|今夜|明日"
    r"|たら|れば|なら|ですが|けど|にもかかわらず"
    r"|하지만|는데|그래도|만약|오늘|내일|거나|시면|으면|다면"
    r"|(?<![\u05d0-\u05ea])ול[\u05d0-\u05ea]+"  # Hebrew "and to …" ("ולהעלות"): "and" is a prefix
    r"|(?<![\u0600-\u06ff])و[\u0600-\u06ff]{2,}",  # so is Arabic's
    re.IGNORECASE,
)
# Not the plan's step to take now: one the agent proposed itself ("… step 6, which I came up with?"), a team's
# or a guide's, one on hold, or a question to go on "anyway".
_NOT_THE_PLANS_NOW: Final = re.compile(
    _words(
        r"sugeri|suger\w+|suggerit\w*|vorschlag\w*|σκέφτηκα|equipo|team|[ée]quipe|squadra|equipa|zesp[oó][łl]\w*",
        r"t[ýy]m\w*|команд\w*|ekib\w*|tim|nh[óo]m|टीम|فريق|צוות|تیم|ٹیم|teamet|tiimi\w*|csapat\w*|ομάδα\w*|echip\w*",
        r"pausa\w*|paus\w*|congel\w*|gel[ée]\w*|geler|freeze|wstrzyma\w*|pozastav\w*|приостанов\w*|замороз\w*",
        r"призупин\w*|bekle\w*|tunda\w*|ditunda|t[ạa]m\s+d[ừu]ng|ho[ãa]n|रोक\w*|تعليق|להקפיא|הקפאה|j[äa][äa]dy\w*",
        r"felf[üu]gg\w*|παγ[ώω]\w*|suspend\w*|igual|de\s+todas\s+formas|de\s+todos\s+modos|toch|всё\s+равно",
        r"все\s+равно|все\s+одно|всё-таки|yine\s+de|tetap|vẫn|مع\s+ذلك|בכל\s+זאת|با\s+این\s+حال|[äa]nd[åa]|m[ée]gis",
        r"oricum|como\s+(?:me\s+)?pediste|como\s+acordamos|como\s+pediu|como\s+combinado|comme\s+(?:convenu|demand[ée])",
        r"wie\s+(?:gew[üu]nscht|besprochen|vereinbart)|come\s+(?:mi\s+hai\s+chiesto|concordato|richiesto)|zoals\s+gevraagd",
        r"как\s+(?:договаривались|ты\s+просил\w*|вы\s+просили)|як\s+(?:домовлялися|ти\s+просив\w*)|jak\s+prosi[łl]\w*",
        r"zgodnie\s+z\s+pro[śs]b[ąa]|istedi[ğg]in\s+gibi|sesuai\s+permintaan|seperti\s+yang\s+(?:kamu|anda)\s+minta",
        r"nh[ưu]\s+b[ạa]n\s+y[êe]u\s+c[ầa]u|theo\s+y[êe]u\s+c[ầa]u|me\s+detengo|me\s+paro|je\s+m'arr[êe]te|halte\s+ich",
        r"anhalten|mi\s+fermo|eu\s+paro|останавлива\w*|останавлюсь|зупиня\w*|zatrzymuj\w*|durdu\w*|durup",
        r"berhenti|d[ừu]ng\s+l[ạa]i|ser[íi]a|serait|sarebbe|w[äa]re|by[łl]oby|было\s+бы|tutorial\w*|gu[íi]a|guide\w*|leitfaden\w*|anleitung\w*|handleiding\w*|instrukcj\w*|n[áa]vod\w*",
        r"инструкци\w*|інструкці\w*|rehber\w*|k[ıi]lavuz\w*|panduan|h[ưu][ớo]ng\s+d[ẫa]n|गाइड|دليل|מדריך|راهنما",
        r"opas\w*|[úu]tmutat[óo]\w*|οδηγ[όο]\w*|ghid\w*|runbook\w*|manual\w*|handbuch\w*",
        r"propuse|propuesto|propongo|se\s+me\s+ocurri[óo]|vorgeschlagen|[üu]berlegt|propos[ée]e?|proposto|propus",
        r"zaproponowa\w*|navrhl\w*|предложил\w*|запропонував\w*|[öo]nerdi[ğg]im|usulkan|[đd][ềe]\s+xu[ấa]t",
        r"प्रस्तावित|اقترحت|پیشنهاد\w*|f[öo]reslog|ehdotta\w*|javasolt\w*|πρότεινα",
        # ... or a proposal named as one ("Förslag på nästa steg är …", "Mi propuesta para el siguiente paso", round 45)
        r"f[öo]rslag\w*|forslag\w*|voorstel\w*|propuesta\w*|proposta\w*|propositions?|[öo]neri\w*|saran\w*",
        r"предложени\w*|пропозиці\w*|propozycj\w*|n[áa]vrh\w*|ehdotu\w*|javaslat\w*|πρόταση|propuner\w*|सुझाव|اقتراح\w*",
        # skipping a step: the plan's order is not followed ("5. adımı atlayıp 6. adıma geçeyim mi?")
        r"salt(?:ar|amos|ando|arlo|arla)|salto(?!\s+de\s+l[íi]nea)|pul(?:ar|o|amos|ando)|sauter|saute|saltare",
        r"[üu]berspring\w*",
        r"overslaan|pomin\w*|пропуст\w*|пропуска\w*|atla(?:y|r|d|ma|mak)\w*|lewati|melewati|b[ỏo]\s+qua",
    )
    + r"|按照你的要求|按你的要求|如你所说|停下|ご要望どおり|ご指示どおり|止めて"
    r"|飛ばし|スキップ|跳过|略过|건너뛰|छोड़कर|تخطي"
    r"|요청하신\s*대로|말씀하신\s*대로|멈추|멈춥"
    r"|教程|指南|チュートリアル|ガイド|手順書|가이드|튜토리얼|提议|建议|提案|제안"
    r"|הצעתי"  # Hebrew "I proposed", with its clinging prefixes ("שהצעתי")
    r"|团队|组负责|チーム|팀|暂停|搁置|보류|保留|それでも|依然",
    re.IGNORECASE,
)
# Steps 1 to N: a range from the first step reports the plan through.
_FROM_THE_FIRST: Final = re.compile(
    r"(?<![\d.,])1\s*(?:[-\u2013\u2014~\u301c]|to|al|a|bis|[àa]|do|до|по|sampai|hingga|[đd][ếe]n|到|至|에서|से|till|til|'?den)"
    r"\s*(?:\w+\s+)?\d",
    re.IGNORECASE,
)
# Outward acts in more words than the consent list above: uploading or putting live, charging, buying.
_OUTWARD: Final = re.compile(
    _words(
        r"sub[io]\w*|cargo|carico|caric\w+|upload\w*|hochlad\w*|t[ée]l[ée]vers\w*|wgra\w*|nahr[áa]\w*|залив\w*",
        r"залить|заливаю|unggah|y[üu]kle\w*|[đd][ẩa]y|cobr\w+|addebit\w*|pr[ée]l[èe]v\w*|abbuch\w*|obci[ąa][żz]\w*",
        r"списа\w*|compr\w+|kauf\w*|achet\w*|acquist\w*|kup\w*|купи\w*|купу\w*|sat[ıi]n\s+al\w*|beli|mua",
        r"freischalt\w*|aktivier\w*|activ\w+|uitbreng\w*|klant\w*|client(?:e|es|i)\b|clientes|kund\w*",
        r"klient(?:ów|om|ami|ach)|zákazník\w*|real(?:es)?\s+(?:data|datos|database)|datos\s+reales|dados\s+reais",
        r"banco\s+real|donn[ée]es\s+r[ée]elles|dati\s+reali|echten?\s+daten|реальн\w+\s+данн\w+|data\s+asli",
        r"d[ữu]\s+li[ệe]u\s+th[ậa]t|downtime|indisponib\w*|ausfall\w*|bloque\w*|blocca\w*|blockier\w*|блокир\w*",
        r"клиент\w*|клієнт\w*|m[üu][şs]teri\w*|pelanggan|kh[áa]ch\s+h[àa]ng|asiakka\w*|[üu]gyf[ée]l\w*|πελ[άα]τ\w*",
        r"clien[țt]ii|clien[țt]ilor|ग्राहक\w*|עמלת|مشتری\w*|app\s+store|play\s+store",
        # a shared or real environment ("la base de datos compartida de staging", "l'account AWS reale")
        r"(?:base|bd|banco|database|cluster|entorno|ambiente|umgebung|compte|account|konto|staging)\s+(?:[\w-]+\s+){0,2}"
        r"(?:compartid[ao]s?|condivis[oaie]|partag[ée]e?s?|gemeinsame[nmrs]?|gedeelde?|wsp[óo]ln\w*|спільн\w*|commun\w*)",
        r"(?:geteilt\w*|gemeinsam\w*|общ\w+|спільн\w+|wsp[óo]ln\w+)\s+(?:[\w-]+\s+)?(?:staging|cluster|umgebung|баз\w*|кластер\w*|bazie?)",
        r"(?:echte\w*|реальн\w+|prawdziw\w+)\s+(?:[\w-]+\s+)?(?:\w*-?konto|аккаунт\w*|акаунт\w*|kon\w*)",
        r"haupt-?(?:datenbank|db)|основн\w+\s+баз\w+|g[łl][óo]wn\w+\s+baz\w+",
        r"(?:account|cuenta|conta|compte|konto|аккаунт\w*|акаунт\w*)\s+(?:\w+\s+)?(?:reale?s?|r[ée]el|echte[nm]?|реальн\w*)",
        r"(?:database|db|basis\s+data|base\s+de\s+(?:datos|dados|donn[ée]es)|banco|datenbank|база?\w*)\s+(?:\w+\s+)?"
        r"(?:utama|principal|principale|main|haupt\w*|g[łl][óo]wn\w*|основн\w*|ch[íi]nh)",
    )
    + r"|推到|上传|购买|扣款|客户|顧客|アップロード|購入|課金|고객|업로드|구매|결제|반영"
    r"|正式数据库|正式库|生产库|真实数据|本番データ|실데이터|停机|宕机|ダウンタイム|다운타임",
    re.IGNORECASE,
)

# A negation; before "of the plan", a proposal's ("¿Puedo seguir con …, aunque no estaba en el plan?").
_NOT: Final = _words(
    r"no|n[ãa]o|pas|non|nicht|kein\w*|niet|geen|не|нет|ні|nie|ne|de[ğg]il|tidak|bukan|kh[ôo]ng|नहीं|ليس|لا|לא|نه",
    r"inte|ikke|ei|nem|δεν|nu",
)
_NEGATION: Final = re.compile(_NOT, re.IGNORECASE)
_NOT_IN_THE_PLAN: Final = (
    rf"{_NOT}(?:\W+\w+){{0,2}}?\W+{_OF_THE_PLAN}|計画に(?:は)?(?:ない|なかった|含まれ(?:てい)?ない)|계획에\s*없"
    r"|不在计划|计划(?:里|中)没有|不在計劃"
)
# Every unit of the plan: "todos los pasos", "alle Schritte", or all of them by their count ("los tres pasos",
# "die drei Schritte") ...
_EVERY: Final = (
    r"tod[oa]s?|tous|toutes|tout|tutt[ie]|tutto|alle|ganze\w*|gesamte\w*|hele|все|весь|всі|усі|увесь|wszystki\w*|ca[łl]y",
    r"v[šs]echn\w*|cel[ýy]|t[üu]m|b[üu]t[üu]n|semua|seluruh|t[ấa]t\s+c[ảa]|सभी|सारे|पूरी|جميع|كل|כל|همه",
    r"alla|hela|kaikki|minden|[όο]λ(?:α|ες|οι|ο|η|ων)|to[țt]i|toate",
)
_COUNT: Final = _words(
    r"dos|tres|cuatro|cinco|seis|siete|ocho|zwei|drei|vier|f[üu]nf|sechs|sieben|acht|deux|trois|quatre|cinq|six",
    r"sept|huit|due|tre|quattro|cinque|sette|otto|dois|duas|tr[êe]s|sete|oito|twee|drie|vijf|zes|zeven|два|две|три",
    r"четыре|пять|шесть|семь|восемь|чотири|п'ять|шість|dwa|trzy|cztery|pi[ęe][ćc]|sze[śs][ćc]|dva|t[řr]i|[čc]ty[řr]i",
    r"p[ěe]t|[šs]est|iki|[üu][çc]|d[öo]rt|be[şs]|alt[ıi]|dua|tiga|empat|lima|enam|hai|ba|b[ốo]n|n[ăa]m|s[áa]u",
)
_ALL: Final = rf"(?:{_words(*_EVERY)}|{_COUNT})"
# ... but a count with "first" beside it counts the first units, not all of them ("Ich habe die ersten drei
# Schritte erledigt", "los dos primeros pasos", "İlk iki adım"): such a count is taken out before the plan is
# read as finished, and the question after it asks for the plan's next unit. Only "first" in the plural form a
# count takes, next to it ("prima" is also "before", "erst" "only", "primero" "first of all": a cold read), or
# after the unit where a language puts it there ("dua langkah pertama", "hai bước đầu tiên").
_FIRSTS: Final = _words(
    r"primer(?:os|as)|primeir(?:os|as)|premi(?:ers|ères)|prim[ie]|erste[nrsm]?|eerste|перв(?:ые|ых|ым|ыми)",
    r"перш(?:і|их|им|ими)|pierwsz(?:e|ych|ymi|ym)|prvn(?:í|ích|ím|ími)|ilk",
)
_FIRST_AFTER_THE_UNIT: Final = _words(r"pertama|[đd][ầa]u\s+ti[êe]n")
_FIRST_COUNT: Final = re.compile(
    rf"{_FIRSTS}\s+{_COUNT}|{_COUNT}\s+{_FIRSTS}|{_COUNT}\s+\w+\s+{_FIRST_AFTER_THE_UNIT}", re.IGNORECASE
)
_LAST: Final = _words(
    r"[úu]ltim[oaie]s?|derni[èe]re?|letzte\w*|laatste|последн\w+|останн\w+|ostatni\w*|posledn\w+|son\s+ad[ıi]m\w*",
    r"terakhir|cu[ốo]i\s+c[ùu]ng|अंतिम|आखिरी|الأخير\w*|האחרון|آخر|sista|sidste|siste|viimei\w+|utols[óo]",
    r"τελευτα[ίι]\w+|final|finale|finalen|finales|финальн\w+|마지막",
)
_PLAN: Final = _words(
    r"plan(?:e|en|es|s|u|a|ie|em|ı|ın|i|ens|et|ul|ului)?|plano|piano|план(?:а|у|ом|е|ы|ов|і)?|pl[áa]n(?:u|em|y)?"
    r"|rencana|योजना|الخطة|תוכנית|برنامه|suunnitelm\w*|terv(?:e|ben|et|ünk)?|σχ[έε]δι\w*"
)
_PLAN_OR_STEPS: Final = rf"(?:{_STEP}|{_PLAN})"
# Every unit of the plan said done (read where no count of the first units stands: _puts_it_after_the_plan).
_ALL_UNITS: Final = re.compile(rf"{_ALL}(?:\W+\w+){{0,2}}?\W+{_PLAN_OR_STEPS}", re.IGNORECASE)
# An offer after the plan, beside every unit done (_ALL_UNITS): the last one, or work marked optional or outside
# the plan.
_AFTER_THE_PLAN: Final = re.compile(
    rf"{_NOT_IN_THE_PLAN}|{_LAST}(?:\W+\w+){{0,1}}?\W+{_STEP}|{_STEP}\W+{_LAST}"
    + "|"
    + _words(
        r"opcional\w*|optional\w*|optionnel\w*|facoltativ\w*|opzional\w*|необязательн\w+|опциональн\w+",
        r"необов'язков\w+|opcjonaln\w+|nepovinn\w+|voliteln\w+|iste[ğg]e\s+ba[ğg]l[ıi]|opsional|t[ùu]y\s+ch[ọo]n",
        r"वैकल्पिक|اختياري\w*|אופציונלי\w*|اختیاری|valfri\w*|valgfri\w*|valinnai\w+|opcion[áa]lis|προαιρετικ\w+",
        r"op[țt]ional\w*|extras?|bonus",
        r"fuera\s+del?\s+(?:plan|alcance)|fora\s+do\s+(?:plano|escopo)|hors\s+(?:du\s+)?(?:plan|p[ée]rim[èe]tre)",
        r"pas\s+pr[ée]vu\w*|fuori\s+(?:dal(?:lo)?)\s+(?:piano|perimetro|scopo)|au[ßs]erhalb|buiten",
        r"вне\s+(?:плана|рамок)|за\s+межами|poza\s+(?:planem|zakresem)|mimo\s+(?:pl[áa]n|rozsah)",
        r"kapsam\s+d[ıi][şs][ıi]\w*|plan\s+d[ıi][şs][ıi]\w*|di\s+luar|ngo[àa]i\s+(?:k[ếe]\s+ho[ạa]ch|ph[ạa]m\s+vi)",
        r"से\s+बाहर|خارج|מחוץ|utanf[öo]r|uden\s+for|utenfor|ulkopuol\w+|k[íi]v[üu]l|εκτ[όο]ς|[îi]n\s+afara",
    )
    + r"|(?:すべて|全て)の(?:ステップ|段階|項目|タスク|工程)"
    r"|(?:ステップ|段階|項目|タスク|工程|計画)(?:は|が)?(?:すべて|全て)|마지막\s*(?:단계|항목|스텝)|추가로|計画外|範囲外|スコープ外|任意|オプション|모든\s*(?:단계|항목|작업|스텝)|범위\s*밖|계획\s*외|계획에\s*없|선택\s*사항|선택적"
    r"|(?:所有|全部)的?(?:步骤|阶段|任务|项|項|步)|(?:计划|步骤|任务)(?:里的)?(?:都|已经)?全部|计划之外|计划外|范围之外|范围外|可选|可選",
    re.IGNORECASE,
)


# Going on: the concept lexicon's `continue` words (also read without their accents: "continúe" is "continu*")
# and the forms of those verbs a question takes that the lexicon, written for statements, lacks: the
# subjunctive and infinitive a question asks with ("¿Quieres que siga …?", "Перейти к …?", "geçeyim mi?").
_GO_ON: Final = re.compile(
    _words(
        r"siga|sigamos|avanzo|avance|avanzar|pase\s+al?|prossiga|passe\s+para|começo|começar|sigo\s+para",
        r"перейти|переходить|переходим|перейд[её]м|продолжать|ge[çc]eyim|ge[çc]elim|ge[çc]sem",
        r"ilerleyeyim|आगे\s+बढ़\w*",
    )
    + r"|進んで|進みましょう|移って|移りましょう|取りかかって|진행해|넘어가|接着|进入下一",
    re.IGNORECASE,
)


# Done: the lexicon's `done` words and the gendered and plural forms of them it lacks ("la migración está hecha").
_DONE: Final = re.compile(
    _words(
        r"hech[oa]s?|list[oa]s?|terminad[oa]s?|feit[oa]s?|pront[oa]s?|conclu[íi]d[oa]s?|fatt[oaie]|finit[oaie]",
        r"completat[oaie]|pronte|pronti|fait(?:e|s|es)?|termin[ée]e?s?|pr[êe]te?s?|fertige?|terminei|conclu[íi]",
        r"finalizei|acabei|acab[ée]|complet[ée]|finalic[ée]",
    ),
    re.IGNORECASE,
)


# Where a sentence ends: a sentence mark (a dot before a space, not after a digit: "4. adım", "im 4. Schritt",
# unless a capital or "¿" follows: "… el paso 2. ¿Sigo …?"), a line break; Spanish opens its question with "¿".
_SENTENCE_END: Final = re.compile(
    rf"[{re.escape(stopact_model.FULL_STOPS.replace('.', ''))}{stopact_model.QUESTION_MARK_CLASS}\n]"
    r"|(?<!\d)\.\s|\.\s+(?=[¿¡A-ZÀ-ÞА-ЯΑ-Ω])|(?=¿)"
)


# The plan as the subject of a sentence that says it is done or at its end ("El plan queda cerrado", "Το σχέδιο
# τελείωσε"), not "the plan's step" (`_OF_THE_PLAN`).
_AT_ITS_END: Final = _words(
    r"fim|fin|final|cerrad[oa]|ende|konec|конец|akhir|k[ếe]t\s+th[úu]c|अंत|نهاية|סוף|پایان|slut|loppu|v[ée]ge|τέλος",
    r"sf[âa]r[șs]it|τελε[ίι]ωσε|הושלמה|הסתיימה",
)
_CJK_PLAN_DONE: Final = re.compile(
    r"计划(?:已经|已)?(?:全部)?(?:完成|做完|结束)|計画(?:は|が)?(?:すべて)?(?:完了|終わ)|계획(?:은|이)?\s*(?:다\s*)?(?:끝|완료)"
)

_PLAN_RE: Final = re.compile(_PLAN, re.IGNORECASE)
_CLITIC_CONSENT_RE: Final = re.compile(_CLITIC_CONSENT)
_COLON: Final = re.compile("[:\uff1a]")
_AT_ITS_END_RE: Final = re.compile(_AT_ITS_END, re.IGNORECASE)
# A report's list item: a bullet, a tick or a number ("- …", "✅ …", "2) …").
_LIST_LINE: Final = re.compile(r"\s*(?:[-*\u2022\u2713\u2714\u2705\u2611]|\d+[.)])\s")
# What, said anywhere in the final act, makes the question the user's (and _puts_it_after_the_plan).
_BESIDE_THE_QUESTION: Final = (
    _CONSENT,
    _CLITIC_CONSENT_RE,
    _OUTWARD,
    _OR,
    _NOT_THE_PLANS_NOW,
    _FROM_THE_FIRST,
)


def asks_for_a_plan_step(final: str) -> bool:
    """Whether a permission question's final act (in another language) asks leave to go on with a unit of the
    plan named by its place in it, after a report of work done, and says nothing that makes it the user's
    (the module's docstring)."""
    final = unicodedata.normalize("NFC", final[-stopact_model.ACT_CHARS :])  # a final act: bounded work
    text = final.rstrip(" \t\n*_`)")
    # Bold around it (stripped above) quotes a question the user asked for as text ("… your wording: **…?**").
    if not text.endswith(stopact_model.QUESTION_MARKS) or final.rstrip().endswith("**"):
        return False
    asked = text[max((m.end() for m in _SENTENCE_END.finditer(text, 0, len(text) - 1)), default=0) :]
    before = text[: len(text) - len(asked)]
    report = sentences(before)
    if not report or not _UNIT.search(asked) or not _goes_on(asked):
        return False  # no report before it; no unit or no going on in it
    if _COLON.search(asked) or before.rstrip().endswith((":", "\uff1a")):
        return False  # a colon introduces the question: a text quoted or asked for
    if _puts_it_after_the_plan(final) or any(p.search(final) for p in _BESIDE_THE_QUESTION):
        return False
    if _ASKS_MORE.search(asked) or (_VAI.search(asked) and not _PORTUGUESE.search(final)):
        return False
    if _BARE_O.search(asked) and not _O_IS_NO_OR.search(final):
        return False
    if _CZECH_AND.search(asked) and _CZECH.search(final):
        return False
    if not all(_reports_done(sentence) for sentence in report) or _plan_is_done(report):
        return False
    return sum(final.count(mark) for mark in stopact_model.QUESTION_MARKS) < 2  # two questions offer a choice


def after_the_plan(final: str) -> bool:
    """Whether a final act puts what it offers after or outside the plan: every unit done, the last one, work
    optional or not in the plan (`_AFTER_THE_PLAN`), or the plan said to be done."""
    return _puts_it_after_the_plan(final) or _plan_is_done(sentences(final))


def _puts_it_after_the_plan(final: str) -> bool:
    """_AFTER_THE_PLAN's words in a final act, or every unit of the plan (_ALL_UNITS) where a count of the first
    units (_FIRST_COUNT) is not all of them; the last unit is read in the text as it stands ("die letzten zwei
    Schritte")."""
    return _AFTER_THE_PLAN.search(final) is not None or _ALL_UNITS.search(_FIRST_COUNT.sub(" ", final)) is not None


def _goes_on(asked: str) -> bool:
    return "continue" in _concepts(asked) or _GO_ON.search(asked) is not None


def _reports_done(sentence: str) -> bool:
    """A sentence that says work is done, not negated ("Die Tests sind noch nicht fertig."). A report's list
    item or heading ("- 12 tests nuevos, todos en verde", "Cambios:") need not say "done" (the list reports
    what was done), but says nothing missing, asked or addressed to the user either."""
    portuguese = _PORTUGUESE.search(sentence) is not None  # whose "no" is "in the" ("no código")
    negated = any(m[0].lower() != "no" or not portuguese for m in _NEGATION.finditer(sentence))
    if negated:
        return False
    found = _concepts(sentence)
    if _LIST_LINE.match(sentence) or sentence.rstrip().endswith((":", "\uff1a")):
        return not found & {"remain", "ask", "user", "future"}
    return "done" in found or _DONE.search(sentence) is not None


def _plan_is_done(report: list[str]) -> bool:
    """Whether a sentence of the report has the plan as its subject (not "the plan's step") and says it is done
    or at its end."""
    for sentence in report:
        owned = [(m.start(), m.end()) for m in _OF_THE_PLAN_RE.finditer(sentence)]
        subject = any(not any(a <= plan.start() < b for a, b in owned) for plan in _PLAN_RE.finditer(sentence))
        if subject and ("done" in _concepts(sentence) or _AT_ITS_END_RE.search(sentence)):
            return True
    return any(_CJK_PLAN_DONE.search(sentence) for sentence in report)


def _concepts(text: str) -> frozenset[str]:
    """The concept lexicon's concepts in `text`, also read with its Latin letters unaccented ("continúe")."""
    folded = "".join(
        unicodedata.normalize("NFD", c)[0] if unicodedata.name(c, "").startswith("LATIN") else c for c in text
    )
    found = concepts.found(text.lower())
    return found if folded == text else found | concepts.found(folded.lower())


def sentences(text: str) -> list[str]:
    """`text`'s sentences that hold a letter or a digit."""
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    parts = [text[a:b] for a, b in zip([0, *ends], [*ends, len(text)], strict=True)]
    return [part for part in parts if any(c.isalnum() for c in part)]
