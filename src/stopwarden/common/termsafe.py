"""Text we did not write, made safe to show on a terminal.

A model's stop text, a session id, a build task from a cloned repository, a name in a shared database or a
server's answer can hold escape sequences (erase a line, move the cursor, set the window title, write the
clipboard), bidi controls that reorder what follows, or invisible characters. Printed raw, they let whoever
wrote the text forge or hide lines in what the operator reads. Every such character is shown instead as the
Python-style escape that names it (ESC as the four characters `\\x1b`, RIGHT-TO-LEFT OVERRIDE as `\\u202e`).

Backslashes are left as they are, so escaping twice changes nothing (one layer may escape a row, the output
layer the whole text again) and the escaped form of text without backslashes can be read back exactly.
Stdlib only, and cheap on the all-ASCII text that is most of what we print.

Colour (`paint`) is the one escape sequence we write ourselves, and only around our own words (`ok`, `FAIL`,
a decision's name), after whatever they sit beside has been escaped; so text that holds colour is never
passed through `line` or `block` again (that would show our codes as `\\x1b[...`). It is used only when
`colour(stream)` says so: a terminal, not `TERM=dumb`, neither `NO_COLOR` (https://no-color.org) nor
`stopwarden --no-color`; never in JSON.
"""

from __future__ import annotations

import re
import unicodedata

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

# Zero-width (non-)joiners are format characters too, but they move nothing and hide nothing but themselves,
# and emoji sequences and Persian or Indic words need them to render correctly.
_JOINERS = frozenset("\u200c\u200d")
# Control characters, format characters (bidi embeddings, overrides, isolates and marks, zero-width spaces,
# tag characters that smuggle invisible ASCII), the Unicode line and paragraph separators, and lone
# surrogates (which cannot even be encoded to the terminal).
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
# Printable ASCII needs no look-up; anything else is checked one character at a time.
_SUSPECT = re.compile(r"[^\x20-\x7e]")
_SUSPECT_KEEPING_LINES = re.compile(r"[^\x20-\x7e\n\t]")


def unsafe(char: str) -> bool:
    """Whether printing `char` raw could move the cursor, drive the terminal, reorder or hide text."""
    return char not in _JOINERS and unicodedata.category(char) in _UNSAFE_CATEGORIES


def escape_char(char: str) -> str:
    """The visible stand-in for one unsafe character."""
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    return escape_char(char) if unsafe(char) else char


def line(value: object) -> str:
    """`value` as text for one line: every unsafe character escaped, newlines and tabs included."""
    return _SUSPECT.sub(_replace, str(value))


def block(text: str) -> str:
    """Text that is multi-line by design: every unsafe character escaped except newline and tab, which cannot
    overwrite anything (a bare carriage return can: it is escaped)."""
    return _SUSPECT_KEEPING_LINES.sub(_replace, text)


def lines(rows: Iterable[object]) -> str:
    """Rows of our own layout, each holding text we did not write, joined one per line: a newline inside a
    row is shown, never obeyed, so no row can pass itself off as another."""
    return "\n".join(line(row) for row in rows)


# Select Graphic Rendition codes of the words we colour: what went well, what needs a look, what failed, and
# the stop gate's decisions (names.DECISIONS) as `gate log` shows them.
STYLES = {
    "ok": "32",  # green
    "warn": "33",  # yellow
    "fail": "1;31",  # bold red
    "allow": "32",  # the agent was let stop
    "continue": "33",  # the agent was sent back to work
    "escalate": "1;35",  # bold magenta: a person is asked
    "force_allow": "36",  # cyan: let through by an override
}
_colour_off = False


def no_colour() -> None:
    """`stopwarden --no-color`: no colour for the rest of this process, whatever the terminal."""
    global _colour_off
    _colour_off = True


def colour(stream: object) -> bool:
    """Whether what goes to `stream` may be coloured: it is a terminal that is not `TERM=dumb`, and neither
    NO_COLOR (any value but the empty one) nor `--no-color` asks for none."""
    import os  # loaded by the interpreter already: no cost, and none for those who never colour

    if _colour_off or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except ValueError:  # a closed stream
        return False


def paint(word: str, style: str, on: bool = True) -> str:
    """`word` (our own, or already escaped) in the colour of `style` (a key of STYLES) when `on`."""
    return f"\x1b[{STYLES[style]}m{word}\x1b[0m" if on else word


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    if not unsafe(char):
        return char
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON spells a character beyond the BMP as a surrogate pair
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_JSON_SUSPECT = re.compile(r"[^\x20-\x7e\n]")


def json_text(dumped: str) -> str:
    """A document from `json.dumps(..., ensure_ascii=False)` with the characters it leaves raw (DEL, C1
    controls, bidi and other format characters, separators, lone surrogates) written as `\\u` escapes:
    the same JSON to a parser, nothing live to a terminal. json.dumps has already escaped C0 controls in
    strings, and raw characters can stand nowhere else, so every replacement lands inside a string."""
    return _JSON_SUSPECT.sub(_json_escape, dumped)


def dumps(data: object, indent: int | None = 2) -> str:
    """JSON that keeps non-ASCII text readable yet holds no raw character a terminal would act on."""
    import json  # here: most of what imports this module prints no JSON

    return json_text(json.dumps(data, indent=indent, ensure_ascii=False))
