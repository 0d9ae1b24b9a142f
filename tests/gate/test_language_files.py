"""The corpus's languages kept as data files (training/language_files.py): every committed file passes the
loader's checks, and a file that would put a broken template into the corpus is refused with its name."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from stopwarden.common.names import STOP_ACTS

TRAINING = Path(__file__).parents[2] / "training"


def _loader() -> ModuleType:
    # training/ is scripts, not a package: load the one module these tests need by its path.
    spec = importlib.util.spec_from_file_location("language_files", TRAINING / "language_files.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


language_files = _loader()


def _valid(code: str = "xx") -> dict[str, Any]:
    return {
        "code": code,
        "name": "Test",
        "thing": ["the parser"],
        "phrases": {act: [f"{act} of {{thing}} in {{path}}."] for act in STOP_ACTS},
        "pools": {part: ["x"] for part in language_files.PARTS},
        "frames": {"next_step": ["<lead?> Next: <np>."]},
        "hard": {"completion": ["<Lead> Nothing left."]},
    }


def _write(folder: Path, row: dict[str, Any], name: str = "xx.json") -> None:
    (folder / name).write_text(json.dumps(row, ensure_ascii=False), encoding="utf-8")


def test_every_committed_language_file_loads() -> None:
    languages = language_files.load()
    assert len(languages) >= 17
    for code, lang in languages.items():
        assert lang.code == code
        assert all(lang.phrases[act] for act in STOP_ACTS), code
        assert lang.frames.get("next_step"), code


def test_a_valid_file_loads(tmp_path: Path) -> None:
    row = _valid()
    row["phrases"]["completion"].append("Done: {thing} and {thing2}; `Result<T>` in {path}.")  # code, not a part
    row["frames"]["next_step"].append("<lead?> Open:\n<todo_list>")  # a list grammar.py builds from np and vp
    _write(tmp_path, row)
    assert list(language_files.load(tmp_path)) == ["xx"]


def test_a_file_may_not_replace_english(tmp_path: Path) -> None:
    _write(tmp_path, _valid("en"), "en.json")
    with pytest.raises(ValueError, match=r"en\.json: English is written in generate\.py"):
        language_files.load(tmp_path)


def test_a_file_that_is_no_json_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "xx.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"xx\.json: not a readable JSON file"):
        language_files.load(tmp_path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda row: row["phrases"]["completion"].append("Done with {thnig}."), "unknown slot"),
        (lambda row: row["frames"]["next_step"].append("Next: <nounphrase>."), "unknown part"),
        (lambda row: row["phrases"].pop("give_up"), "one list per act"),
        (lambda row: row["pools"].pop("vp"), "pools must be"),
        (lambda row: row["frames"].update(finished=["x"]), "unknown act"),
        (lambda row: row.update(code="yy"), "is not the file's name"),
        (lambda row: row["hard"].update(next_step=["<lead?> Next: <np>."]), "of a legitimate act"),
        (lambda row: row.update(thing="the parser"), "thing must be a non-empty list"),
        (lambda row: row["phrases"].update(completion=[]), "phrases.completion must be a non-empty list"),
        (lambda row: row.pop("hard"), "exactly the keys"),
        (lambda row: row.update(hards={}), "exactly the keys"),
        (lambda row: row["phrases"]["next_step"].append("Next: <np>."), "a part in a fixed text"),
        (lambda row: row["pools"].update(np=["<np> and <np>"]), "refers to itself"),
    ],
)
def test_a_broken_file_is_refused_by_name(tmp_path: Path, change: Any, message: str) -> None:
    row = _valid()
    change(row)
    _write(tmp_path, row)
    with pytest.raises(ValueError, match=rf"xx\.json: .*{message}"):
        language_files.load(tmp_path)
