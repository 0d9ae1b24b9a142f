"""`stopwarden eval` through the CLI: the dev corpus, both formats, bad case files (SPEC §8)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).parents[1] / "data" / "dev.jsonl"


@pytest.fixture(autouse=True)
def outside_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # eval needs no project


def test_dev_corpus_table(cli: Any) -> None:
    result = cli("eval", str(CORPUS))
    assert result.code == 0, result.err
    assert "block precision: 1.000" in result.out
    recall = float(result.out.split("block recall:")[1].split()[0])
    assert recall >= 0.9
    assert "confusion (rows: expected, columns: decided)" in result.out


def test_jsonl_format(cli: Any) -> None:
    lines = cli("eval", str(CORPUS), "--format", "jsonl", "--authority", "rules").out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert len(rows) == len(CORPUS.read_text().splitlines())
    assert set(rows[0]) == {"id", "decision", "rule", "expected"}


def test_a_false_block_fails_the_run(cli: Any, tmp_path: Path) -> None:
    row = json.loads(CORPUS.read_text().splitlines()[0])
    row.update(id="mislabelled", expected={"decision": "allow"})
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(row) + "\n")
    result = cli("eval", str(path))
    assert result.code == 1 and "block precision: 0.000" in result.out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "x"}\n', "cases.jsonl:1: not a stop-event case (KeyError"),
        ('\n{"id": "x", "stop_text": "s", "expected": {"decision": "maybe"}}\n', "cases.jsonl:2: not a stop-event"),
        ("not json\n", "cases.jsonl:1: not a stop-event case (JSONDecodeError"),
    ],
)
def test_bad_cases_name_the_line(cli: Any, tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(content)
    result = cli("eval", str(path))
    assert result.code == 1 and message in result.err


def test_unknown_authority(cli: Any) -> None:
    result = cli("eval", str(CORPUS), "--authority", "oracle")
    assert result.code == 1 and "unknown authority 'oracle'" in result.err
