"""The corpus's languages that live in data files: one JSON file each under `languages/`.

English and the first five other languages (de, es, fr, pt, ja) are written in generate.py and grammar.py.
A language added since is one file, `languages/<code>.json`, read here and handed to both: its work
items (`thing`), its fixed phrasings per act (generate.py's `LANG_PHRASES`), and its grammar parts,
frames and hard-negative frames (grammar.py's `LANGS`). To add a language, write such a file (the
keys and counts are those of `languages/it.json`); `load` checks it, and the next training run uses it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from stopwarden.common.names import STOP_ACTS

FOLDER = Path(__file__).resolve().parent / "languages"
# What a file may use: generate.py's slots (language-neutral values) and grammar.py's parts.
SLOTS = frozenset({"path", "path2", "ident", "ident2", "thing", "step", "cred", "error"})
PARTS = ("lead", "np", "vp", "reason", "handoff")
_SLOT = re.compile(r"\{([A-Za-z_]+[0-9]?)\}")
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


def load(folder: Path = FOLDER) -> dict[str, Language]:
    """Every language file in `folder`, checked, by code (sorted, so the corpus is deterministic)."""
    out: dict[str, Language] = {}
    for path in sorted(folder.glob("*.json")):
        row = json.loads(path.read_text(encoding="utf-8"))
        lang = Language(
            code=row["code"],
            name=row["name"],
            thing=row["thing"],
            phrases=row["phrases"],
            pools=row["pools"],
            frames=row["frames"],
            hard=row.get("hard", {}),
        )
        _check(lang, path)
        out[lang.code] = lang
    return out


def _check(lang: Language, path: Path) -> None:
    def fail(why: str) -> None:
        raise ValueError(f"{path.name}: {why}")

    if path.stem != lang.code:
        fail(f"code {lang.code!r} is not the file's name")
    if set(lang.phrases) != set(STOP_ACTS):
        fail(f"phrases must have one list per act, {sorted(STOP_ACTS)}")
    if set(lang.pools) != set(PARTS):
        fail(f"pools must be {PARTS}")
    for act in (*lang.frames, *lang.hard):
        if act not in STOP_ACTS:
            fail(f"unknown act {act!r}")
    texts = [*lang.thing, *(t for ts in (*lang.phrases.values(), *lang.pools.values()) for t in ts)]
    texts += [t for ts in (*lang.frames.values(), *lang.hard.values()) for t in ts]
    for text in texts:
        for slot in _SLOT.findall(text):
            if slot.lower() not in SLOTS:
                fail(f"unknown slot {{{slot}}} in {text!r}")
        for part in _PART.findall(text):
            if part.lower() not in PARTS:
                fail(f"unknown part <{part}> in {text!r}")
