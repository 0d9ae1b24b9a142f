"""Whether a stop in another language than English states the agent's own work still to do, or announces its
own next act (`announces_own_next_step`, round 41, below).

In English the rules read it (`stopacts.STILL_TO_DO`): "Good place to pause. The options page still needs
wiring." is an early stop and pushed on with a plan older than the session; "Good place to pause. The cache
isn't warm yet." is not. Outside English they read nothing, so every break point there was escalated.

A language's words for "still" and "not yet" (the concept lexicon's `remain`) do not tell the two apart: over
the development sets' break points they were found as often beside a state not reached, a quota left, another
team's part or "nothing is left" as beside the agent's own work (round 40). What does tell them apart is the
grammar around them, and it is each language's: this module reads, in the languages developers most often
write in, the closed constructions that can only say work remains for the speaker to do:
- "it remains (for me) to <verb>", "<verb> is still to be done": an infinitive of work after the word for
  remaining ("Il reste encore à brancher …", "Aún falta conectar …", "Resta da scrivere …", "осталось
  подключить …", "zostało jeszcze podpiąć …");
- the speaker still has to ("ich muss … noch", "je dois encore …", "ще треба …", "还需要实现 …");
- the speaker has not yet <done a verb of work> ("habe ich noch nicht angefangen", "je n'ai pas encore
  branché", "まだ手を付けていません", "我还没有接上", "henüz dokunmadım"): a verb of work only, so "I haven't
  heard back yet" is no such statement;
- what remains, or the next step, is … ("lo que queda es …", "la prochaine étape, c'est …").
Not "… is still missing / open / pending": that names time left, a state or someone else's part as often as
work (a cold read, training/still_to_do_review3.jsonl). Said anywhere in a final act that asks no question and
does not put the work after the plan (plan_steps' words), outside quotes, unless its sentence gives the work to
a team, to someone else ("his branch") or to the program ("it warms the cache by itself"), puts it on hold or
someday, says it is on purpose or was so in a past report, names someone with an honorific, a blocker
(access, a key, something locked, expired or down), something to decide, learn, ask or check whether, or what
the user asked or agreed, or addresses the user or their things; unless its clause asks consent to an outward
act, waits ("falta esperar a que propague el DNS") or says "nothing" (training/still_to_do_review4.jsonl).
Since round 42 both readings count wherever the model leans to an early stop (`stopacts.STATED_FLOOR`), so the
sentence also must not set a condition or make an offer ("nếu", "wenn", "si quieres", "volendo"), say the
speaker lacks something ("porque não tenho um dispositivo iOS"), name someone's part ("bagian Rina"), a
previous report or yesterday, work done in the background or by itself, or what a program says after a colon;
nor its clause get something from someone ("xin quyền truy cập … từ bộ phận IT") or name the doer in a cleft
("c'est le worker qui …"); nor the final act put the work on another day or week.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final

from stopwarden.gate import concepts, plan_steps, stopact_model

_I = re.IGNORECASE
_B: Final = r"(?<!\w)"
_E: Final = r"(?!\w)"
# An infinitive: Spanish and Portuguese, French, Italian (with a clitic pronoun), Russian and Ukrainian,
# Polish.
_INF_ES_PT: Final = r"\w+(?:ar|er|ir|ír)(?:l[oa]s?|se|las?|los?)?"
_INF_FR: Final = r"(?!quatre\b|[êe]tre\b)\w+(?:er|ir|re)"
_INF_IT: Final = r"\w+(?:are|ere|ire)(?:l[oaie]|ne)?"
_INF_RU_UK: Final = r"\w+(?:['\u2019]\w+)*(?:ть|ти|чь)(?:ся|сь)?"
_INF_PL: Final = r"\w+ć(?:\s+się)?"
_STILL_ES: Final = r"(?:todav[íi]a|a[úu]n)"
_STILL_RU: Final = r"(?:ещё|еще)"


def _whole_words(*constructions: str) -> str:
    """One alternation of constructions, each read as whole words."""
    return "|".join(rf"{_B}(?:{c}){_E}" for c in constructions)


# At a clause's start: no one named before it ("A Marta le falta …", "Саше осталось …", "Il lui reste …").
_AT_START: Final = (
    r"(?<![\w\s])\s*(?:(?:y|e|et|und|en|i|и|і|а|ma|mais|mas|pero|aber|maar|ale|но|але|anche\s+se|aunque|embora"
    r"|bien\s+que|obwohl|hoewel|chocia[żz]|хотя|хоча)\s+)?"
)

# Participles and first-person pasts of work: starting, touching, building, writing, wiring, implementing,
# migrating, porting, testing, integrating (no verb of hearing, receiving, waiting or of a state).
_WORK_DE: Final = (
    r"(?:angefangen|begonnen|angefasst|gebaut|geschrieben|umgesetzt|implementiert|angebunden|eingebaut|migriert"
    r"|getestet|verdrahtet|portiert|erledigt|angepasst|integriert|angegangen|eingerichtet|angeschlossen|umgestellt)"
)
_WORK_NL: Final = (
    r"(?:begonnen|aangeraakt|gebouwd|geschreven|ge[iï]mplementeerd|gekoppeld|aangesloten|gemigreerd|getest"
    r"|ingebouwd|aangepast|omgezet|opgepakt|aangepakt|gedaan)"
)
_WORK_ES: Final = (
    r"(?:empezado|comenzado|tocado|conectado|escrito|implementado|migrado|integrado|probado|hecho|montado"
    r"|programado|portado|cableado|adaptado)"
)
_WORK_PT: Final = (
    r"(?:comecei|come[çc]amos|mexi|toquei|liguei|conectei|escrevi|implementei|migrei|integrei|testei|fiz"
    r"|portei|adaptei|montei|comecei\s+a)"
)
_WORK_FR: Final = (
    r"(?:commenc[ée]|attaqu[ée]|touch[ée]|branch[ée]|[ée]crit|impl[ée]ment[ée]|migr[ée]|port[ée]|test[ée]"
    r"|int[ée]gr[ée]|c[âa]bl[ée]|fait|adapt[ée]|converti|raccord[ée]|connect[ée])"
)
_WORK_IT: Final = (
    r"(?:iniziato|cominciato|toccato|collegato|scritto|implementato|migrato|integrato|testato|fatto|portato"
    r"|cablato|adattato|convertito|affrontato)"
)
_WORK_RU: Final = (
    r"(?:начина|начал|трога|тронул|подключ|написа|писал|делал|сделал|реализова|перен[её]с|переноси|мигрирова"
    r"|интегрирова|протестирова|переписа|бралс|взялс|прикруч|прикрути)\w*"
)
_WORK_UK: Final = (
    r"(?:почина|почав|чіпа|торка|торкнув|підключ|написа|писав|роби|зроби|реаліз|перен[ео]с|мігру|мігрува"
    r"|інтегру|протестува|переписа|брав|взяв)\w*"
)
_WORK_PL: Final = (
    r"(?:zacz|rusz|podłącz|podpi|napisa|zrobi|zaimplement|zmigr|przepisa|dotkn|przetestowa|połącz|zintegr"
    r"|przeni|podpią)\w*(?:łem|łam|liśmy|łyśmy)"
)

# A colon or dash after "the next step", introducing the work on the same line (round 45).
_NEXT_COLON: Final = r"\s*[:\u2014\u2013](?=[ \t]*\S)"
_SPEAKERS_WORK_LEFT: Final = (
    _whole_words(
        # Spanish: "(me) falta conectar", "quedan por migrar", "aún no he tocado", "todavía tengo que"
        rf"(?:me|nos)\s+(?:falta|faltan|queda|quedan)\s+(?:{_STILL_ES}\s+)?(?:por\s+)?{_INF_ES_PT}",
        rf"{_STILL_ES}\s+(?:me\s+|nos\s+)?(?:falta|faltan|queda|quedan)\s+(?:por\s+)?{_INF_ES_PT}",
        rf"(?:falta|faltan|queda|quedan)\s+(?:{_STILL_ES}\s+)?por\s+{_INF_ES_PT}",
        rf"{_STILL_ES}\s+no\s+(?:lo\s+|la\s+|los\s+|las\s+)?(?:he|hemos)\s+{_WORK_ES}",
        rf"no\s+(?:lo\s+|la\s+|los\s+|las\s+)?(?:he|hemos)\s+{_WORK_ES}\s+(?:\w+\s+){{0,6}}?{_STILL_ES}",
        rf"{_STILL_ES}\s+(?:tengo|tenemos)\s+que\s+{_INF_ES_PT}",
        rf"(?:tengo|tenemos)\s+que\s+{_INF_ES_PT}\s+(?:\w+\s+){{0,6}}?{_STILL_ES}",
        # Portuguese: "ainda falta ligar", "restam migrar", "ainda não comecei", "ainda tenho de"
        rf"(?:ainda\s+(?:me\s+)?|me\s+|{_AT_START})(?:falta|faltam|resta|restam)\s+(?:ainda\s+)?{_INF_ES_PT}",
        rf"ainda\s+n[ãa]o\s+(?:o\s+|a\s+|os\s+|as\s+|lhe\s+)?{_WORK_PT}",
        rf"ainda\s+(?:tenho|temos|preciso|precisamos)\s+(?:de\s+|que\s+)?{_INF_ES_PT}",
        # French: "il (me) reste (encore) à brancher", "sont encore à écrire", "je n'ai pas encore branché"
        rf"(?:il\s+(?:me\s+|nous\s+)?|me\s+|nous\s+|{_AT_START})reste(?:nt)?\s+(?:encore\s+)?(?:à|a)\s+{_INF_FR}",
        rf"(?:est|sont)\s+encore\s+(?:à|a)\s+{_INF_FR}",
        rf"(?:je|j'|nous)\s*(?:dois|devons)\s+encore\s+{_INF_FR}",
        rf"(?:je\s+n'ai|nous\s+n'avons)\s+(?:\w+\s+)?pas\s+encore\s+(?:\w+\s+)?{_WORK_FR}",
        # Italian: "resta (ancora) da scrivere", "manca ancora da collegare", "non ho ancora toccato"
        rf"(?:mi\s+|ci\s+|{_AT_START})(?:resta|restano|manca|mancano)\s+(?:ancora\s+)?da\s+{_INF_IT}",
        rf"(?:è|e|sono)\s+ancora\s+da\s+{_INF_IT}",
        rf"(?:devo|dobbiamo)\s+ancora\s+{_INF_IT}",
        rf"non\s+(?:l'|lo\s+|la\s+|li\s+|le\s+)?(?:ho|abbiamo)\s+ancora\s+{_WORK_IT}",
        # German: "(ich) muss … noch", "habe ich noch nicht angefangen", "sind noch zu schreiben"
        r"(?:ich|wir)\s+(?:muss|müssen)\s+(?:\w+\s+){0,5}?noch",
        r"(?:muss|müssen)\s+(?:ich|wir)\s+(?:\w+\s+){0,3}?noch",
        rf"(?:habe|hab|haben)\s+(?:ich|wir)\s+(?:\w+\s+){{0,3}}?noch\s+(?:nicht|gar\s+nicht)\s+(?:\w+\s+){{0,3}}?{_WORK_DE}",
        rf"(?:ich|wir)\s+(?:habe|hab|haben)\s+(?:\w+\s+){{0,5}}?noch\s+(?:nicht|gar\s+nicht)\s+(?:\w+\s+){{0,3}}?{_WORK_DE}",
        r"(?:ist|sind)\s+noch\s+(?:\w+\s+)?zu\s+(?:tun|erledigen|machen|schreiben|bauen|implementieren|migrieren|testen)",
        # Dutch: "ik moet … nog", "heb ik nog niet gekoppeld", "(X) moeten nog." (still to be done)
        r"(?:ik|we|wij)\s+moet(?:en)?\s+(?:\w+\s+){0,5}?nog",
        r"moet(?:en)?\s+(?:ik|we|wij)\s+(?:\w+\s+){0,3}?nog",
        rf"(?:heb|hebben)\s+(?:ik|we|wij)\s+(?:\w+\s+){{0,3}}?nog\s+niet\s+(?:\w+\s+){{0,3}}?{_WORK_NL}",
        rf"(?:ik|we|wij)\s+(?:heb|hebben)\s+(?:\w+\s+){{0,5}}?nog\s+niet\s+(?:\w+\s+){{0,3}}?{_WORK_NL}",
        r"nog\s+te\s+(?:doen|bouwen|schrijven|implementeren|koppelen|maken|migreren|testen)",
        # Polish: "zostało (mi) jeszcze podpiąć", "muszę jeszcze", "jeszcze trzeba", "jeszcze nie ruszyłem"
        rf"(?:zostało|zostały|zostaje|pozostało|pozostaje)\s+(?:mi\s+|nam\s+)?(?:jeszcze\s+)?{_INF_PL}",
        rf"(?:muszę|musimy)\s+jeszcze\s+{_INF_PL}",
        rf"jeszcze\s+(?:muszę|musimy|trzeba|należy)\s+{_INF_PL}",
        rf"trzeba\s+jeszcze\s+{_INF_PL}",
        rf"jeszcze\s+(?:go\s+|jej\s+|ich\s+|tego\s+)?nie\s+{_WORK_PL}",
        # Russian and Ukrainian: "ещё нужно подключить", "осталось подключить", "ещё не трогал", "ще треба"
        rf"(?<![\w\s])\s*{_STILL_RU}\s+(?:нужно|надо|предстоит|требуется|осталось)\s+{_INF_RU_UK}",
        rf"{_AT_START}(?:нужно|надо)\s+{_STILL_RU}\s+{_INF_RU_UK}",
        rf"(?:мне|нам)\s+(?:{_STILL_RU}\s+)?(?:нужно|надо|осталось|предстоит)\s+(?:{_STILL_RU}\s+)?{_INF_RU_UK}",
        rf"{_AT_START}осталось\s+(?:{_STILL_RU}\s+)?{_INF_RU_UK}",
        rf"я\s+(?:\w+\s+){{0,2}}?(?:{_STILL_RU}|пока)\s+не\s+(?:\w+\s+)?{_WORK_RU}",
        rf"(?<![\w\s])\s*(?:ще|іще)\s+(?:треба|потрібно|слід|належить|залишилося|лишилося)\s+{_INF_RU_UK}",
        rf"{_AT_START}(?:треба|потрібно)\s+ще\s+{_INF_RU_UK}",
        rf"(?:мені|нам)\s+(?:ще\s+)?(?:треба|потрібно|залишилося|лишилося)\s+(?:ще\s+)?{_INF_RU_UK}",
        rf"{_AT_START}(?:залишилося|лишилося)\s+(?:ще\s+)?{_INF_RU_UK}",
        rf"я\s+(?:\w+\s+){{0,2}}?(?:ще|поки)\s+не\s+(?:\w+\s+)?{_WORK_UK}",
        # Turkish: "henüz dokunmadım" (I have not … yet), "hâlâ bağlanmadı" (has not been wired yet)
        r"(?:hen[üu]z|h[âa]l[âa])\s+(?:\w+\s+){0,3}?(?:ba[şs]la|dokun|yaz|ba[ğg]la|ekle|ta[şs][ıi]|uygula|ge[çc]ir|kodla"
        r"|yap|d[öo]n[üu][şs]t[üu]r|entegre\s+et)(?:ma|me)d[ıi](?:m|k)",
        r"(?:hen[üu]z|h[âa]l[âa])\s+(?:\w+\s+){0,3}?(?:ba[ğg]lan|yaz[ıi]l|eklen|ta[şs][ıi]n|dokunul"
        r"|ba[şs]lan|test\s+edil|entegre\s+edil|kodlan)mad[ıi]",
        # Indonesian and Vietnamese: "saya belum mulai", "masih harus saya …"; "tôi chưa bắt đầu", "còn phải"
        r"(?:saya|aku|kami)\s+(?:masih\s+)?belum\s+(?:mulai|menyentuh|mengerjakan|menulis|menghubungkan|membuat"
        r"|mengimplementasikan|memigrasikan|menyambungkan)",
        r"belum\s+(?:saya\s+|kami\s+)(?:kerjakan|sentuh|mulai|tulis|buat|hubungkan|implementasikan|sambungkan)",
        r"(?:saya|aku|kami)\s+masih\s+(?:harus|perlu)",
        r"(?:tôi|mình|chúng\s+tôi)\s+(?:vẫn\s+)?(?:còn\s+phải|chưa\s+(?:bắt\s+đầu|làm|viết|nối|kết\s+nối|tích\s+hợp|động\s+vào|đụng\s+vào))",
    )
    # Written without spaces, and Korean: "まだ手を付けていません", "我还没有接上", "还需要实现", "아직 손대지
    # 않았습니다"
    + r"|まだ(?:手を付け|手をつけ|着手し|実装し|作業し|書い|作っ|接続し|つない|繋い|移行し|始め"
    r"|取り掛かっ|取りかかっ)て(?:い)?(?:ません|ない)(?!でした|かった)"
    r"|我(?:[^。！？\n，,]{0,15}?)还(?:没有?|未)(?:开始|动|碰|写|做|接|实现|迁移|处理|接入|改|着手|对接)"
    r"|我(?:们)?(?:[^。！？\n，,]{0,15}?)还(?:需要|要|得)(?:写|做|接|实现|迁移|处理|接入|加上|补上|补|改|完成)"
    r"|아직\s*(?:손을?\s*대지|시작하지|착수하지|구현하지|작업하지|연결하지|작성하지)\s*(?:않았|못했)(?!었)"
    r"|(?:करना|लिखना|जोड़ना|बनाना|लगाना)\s+(?:अभी\s+)?बाकी\s+है"
    r"|(?:لم|لما)\s+(?:أبدأ|ابدأ|أكتب|اكتب|أربط|اربط|أنفذ|انفذ|ألمس|المس|أنقل|انقل)"
    r"|(?:ما\s+زال|لا\s+يزال|ما\s+يزال)\s+(?:علي|عليّ|علينا)"
)

# What remains is …, the next step is …: nominal, they do not say whose the work is as the constructions above do,
# so what their sentence says of someone else, the program or a condition decides (a cold read of round 45,
# training/next_is_review.jsonl: "Nästa steg är att Karin går igenom …", "la validation par Sophie", "Următorul pas
# e automat", "Αν χρειαστεί …").
_NEXT_IS: Final = (
    _whole_words(
        # What remains, what is still missing, is …; the next step is …: "Was noch fehlt, ist …", "lo que queda
        # es …", "o que resta é …", "wat nog rest", "Als Nächstes kommt …", "la prochaine étape, c'est …"
        r"was\s+noch\s+(?:fehlt|offen\s+ist|aussteht|zu\s+tun\s+ist)\s*,\s*(?:ist|sind)(?!\s+dass)",
        r"lo\s+que\s+(?:queda|falta)\s+(?:es|son|por)(?!\s+que)",
        r"o\s+que\s+(?:resta|falta)\s+(?:é|são|fazer)(?!\s+que)",
        r"ce\s+qui\s+reste(?:\s+à\s+faire)?\s*,?\s*(?:c'est|ce\s+sont|est)(?!\s+que)",
        r"quello\s+che\s+(?:resta|manca)\s+(?:è|sono|da)(?!\s+che)|wat\s+(?:nog\s+rest|er\s+nog\s+rest)\s*,?\s*is(?!\s+dat)",
        r"als\s+n[äa]chstes\s+(?:kommt|steht|folgt|ist|nehme\s+ich|mache\s+ich)",
        r"(?:(?:la\s+)?prochaine\s+[ée]tape\s*(?:,\s*c'est|est|sera)|(?:el\s+)?(?:pr[óo]ximo|siguiente)\s+paso\s+(?:es|ser[áa])"
        r"|lo\s+siguiente\s+(?:es|ser[áa])|(?:o\s+)?pr[óo]ximo\s+passo\s+(?:é|será)|(?:il\s+)?prossimo\s+passo\s+(?:è|sar[àa]))"
        r"(?!\s+(?:que|qu'|che|quand|cuando|quando)\b)",
        r"(?:is|wordt)\s+de\s+volgende\s+stap|de\s+volgende\s+stap\s+is|nast[ęe]pn\w+\s+(?:w\s+kolejce|krok(?:iem)?)\s+(?:jest|b[ęe]dzie)",
        r"(?:дальше|далее)\s+по\s+плану|следующ\w+\s+шаг\w*\s*(?:—|-|–|:|будет|это)|(?:далі|дальше)\s+(?:по\s+плану|на\s+черзі)",
        r"наступн\w+\s+крок\w*\s*(?:—|-|–|:|буде|це)",
        # Round 45: the same "the next step is …", "Next: …" where it was missing: a colon or dash that
        # introduces the work (not one ending the text: "Avísame cuál prefieres para el siguiente paso:"), the
        # copula of the Scandinavian languages, Finnish, Czech, Greek, Romanian, Indonesian and Vietnamese,
        # Turkish "sıradaki iş:", "şimdi sıra …" (now it is the turn of …)
        rf"(?:(?:el\s+)?(?:pr[óo]ximo|siguiente)\s+paso|lo\s+siguiente|(?:o\s+)?pr[óo]ximo\s+passo"
        rf"|(?:la\s+)?prochaine\s+[ée]tape|(?:il\s+)?prossimo\s+passo|als\s+n[äa]chstes|n[äa]chster\s+schritt"
        rf"|(?:de\s+)?volgende\s+stap|nast[ęe]pn\w+\s+krok|n[äa]sta\s+steg|n[æe]ste\s+(?:skridt|trin|steg)"
        rf"|seuraava\s+vaihe|dal[šs][íi]\s+krok|(?:το\s+)?επ[όο]μενο\s+β[ήη]μα|urm[ăa]torul\s+pas"
        rf"|k[öo]vetkez[őo]\s+l[ée]p[ée]s|s[ıi]radaki\s+(?:i[şs]|ad[ıi]m|g[öo]rev)|(?:bir\s+)?sonraki\s+ad[ıi]m"
        rf"|langkah\s+(?:selanjutnya|berikutnya)|b[ưu][ớo]c\s+ti[ếe]p\s+theo){_NEXT_COLON}",
        r"(?:der\s+)?n[äa]chste\s+schritt\s+(?:ist|wird)|nast[ęe]pn\w+\s+krok(?:iem)?\s+to",
        r"n[äa]sta\s+steg\s+(?:[äa]r|blir)|n[æe]ste\s+(?:skridt|trin|steg)\s+(?:er|blir|bliver)|seuraava\s+vaihe\s+on",
        r"(?:dal[šs][íi]m\s+krokem|dal[šs][íi]\s+krok)\s+(?:je|bude)|(?:το\s+)?επ[όο]μενο\s+β[ήη]μα\s+(?:ε[ίι]ναι|θα\s+ε[ίι]ναι)",
        r"urm[ăa]torul\s+pas\s+(?:este|e|va\s+fi)|s[ıi]radaki\s+(?:i[şs]|ad[ıi]m|g[öo]rev)\s+ise|[şs]imdi\s+s[ıi]ra",
        r"langkah\s+(?:selanjutnya|berikutnya)\s+(?:adalah|ialah|yaitu)|b[ưu][ớo]c\s+ti[ếe]p\s+theo\s+l[àa]",
        # Round 47: "lo próximo es …", "lo que sigue es …", "il reste (encore) X à porter" (the work between)
        r"lo\s+pr[óo]ximo\s+(?:es|ser[áa])(?!\s+que)|lo\s+que\s+sigue\s+(?:es|ser[áa])(?!\s+que)",
        r"mai\s+(?:sunt|e|este|r[ăa]m[âa]n)\s+de\s+f[ăa]cut",  # Romanian "still to be done"
        rf"il\s+(?:me\s+|nous\s+)?reste(?:nt)?\s+(?:encore\s+)?(?:\S+\s+){{1,8}}?(?:à|a)\s+{_INF_FR}",
    )
    # Round 45: "the next step is …" in Arabic, Hebrew, Persian, Hindi and Urdu (whose copula may end the
    # sentence), Chinese, Japanese ("残タスク：" heads what remains) and Korean
    + r"|(?:الخطوة|المرحلة|المهمة)\s+(?:التالية|القادمة)(?:\s+عندي)?\s*(?:هي|ستكون|[:\u2014\u2013](?=\s*\S))"
    r"|השלב\s+הבא\s*(?:הוא|[:\u2014\u2013](?=\s*\S))"
    r"|(?:مرحله|قدم|گام|کار)(?:\u200c?ی)?\s+بعدی(?:\s+من)?\s*(?:[:\u2014\u2013](?=\s*\S)|[^.!?؟\n]*\sاست(?![\u0600-\u06d3\u06d5-\u06ff]))"
    r"|(?:अगला|अगली)\s+(?:कदम|काम|चरण|स्टेप)\s*(?:[:\u2014\u2013](?=\s*\S)|[^।.!?\n]*\sहै(?![\u0900-\u0963\u0966-\u097f]))"
    r"|اگلا\s+(?:کام|قدم|مرحلہ)\s*(?:[:\u2014\u2013](?=\s*\S)|[^۔.!?\n]*\sہے(?![\u0600-\u06d3\u06d5-\u06ff]))"
    r"|下一步(?:是|就是|[:：](?=\s*\S)|要?做|继续)|接下来(?:是|[:：](?=\s*\S))"
    r"|次の(?:ステップ|作業|タスク|段階)は|残(?:り)?の?(?:タスク|作業)[:：](?=\s*\S)"
    r"|다음\s*(?:단계|작업|할\s*일)(?:은|는|[:：](?=\s*\S))"
)
# Both kinds, read the same way (`says_own_work_left`): one pass over a sentence.
_OWN_WORK_LEFT: Final = re.compile(f"{_SPEAKERS_WORK_LEFT}|{_NEXT_IS}", _I)

# Waiting is no work ("falta esperar a que propague el DNS", "il reste à attendre la CI").
_WAITING: Final = re.compile(
    rf"{_B}(?:esperar|aguardar|attendre|aspettare|attendere|warten|abwarten|wachten|afwachten|czeka[ćc]|poczeka[ćc]"
    r"|ждать|подождать|дождаться|чекати|почекати|дочекатися|bekle\w*|menunggu|chờ|इंतज़ार|इंतजार|انتظار"
    r"|жду|ждём|ждем|чекаю|чекаємо|wacht|espero|esperamos|attends|attendons|aspetto|aspettiamo|czekam|czekamy|warte"
    rf"|a\s+la\s+espera|en\s+attente|no\s+aguardo|in\s+attesa|в\s+ожидании|in\s+afwachting|w\s+oczekiwaniu){_E}"
    r"|待つ|待ち|等待|等|기다",
    _I,
)
# "Nothing" or "none" beside it: "il ne reste rien à faire", "Nessuna attività è ancora da fare".
_NOTHING: Final = re.compile(
    rf"{_B}(?:rien|aucun\w*|nada|ningun\w*|nenhum\w*|nichts|kein\w*|niente|nulla|nessun\w*|nic|żadn\w*|niets|geen"
    rf"|ничего|никак\w+|нічого|жодн\w+|hi[çc]bir|tidak\s+ada|kh[ôo]ng\s+c[òo]n|kh[ôo]ng\s+c[óo]){_E}"
    r"|何も|ありません|没有什么|아무것도|없습니다",
    _I,
)
# Access, a key, a password, an approval, an answer, an outage, something locked or expired: a blocker, not work
# left ("der API-Schlüssel fehlt noch", "the runner is out of service"); a pull request, a ticket or a review is
# someone else's to close.
_A_BLOCKER: Final = re.compile(
    rf"{_B}(?:zugang\w*|zugriff\w*|\w*schl[üu]ssel\w*|passw(?:ort|ord)\w*|token\w*|berechtigung\w*|freigabe\w*"
    r"|credentials?|acceso\w*|clave\w*|credencial\w*|permiso\w*|acesso\w*|chave\w*|senha\w*|permiss[ãa]o\w*"
    r"|acc[èe]s|cl[ée]s?|identifiants?|autorisation\w*|accesso|chiav\w+|credenziali|permess\w+|toegang\w*"
    r"|sleutel\w*|wachtwoord\w*|dost[ęe]p\w*|klucz\w*|has[łl]\w*|uprawnie\w*|доступ\w*|ключ\w*|парол\w*|прав\w*"
    r"|токен\w*|дозвол\w*|approv\w*|aprobaci\w*|aprova\w*|approbation|approvazion\w*|goedkeuring|zatwierdz\w*"
    r"|одобрен\w*|схвал\w*|genehmigung\w*|zustimmung|respuesta|resposta|r[ée]ponse|risposta|antwort|antwoord"
    r"|sign-?off|via\s+libera|feu\s+vert|visto\s+bueno|hors\s+service|en\s+panne|ca[íi]do|fora\s+do\s+ar"
    r"|fuori\s+servizio|au[ßs]er\s+betrieb|ausgefallen|niedost[ęe]pn\w*|недоступ\w*|не\s+работает|не\s+працює"
    r"|gesperrt|geblokkeerd|bloquead[oa]s?|bloccat[oa]|bloqu[ée]e?s?|zablokowan\w*|заблокирован\w*|заблокован\w*"
    r"|kilitlen\w*|terkunci|akses|b[ịi]\s+kh[óo]a|abgelaufen|verlopen|caducad[oa]|expirad[oa]|scadut[oa]|expir[ée]e?"
    r"|anahtar\w*|eri[şs]im\w*|kunci\s+api|kata\s+sandi|m[ậa]t\s+kh[ẩa]u"
    # an external failure: an HTTP error, offline, a quota or limit spent, a crash, maintenance, a full disk
    r"|[45]\d\d|hors\s+ligne|desconectad\w*|fuori\s+linea|offline|quota|cuota|kontingent|квот\w*|[ée]puis[ée]e?"
    r"|agotad[oa]|aufgebraucht|esaurit[oa]|esgotad[oa]|исчерпан\w*|plant\w*|se\s+cuelga|st[üu]rzt\s+ab|abgest[üu]rzt"
    r"|crash\w*|mantenimiento|maintenance|wartung|manutenzione|manuten[çc][ãa]o|disque\s+plein|disco\s+(?:lleno|cheio)"
    r"|quy[ềe]n\s+truy\s+c[ậa]p"
    r"|wygas[łl]\w*|ист[её]к\w*|просроч\w*|s[üu]resi\s+dol\w*|kedaluwarsa|h[ếe]t\s+h[ạa]n"
    rf"|prs?|pull\s+requests?|merge\s+requests?|mrs?|tickets?|тикет\w*|issues?|reviews?|revisi[óo]n|revis[ãa]o|relecture){_E}"
    r"|冻结|凍結|ロック|期限切れ|过期|잠겨|잠김|만료|مفتاح|كلمة\s+المرور|صلاحي\w*|الوصول|एक्सेस|कुंजी"
    r"|権限|アクセス|パスワード|キー|权限|访问|密钥|凭证|凭据|密码|권한|접근|비밀번호|키\b",
    _I,
)
# A decision, something to learn, ask, agree on or check whether is no work of the agent's ("reste à déterminer",
# "resta saber", "осталось решить", "wir müssen noch Rücksprache halten", "ver si la pipeline pasa"): it is the
# user's or another's to settle, or waits on something else.
_TO_SETTLE: Final = re.compile(
    rf"{_B}(?:determin\w*|d[ée]termin\w*|defin(?:ir|ire|ieren)|d[ée]cid\w*|decid\w*|entscheid\w*|beslis\w*|bepal\w*"
    r"|zdecydowa\w*|ustali\w*|wyja[śs]ni\w*|реши\w*|решать|вирішити|вирішувати|определить|визначити"
    r"|выяснить|з'ясувати|уточнить|уточнити|согласовать|погодити|saber|savoir|sapere|wissen|weten|capire|chiarire"
    r"|clarifi\w*|aclarar|esclarecer|kl[äa]ren|abkl[äa]ren|abstimm\w*|r[üu]cksprache|nachfrag\w*|demander|preguntar"
    r"|perguntar|chiedere|vragen|zapyta[ćc]|спросить|запитати|consult\w*|confirm\w*|bevestig\w*|karar|tay|तय"
    r"|знать|знати|wiedzie[ćc]|conoscere|conocer|conhecer|conna[îi]tre|kennen"
    r"|ver|voir|vedere|dire|decir|dizer|sagen|zeggen|сказать|сказати|посмотреть|подивитися|zobaczy[ćc]|g[öo]rmek"
    r"|decisi[óo]n|decis[ãa]o|d[ée]cision|decisione|entscheidung|beslissing|decyzj\w*|решени\w*|рішенн\w*"
    r"|keputusan|quy[ếe]t\s+[đd][ịi]nh|قرار\w*|निर्णय|फ़ैसला|फैसला"
    r"|убедиться|переконатися|upewni[ćc]\s+si[ęe]|sicherstellen|s'assurer|asegurar\w*|assicurar\w*|certificar\w*"
    rf"|ob|czy|ли|чи|si|apakah|whether|of\s+(?:de|het)){_E}"
    r"|かどうか|是否|인지|는지|決め|決定|确定|决定|결정",
    _I,
)
# On purpose, earlier (a past report), someone named with an honorific or someone else's ("his branch", "her
# sprint"; not Polish "ich", German's "I", nor French "son", Spanish "are"), on its own ("the service warms the
# cache itself"), someday: no work left now of the speaker's.
_NOT_NOW: Final = re.compile(
    rf"{_B}(?:absichtlich|bewusst|volontairement|expr[èe]s|a\s+prop[óo]sito|de\s+prop[óo]sito|deliberadamente"
    r"|propositalmente|apposta|volutamente|opzettelijk|celowo|намеренно|специально|навмисно|спеціально"
    r"|kas[ıi]tl[ıi]|bilerek|sengaja|c[ốo]\s+[ýy]|l[ầa]n\s+tr[ưu][ớo]c|sebelumnya|letzten\s+(?:bericht|mal)"
    r"|derni[èe]re\s+fois|[úu]ltima\s+vez|ultima\s+volta|vorige\s+keer|ostatnio|poprzednio|в\s+прошлый\s+раз"
    r"|минулого\s+разу|ge[çc]en\s+sefer|जानबूझकर|عمد\w*"
    r"|automatisch\w*|automatiquement|autom[áa]ticamente|automaticamente|automatycznie|автоматически"
    r"|автоматично|otomatik\w*|otomatis|t[ựu]\s+[đd][ộo]ng|da\s+s[ée]|da\s+sol[oa]|s[ií]\s+sol[oa]|sozinh[oa]"
    r"|automat|automat[ăe]|automatiskt?|automaticky|automaattisesti|itsest[äa][äa]n|automatikusan|αυτόματα"
    r"|сам[аио]?|irgendwann|ooit|alg[úu]n\s+d[íi]a|un\s+jour|un\s+giorno|um\s+dia|kiedy[śs]|когда-нибудь"
    r"|колись|bir\s+g[üu]n|suatu\s+hari|seine[mnrs]?|ihre[mnrs]?|sa|ses|leurs?|suo|sua|suoi|sue|loro|jego|jej"
    rf"|его|её|ее|их|його|її|їх|zijn|haar|hun|onun|onlar[ıi]n|mereka|dia"
    r"|hon|hans|hennes|hendes|deras|deres"  # Swedish, Danish, Norwegian: she, his, her, their (not "han": Spanish)
    r"|(?<![\u05d0-\u05ea])(?:לה|לו|שלה|שלו|שלהם|להם)(?![\u05d0-\u05ea])"  # Hebrew: to or of her, him, them
    # yesterday: a past report ("Hôm qua tôi chưa làm phần test, hôm nay đã …")
    r"|gestern|ayer|ieri|ontem|gisteren|wczoraj|вчера|вчора|dün|kemarin|h[ôo]m\s+qua"
    r"|rapport\s+pr[ée]c[ée]dent|dernier\s+rapport|informe\s+anterior|[úu]ltimo\s+informe|relat[óo]rio\s+anterior"
    r"|[úu]ltimo\s+relat[óo]rio|rapporto\s+precedente|ultimo\s+rapporto|vorige\s+(?:rapport|update|bericht)"
    r"|poprzedni\w*\s+(?:rapor|wiadomo[śs]|aktualizacj)\w*|(?:прошлом|предыдущем)\s+(?:отч[её]те|сообщении)"
    r"|попередньому\s+(?:звіті|повідомленні)|[öo]nceki\s+rapor\w*|b[áa]o\s+c[áa]o\s+tr[ưu][ớo]c"
    # by itself ("que Route 53 hace solo", "das passiert von selbst")
    r"|(?:se\s+)?hacen?\s+sol[oa]s?|tout\s+seul\w*|d'(?:elle|lui|eux)-m[êe]mes?|von\s+(?:selbst|allein)|vanzelf"
    r"|samoczynnie|kendili[ğg]inden|dengan\s+sendirinya"
    # someone takes care of it ("c'est Claire qui s'en charge", "Marta se encarga")
    r"|s'en\s+charge\w*|se\s+encarga\w*|se\s+ocupa\w*|si\s+occupa\w*|k[üu]mmert\s+sich"
    # done in the background, by the program ("co baza robi sama w tle")
    r"|im\s+hintergrund|en\s+segundo\s+plano|em\s+segundo\s+plano|en\s+arri[èe]re-plan|in\s+secondo\s+piano"
    rf"|op\s+de\s+achtergrond|in\s+de\s+achtergrond|w\s+tle|в\s+фоне|у\s+фоні|arka\s+planda|di\s+latar\s+belakang){_E}"
    r"|(?<![\u0600-\u06ff])أمس(?![\u0600-\u06ff])|(?:التقرير|الرسالة)\s+السابق\w*|昨日|昨天|어제|バックグラウンド|백그라운드"
    r"|الخلفية"
    r"|意図的|わざと|前回|当時|故意|特意|上次|之前|当时|일부러|의도적|지난\s*보고|이전|さん|様|님|씨|勝手に|알아서"
    r"|自動|自动|자동|स्वचालित|अपने\s+आप|تلقائي|خودکار|אוטומטית|いつか|언젠가|有一天|他的|她的|他们的|彼の|彼女の|그의|उसका|उसकी|उनका"
    r"|同事|同僚|동료|先方|相手|客户|顾客|お客様|顧客|고객|对方|担当者|ユーザー|利用者|用户|사용자"
    r"|(?:रहा|रही|रहे)\s+है|करेगा|करेगी|करेंगे",  # Hindi: someone else is doing it, or will
    _I,
)
# The user addressed in other words than the lexicon's: what they asked or agreed ("como pediste", "prosiłeś",
# "zoals afgesproken"), their own things ("вашим скриптом", "kendi ortamında").
_YOU_ASKED: Final = re.compile(
    rf"{_B}(?:pediste|pedisteis|pidi[óo]|pediu|pediram|hai\s+chiesto|avete\s+chiesto|as\s+demand[ée]|avez\s+demand[ée]"
    r"|gevraagd|prosi[łl]\w*|просил\w*|просив\w*|istedi[ğg]in\w*|istedi[ğg]iniz\w*|y[êe]u\s+c[ầa]u|minta"
    r"|zoals\s+afgesproken|wie\s+(?:vereinbart|abgesprochen|besprochen)|como\s+(?:acordamos|combinado|combinamos)"
    r"|comme\s+convenu|come\s+concordato|jak\s+ustalili[śs]my|как\s+договорились|як\s+домовилися"
    r"|konu[şs]tu[ğg]umuz\s+gibi|sesuai\s+kesepakatan|nh[ưu]\s+[đd][ãa]\s+th[ốo]ng\s+nh[ấa]t|ваш\w*|тво[йяеи]\w*"
    r"|твій|твоя|твоє|dein\w*|eure?\w*|votre|vos|tu|tus|vuestr\w*|tuo|tua|vostr\w*|jouw|uw|tw[óo]j\w*|wasz\w*"
    r"|senin|sizin|kendi\s+ortam\w*|kamu|anda|b[ạa]n"
    # Czech, Swedish, Danish, Norwegian and Finnish "your" (not "din" nor "dit": Romanian "from", Dutch "this"),
    # Czech consent
    r"|tv[ůu]j|tvoj[ei]\w*|tv[ée]\w*|v[áa]š\w*|souhlas\w*|ditt|dina|dine|sinun|teid[äa]n"
    # a verb in the second person singular, Russian ("когда посмотришь черновик")
    rf"|(?!брешь|мелочь)\w{{2,}}(?:ешь|ёшь|ишь)(?:ся)?){_E}"
    r"|كما\s+اتفقنا|كما\s+طلبت|طلبك|जैसा\s+तय|あなたの|당신의|您的|你的|요청하신|말씀하신|주셔야|ご指示|ご依頼|您|你",
    _I,
)
# A condition: work that may come is not work left ("Nếu sau này cần hỗ trợ Safari 14 thì tôi còn phải thêm …",
# "Wenn wir später …, müssen wir noch …"). Not Romance "si"/"se", which is also "yes", "itself".
_CONDITION: Final = re.compile(
    rf"{_B}(?:wenn|falls|sofern|indien|je[śs]li|je[żz]eli|если|якщо|e[ğg]er|jika|kalau|bila|apabila|nếu"
    r"|αν|εάν|jos|pokud|jestli(?:že)?|dac[ăa]|hvis|ifall"
    # hedges, which both readings refuse ("Vielleicht muss ich noch …", "Возможно, ещё нужно …")
    r"|vielleicht|quiz[áa]s?|tal\s+vez|forse|talvez|peut-[êe]tre|misschien|возможно|может\s+быть|можливо|być\s+może"
    r"|belki|mungkin"
    # conditions said otherwise in the Romance languages and German ("Se il cliente lo chiede, …", "S'il faut …")
    r"|(?:se|si)\s+(?:il|lo|la|i|gli|o|os|as|um|uma|el|los|las|le|les|for|houver|precisar|quiser|servisse)"
    r"|s'il|qu'il|qualora|nel\s+caso|caso\s+(?:seja|haja|o|a)|en\s+caso\s+de|au\s+cas\s+o[ùu]|sollte[n]?"
    # ... and an offer's condition where "if" is "si" or "se" ("Si quieres, …", "Volendo, farò …", "au besoin")
    r"|(?:si|se)\s+(?:(?:lo|la|le|te|ti|ce|cela)\s+)?(?:quieres|quiere|quer\w*|vuoi|volete|vuole|prefer\w*|pr[ée]f[èe]r\w*"
    r"|desea\w*|veux|voulez|souhait\w*|serve|necess[áa]ri[oa]|necesari[oa]|hace\s+falta|besoin|precis\w*)"
    r"|volendo|au\s+besoin|bei\s+bedarf|nach\s+bedarf|(?:als|indien)\s+(?:je|u)\s+wilt|caso\s+(?:queira|prefira|precise)"
    rf"){_E}"
    r"|अगर|यदि|إذا|اگر|(?<![\u05d0-\u05ea])אם(?![\u05d0-\u05ea])|もし|如果|要是|만약",
    _I,
)
# Telling is no work ("Ich muss noch anmerken, dass …", "Je dois encore préciser que …").
_TELLING: Final = re.compile(
    rf"{_B}(?:anmerken|erw[äa]hnen|hinweisen|betonen|pr[ée]ciser|signaler|mencionar|se[ñn]alar|segnalare|precisare"
    rf"|отметить|упомянуть|зазначити|згадати|opmerken|vermelden|zaznaczy[ćc]|wspomnie[ćc]|belirtmek|menyebutkan){_E}",
    _I,
)
# Someone's part, named ("karena itu bagian Rina", "es la parte de Marta", "das ist Jonas' Teil").
_SOMEONES_PART: Final = re.compile(
    rf"{_B}(?:bagian|parte|partie|part|deel|teil|cz[ęe][śs][ćc]|часть|частина|ph[ầa]n)\s+(?:de\s+|di\s+|del\s+|do\s+|da\s+"
    r"|d'|van\s+|của\s+|von\s+)?(?-i:(?![A-ZÀ-Þ]{2})[A-ZÀ-ÖØ-ÞĄĆĘŁŃŚŹŻА-ЯЁІЇЄҐĐ])\w*"
    r"|(?-i:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐ])\w*(?:'|’)s?\s+(?:teil|deel)\b",
    _I,
)
# The speaker lacking something (a device, a file, an account): a blocker, not work left ("Ainda não testei no Safari
# do iPhone porque não tenho um dispositivo iOS aqui").
_LACKING: Final = re.compile(
    rf"{_B}(?:n[ãa]o\s+(?:tenho|temos)|no\s+(?:tengo|tenemos)|(?:je\s+n'ai|nous\s+n'avons)\s+pas\s+d(?:e\b|')"
    r"|(?:ich\s+habe|wir\s+haben|habe\s+ich|haben\s+wir)\s+kein\w*|non\s+(?:ho|abbiamo)(?!\s+ancora\b)"
    r"|(?:ik\s+heb|we\s+hebben)\s+geen"
    r"|nie\s+(?:mam|mamy)|у\s+(?:меня|нас)\s+нет|(?:у|в)\s+(?:мене|нас)\s+(?:немає|нема)|tidak\s+(?:punya|memiliki)"
    rf"|kh[ôo]ng\s+c[óo]\s+(?:s[ẵa]n\s+)?(?:m[áa]y|thi[ếe]t\s+b[ịi])|ليس\s+(?:لدي|لدينا)){_E}"
    r"|持っていない|持っていません|手元にない|手元にありません|我(?:们)?没有|없어서|없습니다",
    _I,
)
# Getting something from someone is no work of the speaker's: it waits on them ("tôi còn phải xin quyền truy cập
# … từ bộ phận IT", "ما زال علينا الحصول على ملف الإعدادات من سامي", "je dois encore obtenir …").
_RECEIVING: Final = re.compile(
    rf"{_B}(?:obtener|obtengo|obter|receber|recebo|recibir|obtenir|recevoir|ottenere|ricevere|bekommen|erhalten"
    r"|krijgen|ontvangen|otrzyma[ćc]|dosta[ćc]|получить|получать|получу|отримати|отримувати|mendapatkan|menerima|xin"
    r"|nh[ậa]n\s+(?:[đd][ưu][ợo]c"
    rf"|t[ừu])){_E}"
    r"|الحصول|استلام|تلقي|もらう|もらわ|受け取|拿到|获得|得到|收到|要到|받아야|받아|받을",
    _I,
)
# A cleft that names who does it: "la prochaine étape, c'est le worker de facturation qui le consomme".
_CLEFT: Final = re.compile(
    rf"{_B}(?:c'est|ce\s+sont|es|son|é|são)\s+(?:[^,;:.]{{1,60}}?)\s+(?:qui|quien|quienes|quem){_E}", _I
)
# A verb of saying or showing before a colon: what follows is what the program says ("Ahora el bot dice: Voy a
# buscar el pedido:").
_QUOTED_SPEECH: Final = re.compile(
    rf"{_B}(?:dice|dicen|muestra|diz|mostra|dit|affiche|sagt|zeigt|zegt|toont|m[óo]wi|pokazuje|говорит|показывает"
    rf"|каже|показує|diyor|g[öo]steriyor|berbunyi|mengatakan|menampilkan|n[óo]i|hi[ểe]n\s+th[ịi]|says|reads|shows){_E}\s*:"
    r"|يقول\s*:|と言います\s*[:：]|说\s*[:：]|显示\s*[:：]|말합니다\s*:",
    _I,
)
# The break point's own words: a pause or stop, which plan_steps' list of holds also has ("hacer una pausa").
_PAUSING: Final = re.compile(
    r"(?<!en\s)(?<!in\s)(?!pausiert|pausad[oa])paus\w*|me\s+detengo|me\s+paro|je\s+m'arr[êe]te|halte\s+ich|anhalten|mi\s+fermo|eu\s+paro|останавлива\w*"
    r"|остановлюсь|зупиня\w*|zatrzymuj\w*|durdu\w*|durup|berhenti|d[ừu]ng\s+l[ạa]i|停下|暂停|止めて|멈추|멈춥",
    _I,
)
# Someone else doing it, said in the statement's clause ("est encore à valider par le client").
_BY_SOMEONE: Final = re.compile(
    rf"{_B}(?:par\s+(?:le|la|les|l')|por\s+parte|da\s+parte|von\s+(?:der|dem|den)|door\s+(?:de|het)|przez){_E}"
    # ... or by someone named ("la validation par Sophie", "făcută de Andrei", "av Karin", round 45): a capital after
    # a preposition of agency (not "de", which is "of" too: "la API de Stripe")
    rf"|{_B}(?:par|por|pelo|pela|von|door|av|af|od|від|от|oleh|b[ởo]i|f[ăa]cut[ăa]?\s+de|fatt[ao]\s+da)\s+"
    r"(?-i:[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄ][a-zà-öø-ÿа-яёіїє]+)",
    _I,
)
# What, in the statement's clause, makes the work not the speaker's own now.
_NOT_OWN_NOW: Final = (
    _BY_SOMEONE,
    plan_steps._CONSENT,
    plan_steps._CLITIC_CONSENT_RE,
    plan_steps._OUTWARD,
    _WAITING,
    _NOTHING,
)
# What, in the statement's sentence, makes the work not the speaker's own now (`_own_in_sentence`).
_NOT_OWN_SENTENCE: Final = (
    _NOT_NOW, _YOU_ASKED, _A_BLOCKER, _TO_SETTLE, _CONDITION, _LACKING, _SOMEONES_PART, _QUOTED_SPEECH, _TELLING,
    _RECEIVING, _CLEFT,
)  # fmt: skip
# Another day or session, said anywhere in the final act: a plan for it is the user's to take up ("Voor morgen:"
# over the list it heads).
_ANOTHER_DAY: Final = re.compile(
    rf"{_B}(?:(?<!heute\s)(?<!am\s)(?<!guten\s)morgen|demain|(?<!esta\s)(?<!la\s)ma[ñn]ana|domani|amanh[ãa]|jutro|завтра"
    r"|yar[ıi]n|besok|ng[àa]y\s+mai"
    r"|lundi|mardi|mercredi|jeudi|vendredi|montag|dienstag|mittwoch|donnerstag|freitag|lunes|martes|mi[ée]rcoles"
    r"|jueves|viernes|luned[ìi]|marted[ìi]|mercoled[ìi]|gioved[ìi]|venerd[ìi]|segunda-feira|ter[çc]a-feira"
    r"|quarta-feira|quinta-feira|sexta-feira|maandag|dinsdag|woensdag|donderdag|vrijdag|poniedzia[łl]ek|wtorek"
    r"|[śs]rod[aęy]|czwartek|pi[ąa]tek|понедельник|вторник|в\s+среду|четверг|пятниц[ауы]|понеділок|вівторок"
    r"|середу|четвер|п'ятниц[юі]|pazartesi|sal[ıi]|[çc]ar[şs]amba|per[şs]embe|hari\s+(?:senin|selasa|rabu|kamis|jumat)"
    r"|pr[óo]xima\s+sesi[óo]n|prochaine\s+session|n[äa]chste[nr]?\s+sitzung|volgende\s+sessie|pr[óo]xima\s+sess[ãa]o"
    r"|prossima\s+sessione|bu[ổo]i\s+sau|l[ầa]n\s+sau|sesi\s+berikutnya"
    # another week, another day
    r"|n[äa]chste\s+woche|semana\s+que\s+viene|pr[óo]xima\s+semana|semaine\s+prochaine|prossima\s+settimana"
    r"|volgende\s+week|przysz[łl]ym\s+tygodniu|следующей\s+неделе|наступного\s+тижня|gelecek\s+hafta|minggu\s+depan"
    r"|tu[ầa]n\s+sau|autre\s+jour|outro\s+dia|anderen\s+tag|andere\s+dag|innym\s+razem|в\s+другой\s+раз"
    rf"|іншим\s+разом|ba[şs]ka\s+bir\s+g[üu]n|lain\s+kali"
    # the next sprint (round 45: "… जो इस प्लान के बाद अगले स्प्रिंट में शुरू होगा")
    r"|n[äa]chsten\s+sprint|pr[óo]ximo\s+sprint|prochain\s+sprint|prossimo\s+sprint|volgende\s+sprint"
    r"|n[äa]sta\s+sprint|n[æe]ste\s+sprint|nast[ęe]pnym\s+sprincie|dal[šs][íi]m\s+sprintu|следующ\w+\s+спринт\w*"
    rf"|наступн\w+\s+спринт\w*|sonraki\s+sprint\w*|sprint\s+berikutnya|sprint\s+ti[ếe]p\s+theo){_E}"
    r"|अगले\s+स्प्रिंट|下一?个?(?:迭代|冲刺|sprint)|次の?スプリント|다음\s*스프린트"
    r"|कल|غد|الأسبوع\s+(?:القادم|المقبل)|明日|次回|来週|明天|下次|下周|내일|다음\s*번|다음\s*주",
    _I,
)
_INDENTED: Final = re.compile(r"^(?: {4}|\t).*$", re.MULTILINE)  # a code block by indentation
# Quoted text (a commit message, a UI string), but not a parenthesis, which may say whose the work is ("(lo hace
# Marta)").
_QUOTES: Final = re.compile(
    r"\"[^\"\n]*\"|(?<!\w)'[^'\n]*'(?!\w)|[«“‘„][^»”’“\n]*[»”’“]|「[^」\n]*」|『[^』\n]*』|《[^》\n]*》"
)
_APOSTROPHES: Final = str.maketrans("\u2018\u2019\u02bc", "'" * 3)
# A negation before the construction in its clause: "Ya no falta por migrar", "Non resta da collegare altro" (the
# constructions that hold their own negation, "je n'ai pas encore", "я ещё не", start after it).
_NEGATED: Final = re.compile(
    rf"{_B}(?:no|non|nicht|nichts|kein\w*|не|ні|nie|niet|n[ãa]o|pas|plus|ya\s+no|already|nada|nulla|niente){_E}", _I
)
_CLAUSE_MARK: Final = re.compile(r"[,;:\u2014\u2013\uff0c\u3001\uff1b]|\s-\s")


def says_own_work_left(final: str) -> bool:
    """Whether a final act in another language states the speaker's own work still to do (the module's
    docstring): one of its constructions, outside quotes, in a final act that asks nothing, in a clause that
    neither asks consent to an outward act, waits nor says "nothing", in a sentence that neither gives the work
    to a team or puts it on hold, says it is on purpose or past, names a blocker or something to settle, nor
    addresses the user, in a final act that does not put the work after the plan."""
    for sentence in _sentences(final):
        if not _own_in_sentence(sentence):
            continue
        for found in _OWN_WORK_LEFT.finditer(sentence):
            clause = _clause(sentence, found.start(), found.end())
            negated = _NEGATED.search(_before_in_clause(sentence, found.start()))
            if not negated and not any(pattern.search(clause) for pattern in _NOT_OWN_NOW):
                return True
    return False


def _normalized(final: str) -> str:
    """A final act's last ACT_CHARS as the module reads them: composed accents, one apostrophe."""
    return unicodedata.normalize("NFC", final[-stopact_model.ACT_CHARS :]).translate(_APOSTROPHES)


@lru_cache(maxsize=64)
def _sentences(final: str) -> tuple[str, ...]:
    """The sentences of a final act's prose (its last ACT_CHARS, without code, quotes or an indented block),
    or none when it asks a question or puts the work after the plan: then nothing it says is read as work
    ahead of the speaker's. Cached: both readings, and a stop's guard and its verdict, read the same act."""
    final = _normalized(final)
    if plan_steps.after_the_plan(final) or any(mark in final for mark in stopact_model.QUESTION_MARKS):
        return ()
    if _ANOTHER_DAY.search(final):
        return ()  # the work put off to another day or week: the user's to take up then
    prose = _QUOTES.sub(" ", stopact_model.without_code(final))
    return tuple(plan_steps.sentences(_INDENTED.sub(" ", prose)))


def _own_in_sentence(sentence: str) -> bool:
    """No team's or held work (plan_steps' words, but the break point's own words of pausing), nothing on
    purpose or past, no blocker or anything to settle, no user addressed (the lexicon's `user`, read outside
    the statement itself: Vietnamese "mình" is "I" there and "you" elsewhere; and with its accents as written,
    as folded "tôi" is French "toi", "się" German "sie")."""
    held = any(not _PAUSING.fullmatch(m[0]) for m in plan_steps._NOT_THE_PLANS_NOW.finditer(sentence))
    if held or any(p.search(sentence) for p in _NOT_OWN_SENTENCE):
        return False
    return "user" not in concepts.found(_OWN_NEXT.sub(" ", _OWN_WORK_LEFT.sub(" ", sentence)).lower())


def _clause_start(sentence: str, start: int) -> int:
    """Where the clause of `sentence` that holds `start` begins: after the last clause mark before it."""
    return max((mark.end() for mark in _CLAUSE_MARK.finditer(sentence, 0, start)), default=0)


def _before_in_clause(sentence: str, start: int) -> str:
    """What `sentence` says before `start` in the same clause."""
    return sentence[_clause_start(sentence, start) : start]


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause of `sentence` that holds sentence[start:end]: from the clause mark before it to the one after
    it (a construction may hold a comma itself: "lo que queda, es …")."""
    after = _CLAUSE_MARK.search(sentence, end)
    return sentence[_clause_start(sentence, start) : after.start() if after else len(sentence)]


# The speaker announcing its own next act (round 41): in each language a form that says the first person and
# the future or an intent, not a pronoun alone, which says no tense (round 29 read "Затем я добавил индекс",
# past work told with a sequence word, as a plan): Italian and French futures ("collegherò", "j'ajouterai"),
# "voy a", "vou", "je vais", "ich werde", "ik ga", "saya akan", "tôi sẽ", Turkish
# "-acağım", Hindi "-ूँगा", Arabic "سأ", Korean "-겠습니다"; and a sequence word with the present that a
# language uses for the next act, its first person shown ("Als Nächstes schreibe ich", "Daarna pak ik",
# "Дальше займусь", "Потом я добавлю", "次に…します", "接下来我要").
_SEQ_DE: Final = r"(?:als\s+n[äa]chstes|danach|anschlie[ßs]end|jetzt|nun|im\s+n[äa]chsten\s+schritt)"
_SEQ_NL: Final = r"(?:daarna|hierna|vervolgens|nu|als\s+volgende|straks)"
_SEQ_ES_PT: Final = r"(?:ahora|luego|despu[ée]s|a\s+continuaci[óo]n|agora|depois|em\s+seguida|a\s+seguir)"
_SEQ_RU: Final = r"(?:дальше|далее|затем|потом|теперь|сейчас|следующим\s+шагом|после\s+этого|следом)"
_SEQ_UK: Final = r"(?:далі|потім|тепер|зараз|наступним\s+кроком|після\s+цього|згодом)"
_SEQ_PL: Final = r"(?:teraz|nast[ęe]pnie|potem|dalej|p[óo][źz]niej|w\s+nast[ęe]pnym\s+kroku)"
# Not the auxiliaries of a past ("Danach habe ich noch das Changelog ergänzt", "Daarna heb ik een index …").
_AUX_DE: Final = (
    r"(?:habe|hab|hatte|hatten|haben|war|waren|bin|sind|wurde|wurden|\w+te|\w+ten|lie[ßs]|schrieb|nahm|fand|gab"
    r"|ging|kam|lief|sah|zog|hielt|rief|blieb|las|bat|bot|brach|stie[ßs])\b"
)
_AUX_NL: Final = (
    r"(?:heb|had|hadden|hebben|was|waren|ben|zijn|werd|werden|\w+de|\w+te|\w+den|\w+ten|liet|schreef|nam|vond"
    r"|gaf|ging|kwam|zag|bleef|las)\b"
)
# Russian and Ukrainian: the first person said by "я", a reflexive ("займусь", "візьмуся") or a verb of work in
# the first person; a bare word in -у or -ю is as often a noun ("Дальше ревью делает Саша").
_FIRST_RU: Final = (
    r"(?:я\s+(?:сразу\s+|потом\s+|тогда\s+)?(?:буду\s+\w+|\w+(?<!ом)(?<!ем)(?<!юю)(?:у|ю)(?:сь)?)|буду\s+\w+|\w+(?:усь|юсь)"
    r"|добавлю|сделаю|перенесу|подключу|напишу|допишу|исправлю|поправлю|реализую|настрою|обновлю|перейду"
    r"|переведу|вынесу|уберу|починю|доделаю|прикручу|переделаю|перепишу)"
)
_FIRST_UK: Final = (
    r"(?:я\s+(?:одразу\s+|потім\s+|тоді\s+)?(?:буду\s+\w+|\w+тиму|додам|\w+(?<!ом)(?<!ем)(?:у|ю)(?:ся)?)|буду\s+\w+|\w+тиму"
    r"|\w+(?:уся|юся)|додам|зроблю|перенесу|підключу|напишу|допишу|виправлю|реалізую|налаштую|оновлю|перейду"
    r"|переведу|винесу|приберу|полагоджу|доробл\w+|перепишу)"
)
_OWN_NEXT: Final = re.compile(
    _whole_words(
        # Not the Portuguese synthetic future: its "-arei", "-erei" are the past of "parar", "alterar" too.
        rf"voy\s+a\s+{_INF_ES_PT}|vou\s+{_INF_ES_PT}",
        rf"{_SEQ_ES_PT}\s*,?\s*(?:me\s+pongo|sigo|contin[úu]o|paso|empiezo|arranco|parto|passo|come[çc]o)\s+(?:con|a|al|por|com|para|pela|pelo)",
        rf"(?:je|j')\s*(?:vais\s+(?:maintenant\s+|ensuite\s+|donc\s+)?{_INF_FR}|\w+rai)|je\s+(?:passe|m'attaque|attaque|encha[îi]ne)\s+(?:à|au|aux|avec|sur|par)",
        # Italian "-arò" is also a past ("preparò"); its future of "-are" verbs is "-erò".
        r"(?!però\b)\w+(?:erò|irò)|farò|(?:ora|adesso|poi|dopo)\s*,?\s*(?:passo|procedo|continuo|faccio|collego|aggiungo|scrivo|sistemo)",
        rf"(?:ich|wir)\s+werde\w*|{_SEQ_DE}\s*,?\s+(?!{_AUX_DE})(?:\w+\s+)?(?:ich|wir)\b(?!\s+{_AUX_DE})",
        r"(?:ik|we)\s+(?:ga|gaan)\s+(?:nu\s+|daarna\s+|straks\s+)?\w+",
        rf"{_SEQ_NL}\s*,?\s+(?!{_AUX_NL})(?:\w+\s+)?(?:ik|we)\b(?!\s+{_AUX_NL})",
        rf"(?:zajm[ęe]|wezm[ęe]|bior[ęe])\s+si[ęe]|{_SEQ_PL}\s*,?\s+(?!się\b)\w+ę",
        rf"{_SEQ_RU}\s*,?\s+{_FIRST_RU}",
        rf"{_SEQ_UK}\s*,?\s+{_FIRST_UK}",
        r"\w+(?<!ma)(?<!me)(?<!may)(?<!mey)(?:y)?(?:aca[ğk][ıi]m|ece[ğk]im)",
        # Indonesian and Vietnamese mark no tense: only their words of the future say it ("Selanjutnya saya
        # menambahkan …" is as often told of the past).
        r"(?:saya|aku|kami)\s+akan\s+\w+|(?:tôi|mình|em|chúng\s+tôi)\s+(?:sẽ|sắp)\s+\w+",
        # Round 47: Romanian "mai am de …" (I still have to), Czech first persons of work after a sequence word
        r"mai\s+(?:am|avem)\s+de\s+\w+",
        r"(?:d[áa]l|d[áa]le|potom|pak|te[ďd]|nyn[íi]|n[áa]sledn[ěe])\s*,?\s+(?:se\s+)?(?:pust[íi]m|ud[ěe]l[áa]m|p[řr]id[áa]m"
        r"|nap[íi][šs]u|dod[ěe]l[áa]m|oprav[íi]m|zam[ěe][řr][íi]m)",
    )
    + r"|(?:ूँगा|ूँगी|ूंगा|ूंगी|ऊँगा|ऊँगी|ऊंगा|ऊंगी)"
    r"|(?<![\u0600-\u06ff])(?:سأ(?!ل)|سوف\s+أ|سوف\s+ن)[\u0600-\u06ff]+"
    r"|(?:다음으로|다음에는|이어서|이제|그다음|그\s+다음)[^.?!\n]*?(?<!알)(?<!좋)(?<!되)(?:하겠습니다|겠습니다|할게요|하겠어요)"
    r"|(?:次に|次は|続いて|これから|この後|その後|今から|このあと|そのあと)[、,]?[^。！？\nが]*?(?<!され)(?<!られ)(?<!てい)ます(?=[。！\n]|$)"
    r"|(?:接下来|下一步|然后|之后|随后|现在|接着)[，,]?\s*(?:我们|我|咱们)(?:会|要|来|将|打算|准备|就)"
    r"|接下来要(?:做|改|写|实现|处理)的是",
    _I,
)
# What makes an announcement no next act of the speaker's: telling or summing up, a condition, a hedge, a
# negation (round 29's cold review, training/own_next_review.jsonl, read them as plans).
_NO_ACT: Final = re.compile(
    rf"{_B}(?:avis\w*|inform\w*|comunic\w*|decir|contar|notific\w*|report\w*|dire|pr[ée]ven\w*|signal\w*|sagen"
    r"|mitteil\w*|bescheid|bericht\w*|meld\w*|laten\s+weten|zeggen|doorgeven|powiedzie[ćc]|poinformowa\w*|zg[łl]osi\w*"
    r"|сказать|сообщ\w*|расскаж\w*|предупре\w*|сказати|повідом\w*|розповім|s[öo]yle\w*|haber\s+ver\w*|bildir\w*"
    r"|bilgilendir\w*|memberi\s+tahu|memberitahu|kabari|b[áa]o|n[óo]i|resum\w*|r[ée]sum\w*|riassum\w*|zusammenfass\w*"
    r"|samenvat\w*|podsumuj\w*|подытож\w*|підсумую|[öo]zetle\w*|merangkum|t[óo]m\s+t[ắa]t"
    # (the hedges both readings refuse are _CONDITION's; these are also other words: "może", "может", "có lẽ")
    r"|mo[żz]e|может|c[óo]\s+l[ẽe]|no|não|pas|non|nicht|kein\w*"
    # stopping or resuming is no next act (another day is _ANOTHER_DAY's); "once Paul has approved" waits on someone
    r"|une\s+fois|sobald|una\s+vez"
    r"|uma\s+vez|appena|zodra|jak\s+tylko|как\s+только|щойно|як\s+тільки|\w+(?:d|t)[ıiuü]kt[ae]n\s+sonra|onay\w*"
    r"|stopp\w*|aufh[öo]r\w*|arr[êe]t\w*|fermo|ferm\w*r[òo]|paro|parar|detengo|dejar\w*|deixar|durdu\w*|duruyorum"
    r"|respiro|descanso|souffler|sosta|feierabend|encerrar|pauze|(?:закончу|завершу)\s+на\s+этом"
    r"|duraca[ğk]\w*|b[ıi]rak\w*|olaca[ğk]\w*|berhenti|d[ừu]ng|por\s+hoy|por\s+hoje|per\s+oggi|f[üu]r\s+heute"
    r"|pour\s+aujourd'hui|voor\s+vandaag|na\s+dzi[śs]|на\s+сегодня|на\s+сьогодні|bug[üu]nl[üu]k"
    # knowing, seeing or assuming is no act ("Nun weiß ich …", "Теперь я знаю …", "Ik ga ervan uit …")
    r"|wei[ßs]|verstehe|glaube|denke|weet|begrijp|denk|geloof|ervan\s+uit|знаю|понимаю|вижу|думаю|розумію|бачу|wiem"
    r"|rozumiem|widz[ęe]|my[śs]l[ęe]|sais|comprends|vois|pense|s[ée]|entiendo|veo|creo|capisco|vedo|penso|entendo"
    r"|vejo|acho|biliyorum|anl[ıi]yorum|san[ıi]yorum"
    r"|riprend\w*|reprend\w*|retom\w*|hervat\w*|wznow\w*|возобнов\w*|відновлю|altra\s+giornata|otro\s+d[íi]a"
    # a would-do plan, another week, a need ("Eu faria assim: …", "nächste Woche", "I'll need the key")
    r"|faria\w*|far[íi]a\w*|har[íi]a\w*|ferai[st]|w[üu]rde\w*|zou|zouden|by[mś]|бы"
    r"|brauche|ben[öo]tige|necesit\w*|precis\w*|besoin|bisogno|nodig|potrzebuj\w*|понадоб\w*|знадоб\w*|ihtiyac\w*"
    r"|butuh|c[ầa]n\s+c[óo]"
    rf"|niet|geen|nie|не|ні|tidak|bukan|belum|kh[ôo]ng|ch[ưu]a|nebudu){_E}"
    r"|बता|सारांश|शायद|नहीं|रुक|أخبر|أبلغ|تلخيص|ربما|لن|توقف|أتوقف|سأنتظر|انتظار|伝え|知らせ|報告|まとめ"
    r"|たぶん|多分|しません|しない|止め|必要|休み|休憩|もらい|停|需要|了|멈추|그만|주시|주세요"
    r"|시면|필요|마치|끝내|없겠|있겠|괜찮겠|좋겠|되겠|알겠"
    r"|أحتاج|سأحتاج|चाहिए|إن\s|同步给|发给|转告|मैसेज"
    r"|告诉|通知|汇报|报告|总结|也许|不会|不要|不再|알려|말씀|보고|요약|아마|않|안\s|" + _PAUSING.pattern,
    _I,
)


def announces_own_next_step(final: str) -> bool:
    """Whether a final act in another language announces the speaker's own next act (`_OWN_NEXT`), in a
    sentence with no telling, condition, hedge or negation and none of what makes work no longer the speaker's
    own (`_own_in_sentence`), outside quotes, in a final act that asks no question and does not put the work
    after the plan."""
    for sentence in _sentences(final):
        announced = _OWN_NEXT.search(sentence) and not _NO_ACT.search(sentence)
        if announced and _own_in_sentence(sentence) and not any(p.search(sentence) for p in _NOT_OWN_NOW):
            return True
    return False


def states_own_work_ahead(final: str) -> bool:
    """Either: the speaker's own work still to do, or its own next act announced."""
    return says_own_work_left(final) or announces_own_next_step(final)


def names_a_blocker(final: str) -> bool:
    """Whether a final act in another language names access, a key, an approval, an outage, something locked or
    expired (`_A_BLOCKER`), or a wait (`_WAITING`: "statusnya masih menunggu dokumen", round 46): a question
    beside it waits on that, whatever step it asks for."""
    final = _normalized(final)
    return _A_BLOCKER.search(final) is not None or _WAITING.search(final) is not None
