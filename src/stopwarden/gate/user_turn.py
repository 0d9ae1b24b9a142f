"""What the user's last turn asks of the agent: work, only information, or to stop (docs/stop-acts.md).

A stop is early only against work the user wants done. When the user's last turn asked the agent to stop,
pause, wait or do only part of the work (`stop`), or asked only for information — a question, an
explanation, a diagnosis, a review, a report (`info`) — the turn that ends is what they asked for, whatever
work it names. Everything else is `work`, the default: the plan goes on.

The turn is read by its structure, not by whole phrases: sentences whose verb is one of stopping
(`_STOP_VERB`) or of closing the session (`_CLOSING`); a limit on the work's scope ("only …", "just … for
now", "don't start … yet"); a question, or a request whose verb is one of telling and inspecting
(`_INFO_VERB`: explain, check, investigate, summarise …) rather than one of changing (`_CHANGE_VERB`: fix,
add, migrate …); and negation, which turns a change verb ("don't fix it yet", "before fixing anything")
and a stop verb ("don't stop until …") off. The verb classes are closed classes of meaning, in English
and, for the commonest, in the other languages agents are used in (the commonest imperative "stop" of
each language of the concept lexicon, gate/concepts.json); they were written from the taxonomy and developed on
`training/user_turns.jsonl` and `training/user_turns_languages.jsonl`, never on the frozen sets under
tests/data.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import chain, islice
from typing import Final, Literal

from stopwarden.gate import closings, concepts, diacritics
from stopwarden.gate.stopact_model import QUESTION_MARK_CLASS, with_greek_questions

Kind = Literal["work", "info", "stop"]

_I = re.IGNORECASE
_SPELLING: Final = str.maketrans({"\u2019": "'"})
_EDGE_CHARS: Final = 2000  # a user's turn with a pasted log: the request is in its first or last 2,000 characters
_MAX_VERBS: Final = 32  # verbs of one kind examined in a sentence: a run-on list of 1,000 "fix" proves nothing more
# How far back, in characters, a verb's context is looked for: a few words, never the whole turn.
_WINDOW: Final = 80  # a negator, within its clause
_JOIN_WINDOW: Final = 20  # a joining "and", "then", ","
_DETERMINER_WINDOW: Final = 30  # a determiner and one word ("the nightly build")
# Words that negate a verb close after them ("don't fix it", "no need to stop", "before fixing anything"),
# by language. Only words that are no ordinary word of another lexicon language: Romanian "nu" is Dutch and
# Swedish "now" (so only in its stop verb, below), Hebrew "אל" is also "to" (so only before the future form
# its negative imperative takes), French "pas" is Catalan "step" (so only in "pas besoin", "pas la peine").
_NEGATION: Final = (
    r"(?<![\w'])(?:dont|\w+n't|do\s+not|does\s+not|not|no|never|without|before|instead\s+of|rather\s+than"  # en
    r"|nicht|nichts|kein\w*|ohne|não|sem|ne|pas(?=\s+(?:besoin|la\s+peine|question)\b)|non|sin|не|别|不要|先别|まだ"
    r"|đừng|không|jangan|tidak|tanpa|älä|μην?|\u05d5?אל(?=\s*$|\s+\u05ea)|huwag|walang"
    r"|لا|دون|بدون|मत|مت|ikke|niet|nie|utan\s+att|ไม่ต้อง|ห้าม|อย่า(?:เพิ่ง)?)"
)
_NEGATOR: Final = (
    _NEGATION[:-1]
    # ... or make it the user's own work, not a request: "I'll remove them myself".
    + r"|i'?ll|i\s+will|i'?m\s+going\s+to|let\s+me)"
)
# A negator reaches a verb over up to three words; a stop verb not over a conjunction ("don't refactor
# anything and stop after step 2" asks to stop), while a change verb is negated over it ("don't fix and
# commit anything" asks for no work).
_AND: Final = r"(?:(?-i:i)|and|then|und|et|en|och|og|y|e|ve|và|rồi|dan|lalu|terus|és|și|и|\u0456|و)"
_NEGATED_BEFORE = diacritics.pattern(_NEGATOR + r"(?:\s+\S+){0,3}\s*$", _I)
_ONLY_NEGATED_BEFORE = diacritics.pattern(
    _NEGATION + r"(?:\s+\S+){0,3}\s*$", _I
)  # "I'll continue tomorrow" is no negation
# The negator typed with or without its marks ("não", "nao"), but not "and": unmarked "és", "și", "và" are
# Spanish "es", "si" and Vietnamese "va", which would cut a negation off its verb (a cold review, round 28).
_STOP_NEGATED_BEFORE = re.compile(diacritics.optional(_NEGATOR) + rf"(?:\s+(?!{_AND}\b)\S+){{0,3}}\s*$", _I)
# Negators that follow the verb: "stop niet", "stopp ikke", "रुको मत", "توقف نکن".
_NEGATED_AFTER: Final = r"(?!\s*(?:niet|ikke|inte|nicht|मत|مت|نکن\w*|نہیں)(?!\w))"

# Verbs of stopping, as an instruction: at the start of a clause or after a word that leads one in ("then
# stop", "please pause", "you can stop"), not as a noun or a feature ("the stop button", "fails to stop",
# "a wait parameter") and not "wait for CI, then merge".
_STOP_IN_ENGLISH: Final = (
    r"(?P<lead>^|[.,;:!?\n(\u2014-]\s*+|\b(?:then|and|please|pls|so|now|just|ok(?:ay)?|can|should|you|you\s+to"
    r"|time\s+to|let'?s|og)\s+|\ben\s+(?=stop\b))"  # Danish "og stop", Dutch "en stop"; not French "en pause"
    r"(?:stop|pause|halt|quit|park\s+(?:it|this|that|the\s+\w+)|hold\s+(?:on|off|up)"
    r"|wait(?!\s*,|\s+for\s+(?!me\b|my\b|us\b|our\b|approval|review|sign)))"
    r"(?![\w-])"
)
# The commonest imperative "stop" in the other languages of the concept lexicon (gate/concepts.json), from
# each language's grammar; not a noun or a description where a language shares the word with one ("điểm
# dừng", a breakpoint; "tombol berhenti", a stop button; "توقف عن العمل", stopped working; "הפסק חשמל", a
# power outage; Romanian "se pare", it seems). Negative imperatives are other forms ("durma", "не
# зупиняйся", "멈추지 마") or take a negator (_NEGATOR, _NEGATED_AFTER). In spaced scripts, whole words:
_STOP_SPACED: Final = {
    "es": r"(?<!\bde\s)parar|pare(?!\s+(?:rău|bine|că)\b)(?<!\bse\spare)(?<!îmi\spare)|parad|detente|detenerte"
    r"|deténgase|[yi]\s+(?:luego\s+|després\s+)?para(?=\s*(?:[,.;!]|$))",
    "pt": r"para\s+por\s+aqui|e\s+(?:depois\s+|então\s+)?para(?=\s*(?:[,.;!]|$))",
    "fr": r"arr[êe]te[sz]?|arr[êe]ter",
    "it": r"fermati|fermarti|ferma(?<!pentru\sferma)(?<!\bla\sferma)",
    "de": r"aufhören|h[öo]r\w*\s+(?:(?!nicht\b)\w+\s+){0,3}auf|stopp",
    "nl": r"wacht(?!\s+(?:tot|op\s+(?!mij\b|ons\b)))|stoppen|pauzeer",
    "da/nb/sv": r"stoppe|stoppa|pausa|stanna|sluta",
    "ru/uk/bg/sr": r"остановись|остановиться|стоп|хватит|зупинись|зупиніться|зупинися|спри|спрете|стани"
    r"|престани|заустави(?:\s+\u0441\u0435)?",
    "pl/cs/sk/hr": r"poczekaj|zatrzymaj|przestań|przestańcie|zastav|zastavte|přestaň|přestaňte|skonči|skončete"
    r"|prestaň|prestaňte|skončite|stani|stanite|prestani|prestanite|zaustavi(?:\s+se)?",
    "tr": r"(?P<lead_tr>^|[.,;!]\s*|\b(?:ve|sonra|şimdi|lütfen|orada|burada|art\u0131k)\s+)dur(?=\s*(?:[.,;!]|$))"
    r"|durun|durdur|durdurun",
    "ar": r"[وف]?توقف(?:ي|وا)?(?!\s+عن\s+العمل)|ف?قف",
    "fa/ur": r"بس\s+کن|متوقف\s+شو|دست[\s\u200c]*نگه[\s\u200c]*دار|رکو|رک\s+جاؤ|رک\s+جانا|بس\s+کرو",
    "vi": r"(?<!điểm\s)(?<!nút\s)(?<!nút\stạm\s)(?:dừng|ngừng)",
    "id": r"(?<!tombol\s)(?<!agar\s)(?<!supaya\s)(?<!yang\s)berhenti|hentikan",
    "fi/el/hu/ro": r"lopeta|lopettakaa|pysähdy|σταμάτα|σταματήστε|állj\s+(?:meg|le)|álljon\s+(?:meg|le)|hagyd\s+abba"
    r"|(?<!\bnu\s)(?:opre[șş]te|opri[țţ]i)|te\s+opre[șş]ti",
    "he": r"\u05d5?(?:עצור|עצרי|תעצור|תפסיק|הפסק(?!\s+חשמל))",
    "ca/tl": r"atura't|atureu-vos|tigil|tumigil|huminto|itigil",
}
# ... and where words are not spaced or end in combining marks: Japanese, Chinese, Korean endings, Hindi,
# Bengali, Tamil, Thai.
_STOP_UNSPACED: Final = (
    r"止め|やめ|停下|停止|别继续|不要继续|先做到|到此为止"
    r"|(?<![가이])(?<![가이]\s)멈춰(?!요|서는|\s*있)|멈추세요|중단해|중단하세요|그만해|그만하세요"
    # ... and its connective before the request that follows it, after a word of where or when ("여기서 멈추고
    # 정리만 해줘", stop here and just summarise), as English's "stop" needs its lead: alone it is as often a
    # program's ("에러가 나면 멈추고 로그를 남기도록", "앱이 자꾸 멈추고 꺼져요", "서버 멈추고 재시작해줘": a cold
    # read); not negated later in its sentence ("여기서 멈추고 묻지 말고 계속해"), nor "want to stop" ("멈추고 싶").
    r"|(?:여기서|거기서|이쯤에서|이쯤|일단|잠깐|지금|우선|이제)\s*멈추고(?!\s*싶)(?![^.!?\n]*(?:지\s*말|않))"
    r"|रुको|रुकिए|रुक\s+जाओ|रुक\s+जाना|रुकना|रोक\s+दो|बस\s+करो|থামো|থামুন|থেমে\s+যাও|நிறுத்து(?!வ)|நிறுத்திவிடு"
    r"|(?<!อย่า)(?<!อย่าเพิ่ง)(?<!ไม่ต้อง)(?<!ห้าม)(?<!ไม่)(?<!ปุ่ม)หยุด(?!ทำงาน)"
)
_STOP_VERB = re.compile(
    rf"(?:{_STOP_IN_ENGLISH}|\b(?:{'|'.join(_STOP_SPACED.values())})\b|{_STOP_UNSPACED}){_NEGATED_AFTER}",
    _I,
)
# Closing the session or the work for now in the other languages of the concept lexicon: gate/closings.py.
_CLOSING_ELSEWHERE = closings.ELSEWHERE
# Thanks and the like, the only thing that may follow a closing ("Şimdilik bu kadar, teşekkürler.", "오늘은
# 그만하자. 수고했어."): as a word of its own, and where a language shares it with another word, not at all
# (Polish "tak" is "so": Danish "tak" only at the end; Korean "감사" alone is "audit", Russian "благодаря"
# "thanks to").
_THANKS: Final = (
    r"(?:thank\w*|thx|ty|tysm|tyvm|tak(?=[\W_]*$)|gracias|obrigad[oa]|valeu|grazie|merci|danke|bedankt|tack|спасибо|дякую|dzięk\w*|díky|děkuj\w*"
    r"|teşekkür\w*|sağ\s+ol\w*|makasih|terima\s+kasih|cảm\s+ơn|kiitos|köszi|köszönöm|mersi|mulțumesc|ευχαριστώ"
    r"|תודה|شكرا|شكرًا|ممنون|مرسی|ありがとう\w*|お疲れ\w*|谢谢|辛苦了?|고마워\w*|감사합니다|감사해요|수고\w*|धन्यवाद"
    r"|शुक्रिया|ขอบคุณ\w*|salamat|gràcies|hvala|хвала)"
)
# What may come after a closing in its sentence, and any sentence after it: nothing but a particle and
# punctuation ("吧。", "nhé!", ", ok."), then thanks. Possessive: a run of 4,000 commas is read once.
_PARTICLE: Final = (
    r"(?:吧|啊|呀|呢|了|ね|よ|นะ|ครับ|ค่ะ|nhé|nha|nhá|ya|yah|dulu|ok(?:ay)?|ja|jo|deh|dong|yeah|then|alors|hein)"
)
# ... or the day it closes: "Ne oprim aici pentru azi", "בוא נעצור כאן להיום", "Ας το αφήσουμε εδώ για σήμερα".  # noqa: RUF003
_TODAY: Final = (
    r"(?:(?:for|für|pour|per|por|para|voor|för|for\s+i|na|pentru|για|на|за|ל|ل|برای|pro)?\s*(?:today|heute|aujourd'hui|oggi"  # noqa: RUF001
    r"|hoy|hoje|vandaag|idag|dag|dziś|dzisiaj|dnes|dnešek|сегодня|сьогодні|днес|danas|данас|bugün|hôm\s+nay|hari\s+ini"
    r"|tänään|mára|azi|σήμερα|היום|اليوم|امروز|आज|আজ|இன்று|ngayon|avui|今天|今日|오늘|วันนี้))"
)
# ... or a farewell ("hasta mañana", "до завтра", "明天见"), with nothing after it: not joined to thanks, whose
# sentence may run on ("Bis morgen den Bug fixen" is a deadline).
_FAREWELLS: Final = closings.FAREWELLS
# ... but not a word of going on after thanks: "Gracias, sigue", "Danke, weiter", "Dzięki, dalej" ask for more (a
# cold review, round 28). The imperative or adverb of going on in the lexicon's commonest languages.
_GO_ON: Final = (
    r"(?:continue|proceed|next|sigue|segu[ií]|contin[uú]a|adelante|dale|segue|vai|bora|prossiga|avanti|prosegui"
    r"|poursuis|vas-y|weiter|los|verder|door|fortsätt|fortsæt|fortsett|videre|vidare|kör|kjør|dalej|kontynuuj"
    r"|dál|dále|ďalej|pokračuj|dalje|nastavi|devam|ilerle|tovább|folytasd|mehet|continuă|tiếp|lanjut|terus|gas"
    r"|дальше|продолжай|давай|далі|продовжуй)"
)
# Now, which opens the next request ("Danke, jetzt Release bauen", "… and now the tests").
_NOW_WORDS: Final = (
    r"(?:now|right\s+away|jetzt|sofort|ahora|ya\s+mismo|agora|maintenant|tout\s+de\s+suite|ora|adesso|subito|nu"
    r"|сейчас|сразу|теперь|зараз|тепер|teraz|hned|nyní|teď|şimdi|hemen|sekarang|ngay|bây\s+giờ|nyt|heti|most|acum"
    r"|τώρα|עכשיו|الآن|حالا|اکنون|अभी|এখন|இப்போது|ngayon|ara|сега|sada|сада)"  # noqa: RUF001
)
_GRATEFUL = diacritics.pattern(rf"(?<!\w)(?:{_THANKS}|{_FAREWELLS})(?!\w)", re.IGNORECASE)
_NOTHING_MORE = diacritics.pattern(
    rf"^[\W_]*+(?:{_TODAY}(?!\w)[\W_]*+)?(?:{_PARTICLE}(?!\w)[\W_]*+)?"
    rf"(?:(?<!\w)(?:{_THANKS}(?!\w)(?:[\W_]++(?!(?:{_FAREWELLS}|{_GO_ON})(?!\w))\w{{1,8}}+(?!\w))?|{_FAREWELLS}(?!\w))"
    r"[\W_]*+)*+$",
    _I,
)
# ... and a sentence after it may thank in a few words more: "Gracias por todo.", "Thanks for the help!"
_THANKS_SENTENCE = diacritics.pattern(
    rf"^[\W_]*+(?:{_PARTICLE}(?!\w)[\W_]*+)?(?<!\w){_THANKS}(?!\w)"
    # ... not "thanks, now …" nor "thanks, go on": a request follows ("Danke, jetzt Release bauen.", a cold review)
    rf"(?![\W_]++(?:{_GO_ON}|{_NOW_WORDS})(?!\w))(?:[\W_]++\w++){{0,3}}[\W_]*+$",
    _I,
)
_LEAD_IN: Final = 12  # "Vale, ", "Всё, ", "Thôi, ": the most a closing's clause may carry before it (bytes)
# A closing quoted, or after a label, is a string asked for: «На сегодня всё», "farewell: Bugünlük bu kadar".  # noqa: RUF003
_QUOTE_OR_LABEL: Final = "\"'`:\uff1a\u00ab\u201c\u201e\u300c\u2018"
# "Tomorrow", for a turn that puts the rest of the work off to it ("we'll continue tomorrow", "je reprends
# demain"): with a word of going on in the same clause (`_puts_off_to_tomorrow`). Not "morning" (Spanish
# "esta mañana", German "heute Morgen", "jeden Morgen"), nor Hindi and Urdu "कल"/"کل", which is "yesterday" too.
_TOMORROW = re.compile(
    r"(?<!\w)(?:tomorrow|tmrw|tmr|2morrow|(?<!guten\s)(?<!heute\s)(?<!jeden\s)(?<!diesen\s)(?<!\bam\s)morgen|(?<!esta\s)(?<!la\s)(?<!por\sla\s)mañana|amanhã|demain|domani"
    r"|demà|jutro|zítra|zajtra|завтра|утре|sutra|сутра|yarın|besok|ngày\s+mai|غدا|غدًا|فردا|מחר|αύριο|holnap"  # noqa: RUF001
    r"|mâine|huomenna|i\s?morgon|i\s+morgen|আগামীকাল|நாளை)(?!\w)|明日|明天|내일|พรุ่งนี้",
    _I,
)
# Later days than tomorrow in other languages (English's are _LATER_DAY): a weekday, next week, after the
# weekend, after the holidays (round 27, from each language's grammar). Not where the word names something
# else too: Russian "в среду" and Czech "ve středu" (into the environment, in the middle), Indonesian "senin"
# in lower case (Turkish "your"), Portuguese "segunda" but as "-feira" or "na segunda" at a clause's end ("na
# segunda parte" is the second part).
_AFTER_TOMORROW = re.compile(
    r"(?<!\w)(?:lunes|martes|jueves|viernes|(?:la\s+)?(?:próxima|siguiente)\s+semana|la\s+semana\s+que\s+viene"
    r"|después\s+del?\s+(?:fin\s+de\s+semana|finde|puente|las\s+fiestas|las\s+vacaciones)"
    r"|(?:segunda|terça|quarta|quinta|sexta)-feira|na\s+(?:segunda|terça|quarta|quinta|sexta)(?=\s*(?:[^\w\s-]|$))"
    r"|(?:na\s+)?(?:próxima|outra)\s+semana|semana\s+que\s+vem|depois\s+d[oa]s?\s+(?:fim\s+de\s+semana|feriado|festas|férias)"
    r"|lundi|mardi|mercredi|jeudi|vendredi|la\s+semaine\s+prochaine|après\s+(?:le\s+week-?end|les\s+(?:fêtes|vacances))"
    r"|lunedì|martedì|mercoledì|giovedì|venerdì|(?:la\s+)?(?:prossima\s+settimana|settimana\s+prossima)"
    r"|dopo\s+(?:il\s+(?:weekend|fine\s+settimana|ponte)|le\s+(?:feste|vacanze))"
    r"|montag|dienstag|mittwoch|donnerstag|freitag|nächste[n]?\s+woche|kommende[n]?\s+woche"
    r"|nach\s+(?:dem\s+(?:wochenende|urlaub)|den\s+(?:feiertagen|ferien))"
    r"|maandag|dinsdag|woensdag|donderdag|vrijdag|volgende\s+week|na\s+het\s+weekend|na\s+de\s+(?:\w*vakantie|feestdagen)"
    r"|poniedziałek|wtorek|czwartek|piątek|w\s+przyszłym\s+tygodniu|po\s+(?:weekendzie|świętach|urlopie)"
    r"|понедельник|вторник|четверг|пятницу|на\s+следующей\s+неделе|после\s+(?:выходных|праздников|отпуска)"
    r"|pazartesi|perşembe|haftaya|gelecek\s+hafta|önümüzdeki\s+hafta|hafta\s+sonundan\s+sonra|(?:bayramdan|tatilden)\s+sonra"
    r"|(?-i:Senin)|hari\s+senin|minggu\s+depan|pekan\s+depan|(?:setelah|habis|sesudah)\s+(?:akhir\s+pekan|weekend|libur(?:an)?)"
    r"|pondělí|příští\s+týden|po\s+(?:víkendu|svátcích|dovolené)"
    r"|måndag|tisdag|torsdag|fredag|nästa\s+vecka|efter\s+(?:helgen|helgerna|semestern|ledigheten))(?!\w)",
    _I,
)
# "Now", which no turn putting its work off says: "… so fix the login bug right now".
_NOW = re.compile(rf"(?<!\w){_NOW_WORDS}(?!\w)|今すぐ|现在|马上|지금|ตอนนี้", _I)
# Quoted or back-ticked text, and lines of a pasted log ("[scheduler] … will resume tomorrow"): not the user's.
_QUOTED = re.compile(
    r"`[^`]*`|\"[^\"\n]*\"|\u201c[^\u201d\n]*\u201d|\u00ab[^\u00bb\n]*\u00bb|^[ \t]*\[.*$", re.MULTILINE
)
_AFTER_FIRST_WORD = re.compile(r"^\W*[\w'-]+")  # a clause without its first word: "Fortsätt med …" is an imperative
# A deadline before "tomorrow": "before", "until", "by" and their like in the lexicon's languages.
_DEADLINE = re.compile(
    r"(?<!\w)(?:before|until|till|by|so\s+that|до|перед|vor|bis|avant|jusqu'?à|antes\s+de|hasta|prima\s+di|entro|przed|před"
    r"|sebelum|trước|önce|kadar|πριν|עד|לפני|قبل|حتى|تا|پیش\s+از)(?!\w)|前|までに|之前|전에|ก่อน",
    _I,
)
# Closing the session or the work for now: whole sentences, or their ends ("… let's call it a day.").
_END: Final = r"\s*(?:,?\s*(?:thanks|thank\s+you|please|pls))?\s*(?:[.!]|$)"
# The rest of the work put off to a later day, in English ("we'll pick this up next week", "I'll continue
# tomorrow", "we'll continue later"): said by the people of the session, not by a program ("the client will
# resume later"), with no request for now or today beside it (round 26, a cold review). English closings by
# their parts ("we're done for tonight", "that'll do") are gate/closings.py's `_EN`, read as a whole clause.
_LATER_DAY: Final = (
    r"(?:tomorrow|tmrw|tmr|later|tonight|next\s+(?:week|sprint|time|session)|after\s+(?:the\s+weekend|lunch)"
    r"|in\s+the\s+morning|(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday))"
)
# ... read outside quotes and pasted log lines, as other languages' put-offs are (`_QUOTED`): a banner's "We
# will continue tomorrow" is no user's.
_PUTS_OFF_IN_ENGLISH = re.compile(
    r"\b(?:we'?ll|let'?s|i'?ll|we\s+will|i\s+will|we\s+can)\s+(?:pick\s+(?:it|this|that)\s+(?:back\s+)?up"
    r"|continue|resume|carry\s+on|get\s+back\s+to\s+(?:it|this)|finish\s+(?:it|this|up|the\s+rest))\b"
    rf"[^.?!\n]{{0,40}}?\b{_LATER_DAY}\b",
    re.IGNORECASE,
)
# "For today" in the languages whose closings often lead with it (`_CLOSING`).
_FOR_TODAY: Final = r"\b(?:por\s+hoy|por\s+hoje|für\s+heute|pour\s+aujourd'?hui|per\s+oggi)\b"
_CLOSING = re.compile(
    r"\bcall\s+it\s+(?:a\s+day|a\s+night|here|there|quits)\b|\b(?:let'?s|time\s+to)\s+wrap\s+(?:it\s+|things\s+)?up\b"
    # A verb of finishing said of the day, not of a piece of work: "Wrap up for today", "finish up for the
    # night", "knock off for now"; bare, only "wrap (it) up" ends a clause as a closing ("Please wrap up:
    # commit, then …"), "finish up" may be the work ("Finish up the parser.").
    r"|\b(?:wrap\s+(?:it\s+|things\s+)?up|finish\s+up|knock\s+off|sign\s+off|close\s+(?:out|up|shop))"
    r"\s+for\s+(?:now|today|tonight|the\s+(?:day|night|evening|week))\b"
    r"|(?:^|[.,;:!?\n(\u2014]\s*+|\b(?:please|pls|so|now|just|ok(?:ay)?|then|and)\s+)wrap\s+(?:it\s+|things\s+)?up"
    r"(?=\s*(?:[.,;:!\u2014\u2013]|\s-\s|$))"
    r"|\bleave\s+(?:it|the\s+rest|that)\s+(?:there|here|for\s+now|for\s+today|at\s+that|for\s+another\s+day)\b"
    r"|\bleave\s+the\s+rest\b|\b(?:let'?s\s+)?leave\s+(?:\w+\s+){0,3}for\s+(?:another\s+day|tomorrow|later)\b"
    r"|\bthat(?:'?s|\s+is)\s+(?:it|all|enough)\s+for\s+(?:now|today)\b|\bthat(?:'?s|\s+is)\s+(?:it|all|enough)"
    + _END
    + r"|^\s*enough"
    + _END
    + r"|\benough\s+for\s+(?:now|today)\b|\bdone\s+for\s+(?:now|today|the\s+day)\b"
    r"|\bno\s+more\s+(?:changes|edits)\b|\bi'?ll\s+take\s+it\s+from\s+here\b"
    # "for today" closes ("Das war's für heute", "lo dejamos por hoy", "Für heute: Schluss."), unless a noun
    # before it and a colon after it make it the head of a list of the day's work ("Die Aufgaben für heute:
    # …", "Tareas por hoy: …"). Leading a turn it is read as a closing, colon or not: a stop misread as work
    # could be blocked, work misread as a stop is not.
    rf"|(?<![^\W\d_]\s){_FOR_TODAY}|{_FOR_TODAY}(?!\s*:)"
    r"|\b(?:das\s+)?reicht(?:\s+für\s+heute)?" + _END + r"|\bliegen\s+lassen\b|\blass\s+(?:\w+\s+){0,3}liegen\b",
    _I,
)
# The verbs that start work beyond a limit: "don't start on the frontend yet" limits the work; "don't push
# until CI is green" and "don't come back until every test passes" do not.
_BEYOND: Final = (
    r"(?:start|begin|move\s+on|go\s+(?:on|further|any\s+further|beyond|past|ahead)|proceed|continue|touch|tackle"
    r"|work\s+on|do\s+(?:anything|the\s+rest|more|any\s+more))"
)
# A limit on the work's scope: only part of it now, or not past a point.
_SCOPE = re.compile(
    r"\b(?:only|just|solo|nur|seulement|apenas|soltanto|только)\b[^.?!\n]{0,80}?"
    r"\b(?:for\s+now|for\s+today|por\s+ahora|por\s+agora|erstmal|pour\s+l'?instant)\b"
    # "nothing else" led by a comma or "and" without a leading run of spaces to rescan (a 4 KB run of
    # spaces cost 0.3 s when the pattern began with an optional comma and any spaces).
    r"|(?:,\s*(?:and\s+)?|\band\s+)?\bnothing\s+else" + _END + r"|\b(?:step|phase|part|task|stage)\s+\d+\s+only\b"
    r"|\bcheck\s+(?:in|back)\s+with\s+me\b"
    r"|\b(?:don'?t|do\s+not|let'?s\s+not)\s+(?:\w+\s+){0,2}?" + _BEYOND + r"\b[^.?!\n]{0,60}?"
    r"\b(?:until|till|else|further|beyond|past|than)\b"
    # Any verb, with "yet" or "for now", or with the rest of the work as its object: a limit, not a condition.
    r"|\b(?:don'?t|do\s+not)\s+(?!stop|pause|quit|halt|wait|wrap|call\s+it|end\b)\w+\b[^.?!\n]{0,60}?"
    r"\b(?:yet|for\s+now)\b"
    r"|\b(?:don'?t|do\s+not)\s+\w+\s+(?:with\s+|on\s+)?the\s+(?:other|rest|remaining|next)\b"
    r"|\bno\s+\w+\s+yet"
    + _END
    + r"|\b(?:up\s+to|until|till)\s+(?:step|phase|part|task)\s+\d+[^.?!\n]{0,30}\b(?:then|and)\b"
    r"|\bpara\s+(?:aquí|aqui|ahí|ahi)\b",
    _I,
)
# Verbs of telling and inspecting: the user wants to know, not to have something changed.
_INFO_VERB = (
    r"(?:explain|describe|summari[sz]e|tell|show|list|walk\s+me\s+through|compare|review|audit|diagnose|investigate"
    r"|find\s+out|find\s+where|figure\s+out|look\s+(?:into|over|at|through)|check|double-check|verify|read"
    r"|report|outline|estimate|assess|evaluate|analy[sz]e|profile|dig|give\s+me|recap|remind\s+me"
    r"|make\s+(?:me\s+)?a\s+list|take\s+a\s+look|have\s+a\s+look|help\s+me\s+understand"
    r"|explica\w*|expliq\w*|erklär\w*|spiega\w*|dime|dimmi|dizer|me\s+dizer|dis-moi|sag\w*\s+mir|zeig\w*|объясни\w*"
    r"|расскажи|покажи|uitleggen|uitleg\w*|überprüf\w*|prüf\w*|controlla\w*|vérifie\w*|verifica\w*)(?:ing)?"
)
_INFO_VERB_CJK = r"教えて|説明|告诉我|解释|看看|检查|確認|설명|알려"
# "Explain" in more of the lexicon's languages (round 23): at a sentence's start, or, in the verb-final ones,
# at its end ("… açıkla", "… समझाओ", "… توضیح بده"). Only in a turn of one sentence (`kind`): beside another  # noqa: RUF003
# ("Dopisz sekcję w README. Wyjaśnij w niej …") it is as often what to write down, and those languages'
# verbs of change are not read (a cold review's: Danish "ret" is "quite", Finnish "lisää" "more"). Not
# Danish "forklar" (its noun heads notes), Indonesian "terangkan" ("make lighter") or Hebrew "הסבר".
# ... nor beside "and" or "then", which join it to a request the verbs of change of those languages would read
# ("Bu hatayı düzeltir misin, sonra ne değiştirdiğini açıkla", "… پیاده‌سازی کن و … توضیح بده").  # noqa: RUF003
_JOINING = re.compile(
    r"(?<!\w)(?:ve|sonra|और|फिर|এবং|তারপর|اور|پھر|و|سپس|بعد|dan|lalu|kemudian|i|oraz|a|potom|и|затем|потом|та|і|й"  # noqa: RUF001
    r"|och|sedan|og|så|en|ja|sitten|és|aztán|majd|και|μετά|ואז|ثم|và|rồi|sau\s+đó|at|tapos)(?!\w)"
    r"|然后|并且?|再|そして|それから|그리고|และ|แล้ว",
    _I,
)
_EXPLAIN_ELSEWHERE = re.compile(
    r"^\W*(?:jelaskan|jelasin|wyjaśnij|vysvětli|vysvetli|leg\s+uit|förklara|selitä|magyarázd\s+el|εξήγησε"
    r"|εξηγήστε|поясни|поясніть|обясни|objasni|giải\s+thích|ipaliwanag|اشرح|תסביר|możesz\s+(?:mi\s+)?wyjaśnić"
    r"|můžeš\s+(?:mi\s+)?vysvětlit|можешь\s+(?:мне\s+)?(?:пояснить|объяснить|рассказать)|bisa\s+(?:tolong\s+)?jelaskan)"
    r"(?!\w)|(?:açıkla(?:r\s+mısın|yın|yabilir\s+misin)?|anlat(?:ır\s+mısın|ın)?|समझाओ|समझाइए|समझा\s+दो|बताओ|बताइए"  # noqa: RUF001
    r"|বোঝাও|ব্যাখ্যা\s+করো|سمجھاؤ|توضیح\s+(?:بده|بدید|بدهید)|(?<!คำ)อธิบาย)\W*$|^\W*(?:说明一下|解説して)",
    _I,
)
_INFO_REQUEST = re.compile(
    r"(?:^|[.!?\n;:,]\s*|\b(?:please|pls|ok(?:ay)?|so|now|first|hmm|quick(?:ly)?|and|then|just|briefly|also|bitte"
    r"|por\s+favor)\s+)" + _INFO_VERB + r"\b|\b(?:tl;?dr|status\s+report|rundown|overview)\b"
    # "status update please" as a whole sentence, not "Status update: the staging DB is back up." (round 31)
    r"|^\W*(?:(?:a|quick|short)\s+)?status\s+update(?:\s+(?:please|pls|now))?\W*$|" + _INFO_VERB_CJK,
    _I,
)
# A request put as a question or a suggestion, in English and the commonest other languages: the verb that
# follows decides whether it asks for work ("can you migrate …?") or to be told something ("can you explain …?").
_MODAL = re.compile(
    r"\b(?:would\s+you\s+mind|(?:can|could|would|will)\s+you|you\s+(?:could|can)(?:\s+also)?|(?:would\s+you\s+)?mind"
    r"|why\s+don'?t\s+you|how\s+about(?:\s+you)?"
    r"|kannst\s+du|könntest\s+du|können\s+sie|puedes|podrías|podria|peux-tu|pourrais-tu"
    r"|pouvez-vous|potresti|puoi|você\s+pode|pode|kun\s+je|можешь|можете|могли\s+бы)\b",
    _I,
)
_MODAL_INFO = re.compile(r"^(?:\s+(?:please|also|just|quickly|bitte|me|mir|por\s+favor))*\s+" + _INFO_VERB + r"\b", _I)
# "why don't you think …?", "would you recommend …?": asking the agent's view, not for work.
_NOT_A_REQUEST = re.compile(r"^\s+(?:think|know|believe|like|want|see|mean|recommend|suggest|prefer|say)\b", _I)
# "How would you fix it?" asks the agent's view; "why don't you add a test?" asks for one.
# The question word may follow a preposition, and "what", "which" and "whose" lead a noun phrase ("In what
# order will you tackle the comments?", "Which file would you split first?": round 31); no other does ("When
# CI is green can you merge it?", "How soon can you fix it?" ask for work: a cold review of that).
_WH_FIRST = re.compile(
    r"^\W*(?:so\s+|and\s+|hmm,?\s+)?(?:(?:in|on|for|with|from|at|by|to)\s+)?(?:why|how|who|when|where|(?:what|which|whose)"
    r"(?:\s+(?!(?:would|could|can|will|should|else)\b)\w+){0,3})\s+(?:would|could|can|will|should)\s+you\b",
    _I,
)
# A question: a sentence that ends in a question mark (ASCII, full-width or Arabic), or opens with a
# question word. Code and URLs may hold question marks ("`a?b`", "?next=/home"): they are taken out first.
_QUESTION = re.compile(
    rf"[{QUESTION_MARK_CLASS}]\W*$|^(?:so|and|hmm|wait|ok|quick\s+question)?[,\s\u2014-]*"
    r"(?:what|what'?s|whats|why|how|which|who|any\s+idea|(?:when|where)\s+(?:is|are|do|does|did|was|were|will|can|should))\b",
    _I,
)
_CODE_OR_URL = re.compile(r"`[^`\n]*`|https?://\S+")
# "Implement the export, ok?": a tag question after a request asks nothing.
_TAG_QUESTION = re.compile(rf",\s*(?:ok|okay|right|alright|yeah|please)\s*[{QUESTION_MARK_CLASS}]+\W*$", _I)
# Verbs of changing the code or the project, as a request uses them (the base form, or a gerund after
# "keep", "start", "continue"): "tell me which files you touched" asks for nothing to be changed.
_CHANGE_VERB = re.compile(
    r"\b(?:fix|implement|add|write|build|create|change|update|refactor|migrate|convert|rename|move|remove|delete"
    r"|replace|upgrade|bump|patch|optimi[sz]e|rewrite|wire|hook|install|deploy|push|commit|merge|apply|finish"
    r"|complete|continue|revert|roll|handle|port|clean|split|extract|edit|modify|touch|start|proceed|go\s+ahead"
    r"|keep\s+going|carry\s+on|resume|resolve|tackle|sort\s+out|try\s+to|address|debug|speed\s+up"
    r"|set\s+up|get\s+rid\s+of)(?:ing)?\b"
    # The commonest of them, as requests say them in the other languages the info verbs above cover.
    r"|\b(?:corrige|corrija|corrigir|arregla|arreglar|implementa|implemente|añade|agrega|adiciona|cambia|actualiza"
    r"|atualiza|migra|behebe|korrigiere|repariere|implementiere|füge|ändere|aktualisiere|migriere|répare|corriger"
    r"|implémente|ajoute|modifie|correggi|aggiungi|aggiorna|repareer|voeg|исправь|добавь|обнови|реализуй)\b"
    r"|修复|修改|实现|添加|直して|修正して|実装して|追加して",
    _I,
)
# A change verb after a determiner is a noun: "the deploy failed", "your last commit".
_DETERMINED = re.compile(
    r"\b(?:the|a|an|this|that|these|those|my|your|our|its|their|last|each|every)\s+(?:[\w-]+\s+)?$", _I
)
_JOINED = re.compile(
    r"(?:(?:\band|\bthen|\balso|&|,|\by|\be|\bet|\bund|\bdann|\ben|\bи)\s+(?:please\s+|just\s+|bitte\s+)?"
    r"|然后|再|并且?|\uff0c|\u3001)$",
    _I,
)
_CLAUSE = re.compile(r"[,;:()\u2014\u2013\u060c\u3001\uff0c]|\s-\s")
_SENTENCE = re.compile(r"(?<=[.!?\u061f\u0964\u06d4])\s+|(?<=[\uff1f\u3002\uff01])|\n+")


def kind(text: str) -> Kind:
    """What the user's turn asks for: `stop`, `info` or `work` (the default)."""
    if len(text) > 2 * _EDGE_CHARS:
        text = text[:_EDGE_CHARS] + "\n" + text[-_EDGE_CHARS:]
    # One spelling of every letter: composed (NFC, as most keyboards type it; macOS and some IMEs decompose).
    # Romanian's legacy cedilla ("Opreşte") is Turkish's own letter, so the Romanian verbs read either.
    turn = with_greek_questions(unicodedata.normalize("NFC", text).translate(_SPELLING))
    if _asks_to_stop(turn) or _only_thanks_or_farewell(turn):
        return "stop"
    sentences = [s.strip() for s in _SENTENCE.split(turn) if s.strip()]
    wants = [_wants(sentence, alone=len(sentences) == 1) for sentence in sentences]
    if "work" in wants:
        return "work"
    return "info" if "info" in wants else "work"


def _only_thanks_or_farewell(turn: str) -> bool:
    """Whether the turn is nothing but thanks or a farewell ("Merci beaucoup, à demain !", "See you
    tomorrow."): it asks for nothing, and ends the exchange (a cold review, round 26)."""
    return _NOTHING_MORE.match(turn) is not None and _GRATEFUL.search(turn) is not None


def _asks_to_stop(turn: str) -> bool:
    """Whether the turn tells the agent to stop, pause or wait, closes the session, puts the rest off to
    tomorrow, or limits the work."""
    matches = chain(*(islice(pattern.finditer(turn), _MAX_VERBS) for pattern in (_CLOSING, _SCOPE, _STOP_VERB)))
    if any(not _negated(turn, _verb_start(turn, match), _STOP_NEGATED_BEFORE) for match in matches):
        return True
    if _closes_elsewhere(turn) or any(map(_puts_off_in_english, _SENTENCE.split(_QUOTED.sub(" ", turn)))):
        return True
    return _names_a_later_day(turn) is not None and any(map(_puts_off_to_later, _SENTENCE.split(turn)))


def _closes_elsewhere(turn: str) -> bool:
    """Whether the turn closes the session in a phrase of gate/closings.py (_CLOSING_ELSEWHERE: other languages,
    English closings and leaving) as a whole clause: little before it in its clause (`_closings` tries no
    other), not in quotes, nothing before it in its sentence that asks for work or sets a condition, and after
    it nothing but thanks, a farewell, tomorrow or the last small acts of a session, in its sentence and in
    any that follow (round 23: a cold review's requests that began "Testler için bu kadar yeter, şimdi …",
    "리팩터링은 여기까지 하죠. 이제 …" or "Ayer te dije que lo dejamos aquí, pero …" ask for more work)."""
    turn = _and_after_acts(turn)
    for match in _closings(turn):
        start = max(turn.rfind(end, 0, match.start()) for end in _CLAUSE_ENDS) + 1
        tail = _SENTENCE.split(turn[match.end() :], maxsplit=1)
        rest = _SENTENCE.split(tail[1]) if len(tail) > 1 else []
        # A reason may follow an English closing that opens its sentence: not one inside a pasted log line
        # ("Processed 1200/5000 records, stopping now.\nThe importer should process all 5000.").
        english = _opens_sentence(turn, match.start()) and closings.ENGLISH.match(turn, match.start()) is not None
        leaves = closings.LEAVING.fullmatch(match.group().strip()) is not None
        if (
            not turn[: match.start()].rstrip().endswith(tuple(_QUOTE_OR_LABEL))
            and not _qualifies(turn[:start])
            and (
                _NOTHING_MORE.match(tail[0])
                or _puts_off(tail[0])
                or _wraps_up(tail[0])
                or (english and _gives_a_reason(tail[0], own_clause=True, leaves=leaves))
            )
            and all(
                _NOTHING_MORE.match(after)
                or _THANKS_SENTENCE.match(after)
                or _puts_off(after)
                or _wraps_up(after)
                or (english and _gives_a_reason(after, leaves=leaves))
                for after in rest
            )
        ):
            return True
    return False


# Why the user stops, after an English closing of leaving (closings.LEAVING): "stopping here, doctor's appt at
# 3", "gotta run. my bus is here" (round 27, an end-of-day set). A clause of a few words that says something of
# the user's life (_THE_USERS: themselves, their people, an appointment, a time) and asks nothing (`_wants`),
# neither speaking to the agent nor of work ahead, nor a need or a deadline: "I'm out, you take it from here",
# "heading out. need the changelog for 2.4 by 9am", "signing off, make sure the build passes" ask for work (a
# cold review, training/user_turns_review5.jsonl, found bug reports read as reasons without _THE_USERS).
_NOT_A_REASON = re.compile(
    r"\b(?:you|u|your|yours|ur|yourself|claude|agent|bot|next|then|now|also|still|rest|remaining|left|todo|to-do"
    r"|while|meanwhile|keep\w*|please|pls|plz|make\s+sure|ensure|don'?t\s+forget|remember|let\s+me\s+know|ping"
    r"|check\w*|run|runs|test\w*|verif\w*|review\w*|look|try|see\s+if|figure|go\s+on|instead|but|only|first"
    r"|need\w*|should|must|has\s+to|have\s+to|ideally|would\s+be|want\w*|by|till|until|one\s+more|fail\w*|bug\w*"
    r"|error\w*|broken|crash\w*|fix\w*)\b|[?:]"
    # A clause that opens with a verb asks for something ("Make max depth configurable.", "Find the bug.").
    r"|^\W*(?:make|find|get|do|use|put|set|give|show|take|leave|move|send|open|close|pick|grab|write|read|go)\b",
    re.IGNORECASE,
)
_THE_USERS = re.compile(
    r"\b(?:my|i|i'm|im|i've|me|kids?|son|daughter|wife|husband|partner|baby|dog|mom|dad|family|appt|appointment"
    r"|meeting|standup|dentist|doctor|flight|train|bus|lecture|class|lunch|dinner|shift|school|gym|pickup|errands?"
    r"|brain|tired|exhausted|sleep\w*|migraine|headache|sick|battery)\b|\b(?:at|in)\s+\d|\d\s*(?:am|pm|min\w*)\b",
    re.IGNORECASE,
)
_REASON_WORDS: Final = 12
_PRAISE = re.compile(
    r"^\W*(?:(?:good|nice|great|awesome|solid)\s+(?:job|work|stuff|session)(?:\s+(?:today|tonight))?|well\s+done"
    r"|nothing\s+else(?:\s+(?:needed|for\s+now|today))?)\W*$",
    re.IGNORECASE,
)


def _gives_a_reason(text: str, own_clause: bool = False, leaves: bool = True) -> bool:
    """Whether `text` (a sentence, or with `own_clause` the rest of a closing's sentence, whose first clause is
    the closing's own and must end with it) says only why the user stops (after a closing of leaving, `leaves`)
    or praises the work or thanks ("good work today", "thx for the help", after any English closing)."""
    clauses = _CLAUSE.split(text)
    if own_clause:
        if len(clauses) < 2 or clauses[0].strip(" \t.!"):
            return False
        clauses = clauses[1:]
    said = [clause for clause in clauses if clause.strip()]
    return bool(said) and all(
        _PRAISE.match(clause)
        or _THANKS_SENTENCE.match(clause)
        or (
            leaves
            and len(clause.split()) <= _REASON_WORDS
            and _THE_USERS.search(clause) is not None
            and not _NOT_A_REASON.search(clause)
            and _wants(clause) is None
        )
        for clause in said
    )


# What a closing's clause starts after: a mark that ends a sentence (the danda, the Arabic and Urdu ones
# included) or a clause.
_SENTENCE_ENDS: Final = ".!?\n\u3002\uff01\uff1f\u0964\u0965\u061f\u06d4"
_CLAUSE_ENDS: Final = _SENTENCE_ENDS + ",;:\uff0c\u060c"
_CLAUSE_OPENS = re.compile(rf"(?:^|[{re.escape(_CLAUSE_ENDS)}])\s*")
# Where a phrase may begin: a word's first letter, or any letter of a script written without spaces or whose
# closings the table matches inside a word (kana, Han, Hangul, Thai; Devanagari, Bengali, Tamil).
_PHRASE_START = re.compile(
    r"(?<!\w)\w|[\u0900-\u0bff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3]"
)
_CLOSINGS_TRIED: Final = 64  # a closing is followed only by thanks or tomorrow: it is among the turn's last


# A clause before a closing in its sentence that asks for work or sets a condition makes the closing part of
# it: "Just bump the timeout to 60s, that'll do." approves a change, "When the token expires, end the session."
# is the program's (a cold review, round 26). In a sentence of its own, a closing after a request is a limit
# of scope, as before.
_CONDITION = re.compile(r"^\W*(?:when|whenever|if|once|after|before|until|unless|as\s+soon\s+as)\b", re.IGNORECASE)


def _qualifies(before: str) -> bool:
    """Whether the clauses before a closing, in its sentence (`before` is the turn up to its clause), ask for
    work or set a condition."""
    if not before.strip() or before.rstrip()[-1] in _SENTENCE_ENDS:
        return False
    sentence = _SENTENCE.split(before)[-1]
    return _CONDITION.match(sentence) is not None or (_wants(sentence) == "work" and not _wraps_up(sentence))


# The last small acts a user asks for as the session ends, in English: keeping the work (commit, push, stash, a
# draft PR) and a note of the session (the next steps, what's left, a summary or a handoff, in a file or the
# PR's description). "I'll stop here for now. Commit what we have and write a short note of what's left" ends
# the session; "Commit this and start on the export" does not: any other verb of change is more work.
_WRAP_UP = re.compile(
    r"\b(?:commit|push|stash|stage)\w{0,3}\b|\bopen\s+a\s+(?:draft\s+)?(?:pr|pull\s+request)\b"
    # "Save" keeps the work only when it is the work that is saved: "save the form data to localStorage" asks
    # for a feature.
    r"|\bsav(?:e|ing)\b(?:\s+(?:it|this|that|everything|all|(?:your|my|the|our)\s+(?:work|changes|files?|progress"
    r"|state)))?(?=\s*(?:[^\w\s]|$)|\s+(?:and|then)\b)"
    r"|\b(?:write|jot|put|dump|add|update|list|note|leave|save)\b[^.?!\n]{0,60}?\b(?:notes?|summary|recap|todos?|to-dos?"
    r"|next\s+steps|what'?s\s+left|progress|hand-?off|description|changelog|status|checkbox(?:es)?)\b"
    # ... as the object itself, or a document's name ("the TODO list", "the status file"), not another noun's
    # modifier: "add a status column", "put the summary card on the dashboard" ask for work (a cold review,
    # round 30).
    r"(?=\s*(?:[^\w\s]|$)|\s+(?:to|in|into|on|for|of|and|then|so|with|at|from|here|there|now|too|please|what|which"
    r"|that|where|how|list|file|doc|docs|document|page|section|entry|entries|log|md)\b)",
    re.IGNORECASE,
)


def _wraps_up(sentence: str) -> bool:
    """Whether a sentence asks only for last small acts that keep the work or note the session (_WRAP_UP)."""
    rest, acts = _WRAP_UP.subn(" ", sentence)
    return acts > 0 and _CHANGE_VERB.search(rest) is None


def _closings(turn: str) -> list[re.Match[str]]:
    """The closing phrases (_CLOSING_ELSEWHERE) that begin near the start of a clause, the only ones that can
    count (`_LEAD_IN`): tried at the first letters of the words there, the turn's last `_CLOSINGS_TRIED`
    of them, not at every character of the turn. A search of the whole turn cost 50 ms on 4 KB of spaces
    or commas once round 26's phrases joined the table."""
    starts: list[int] = []
    for opening in _CLAUSE_OPENS.finditer(turn):
        window = _PHRASE_START.finditer(
            turn, max(opening.end(), starts[-1] + 1 if starts else 0), opening.end() + _LEAD_IN + 1
        )
        # At most _LEAD_IN bytes into the clause: four Han characters, twelve Latin letters.
        starts.extend(found.start() for found in window if _size(turn[opening.end() : found.start()]) <= _LEAD_IN)
    matches: list[re.Match[str]] = []
    for at in starts[-_CLOSINGS_TRIED:]:
        if matches and at < matches[-1].end():
            continue  # inside a phrase already found, as a search would have it: "今日は|ここまで…" is one
        match = _CLOSING_ELSEWHERE.match(turn, at) or _says_enough(turn, at)
        if match is not None:
            matches.append(match)
    return matches[-_MAX_VERBS:]


def _says_enough(turn: str, at: int) -> re.Match[str] | None:
    """ "Enough" said alone at `at` (closings.ALONE), only where it opens its sentence, its lead words its own:
    after a request in its sentence it approves the request ("Zwiększ timeout do 60 sekund, to wystarczy."), and
    after a list's bullet or a label it is a string asked for (a cold review, round 30)."""
    match = closings.ALONE.match(turn, at)
    if match is None:
        return None
    line = turn[turn.rfind("\n", 0, at) + 1 : at]
    return match if _opens_sentence(turn, at) and not _LIST_ITEM.match(line) else None


def _opens_sentence(turn: str, at: int) -> bool:
    """Whether nothing but spaces stands before `at` in its sentence."""
    opens = max(turn.rfind(end, 0, at) for end in _SENTENCE_ENDS) + 1
    return not turn[opens:at].strip()


_LIST_ITEM = re.compile(r"\s*(?:[-*•+]|\d{1,3}[.)])\s")  # "1. Dość": a list's item, whose "." ends no sentence


# "And" after the last small acts of a session opens a clause a closing may begin: "fai un commit e chiudiamo
# qui", "zrób commita i kończymy na dziś", "commit dulu terus kita udahan" (round 27). After anything else it
# does not: "aggiorna i test e chiudiamo qui" asks for work first.
_AND_BETWEEN = re.compile(rf"\s{_AND}\s+", _I)
_ACTS_BEFORE_AND: Final = 200  # characters of the clause before it read for the acts


def _and_after_acts(turn: str) -> str:
    """The turn with each "and" that follows the last small acts of a session written as a comma, so that a
    closing after it opens its clause (the turn's last `_CLOSINGS_TRIED` of them; the same length, so every
    position holds)."""
    for joined in list(_AND_BETWEEN.finditer(turn))[-_CLOSINGS_TRIED:]:
        low = max(0, joined.start() - _ACTS_BEFORE_AND)
        clause = turn[max(turn.rfind(end, low, joined.start()) for end in _CLAUSE_ENDS) + 1 : joined.start()]
        if _wraps_up(clause[-_ACTS_BEFORE_AND:]):
            word = joined.group().strip()
            turn = turn[: joined.start() + 1] + "," + " " * (len(word) - 1) + turn[joined.start() + 1 + len(word) :]
    return turn


_NOW_OR_TODAY = re.compile(r"\b(?:now|today|right\s+away|first)\b", re.IGNORECASE)


def _puts_off_in_english(sentence: str) -> bool:
    return _PUTS_OFF_IN_ENGLISH.search(sentence) is not None and not _NOW_OR_TODAY.search(sentence)


def _puts_off(text: str) -> bool:
    """Whether what follows a closing puts the rest off to tomorrow or a later day ("Na dziś wystarczy,
    dokończymy jutro."), not a deadline nor a request for now."""
    return _later_day(text) is not None and not _NOW.search(text) and not _CHANGE_VERB.search(text)


def _later_day(text: str) -> re.Match[str] | None:
    """Where `text` names tomorrow or a later day as a day to go on, not as a deadline ("before tomorrow's
    audit")."""
    when = _names_a_later_day(text)
    return None if when is None or _DEADLINE.search(text, 0, when.start()) else when


def _names_a_later_day(text: str) -> re.Match[str] | None:
    return _TOMORROW.search(text) or _AFTER_TOMORROW.search(text)


def _size(text: str) -> int:
    """A stretch of text's length in UTF-8 bytes: a Chinese or Korean clause says in 8 characters what an
    English one says in 25."""
    return len(text.strip().encode("utf-8"))


_WORD = re.compile(r"\w+")
_PUT_OFF_ALONE: Final = 2  # the verb and a particle or a pronoun: "Lanjut Senin ya", "We gaan maandag verder"


def _puts_off_to_later(sentence: str) -> bool:
    """Whether a clause that names tomorrow or a later day goes on then ("je reprends demain", "write a
    hand-off, we'll continue tomorrow", "Продолжим в понедельник", "dokończymy po weekendzie"): a word of
    going on (`concepts`), not a deadline ("before tomorrow's audit", "don't
    wait until tomorrow to continue"), a negation, or a clause of its own beside a request to go on now
    ("continue with step 3, we deploy tomorrow"), nor the imperative that starts it ("Fortsätt med migreringen så
    att vi kan släppa i morgon") or a sentence that says "now". Not a word of the session alone: "session", "tokens" and
    "chat" name things of the code too (a cold review's "Add a 'Remind me tomorrow' option to the session
    dialog")."""
    sentence = _QUOTED.sub(" ", sentence)  # a banner's "We'll continue tomorrow", a pasted log line
    if _NOW.search(sentence):
        return False
    for clause in _CLAUSE.split(sentence):
        when = _later_day(clause)
        if when is None:
            continue
        if _negated(clause, when.start(), _ONLY_NEGATED_BEFORE):  # "I'll continue tomorrow" is no negation
            continue
        # Without its first word where words are spaced: "Fortsätt med …" is an imperative, for now. A clause of
        # nothing but that word and the day keeps it ("Riprendiamo lunedì", "Lanjut Senin ya"): whoever it
        # speaks to, it puts the work off to that day.
        said = clause[: when.start()] + " " + clause[when.end() :]
        alone = len(_WORD.findall(said)) <= _PUT_OFF_ALONE
        words = clause.lower()  # as concepts reads them
        rest = _AFTER_FIRST_WORD.sub("", words, count=1) if " " in clause.strip() and not alone else words
        # Only a word of going on: "the rest" put off to a later day reads the same as a request that moves a
        # report's rest to it ("Il resto del report va spostato a lunedì", "Остальное выведи в отчёт за
        # понедельник"; round 27, measured and not kept).
        if "continue" in concepts.found(rest):
            return True
    return False


def _wants(sentence: str, alone: bool = False) -> Kind | None:
    """What one sentence asks for: work (a request to change something), info (a question or a request to be
    told), or None (it asks nothing: context, a pasted log). `alone`: the turn's only sentence, where "explain"
    in more languages is read (_EXPLAIN_ELSEWHERE)."""
    sentence = _CODE_OR_URL.sub(" zcode ", sentence)
    asks = _QUESTION.search(sentence) and not _TAG_QUESTION.search(sentence)
    asked_view = _WH_FIRST.match(sentence) if asks else None  # only its own modal asks the agent's view:
    modals = [m for m in _MODAL.finditer(sentence) if not (asked_view and m.start() < asked_view.end())]
    after = [sentence[m.end() :] for m in modals]
    if any(not (_MODAL_INFO.match(rest) or _NOT_A_REQUEST.match(rest)) for rest in after):
        return "work"
    if not modals and asks:
        return "info"  # a question's verbs describe ("did you update …?"), they ask for nothing
    changes = (
        m
        for m in islice(_CHANGE_VERB.finditer(sentence), _MAX_VERBS)
        if not _negated(sentence, m.start()) and not _just_before(_DETERMINED, sentence, m.start(), _DETERMINER_WINDOW)
    )
    told = _INFO_REQUEST.search(sentence)
    if told is None and alone and not _JOINING.search(sentence):
        told = _EXPLAIN_ELSEWHERE.search(sentence)
    if modals or told:
        # A request to be told: its change verbs describe what to look at ("verify that the fix holds"),
        # unless a request for work comes first ("fix it and tell me why") or joins it ("look … and fix it").
        first = min([m.start() for m in modals] + ([told.start()] if told else []))
        joined = any(m.start() < first or _just_before(_JOINED, sentence, m.start(), _JOIN_WINDOW) for m in changes)
        return "work" if joined else "info"
    return "work" if next(changes, None) else None


def _just_before(pattern: re.Pattern[str], text: str, at: int, window: int) -> bool:
    """Whether `pattern` matches in the `window` characters before `at`, ending at it (patterns end in `$`)."""
    return pattern.search(text, max(0, at - window), at) is not None


def _verb_start(turn: str, match: re.Match[str]) -> int:
    """Where a stop verb begins: after the word that leads it in ("and stop": a negator before "and" is
    another clause's), else where the matched phrase's words begin. The only named groups are such leads."""
    for lead, matched in match.groupdict().items():
        if matched is not None:
            return _word_start(turn, match, match.end(lead))
    return _word_start(turn, match)


def _word_start(turn: str, match: re.Match[str], start: int | None = None) -> int:
    """Where the matched phrase's own words begin, from `start` (else the match's): a match may start with
    the punctuation that leads it."""
    at = match.start() if start is None else start
    while at < match.end() and not turn[at].isalnum():
        at += 1
    return at


def _negated(turn: str, at: int, before: re.Pattern[str] = _NEGATED_BEFORE) -> bool:
    """Whether a negator governs the word at `at`: within three words before it (`before`), in its clause
    (looked for in the _WINDOW characters before it only, so a long run-on turn costs no more per verb)."""
    low = max(0, at - _WINDOW)
    clause_start = max(turn.rfind(mark, low, at) for mark in ".,;:!?\n()")
    return before.search(turn, max(low, clause_start + 1), at) is not None
