"""The review page (SPEC §7.4) in a real headless Chromium against a real server over its real API.

Debian's /usr/bin/chromium, driven by the PyPI `playwright` package (never `playwright install`: no
download). Without either the tests are skipped, unless STOPWARDEN_BROWSER_REQUIRED=1. Every test checks
that the page asked nothing of any host but the server, and threw no script error. Screenshots go to
tests/server/artifacts/.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from stopwarden.server import signin
from tests.server.conftest import PlanRepo, Server, evaluate_body, make_plan_repo, run_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
ARTIFACTS = Path(__file__).parent / "artifacts"
DAY = 86400.0
# Read at import: the suite's autouse fixture clears STOPWARDEN_* variables before each test.
REQUIRED = os.environ.get("STOPWARDEN_BROWSER_REQUIRED") == "1"
DASH = "\N{EN DASH}"  # the pager says "1<en dash>50"
FAR_EAST = "Pacific/Kiritimati"  # UTC+14 all year


def _missing() -> str | None:
    if not os.access(CHROMIUM, os.X_OK):
        return f"no browser at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install playwright; no `playwright install` needed)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if REQUIRED:
            pytest.fail(f"STOPWARDEN_BROWSER_REQUIRED=1 but {missing}", pytrace=False)
        pytest.skip(missing)
    # Imported by name, so that this module type-checks where playwright is not installed.
    sync_api: Any = importlib.import_module("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def expect() -> Any:
    return importlib.import_module("playwright.sync_api").expect


@dataclass
class Site:
    server: Server
    repo: PlanRepo
    url: str


@pytest.fixture
def site(installed: Path) -> Iterator[Site]:
    """A running server that accepts a verdict after one second on screen."""
    config = installed / ".stopwarden" / "config.toml"
    config.write_text(config.read_text() + "\n[review]\nmin_dwell_s = 1\n")
    repo = make_plan_repo(installed)
    for server in run_server(installed):
        yield Site(server, repo, f"http://127.0.0.1:{server.port}")


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    yield from open_page(browser, site)


@pytest.fixture
def far_east_page(browser: Any, site: Site) -> Iterator[Any]:
    """A browser whose local time is 14 hours ahead of UTC: its days start at 10:00 UTC the day before."""
    yield from open_page(browser, site, timezone_id=FAR_EAST)


def open_page(browser: Any, site: Site, **options: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(5000)
    page = context.new_page()
    requests: list[str] = []
    script_errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    def console(message: Any) -> None:
        # A refused request is logged by the browser itself ("... status of 403"): that is the test's doing.
        if message.type == "error" and "status of" not in message.text:
            script_errors.append(message.text)

    page.on("console", console)
    yield page
    context.close()
    strangers = [url for url in requests if not url.startswith(site.url + "/")]
    assert not strangers, f"the page asked another host: {strangers}"
    assert not script_errors, script_errors


# --- helpers -----------------------------------------------------------------------------------------------


def seed(site: Site, continues: int, allows: int) -> list[int]:
    """Real evaluations: `continue` for a context stop with a plan, `allow` for a question to the user."""
    ids = []
    for i in range(continues):
        body = evaluate_body(site.repo, session=f"c{i}", stop_text=f"I'll stop here to preserve context ({i}).")
        ids.append(site.server.call("POST", "/v1/evaluate", body)[1]["event_id"])
    for i in range(allows):
        body = evaluate_body(site.repo, session=f"a{i}", stop_text=f"Do you want CSV or Parquet for export {i}?")
        ids.append(site.server.call("POST", "/v1/evaluate", body)[1]["event_id"])
    return ids


def record(site: Site, decision: str, session: str, ts: float, text: str = "Stopping here.") -> int:
    """An event written straight into the store (any decision, any day)."""
    row = {"session_id": session, "agent": "claude-code", "ts": ts, "mode": "shadow", "decision": decision,
           "rule": "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE" if decision == "continue" else None,
           "signals": ["mentions_context"], "evidence_pointer": {"plan_file": "docs/plans/billing.md"},
           "latency_ms": 1.5, "stop_text": text, "project": "demo", "host": "box"}  # fmt: skip
    return site.server.store.record_event(row)[0]


def annotate(site: Site, event_id: int, verdict: str = "correct") -> None:
    body = {"verdict": verdict, "rationale": "read it", "operator": "bo", "dwell_ms": 20_000}
    code, answer = site.server.call("POST", f"/v1/events/{event_id}/annotations", body)
    assert code == 201, answer


def sign_in(page: Any, site: Site, token: str | None = None, operator: str = "ana") -> None:
    page.goto(site.url + "/")
    page.fill("#token", site.server.token if token is None else token)
    page.fill("#operator", operator)
    page.click("#login-form button[type=submit]")


def routed_in_time(page: Any, path: str, status: int) -> None:
    """Wait until a request from the page to `path` meets the route just set. Once, on a CI machine under
    load, the page read its settings without error right after `page.route` returned and the flash the test
    waits for never showed; a route not yet in force is the likeliest cause. A bare probe from the page,
    outside the app's code, shows when interception is in force."""
    deadline = time.monotonic() + 5
    while page.evaluate(f"fetch({path!r}, {{cache: 'no-store'}}).then((r) => r.status)") != status:
        assert time.monotonic() < deadline, f"{path} was not routed within 5 s"
        page.wait_for_timeout(50)


def rows(page: Any) -> Any:
    return page.locator("#events > li")


def no_horizontal_scroll(page: Any) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths[0]} px of content in {widths[1]} px"


# --- tests -------------------------------------------------------------------------------------------------


def test_sign_in_wrong_token_stale_token_and_forget(page: Any, site: Site, expect: Any) -> None:
    seed(site, 1, 0)
    sign_in(page, site, token="not-the-token")
    expect(page.locator("#login-error")).to_contain_text("wrong bearer token")
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('stopwarden.token')") is None

    page.fill("#token", site.server.token)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("[data-mode=shadow]")).to_have_attribute("aria-pressed", "true")
    expect(rows(page)).to_have_count(1)
    expect(page.locator("#who")).to_have_text("as ana")
    assert page.evaluate("sessionStorage.getItem('stopwarden.token')") == site.server.token
    assert page.evaluate("localStorage.length") == 0  # nothing outlives the tab

    page.reload()  # the same tab keeps its session
    expect(rows(page)).to_have_count(1)

    page.evaluate("sessionStorage.setItem('stopwarden.token', 'stale')")  # e.g. the token was rotated
    page.reload()
    expect(page.locator("#login-error")).to_contain_text("wrong bearer token")
    expect(page.locator("#login")).to_be_visible()

    sign_in(page, site)
    expect(page.locator("#app")).to_be_visible()
    page.click("#forget")
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#app")).to_be_hidden()
    assert page.evaluate("sessionStorage.getItem('stopwarden.token')") is None
    expect(page.locator("#operator")).to_have_value("ana")  # only the token is forgotten


def test_the_gate_state_and_why_it_would_allow_every_stop(page: Any, site: Site, expect: Any) -> None:
    seed(site, 1, 0)
    sign_in(page, site)
    state, warnings = page.locator("#gate-state"), page.locator("#gate-warnings")
    expect(state).to_contain_text(
        "authority rules · breaker closed · mode shadow: set at the server's first start, from the config"
    )
    expect(state).to_contain_text("decisions today: continue 1")
    expect(warnings).to_be_hidden()
    # Nothing annotated yet: no figure rather than a precision of 0.00, as `gate report` says it.
    expect(page.locator("#stats")).to_contain_text("Precision of continuen/a (0 right, 0 wrong)")
    expect(page.locator("#stats")).to_contain_text("Missed continues0 of 0 allow/escalate judged (n/a)")
    expect(page.locator("#stats")).to_contain_text("Failed opennone")

    # The breaker opens (an authority failing three times): the page says stops are now allowed unasked.
    site.server.store.put_breaker("rules", 3, time.time() + 600, None)
    page.click("#refresh")
    expect(state).to_contain_text("breaker open (3 failures in a row)")
    expect(warnings).to_contain_text("The breaker is open")
    expect(warnings).to_contain_text("stops are allowed without asking the authority")


def test_a_link_from_stopwarden_open_signs_in_once(page: Any, site: Site, expect: Any) -> None:
    seed(site, 1, 0)
    url = signin.link(site.server.port, site.server.token, "Ana Operator", time.time())
    page.goto(url)
    expect(page.locator("#app")).to_be_visible()  # nothing typed, no token pasted
    expect(page.locator("#who")).to_have_text("as Ana Operator")
    expect(rows(page)).to_have_count(1)
    assert "signin" not in page.url  # the code left the address bar (and never went into a request)

    page.evaluate("sessionStorage.clear()")
    page.goto("about:blank")
    page.goto(url)  # the same link again: used, so refused, saying what to do
    expect(page.locator("#login-error")).to_contain_text("run `stopwarden open` again")
    expect(page.locator("#app")).to_be_hidden()

    fresh = signin.link(site.server.port, site.server.token, "Ana Operator", time.time())
    page.evaluate("(hash) => { location.hash = hash; }", fresh.split("#", 1)[1])  # pasted into the same tab
    expect(page.locator("#app")).to_be_visible()


def test_filter_and_page_the_log(page: Any, site: Site, expect: Any) -> None:
    continues = seed(site, 3, 0)
    now = time.time()
    for i in range(55):
        record(site, "allow", f"bulk{i % 5}", now - 3600 - i)
    annotate(site, continues[0])
    sign_in(page, site)
    expect(rows(page)).to_have_count(50)
    expect(page.locator("#page-info")).to_have_text(f"1{DASH}50")
    expect(page.locator("#prev")).to_be_disabled()
    page.click("#next")
    expect(rows(page)).to_have_count(8)
    expect(page.locator("#page-info")).to_have_text(f"51{DASH}58")
    expect(page.locator("#next")).to_be_disabled()
    page.click("#prev")
    expect(rows(page)).to_have_count(50)

    page.select_option("#filters select[name=decision]", "continue")
    expect(rows(page)).to_have_count(3)
    expect(page.locator("#events .badge")).to_have_text(["continue"] * 3)
    expect(page.locator("#next")).to_be_disabled()

    page.fill("#filters input[name=session]", "c1")
    page.press("#filters input[name=session]", "Enter")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("c1")

    page.fill("#filters input[name=session]", "")
    page.select_option("#filters select[name=annotated]", "true")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("✓ correct")
    page.select_option("#filters select[name=annotated]", "false")
    expect(rows(page)).to_have_count(2)

    page.select_option("#filters select[name=decision]", "escalate")
    expect(page.locator("#log-empty")).to_be_visible()
    expect(rows(page)).to_have_count(0)

    # A fleet's log: one project, one host.
    page.select_option("#filters select[name=decision]", "")
    page.select_option("#filters select[name=annotated]", "")
    page.fill("#filters input[name=project]", "project")  # the served project's own evaluations
    page.press("#filters input[name=project]", "Enter")
    expect(rows(page)).to_have_count(3)
    page.fill("#filters input[name=project]", "demo")
    page.fill("#filters input[name=host]", "box")
    page.press("#filters input[name=host]", "Enter")
    expect(page.locator("#page-info")).to_have_text(f"1{DASH}50")
    expect(rows(page).first).to_contain_text("demo@box")
    page.fill("#filters input[name=host]", "elsewhere")
    page.press("#filters input[name=host]", "Enter")
    expect(rows(page)).to_have_count(0)


def test_annotate_with_the_keyboard_and_the_dwell_is_measured(page: Any, site: Site, expect: Any) -> None:
    first, second = seed(site, 2, 0)
    sign_in(page, site, operator="Ana Operator")
    expect(rows(page)).to_have_count(2)

    started = time.monotonic()
    page.keyboard.press("j")  # the newest event: shown, and its dwell starts
    expect(page.locator("#detail-h")).to_have_text(f"Event #{second}")
    page.keyboard.press("c")
    expect(page.locator("button[value=correct]")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("e")
    page.keyboard.type("Plan older than the session")
    page.keyboard.press("Enter")  # well under the server's one second: refused, and the page says why
    expect(page.locator("#annotate-msg")).to_contain_text("read the event for at least 1 s")
    assert site.server.call("GET", f"/v1/events/{second}/annotations")[1] == []

    page.wait_for_timeout(1200)
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text(f"Event #{second} annotated correct")
    elapsed_ms = (time.monotonic() - started) * 1000
    [stored] = site.server.call("GET", f"/v1/events/{second}/annotations")[1]
    assert stored["verdict"] == "correct" and stored["operator"] == "Ana Operator"
    assert stored["rationale"] == "Plan older than the session"
    assert 1000 <= stored["dwell_ms"] <= elapsed_ms, (stored["dwell_ms"], elapsed_ms)
    expect(rows(page).nth(0)).to_contain_text("✓ correct")

    # The page moved on to the next event, with a fresh form and a fresh dwell.
    expect(page.locator("#detail-h")).to_have_text(f"Event #{first}")
    expect(page.locator("#rationale")).to_have_value("")
    page.click("button[value=incorrect]")  # one click, but no rationale yet
    expect(page.locator("#annotate-msg")).to_contain_text("Say why in the rationale")
    expect(page.locator("#rationale")).to_be_focused()
    page.keyboard.type("unclear evidence")
    page.wait_for_timeout(1000)
    page.click("button[value=unclear]")
    expect(page.locator("#flash")).to_contain_text(f"Event #{first} annotated unclear")
    [stored] = site.server.call("GET", f"/v1/events/{first}/annotations")[1]
    assert stored["verdict"] == "unclear" and stored["dwell_ms"] >= 1000
    # Each verdict has its own mark in the list: a check mark is "correct" only.
    expect(page.locator("#events > li", has_text=f"#{first}")).to_contain_text("? unclear")
    expect(page.locator("#events")).not_to_contain_text("✓ unclear")


def test_keyboard_navigation(page: Any, site: Site, expect: Any) -> None:
    ids = sorted(seed(site, 2, 2), reverse=True)
    sign_in(page, site)
    expect(rows(page)).to_have_count(4)
    for key, index in (("j", 0), ("j", 1), ("j", 2), ("k", 1), ("ArrowDown", 2), ("ArrowUp", 1)):
        page.keyboard.press(key)
        expect(page.locator(f"#ev-{ids[index]}")).to_have_attribute("aria-selected", "true")
        expect(page.locator(f"#ev-{ids[index]}")).to_be_focused()
        expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[index]}")
    assert page.locator("#events [aria-selected=true]").count() == 1
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused row shows no focus ring"

    # Letters typed in the rationale are text, not shortcuts; Escape leaves the field.
    page.keyboard.press("e")
    page.keyboard.type("cij")
    expect(page.locator("#rationale")).to_have_value("cij")
    expect(page.locator("button[value=correct]")).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Escape")
    expect(page.locator(f"#ev-{ids[1]}")).to_be_focused()
    page.evaluate("document.querySelector('#events > li').dataset.stale = 'yes'")
    page.keyboard.press("r")  # a reload keeps the event on screen, its draft and its dwell
    expect(page.locator("#events > li[data-stale]")).to_have_count(0)  # the rows were drawn again
    expect(page.locator(f"#ev-{ids[1]}")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#rationale")).to_have_value("cij")
    expect(page.locator(f"#ev-{ids[1]}")).to_be_focused()
    page.keyboard.press("u")
    expect(page.locator("button[value=unclear]")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("i")
    expect(page.locator("button[value=incorrect]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("button[value=unclear]")).to_have_attribute("aria-pressed", "false")

    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#help")).to_be_hidden()
    page.keyboard.press("/")
    expect(page.locator("#filters input[name=session]")).to_be_focused()

    # Tab reaches the header's controls, each with a visible focus ring.
    page.locator("#forget").focus()
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#help-open")).to_be_focused()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_readiness_and_mode_refused_then_forced_and_the_kill_switch(page: Any, site: Site, expect: Any) -> None:
    ids = seed(site, 10, 10)
    last = ids.pop()  # an allow, left for the page to annotate
    for event_id in ids:
        annotate(site, event_id, "correct")
    sign_in(page, site)
    expect(page.locator("#ready-badge")).to_have_text("not ready")
    expect(page.locator("#checks li.unmet")).to_have_count(1)  # 19 annotated events of 20
    expect(page.locator("#checks li.unmet").first).to_contain_text("annotated events")
    expect(page.locator("#checks li.met")).to_contain_text(["annotated continue verdicts"])

    # enforce is refused with the server's reasons; cancelling changes nothing.
    page.click("[data-mode=enforce]")
    expect(page.locator("#ask")).to_be_visible()
    expect(page.locator("#ask-detail")).to_contain_text("not ready for enforce: 19 annotated events, need 20")
    page.click("#ask-cancel")
    expect(page.locator("#flash")).to_contain_text("Mode unchanged: not ready for enforce")
    assert site.server.call("GET", "/v1/mode")[1]["mode"] == "shadow"
    expect(page.locator("[data-mode=shadow]")).to_have_attribute("aria-pressed", "true")

    # ... or forced, with a reason that is recorded and shown.
    page.click("[data-mode=enforce]")
    expect(page.locator("#ask")).to_be_visible()
    page.click("#ask-ok")  # a forced enforce needs its reason
    expect(page.locator("#ask")).to_be_visible()
    assert site.server.call("GET", "/v1/mode")[1]["mode"] == "shadow"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "review-force-enforce.png"))
    page.fill("#ask-reason", "trial on a toy repo")
    page.click("#ask-ok")
    expect(page.locator("[data-mode=enforce]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#mode-note")).to_contain_text("trial on a toy repo")
    mode = site.server.call("GET", "/v1/mode")[1]
    assert mode["mode"] == "enforce" and mode["forced_reason"] == "trial on a toy repo"
    expect(page.locator("#oplog")).to_contain_text("enforce (forced: trial on a toy repo)")
    page.click("[data-mode=shadow]")
    expect(page.locator("[data-mode=shadow]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#mode-note")).to_be_hidden()

    # The twentieth annotation, made on the page, meets readiness: enforce needs no force now.
    page.select_option("#filters select[name=annotated]", "false")
    expect(rows(page)).to_have_count(1)
    page.keyboard.press("j")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{last}")
    page.fill("#rationale", "a real question to the user")
    page.wait_for_timeout(1100)
    page.click("button[value=correct]")
    expect(page.locator("#ready-badge")).to_have_text("ready")
    expect(page.locator("#checks li.unmet")).to_have_count(0)
    expect(page.locator("#checks li.met")).to_have_count(6)
    page.click("[data-mode=enforce]")
    expect(page.locator("[data-mode=enforce]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#ask")).to_be_hidden()
    mode = site.server.call("GET", "/v1/mode")[1]
    assert mode["mode"] == "enforce" and mode["forced_reason"] == ""

    # The kill switch: on with a reason (asked), off at once.
    page.click("#kill")
    expect(page.locator("#ask-h")).to_have_text("Turn the kill switch on?")
    page.fill("#ask-reason", "investigating a false block")
    page.keyboard.press("Enter")  # Enter in the reason confirms
    expect(page.locator("#kill")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#kill")).to_contain_text("ON")
    assert site.server.call("GET", "/v1/kill-switch")[1] == {
        "value": True,
        "scope": "*",
        "reason": "investigating a false block",
    }
    page.click("#kill")
    expect(page.locator("#kill")).to_have_attribute("aria-pressed", "false")
    assert site.server.call("GET", "/v1/kill-switch")[1]["value"] is False
    expect(page.locator("#oplog")).to_contain_text("on: investigating a false block")


def test_wide_and_narrow_layouts_and_screenshots(page: Any, site: Site, expect: Any) -> None:
    ids = seed(site, 3, 3)
    now = time.time()
    long_session = "session-" + "x" * 90  # a long unbroken id must wrap, not widen the page
    for day in range(1, 7):
        for n in range(day + 1):
            decision = ("allow", "continue", "escalate", "force_allow")[(day + n) % 4]
            record(site, decision, long_session if n == 0 else f"s{day}", now - day * DAY - n, f"Stop {day}/{n}.")
    for event_id in ids[:4]:
        annotate(site, event_id, "correct")
    ARTIFACTS.mkdir(exist_ok=True)

    sign_in(page, site)
    expect(rows(page)).to_have_count(33)
    page.keyboard.press("j")
    expect(page.locator("#detail-body")).to_be_visible()
    expect(page.locator("#chart rect")).not_to_have_count(0)
    bars = page.locator("#chart rect").count()
    assert bars >= 10, bars  # stacked: several decisions on several days
    expect(page.locator("#legend")).to_contain_text("continue")
    no_horizontal_scroll(page)
    layout = page.evaluate("[document.querySelector('#log').getBoundingClientRect().top,"
                           " document.querySelector('#detail').getBoundingClientRect().top]")  # fmt: skip
    assert abs(layout[0] - layout[1]) < 2, "wide: the log and the event sit side by side"
    page.screenshot(path=str(ARTIFACTS / "review-wide.png"), full_page=True)
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(200)  # let the rows' colour transitions finish
    page.screenshot(path=str(ARTIFACTS / "review-wide-dark.png"), full_page=True)
    page.emulate_media(color_scheme="light")

    page.set_viewport_size({"width": 420, "height": 900})
    page.fill("#filters input[name=session]", long_session)
    page.press("#filters input[name=session]", "Enter")
    expect(rows(page)).to_have_count(6)
    page.fill("#filters input[name=session]", "")
    page.press("#filters input[name=session]", "Enter")
    expect(rows(page)).to_have_count(33)
    rows(page).filter(has_text=long_session).last.click()  # the long id in the detail pane too
    expect(page.locator("#facts")).to_contain_text(long_session)
    no_horizontal_scroll(page)
    top = page.evaluate("[document.querySelector('#log').getBoundingClientRect().bottom,"
                        " document.querySelector('#detail').getBoundingClientRect().top]")  # fmt: skip
    assert top[1] >= top[0], "narrow: the event goes below the log"
    page.keyboard.press("?")
    no_horizontal_scroll(page)
    page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "review-narrow.png"), full_page=True)

    page.set_viewport_size({"width": 420, "height": 700})
    page.goto(site.url + "/")
    page.click("#forget")
    no_horizontal_scroll(page)
    expect(page.locator("#login-error")).to_contain_text("Token forgotten")
    page.screenshot(path=str(ARTIFACTS / "review-sign-in-narrow.png"), full_page=True)


def test_the_event_panel_names_each_fact_once(page: Any, site: Site, expect: Any) -> None:
    [event_id] = seed(site, 1, 0)
    sign_in(page, site)
    expect(rows(page)).to_have_count(1)
    page.keyboard.press("j")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{event_id}")
    names = page.locator("#facts > dt").all_text_contents()
    assert names.count("Project") == 1, names
    assert len(names) == len(set(names)), names
    expect(page.locator("#facts")).to_contain_text("project on ")


def test_bidi_controls_in_a_stop_text_are_shown_not_obeyed(page: Any, site: Site, expect: Any) -> None:
    """A right-to-left override in a stop text reordered what the operator read before a verdict ("…\u202eI
    will continue" showed reversed): each such character is shown as its escape, as the CLI shows it (an
    operator review). Line breaks stay."""
    record(site, "continue", "bidi", time.time(), text="Step 1 done.\n\u202eI will continue with the export\u202c")
    sign_in(page, site)
    expect(rows(page)).to_have_count(1)
    page.keyboard.press("j")
    shown = page.locator("#stop-text").text_content()
    assert shown == "Step 1 done.\n\\u202eI will continue with the export\\u202c", shown
    assert "\u202e" not in page.locator("#events").text_content()  # the row's preview too


def test_an_error_reading_the_settings_goes_once_they_are_read_again(page: Any, site: Site, expect: Any) -> None:
    """An operator review: the server stopped and came back, the log reloaded, and the red "could not read
    the gate's settings" stayed on the page."""
    sign_in(page, site)
    expect(page.locator("[data-mode=shadow]")).to_have_attribute("aria-pressed", "true")
    page.route("**/v1/mode", lambda route: route.fulfill(status=503, body="away"))  # the server away, for this request
    routed_in_time(page, "/v1/mode", 503)
    with page.expect_response("**/v1/mode") as answer:
        page.keyboard.press("r")
    assert answer.value.status == 503, "the refresh's request was not routed"
    expect(page.locator("#flash")).to_contain_text("Could not read the gate's settings.")
    page.unroute("**/v1/mode")
    page.keyboard.press("r")
    expect(page.locator("#flash")).to_be_hidden()


def test_a_refused_verdict_is_said_next_to_the_verdict_buttons(page: Any, site: Site, expect: Any) -> None:
    long_text = "\n".join(f"Line {n} of a long report before stopping." for n in range(90))
    first = record(site, "continue", "long", time.time() - 60, long_text)
    second = record(site, "continue", "long", time.time() - 120, long_text)
    sign_in(page, site)
    expect(rows(page)).to_have_count(2)
    message = page.locator("#annotate-msg")

    def near_the_buttons() -> None:
        expect(message).to_contain_text("read the event for at least 1 s")
        expect(message).to_be_in_viewport(ratio=1)  # not hidden below the panel's scrolled edge
        gap = page.evaluate("document.querySelector('#annotate-msg').getBoundingClientRect().top"
                            " - document.querySelector('.verdicts').getBoundingClientRect().bottom")  # fmt: skip
        assert 0 <= gap <= 24, f"the message is {gap} px from the verdict buttons"

    # A click, the panel scrolled so that the buttons sit on its lower edge, as after reading a long stop text.
    page.keyboard.press("j")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{first}")
    page.fill("#rationale", "too quick")
    page.evaluate("document.querySelector('.verdicts').scrollIntoView({block: 'end'})")
    page.click("button[value=correct]")  # well under the one second the server asks: a 409
    near_the_buttons()

    # The keyboard, on the next event (a fresh dwell): c, e, a rationale, Enter.
    page.locator(f"#ev-{first}").focus()
    page.keyboard.press("j")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{second}")
    page.evaluate("document.querySelector('#detail').scrollTop = 0")
    page.keyboard.press("c")
    page.keyboard.press("e")
    page.keyboard.type("also too quick")
    page.evaluate("document.querySelector('#detail').scrollTop = 0")
    page.keyboard.press("Enter")
    near_the_buttons()
    for event_id in (first, second):
        assert site.server.call("GET", f"/v1/events/{event_id}/annotations")[1] == []


def test_on_a_phone_a_verdict_stays_on_the_event(page: Any, site: Site, expect: Any) -> None:
    """At 360 by 740 pixels the event sits below 50 rows: after a verdict the page shows the next event and says the
    verdict was saved there, not the next row in the list with both out of sight (an operator review)."""
    seed(site, 30, 30)
    sign_in(page, site)
    page.set_viewport_size({"width": 360, "height": 740})
    expect(rows(page)).to_have_count(50)
    rows(page).nth(3).click()
    first = int((page.locator("#detail-h").text_content() or "").split("#")[1])
    expect(page.locator("#detail-h")).to_be_in_viewport()
    page.wait_for_timeout(1100)  # the server's dwell (1 s here)
    page.fill("#rationale", "read it")
    page.click("button[value=correct]")
    saved = page.locator("#saved")
    expect(saved).to_contain_text(f"Event #{first} annotated correct")
    expect(saved).to_be_in_viewport(ratio=1)
    expect(page.locator("#detail-h")).not_to_have_text(f"Event #{first}")  # the next event, in view
    expect(page.locator("#detail-h")).to_be_in_viewport()
    page.fill("#rationale", "too quick")
    page.click("button[value=correct]")  # refused, under the dwell: the last verdict's note goes (a cold review)
    expect(page.locator("#annotate-msg")).to_contain_text("read the event for at least 1 s")
    expect(saved).to_be_hidden()
    rows(page).nth(0).click()  # another event: the note goes with the event it was about
    expect(saved).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 900})  # wide: the flash says it, at the top
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(1100)
    page.fill("#rationale", "read it too")
    page.click("button[value=correct]")
    expect(page.locator("#flash")).to_contain_text("annotated correct")
    expect(saved).to_be_hidden()
    page.set_viewport_size({"width": 1280, "height": 600})  # short: the flash scrolled away, the note is at hand
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_timeout(1100)
    page.fill("#rationale", "read it, short window")
    page.click("button[value=correct]")
    expect(saved).to_contain_text("annotated correct")
    expect(saved).to_be_in_viewport()
    assert page.evaluate("document.querySelector('#detail').scrollTop") == 0  # the next event from its head


def test_the_chart_draws_the_last_7_local_days(far_east_page: Any, site: Site, expect: Any) -> None:
    page = far_east_page
    now = datetime.now(ZoneInfo(FAR_EAST))
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    days = [today - timedelta(days=back) for back in range(6, -1, -1)]  # 6 days ago .. today
    for i, day in enumerate(days):  # i + 1 events on the i-th day, just after its local midnight
        for n in range(i + 1):
            record(site, "continue", f"d{i}", min(day.timestamp() + 1 + n, now.timestamp() - 1))
    record(site, "allow", "before", days[0].timestamp() - 1)  # the day before the first: not drawn
    late = record(site, "allow", "late", days[-1].timestamp() - 1)  # 23:59:59 yesterday, local: yesterday's
    sign_in(page, site)
    expect(rows(page)).to_have_count(1 + 2 + 3 + 4 + 5 + 6 + 7 + 2)

    counts = [i + 1 + (i == 5) for i in range(7)]
    described = ", ".join(f"{day:%Y-%m-%d} {n}" for day, n in zip(days, counts, strict=True))
    expect(page.locator("#chart-desc")).to_have_text(f"Decisions per day: {described}.")
    expect(page.locator("#chart text.day")).to_have_text([f"{day:%m-%d}" for day in days])  # 7 bars' labels
    expect(page.locator("#chart-zone")).to_have_text(f"(last 7 days, local time: {FAR_EAST}, UTC+14:00)")
    expect(page.locator("#legend")).to_contain_text("continue 28")
    expect(page.locator("#legend")).to_contain_text("allow 1")
    # The list's time for the late event says the same day as the chart does, in the same zone.
    expect(page.locator(f"#ev-{late} .ev-time")).to_have_text(f"{days[5]:%m-%d} 23:59")
    expect(page.locator(f"#ev-{late} .ev-time")).to_have_attribute("title", f"{days[5]:%Y-%m-%d} 23:59:59 UTC+14:00")


def test_after_a_keyboard_annotation_the_next_shortcut_works(page: Any, site: Site, expect: Any) -> None:
    ids = sorted(seed(site, 4, 0), reverse=True)
    sign_in(page, site)
    expect(rows(page)).to_have_count(4)
    rationale = page.locator("#rationale")

    # c + Enter with no rationale yet: the page asks for one, in the box; the next Enter saves it.
    page.keyboard.press("j")
    page.keyboard.press("c")
    page.keyboard.press("Enter")
    expect(page.locator("#annotate-msg")).to_contain_text("Say why in the rationale")
    expect(rationale).to_be_focused()
    page.keyboard.type("plan older than the session")
    page.wait_for_timeout(1100)
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text(f"Event #{ids[0]} annotated correct")
    # Saved: the list has the focus again, on the next event, so the next keys are shortcuts, not text.
    expect(page.locator(f"#ev-{ids[1]}")).to_be_focused()

    # A rationale first, then Enter: the page asks for a verdict (c, i or u), and those keys pick one.
    page.keyboard.press("e")
    page.keyboard.type("no verdict yet")
    page.keyboard.press("Enter")
    expect(page.locator("#annotate-msg")).to_contain_text("Pick a verdict first")
    page.keyboard.press("i")
    expect(page.locator("button[value=incorrect]")).to_have_attribute("aria-pressed", "true")
    expect(rationale).to_have_value("no verdict yet")
    page.wait_for_timeout(1100)
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text(f"Event #{ids[1]} annotated incorrect")
    expect(page.locator(f"#ev-{ids[2]}")).to_be_focused()

    # A slow store: a key pressed while the verdict is being saved is a shortcut already, not a letter.
    page.evaluate("""() => {
        const real = window.fetch;
        window.fetch = (url, init) => String(url).includes("/annotations")
            ? new Promise((resolve) => setTimeout(resolve, 600)).then(() => real(url, init)) : real(url, init);
    }""")
    page.keyboard.press("c")
    page.keyboard.press("e")
    page.keyboard.type("slow store")
    page.wait_for_timeout(1100)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # pressed twice: saved once
    page.keyboard.press("u")
    expect(rationale).to_have_value("slow store")
    expect(page.locator("#flash")).to_contain_text(f"Event #{ids[2]} annotated correct")
    [stored] = site.server.call("GET", f"/v1/events/{ids[2]}/annotations")[1]
    assert (stored["verdict"], stored["rationale"]) == ("correct", "slow store")
    expect(page.locator(f"#ev-{ids[3]}")).to_be_focused()
    expect(rationale).to_have_value("")
    page.keyboard.press("k")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[2]}")

    # The last event of the page: it stays selected, and the list keeps the focus there too.
    page.keyboard.press("j")
    page.keyboard.press("u")
    page.keyboard.press("e")
    page.keyboard.type("cannot tell")
    page.wait_for_timeout(1100)
    page.keyboard.press("Enter")
    expect(page.locator("#flash")).to_contain_text(f"Event #{ids[3]} annotated unclear")
    expect(page.locator(f"#ev-{ids[3]}")).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[2]}")
    expect(rationale).to_have_value("")


def test_the_page_refreshes_itself_and_nothing_on_screen_moves(page: Any, site: Site, expect: Any) -> None:
    """Every 15 s while the tab is visible: the log, the status and the report. Never while the operator
    writes a rationale or a dialog is open; the event on screen keeps its place, its verdict and its dwell."""
    ids = sorted(seed(site, 3, 0), reverse=True)
    for i in range(25):  # older events: the list scrolls
        record(site, "continue", f"old{i}", time.time() - 60 - i)
    page.clock.install()  # the page's timers, under the test's hand (time still flows)
    sign_in(page, site)
    expect(rows(page)).to_have_count(28)
    expect(page.locator("#gate-state")).to_contain_text("decisions today: continue 28")
    page.keyboard.press("j")
    page.keyboard.press("j")
    shown = page.locator(f"#ev-{ids[1]}")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[1]}")
    page.keyboard.press("i")
    top = shown.bounding_box()["y"]

    def tick() -> None:
        page.clock.fast_forward(15_000)
        page.wait_for_timeout(300)  # time for an answer, if anything was asked

    newer = record(site, "allow", "live", time.time())
    tick()
    expect(rows(page)).to_have_count(29)  # no click: it came by itself
    expect(rows(page).first).to_have_attribute("id", f"ev-{newer}")
    expect(page.locator("#gate-state")).to_contain_text("decisions today: allow 1, continue 28")
    expect(page.locator("#legend")).to_contain_text("allow 1")
    # The event on screen: still selected and focused, where it was, its verdict and dwell going on.
    expect(shown).to_have_attribute("aria-selected", "true")
    expect(shown).to_be_focused()
    expect(page.locator("#events [aria-selected=true]")).to_have_count(1)
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[1]}")
    expect(page.locator("button[value=incorrect]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#dwell")).to_have_text(re.compile(r"on screen (1[5-9]|[2-9]\d) s"))
    assert abs(shown.bounding_box()["y"] - top) < 1, "the selected row moved"

    # Writing a rationale: no refresh under the operator's hands.
    page.keyboard.press("e")
    page.keyboard.type("looks like")
    record(site, "allow", "live", time.time())
    tick()
    tick()
    expect(rows(page)).to_have_count(29)
    expect(page.locator("#rationale")).to_have_value("looks like")
    page.keyboard.press("Escape")  # back to the list: the next tick brings it, the draft stays
    tick()
    expect(rows(page)).to_have_count(30)
    expect(page.locator("#rationale")).to_have_value("looks like")
    expect(shown).to_be_focused()

    # A dialog open: none either.
    record(site, "allow", "live", time.time())
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
    tick()
    expect(rows(page)).to_have_count(30)
    page.keyboard.press("Escape")
    tick()
    expect(rows(page)).to_have_count(31)

    # A hidden tab: none; shown again after that long, at once.
    page.evaluate("""() => {
        window.shown = "hidden";
        Object.defineProperty(document, "visibilityState", { configurable: true, get: () => window.shown });
        document.dispatchEvent(new Event("visibilitychange"));
    }""")
    record(site, "allow", "live", time.time())
    tick()
    expect(rows(page)).to_have_count(31)
    page.evaluate("""() => { window.shown = "visible"; document.dispatchEvent(new Event("visibilitychange")); }""")
    expect(rows(page)).to_have_count(32)
    expect(shown).to_have_attribute("aria-selected", "true")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[1]}")

    # The event on screen would leave the page (annotated elsewhere, under "not yet"): the list waits for
    # the operator to move on.
    page.select_option("#filters select[name=annotated]", "false")
    expect(rows(page)).to_have_count(32)
    page.click(f"#ev-{ids[0]}")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[0]}")
    annotate(site, ids[0])
    record(site, "allow", "live", time.time())
    tick()
    expect(page.locator(f"#ev-{ids[0]}")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[0]}")
    expect(rows(page)).to_have_count(32)
    page.keyboard.press("j")
    expect(page.locator("#detail-h")).to_have_text(f"Event #{ids[1]}")
    tick()
    expect(page.locator(f"#ev-{ids[0]}")).to_have_count(0)
    expect(rows(page)).to_have_count(32)  # one more, one annotated
    expect(page.locator(f"#ev-{ids[1]}")).to_have_attribute("aria-selected", "true")


def test_events_no_verdict_can_move_are_marked_not_counted(page: Any, site: Site, expect: Any) -> None:
    """A stop let through without the authority's verdict (here: no session start) is marked in the list
    and its panel says why annotating it moves no readiness figure."""
    [judged] = seed(site, 1, 0)
    body = evaluate_body(site.repo, session="unstarted", stop_text="Stopping for now.")
    body["evidence"].pop("session_start")
    unstarted = site.server.call("POST", "/v1/evaluate", body)[1]
    assert unstarted["short_circuit"] == "no_session_start", unstarted
    sign_in(page, site)
    expect(rows(page)).to_have_count(2)
    expect(page.locator(f"#ev-{unstarted['event_id']}")).to_have_class(re.compile(r"\buncounted\b"))
    expect(page.locator(f"#ev-{judged}")).not_to_have_class(re.compile(r"\buncounted\b"))
    page.locator(f"#ev-{unstarted['event_id']}").click()
    expect(page.locator("#facts")).to_contain_text("Counts toward readinessno: no_session_start decided it")
