"""The learned part of the stop-act classifier: a linear model over hashed n-grams of a stop's final act.

A stop act is what the agent's turn does at its end (docs: names.STOP_ACTS). The closed classes are decided
by typed guards in the `rules` authority; this module answers the open part — above all the silent
next-step stop, which has no stop word at all — with a multinomial logistic regression trained by
`training/train.py` on a corpus the project writes itself.

Pure Python and stdlib only: the server scores every stop (budget: a few milliseconds), and scikit-learn
and numpy are training-time dependencies that the server must never import. The weights are read once,
lazily, from `stopact_model.json` beside this file; training computes its features with this very
`features()` so that training and serving cannot drift apart.
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
import zlib
from array import array
from collections import Counter
from functools import lru_cache
from itertools import chain, pairwise, repeat
from operator import and_, mul, truediv
from pathlib import Path
from typing import Any, Final, Literal

from stopwarden.gate import concepts

N_BUCKETS: Final = 2**18
_MASK: Final = N_BUCKETS - 1
ACT_CHARS: Final = 600  # a long report's act is in its end: the classifier reads at most this much of it
_TAIL_CHARS: Final = 16_384  # only the end of a huge text can hold its act; bounds the work on any input
MODEL_PATH: Final = Path(__file__).with_name("stopact_model.json")
# Bumped whenever features() changes, so a model trained on other features refuses to load.
FEATURES_VERSION: Final = 11

# The acts whose stop is early: the turn ends while the work it names could go on. give_up is left out
# on purpose: a stop that admits defeat wants a human, not an automatic "continue".
EARLY_ACTS: Final = ("next_step", "context_excuse", "permission", "break_point")

# Seeds of the stable hash, one per kind of feature, so that the word "tok" and the character gram "tok"
# land in different buckets. crc32's second argument is its starting value, which makes it a seed.
_SEED_WORD: Final = 0x1F
_SEED_BIGRAM: Final = 0x2E
_SEED_CHAR: Final = 0x3D
_SEED_META: Final = 0x4C
_SEED_LAST: Final = 0x5B
_SEED_FIRST: Final = 0x6A
_SEED_NEG: Final = 0x79
_SEED_SHAPE: Final = 0x88
_SEED_CONCEPT: Final = 0x97
# Outside the norm, so that a concept weighs as much in a long Russian act (hundreds of character n-grams)
# as in a short English one; small, or the model grows too sure of a few concepts (round 13: at 1.0 its
# threshold rose to 0.999).
_CONCEPT_WEIGHT: Final = 0.15

# Words that negate what follows them in their clause, in the corpus's languages. An n-gram model reads
# "nothing is left for a next session" as the words of a handoff; marking the words a negation governs
# ("¬left", "¬next") lets it learn that a negated excuse is not one. Japanese negates with verb endings,
# which the character grams already see.
_NEGATORS: Final = frozenset(
    word
    for language in (
        "no not nothing none never without nor cannot",  # English; "didn't", "isn't" end in n't (below)
        "nicht nichts kein keine keinen keiner keines ohne nie niemals",  # German
        "nada ningún ninguna ninguno sin nunca",  # Spanish ("no" above)
        "pas rien aucun aucune sans jamais",  # French
        "não nenhum nenhuma sem nunca",  # Portuguese ("nada" above)
    )
    for word in language.split()
)
_NEGATION_SCOPE: Final = 3  # words after a negator that it governs, within its clause
_CLAUSE_END: Final = re.compile(r"[.,;:!?\n()\u2014\u2013\u3001\u3002]|\s-\s")

_FENCE = re.compile(r"\s{0,3}(```|~~~)")
# A line that is a tool's output or a transcript note rather than the agent speaking: a shell prompt, the
# glyphs agent clients print around tool calls, a bracketed or tagged note, a table row.
_NOTE = re.compile(
    r"\s*(?:\$ |> |[⎿│└├]|[⏺●]\s*\w+\(|\[(?:tool|ran|exit|output|result|stdout|stderr|command)\b|</?[a-z_-]+>|\|)",
    re.IGNORECASE,
)
_BLANK_RUN = re.compile(r"\n[ \t]*\n")
# The question marks of the scripts agents write in: ASCII, full-width (CJK) and Arabic-script ones.
QUESTION_MARKS: Final = ("?", "\uff1f", "\u061f")
# What else ends a sentence: the ideographic full stop, the full-width "!", the Devanagari danda and the
# Urdu full stop (stopacts.question splits at them too).
FULL_STOPS: Final = ".!\u3002\uff01\u0964\u06d4"
# QUESTION_MARKS inside a character class ("[" + it + "]"): escaped, whatever marks are added. The guards'
# patterns use it too (stopacts, user_turn), so every part of the gate knows the same question marks.
QUESTION_MARK_CLASS: Final = re.escape("".join(QUESTION_MARKS))
# Greek writes its question mark as ";" (U+037E, which NFC makes U+003B) and its semicolon as "·": a ";" after
# a Greek word, or after up to three words of another script, numbers or `code` that follow one ("... of Google
# Cloud;", "... step 4;"), asks, unless the sentence goes on in lower case. Code's ";" follows code or goes on:
# "return null;", "int x = 0;", "'...';", "put return null; at the end" (a cold review, round 30).
_GREEK_WORD = r"[\u0370-\u03ff\u1f00-\u1fff][\w\u0370-\u03ff\u1f00-\u1fff]*+"
_GREEK_QUESTION = re.compile(
    rf"(?<![\w'\u2019]){_GREEK_WORD}(?:[ \t]+(?:`[^`\n]{{1,60}}`|[^\W_][\w-]*+)){{0,3}}+([;\u037e])(?=\s|$)"
)


_NEXT = re.compile(r"[ \t]*+(\S?)")  # the next character on the line, if any


def with_greek_questions(text: str) -> str:
    """`text` with each Greek question mark written as "?", the mark every other reading knows."""
    if ";" not in text and "\u037e" not in text:
        return text
    pieces: list[str] = []
    done = 0
    for found in _GREEK_QUESTION.finditer(text):
        after = _NEXT.match(text, found.end())
        if after is None or not after.group(1).islower():
            pieces += (text[done : found.start(1)], "?")
            done = found.end(1)
    return "".join(pieces) + text[done:]


_SENTENCE_END = re.compile(rf"(?<=[{re.escape(FULL_STOPS)}{QUESTION_MARK_CLASS}])\s+|\n+")
_WORD = re.compile(rf"\w+(?:['\u2019]\w+)*|[{QUESTION_MARK_CLASS}]")  # words with their apostrophes; question marks
_LIST_ITEM = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+\S", re.MULTILINE)
# Which file, identifier or URL a stop names says nothing about its act: each becomes one placeholder word,
# so the model learns "wired zcode into zpath", not the names of one corpus.
_CODE_SPAN = re.compile(r"`[^`\n]{1,80}`")
_URL = re.compile(r"https?://\S+")
_PATH = re.compile(
    r"(?<![\w/])(?:[\w.-]+/)+[\w.-]+"
    r"|\b[\w-]+\.(?:py|ts|tsx|js|jsx|go|rs|rb|java|md|json|ya?ml|toml|sql|sh|c|h|cpp|vue|css|html)\b"
)
# English function words: the closed classes (determiners, pronouns, auxiliaries, modals, prepositions,
# conjunctions, a few adverbs of time and degree), from any grammar, not from the corpus. A sentence's
# *shape* keeps them and reduces every other word to its inflection (_shape), so "`docker run` starts the
# API fine" (zcode S the W W: a state) and "next I'll start on the API" (next i'll W on the W: a plan) differ
# where their word n-grams ("start", "the api") agree.
_FUNCTION_WORD_LIST: Final = """
    a an the this that these those some any each every all both either neither no another other such
    what which whose who whom i me my mine we us our ours you your yours he him his she her it its they them
    their theirs myself ourselves itself themselves i'll i'm i've i'd we'll we're we've we'd you'll you're
    you've you'd it's it'll that's there's let's here's what's he's she's they're they'll they've be am is are
    was were been being have has had having do does did doing will would shall should can could may might
    must not never don't doesn't didn't isn't aren't wasn't weren't won't can't couldn't shouldn't haven't
    hasn't hadn't wouldn't to of in on at by for with from into onto about as over under after before between
    through during without within up down out off than via per and or but so if because while though
    although then when where whether once until unless since now still yet already also just only too very
    again next later soon here there ?"""
FUNCTION_WORDS: Final = frozenset(_FUNCTION_WORD_LIST.split()) - {"?"}  # English's closed classes
_ENGLISH_WORDS: Final = FUNCTION_WORDS - {"a"}  # "a" is a letter of many scripts


def without_code(text: str) -> str:
    """`text` with its code spans, URLs and paths each one placeholder word: which file or identifier a stop
    names says nothing about its act ("`/oauth/token`" is no token budget)."""
    return _PATH.sub(" zpath ", _URL.sub(" zurl ", _CODE_SPAN.sub(" zcode ", text)))


def in_english(act: str) -> bool:
    """Whether `act` is written in English: nearly all its letters ASCII and English function words among
    its words, two or more (one in a text of four words or fewer: "All tests pass."). A Spanish or German
    stop has ASCII letters too, but hardly any of these words."""
    letters = [c for c in act if c.isalpha()]
    if not letters or sum(c.isascii() for c in letters) < 0.9 * len(letters):
        return False
    words = _WORD.findall(act.lower().translate(_FOLD))
    found = sum(word in _ENGLISH_WORDS for word in words)
    return (found >= 2 and found >= 0.15 * len(words)) or (found >= 1 and len(words) <= 4)


# What a stop quotes or puts in parentheses: the strings of another locale, a name ("('Siguiente', 'Listo')").
_QUOTED: Final = re.compile(r"\([^()\n]*\)|\"[^\"\n]*\"|(?<!\w)'[^'\n]*'(?!\w)|[«“‘„][^»”’“\n]*[»”’“]")  # noqa: RUF001


def in_other_language(act: str) -> bool:
    """Whether `act` is positively in another language: not English by `in_english`, and, outside its code,
    paths, URLs, quotes and parentheses, most of its letters not ASCII (another script), or two words only
    the concept lexicon's other languages have, or one and a letter not ASCII ("fehlt" beside "läuft"). A
    terse English stop ("Good stopping point.") fails `in_english` for want of function words and is no other
    language; nor is English with accents ("Naïve café résumé parser fixed.") or with a word another
    language has too ("Discussion resolved; good checkpoint.")."""
    if in_english(act):
        return False
    prose = _QUOTED.sub(" ", without_code(act))
    letters = [c for c in prose if c.isalpha()]
    foreign_letters = sum(not c.isascii() for c in letters)
    if foreign_letters > 0.5 * len(letters):
        return True
    return concepts.other_language_words(prose, FUNCTION_WORDS) >= (2 if foreign_letters == 0 else 1)


# The placeholders features() puts for code, paths and URLs are kept too: where code stands says something.
_KEPT_IN_SHAPE: Final = frozenset(_FUNCTION_WORD_LIST.split()) | {"zcode", "zpath", "zurl"}
# "step 4" and "step 5" are one feature; a typographic apostrophe is the ASCII one ("i\u2019ll" is "i'll", a
# function word of the shapes): the corpus writes it so.
_FOLD = str.maketrans("123456789\u2019", "000000000'")


def _strip_trailing_noise(lines: list[str]) -> int:
    """How many of `lines` remain once trailing blanks, code blocks, tables and tool notes are cut off."""
    end = len(lines)
    while end:
        line = lines[end - 1]
        if not line.strip() or _NOTE.match(line):
            end -= 1
        elif _FENCE.match(line):
            # A closing fence: drop the block up to its opening fence (or to the start if it has none).
            end -= 1
            while end and not _FENCE.match(lines[end - 1]):
                end -= 1
            end = max(end - 1, 0)
        else:
            break
    return end


def _without_blocks(lines: list[str]) -> list[str]:
    """`lines` with fenced code blocks, table rows and tool notes removed: the act is never in them."""
    kept: list[str] = []
    in_fence = False
    for line in lines:
        if _FENCE.match(line):
            in_fence = not in_fence
            kept.append("")  # the block still separates the paragraphs around it
        elif in_fence:
            continue
        elif _NOTE.match(line):
            kept.append("")
        else:
            kept.append(line)
    return kept


def final_act(text: str) -> str:
    """The end of a stop text, where its act is: its last paragraph(s), at most ACT_CHARS characters.

    Trailing blank lines, code blocks, tables and tool notes are skipped, earlier ones dropped; whole
    paragraphs are taken from the end while they fit, and a last paragraph longer than the limit keeps
    its end, cut at a word. A text that is nothing but such blocks is used as it is.
    """
    text = text[-_TAIL_CHARS:].replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    end = _strip_trailing_noise(lines)
    body = "\n".join(_without_blocks(lines[:end])).strip()
    if not body:
        return with_greek_questions(text.strip()[-ACT_CHARS:])
    paragraphs = [p.strip() for p in _BLANK_RUN.split(body) if p.strip()]
    taken = [paragraphs.pop()]
    size = len(taken[0])
    while paragraphs and size + len(paragraphs[-1]) + 2 <= ACT_CHARS:
        size += len(paragraphs[-1]) + 2
        taken.append(paragraphs.pop())
    act = "\n\n".join(reversed(taken))
    if len(act) > ACT_CHARS:
        act = act[-ACT_CHARS:]
        cut = act.find(" ")
        if 0 <= cut < 60:  # start at a word, unless the text has no spaces to speak of (Japanese)
            act = act[cut + 1 :]
    return with_greek_questions(act)


def _meta(act: str, text: str) -> list[bytes]:
    """Cheap whole-text facts the n-grams do not see: how the act ends, whether it lists, how long it is."""
    out = [b"len-act-%d" % min(len(act) // 120, 5), b"len-text-%d" % min(len(text) // 800, 6)]
    tail = act.rstrip(" \t\n*_`)")
    if tail.endswith(QUESTION_MARKS):
        out.append(b"ends-q")
    elif any(mark in act for mark in QUESTION_MARKS):
        out.append(b"has-q")
    if _LIST_ITEM.search(act):
        out.append(b"has-list")
    return out


class _SublinearTf(dict[int, float]):
    """1 + log(count), computed once per count (a final act is short: its counts are few and small)."""

    def __missing__(self, count: int) -> float:
        value = self[count] = 1.0 + math.log(count)
        return value


_SUBLINEAR_TF: Final = _SublinearTf()


@lru_cache(maxsize=32_768)
def _char_buckets(token: str) -> tuple[int, ...]:
    """The buckets of a token's character 3-5-grams, padded with a space each side (cached: stops share words)."""
    padded = f" {token} "
    size = len(padded)
    grams = [padded[i : i + n] for n in (3, 4, 5) for i in range(size - n + 1)]
    return tuple(map(and_, map(zlib.crc32, map(str.encode, grams), repeat(_SEED_CHAR)), repeat(_MASK)))


def features(text: str) -> dict[int, float]:
    """Hashed features of final_act(text): word 1-2-grams and character 3-5-grams, sublinear tf, L2-normed.

    Each feature is a bucket in [0, N_BUCKETS) of a stable hash (crc32, seeded by the kind of feature);
    a few meta features (see _meta) are added afterwards with weight 1, outside the norm, and the concepts
    of the act and of its last sentence in any language of the lexicon (`concepts`) with _CONCEPT_WEIGHT.
    """
    act = final_act(text)
    # Lone surrogates cannot be encoded; replace them once so every later encode() is safe.
    low = act.lower().translate(_FOLD).encode("utf-8", "replace").decode("utf-8")
    low = without_code(low)
    words = _WORD.findall(low)
    first, last = _edge_sentences(low)
    bigrams = map(" ".join, pairwise(words))
    counts = Counter(
        chain(
            map(and_, map(zlib.crc32, map(str.encode, words), repeat(_SEED_WORD)), repeat(_MASK)),
            map(and_, map(zlib.crc32, map(str.encode, _negated(low)), repeat(_SEED_NEG)), repeat(_MASK)),
            map(and_, map(zlib.crc32, map(str.encode, bigrams), repeat(_SEED_BIGRAM)), repeat(_MASK)),
            map(and_, map(zlib.crc32, map(str.encode, _shapes(low)), repeat(_SEED_SHAPE)), repeat(_MASK)),
            chain.from_iterable(map(_char_buckets, low.split())),
        )
    )
    tf = list(map(_SUBLINEAR_TF.__getitem__, counts.values()))
    norm = math.sqrt(sum(map(mul, tf, tf)))
    out = dict(zip(counts, map(truediv, tf, repeat(norm)) if norm else tf, strict=True))
    # The last paragraph's first and last sentences again, in their own buckets: the act is usually said
    # last ("Next I'll …") or announced first ("Done. For the rollout you'll want …"), and a summary before
    # it should not drown it.
    for words, seed in ((_WORD.findall(first), _SEED_FIRST), (_WORD.findall(last), _SEED_LAST)):
        for gram in chain(words, map(" ".join, pairwise(words))):
            b = zlib.crc32(gram.encode(), seed) & _MASK
            out[b] = out.get(b, 0.0) + 0.1
    for name in _meta(act, text):
        b = zlib.crc32(name, _SEED_META) & _MASK
        out[b] = out.get(b, 0.0) + 1.0
    for concept in concepts.feature_names(low, last):
        b = zlib.crc32(concept.encode(), _SEED_CONCEPT) & _MASK
        out[b] = out.get(b, 0.0) + _CONCEPT_WEIGHT
    return out


def _shape(word: str) -> str:
    """A word of a sentence's shape: a function word itself, any other word its inflection's class."""
    if word in _KEPT_IN_SHAPE:
        return word
    if not word.isascii():
        return "X"
    if len(word) > 4 and word.endswith("ing"):
        return "ING"
    if len(word) > 3 and word.endswith("ed"):
        return "ED"
    if len(word) > 3 and word.endswith("ly"):
        return "LY"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return "S"
    if word.strip("0") == "":
        return "NUM"
    return "W"


def _shapes(low: str) -> list[str]:
    """The 3- and 4-grams of each sentence's shape, its start and end marked (`<`, `>`)."""
    out: list[str] = []
    for sentence in _SENTENCE_END.split(low):
        seq = ["<", *map(_shape, _WORD.findall(sentence)), ">"]
        if len(seq) > 2:
            out += [" ".join(seq[i : i + n]) for n in (3, 4) for i in range(len(seq) - n + 1)]
    return out


def _negated(low: str) -> list[str]:
    """The words a negator governs: up to _NEGATION_SCOPE words after it, not past the end of its clause."""
    out: list[str] = []
    for clause in _CLAUSE_END.split(low):
        scope = 0
        for word in _WORD.findall(clause):
            if word in _NEGATORS or word.endswith(("n't", "n\u2019t")):
                scope = _NEGATION_SCOPE
            elif scope and len(word) > 2:  # "is", "a", "to" say nothing about what is negated
                out.append(word)
                scope -= 1
    return out


def is_list_item(line: str) -> bool:
    """Whether a line is an item of a bulleted or numbered list."""
    return _LIST_ITEM.match(line) is not None


def last_sentence(act: str) -> str:
    """The last sentence of a final act as features() reads it (lower case, code, paths and URLs as
    placeholders, typographic apostrophes folded); a list's last sentence is its header line."""
    return _edge_sentences(without_code(act.lower().translate(_FOLD)))[1]


def _edge_sentences(act: str) -> tuple[str, str]:
    """The first and last sentences of the last paragraph; a list's last sentence is its header line."""
    paragraph = act.rsplit("\n\n", 1)[-1]
    parts = [p for p in _SENTENCE_END.split(paragraph) if p.strip()] or [paragraph]
    if _LIST_ITEM.search(paragraph):
        head = paragraph.split("\n", 1)[0]
        if not _LIST_ITEM.match(head):
            return parts[0], head  # what the list is of
    return parts[0], parts[-1]


class _Model:
    """The exported weights: the buckets some class weighs, one column of weights per class, one scale.

    On disk the buckets are stored once (uint32) with one row of int16 weights per bucket, a column per
    class, base64 in the JSON: about 24 bytes a bucket. In memory a list indexed by bucket holds its row, a
    tuple of shared floats; loading builds no per-weight objects.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        if data.get("n_buckets") != N_BUCKETS or data.get("features") != FEATURES_VERSION:
            raise ValueError("stopact_model.json was trained with other features; retrain (training/README.md)")
        self.classes: tuple[str, ...] = tuple(data["classes"])
        self.intercepts: tuple[float, ...] = tuple(float(x) for x in data["intercepts"])
        self.scale = float(data["scale"])
        buckets = _unpack("I", data["buckets"])
        rows = _unpack("h", data["weights"])
        n = len(self.classes)
        if len(rows) != n * len(buckets):
            raise ValueError("stopact_model.json: the weights do not match the buckets")
        if max(buckets, default=0) >= N_BUCKETS:
            raise ValueError("stopact_model.json: a bucket out of range")
        # Scoring gathers the weights of ~250 buckets for every class. Each bucket's weights are one tuple,
        # a row, found with one lookup: the ~2,500 weights a stop needs come from ~250 places in memory, not
        # ~2,500 places in ten 400 kB columns, which on a busy machine (the server's caches shared with the
        # event loop and SQLite) cost a cache miss each and made scoring three times slower than in a loop.
        # The floats are shared through a table of every int16 value times the scale, indexed by the int16
        # itself (negative values from the end), so no weight is a float object of its own.
        # The rows are a list indexed by bucket, every bucket no class weighs sharing one row of zeros: an
        # index is one memory read where a dict lookup is two (its index table, then its entries). Under
        # load a sixth of the server's samples holding the GIL were on gathering and transposing rows (py-spy,
        # issue 20); the list made that step 15-25 % faster (docs/performance.md says how it was measured).
        table = [i * self.scale for i in range(32768)] + [i * self.scale for i in range(-32768, 0)]
        weights = map(table.__getitem__, rows)
        self.rows: list[tuple[float, ...]] = [(0.0,) * n] * N_BUCKETS
        for bucket, row in zip(buckets, zip(*[weights] * n, strict=True), strict=True):
            self.rows[bucket] = row
        self.continue_at = float(data["thresholds"]["continue_at"])
        self.allow_below = float(data["thresholds"]["allow_below"])
        by_act = data["thresholds"].get("continue_at_by_act") or {}  # a model before round 15 has none
        self.continue_at_by_act = {act: float(by_act.get(act, self.continue_at)) for act in EARLY_ACTS}
        self.summary: dict[str, Any] = dict(data.get("summary", {}))


def _unpack(code: str, encoded: str) -> array[int]:
    """A little-endian array packed by training/train.py (base64)."""
    values = array(code)
    values.frombytes(base64.b64decode(encoded))
    if sys.byteorder == "big":
        values.byteswap()
    return values


_model: _Model | None = None


def _load() -> _Model:
    global _model
    if _model is None:
        _model = _Model(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
    return _model


def probabilities(text: str) -> dict[str, float]:
    """P(act | text) for every stop act: a softmax over the exported linear model's scores."""
    model = _load()
    feats = features(text)
    values = feats.values()
    # Each class's weights, in the features' order: the same products summed in the same order as a dot
    # product per column, so every score is bit for bit what training exported.
    columns = zip(*map(model.rows.__getitem__, feats), strict=True)
    logits = [bias + sum(map(mul, values, column)) for bias, column in zip(model.intercepts, columns, strict=True)]
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return {name: e / total for name, e in zip(model.classes, exps, strict=True)}


def early_stop_score(text: str) -> float:
    """P(the turn ends early): the summed probability of next_step, context_excuse, permission, break_point."""
    return score_of(probabilities(text))


def score_of(probs: dict[str, float]) -> float:
    """`early_stop_score` from probabilities already computed (the classifier needs both)."""
    return sum(probs[act] for act in EARLY_ACTS)


def top_act(text: str) -> tuple[str, float]:
    """The most probable stop act and its probability."""
    probs = probabilities(text)
    act = max(probs, key=probs.__getitem__)
    return act, probs[act]


def named_early(probs: dict[str, float]) -> str:
    """The early act the model favours: what a stop it continues is named."""
    return max(EARLY_ACTS, key=probs.__getitem__)


def band(score: float, act: str | None = None) -> Literal["continue", "abstain", "allow"]:
    """Where an early_stop_score falls: an early stop, a legitimate one, or between (the caller escalates).
    `act`, the early act the model names (`named_early`), brings its own threshold, chosen in training by
    the same rule over the stops the model names so (training/train.py, thresholds_by_act)."""
    model = _load()
    if score >= (model.continue_at_by_act.get(act, model.continue_at) if act else model.continue_at):
        return "continue"
    if score < model.allow_below:
        return "allow"
    return "abstain"


def summary() -> dict[str, Any]:
    """The training summary exported with the weights: corpus size, out-of-fold accuracy, thresholds, date."""
    return dict(_load().summary)


# Chosen by training/train.py from out-of-fold scores and stored with the weights, so they are read lazily
# with them: CONTINUE_AT — a score at or above it is an early stop (no legitimate example out-of-fold
# reached it); ALLOW_BELOW — below it the stop is legitimate; between them the model abstains.
CONTINUE_AT: float
ALLOW_BELOW: float


def __getattr__(name: str) -> float:
    if name == "CONTINUE_AT":
        return _load().continue_at
    if name == "ALLOW_BELOW":
        return _load().allow_below
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
