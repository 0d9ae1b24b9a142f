"""The review page spells the product's names as names.py does (one name per concept): its decisions, its
modes' buttons and its verdicts, read from the files it ships (a new decision or mode fails here until the
page knows it)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import get_args

from stopwarden.common.names import DECISIONS, MODES
from stopwarden.server import models

STATIC = Path(__file__).parents[2] / "src" / "stopwarden" / "server" / "static"


def _js_list(name: str) -> list[str]:
    found = re.search(rf"^const {name} = (\[[^\]]*\]);", (STATIC / "app.js").read_text(encoding="utf-8"), re.M)
    assert found, f"app.js has no const {name}"
    return list(json.loads(found.group(1)))


def test_the_page_knows_every_decision_in_order() -> None:
    assert tuple(_js_list("DECISIONS")) == DECISIONS


def test_the_page_has_a_button_for_every_mode() -> None:
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert tuple(re.findall(r'data-mode="([a-z]+)"', html)) == MODES


def test_the_page_offers_every_verdict_the_api_takes() -> None:
    js = (STATIC / "app.js").read_text(encoding="utf-8")
    keys = re.search(r"^const VERDICT_KEYS = \{([^}]*)\};", js, re.M)
    assert keys
    offered = set(re.findall(r'"([a-z]+)"', keys.group(1)))
    verdict = models.AnnotationIn.model_fields["verdict"].annotation
    assert offered == set(get_args(verdict))
