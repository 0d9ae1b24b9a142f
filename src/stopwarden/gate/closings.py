"""Closing the session for now in the other languages of the concept lexicon ("that's all for today", "let's end
here", "enough for now, thanks"), and English leaving ("I'm heading out", "gtg") and the speaker's own stop ("we
stop here for today"): phrases `user_turn._closes_elsewhere` reads only as a whole clause.

Two layers, each written from the languages' grammar by a helper who read no stop or user turn of the data:
round 23's first phrases (`_FIRST_SPACED`, `_FIRST_UNSPACED`), and round 26's other word orders, registers and
lead-ins ("to wszystko na dziś", "今天就先到这儿吧", "오늘은 이만 마치죠", "creo que eso es todo por ahora"),
with the farewells that may follow a closing as thanks do ("hasta mañana", "до завтра", "明天见": FAREWELLS).
Round 26's phrases come first in each alternation: the regular expression takes the first branch that
matches, and a shorter phrase of round 23 would leave the rest of a longer one to fail what may follow it.

Every round-26 phrase opens its clause or follows its language's lead words, which it carries itself
("Bueno creo que eso es todo"): a word before it is a verb whose object it is ("Zrób to wszystko na dziś",
"Сделай всё на сегодня"), not a closing. And none is a question ("¿Eso es todo?"). Measured on a set of
end-of-day turns its author wrote without reading this code (training/README.md, round 26).
"""

from __future__ import annotations

import re
from typing import Final

from stopwarden.gate import diacritics

# Closing the session or the work for now in the other languages of the concept lexicon, from each one's
# grammar: "that's all / enough for today", "let's end here", "that's it for now". Phrases, not a lone
# "today" or "here", and only as a whole clause (`user_turn._closes_elsewhere`): "на сегодня" also schedules ("задачи
# на сегодня"), "lo dejamos aquí" places a file, "ここまでの変更" is "the changes so far".
_FIRST_SPACED: Final = {
    "es/pt/it/ca": r"cerramos\s+por\s+(?:ahora|hoy)|lo\s+dejamos\s+(?:aqu[íi]|por\s+hoy)|dej[ée]moslo\s+aqu[íi]"
    r"|(?:suficiente|basta)\s+por\s+hoy|por\s+hoy\s+(?:es\s+suficiente|basta|ya\s+está)"
    r"|vamos\s+(?:parar|encerrar)\s+por\s+aqui|por\s+(?:ora|hoje|enquanto)\s+é\s+só|chega\s+por\s+hoje"
    r"|paramos\s+por\s+aqui|fermiamoci\s+qui|basta\s+così|per\s+oggi\s+(?:basta|è\s+tutto)|chiudiamo\s+qui"
    r"|prou\s+per\s+avui|per\s+avui\s+ja\s+n'hi\s+ha\s+prou|ho\s+deixem\s+aquí",
    "fr/de/nl": r"on\s+(?:en\s+reste|s'arr[êe]te)\s+l[àa]|restons-en\s+l[àa]"
    r"|c'est\s+tout\s+pour\s+(?:aujourd'hui|ce\s+soir|le\s+moment)|ça\s+suffit\s+pour\s+aujourd'hui"
    r"|lass(?:t)?\s+uns\s+(?:schluss|feierabend)\s+machen|schluss\s+für\s+heute|das\s+war'?s\s+für\s+heute"
    r"|genug\s+für\s+heute|laten\s+we\s+het\s+hierbij\s+laten|genoeg\s+voor\s+vandaag"
    r"|dat\s+was\s+het\s+voor\s+vandaag|we\s+stoppen\s+(?:hier|ermee)\s+voor\s+vandaag",
    "sv/da/nb": r"det\s+räcker\s+för\s+idag|vi\s+slutar\s+(?:här|för\s+idag)(?:\s+för\s+idag)?"
    r"|det\s+var\s+allt\s+för\s+idag|det\s+er\s+nok\s+for\s+i\s+dag|det\s+var\s+(?:det|alt)\s+for\s+i\s+dag"
    r"|vi\s+stopper\s+her(?:\s+for\s+i\s+dag)?",
    "ru/uk/bg/sr": r"на\s+сегодня\s+(?:всё|все|хватит|достаточно)|давай(?:те)?\s+(?:на\s+этом\s+)?закончим"
    r"(?:\s+на\s+сегодня)?|давай(?:те)?\s+на\s+этом\s+остановимся|закругляемся|на\s+этом\s+всё"
    r"|на\s+сьогодні\s+(?:все|досить|вистачить|годі)|на\s+цьому\s+(?:все|закінчимо|зупинимося)"
    r"|за\s+днес\s+(?:стига|толкова|достатъчно)|за\s+данас\s+(?:је\s+)?(?:доста|толико|довољно)",
    "pl/cs/sk/hr": r"na\s+dzi(?:ś|siaj)\s+(?:wystarczy|to\s+tyle|koniec)|na\s+razie\s+to\s+(?:wszystko|tyle)"
    r"|kończymy\s+na\s+dzi(?:ś|siaj)|pro\s+dnešek\s+(?:to\s+)?(?:stačí|stačilo|končíme)"
    r"|na\s+dnes\s+(?:to\s+)?(?:stačí|končíme)|za\s+danas\s+(?:je\s+)?(?:dosta|toliko|dovoljno)",
    "tr/id/tl/vi": r"(?:bugünlük|şimdilik)\s+(?:bu\s+kadar(?:\s+yeter)?|yeter)|bu\s+kadar\s+yeter"
    r"|cukup\s+(?:sampai\s+(?:di\s+)?sini|untuk\s+hari\s+ini)|segitu\s+dulu|sekian\s+dulu"
    r"|hanggang\s+dito\s+na\s+lang|tama\s+na\s+muna|hôm\s+nay\s+(?:làm\s+)?(?:đến|tới)\s+đây\s+thôi"
    r"|hôm\s+nay\s+(?:thế|vậy)\s+thôi|đủ\s+cho\s+hôm\s+nay",
    "fi/hu/ro/el/he": r"riittää\s+tältä\s+päivältä|tältä\s+päivältä\s+riittää|tämä\s+riittää\s+tälle\s+päivälle"
    r"|lopetetaan\s+tähän|mára\s+(?:ennyi|elég)|ennyi\s+volt\s+mára"
    r"|(?:e\s+|este\s+)?(?:destul|ajunge)\s+pentru\s+azi|pe\s+azi\s+ajunge|ne\s+oprim\s+aici"
    r"|(?:αρκετά|φτάνει)\s+για\s+σήμερα|ας\s+το\s+αφήσουμε\s+εδώ"
    r"|מספיק\s+להיום|זהו\s+להיום|(?:בוא|בואי|בואו)\s+נעצור\s+כאן|נעצור\s+כאן\s+להיום",
    "ar/fa/ur": r"يكفي\s+(?:هذا\s+)?(?:لليوم|اليوم)|هذا\s+يكفي\s+لليوم|(?:لنكتف|نكتفي)\s+بهذا|سنتوقف\s+هنا|لنتوقف\s+هنا"
    r"|برای\s+امروز\s+(?:کافیه|کافی\s+است|بسه|بس\s+است|تمام)|فعلاً?\s+کافیه"
    r"|آج\s+کے\s+لیے\s+(?:بس|اتنا\s+ہی|کافی\s+ہے)",
}
# ... and where words are not spaced, or end in combining marks: Japanese, Chinese, Korean, Hindi, Bengali,
# Tamil, Thai.
_FIRST_UNSPACED: Final = (
    r"(?:今日は)?ここまでにしましょう|(?:今日は)?ここまでにします|今日はここまで|今日はこれで終わり(?:にしましょう)?"
    r"|(?:ここ|これ)で終わりにしましょう"
    r"|今天(?:先|就)?到这里?吧?|就到这里吧|今天(?:先|就)这样吧?"
    r"|(?:오늘은\s*)?여기까지\s*하(?:죠|자|겠습니다)|(?:오늘은\s*)?여기까지\s*합시다|오늘은\s*여기까지|오늘은\s*그만하(?:자|죠|겠습니다)"
    r"|आज\s+के\s+लिए\s+(?:बस|इतना|काफ़ी|काफी)|आज\s+यहीं\s+(?:रोकते|रुकते)\s+हैं|আজকের\s+মতো\s+(?:এটুকুই|যথেষ্ট|এখানেই)"
    r"|இன்றைக்கு\s+இது\s+போதும்|இன்று\s+இவ்வளவு\s+போதும்|วันนี้พอ(?:แค่นี้|ก่อน)|พอแค่นี้ก่อน|วันนี้จบแค่นี้"
)


_START = r"(?<!\w\s)"
_NOT_ASKED = r"(?!\s*[?？؟])"
_H = r"[\u064b-\u0652\u0640]*"  # Arabic harakat and tatweel, typed or not ("لنكتفِ", "غداً")


def _phrase(lead: str, *bodies: str, unless: str = "") -> str:
    """One language's phrases: at the start of their clause, after optional lead words, not a question, nor
    followed by what `unless` (a lookahead) refuses."""
    lead_part = rf"(?:(?:{lead})[\s,]+){{0,3}}" if lead else ""
    return rf"{_START}{lead_part}(?:{'|'.join(bodies)}){unless}{_NOT_ASKED}"


# --- English, round 26, as a whole clause: closings by their parts, who or what is done and a span of time that
# ends now ("we're done for tonight", "that's it for me today", "that's plenty for one day", "that'll do"), a
# closing act ("signing off", "calling it", "stopping here", "let's end the session"), leaving ("I'm heading
# out", "gtg") and the speaker's own stop ("we stop here for today"). Nothing may follow but thanks or a
# farewell: they also begin requests ("I'm heading out, meanwhile refactor the parser", "It's good for now,
# but add retries"). English's older closings, matched anywhere, are user_turn's _CLOSING.
# Chat shorthand too, as users type it: "4 today", "2nite", "the wknd" (round 27, an end-of-day set).
# Who stops, in the speaker's own stop: "we'll", "I need to", or the subject dropped as chat drops it ("gonna").
_EN_WHO_STOPS = (
    r"(?:(?:i|we)(?:'ll|\s+will|\s+can|\s+should|'?m\s+going\s+to|'?re\s+going\s+to|\s+have\s+to|\s+need\s+to|\s+gotta"
    r"|'?m\s+gonna|'?re\s+gonna|\s+gonna)?\s+|(?:gonna|going\s+to|need\s+to|gotta)\s+)"
)
_EN_FOR = (
    r"(?:(?:for|4)\s+(?:now|today|2day|tonight|tonite|2nite|the\s+(?:day|night|evening|week|weekend|wknd|time\s+being)"
    r"|this\s+(?:session|evening|week)|one\s+day))"
)
_EN_LEAD = (
    r"ok(?:ay)?|k|so|alright|right|then|and|yeah|yes|great|good|cool|nice|thanks|sorry|anyway|actually"
    r"|i\s+(?:think|guess|believe)"
)
_EN = _phrase(
    _EN_LEAD,
    rf"(?:(?:we'?re|i'?m|we\s+are|i\s+am|that'?s|that\s+is|it'?s|it\s+is)\s+(?:all\s+)?(?:good|through)|(?:(?:we'?re"
    rf"|i'?m|we\s+are|i\s+am|that'?s|that\s+is|it'?s|it\s+is)\s+)?(?:all\s+)?(?:done|finished))\s+{_EN_FOR}",
    rf"(?:that'?s|that\s+is)\s+(?:it|all|enough|enuf|plenty|a\s+wrap)(?:\s+for\s+(?:me|us))?(?:\s+(?:{_EN_FOR}|today|tonight))?",
    rf"that'?ll\s+do(?:\s+{_EN_FOR})?",
    rf"signing\s+off(?:\s+{_EN_FOR})?|calling\s+it(?:\s+a\s+(?:day|night))?|stopping(?:\s+(?:here|there|now|{_EN_FOR})|(?!\s*\w))",
    rf"(?:let'?s\s+)?call\s+it(?!\s*\w)|(?:parking|pausing)\s+(?:this|it|here)(?:\s+{_EN_FOR})?",
    rf"wrapping\s+(?:it\s+|things\s+)?up(?:\s+{_EN_FOR})?|finishing(?:\s+up)?\s+{_EN_FOR}|enough|(?:let'?s\s+)?end\s+(?:the|this)\s+session(?:\s+here)?",
    r"(?:that'?s\s+a\s+|this\s+is\s+a\s+)?good\s+(?:place|point|spot)\s+to\s+stop|(?:that'?s\s+a\s+)?good\s+stopping\s+point",
    # The speaker's own stop, the subject dropped as chat drops it ("gonna stop here", "need to stop for now").
    rf"{_EN_WHO_STOPS}(?:stop|pause|finish|end|quit|wrap\s+(?:it\s+)?up|call\s+it)(?:\s+(?:here|there|now|{_EN_FOR}|at\s+this\s+point)){{0,2}}",
    rf"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:heading|going|off)\s+(?:out|home|off|to\s+(?:bed|sleep|lunch))(?:\s+{_EN_FOR})?",
    rf"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:out|off|done|logging\s+off|signing\s+off|closing\s+the\s+laptop"
    rf"|shutting\s+down)(?:\s+(?:now|{_EN_FOR}))?",
    rf"(?:(?:heading|going)\s+(?:out|home|to\s+bed)|logging\s+off|signing\s+off)(?:\s+(?:now|{_EN_FOR}))?",
    r"(?:i\s+)?(?:gotta|got\s+to|have\s+to|need\s+to|must)\s+(?:go|run|leave|bounce|head\s+out|log\s+off|sign\s+off)"
    r"(?:\s+now)?",
    r"ttyl|ttys|gtg|g2g|brb|bbl|cya|laters?|l8r|afk|eod|eow|nite",  # not "gn", a file's extension ("args.gn")
)
# The English closings that say the speaker leaves or stops now, after which the user may say why
# (user_turn._gives_a_reason): not those that also name a finding, a program's act or a thing ("That's it, the
# race is in the cache warmup", "Pausing it, the audio keeps playing", "Later, the webhook fires twice", "gn:
# unknown identifier", "Gotta go, this whole adapter layer": a cold review, training/user_turns_review5.jsonl).
ENGLISH: Final = re.compile(_EN, re.IGNORECASE)
LEAVING: Final = re.compile(
    r"(?:(?:ok(?:ay)?|k|so|alright|right|yeah|yes|sorry|anyway|actually)[\s,]+)*"
    rf"{_EN_WHO_STOPS}?(?:stop(?:ping)?|pause|quit|call(?:ing)?\s+it)(?:\s+(?:here|there|now|{_EN_FOR}|at\s+this\s+point)){{1,2}}"
    rf"|(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:done|finished|out|off)\s+{_EN_FOR}|i'?m\s+(?:out|off)"
    r"|(?:i'?m\s+|we'?re\s+)?(?:signing|logging)\s+off|(?:i'?m\s+|we'?re\s+)?(?:heading|going)\s+(?:out|home|to\s+bed)"
    r"|(?:(?:i|we)(?:'ll|\s+will|'?m\s+going\s+to|'?re\s+going\s+to|'?m\s+gonna)\s+|gonna\s+|going\s+to\s+)wrap\s+(?:it\s+)?up"
    r"|calling\s+it\s+a\s+(?:day|night)|(?:i\s+)?(?:gotta|got\s+to|have\s+to|need\s+to)\s+(?:run|bounce|head\s+out"
    r"|log\s+off|sign\s+off|leave)|gtg|g2g",
    re.IGNORECASE,
)
# --- Spanish --------------------------------------------------------------------------------------------------
_ES_FOR = r"por\s+(?:ahora|hoy|el\s+momento|esta\s+noche|ahorita)"
_ES_LEAD = r"bueno|vale|ok(?:ay)?|bien|pues|listo|venga|creo\s+que|yo\s+creo\s+que|me\s+parece\s+que|ya|entonces|y"
_ES = _phrase(
    _ES_LEAD,
    rf"(?:eso\s+)?(?:es|ser[íi]a|será)\s+todo(?:\s+{_ES_FOR})?",
    rf"{_ES_FOR}\s+(?:eso\s+)?(?:es\s+todo|es\s+suficiente|basta|ya\s+está|ya\s+estuvo|lo\s+dejamos(?:\s+aqu[íi])?)",
    rf"(?:terminamos|terminemos|paremos|paramos|cerramos|acabamos|acabemos|lo\s+dejamos|dej[ée]moslo"
    rf"|vamos\s+a\s+(?:dejarlo|parar|terminar|acabar|cerrar)|podemos\s+(?:dejarlo|parar|terminar))"
    rf"(?:\s+(?:aqu[íi]|ac[áa]|ah[íi]|{_ES_FOR}|para\s+mañana)){{1,2}}",
    rf"hasta\s+aqu[íi]\s+(?:{_ES_FOR}|llegamos(?:\s+(?:hoy|{_ES_FOR}))?)",
    rf"(?:con\s+esto\s+)?(?:ya\s+)?(?:es\s+)?(?:suficiente|basta|est[áa]\s+bien|ya\s+estuvo|se\s+acab[óo])\s+{_ES_FOR}",
)
# --- Portuguese -----------------------------------------------------------------------------------------------
_PT_FOR = r"por\s+(?:agora|hoje|enquanto|ora|hoje\s+à\s+noite)"
_PT_LEAD = r"bom|beleza|ok(?:ay)?|certo|então|bem|acho\s+que|eu\s+acho\s+que|creio\s+que|tá|ta|pronto"
_PT = _phrase(
    _PT_LEAD,
    rf"(?:isso\s+)?é\s+tudo(?:\s+{_PT_FOR})?",
    rf"(?:isso\s+)?é\s+(?:isso|só)(?:\s+isso)?\s+{_PT_FOR}",
    rf"{_PT_FOR}\s+(?:é\s+(?:tudo|isso|só(?:\s+isso)?)|chega|basta|está\s+bom|tá\s+bom|já\s+deu)",
    rf"(?:já\s+)?(?:chega|basta|deu)\s+(?:{_PT_FOR}|por\s+aqui)",
    rf"(?:vamos\s+|podemos\s+)?(?:ficar|ficamos|parar|paramos|encerrar|encerramos|terminar|terminamos|deixar|deixemos"
    rf"|fechar|fechamos)\s+(?:(?:isso|isto)\s+)?(?:(?:por\s+)?aqui|{_PT_FOR})(?:\s+{_PT_FOR})?",
)
# --- Italian --------------------------------------------------------------------------------------------------
_IT_FOR = r"per\s+(?:ora|adesso|oggi|stasera|il\s+momento|stavolta)"
_IT_LEAD = r"ok(?:ay)?|bene|va\s+bene|allora|direi\s+che|credo\s+che|penso\s+che|mi\s+sa\s+che|dai|ecco|bon"
_IT = _phrase(
    _IT_LEAD,
    rf"(?:{_IT_FOR}\s+)?(?:(?:questo\s+)?è\s+tutto|basta(?:\s+così)?|può\s+bastare(?:\s+così)?|ci\s+fermiamo\s+qui"
    rf"|chiudiamo\s+qui)(?:\s+{_IT_FOR})?",
    rf"(?:possiamo\s+)?(?:finiamo|finiamola|terminiamo|chiudiamo|chiudiamola|la\s+chiudiamo|ci\s+fermiamo|fermiamoci"
    rf"|fermarci|chiudere|finire|terminare|chiuderla)\s+qui(?:\s+{_IT_FOR})?",
    rf"va\s+bene\s+così\s+{_IT_FOR}",
)
# --- Catalan --------------------------------------------------------------------------------------------------
_CA_FOR = r"per\s+(?:avui|ara|aquesta\s+nit|ara\s+mateix|el\s+moment)"
_CA_LEAD = r"bé|bo|bueno|vale|d'acord|ok|doncs|crec\s+que|em\s+sembla\s+que"
_CA = _phrase(
    _CA_LEAD,
    rf"{_CA_FOR}\s+(?:això\s+)?(?:és\s+tot|ja\s+està|prou|ja\s+n'hi\s+ha\s+prou|n'hi\s+ha\s+prou)",
    rf"(?:(?:això\s+)?és\s+tot|ja\s+està|prou|ja\s+n'hi\s+ha\s+prou|n'hi\s+ha\s+prou)\s+{_CA_FOR}",
    r"això\s+és\s+tot",
    rf"(?:deixem-ho|ho\s+deixem|ho\s+podem\s+deixar|parem|ens\s+aturem|acabem|tanquem|plegem)\s+aquí(?:\s+{_CA_FOR})?",
    rf"plegem(?:\s+{_CA_FOR})?",
)
# --- French ---------------------------------------------------------------------------------------------------
_FR_FOR = r"pour\s+(?:l'instant|le\s+moment|aujourd'hui|ce\s+soir|cette\s+fois|maintenant|aujourd'hui)"
_FR_LEAD = (
    r"bon|bref|ok(?:ay)?|d'accord|bien|allez|alors|voilà|je\s+(?:pense|crois)\s+que|je\s+(?:pense|crois)\s+qu'|"
    r"(?:je\s+)?(?:pense|crois)\s+qu'"
)
_FR = _phrase(
    _FR_LEAD,
    rf"(?:c'est|ce\s+sera|ça\s+sera|cela\s+sera)\s+tout(?:\s+{_FR_FOR})?",
    rf"(?:ça|cela)\s+(?:suffit|suffira|devrait\s+suffire)(?:\s+{_FR_FOR})?",
    rf"(?:ça|cela)\s+ira\s+{_FR_FOR}|c'est\s+(?:bon|assez)\s+{_FR_FOR}|assez\s+{_FR_FOR}",
    rf"(?:(?:on|qu'on)\s+(?:va\s+|peut\s+)?(?:en\s+rester|en\s+reste|en\s+restera|s'arr[êe]ter?|s'arr[êe]tera|termine"
    rf"|finit|arr[êe]te)|arr[êe]tons-nous|restons-en|terminons|finissons|arrêtons)\s+(?:l[àa]|ici)(?:\s+{_FR_FOR})?",
    r"on\s+(?:va\s+)?(?:en\s+rester|en\s+reste|en\s+restera)\s+l[àa]",
)
# --- German ---------------------------------------------------------------------------------------------------
_DE_FOR = (
    r"(?:für\s+(?:jetzt|heute(?:\s+abend)?|den\s+moment|diese\s+woche|hier)|fürs\s+erste|erst\s*mal|vorerst|zunächst"
    r"|heute)"
)
_DE_LEAD = (
    r"ok(?:ay)?|gut|also|so|ja|na\s+gut|alles\s+klar|prima|super|ich\s+(?:denke|glaube|finde|würde\s+sagen)|ich\s+glaub"
    r"|dann|danke"
)
_DE = _phrase(
    _DE_LEAD,
    rf"das\s+(?:war'?s|wär'?s|wäre\s+es|wars|wärs|war\s+es)(?:\s+(?:dann|auch\s+schon))?(?:\s+{_DE_FOR})?"
    r"(?:\s+von\s+meiner\s+seite)?",
    rf"das\s+(?:reicht|genügt|langt)\s+{_DE_FOR}",
    rf"(?:(?:das\s+ist\s+)?genug|schluss)\s+{_DE_FOR}|erst\s*mal\s+(?:genug|schluss)",
    rf"{_DE_FOR}\s+(?:reicht'?s|reicht\s+es|ist\s+schluss|sind\s+wir\s+fertig|war'?s\s+das|genügt\s+es|genug)",
    r"(?:machen\s+wir|wir\s+machen|lass(?:t)?\s+uns|lassen\s+sie\s+uns|ich\s+mach(?:e)?)(?:\s+(?:hier|jetzt|heute"
    r"|für\s+heute|an\s+dieser\s+stelle|erst\s*mal|dann|mal))*\s+(?:schluss|feierabend)(?:\s+machen)?"
    rf"(?:\s+{_DE_FOR})?",
    rf"feierabend(?:\s+{_DE_FOR})?",
    rf"(?:lass(?:t)?\s+(?:es\s+uns|uns\s+es)(?:\s+{_DE_FOR})?\s+(?:dabei|hierbei)\s+belassen"
    rf"|(?:lassen|belassen)\s+wir\s+es(?:\s+{_DE_FOR})?\s+(?:dabei|hierbei)|wir\s+(?:be)?lassen\s+es(?:\s+{_DE_FOR})?"
    rf"\s+(?:dabei|hierbei))(?:\s+{_DE_FOR})?",
    rf"das\s+soll'?s\s+(?:{_DE_FOR}\s+)?gewesen\s+sein",
)
# --- Dutch ----------------------------------------------------------------------------------------------------
_NL_FOR = r"(?:voor\s+(?:nu|vandaag|vanavond|het\s+moment|deze\s+keer|even)|vandaag)"
_NL_LEAD = r"ok(?:é|ay)?|oké|goed|prima|nou|zo|dus|top|ik\s+denk|ik\s+vind|mooi|oke"
_NL = _phrase(
    _NL_LEAD,
    rf"dat\s+(?:was|is)\s+(?:het|alles)(?:\s+{_NL_FOR})?",
    rf"{_NL_FOR}\s+(?:is\s+het\s+(?:wel\s+)?(?:genoeg|goed\s+zo|mooi\s+geweest|klaar)|houden\s+we\s+het\s+hierbij"
    rf"|stoppen\s+we(?:\s+ermee)?|is\s+dat\s+(?:alles|het)|laten\s+we\s+het\s+hierbij|zijn\s+we\s+klaar)",
    rf"(?:(?:dat\s+)?het\s+is\s+(?:wel\s+)?genoeg|(?:dat\s+)?het\s+(?:wel\s+)?genoeg\s+is|genoeg|klaar|tot\s+zover"
    rf"|we\s+zijn\s+klaar)\s+{_NL_FOR}",
    r"tot\s+zover",
    rf"(?:we\s+laten\s+het|laten\s+we\s+het|we\s+houden\s+het|laten\s+we\s+het)\s+(?:hierbij|hier|daarbij)"
    rf"(?:\s+(?:laten|houden))?(?:\s+{_NL_FOR})?",
    rf"(?:we\s+houden\s+ermee\s+op|laten\s+we\s+ermee\s+ophouden|laten\s+we\s+(?:het\s+)?afronden"
    rf"|we\s+ronden\s+(?:het\s+)?af|laten\s+we\s+stoppen|we\s+stoppen\s+ermee)(?:\s+{_NL_FOR})?",
    rf"het\s+is\s+(?:mooi\s+geweest|genoeg\s+geweest)(?:\s+{_NL_FOR})?",
)
# --- Swedish, Danish, Norwegian -------------------------------------------------------------------------------
# One set of "for now / for today" for the three: their phrases overlap ("det var det"), and the first to match
# must take the longest ("Det var det for nu").
_SV_FOR = _DA_FOR = _NB_FOR = (
    r"(?:för\s+(?:nu|i\s*dag|idag|ikväll|i\s+kväll|den\s+här\s+gången|stunden)|så\s+länge|i\s*dag"
    r"|for\s+(?:nu|nå|i\s*dag|idag|i\s+aften|i\s+kveld|denne\s+gang|nu\s+og\s+her))"
)
_SV_LEAD = r"ok(?:ej)?|okej|bra|då|så|jaha|jag\s+tror(?:\s+att)?|jag\s+tycker(?:\s+att)?|nu|ja"
_SV = _phrase(
    _SV_LEAD,
    rf"det\s+(?:räcker|får\s+räcka|får\s+bli\s+bra|blir\s+bra)(?:\s+så)?(?:\s+{_SV_FOR})?",
    rf"nu\s+räcker\s+det(?:\s+{_SV_FOR})?",
    rf"det\s+var\s+(?:allt|det)(?:\s+{_SV_FOR})?",
    rf"(?:vi|jag)\s+(?:nöjer\s+(?:oss|mig)|stannar|avslutar|avrundar|bryter|slutar|lägger\s+av|stoppar|rundar\s+av"
    rf"|tar\s+paus)(?:\s+(?:här|där|så)(?:\s+{_SV_FOR})?|\s+{_SV_FOR})",
    rf"nog\s+{_SV_FOR}",
)
_DA_LEAD = r"ok(?:ay)?|okay|godt|fint|så|nå|jeg\s+tror(?:\s+at)?|jeg\s+synes(?:\s+at)?|ja"
_DA = _phrase(
    _DA_LEAD,
    rf"det\s+(?:er|var|må\s+være|kan\s+være)\s+nok(?:\s+{_DA_FOR})?",
    rf"det\s+(?:er\s+(?:fint|godt)|var\s+(?:det|alt))\s+{_DA_FOR}|det\s+var\s+det",
    rf"(?:vi|lad\s+os)\s+(?:slutter|slutte|stopper|stoppe|runder\s+af|runde\s+af|lukker\s+ned|lukke\s+ned"
    rf"|lader\s+det\s+ligge|lade\s+det\s+ligge|holder|holde|siger\s+tak|sige\s+tak)(?:\s+(?:her|der)(?:\s+{_DA_FOR})?"
    rf"|\s+{_DA_FOR})",
    rf"nok\s+{_DA_FOR}",
)
_NB_LEAD = r"ok(?:ei)?|okei|greit|bra|da|så|jeg\s+tror(?:\s+at)?|jeg\s+synes(?:\s+at)?|ja"
_NB = _phrase(
    _NB_LEAD,
    rf"det\s+(?:holder|får\s+holde|får\s+være\s+nok|er\s+nok|var\s+(?:alt|det))(?:\s+i\s+massevis)?(?:\s+{_NB_FOR})?",
    rf"(?:vi|la\s+oss)\s+(?:slutter|slutte|avslutter|avslutte|stopper|stoppe|runder\s+av|runde\s+av"
    rf"|sier\s+oss\s+ferdige|si\s+oss\s+ferdige|gir\s+oss|gi\s+oss)(?:\s+(?:her|der)(?:\s+{_NB_FOR})?|\s+{_NB_FOR})",
    r"(?:da\s+)?tar\s+vi\s+kvelden|vi\s+tar\s+kvelden|takk\s+for\s+i\s*dag",
    rf"nok\s+{_NB_FOR}",
)
# --- Russian, Ukrainian, Bulgarian, Serbian ---------------------------------------------------------------------
_RU_WHEN = r"(?:пока(?:\s+что)?|на\s+сегодня(?:,?\s+пожалуй,?)?|на\s+этом|на\s+сейчас|на\s+данный\s+момент|сегодня)"
_RU_LEAD = r"ладно|ну|так|ок(?:ей)?|окей|хорошо|думаю|я\s+думаю|пожалуй|кажется|всё|все|итак|ну\s+всё|в\s+общем"
_RU = _phrase(
    _RU_LEAD,
    rf"{_RU_WHEN}\s+(?:всё|все|хватит|достаточно|закончим|заканчиваем|остановимся|хорош|закругляемся|финиш|пока)",
    r"(?:всё|все|хватит|достаточно|закончим|заканчиваем|остановимся|закругляемся)\s+(?:на\s+сегодня|пока(?:\s+что)?"
    r"|на\s+этом|здесь|тут)",
    r"(?:давай(?:те)?\s+)?(?:(?:пока|на\s+сегодня|сегодня)\s+)?(?:на\s+этом\s+)?(?:остановимся|закругляться"
    r"|закруглимся|закругляемся|прервёмся|прервемся)(?:\s+(?:здесь|тут|на\s+этом|на\s+сегодня))?",
    r"(?:давай(?:те)?\s+)?(?:(?:пока|на\s+сегодня)\s+)?(?:закончим|завершим|заканчивать)\s+(?:здесь|тут|на\s+этом"
    r"|на\s+сегодня)",
    r"давай(?:те)?\s+(?:пока|на\s+сегодня)\s+(?:на\s+этом\s+)?(?:закончим|завершим|заканчивать)",
    r"пора\s+(?:закругляться|заканчивать|завязывать|по\s+домам)",
)
_UK_WHEN = r"(?:поки\s+що|поки|на\s+сьогодні|на\s+цьому(?:\s+поки)?|поки\s+що\s+на\s+цьому|на\s+зараз|сьогодні)"
_UK_LEAD = r"гаразд|добре|ну|так|ок(?:ей)?|думаю|я\s+думаю|мабуть|здається|отже|все|усе"
_UK = _phrase(
    _UK_LEAD,
    rf"{_UK_WHEN}\s+(?:все|усе|досить|достатньо|вистачить|годі|закінчимо|закінчуємо|зупинимося|зупинимось|завершимо"
    rf"|завершуємо|закругляємося)",
    r"(?:все|усе|досить|достатньо|вистачить|годі|закінчимо|закінчуємо|зупинимося|зупинимось|завершимо|завершуємо"
    r"|закругляємося)\s+(?:на\s+сьогодні|на\s+цьому|тут|поки\s+що)",
    r"давай(?:те)?\s+(?:(?:на\s+сьогодні|поки\s+що|на\s+цьому|поки)\s+)+(?:закінчимо|зупинимося|зупинимось|завершимо"
    r"|закінчувати|завершувати|закруглятися)",
    r"давай(?:те)?\s+(?:закінчимо|зупинимося|зупинимось|завершимо)\s+(?:тут|на\s+цьому|на\s+сьогодні)",
    r"(?:давай(?:те)?|час|пора)\s+(?:закруглятися|завершувати|закінчувати)|закругляємося|зупинимося\s+на\s+цьому",
)
_BG_WHEN = r"(?:за\s+днес|засега|за\s+момента|за\s+тази\s+вечер|за\s+тоя\s+път)"
_BG_LEAD = r"добре|ок(?:ей)?|окей|така|е|мисля(?:,?\s+че)?|значи|хайде"
_BG = _phrase(
    _BG_LEAD,
    rf"(?:това\s+е(?:\s+всичко)?|стига|толкова|достатъчно|дотук|приключваме|спираме(?:\s+дотук)?)\s+{_BG_WHEN}",
    rf"{_BG_WHEN}\s+(?:това\s+е(?:\s+всичко)?|стига|толкова|достатъчно|приключваме|спираме|дотук)",
    rf"(?:(?:нека|хайде)\s+(?:да\s+)?|да\s+)(?:спрем|приключим|спираме)\s+(?:дотук|тук|{_BG_WHEN})(?:\s+{_BG_WHEN})?",
    r"(?:(?:нека|хайде)\s+(?:да\s+)?|да\s+)(?:приключваме|спрем)",
    rf"(?:нека\s+)?(?:спираме|приключваме)\s+(?:дотук|тук)(?:\s+{_BG_WHEN})?",
)
_SR_WHEN = r"(?:za\s+danas|za\s+sada|zasad|za\s+večeras|za\s+ovaj\s+put)"
_SR_CY_WHEN = r"(?:за\s+данас|за\s+сада|засад|за\s+вечерас|за\s+овај\s+пут)"
_SR_LEAD = r"ok(?:ej)?|dobro|e|pa|mislim\s+da|ок(?:еј)?|добро|е|па|мислим\s+да"
_SR = _phrase(
    _SR_LEAD,
    rf"(?:(?:to\s+(?:je|bi\s+bilo)|je\s+to)\s+(?:to|sve)|(?:je\s+)?dosta|toliko|dovoljno|završavamo|stajemo(?:\s+ovde|\s+ovdje)?"
    rf"|ovde\s+stajemo)\s+{_SR_WHEN}",
    rf"{_SR_WHEN}\s+(?:je\s+)?(?:to\s+(?:je\s+)?sve|to\s+je\s+to|dosta|toliko|dovoljno|završavamo|stajemo)",
    rf"(?:hajde|ajde|ajmo|hajdemo)\s+(?:da\s+)?(?:stanemo|završimo|stati|završiti|stajemo)(?:\s+(?:ovde|ovdje|tu"
    rf"|{_SR_WHEN}))+",
    rf"(?:hajde|ajde|ajmo)\s+da\s+tu\s+stanemo(?:\s+{_SR_WHEN})?",
    rf"(?:tu|ovde|ovdje)\s+ćemo\s+stati(?:\s+{_SR_WHEN})?|stanimo\s+(?:ovdje|ovde|tu)(?:\s+{_SR_WHEN})?"
    rf"|stajemo\s+(?:ovde|ovdje|tu)(?:\s+{_SR_WHEN})?|to\s+bi\s+bilo\s+to",
    rf"(?:(?:то\s+(?:је|би\s+било)|је\s+то)\s+(?:то|све)|(?:је\s+)?доста|толико|довољно|завршавамо|стајемо(?:\s+овде)?)"
    rf"\s+{_SR_CY_WHEN}",
    rf"{_SR_CY_WHEN}\s+(?:је\s+)?(?:то\s+(?:је\s+)?све|то\s+је\s+то|доста|толико|довољно|завршавамо|стајемо)",
    rf"(?:хајде|ајде|ајмо|хајдемо)\s+(?:да\s+)?(?:станемо|завршимо|стати|завршити)(?:\s+(?:овде|ту|{_SR_CY_WHEN}))+",
    rf"(?:хајде|ајде|ајмо)\s+да\s+ту\s+станемо(?:\s+{_SR_CY_WHEN})?",
    rf"(?:ту|овде)\s+ћемо\s+стати(?:\s+{_SR_CY_WHEN})?|станимо\s+(?:овде|ту)(?:\s+{_SR_CY_WHEN})?"
    rf"|стајемо\s+(?:овде|ту)(?:\s+{_SR_CY_WHEN})?|то\s+би\s+било\s+то",
)
# --- Polish, Czech, Slovak (Croatian: _SR's Latin phrases) -------------------------------------------------------
_PL_WHEN = r"(?:na\s+dzi(?:ś|siaj)|na\s+razie|na\s+teraz|na\s+ten\s+moment|na\s+dziś\s+wieczór|dzi(?:ś|siaj))"
_PL_LEAD = r"dobra|dobrze|ok(?:ej)?|okej|no|więc|chyba|myślę(?:,?\s+że)?|wydaje\s+mi\s+się(?:,?\s+że)?|to|tak|i"
_PL = _phrase(
    _PL_LEAD,
    rf"(?:to\s+)?(?:wszystko|tyle|wystarczy|starczy|dość|dosyć|koniec|kończymy)\s+{_PL_WHEN}",
    rf"{_PL_WHEN}\s+(?:to\s+)?(?:wszystko|tyle|wystarczy|starczy|dość|dosyć|koniec|kończymy|zostawmy\s+to"
    rf"|to\s+wystarczy|skończmy|zakończmy)",
    r"to\s+(?:wszystko|tyle)",
    rf"(?:skończmy|zakończmy|kończymy|zatrzymajmy\s+się|zostawmy\s+to|poprzestańmy)(?:\s+(?:na\s+tym|tutaj|tu"
    rf"|{_PL_WHEN}))+",
    r"na\s+tym\s+(?:skończmy|zakończmy|kończymy|poprzestańmy|się\s+zatrzymajmy)",
)
_CS_WHEN = r"(?:pro\s+dnešek|pro\s+dnes|pro\s+teď|zatím|prozatím|pro\s+tuto\s+chvíli|na\s+dnes|dnes\s+už|dneska)"
_CS_LEAD = r"tak|dobře|dobrá|ok(?:ej)?|okej|no|myslím(?:,?\s+že)?|asi|fajn|jo"
_CS = _phrase(
    _CS_LEAD,
    rf"(?:tak\s+)?to\s+je\s+{_CS_WHEN}\s+(?:všechno|vše)",
    rf"{_CS_WHEN}\s+(?:je\s+to\s+|to\s+je\s+)?(?:všechno|vše)",
    rf"{_CS_WHEN}\s+(?:to\s+)?(?:stačí|dost|končíme|toho\s+necháme|toho\s+nechme|už\s+toho\s+necháme)",
    rf"(?:dost|to\s+stačí|stačí|končíme|(?:to\s+je\s+)?(?:všechno|vše))\s+{_CS_WHEN}",
    r"pojďme\s+to\s+(?:tady|tu|zde)\s+(?:ukončit|skončit|uzavřít)",
    rf"(?:skončeme|skončíme|zastavme\s+se|zastavíme\s+se|ukončeme\s+to)(?:\s+(?:tady|tu|zde|{_CS_WHEN}))+",
    rf"(?:necháme|nechme)\s+toho(?:\s+{_CS_WHEN})?|(?:tady|tu|zde)\s+(?:skončíme|skončeme|přestaneme)",
)
_SK_WHEN = r"(?:pre\s+dnešok|na\s+dnes|zatiaľ|nateraz|pre\s+teraz|dnes\s+už|dnes)"
_SK_LEAD = r"tak|dobre|ok(?:ej)?|okej|no|myslím(?:,?\s+že)?|asi|fajn|hej"
_SK = _phrase(
    _SK_LEAD,
    rf"(?:tak\s+)?to\s+je\s+{_SK_WHEN}\s+všetko",
    rf"{_SK_WHEN}\s+(?:je\s+to\s+|to\s+je\s+)?všetko",
    rf"{_SK_WHEN}\s+(?:to\s+)?(?:stačí|dosť|končíme|toho\s+necháme|toho\s+nechajme|už\s+toho\s+necháme)",
    rf"(?:dosť|to\s+stačí|stačí|končíme|(?:to\s+je\s+)?všetko)\s+{_SK_WHEN}",
    r"poďme\s+to\s+(?:tu|tuto|tady)\s+(?:ukončiť|skončiť|uzavrieť)",
    rf"(?:skončime|skončíme|zastavme\s+sa|zastavíme\s+sa)(?:\s+(?:tu|tuto|{_SK_WHEN}))+",
    rf"(?:necháme|nechajme)\s+toho(?:\s+{_SK_WHEN})?",
)
# --- Turkish, Indonesian, Tagalog, Vietnamese -------------------------------------------------------------------
_TR_WHEN = r"(?:bugünlük|şimdilik|bugün|bugün\s+için|şu\s+an\s+için|bu\s+akşamlık|bu\s+seferlik)"
_TR_LEAD = r"tamam|peki|evet|o\s+zaman|bence|hadi|haydi|neyse|tamamdır|ok(?:ey)?|okey"
_TR = _phrase(
    _TR_LEAD,
    rf"(?:{_TR_WHEN}\s+)?bu\s+kadar[ıi]?\s+(?:yeter|yeterli|olsun|kâfi|kafi)",
    rf"{_TR_WHEN}\s+(?:bu\s+kadar|yeterli|yeter|kâfi|kafi|paydos|işimiz\s+bitti|bitirelim|kapatalım|bırakalım|bitti)",
    rf"(?:{_TR_WHEN}\s+|bugünü\s+)?(?:burada|burda|bu\s+noktada)\s+(?:bırakalım|duralım|bitirelim|keselim|bırakıyoruz"
    rf"|kapatalım|noktalayalım|bitiriyoruz|duruyoruz)",
    r"bu\s+kadar",
)
_ID_TODAY = r"(?:(?:untuk|buat)\s+)?hari\s+ini"
_ID_LEAD = (
    r"oke|ok(?:ay)?|baik|baiklah|yaudah|ya\s+udah|sudah|udah|oke\s+deh|sepertinya|kayaknya|saya\s+rasa|aku\s+rasa|jadi"
)
_ID = _phrase(
    _ID_LEAD,
    rf"(?:{_ID_TODAY}\s+)?(?:sudah\s+|udah\s+)?(?:cukup|sekian|segini|segitu|sampai\s+(?:di\s+)?sini)"
    rf"(?:\s+(?:aja|saja))?(?:\s+dulu)?(?:\s+(?:sampai\s+(?:di\s+)?sini|{_ID_TODAY}|sekian|dulu))*",
    r"kita\s+(?:sudahi|udahan|akhiri|cukupkan|selesai|selesaikan\s+(?:di\s+sini|sampai\s+(?:di\s+)?sini)"
    rf"|berhenti\s+(?:di\s+)?sini)(?:\s+(?:dulu|sampai\s+(?:di\s+)?sini|di\s+sini|saja|aja|{_ID_TODAY}))*",
    r"(?:udah|udahan|sudahan|sudah)\s+dulu",
)
_TL_TODAY = r"(?:para\s+)?(?:ngayong\s+araw|ngayon|ngayong\s+gabi)"
_TL_LEAD = r"sige|okay|ok|o\s+sige|siguro|sa\s+tingin\s+ko|ayan|yan|so"
_TL = _phrase(
    _TL_LEAD,
    rf"hanggang\s+dito(?:\s+(?:na|lang|muna|tayo|lamang|po))+(?:\s+{_TL_TODAY})?|hanggang\s+dito\s+{_TL_TODAY}",
    r"dito\s+na\s+(?:(?:lang|muna|po)\s+)+tayo|dito\s+na\s+(?:lang|muna)\s+tayo",
    rf"(?:tama|sapat)\s+na(?:\s+(?:muna|lang|iyan|'?yan|yan|po))*(?:\s+{_TL_TODAY})?",
    rf"(?:okay|ok|ayos)\s+na\s+(?:po\s+)?muna(?:\s+(?:'?yan|iyan|yan))?(?:\s+{_TL_TODAY})?",
    rf"(?:iyan|iyon|yan|yun|'yan|'yun)\s+(?:na\s+)?(?:lang\s+)?(?:po\s+)?muna(?:\s+{_TL_TODAY})?",
    rf"tapusin\s+na\s+natin\s+(?:dito|ito\s+{_TL_TODAY})|tapos\s+na\s+tayo(?:\s+{_TL_TODAY})?",
)
_VI_WHEN = r"(?:hôm\s+nay|tạm\s+thời|bây\s+giờ|trước\s+mắt|tối\s+nay|buổi\s+hôm\s+nay)"
_VI_LEAD = r"thôi|ok(?:e)?|oke|được\s+rồi|vậy|thế|rồi|tôi\s+nghĩ(?:\s+là)?|mình\s+nghĩ(?:\s+là)?|chắc|chắc\s+là|vâng|ừ"
_VI = _phrase(
    _VI_LEAD,
    rf"(?:{_VI_WHEN}\s+)?(?:làm\s+)?(?:đến|tới)\s+đây\s+(?:thôi|là\s+đủ(?:\s+rồi)?|là\s+được(?:\s+rồi)?)",
    rf"{_VI_WHEN}\s+(?:làm\s+)?(?:vậy|thế|như\s+vậy|như\s+thế)\s+(?:thôi|là\s+đủ(?:\s+rồi)?|là\s+được(?:\s+rồi)?|đã)",
    rf"(?:{_VI_WHEN}\s+)?tạm\s+(?:thế|vậy)(?:\s+(?:thôi|đã))?",
    rf"(?:{_VI_WHEN}\s+)?(?:(?:như\s+)?(?:vậy|thế)\s+)?(?:là\s+đủ(?:\s+rồi)?|đủ\s+rồi)",
    rf"(?:{_VI_WHEN}\s+)?(?:nghỉ|dừng|kết\s+thúc)\s+(?:lại\s+)?(?:ở|tại)\s+đây",
    rf"(?:{_VI_WHEN}\s+)?nghỉ\s+thôi|thôi\s+nghỉ(?:\s+thôi)?|hôm\s+nay\s+nghỉ",
)
# --- Finnish, Hungarian, Romanian, Greek, Hebrew -----------------------------------------------------------------
_FI_WHEN = r"(?:tältä\s+päivältä|tältä\s+erää|toistaiseksi|tänään|tälle\s+päivälle|tältä\s+illalta|tänään\s+ainakaan)"
_FI_LEAD = r"ok(?:ei)?|okei|no|selvä|hyvä|joo|kiitos|mun\s+mielestä|minusta|luulen(?:\s+että)?|eli"
_FI = _phrase(
    _FI_LEAD,
    rf"(?:(?:se|tämä)\s+)?(?:riittää|riitti|oli\s+tässä|on\s+tässä)(?:\s+{_FI_WHEN})?",
    rf"{_FI_WHEN}\s+(?:tämä\s+|se\s+)?(?:riittää|oli\s+tässä|tässä|kaikki)",
    rf"siinä\s+kaikki(?:\s+{_FI_WHEN})?|(?:siinä|tässä)(?:\s+kaikki)?\s+{_FI_WHEN}",
    rf"eiköhän\s+(?:tämä|se)\s+(?:riitä|ollut\s+tässä)(?:\s+{_FI_WHEN})?",
    rf"(?:jätetään|jätetäänpä|lopetetaan|lopetellaan|taidetaan\s+lopettaa|voidaan\s+lopettaa)(?:\s+(?:tähän|{_FI_WHEN}))+",
    r"lopetellaan",
)
_HU_WHEN = r"(?:mára|egyelőre|mostanra|erre\s+a\s+napra|ma\s+estére)"
_HU_LEAD = r"oké|ok(?:é)?|jó|rendben|szóval|akkor|szerintem|azt\s+hiszem|na|nos"
_HU = _phrase(
    _HU_LEAD,
    rf"(?:{_HU_WHEN}\s+)?(?:ennyi(?:\s+volt|\s+lesz|\s+elég)?|elég|ennyit)(?:\s+{_HU_WHEN})?",
    rf"(?:{_HU_WHEN}\s+)?(?:itt\s+)?(?:most\s+)?(?:hagyjuk\s+abba|abbahagyjuk|álljunk\s+meg|megállunk|lezárjuk)"
    rf"(?:\s+(?:itt|most|ennyiben|{_HU_WHEN}))*",
    rf"(?:fejezzük\s+be|zárjuk\s+le|befejezzük|lezárjuk)\s+(?:itt|ennyiben|{_HU_WHEN})(?:\s+{_HU_WHEN})?",
    rf"(?:{_HU_WHEN}|itt)\s+(?:fejezzük\s+be|zárjuk\s+le|befejeztük|végeztünk|be\s+is\s+fejezhetjük|befejezhetjük"
    rf"|abbahagyjuk|itt\s+abbahagyjuk)",
)
_RO_WHEN = (
    r"(?:pentru\s+azi|pe\s+azi|deocamdată|pe\s+ziua\s+de\s+azi|pentru\s+astăzi|pentru\s+moment|pentru\s+acum"
    r"|în\s+seara\s+asta|pe\s+seara\s+asta|azi)"
)
_RO_LEAD = r"ok(?:ay)?|bine|bun|gata|deci|cred\s+că|zic\s+că|așa|asa"
_RO = _phrase(
    _RO_LEAD,
    rf"(?:cam\s+)?(?:atât|asta\s+(?:e|este|a\s+fost)\s+tot|asta\s+a\s+fost|(?:e|este)\s+destul|destul|ajunge|gata"
    rf"|(?:e|este)\s+suficient)\s+{_RO_WHEN}",
    rf"{_RO_WHEN}\s+(?:cam\s+)?(?:atât|(?:e|este)\s+destul|destul|ajunge|gata|asta\s+e\s+tot|e\s+tot|e\s+suficient)",
    r"(?:cam\s+)?atât|asta\s+(?:e|este|a\s+fost)\s+tot",
    rf"(?:hai\s+)?(?:să\s+)?(?:încheiem|ne\s+oprim|lăsăm|închidem)(?:\s+(?:aici|{_RO_WHEN}))+",
    # "atât … cât (și) …" is a correlative ("Atât pentru azi cât și pentru mâine, generează …"), not a closing.
    unless=r"(?![^.,;:!?\n]*?(?<!\w)c[âa]t(?!\w))",
)
_EL_WHEN = r"(?:για\s+σήμερα|για\s+τώρα|για\s+την\s+ώρα|προς\s+το\s+παρόν|για\s+απόψε|σήμερα)"
_EL_LEAD = r"οκ|οκέι|εντάξει|καλά|λοιπόν|ωραία|νομίζω(?:\s+(?:ότι|πως))?|πιστεύω(?:\s+(?:ότι|πως))?|μάλλον"
_EL = _phrase(
    _EL_LEAD,
    rf"(?:αυτά|αυτό\s+ήταν|αυτά\s+ήταν|φτάνει|αρκετά|τόσα|ως\s+εδώ|μέχρι\s+εδώ|τέλος|αυτό\s+είναι\s+όλο"
    rf"|αυτά\s+είναι\s+όλα|είμαστε\s+εντάξει)\s+{_EL_WHEN}",
    rf"{_EL_WHEN}\s+(?:φτάνει|αρκετά|τόσα|αυτά|τέλος|ως\s+εδώ|μέχρι\s+εδώ|σταματάμε)",
    rf"(?:ας\s+)?(?:σταματήσουμε|κλείσουμε|τελειώσουμε|το\s+κλείσουμε)\s+(?:εδώ|{_EL_WHEN})(?:\s+{_EL_WHEN})?",
    rf"(?:σταματάμε|κλείνουμε|τελειώνουμε)\s+(?:εδώ|{_EL_WHEN})(?:\s+{_EL_WHEN})?",
    r"αυτό\s+ήταν",
)
_HE_WHEN = r"(?:להיום|לבינתיים|בינתיים|לעכשיו|להערב|היום|כרגע)"
_HE_LEAD = r"אוקיי|אוקי|טוב|יאללה|בסדר|אז|(?:אני\s+)?(?:חושב|חושבת|מניח|מניחה)|נראה\s+לי"
_HE = _phrase(
    _HE_LEAD,
    rf"[וש]?(?:זה\s+הכל|זהו|זה\s+מספיק|מספיק|די|סיימנו|זה\s+יספיק|זה\s+יהיה\s+הכל)\s+{_HE_WHEN}",
    rf"{_HE_WHEN}\s+(?:זהו|מספיק|זה\s+הכל|די|סיימנו|זה\s+מספיק)",
    rf"(?:(?:בוא|בואי|בואו)\s+)?(?:נסיים|נעצור|נסגור|נפסיק)(?:\s+(?:כאן|פה|{_HE_WHEN}))+",
    r"[וש]?(?:זה\s+הכל|זהו|זה\s+יהיה\s+הכל)",
)
# --- Arabic, Persian, Urdu --------------------------------------------------------------------------------------
_AR_WHEN = rf"(?:لليوم|لهذا\s+اليوم|اليوم|الآن|حاليا{_H}|للآن|في\s+الوقت\s+الحالي|مؤقتا{_H}|النهارده|النهاردة)"
_AR_LEAD = rf"حسنا{_H}|طيب|تمام|أوكي|اوكي|إذن|اذن|(?:أعتقد|أظن|أرى)\s+(?:أن|أنّ)|يبدو\s+أن"
_AR = _phrase(
    _AR_LEAD,
    rf"(?:هذا\s+كل\s+شيء|هذا\s+يكفي|يكفي\s+هذا|يكفي|كفى|كفاية|خلاص|انتهينا|هذا\s+كاف{_H}ي?|هذا\s+القدر\s+يكفي)"
    rf"(?:\s+{_AR_WHEN})?",
    rf"(?:كده|كدا|كدة)\s+كفاية(?:\s+{_AR_WHEN})?|كفاية\s+(?:كده|كدا|كدة)(?:\s+{_AR_WHEN})?",
    rf"(?:(?:دعنا|دعونا|هيا)\s+)?(?:لنتوقف|سنتوقف|نتوقف|لنكتف{_H}|لنكتفي|نكتفي|سنكتفي|لننه{_H}|لننهي|ننهي|سننهي|لنختم"
    rf"|سنختم|نختم)(?:\s+(?:هنا|عند\s+هذا\s+الحد|بهذا(?:\s+القدر)?|الجلسة(?:\s+هنا)?|العمل(?:\s+هنا)?))+"
    rf"(?:\s+{_AR_WHEN})?",
)
_FA_WHEN = (
    r"(?:برای\s+امروز|امروز|فعلا[\u064b]?|فعلاً|تا\s+این[\s\u200c]*جا|تا\s+همین[\s\u200c]*جا|دیگه|برای\s+الان|الان)"
)
_FA_ENOUGH = r"(?:کافیه|کافی\s+است|کافیست|کافی\s+هست|بسه|بس\s+است|تمومه|تمام\s+است)"
_FA_LEAD = r"خب|خوب|باشه|اوکی|فکر\s+کنم|به\s+نظرم|به\s+نظر\s+من|پس"
_FA = _phrase(
    _FA_LEAD,
    rf"(?:{_FA_WHEN}\s+){{1,2}}(?:همین(?:[\s\u200c]*قدر)?(?:\s+{_FA_ENOUGH})?|{_FA_ENOUGH})(?:\s+{_FA_WHEN})?",
    rf"(?:همین(?:[\s\u200c]*قدر)?\s+)?{_FA_ENOUGH}(?:\s+{_FA_WHEN})?",
    r"(?:بیا(?:ید)?\s+)?(?:همین[\s\u200c]*جا|این[\s\u200c]*جا)\s+(?:تمومش\s+کنیم|تموم\s+کنیم|تمامش\s+کنیم|متوقف\s+شیم"
    r"|بس\s+کنیم|ببندیم|نگه\s+داریم)",
)
_UR_WHEN = r"(?:آج\s+کے\s+ل(?:یے|ئے|ئیے)|ابھی\s+کے\s+ل(?:یے|ئے|ئیے)|فی\s+الحال|فلحال|آج\s+کا\s+کام|آج)"
_UR_LEAD = r"ٹھیک\s+ہے|اچھا|چلو|بس|تو|میرا\s+خیال\s+ہے(?:\s+کہ)?|مجھے\s+لگتا\s+ہے(?:\s+کہ)?"
_UR = _phrase(
    _UR_LEAD,
    rf"{_UR_WHEN}\s+(?:بس(?:\s+کرتے\s+ہیں)?|اتنا\s+ہی(?:\s+کافی\s+ہے)?|اتنا\s+کافی\s+ہے|یہی\s+کافی\s+ہے|کافی\s+ہے"
    r"|یہیں\s+(?:ختم\s+کرتے\s+ہیں|رکتے\s+ہیں|رک\s+جاتے\s+ہیں))",
    rf"بس\s+{_UR_WHEN}\s+اتنا\s+ہی",
    r"یہیں\s+(?:رک\s+جاتے|رکتے|ختم\s+کرتے)\s+ہیں",
)

# --- "Enough" said alone (round 30) ------------------------------------------------------------------------------
# The word for enough or "that will do" in each language, with its "already", "now" or "this" where its grammar
# puts them and its "for now / for today" after ("Genug.", "Dość, dzięki", "Yeter bugünlük", "Det räcker nu"),
# and the present of finishing where a language says "we're wrapping up" with it ("Kończymy.", "Заканчиваем.",
# "Τελειώνουμε."; not a bare "let's finish", which asks to finish the work as often as the session, in English
# too). Only where its clause ends (_CLAUSE_ENDS_HERE: "Genug Speicher reservieren" is work), and only opening
# its sentence after the language's lead words (`user_turn._says_enough`): after a request in its sentence,
# "…, that'll do" approves the request ("Zwiększ timeout do 60 sekund, to wystarczy."), and inside a word or
# after a negation it is not said alone ("不够了", "안 됐어요", "改一下就行了"). Left out: Romanian "gata", also
# "done, go on" ("Am rulat migrarea, gata."), and a bare Swedish "nog" or Danish and Norwegian "nok", also
# "probably" ("Ja, nok.").
# A cold review wrote the requests these rules were narrowed on (training/user_turns_review7.jsonl).
_CLAUSE_ENDS_HERE = r"(?=\s*(?:[.,!;:…·\u0387]|$))"


def _alone(lead: str, body: str, when: str) -> str:
    """One language's "enough" alone: `body`, then its `when` ("for today") if said, where the clause ends."""
    return _phrase(lead, rf"(?:{body})(?:\s+{when})?{_CLAUSE_ENDS_HERE}")


_ALONE_BY_LANG: dict[str, str] = {
    "es": _alone(_ES_LEAD, r"(?:ya\s+)?(?:(?:con\s+(?:esto|eso)\s+)?(?:es\s+)?suficiente"
                 r"|(?:con\s+(?:esto|eso)\s+)?basta|ya\s+está\s+bien)(?:\s+ya)?", _ES_FOR),
    "pt": _alone(_PT_LEAD, r"(?:já\s+)?(?:chega|basta|é\s+suficiente)|(?:isso\s+)?já\s+(?:chega|basta|deu)"
                 r"|(?:isso\s+)?(?:é|está)\s+suficiente", _PT_FOR),
    "it": _alone(_IT_LEAD, r"(?:questo\s+)?(?:è\s+sufficiente|basta\s+e\s+avanza)|ora\s+basta|adesso\s+basta"
                 r"|basta\s+(?:ora|adesso)", _IT_FOR),
    "ca": _alone(_CA_LEAD, r"(?:ja\s+)?(?:prou|és\s+suficient)", _CA_FOR),
    "fr": _alone(_FR_LEAD, r"(?:c'est\s+)?assez|ça\s+(?:suffit|suffira|ira)|c'est\s+suffisant"
                 r"|ça\s+suffit\s+comme\s+ça",
                 _FR_FOR),
    "de": _alone(_DE_LEAD, r"(?:das\s+ist\s+|jetzt\s+ist\s+|es\s+ist\s+)?genug"
                 r"|(?:jetzt\s+|nun\s+)?(?:reicht'?s|reicht\s+es|(?:das|es)\s+(?:reicht|genügt|langt))"
                 r"(?:\s+(?:jetzt|schon))?|genügt|langt|reicht", _DE_FOR),
    "nl": _alone(_NL_LEAD, r"(?:(?:zo\s+is\s+het|het\s+is|dat\s+is|nu\s+is\s+het)\s+)?genoeg|dat\s+volstaat", _NL_FOR),
    "sv": _alone(_SV_LEAD, r"(?:det\s+är\s+)?nog\s+nu|räcker|det\s+räcker(?:\s+nu)?|det\s+är\s+tillräckligt", _SV_FOR),
    "da": _alone(_DA_LEAD, r"(?:nu\s+er\s+det|det\s+er)\s+nok|det\s+er\s+tilstrækkeligt", _DA_FOR),
    "nb": _alone(_NB_LEAD, r"(?:nå\s+er\s+det|det\s+er)\s+nok|det\s+er\s+tilstrekkelig", _NB_FOR),
    "ru": _alone(_RU_LEAD, r"(?:этого\s+|уже\s+|пожалуй,?\s+)?(?:достаточно|довольно|хватит|хорош)(?:\s+уже)?"
                 r"|заканчиваем|завершаем", _RU_WHEN),
    "uk": _alone(_UK_LEAD, r"(?:цього\s+|вже\s+|мабуть,?\s+)?(?:досить|достатньо|вистачить|годі)(?:\s+вже)?"
                 r"|закінчуємо|завершуємо|(?:зупинімося|зупинімось)\s+(?:тут|на\s+цьому)", _UK_WHEN),
    "bg": _alone(_BG_LEAD, r"(?:това\s+е\s+|вече\s+)?(?:стига|достатъчно)(?:\s+(?:толкова|вече))?"
                 r"|приключваме", _BG_WHEN),
    "sr/hr": _alone(_SR_LEAD, r"(?:to\s+je\s+|sad\s+je\s+)?(?:dosta|dovoljno)(?:\s+(?:je|više))?|završavamo", _SR_WHEN)
    + "|"
    + _alone(_SR_LEAD, r"(?:то\s+је\s+|сад\s+је\s+)?(?:доста|довољно)(?:\s+(?:је|више))?|завршавамо", _SR_CY_WHEN),
    "pl": _alone(_PL_LEAD, r"(?:już\s+|to\s+|tyle\s+)?(?:dość|dosyć|wystarczy|starczy)(?:\s+już)?|(?:to\s+)?kończymy",
                 _PL_WHEN),
    "cs": _alone(_CS_LEAD, r"(?:už\s+|to\s+(?:už\s+)?|tak\s+to\s+)?(?:dost|stačí|bude\s+stačit)(?:\s+už)?"
                 r"|(?:tak\s+)?končíme",
                 _CS_WHEN),
    "sk": _alone(_SK_LEAD, r"(?:už\s+|to\s+(?:už\s+)?)?(?:dosť|stačí|bude\s+stačiť)(?:\s+už)?"
                 r"|(?:tak\s+)?končíme", _SK_WHEN),
    "tr": _alone(_TR_LEAD, r"(?:artık\s+|bu\s+)?(?:yeter|yeterli|kâfi|kafi)(?:\s+artık)?|bitiriyoruz", _TR_WHEN),
    "id": _alone(_ID_LEAD, r"(?:(?:sudah|udah|itu)\s+)?cukup(?:\s+(?:kok|deh|ya))?", _ID_TODAY),
    "fi": _alone(_FI_LEAD, r"(?:nyt\s+|jo\s+)?riittää(?:\s+(?:jo|nyt))?", _FI_WHEN),
    "hu": _alone(_HU_LEAD, r"(?:ez\s+|most\s+már\s+|már\s+)?elég(?:\s+(?:lesz|már|volt))?", _HU_WHEN),
    "ro": _alone(_RO_LEAD, r"(?:e\s+|este\s+)?(?:destul|suficient)|ajunge(?:\s+(?:atât|deja))?", _RO_WHEN),
    "el": _alone(_EL_LEAD, r"(?:φτάνει|αρκετά|αρκεί|αρκούν)(?:\s+(?:πια|τόσο|αυτά))?|αυτά\s+(?:φτάνουν|αρκούν)"
                 r"|τελειώνουμε|σταματάμε|κλείνουμε", _EL_WHEN),
    "he": _alone(_HE_LEAD, r"(?:זה\s+)?(?:מספיק|די)(?:\s+כבר)?", _HE_WHEN),
}  # fmt: skip
# ... and where words are not spaced: a particle after the word may not hide a question mark ("这样行了吧？").
_ALONE_UNSPACED: Final = (
    r"(?:(?:那|好了，?|好，?|嗯，?))?(?:这样|这些)?(?:就|已经)?(?:够了|足够了|可以了|行了)(?:吧|啦)?+(?![？?])"
    r"|(?:(?:じゃあ|では|それでは)、?)?(?:もう|これで|それで)?(?:十分|じゅうぶん)(?:です|だ)?(?:よ|ね)?+(?![？?か])"
    r"|もういい(?:です)?(?:よ)?+(?![？?か])"
    r"|(?:(?:이제|그럼|네)\s*)?(?:됐어요?|됐습니다|됐다|충분해요?|충분합니다)(?![？?])"
    r"|(?:(?:बस[,\s]+)?(?:इतना\s+)?काफ\u093c?ी\s+है|बस|बहुत\s+हो\s+गया)(?![?？])"
    r"|(?:যথেষ্ট(?:\s+হয়েছে)?|এটুকুই\s+যথেষ্ট)(?![?？])"
)
ALONE: Final = diacritics.pattern(
    r"(?<!\w)(?:" + "|".join(_ALONE_BY_LANG.values()) + r")(?!\w)|" + _ALONE_UNSPACED, re.IGNORECASE
)

_BY_LANG: dict[str, str] = {
    "en": _EN,
    "es": _ES, "pt": _PT, "it": _IT, "ca": _CA, "fr": _FR, "de": _DE, "nl": _NL, "sv": _SV, "da": _DA, "nb": _NB,
    "ru": _RU, "uk": _UK, "bg": _BG, "sr/hr": _SR, "pl": _PL, "cs": _CS, "sk": _SK, "tr": _TR, "id": _ID, "tl": _TL,
    "vi": _VI, "fi": _FI, "hu": _HU, "ro": _RO, "el": _EL, "he": _HE, "ar": _AR, "fa": _FA, "ur": _UR,
}  # fmt: skip
_GROUPS = {
    "en": ("en",),
    "es/pt/it/ca": ("es", "pt", "it", "ca"),
    "fr/de/nl": ("fr", "de", "nl"),
    "sv/da/nb": ("sv", "da", "nb"),
    "ru/uk/bg/sr": ("ru", "uk", "bg", "sr/hr"),
    "pl/cs/sk/hr": ("pl", "cs", "sk"),
    "tr/id/tl/vi": ("tr", "id", "tl", "vi"),
    "fi/hu/ro/el/he": ("fi", "hu", "ro", "el", "he"),
    "ar/fa/ur": ("ar", "fa", "ur"),
}
# Keyed like _FIRST_SPACED: each value comes before that key's value in SPACED.
_ADDED_SPACED: dict[str, str] = {key: "|".join(_BY_LANG[lang] for lang in langs) for key, langs in _GROUPS.items()}

# --- Unspaced: Japanese, Chinese, Korean, Hindi, Bengali, Tamil, Thai ---------------------------------------------
_JA = (
    r"(?:(?:じゃあ|では|それでは|それじゃ|とりあえず|一旦|ひとまず)、?)?(?:今日は|本日は|今日のところは|今夜は)?"
    r"(?:もう|そろそろ)?(?:この(?:へん|辺|くらい|ぐらい)|これ(?:くらい|ぐらい))(?:で|に)"
    r"(?:(?:終わり|おしまい)に?)?(?:しておきましょう|しておこう|しとこう|しときましょう|しましょう|しよう"
    r"|しておきます|しときます|切り上げましょう|切り上げよう|終わりにしましょう)?"
    r"|(?:とりあえず|一旦|ひとまず|今日は|本日は|今日のところは|じゃあ|では|それでは)(?:ここまで)(?:で|に)"
    r"(?:しよう|しましょう|しておきます|しておこう|しときます|大丈夫です|いいです|お願いします)?"
    r"|ここまでにしよう|ここまでにしておきましょう"
    r"|(?:じゃあ|では|それでは)?(?:今日は|本日は)(?:もう|そろそろ)?(?:ここで|これで)?(?:終わり|おしまい|終了)"
    r"(?:に)?(?:しよう|しましょう|です|します)?"
    r"|(?:今日は|本日は|一旦|とりあえず|ひとまず)?(?:ここ|この(?:へん|辺))で(?:切り上げ|区切り|止めておき|やめておき"
    r"|やめとき)(?:ましょう|よう|ます)"
    r"|(?:今日は|本日は)もう十分(?:です)?|(?:じゃあ|では|それでは)(?:今日は|本日は)これで|今日はこれで"
)
_ZH = (
    r"(?:我觉得|我看|那|好了，?|好，?|那么)?(?:我们|咱们)?(?:今天|今晚|暂时|这次|这回)(?:先|就|就先)?(?:做|弄|写)?"
    r"到(?:这(?:里|儿)?|此(?:为止|结束)?)(?:吧|了|啦)?"
    r"|(?:我觉得|那|好了，?)?(?:我们|咱们)?(?:先|就|就先)(?:做|弄|写)?到(?:这(?:里|儿)?|此(?:为止)?)(?:吧|了|啦)?"
    r"|(?:我觉得|那|好了，?)?(?:今天|今晚|暂时|这次)(?:就|先|就先)?(?:这样|这么多|这些)(?:吧|了|啦)?"
    r"|(?:那|好了，?)?(?:先|就先)这样(?:吧|了|啦)?"
    r"|(?:今天|今晚|暂时)?(?:就|先)?告一段落(?:吧|了)?|(?:今天|今晚)?(?:就)?收工(?:吧|了|啦)?"
    r"|(?:今天|今晚)(?:就)?(?:够了|差不多了)"
)
_KO_ENDING = (
    r"(?:마치(?:죠|자|겠습니다|고\s*싶어요)|마칠게요|마칩시다|하죠|하자|할게요|합시다|하겠습니다|해요|끝내자|끝낼게요|끝내죠"
    r"|끝냅시다|끝내겠습니다|마무리\s*(?:하죠|하자|할게요|합시다|하겠습니다|해요)|충분해요|충분합니다|충분해|멈추죠|멈추자|멈출게요)"
)
_KO = (
    rf"(?:(?:그럼|자|좋아요|좋아|네|일단|이제)\s*)*(?:오늘은\s*|오늘\s*)?(?:일단\s*|이제\s*)?"
    rf"(?<![을를]\s)(?<![을를])(?:이만|여기서|이쯤(?:에서)?|여기까지(?:만)?|이\s*정도(?:로|면|에서)?|그만)\s*{_KO_ENDING}"
    r"|(?:오늘은\s*|이제\s*)?그만\s*하(?:자|죠|겠습니다)|그만합시다"
    r"|오늘\s*(?:작업|일)은\s*여기까지(?:만)?|(?:오늘은\s*)?이걸로\s*끝(?:내(?:죠|자|요)|낼게요|입니다|이에요)?"
)
_HI_WHEN = r"(?:आज\s+के\s+लिए|अभी\s+के\s+लिए|आज\s+का\s+काम|आज\s+रात|आज|अभी|फ\u093c?िलहाल)"
_HI_ENOUGH = r"(?:काफ\u093c?ी|पर्याप्त|बहुत)"
_HI = (
    r"(?:(?:मुझे\s+लगता\s+है(?:\s+कि)?|मेरे\s+ख\u093c?\u094d?याल\s+से|चलो|बस|तो|ठीक\s+है|अच्छा)[\s,]+)*"
    rf"{_HI_WHEN}\s+(?:इतना\s+ही(?:\s+{_HI_ENOUGH}\s+है)?|इतना\s+{_HI_ENOUGH}\s+है|बस(?:\s+इतना\s+ही)?|यहीं\s+तक"
    r"|यहीं\s+(?:रुकते|रोकते|ख\u093c?त्म\s+करते|बंद\s+करते)\s+हैं|काफ\u093c?ी\s+है|इतना\s+काम\s+काफ\u093c?ी\s+है)"
    rf"|बस\s+{_HI_WHEN}\s+इतना\s+ही|(?:चलो\s+)?यहीं\s+(?:रुकते|रोकते|ख\u093c?त्म\s+करते)\s+हैं"
)
_BN_WHEN = r"(?:আজকের\s+(?:মতো|জন্য)|এখনকার\s+মতো|এখনের\s+মতো|আজকে|আজ|আপাতত)"
_BN = (
    r"(?:(?:আমার\s+মনে\s+হয়|চলো|তাহলে|ঠিক\s+আছে|আচ্ছা)[\s,]+)*"
    rf"{_BN_WHEN}\s+(?:এ(?:ই)?\s+পর্যন্ত(?:ই)?(?:\s+থাক)?|এটুকুই|এটুকু(?:ই)?\s+থাক|যথেষ্ট|এখানেই\s+(?:শেষ(?:\s+কর(?:ি|া\s+যাক|লাম))?"
    r"|থামি|থামা\s+যাক|থামছি|রাখি|রাখা\s+যাক)|এখানে\s+থামি|শেষ)"
    r"|(?:চলো\s+)?(?:এখানেই|এখানে)\s+(?:থামি|থামা\s+যাক|শেষ\s+করি|শেষ\s+করা\s+যাক)"
)
_TA_WHEN = r"(?:இன்று|இன்றைக்கு|இப்போதைக்கு|தற்போதைக்கு|இன்னைக்கு)"
_TA = (
    rf"(?:சரி[\s,]+)?(?:{_TA_WHEN}\s+)?(?:இது|இவ்வளவு|இதுவே)\s+போதும்"
    rf"|(?:சரி[\s,]+)?{_TA_WHEN}\s+(?:இவ்வளவுதான்|இவ்வளவு\s+தான்|போதும்|முடித்துக்கொள்ளலாம்|முடித்துக்கொள்வோம்"
    r"|நிறுத்திக்கொள்வோம்)"
    rf"|(?:சரி[\s,]+)?(?:{_TA_WHEN}\s+)?(?:இங்கே|இங்கேயே|இத்துடன்|இதோடு|இதுடன்)\s+(?:நிறுத்தலாம்|நிறுத்திக்கொள்வோம்"
    r"|நிறுத்திக்\s*கொள்வோம்|நிறுத்துவோம்|முடித்துக்கொள்வோம்|முடித்துக்\s*கொள்வோம்|முடிப்போம்|முடித்துக்கொள்ளலாம்|முடிக்கலாம்)"
)
_TH = (
    r"(?:(?:ผม|ฉัน|เรา|หนู)?(?:คิด)?ว่า|โอเค|งั้น|ถ้างั้น|เอาล่ะ)?(?:วันนี้|ตอนนี้|คืนนี้)?"
    r"(?:(?:เอา|พอ|จบ|ไว้|เลิก|หยุด)(?:แค่|เท่า)นี้(?:ก่อน)?|(?:แค่|เท่า)นี้ก่อน|พอ(?:แล้ว|ก่อน))"
    r"(?:นะ|น่ะ|จ้ะ|จ้า)?(?:ครับ|คะ|ค่ะ|ค่า|คับ)?"
    r"|วันนี้(?:แค่|เท่า)นี้(?:นะ)?(?:ครับ|คะ|ค่ะ)?"
)
_ADDED_UNSPACED: str = "|".join((_JA, _ZH, _KO, _HI, _BN, _TA, _TH))

# --- Farewells (and thanks the _THANKS list lacks) that may follow a closing, as the rest of its sentence or as a
# sentence of their own, like thanks: "Lo dejamos aquí, hasta mañana.", "На сегодня всё. До завтра!". Only the
# whole rest: not followed by more words, as thanks may be ("Schluss für heute, bis morgen den Bug fixen" asks
# for work by tomorrow). Where a farewell is also a deadline ("bis morgen", "до завтра", "sampai besok"), it is
# one only here, after a closing.
FAREWELLS: str = (
    r"(?:(?:see|c)\s+(?:you|u|ya)(?:\s+(?:tomorrow|tmrw|tmr|later|l8r|soon|then|next\s+week|(?:on\s+)?mon(?:day)?))?"
    r"|(?:cu|cya)(?:\s+(?:tomorrow|tmrw|tmr|later|l8r|mon(?:day)?))?|good\s*night|bye(?:[\s-]bye)?|cheers"
    r"|have\s+a\s+(?:good|nice|great)\s+(?:evening|night|weekend|one|day)|take\s+care|talk\s+(?:to\s+you\s+)?tomorrow"
    r"|hasta\s+(?:mañana|luego|pronto|la\s+próxima)|nos\s+vemos(?:\s+mañana)?|buenas\s+noches|adi[óo]s|chao|chau"
    r"|que\s+descanses|buen\s+fin\s+de\s+semana"
    r"|até\s+(?:amanhã|logo|mais|a\s+próxima)|tchau|boa\s+noite|falou|abraços?"
    r"|a\s+domani|ci\s+vediamo(?:\s+domani)?|buona\s*(?:serata|notte)|ciao|a\s+presto|alla\s+prossima|arrivederci"
    r"|fins\s+(?:demà|aviat|ara)|bona\s+nit|adéu|a\s+reveure|bon\s+vespre"
    r"|à\s+(?:demain|plus(?:\s+tard)?|bientôt|la\s+prochaine)|bonne\s+(?:soirée|nuit|journée)|au\s+revoir|salut"
    r"|bon\s+week-end"
    r"|bis\s+(?:morgen|später|dann|bald|montag|zum\s+nächsten\s+mal)|gute\s+nacht|schönen\s+(?:abend|feierabend)"
    r"|schönes\s+wochenende|tschüss?|servus|mach'?s\s+gut"
    r"|tot\s+(?:morgen|later|straks|ziens|de\s+volgende\s+keer|maandag)|doei|fijne\s+avond|welterusten"
    r"|slaap\s+lekker|(?:prettig|fijn)\s+weekend"
    r"|hej(?:\s+(?:då|hej))?|hejdå|vi\s+ses(?:\s+i\s*morgon|\s+i\s*morgen)?|ses\s+i\s*morgon|god\s*natt?|godnat"
    r"|god\s+(?:aften|kveld)|ha\s+det(?:\s+(?:bra|godt|fint))?|ha\s+en\s+(?:bra|fin|god)\s+kv[äe]ll?|snakkes(?:\s+i\s*morgen)?"
    r"|trevlig\s+(?:kväll|helg)|farvel|(?:tusen\s+|mange\s+)?takk?(?:\s+for\s+i\s*dag)?"
    r"|до\s+(?:завтра|встречи|связи|скорого|понедельника)|пока|спокойной\s+ночи|увидимся(?:\s+завтра)?"
    r"|всего\s+(?:доброго|хорошего)|хорошего\s+вечера"
    r"|бувай(?:те)?|на\s+добраніч|добраніч|до\s+зустрічі|до\s+побачення|побачимось(?:\s+завтра)?|гарного\s+вечора"
    r"|до\s+утре|благодаря|лека\s+нощ|довиждане|чао|до\s+скоро|приятна\s+вечер|ще\s+се\s+видим(?:\s+утре)?"
    r"|до\s+сутра|видимо\s+се(?:\s+сутра)?|лаку\s+ноћ|здраво|ћао|поздрав"
    r"|do\s+sutra|vidimo\s+se(?:\s+sutra)?|laku\s+noć|zdravo|ćao|bok|pozdrav"
    r"|do\s+(?:jutra|zobaczenia|poniedziałku)|dobranoc|cześć|na\s+razie|narka|miłego\s+wieczoru|trzymaj\s+się"
    r"|dobrou\s+noc|na\s+shledanou|ahoj|čau|měj(?:te)?\s+se|uvidíme\s+se(?:\s+zítra)?|do\s+zítra|hezký\s+večer"
    r"|vďaka|ďakujem|dobrú\s+noc|do\s+zajtra|maj(?:te)?\s+sa|dovidenia|uvidíme\s+sa(?:\s+zajtra)?"
    r"|(?:yarın\s+)?görüşürüz|iyi\s+(?:akşamlar|geceler|çalışmalar)|hoşça\s*kal(?:ın)?|kolay\s+gelsin"
    r"|sampai\s+(?:jumpa|ketemu)(?:\s+(?:besok|lagi))?|sampai\s+besok|selamat\s+malam|dadah"
    r"|bukas\s+ulit|kita\s+(?:tayo\s+)?bukas|kita-?kits|paalam|ingat|magandang\s+gabi|hanggang\s+bukas"
    r"|hẹn\s+(?:mai\s+)?gặp\s+lại(?:\s+(?:ngày\s+mai|sau))?|hẹn\s+mai|mai\s+gặp(?:\s+lại)?(?:\s+nhé)?|tạm\s+biệt"
    r"|chúc\s+ngủ\s+ngon|ngủ\s+ngon|mai\s+làm\s+tiếp"
    r"|moi(?:kka)?|heippa|hei\s+hei|nähdään(?:\s+huomenna)?|huomiseen|hyvää\s+(?:yötä|illanjatkoa)|kuulemiin|näkemiin"
    r"|sziasztok|szia|viszlát|holnap\s+találkozunk|jó\s+(?:éjt|éjszakát|estét)|holnapig|viszontlátásra"
    r"|pe\s+mâine|ne\s+vedem(?:\s+mâine)?|noapte\s+bună|(?:o\s+)?seară\s+bună|la\s+revedere|pa(?:\s+pa)?|pe\s+curând"
    r"|numai\s+bine"
    r"|τα\s+λέμε(?:\s+αύριο)?|καληνύχτα|καλό\s+βράδυ|γεια(?:\s+σας)?|αντίο"
    r"|נתראה(?:\s+מחר)?|לילה\s+טוב|ביי|להתראות|ערב\s+טוב|שבת\s+שלום"
    rf"|(?:أراك|نراك|نلتقي|أشوفك|نشوفك)\s+(?:غدا{_H}|بكرة|بكره)|إلى\s+اللقاء|مع\s+السلامة|تصبح(?:ون|ين)?\s+على\s+خير"
    r"|ليلة\s+سعيدة|سلام"
    r"|خداحافظ|خدانگهدار|فردا\s+می[\s\u200c]*بینم(?:ت|تون|تان)?|شب\s+(?:بخیر|خوش)|قربانت|فعلا[\u064b]?"
    r"|کل\s+ملتے\s+ہیں|پھر\s+ملیں\s+گے|خدا\s+حافظ|اللہ\s+حافظ|شکریہ|بہت\s+شکریہ"
    r"|明天见|再见|晚安|回头见|下次见|拜拜|また明日(?:よろしくお願いします)?|おやすみ(?:なさい)?|ではまた|じゃあね|またね"
    r"|よろしくお願いします|내일\s*(?:봐요|봐|뵙겠습니다|뵐게요|만나요)|안녕(?:히\s*(?:계세요|주무세요))?|잘\s*자(?:요)?"
    r"|कल\s+मिल(?:ते\s+हैं|ेंगे)|फिर\s+मिलेंगे|शुभ\s+रात्रि|अलविदा|नमस्ते"
    r"|কাল\s+দেখা\s+হবে|আবার\s+দেখা\s+হবে|শুভ\s*রাত্রি|বিদায়|ধন্যবাদ"
    r"|நாளை\s+(?:சந்திப்போம்|பார்ப்போம்)|நன்றி|இனிய\s+இரவு|பிறகு\s+பார்க்கலாம்"
    r"|(?:แล้ว)?(?:ไว้)?เจอกัน(?:ใหม่)?(?:พรุ่งนี้)?(?:นะ)?(?:ครับ|คะ|ค่ะ)?|ฝันดี(?:นะ)?|บ๊ายบาย|บายบาย|ราตรีสวัสดิ์)"
)


# Round 26's first, then round 23's, per group of languages (a group only round 26 has keeps its own key).
SPACED: Final = {
    key: "|".join(filter(None, (_ADDED_SPACED.get(key), _FIRST_SPACED.get(key))))
    for key in {**_ADDED_SPACED, **_FIRST_SPACED}
}
UNSPACED: Final = _ADDED_UNSPACED + "|" + _FIRST_UNSPACED
ELSEWHERE: Final = diacritics.pattern(r"(?<!\w)(?:" + "|".join(SPACED.values()) + r")(?!\w)|" + UNSPACED, re.IGNORECASE)
