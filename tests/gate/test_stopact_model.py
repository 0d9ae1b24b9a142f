"""The learned stop-act model: the exported weights load and score, fast, in pure Python, and never block a
legitimate hand-written stop; final_act reads a report's end; features are stable across processes."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stopwarden.common.names import LEGIT_ACTS, STOP_ACTS
from stopwarden.gate import stopact_model as model
from stopwarden.gate import stopacts
from stopwarden.gate.case import Case

CASES_PATH = Path(__file__).parents[2] / "training" / "cases.jsonl"
CASES = [json.loads(line) for line in CASES_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
# Measured when the model was exported: the exported model (trained on these cases among others) agrees
# with their labels at 1.00; the out-of-fold rate is in the training summary (cases_oof_accuracy).
CASES_AGREEMENT_FLOOR = 0.95

FOUR_KB = (
    "## Summary\n\n"
    + "\n\n".join(
        f"I updated src/module_{i}.py so the loader handles empty input, and added tests for it; "
        f"the suite passes ({100 + i} tests). The config parsing moved into its own function as well."
        for i in range(30)
    )
    + "\n\n```bash\nmake test\n```\n\nNext I need to hook the exporter up to the CLI."
)[-4096:]


def test_the_exported_model_loads_and_scores() -> None:
    probs = model.probabilities("All done: the exporter is implemented and every test passes.")
    assert set(probs) == set(STOP_ACTS)
    assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-9)
    act, p = model.top_act("All done: the exporter is implemented and every test passes.")
    assert act in STOP_ACTS and 0.0 < p <= 1.0
    assert 0.0 <= model.early_stop_score("Should I keep going with step 4?") <= 1.0


def test_thresholds_are_ordered_and_bands_follow_them() -> None:
    assert 0.0 < model.ALLOW_BELOW <= model.CONTINUE_AT <= 1.0
    assert model.band(model.CONTINUE_AT) == "continue"
    assert model.band(model.ALLOW_BELOW / 2) == "allow"
    if model.ALLOW_BELOW < model.CONTINUE_AT:
        assert model.band((model.ALLOW_BELOW + model.CONTINUE_AT) / 2) == "abstain"


def test_each_early_act_has_its_own_threshold_never_above_the_global_one(monkeypatch: pytest.MonkeyPatch) -> None:
    data = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    by_act = data["thresholds"].get("continue_at_by_act", {})
    assert set(by_act) <= set(model.EARLY_ACTS)
    assert all(0.9 <= at <= model.CONTINUE_AT for at in by_act.values())
    # A lower threshold for one act continues a score there and nowhere else; a model without them uses
    # the global threshold for every act.
    data["thresholds"] = {"continue_at": 0.97, "allow_below": 0.2, "continue_at_by_act": {"context_excuse": 0.92}}
    monkeypatch.setattr(model, "_model", model._Model(data))
    assert model.band(0.95, "context_excuse") == "continue"
    assert model.band(0.95, "next_step") == model.band(0.95) == "abstain"
    data["thresholds"] = {"continue_at": 0.97, "allow_below": 0.2}
    monkeypatch.setattr(model, "_model", model._Model(data))
    assert model.band(0.95, "context_excuse") == "abstain" and model.band(0.97, "permission") == "continue"
    probs = dict.fromkeys(STOP_ACTS, 0.0) | {"permission": 0.6, "next_step": 0.3, "completion": 0.1}
    assert model.named_early(probs) == "permission"


def test_an_unknown_attribute_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = model.NO_SUCH_THRESHOLD  # the module's __getattr__ types it float; at run time it is missing


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=3000))
def test_features_and_probabilities_never_raise_and_sum_to_one(text: str) -> None:
    feats = model.features(text)
    assert all(0 <= b < model.N_BUCKETS for b in feats)
    assert all(math.isfinite(v) for v in feats.values())
    probs = model.probabilities(text)
    assert math.isclose(sum(probs.values()), 1.0, abs_tol=1e-9)
    assert all(0.0 <= p <= 1.0 for p in probs.values())


def _scored_as_exported(text: str) -> dict[str, float]:
    """probabilities() the plain way, from the weights file itself: for each class, its weight of every
    feature (0 for a bucket the file does not list) times the feature's value, added up in the features'
    order, plus the intercept; then the softmax. Any faster scoring must give exactly these floats."""
    data = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    buckets, weights = model._unpack("I", data["buckets"]), model._unpack("h", data["weights"])
    classes, scale = data["classes"], float(data["scale"])
    row = {bucket: i for i, bucket in enumerate(buckets)}
    logits = []
    for k, bias in enumerate(float(x) for x in data["intercepts"]):
        total = 0.0
        for bucket, value in model.features(text).items():
            weight = weights[row[bucket] * len(classes) + k] * scale if bucket in row else 0.0
            total += value * weight
        logits.append(bias + total)
    exps = [math.exp(x - max(logits)) for x in logits]
    return {name: e / sum(exps) for name, e in zip(classes, exps, strict=True)}


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=800))
def test_scores_are_bit_for_bit_those_of_the_weights_file(text: str) -> None:
    assert model.probabilities(text) == _scored_as_exported(text)


def test_the_hand_written_cases_score_bit_for_bit_as_exported() -> None:
    for case in CASES:
        assert model.probabilities(case["text"]) == _scored_as_exported(case["text"]), case["id"]


@pytest.mark.parametrize(
    "text", ["", " \n\n ", "\ud800 lone surrogate", "```\nonly code\n```", "|a|b|\n|-|-|", "?" * 5000, "\x00\r\n\r"]
)
def test_odd_texts_score(text: str) -> None:
    assert math.isclose(sum(model.probabilities(text).values()), 1.0, abs_tol=1e-9)


def test_final_act_keeps_the_end_of_a_long_report() -> None:
    report = "\n\n".join(f"Paragraph {i}: I refactored module {i} and its tests pass." for i in range(60))
    text = report + "\n\nRemaining: the exporter and its docs."
    act = model.final_act(text)
    assert act.endswith("Remaining: the exporter and its docs.")
    assert len(act) <= model.ACT_CHARS
    assert "Paragraph 0:" not in act


def test_final_act_skips_trailing_code_tables_and_tool_notes() -> None:
    text = (
        "I fixed the parser.\n\nShould the cache be per user or global?\n\n"
        "```python\nprint('x')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n⏺ Bash(pytest -q)\n  ⎿  42 passed\n\n\n"
    )
    assert model.final_act(text).endswith("Should the cache be per user or global?")


def test_final_act_cuts_one_huge_paragraph_at_a_word() -> None:
    text = " ".join(f"word{i}" for i in range(2000)) + " Next I will add the tests."
    act = model.final_act(text)
    assert act.endswith("Next I will add the tests.") and len(act) <= model.ACT_CHARS
    assert act.split(" ", 1)[0].startswith("word")  # a whole word, not a fragment of one


def test_features_use_a_stable_hash_not_pythons_salted_one() -> None:
    code = (
        "import json, sys; from stopwarden.gate.stopact_model import features; "
        "print(json.dumps(sorted(features('Next, I will wire the parser into src/cli.py.').items())))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_negation_marks_the_words_a_negator_governs_within_its_clause() -> None:
    assert model._negated("nothing is left for a next session. the parser is next") == ["left", "for", "next"]
    assert model._negated("i didn't run out of context") == ["run", "out", "context"]
    assert model._negated("es gibt keine offenen punkte") == ["offenen", "punkte"]
    assert model._negated("next: the parser, no tests yet") == ["tests", "yet"]  # not past the comma
    assert model._negated("next I need to wire the parser") == []


@given(st.text(max_size=300))
def test_negated_words_are_words_of_the_text_and_bounded(text: str) -> None:
    low = text.lower()
    negated = model._negated(low)
    words = model._WORD.findall(low)
    assert len(negated) <= model._NEGATION_SCOPE * len(words)
    assert all(word in words for word in negated)


def test_a_shape_keeps_function_words_and_reduces_the_rest_to_their_inflection() -> None:
    # A state and a plan that share their content words differ in shape.
    state = model._shapes("zcode starts the api fine.")
    plan = model._shapes("next i'll start on the api.")
    assert "zcode S the W" in state and "< next i'll W" in plan
    assert not set(state) & set(plan)
    wired = ["< ED ING", "ED ING LY", "ING LY NUM", "LY NUM X", "NUM X >"]
    assert model._shapes("wired, testing, quickly, 000, größe")[:5] == wired


def test_a_typographic_apostrophe_is_read_as_the_ascii_one() -> None:
    # The corpus writes "I'll"; an agent that writes it with a typographic apostrophe must score the same.
    assert model.features("Next I\u2019ll wire the parser.") == model.features("Next I'll wire the parser.")


def test_other_scripts_question_marks_and_full_stops_are_read_as_such() -> None:
    # The Arabic question mark ends a question as "?" does; the danda and the Urdu full stop end a sentence.
    assert b"ends-q" in model._meta("\u0647\u0644 \u0623\u062a\u0627\u0628\u0639\u061f", "")
    assert model._WORD.findall("go on\u061f") == ["go", "on", "\u061f"]
    assert model._edge_sentences("Step 2 is done\u0964 Next I wire the CLI\u0964") == (
        "Step 2 is done\u0964",
        "Next I wire the CLI\u0964",
    )
    assert model._edge_sentences("Step 2 is done\u06d4 Next I wire the CLI.")[1] == "Next I wire the CLI."


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Τι λες; Θέλεις PostgreSQL ή SQLite;", "Τι λες? Θέλεις PostgreSQL ή SQLite?"),  # noqa: RUF001
        ("Να προχωρήσω με το βήμα 4\u037e", "Να προχωρήσω με το βήμα 4?"),  # noqa: RUF001 (U+037E, its own code point)
        ("Να κάνω merge;", "Να κάνω merge?"),  # noqa: RUF001 (another script's word after a Greek one)
        ("Να το ανοίξω στην κονσόλα του Google Cloud;", "Να το ανοίξω στην κονσόλα του Google Cloud?"),  # noqa: RUF001
        ("Να τρέξω το `make test`;", "Να τρέξω το `make test`?"),  # noqa: RUF001
        ("Πρόσθεσε στο τέλος: return null;", "Πρόσθεσε στο τέλος: return null;"),  # code's ";"
        ("Άλλαξε τη γραμμή σε int x = 0;", "Άλλαξε τη γραμμή σε int x = 0;"),
        ("const msg = 'Καλημέρα';", "const msg = 'Καλημέρα';"),
        ("Βάλε return null; στο τέλος", "Βάλε return null; στο τέλος"),  # the sentence goes on in lower case
        ("x = 1; y = 2;", "x = 1; y = 2;"),
    ],
)
def test_greeks_question_mark_is_read_as_one(text: str, read: str) -> None:
    """Greek writes "?" as ";" (U+037E, NFC U+003B): read as a question by every part of the gate (round 30)."""
    assert model.with_greek_questions(text) == read
    assert model.final_act(text) == read.strip()


def test_greek_questions_are_not_read_as_early_stops() -> None:
    """training/greek_questions.jsonl (round 30, 60 Greek stops by a helper that read no code): with Greek's
    question mark read, a question to the user is never an early act (1 of 20 was, a context excuse), and 11
    of 15 requests for leave to go on are read as such (4 before)."""
    rows = [json.loads(line) for line in CASES_PATH.with_name("greek_questions.jsonl").open(encoding="utf-8")]
    acts = [(row["act"], stopacts.classify(Case(stop_text=row["text"])).name) for row in rows]
    early = set(model.EARLY_ACTS)
    assert not [got for act, got in acts if act in ("question", "completion") and got in early]
    assert sum(got == "permission" for act, got in acts if act == "permission") >= 11


def test_the_concepts_of_the_act_and_its_last_sentence_are_features_in_any_language() -> None:
    # "Next in the plan" in Ukrainian shares no n-gram with the English, but the concept feature is the same.
    def concept(name: str) -> int:
        return zlib.crc32(name.encode(), model._SEED_CONCEPT) & model._MASK

    ukrainian = model.features("Міграцію написано. Наступне в плані — індекси.")
    english = model.features("The migration is written. Next in the plan: the indexes.")
    for name in ("c:next", "cl:next", "cl+:next"):
        assert ukrainian[concept(name)] == english[concept(name)] == model._CONCEPT_WEIGHT
    assert concept("c:done") not in ukrainian


@given(st.text(max_size=300))
def test_shapes_are_bounded_by_the_words_of_the_text(text: str) -> None:
    low = text.lower()
    shapes = model._shapes(low)
    assert len(shapes) <= 2 * (len(model._WORD.findall(low)) + 2 * len(model._SENTENCE_END.split(low)))
    assert all(len(gram.split()) in (3, 4) for gram in shapes)


def test_out_of_fold_false_blocks_stay_within_the_budget() -> None:
    """At most 1 in 500 legitimate stops the model judges out of fold reaches CONTINUE_AT (training/train.py);
    the development sets, never trained on, must see none (tests/gate/test_rules.py)."""
    summary = model.summary()
    assert summary["oof_false_blocks"] <= summary["false_block_budget"] * summary["oof_judged_legit"] + 1
    by_act = model._load().continue_at_by_act
    assert summary["thresholds"] == {
        "continue_at": model.CONTINUE_AT,
        "allow_below": model.ALLOW_BELOW,
        "continue_at_by_act": by_act,
    }
    assert summary["corpus_generated"] >= 2000 and summary["corpus_cases"] == len(CASES)


def test_the_hand_written_cases_are_labelled_and_the_model_agrees_with_them() -> None:
    assert len(CASES) >= 100
    assert {case["act"] for case in CASES} == set(STOP_ACTS)
    agreed = sum(model.top_act(case["text"])[0] == case["act"] for case in CASES)
    rate = agreed / len(CASES)
    print(f"exported model agrees with {agreed}/{len(CASES)} hand-written cases ({rate:.3f})")
    assert rate >= CASES_AGREEMENT_FLOOR


@pytest.mark.parametrize("case", [c for c in CASES if c["act"] in LEGIT_ACTS], ids=lambda c: c["id"])
def test_no_legitimate_hand_written_case_reaches_continue(case: dict[str, str]) -> None:
    assert model.early_stop_score(case["text"]) < model.CONTINUE_AT


def test_scoring_a_4_kb_text_is_fast() -> None:
    model.probabilities("warm up: the weights load once")
    assert len(FOUR_KB) == 4096
    timings = []
    for i in range(20):
        text = FOUR_KB.replace("module_", f"m{i}_")  # new tokens each time, so the token cache does not flatter
        start = time.perf_counter()
        model.early_stop_score(text)
        timings.append(time.perf_counter() - start)
    assert sorted(timings)[len(timings) // 2] < 0.010, timings


def test_a_weights_file_that_does_not_fit_is_refused() -> None:
    """A bucket past N_BUCKETS, or weights that do not fill a row per bucket, is an error at load, never an
    IndexError (or a wrong score) at the first stop."""
    import base64
    from array import array

    data = json.loads(model.MODEL_PATH.read_text(encoding="utf-8"))
    n = len(data["classes"])
    data["buckets"] = base64.b64encode(array("I", [model.N_BUCKETS]).tobytes()).decode("ascii")
    data["weights"] = base64.b64encode(array("h", [1] * n).tobytes()).decode("ascii")
    with pytest.raises(ValueError, match="out of range"):
        model._Model(data)
    data["buckets"] = base64.b64encode(array("I", [7]).tobytes()).decode("ascii")
    data["weights"] = base64.b64encode(array("h", [1] * (n - 1)).tobytes()).decode("ascii")
    with pytest.raises(ValueError, match="do not match"):
        model._Model(data)


def test_the_weights_file_is_small_and_loads_quickly() -> None:
    # 5 MB: each round of hand-written cases by new authors adds n-grams that carry weight (round 5:
    # 2.97 MB, 92,644 buckets, even pruned at 0.04; round 10's sentence shapes: 3.8 MB, 118,444 buckets;
    # round 12's twelve more languages and three authors: 4.8 MB, 148,803 buckets); what must hold is the
    # load time below.
    assert model.MODEL_PATH.stat().st_size < 5_000_000
    code = (
        "import time; from stopwarden.gate import stopact_model as m; t = time.perf_counter(); m._load(); "
        "print(time.perf_counter() - t)"
    )
    elapsed = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    assert elapsed < 0.5, elapsed  # about 30 ms on the development machine; generous for a loaded CI box


def test_importing_and_scoring_never_imports_sklearn_or_numpy() -> None:
    code = (
        "import sys; from stopwarden.gate import stopact_model as m; m.probabilities('Shall I continue?'); "
        "print(sorted(k for k in ('sklearn', 'numpy', 'scipy') if k in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_stops_the_real_clients_are_tested_with_are_early_stops() -> None:
    """The end-to-end tests block these stops in Claude Code, Codex, Gemini CLI and Copilot CLI; a model
    that lets one slip into its abstain band fails here, in a second, not only where the client is
    installed (round 7's model escalated the Copilot one: tests/data/FROZEN.md)."""
    from stopwarden.gate import stopacts
    from stopwarden.gate.case import Case
    from tests.e2e import stop_gate, test_copilot, test_stop_acts, test_stop_gate

    for text in (test_copilot.NEXT_STEP, test_stop_acts.CONTEXT_STOP, test_stop_acts.SILENT_STOP,
                 stop_gate.STOP, test_stop_gate.STOP):  # fmt: skip
        act = stopacts.classify(Case(stop_text=text))
        assert act.name in model.EARLY_ACTS, (text, act)
