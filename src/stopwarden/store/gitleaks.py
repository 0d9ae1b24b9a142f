"""gitleaks' default rule set, compiled for Python's `re` (used by `redact`).

Why gitleaks: its `config/gitleaks.toml` is the most complete maintained secret rule set with a permissive
licence (MIT): 220-odd rules, one per provider's token format, updated with each release, and each rule names
its keywords, so that a text is searched only with the rules whose keywords it contains (that keeps the
server fast). detect-secrets has about 25 plugins and misses formats we must catch (Google, Hugging Face,
Slack app tokens among them). The file is vendored unchanged (`rules/`, with its NOTICE: licence and the
tag it came from), so updating it is a copy.

gitleaks is written in Go, whose regular expressions differ from Python's in a few spellings, translated
here (`python_regex`); its semantics are followed as gitleaks' detector applies them (detect/detect.go):
keywords first, then the secret is the rule's `secretGroup` or its first non-empty group, then the entropy
threshold, then the global and the rule's allowlists. Rules that apply only to files of a given path are
left out: a stop text has no path.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from importlib import resources
from typing import Any

VERSION = "v8.30.1"

# Go's POSIX classes, which Python's `re` reads as a nested set instead.
_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "digit": "0-9",
    "lower": "a-z",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
    "space": r"\t\n\v\f\r ",
    "word": "0-9A-Za-z_",
    "punct": r"!-/:-@\[-`{-~",
}
_FLAGS = re.compile(r"\(\?([a-zA-Z]*(?:-[a-zA-Z]+)?)\)")
_POSIX_CLASS = re.compile(r"\[:(\w+):\]")
_UNESCAPED_BRACKET = re.compile(r"\\.|\[")  # an escape (kept as it is) or a bare `[`
# A token glued to a name by an underscore (`OPENAI_KEY_sk-…`, `key_AKIA…`) is still the token: Go's `\b`
# before it does not hold there, so a leading `\b` is read as "not after a letter or digit".
_LEADING_WORD_BOUNDARY = r"(?<![A-Za-z0-9])"


@dataclass(frozen=True, slots=True)
class Allowlist:
    """One of gitleaks' allowlists: a finding it matches is not a secret (a placeholder, a known example)."""

    target: str  # what `regex` is tried on: "secret", "match" or "line"
    regex: re.Pattern[str] | None
    stopwords: tuple[str, ...]
    require_all: bool  # condition = "AND"
    needs_file: bool  # it names paths or commits: under "AND" it can never hold for a text

    def allows(self, secret: str, match: str, line: str) -> bool:
        target = {"match": match, "line": line}.get(self.target, secret)
        by_regex = bool(secret) and self.regex is not None and self.regex.search(target) is not None
        lowered = secret.lower()
        by_stopword = any(word in lowered for word in self.stopwords)
        if not self.require_all:
            return by_regex or by_stopword
        checks = [by_regex] if self.regex is not None else []
        checks += [by_stopword] if self.stopwords else []
        return not self.needs_file and bool(checks) and all(checks)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    pattern: re.Pattern[str]
    keywords: tuple[str, ...]  # lower-case; the rule runs only on a text that contains one (none: always)
    secret_group: int = 0  # 0: the first non-empty group, or the whole match when there is none
    entropy: float = 0.0  # a secret must be more random than this (Shannon, bits per character)
    allowlists: tuple[Allowlist, ...] = ()
    # How many name characters ([\w.-]) before a match belong to it: the rule's regex began with a lazy
    # `[\w.-]{0,50}?`, taken off (see `_rule_regex`) and given back to the match for the allowlists.
    name_before: int = 0
    # Every match starts where one of the keywords is (`starts_at_keywords`): the rule is tried at those
    # places only, instead of at every position of the text.
    anchored: bool = False


def entropy(text: str) -> float:
    """Shannon entropy in bits per character, as gitleaks computes it."""
    if not text:
        return 0.0
    size = len(text)
    return -sum(n / size * math.log2(n / size) for n in Counter(text).values())


def python_regex(go: str) -> str:
    """A Go (RE2) regular expression in Python's spelling, with the same meaning:

    - a flag group in the middle, `p8e-(?i)[a-z0-9]{32}`, holds to the end of its group in Go; Python
      accepts flags only at the start, so it becomes a scoped group `(?i:…)` closed there (and around each
      alternative of that group);
    - `\\z` is Python's `\\Z`; POSIX classes `[[:alnum:]]` are spelled out;
    - a capturing group that repeats, `([a-z0-9]{4}-){3}`, captures only its last repetition, never a
      whole secret: it becomes non-capturing, so that the secret is the whole match.
    """
    out: list[str] = []
    # For each open group: the flag groups opened inside it (to close at its end and around each `|`),
    # and where its `(` was written (to make it non-capturing if a quantifier follows).
    stack: list[tuple[list[str], int | None]] = [([], None)]
    i = 0
    while i < len(go):
        char = go[i]
        if char == "\\":
            escape = go[i : i + 2]
            out.append(r"\Z" if escape == r"\z" else escape)
            i += 2
            continue
        if char == "[":
            end = _class_end(go, i)
            out.append(_python_class(go[i:end]))
            i = end
            continue
        flags = _FLAGS.match(go, i)
        if flags and any(p not in ("(?i)", "") for p in out):
            out.append(f"(?{flags.group(1)}:")
            stack[-1][0].append(flags.group(1))
            i = flags.end()
            continue
        if flags:
            out.append(flags.group(0))
            i = flags.end()
            continue
        if char == "(":
            capturing = not go.startswith("(?", i)
            stack.append(([], len(out) if capturing else None))
            out.append("(")
        elif char == ")" and len(stack) > 1:
            opened, at = stack.pop()
            out.append(")" * len(opened) + ")")
            if at is not None and go[i + 1 : i + 2] in ("{", "*", "+", "?"):
                out[at] = "(?:"
        elif char == "|":
            opened = stack[-1][0]
            out.append(")" * len(opened) + "|" + "".join(f"(?{f}:" for f in opened))
        else:
            out.append(char)
        i += 1
    out.append(")" * len(stack[0][0]))
    return "".join(out)


# Most rules end a token with this: then a quote, a space, a `;`, an escaped newline or the end. In a stop
# text a token also ends a sentence or a clause, or closes a bracket: "the key sk_live_…, then".
_END_OF_TOKEN = r"""(?:[\x60'"\s;]|\\[nr]|$)"""
_END_OF_TOKEN_IN_PROSE = r"""(?:[\x60'"\s;,.:!?)\]}>]|\\[nr]|$)"""
_NAME_PREFIX = re.compile(r"(\(\?i\))?\[\\w\.-\]\{0,(\d+)\}\?")


def _rule_regex(go: str) -> tuple[str, int]:
    """A rule's regex, and how many name characters before a match belong to it:

    - a token may end as prose ends one (`_END_OF_TOKEN_IN_PROSE`);
    - half of gitleaks' rules begin with the name of a variable, `(?i)[\\w.-]{0,50}?(?:adafruit)…`: a lazy
      prefix that Python's backtracking engine tries at every position (it was two thirds of the time of
      a redaction). It only widens a match leftwards, never decides one, so it is taken off and the match
      starts at the keyword; the allowlists that read the match get the name back (`Rule.name_before`);
    - a leading `\\b` is read as `_LEADING_WORD_BOUNDARY` (`_glued_tokens`).
    """
    python = python_regex(go).replace(_END_OF_TOKEN, _END_OF_TOKEN_IN_PROSE)
    name = _NAME_PREFIX.match(python)
    if name:
        python = (name.group(1) or "") + python[name.end() :]
    return _glued_tokens(python), int(name.group(2)) if name else 0


_LEADING_LITERAL = re.compile(r"(\(\?i\))?\\b(\(?)((?:[A-Za-z0-9_-]|\\\.)*)")


def _glued_tokens(python: str) -> str:
    """A leading `\\b` read as `_LEADING_WORD_BOUNDARY`, written after the literal the token starts with
    (`(?<![A-Za-z0-9])ghp_` as `ghp_(?<![A-Za-z0-9]ghp_)`): a regex that starts with a literal is searched
    for at C speed, one that starts with a look-behind is tried at every position."""
    leading = _LEADING_LITERAL.match(python)
    if not leading:
        return python
    flags, group, literal = leading.group(1) or "", leading.group(2), leading.group(3)
    rest = python[leading.end() :]
    if literal and rest[:1] in ("?", "*", "+", "{"):  # the literal's last character is optional
        literal, rest = literal[:-1], literal[-1] + rest
        if literal.endswith("\\"):
            literal, rest = literal[:-1], "\\" + rest
    if not literal:
        return flags + _LEADING_WORD_BOUNDARY + group + rest
    return f"{flags}{group}{literal}(?<![A-Za-z0-9]{literal}){rest}"


def starts_at_keywords(python: str, keywords: tuple[str, ...]) -> bool:
    """Whether every match of `python` begins with one of `keywords` (in any case): true when it begins
    with a group of alternatives whose words (`_leading_words`) each start with a keyword."""
    words = _leading_words(python.removeprefix("(?i)"))
    return bool(words) and all(w and any(w.lower().startswith(k) for k in keywords) for w in words)


_GROUP = re.compile(r"\((?!\?)|\(\?(?:-?i)?:")  # a group, capturing or not, maybe with the i flag


def _leading_words(python: str, limit: int = 256) -> list[str]:
    """The literal beginnings of the alternatives of `python`, `(?:access|auth|…)…`, as far as each is
    plain text: characters, escaped punctuation, one-letter classes such as `[Aa]`, nested groups, each
    maybe optional (`?`); look-arounds and `\\b` take no room. An alternative is cut where anything else
    begins (a repetition, a class of several letters)."""
    words, _ = _alternatives(python + ")", 0, limit)
    return words


def _alternatives(python: str, i: int, limit: int) -> tuple[list[str], int | None]:
    """The words of the alternatives from `i` to the `)` closing their group, and the index after it."""
    words: list[str] = []
    current, open_ = [""], True  # the beginnings of this alternative; whether it can still grow
    while i < len(python):
        char = python[i]
        if char == ")":
            return words + current, i + 1
        if char == "|":
            words, current, open_ = words + current, [""], True
            i += 1
            continue
        step: list[str] | None = None
        nxt = i + 1
        if python.startswith(("(?=", "(?!", "(?<=", "(?<!"), i) or python.startswith(("\\b", "\\B"), i):
            i = _skip(python, i)  # zero width: the words go on after it
            continue
        if char not in ".^$*+?{}[]\\|()":
            step = [char]
        elif char == "\\" and i + 1 < len(python) and not python[i + 1].isalnum():
            step, nxt = [python[i + 1]], i + 2
        elif char == "[":
            close = python.find("]", i)
            letters = python[i + 1 : close] if close != -1 else ""
            step = [letters[0]] if letters.isalpha() and len(set(letters.lower())) == 1 else None
            nxt = close + 1
        elif char == "(" and (group := _GROUP.match(python, i)):
            inner, after = _alternatives(python, group.end(), limit)
            if after is None:
                return [], None
            step, nxt = inner, after
        else:  # anything else: the alternative's beginning ends here; skip to its end
            step = None
        if step is not None and python[nxt : nxt + 1] == "?":  # zero or one: both beginnings
            step, nxt = [*step, ""], nxt + 1
        if step is None or python[nxt : nxt + 1] in ("*", "+", "{") or not open_:
            open_ = False
            i = _skip(python, i)
            continue
        current = [a + b for a in current for b in step][:limit]
        i = nxt
    return [], None


def _skip(python: str, i: int) -> int:
    """The index after the item at `i` (a character, an escape, a class or a whole group)."""
    char = python[i]
    if char == "\\":
        return i + 2
    if char == "[":
        return _class_end(python, i)
    if char != "(":
        return i + 1
    depth = 0
    while i < len(python):
        if python[i] == "\\":
            i += 2
            continue
        if python[i] == "[":
            i = _class_end(python, i)
            continue
        depth += {"(": 1, ")": -1}.get(python[i], 0)
        i += 1
        if depth == 0:
            return i
    return i


def _python_class(go: str) -> str:
    """One character class: POSIX classes spelled out, any other `[` in it escaped (Python would warn of a
    nested set)."""
    body = _POSIX_CLASS.sub(lambda m: _POSIX[m.group(1)], go[1:-1])
    return "[" + _UNESCAPED_BRACKET.sub(lambda m: m.group(0) if m.group(0) != "[" else r"\[", body) + "]"


def _class_end(go: str, start: int) -> int:
    """The index just past the character class opening at `start` (a `]` first in it is a literal)."""
    i = start + 1
    if go[i : i + 1] == "^":
        i += 1
    if go[i : i + 1] == "]":
        i += 1
    while i < len(go):
        if go[i] == "\\":
            i += 2
            continue
        if go.startswith("[:", i):
            close = go.find(":]", i + 2)
            if close != -1:
                i = close + 2
                continue
        if go[i] == "]":
            return i + 1
        i += 1
    raise ValueError(f"unterminated character class in {go!r}")


def _compile(python: str) -> re.Pattern[str]:
    # ASCII: Go's \w, \s, \b and \d are ASCII, and so is gitleaks' view of a token.
    return re.compile(python, re.ASCII)


def _allowlist(raw: dict[str, Any]) -> Allowlist:
    regexes = raw.get("regexes") or []
    return Allowlist(
        target=raw.get("regexTarget", "secret"),
        regex=_compile(python_regex("|".join(f"(?:{r})" for r in regexes))) if regexes else None,
        stopwords=tuple(sorted({w.lower() for w in raw.get("stopwords") or []})),
        require_all=raw.get("condition", "OR").upper() == "AND",
        needs_file=bool(raw.get("paths") or raw.get("commits")),
    )


def load() -> list[Rule]:
    """The vendored rules that apply to a text, each with the global allowlist first among its own."""
    raw = tomllib.loads((resources.files("stopwarden.store") / "rules" / "gitleaks.toml").read_text("utf-8"))
    common = _allowlist(raw["allowlist"])
    rules = []
    for r in raw["rules"]:
        if "regex" not in r or "path" in r:
            continue
        python, name_before = _rule_regex(r["regex"])
        keywords = tuple(k.lower() for k in r.get("keywords") or [])
        rules.append(
            Rule(
                id=r["id"],
                pattern=_compile(python),
                keywords=keywords,
                secret_group=int(r.get("secretGroup", 0)),
                entropy=float(r.get("entropy", 0.0)),
                allowlists=(common, *(_allowlist(a) for a in r.get("allowlists") or [])),
                name_before=name_before,
                anchored=starts_at_keywords(python, keywords),
            )
        )
    return rules
