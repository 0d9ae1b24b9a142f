"""Whether a break point in another language than English states the agent's own work still to do.

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
"""

from __future__ import annotations

import re
from typing import Final

from stopwarden.gate import plan_steps, stopact_model

_I = re.IGNORECASE
_B: Final = r"(?<!\w)"
_E: Final = r"(?!\w)"
# An infinitive: Spanish and Portuguese, French, Italian (with a clitic pronoun), Russian and Ukrainian,
# Polish.
_INF_ES_PT: Final = r"\w+(?:ar|er|ir|ír)(?:l[oa]s?|se|las?|los?)?"
_INF_FR: Final = r"\w+(?:er|ir|re)"
_INF_IT: Final = r"\w+(?:are|ere|ire)(?:l[oaie]|ne)?"
_INF_RU_UK: Final = r"\w+(?:['\u2019]\w+)*(?:ть|ти|чь)(?:ся|сь)?"
_INF_PL: Final = r"\w+(?:ć|c)(?:\s+się)?"
_STILL_ES: Final = r"(?:todav[íi]a|a[úu]n)"
_STILL_RU: Final = r"(?:ещё|еще)"

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

_OWN_WORK_LEFT: Final = re.compile(
    "|".join(
        rf"{_B}(?:{p}){_E}"
        for p in (
            # Spanish: "(me) falta conectar", "quedan por migrar", "aún no he tocado", "todavía tengo que"
            rf"(?:me|nos)\s+(?:falta|faltan|queda|quedan)\s+(?:{_STILL_ES}\s+)?(?:por\s+)?{_INF_ES_PT}",
            rf"{_STILL_ES}\s+(?:me\s+|nos\s+)?(?:falta|faltan|queda|quedan)\s+(?:por\s+)?{_INF_ES_PT}",
            rf"(?:falta|faltan|queda|quedan)\s+(?:{_STILL_ES}\s+)?por\s+{_INF_ES_PT}",
            rf"{_STILL_ES}\s+no\s+(?:lo\s+|la\s+|los\s+|las\s+)?(?:he|hemos)\s+{_WORK_ES}",
            rf"no\s+(?:lo\s+|la\s+|los\s+|las\s+)?(?:he|hemos)\s+{_WORK_ES}\s+(?:\w+\s+){{0,6}}?{_STILL_ES}",
            rf"{_STILL_ES}\s+(?:tengo|tenemos)\s+que\s+{_INF_ES_PT}",
            rf"(?:tengo|tenemos)\s+que\s+{_INF_ES_PT}\s+(?:\w+\s+){{0,6}}?{_STILL_ES}",
            # Portuguese: "ainda falta ligar", "restam migrar", "ainda não comecei", "ainda tenho de"
            rf"(?:ainda\s+)?(?:me\s+)?(?:falta|faltam|resta|restam)\s+(?:ainda\s+)?{_INF_ES_PT}",
            rf"ainda\s+n[ãa]o\s+(?:o\s+|a\s+|os\s+|as\s+|lhe\s+)?{_WORK_PT}",
            rf"ainda\s+(?:tenho|temos|preciso|precisamos)\s+(?:de\s+|que\s+)?{_INF_ES_PT}",
            # French: "il (me) reste (encore) à brancher", "sont encore à écrire", "je n'ai pas encore branché"
            rf"(?:me\s+|nous\s+)?reste(?:nt)?\s+(?:encore\s+)?(?:à|a)\s+{_INF_FR}",
            rf"(?:est|sont)\s+encore\s+(?:à|a)\s+{_INF_FR}",
            rf"(?:je|j'|nous)\s*(?:dois|devons)\s+encore\s+{_INF_FR}",
            rf"(?:je\s+n'ai|nous\s+n'avons)\s+(?:\w+\s+)?pas\s+encore\s+(?:\w+\s+)?{_WORK_FR}",
            # Italian: "resta (ancora) da scrivere", "manca ancora da collegare", "non ho ancora toccato"
            rf"(?:mi\s+|ci\s+)?(?:resta|restano|manca|mancano)\s+(?:ancora\s+)?da\s+{_INF_IT}",
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
            rf"(?:нужно|надо)\s+{_STILL_RU}\s+{_INF_RU_UK}",
            rf"(?:мне|нам)\s+(?:{_STILL_RU}\s+)?(?:нужно|надо|осталось|предстоит)\s+(?:{_STILL_RU}\s+)?{_INF_RU_UK}",
            rf"осталось\s+(?:{_STILL_RU}\s+)?{_INF_RU_UK}",
            rf"я\s+(?:\w+\s+){{0,2}}?(?:{_STILL_RU}|пока)\s+не\s+(?:\w+\s+)?{_WORK_RU}",
            rf"(?<![\w\s])\s*(?:ще|іще)\s+(?:треба|потрібно|слід|належить|залишилося|лишилося)\s+{_INF_RU_UK}",
            rf"(?:треба|потрібно)\s+ще\s+{_INF_RU_UK}",
            rf"(?:мені|нам)\s+(?:ще\s+)?(?:треба|потрібно|залишилося|лишилося)\s+(?:ще\s+)?{_INF_RU_UK}",
            rf"(?:залишилося|лишилося)\s+(?:ще\s+)?{_INF_RU_UK}",
            rf"я\s+(?:\w+\s+){{0,2}}?(?:ще|поки)\s+не\s+(?:\w+\s+)?{_WORK_UK}",
            # What remains, what is still missing, is …; the next step is …: "Was noch fehlt, ist …", "lo que queda
            # es …", "o que resta é …", "wat nog rest", "Als Nächstes kommt …", "la prochaine étape, c'est …"
            r"was\s+noch\s+(?:fehlt|offen\s+ist|aussteht|zu\s+tun\s+ist)\s*,\s*(?:ist|sind)(?!\s+dass)",
            r"lo\s+que\s+(?:queda|falta)\s+(?:es|son|por)(?!\s+que)",
            r"o\s+que\s+(?:resta|falta)\s+(?:é|são|fazer)(?!\s+que)",
            r"ce\s+qui\s+reste(?:\s+à\s+faire)?\s*,?\s*(?:c'est|ce\s+sont|est)(?!\s+que)",
            r"quello\s+che\s+(?:resta|manca)\s+(?:è|sono|da)(?!\s+che)|wat\s+(?:nog\s+rest|er\s+nog\s+rest)\s*,?\s*is(?!\s+dat)",
            r"als\s+n[äa]chstes\s+(?:kommt|steht|folgt|ist|nehme\s+ich|mache\s+ich)",
            r"(?:la\s+)?prochaine\s+[ée]tape\s*(?:,\s*c'est|est|sera)|(?:el\s+)?(?:pr[óo]ximo|siguiente)\s+paso\s+(?:es|ser[áa])",
            r"lo\s+siguiente\s+(?:es|ser[áa])|(?:o\s+)?pr[óo]ximo\s+passo\s+(?:é|será)|(?:il\s+)?prossimo\s+passo\s+(?:è|sar[àa])",
            r"(?:is|wordt)\s+de\s+volgende\s+stap|de\s+volgende\s+stap\s+is|nast[ęe]pn\w+\s+(?:w\s+kolejce|krok(?:iem)?)\s+(?:jest|b[ęe]dzie)",
            r"(?:дальше|далее)\s+по\s+плану|следующ\w+\s+шаг\w*\s*(?:—|-|–|:|будет|это)|(?:далі|дальше)\s+(?:по\s+плану|на\s+черзі)",
            r"наступн\w+\s+крок\w*\s*(?:—|-|–|:|буде|це)",
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
    )
    # Written without spaces, and Korean: "まだ手を付けていません", "我还没有接上", "还需要实现", "아직 손대지
    # 않았습니다"
    + r"|まだ(?:手を付け|手をつけ|着手し|実装し|対応し|作業し|書い|作っ|接続し|つない|繋い|移行し|始め"
    r"|取り掛かっ|取りかかっ)て(?:い)?(?:ません|ない)(?!でした|かった)"
    r"|我(?:[^。！？\n，,]{0,15}?)还(?:没有?|未)(?:开始|动|碰|写|做|接|实现|迁移|处理|接入|改)"
    r"|我(?:[^。！？\n，,]{0,15}?)还(?:没有?|未)(?:动手|着手|写|实现|接入|接上|对接)"
    r"|还(?:需要|要|得)(?:写|做|接|实现|迁移|处理|接入|加上|补上|补|改|完成)"
    r"|아직\s*(?:손을?\s*대지|시작하지|착수하지|구현하지|작업하지|연결하지|작성하지)\s*(?:않았|못했)(?!었)"
    r"|(?:करना|लिखना|जोड़ना|बनाना|लगाना)\s+(?:अभी\s+)?बाकी\s+है"
    r"|(?:لم|لما)\s+(?:أبدأ|ابدأ|أكتب|اكتب|أربط|اربط|أنفذ|انفذ|ألمس|المس|أنقل|انقل)"
    r"|(?:ما\s+زال|لا\s+يزال|ما\s+يزال)\s+(?:علي|عليّ|علينا)",
    _I,
)

# Waiting is no work ("falta esperar a que propague el DNS", "il reste à attendre la CI").
_WAITING: Final = re.compile(
    rf"{_B}(?:esperar|aguardar|attendre|aspettare|attendere|warten|abwarten|wachten|afwachten|czeka[ćc]|poczeka[ćc]"
    rf"|ждать|подождать|дождаться|чекати|почекати|дочекатися|bekle\w*|menunggu|ch[ờo]|इंतज़ार|इंतजार|انتظار){_E}"
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
    r"|wygas[łl]\w*|ист[её]к\w*|просроч\w*|s[üu]resi\s+dol\w*|kedaluwarsa|h[ếe]t\s+h[ạa]n"
    rf"|prs?|pull\s+requests?|merge\s+requests?|mrs?|tickets?|тикет\w*|issues?|reviews?|revisi[óo]n|revis[ãa]o|relecture){_E}"
    r"|冻结|凍結|ロック|期限切れ|过期|잠겨|잠김|만료",
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
    r"|сам[аио]?|irgendwann|ooit|alg[úu]n\s+d[íi]a|un\s+jour|un\s+giorno|um\s+dia|kiedy[śs]|когда-нибудь"
    r"|колись|bir\s+g[üu]n|suatu\s+hari|seine[mnrs]?|ihre[mnrs]?|sa|ses|leurs?|suo|sua|suoi|sue|loro|jego|jej"
    rf"|его|её|ее|их|його|її|їх|zijn|haar|hun|onun|onlar[ıi]n|mereka|dia){_E}"
    r"|意図的|わざと|前回|当時|故意|特意|上次|之前|当时|일부러|의도적|지난\s*보고|이전|さん|様|님|씨"
    r"|自動|自动|자동|स्वचालित|تلقائي|いつか|언젠가|有一天|他的|她的|他们的|彼の|彼女の|그의|उसका|उसकी|उनका"
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
    rf"|senin|sizin|kendi\s+ortam\w*|kamu|anda|b[ạa]n){_E}"
    r"|كما\s+اتفقنا|जैसा\s+तय|あなたの|당신의|您的|你的|요청하신|말씀하신|주셔야|ご指示|ご依頼|您|你",
    _I,
)
# The break point's own words: a pause or stop, which plan_steps' list of holds also has ("hacer una pausa").
_PAUSING: Final = re.compile(
    r"paus\w*|me\s+detengo|me\s+paro|je\s+m'arr[êe]te|halte\s+ich|anhalten|mi\s+fermo|eu\s+paro|останавлива\w*"
    r"|остановлюсь|зупиня\w*|zatrzymuj\w*|durdu\w*|durup|berhenti|d[ừu]ng\s+l[ạa]i|停下|暂停|止めて|멈추|멈춥",
    _I,
)
# What, in the statement's clause, makes the work not the speaker's own now.
_NOT_OWN_NOW: Final = (
    plan_steps._CONSENT,
    plan_steps._CLITIC_CONSENT_RE,
    plan_steps._OUTWARD,
    _WAITING,
    _NOTHING,
)
_QUOTES: Final = re.compile(r"「[^」\n]*」|『[^』\n]*』|《[^》\n]*》")  # the quotes stopact_model's do not strip
_CLAUSE_MARK: Final = re.compile(r"[,;:\u2014\u2013\uff0c\u3001\uff1b]|\s-\s")


def says_own_work_left(final: str) -> bool:
    """Whether a final act in another language states the speaker's own work still to do (the module's
    docstring): one of its constructions, outside quotes, in a final act that asks nothing, in a clause that
    neither asks consent to an outward act, waits nor says "nothing", in a sentence that neither gives the work
    to a team or puts it on hold, says it is on purpose or past, names a blocker or something to settle, nor
    addresses the user, in a final act that does not put the work after the plan."""
    final = final[-stopact_model.ACT_CHARS :]
    if plan_steps.after_the_plan(final) or any(mark in final for mark in stopact_model.QUESTION_MARKS):
        return False
    for sentence in plan_steps.sentences(_QUOTES.sub(" ", stopact_model._QUOTED.sub(" ", final))):
        if not _own_in_sentence(sentence):
            continue
        for found in _OWN_WORK_LEFT.finditer(sentence):
            clause = _clause(sentence, found.start(), found.end())
            if not any(pattern.search(clause) for pattern in _NOT_OWN_NOW):
                return True
    return False


def _own_in_sentence(sentence: str) -> bool:
    """No team's or held work (plan_steps' words, but the break point's own words of pausing), nothing on
    purpose or past, no blocker or anything to settle, no user addressed (the lexicon's `user`, read outside
    the statement itself: Vietnamese "mình" is "I" there and "you" elsewhere)."""
    held = any(not _PAUSING.fullmatch(m[0]) for m in plan_steps._NOT_THE_PLANS_NOW.finditer(sentence))
    if held or any(p.search(sentence) for p in (_NOT_NOW, _YOU_ASKED, _A_BLOCKER, _TO_SETTLE)):
        return False
    return "user" not in plan_steps._concepts(_OWN_WORK_LEFT.sub(" ", sentence))


def _clause(sentence: str, start: int, end: int) -> str:
    """The clause of `sentence` that holds sentence[start:end]: from the clause mark before it to the one after
    it (a construction may hold a comma itself: "lo que queda, es …")."""
    before = [mark.end() for mark in _CLAUSE_MARK.finditer(sentence, 0, start)]
    after = _CLAUSE_MARK.search(sentence, end)
    return sentence[before[-1] if before else 0 : after.start() if after else len(sentence)]
