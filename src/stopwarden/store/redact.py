"""Secrets never reach the store: every text is redacted before it is written (SPEC §7.1, §9), in the
database, the outbox and the server log alike.

The rules are gitleaks' maintained rule set (`gitleaks.py`: why that one, and how it is compiled), and a
few of our own, each for a *format* that rule set leaves out on purpose or cannot see in a text:
credentials in a URL or a connection string, password assignments, an `Authorization` header, a private
key block cut off before its END line, AWS secret access keys and `sk-` keys (whose gitleaks rules need a
context or a marker that a stop text often lacks), secrets in a URL's query. A found secret becomes
`[REDACTED:<rule-id>]`; the rest of the text, the evidence the decision log is for, is kept.
"""

from __future__ import annotations

import bisect
import functools
import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from stopwarden.common.clip import clip
from stopwarden.store import gitleaks
from stopwarden.store.gitleaks import Allowlist, Rule

PREVIEW_CHARS = 200
STOP_TEXT_CHARS = 4096  # what an event keeps of its stop text to be judged by: a few KiB, its end above all
MARKER = re.compile(r"\[REDACTED:[\w.-]+\]")
_NAME_CHARS = re.compile(r"[\w.-]", re.ASCII)
# A value that only names where the secret comes from is not one: $VAR, ${VAR}, {{ var }}, <password>,
# %(name)s, ***, xxxx, an ellipsis.
_PLACEHOLDER = Allowlist(
    target="secret",
    regex=re.compile(
        r"^(?:\$\{?[A-Za-z_]\w*\}?|\{\{.*\}\}|<[^<>]*>|%\(?\w*\)?s|\*+|(?i:x{3,})|\.\.\.|\u2026)$", re.ASCII
    ),
    stopwords=(),
    require_all=False,
    needs_file=False,
)


# A value without a digit, for formats whose secrets are random enough to always hold one.
_NO_DIGIT = Allowlist(target="secret", regex=re.compile(r"^\D*$"), stopwords=(), require_all=False, needs_file=False)


def _rule(
    rule_id: str, regex: str, keywords: Iterable[str], flags: int = 0, also_allowed: Allowlist | None = None
) -> Rule:
    words = tuple(keywords)
    return Rule(
        rule_id,
        re.compile(regex, re.ASCII | flags),
        words,
        allowlists=(_PLACEHOLDER,) if also_allowed is None else (_PLACEHOLDER, also_allowed),
        anchored=gitleaks.starts_at_keywords(regex, words),
    )


# A name that says password (db_password, PGPASSWORD, DB_PASS, passwd, admin_pwd, passphrase), then its
# value: quoted, a template ({{ … }}, a placeholder), or up to a space or a delimiter. Not a name that only
# mentions one (password_reset_form, bypass), nor the shell's PWD.
_PASSWORD_NAME = r"(?:passw(?:or)?d|passphrase|pass(?<![a-z]pass)(?![a-z])|pwd(?<=[\w.-]pwd)(?![a-z]))\d{0,2}"
_PASSWORD_VALUE = r"(?:\"([^\"\n]{1,200})\"|'([^'\n]{1,200})'|(\{\{[^}\n]{0,100}\}\})|([^\s\"'`,;()\[\]<>]{1,200}))"
# Each starts with a literal (or one of its keywords): Python's `re` then searches for it at C speed.
OWN_RULES = [
    # A key block, PEM or PGP, even when the text stops before its END line.
    _rule(
        "private-key-block",
        r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----.*?"
        r"(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|\Z)",
        ["-----begin"],
        re.IGNORECASE | re.DOTALL,
    ),
    # scheme://user:password@host (RFC 3986 userinfo): postgres://, mysql://, redis://:pw@, amqp://, https://.
    _rule(
        "url-credentials",
        r"://[^\s:@/?#\[\]\"'<>]{0,100}:([^\s@/?#\"'<>]{1,200})@(?=[^\s@/])",
        ["://"],
    ),
    # Signed or keyed URLs: ?sig=… (Azure SAS), X-Amz-Signature=…, ?access_token=…, &api_key=….
    _rule(
        "url-query-secret",
        r"[?&](?:sig|signature|x-amz-signature|x-amz-security-token|access_token|refresh_token|id_token|token"
        r"|api[_-]?key|apikey|key|secret|client_secret|password|passwd|pwd)=([^&\s#\"'<>]{8,})",
        ["?", "&"],
        re.IGNORECASE,
    ),
    # password=…, PASSWORD: …, "db_password": "…", DB_PASS=…, passwd := …
    _rule(
        "password-assignment",
        _PASSWORD_NAME + r"[\"']?[ \t]{0,3}(?:=>|:=|=|:)[ \t]{0,3}" + _PASSWORD_VALUE,
        ["pass", "pwd"],
        re.IGNORECASE,
    ),
    # --password …, --passwd=…
    _rule("password-assignment", r"--(?:password|passwd|passphrase|pass)(?:[ \t]+|=)" + _PASSWORD_VALUE, ["--pass"]),
    # Connection strings (Azure storage and Service Bus, ODBC): AccountKey=…; SharedAccessKey=…; …;Pwd=…;
    _rule(
        "connection-string-secret",
        r"(?:accountkey|sharedaccesskey|pwd(?<=;pwd))[ \t]{0,3}=[ \t]{0,3}([^;\s\"']{1,300})",
        ["accountkey", "sharedaccesskey", "pwd"],
        re.IGNORECASE,
    ),
    # Authorization: Bearer …, Authorization: Basic …, and a bare "Bearer <token>" (one with a digit: not
    # "bearer authentication").
    _rule(
        "authorization-header",
        r"(?:authorization[\"']?[ \t]{0,3}[:=][ \t]{0,3}[\"']?(?:(?:bearer|basic|token|digest)[ \t]+)?"
        r"|bearer[ \t]+(?=[A-Za-z0-9._~+/-]{0,200}\d))([A-Za-z0-9._~+/-]{8,}=*)",
        ["authorization", "bearer"],
        re.IGNORECASE,
    ),
    # AWS secret access key: 40 characters of base64 named as one (gitleaks has no rule for it alone).
    _rule(
        "aws-secret-access-key",
        r"secret[_.-]?access[_.-]?key[\"']?[ \t]{0,3}(?:=|:|=>)[ \t]{0,3}[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        ["secret"],
        re.IGNORECASE,
    ),
    # sk-… keys of OpenAI and every OpenAI-compatible provider, also glued to a name (OPENAI_KEY_sk-…); random,
    # so they hold a digit (which words joined by dashes, sk-learn-…, do not).
    _rule("sk-api-key", r"(sk-(?<![A-Za-z0-9]sk-)[\w-]{20,})", ["sk-"], also_allowed=_NO_DIGIT),
]


class _Index(NamedTuple):
    rules: list[Rule]  # ours, then gitleaks'
    by_keyword: dict[str, list[int]]  # each keyword, with the rules it wakes up
    always: frozenset[int]  # the rules without keywords, tried on every text
    # Finding which keywords a text holds, in one pass over it instead of one per keyword: the scan finds
    # the longest keyword at each place it stops, which holds every keyword inside it (`within`); a keyword
    # can also begin inside one found and end after it: `straddling` has, for each keyword, the places in it
    # where another keyword could begin, to look at too.
    scan: re.Pattern[str]
    within: dict[str, list[str]]
    straddling: dict[str, list[int]]


@functools.cache
def _index() -> _Index:
    """gitleaks' rules, compiled, after ours, and the keywords of all: built at the first redaction, not at
    import. Compiling those 220-odd rules costs about what importing SQLAlchemy does, and a command that
    only reads the store (`gate log`, `gate report`) imports this module and redacts nothing (issue 20)."""
    rules = OWN_RULES + gitleaks.load()
    by_keyword: dict[str, list[int]] = {}
    for number, rule in enumerate(rules):
        for keyword in rule.keywords:
            by_keyword.setdefault(keyword, []).append(number)
    beginnings = {b[:j] for b in by_keyword for j in range(1, len(b))}  # of a longer keyword
    return _Index(
        rules=rules,
        by_keyword=by_keyword,
        always=frozenset(i for i, r in enumerate(rules) if not r.keywords),
        scan=re.compile(_trie(by_keyword)),
        within={w: [k for k in by_keyword if k in w] for w in by_keyword},
        straddling={a: [i for i in range(1, len(a)) if a[i:] in beginnings] for a in by_keyword},
    )


def _trie(words: Iterable[str]) -> str:
    """One regex for all `words`, as a trie (a common beginning is tried once), the longest first."""
    tree: dict[str, dict[str, Any]] = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def regex(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + regex(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return regex(tree)


# Rounds of redaction until nothing changes: a redaction can put two pieces of text side by side that form
# a new match (idempotence), and each round after the first happens only when the one before redacted.
_MAX_ROUNDS = 4
# The longest secret the preview makes sure to see whole (a private key block cut off is still redacted).
_LONGEST_SECRET = 4096


def redact(text: str) -> str:
    """`text` with every secret a rule finds replaced by `[REDACTED:<rule-id>]`."""
    return _redact(text)[0]


def stored(text: str) -> tuple[str, str]:
    """What the decision log keeps of a stop text, redacted as a whole: its preview (the first 200
    characters, for lists) and a bounded text to judge the stop by and to export for `eval` (at most
    `STOP_TEXT_CHARS`: its start and, above all, its end, where the stop act is; see `clip`)."""
    redacted = redact(text)
    return redacted[:PREVIEW_CHARS], clip(redacted, STOP_TEXT_CHARS)


def preview(text: str) -> str:
    """The preview alone (as `stored` gives it): the first 200 characters, after redaction.

    Only the beginning is redacted, long enough that a secret showing in those 200 characters is in it
    whole: a 64 KiB text costs what a 4 KiB one does."""
    window = PREVIEW_CHARS + _LONGEST_SECRET
    while True:
        head = text[:window]
        redacted, removed = _redact(head)
        # The preview shows at most the first 200 + `removed` characters of `head`.
        if len(head) == len(text) or PREVIEW_CHARS + removed + _LONGEST_SECRET <= window:
            return redacted[:PREVIEW_CHARS]
        window *= 2


def _redact(text: str) -> tuple[str, int]:
    """The redacted text, and how many characters of the original the markers replaced."""
    removed = 0
    for _ in range(_MAX_ROUNDS):
        spans = _spans(text)
        if not spans:
            break
        text, count = _replace(text, spans)
        removed += count
    return text, removed


def _spans(text: str) -> list[tuple[int, int, str]]:
    lowered = text.lower()
    index = _index()
    active = set(index.always).union(*(index.by_keyword[k] for w in _keywords(lowered, index) for k in index.within[w]))
    if not active:
        return []
    aligned = len(lowered) == len(text)  # lower() kept every character where it was
    markers = [m.span() for m in MARKER.finditer(text)]
    marker_starts = [start for start, _ in markers]
    found: list[tuple[int, int, str]] = []
    for number in sorted(active):
        rule = index.rules[number]
        matches = _at_keywords(rule, text, lowered) if rule.anchored and aligned else rule.pattern.finditer(text)
        for match in matches:
            span = _secret(match, rule)
            if span is None or _in_marker(span, markers, marker_starts):
                continue  # an earlier round's marker is not a secret
            found.append((*span, rule.id))
    return found


def _in_marker(span: tuple[int, int], markers: list[tuple[int, int]], starts: list[int]) -> bool:
    """Whether `span` overlaps one of `markers` (in order, apart; `starts` their starts)."""
    before = bisect.bisect_left(starts, span[1]) - 1  # the last marker that starts before the span ends
    return before >= 0 and markers[before][1] > span[0]


def _keywords(lowered: str, index: _Index) -> set[str]:
    """The longest keyword at each place `index.scan` stops in `lowered`, and at each place inside one of
    those where another could begin."""
    found: set[str] = set()
    for match in index.scan.finditer(lowered):
        word = match.group()
        found.add(word)
        for offset in index.straddling[word]:
            inner = index.scan.match(lowered, match.start() + offset)
            if inner:
                found.add(inner.group())
    return found


def _at_keywords(rule: Rule, text: str, lowered: str) -> Iterator[re.Match[str]]:
    """The matches of a rule whose matches start at one of its keywords, as `finditer` would find them,
    trying only those places."""
    starts: set[int] = set()
    for keyword in rule.keywords:
        at = lowered.find(keyword)
        while at != -1:
            starts.add(at)
            at = lowered.find(keyword, at + 1)
    end = 0
    for at in sorted(starts):
        if at < end:
            continue
        match = rule.pattern.match(text, at)
        if match:
            yield match
            end = max(match.end(), at + 1)


def _secret(match: re.Match[str], rule: Rule) -> tuple[int, int] | None:
    """Where the secret of `match` is, as gitleaks reads it; None when the rule's entropy threshold or an
    allowlist says it is not a secret."""
    if rule.secret_group:
        start, end = match.span(rule.secret_group)
    else:
        groups = [g for g in range(1, (match.re.groups or 0) + 1) if match.group(g)]
        start, end = match.span(groups[0]) if groups else match.span()
    secret = match.string[start:end].strip("\n")
    if not secret:
        return None
    start = match.string.index(secret, start)
    end = start + len(secret)
    if rule.entropy and gitleaks.entropy(secret) <= rule.entropy:
        return None
    text = match.string
    first = match.start()
    while first > 0 and match.start() - first < rule.name_before and _NAME_CHARS.match(text, first - 1):
        first -= 1
    line = text[text.rfind("\n", 0, first) + 1 : _line_end(text, match.end())]
    for allowlist in rule.allowlists:
        if allowlist.allows(secret, text[first : match.end()], line):
            return None
    return start, end


def _line_end(text: str, at: int) -> int:
    end = text.find("\n", at)
    return len(text) if end == -1 else end


def _replace(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, int]:
    """`text` with each span (merged where they overlap) replaced by its marker, and how many characters
    the markers replaced. Where spans overlap, the marker names the rule of the widest."""
    merged: list[tuple[int, int, str, int]] = []  # start, end, rule id, width of the span that named it
    for start, end, rule_id in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            name, width = (rule_id, end - start) if end - start > last[3] else (last[2], last[3])
            merged[-1] = (last[0], max(last[1], end), name, width)
        else:
            merged.append((start, end, rule_id, end - start))
    pieces: list[str] = []
    cursor = 0
    for start, end, rule_id, _ in merged:
        pieces += [text[cursor:start], f"[REDACTED:{rule_id}]"]
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces), sum(end - start for start, end, _, _ in merged)


class RedactingFilter(logging.Filter):
    """Redacts a log record's message and traceback before any handler writes it: the server log holds the
    stop texts, rationales and errors that a record may quote."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
            redacted = redact(message)
            if redacted != message:
                record.msg, record.args = redacted, None
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact(record.exc_text)
        except Exception:
            # A record whose arguments do not fit its format: the handler reports that as it always does.
            pass
        return True


def redacting_logger(name: str) -> logging.Logger:
    """The logger `name`, with a `RedactingFilter` (once) on it."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
    return logger
