"""The corpus's languages that live in data files: one JSON file each under `languages/`.

English is written in generate.py and grammar.py. Every other language is one file, `languages/<code>.json`,
read here and handed to both: its work items (`thing`), its fixed phrasings per act (generate.py's
`LANG_PHRASES`), and its grammar parts, frames and hard-negative frames (grammar.py's `LANGS`). To add a
language, write such a file (the keys and counts are those of `languages/it.json`); `load` checks it, and
the next training run uses it. A file that would put a broken template or a wrong label into the corpus is
refused, naming the file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stopwarden.common.names import LEGIT_ACTS, STOP_ACTS

FOLDER = Path(__file__).resolve().parent / "languages"
BUILT_IN = frozenset({"en"})  # written in generate.py and grammar.py (de, es, fr, pt, ja were too, until round 39)
# What a file may use: generate.py's slots (language-neutral values; {thing2} is a second pick, {list} a
# list of work items) and grammar.py's parts (frames, pools and hard frames only: generate.py fills the
# fixed phrasings' slots but composes no parts there).
SLOTS = frozenset({"path", "ident", "thing", "step", "cred", "error", "list"})
PARTS = ("lead", "np", "vp", "reason", "handoff")
LISTS = ("todo_list", "checklist", "done_checklist")  # grammar.py builds these from the np and vp pools
_COMPOSED = frozenset((*PARTS, *LISTS))  # what a frame, a pool or a hard frame may name in <…>
KEYS = frozenset({"code", "name", "thing", "phrases", "pools", "frames", "hard"})
_SLOT = re.compile(r"\{([A-Za-z_]+)[0-9]?\}")
_PART = re.compile(r"<([A-Za-z_]+)\??>")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    thing: list[str]  # work items, the {thing} slot
    phrases: dict[str, list[str]]  # act -> whole stop texts
    pools: dict[str, list[str]]  # grammar parts
    frames: dict[str, list[str]]  # act -> frames of that act
    hard: dict[str, list[str]]  # legitimate act -> frames that look like early stops


@functools.cache
def load(folder: Path = FOLDER) -> dict[str, Language]:
    """Every language file in `folder`, checked, by code (sorted, so the corpus is deterministic).
    Cached: generate.py and grammar.py both ask."""
    return {lang.code: lang for lang in map(_read, sorted(folder.glob("*.json")))}


class LanguageFileError(ValueError):
    pass


_Fail = Callable[[str], LanguageFileError]  # the error for one file, its name in front of why


def _read(path: Path) -> Language:
    def fail(why: str) -> LanguageFileError:
        return LanguageFileError(f"{path.name}: {why}")

    try:
        row = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise fail(f"not a readable JSON file ({error})") from error
    if not isinstance(row, dict) or set(row) != KEYS:
        raise fail(f"must be an object with exactly the keys {sorted(KEYS)}")
    if row["code"] != path.stem:
        raise fail(f"code {row['code']!r} is not the file's name")
    if row["code"] in BUILT_IN:
        raise fail("English is written in generate.py and grammar.py; a file would replace it")
    if not isinstance(row["name"], str):
        raise fail("name must be a string")
    _texts(row["thing"], "thing", fail)
    for key in ("phrases", "pools", "frames", "hard"):
        if not isinstance(row[key], dict):
            raise fail(f"{key} must be an object of lists")
        for name, texts in row[key].items():
            _texts(texts, f"{key}.{name}", fail)
    lang = Language(row["code"], row["name"], row["thing"], row["phrases"], row["pools"], row["frames"], row["hard"])
    _check(lang, fail)
    return lang


def _texts(value: Any, where: str, fail: _Fail) -> None:
    if not isinstance(value, list) or not value or not all(isinstance(t, str) and t.strip() for t in value):
        raise fail(f"{where} must be a non-empty list of non-empty strings")


def _check(lang: Language, fail: _Fail) -> None:
    if set(lang.phrases) != set(STOP_ACTS):
        raise fail(f"phrases must have one list per act, {sorted(STOP_ACTS)}")
    if set(lang.pools) != set(PARTS):
        raise fail(f"pools must be {PARTS}")
    for act in lang.frames:
        if act not in STOP_ACTS:
            raise fail(f"unknown act {act!r} in frames")
    for act in lang.hard:
        if act not in LEGIT_ACTS:  # a hard negative is a legitimate stop that looks early; else a wrong label
            raise fail(f"hard frames must be of a legitimate act, not {act!r}")
    for text in (*lang.thing, *(t for ts in lang.phrases.values() for t in ts)):
        _slots(text, fail)
        if any(part.lower() in _COMPOSED for part in _PART.findall(text)):
            raise fail(f"a part in a fixed text (only frames, pools and hard frames compose them): {text!r}")
    for name, texts in (*lang.pools.items(), *lang.frames.items(), *lang.hard.items()):
        for text in texts:
            _slots(text, fail)
            for part in _PART.findall(text):
                if part.lower() not in _COMPOSED:
                    raise fail(f"unknown part <{part}> in {text!r}")
                if part.lower() == name:  # a pool that holds itself never ends
                    raise fail(f"pool {name!r} refers to itself in {text!r}")


def _slots(text: str, fail: _Fail) -> None:
    for slot in _SLOT.findall(text):
        if slot.lower() not in SLOTS:
            raise fail(f"unknown slot {{{slot}}} in {text!r}")
