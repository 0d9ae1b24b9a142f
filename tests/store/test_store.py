"""The store on both backends, a real SQLite file and a real PostgreSQL database (each test runs on both):
migrations, settings, events, counters, breaker, redaction."""

from __future__ import annotations

import sqlite3
import stat
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import inspect

from stopwarden.store import schema
from stopwarden.store.outbox import Outbox
from stopwarden.store.redact import STOP_TEXT_CHARS
from stopwarden.store.store import (
    LISTEN_WAKE_S,
    PG_POOL_SIZE,
    ShrinkingPool,
    Store,
    StoreUnavailable,
    event_columns,
    is_url,
    postgresql_engine,
)
from tests import postgres


@pytest.fixture
def store(store_url: str) -> Any:
    s = Store.open(store_url)
    yield s
    s.close()


def raw_dump(store: Store, store_url: str) -> bytes:
    """Everything the backend holds, as bytes: the SQLite files, or every table's rows as text."""
    if store.backend == "sqlite":
        return b"".join(p.read_bytes() for p in Path(store_url).parent.glob("stopwarden.db*"))
    with store.engine.connect() as conn:
        return "".join(
            str(row) for table in schema.TABLES for row in conn.exec_driver_sql(f"SELECT * FROM {table.name}")
        ).encode()


def event(**overrides: Any) -> dict[str, Any]:
    return {"session_id": "s1", "agent": "claude-code", "ts": 1000.0, "mode": "shadow", "decision": "allow",
            "rule": "U_LEGIT_COMPLETION", "signals": ["wants_to_stop"], "evidence_pointer": {}, "latency_ms": 1.5,
            "stop_text": "All done.", "project": "demo", "host": "box", **overrides}  # fmt: skip


def test_new_database_is_at_the_latest_version(store_url: str, store: Store) -> None:
    assert store.schema_version() == schema.LATEST
    if store.backend == "sqlite":  # a private file, in WAL mode
        assert stat.S_IMODE(Path(store_url).stat().st_mode) == 0o600
        assert sqlite3.connect(store_url).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.fixture
def second_url(store_url: str, request: pytest.FixtureRequest) -> str:
    """Another empty store of the same backend as `store_url`."""
    if is_url(store_url):
        cluster: postgres.Cluster = request.getfixturevalue("postgres_cluster")
        return cluster.create_database()
    return str(Path(store_url).parent / "fresh.db")


@pytest.mark.parametrize("start", range(1, schema.LATEST))
def test_upgrade_from_every_past_version_matches_the_current_schema(
    store_url: str, second_url: str, start: int
) -> None:
    old = Store.open(store_url, migrate=False)
    old.migrate(target=start)
    assert old.schema_version() == start
    if start == 1:  # a v1 database with data in it keeps its data
        with old.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO settings (key, value, updated_at) VALUES ('mode', 'enforce', 1)")
            conn.exec_driver_sql(
                "INSERT INTO events (session_id, agent, ts, mode, decision, signals_json, evidence_pointer_json,"
                " latency_ms, stop_text_preview)"
                " VALUES ('old', 'claude-code', 1, 'shadow', 'allow', '[]', '{}', 1, 'x')"
            )
    assert old.migrate() == [f"{n} {name}" for n, name, _ in schema.MIGRATIONS if n > start]
    fresh = Store.open(second_url)
    for table in schema.TABLES:
        upgraded = {c["name"]: str(c["type"]) for c in inspect(old.engine).get_columns(table.name)}
        created = {c["name"]: str(c["type"]) for c in inspect(fresh.engine).get_columns(table.name)}
        assert upgraded == created, table.name  # as the backend reports them (DOUBLE PRECISION for FLOAT...)
        assert set(created) == {c.name for c in table.columns}, table.name
        assert {i["name"] for i in inspect(old.engine).get_indexes(table.name)} == {
            i["name"] for i in inspect(fresh.engine).get_indexes(table.name)
        }
    if start == 1:
        assert old.events()[0]["session_id"] == "old"
        assert old.events()[0]["stop_text"] is None  # stored before the text was kept: the preview only
        assert old.settings() == {"*": {"mode": "enforce"}}  # what one project had set is now the fleet's


def test_a_newer_database_is_refused_untouched(store_url: str, store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(schema.schema_migrations.insert().values(version=schema.LATEST + 1, name="future", applied_at=0))
    with pytest.raises(schema.SchemaTooNew):
        Store.open(store_url)


def test_unopenable_database(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreUnavailable):
        Store.open(str(tmp_path / "dir.db"))
    with pytest.raises(StoreUnavailable) as refused:  # nothing listens there; the password is never shown
        Store.open(f"postgresql://me:hunter2@127.0.0.1:{postgres.free_port()}/db")
    assert "hunter2" not in str(refused.value) and "me:***@127.0.0.1" in str(refused.value)


def test_settings_survive_reopening(store_url: str, store: Store) -> None:
    store.put_settings({"mode": "enforce", "kill_switch": "1"}, 5.0)
    store.put_settings({"mode": "shadow"}, 6.0)
    store.put_settings({"mode": "off"}, 7.0, scope="billing")
    store.close()
    again = Store.open(store_url)
    assert again.settings(("*", "billing", "other")) == {
        "*": {"mode": "shadow", "kill_switch": "1"},
        "billing": {"mode": "off"},
        "other": {},
    }


def test_a_fleet_wide_change_reaches_a_projects_own_setting_only_on_sqlite(store: Store, tmp_path: Path) -> None:
    """With SQLite the store is this project's: `*` is this project, and a change of `*` also takes its own
    setting (left by an earlier `--scope NAME`), so `gate mode off` turns the gate off here. A store a fleet
    shares keeps each project's own setting over `*`'s."""
    from stopwarden.common.config import Config
    from stopwarden.gate import settings

    (tmp_path / ".stopwarden").mkdir()  # where the settings in force are written for the hook
    config = Config(root=str(tmp_path), project="billing", host="h")
    settings.set_mode(store, config, "enforce", force="trial", scope="billing")
    settings.set_kill_switch(store, config, True, "incident", scope="billing")
    now = settings.set_mode(store, config, "off")
    settings.set_kill_switch(store, config, False)
    own = store.settings(("billing",))["billing"]
    if store.backend == "sqlite":
        assert (now.mode, own["mode"], own["kill_switch"]) == ("off", "off", "0")
        assert settings.read(store, config).kill_switch is False
    else:
        assert (now.mode, own["mode"], own["kill_switch"]) == ("enforce", "enforce", "1")
        assert settings.read(store, config).kill_switch is True
    settings.set_mode(store, config, "shadow")
    other = Config(root=str(tmp_path), project="search", host="h")  # a project with no setting of its own
    assert settings.read(store, other).mode == "shadow" and "mode" not in store.settings(("search",))["search"]


def test_a_session_filter_takes_an_id_or_its_start(store: Store) -> None:
    """A session id, or the start of one with "*" after it, as an operator copies it (an operator review: a
    prefix matched nothing), on both backends: a whole id only itself (the page's "only this session"), a
    prefix nothing that merely sorts near it, and no wildcard but the last "*"."""
    ids = ["9f3c-01aa", "9f3c-01ab", "9f3d-0000", "9f3C-01aa", "9f3", "9f3c_%x", "9f3c\U0010ffff", "x9f3c", "s1", "s10"]
    for i, session_id in enumerate(ids):
        store.record_event(event(ts=1000.0 + i, session_id=session_id))

    def found(session: str) -> set[str]:
        return {e["session_id"] for e in store.events(session=session)}

    assert found("s1") == {"s1"} and found("9f3") == {"9f3"} and found("9f3c") == set()  # a whole id
    assert found("9f3c*") == {"9f3c-01aa", "9f3c-01ab", "9f3c_%x", "9f3c\U0010ffff"}
    assert found("9f3c-01*") == {"9f3c-01aa", "9f3c-01ab"}
    assert found("9f3c-01aa*") == {"9f3c-01aa"}
    assert found("9f3c_*") == {"9f3c_%x"} and found("9f3c_%*") == {"9f3c_%x"}  # not LIKE's wildcards
    assert found("9f3*") == set(ids) - {"x9f3c", "s1", "s10"}
    assert found("s1*") == {"s1", "s10"} and found("nope*") == set()


def test_first_session_start_wins(store: Store) -> None:
    assert store.start_session("s1", "claude-code", 10.0, "startup", "billing").recorded
    assert not store.start_session("s1", "claude-code", 20.0, "resume", "billing").recorded
    assert store.session_start("s1") == 10.0
    assert store.session_start("nope") is None


def test_events_newest_first_with_filters(store: Store) -> None:
    for i in range(5):
        store.record_event(event(ts=1000.0 + i, decision="allow" if i % 2 else "continue", session_id=f"s{i % 2}"))
    assert [e["ts"] for e in store.events(limit=3)] == [1004.0, 1003.0, 1002.0]
    assert {e["decision"] for e in store.events(decision="continue")} == {"continue"}
    assert [e["ts"] for e in store.events(since=1003.0)] == [1004.0, 1003.0]
    assert {e["session_id"] for e in store.events(session="s1")} == {"s1"}
    assert store.events()[0]["signals"] == ["wants_to_stop"]
    assert store.evaluation_times(1002.0, None, 10) == [1004.0, 1003.0, 1002.0]
    assert store.evaluation_times(0, "s1", 10) == [1003.0, 1001.0]
    assert store.decision_counts(0) == {"allow": 2, "continue": 3}
    assert store.prune(before=1003.0) == 3
    assert len(store.events()) == 2


def test_pruned_events_take_their_annotations_with_them(store: Store) -> None:
    """An annotation left behind by retention would become the verdict of a new event that gets the same id
    (SQLite numbers from 1 again once the table is empty) and count for readiness (an operator review)."""
    ids = [store.record_event(event(ts=1000.0 + i, session_id=f"p{i}")).event_id for i in range(3)]
    for event_id in ids:
        store.add_annotation(event_id, "ana", "correct", "read it", 20_000, 2000.0)
    assert store.prune(before=1001.5) == 2
    assert [store.annotations(i) for i in ids[:2]] == [[], []] and len(store.annotations(ids[2])) == 1
    assert store.prune(before=5000.0) == 1
    assert store.annotation_summary()["annotated"] == 0
    fresh = store.record_event(event(ts=6000.0, session_id="new")).event_id
    assert store.annotations(fresh) == [] and store.annotation_summary()["annotated"] == 0


def test_secrets_are_redacted_before_storage(store_url: str, store: Store) -> None:
    # Tokens of their real lengths (the rule set knows each format exactly), built from pieces.
    text = (
        "key sk-ant-api03-abcdefghijklmnopqrstuvwx and " + "ghp_" + "zyxwvutsrqponmlkjihgfedcba9876543210, "
        "AKIAABCDEFGHIJKLMNOP, Bearer abcdef.ghijk1.mnopqr"
    )
    pat = "github_pat_" + ("abcdefghijklmnopqrstuvwxyz" + "0123456789")[::-1] * 2 + "a" * 10
    store.record_event(event(stop_text=text, evidence_pointer={"plan_file": pat}))
    raw = raw_dump(store, store_url)
    for secret in (b"sk-ant-api03", b"ghp_zyxwvu", b"AKIAABCDEF", b"github_pat_9876", b"abcdef.ghijk1"):
        assert secret not in raw
    stored = store.events()[0]
    assert "[REDACTED:sk-api-key]" in stored["stop_text_preview"]
    assert len(store.events()[0]["stop_text_preview"]) <= 200


def test_the_stop_text_is_kept_redacted_bounded_and_with_its_end(store_url: str, store: Store) -> None:
    secret = "ghp_" + "zyxwvutsrqponmlkjihgfedcba9876543210"
    report = "Wrote the invoice model and its repository for step 1 of the plan. " * 150  # 10 KiB of narration
    end = f"The deploy token is {secret}. To preserve context I'll stop here; a fresh session does the rest."
    store.record_event(event(stop_text=report + end))
    store.record_event(event(stop_text="Short.", ts=1001.0))
    assert secret.encode() not in raw_dump(store, store_url)
    long, short = store.events()[1], store.events()[0]
    assert long["stop_text_preview"] == report[:200]
    kept = long["stop_text"]
    assert len(kept) <= STOP_TEXT_CHARS and kept.startswith(report[:500]) and "characters cut" in kept
    assert kept.endswith("[REDACTED:github-pat]. To preserve context I'll stop here; a fresh session does the rest.")
    assert short["stop_text"] == short["stop_text_preview"] == "Short."


def test_the_continue_ceiling_holds_under_concurrency(store: Store) -> None:
    granted: list[bool] = []

    def record() -> None:
        for _ in range(25):
            granted.append(store.record_event(event(decision="continue"), counts_continue=True, ceiling=2)[1])

    threads = [threading.Thread(target=record) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert granted.count(True) == 2 and store.continues("s1") == 2
    events = store.events(limit=1000)
    assert len(events) == 100  # every request is an event
    assert sum(e["decision"] == "continue" for e in events) == 2
    assert sum(e["decision"] == "force_allow" and e["short_circuit"] == "ceiling" for e in events) == 98


def test_stuck_sessions_are_reported_once_to_a_new_session(store: Store) -> None:
    assert store.start_session("n1", "claude-code", 1.0, "startup", "billing") == (True, None)
    store.mark_stuck("s8", 40.0, "billing")
    store.mark_stuck("s9", 50.0, "billing")
    store.mark_stuck("t1", 60.0, "search")
    # A resumed session is not a new one: it is not told, and the report waits for the next new session.
    assert store.start_session("n1", "claude-code", 70.0, "resume", "billing") == (False, None)
    # The latest of its own project's, and only those.
    assert store.start_session("n2", "claude-code", 80.0, "startup", "billing") == (True, "s9")
    assert store.start_session("n3", "claude-code", 90.0, "startup", "billing") == (True, None)
    assert store.start_session("n4", "claude-code", 95.0, "startup", "search") == (True, "t1")


def test_breaker_row(store: Store) -> None:
    assert store.breaker("rules")["failures"] == 0
    store.put_breaker("rules", 3, 100.0, None)
    assert store.breaker("rules") == {"authority": "rules", "failures": 3, "open_until": 100.0, "probe_until": None}


def test_an_outbox_replayed_twice_stores_each_event_once(tmp_path: Path, store: Store) -> None:
    outbox = Outbox(str(tmp_path / "outbox.db"))
    for i in range(3):
        outbox.append(event(ts=2000.0 + i, stop_text=f"key sk-ant-api03-{'x' * 24} ({i})"))
    assert b"sk-ant-api03" not in (tmp_path / "outbox.db").read_bytes()  # redacted before it is kept
    kept = outbox.pending()
    assert outbox.drain(store) == 3 and outbox.pending() == 0 and kept == 3
    rows = store.events(limit=10)
    assert len(rows) == 3 and [r["ts"] for r in rows] == [2002.0, 2001.0, 2000.0]
    # A drain cut off between storing and forgetting replays the batch: nothing is stored twice.
    assert store.import_events([{**event_columns(event(ts=2000.0)), "event_uid": rows[-1]["event_uid"]}]) == 0
    assert len(store.events(limit=10)) == 3


def test_readiness_counts_one_projects_annotations_or_every_projects(store: Store) -> None:
    from stopwarden.gate import settings

    for i, project in enumerate(["billing", "billing", "search"]):
        event_id = store.record_event(
            event(ts=3000.0 + i, decision="continue", project=project, session_id=f"s{i}")
        ).event_id
        store.add_annotation(event_id, "ana", "correct", "plan and commit are there", 20_000, 3100.0)
    assert store.annotation_summary("billing")["continue_correct"] == 2
    assert store.annotation_summary("search")["continue_correct"] == 1
    assert store.annotation_summary()["continue_correct"] == 3
    assert settings.readiness(store, "search")["annotations"]["annotated"] == 1
    assert [e["project"] for e in store.events(project="search")] == ["search"]
    assert store.daily_counts(0, "billing")[0]["decisions"] == {"continue": 2}


def test_daily_counts_skip_a_time_that_is_no_time(store: Store) -> None:
    store.record_event(event(ts=86_400.0 * 3))
    if store.backend == "sqlite":  # SQLite keeps whatever another tool writes into a REAL column
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE events SET ts = 'yesterday'")
        store.record_event(event(ts=86_400.0 * 3, session_id="s2"))
    assert [d["day"] for d in store.daily_counts(0)] == ["1970-01-04"]


MISSED_TWO_OF_TEN = "2 of 10 annotated allow/escalate verdicts were missed continues (0.20), need at most 0.1"


def test_missed_continues_count_against_readiness(store: Store) -> None:
    """An `allow` or `escalate` judged incorrect is a continue the gate missed: over a tenth of the annotated
    allow/escalate verdicts, and enforce is not ready, whatever the precision of `continue`."""
    from stopwarden.gate import settings

    def judged(decision: str, verdict: str, n: int) -> list[int]:
        ids: list[int] = []
        for _ in range(n):
            event_id = store.record_event(event(ts=5000.0 + len(ids), decision=decision, session_id="r")).event_id
            store.add_annotation(event_id, "ana", verdict, "read it", 20_000, 5100.0)
            ids.append(event_id)
        return ids

    judged("continue", "correct", 10)
    none_yet = settings.readiness(store)
    assert "no annotated allow/escalate verdict judged correct or incorrect yet" in "; ".join(none_yet["unmet"])
    judged("allow", "correct", 8)
    judged("allow", "unclear", 1)  # neither right nor wrong: not counted either way
    missed = judged("allow", "incorrect", 1) + judged("escalate", "incorrect", 1)
    summary = store.annotation_summary()
    assert summary["missed_continue"] == 2 and summary["let_through_judged"] == 10 and summary["escalate"] == 1
    assert (summary["allow_correct"], summary["allow_incorrect"], summary["escalate_incorrect"]) == (8, 1, 1)
    ready = settings.readiness(store)
    check = next(c for c in ready["checks"] if c["name"] == "missed continues among annotated allow/escalate verdicts")
    assert check == {"name": check["name"], "value": 0.2, "threshold": 0.1, "op": "<=", "met": False}
    assert ready["unmet"] == [
        "2 of 10 annotated allow/escalate verdicts were missed continues (0.20), need at most 0.1"
    ]
    assert ready["precision"] == 1.0  # every block right, and still not ready
    store.add_annotation(missed[1], "bo", "correct", "on second reading", 20_000, 5200.0)  # the latest counts
    assert settings.readiness(store)["ready"] is True
    assert settings.readiness(store)["missed_continue_rate"] == 0.1  # 1 of 10: at the threshold


def test_unclear_annotations_count_for_nothing(store: Store) -> None:
    """An event whose latest annotation is `unclear` counts neither among the annotated events nor among the
    annotated `continue`s and `allow`s (SPEC §7.3): two real judgements and twenty-one unclear ones are not
    ready (an operator review found enforce reachable so)."""
    from stopwarden.gate import settings

    for i, (decision, verdict) in enumerate([("continue", "correct"), ("allow", "correct")] + [
        (("continue", "allow", "escalate")[i % 3], "unclear") for i in range(21)
    ]):  # fmt: skip
        event_id = store.record_event(event(ts=6000.0 + i, decision=decision, session_id="u")).event_id
        store.add_annotation(event_id, "ana", verdict, "read it", 20_000, 6100.0)
    summary = store.annotation_summary()
    assert (summary["annotated"], summary["continue"], summary["allow"], summary["escalate"]) == (2, 1, 1, 0)
    ready = settings.readiness(store)
    assert ready["ready"] is False
    assert ready["unmet"][:3] == [
        "2 annotated events, need 20",
        "1 annotated continue verdicts, need 5",
        "1 annotated allow verdicts, need 5",
    ]


def test_annotated_events_for_export(store: Store) -> None:
    """What `gate export --annotated` reads: the authority's verdicts that were annotated, oldest first,
    each with its latest annotation; short-circuits and unannotated events are not among them."""
    ids = [store.record_event(event(ts=4000.0 + i, project=p, session_id=f"x{i}"))[0]
           for i, p in enumerate(["billing", "billing", "search", "billing"])]  # fmt: skip
    skipped = store.record_event(event(ts=4010.0, short_circuit="no_evidence", project="billing")).event_id
    store.add_annotation(ids[0], "ana", "incorrect", "it should have gone on", 20_000, 4100.0)
    store.add_annotation(ids[1], "ana", "correct", "a real completion", 20_000, 4101.0)
    store.add_annotation(ids[1], "bo", "unclear", "not sure after all", 20_000, 4102.0)
    store.add_annotation(ids[2], "ana", "correct", "a question", 20_000, 4103.0)
    store.add_annotation(skipped, "ana", "correct", "no plan", 20_000, 4104.0)
    found = store.annotated_events()
    assert [e["event_id"] for e in found] == ids[:3]  # not the unannotated one, not the short-circuit
    assert [e["annotation"] for e in found[:2]] == [
        {"verdict": "incorrect", "rationale": "it should have gone on", "operator": "ana"},
        {"verdict": "unclear", "rationale": "not sure after all", "operator": "bo"},  # the latest
    ]
    assert found[0]["signals"] == ["wants_to_stop"] and found[0]["stop_text"] == "All done."
    assert [e["event_id"] for e in store.annotated_events("search")] == [ids[2]]


def test_a_stuck_session_is_told_to_one_new_session_of_two_servers(store_url: str, store: Store) -> None:
    """Sessions starting at once on two servers sharing the store: exactly one of them is told."""
    other = Store.open(store_url)
    store.mark_stuck("s-stuck", 40.0, "billing")
    told: list[str | None] = []

    def start(s: Store, prefix: str) -> None:
        for i in range(10):
            told.append(s.start_session(f"{prefix}-{i}", "claude-code", 100.0 + i, "startup", "billing").stuck)

    threads = [threading.Thread(target=start, args=(s, f"{n}")) for n, s in enumerate((store, other) * 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert told.count("s-stuck") == 1 and told.count(None) == 59
    other.close()


def test_rate_counters_and_the_breaker_hold_across_two_servers(store_url: str, store: Store) -> None:
    """Two stores on one database stand for two servers: their concurrent takes never pass a limit, and
    concurrent failures all count."""
    other = Store.open(store_url)
    taken: list[bool] = []

    def take(s: Store) -> None:
        for _ in range(10):
            taken.append(s.take_rate([("session:x", 3600.0, 5), ("project:p", 0.0, 100)]))
            s.breaker_failed("llm", 50.0, to_open=30, open_seconds=300.0)

    threads = [threading.Thread(target=take, args=(s,)) for s in (store, other) * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert taken.count(True) == 5
    assert store.breaker("llm")["failures"] == 60 and store.breaker("llm")["open_until"] == 350.0
    # All or none: a full session counter takes nothing from the project's.
    assert not store.take_rate([("project:p", 0.0, 100), ("session:x", 3600.0, 5)])
    assert store.take_rate([("project:p", 0.0, 6)])  # 5 taken before: the refused call took none
    assert not store.take_rate([("project:p", 0.0, 6)])
    assert store.take_rate([("session:x", 7200.0, 5)])  # the next window starts again at 1
    store.breaker_succeeded("llm")
    assert store.breaker("llm") == {"authority": "llm", "failures": 0, "open_until": None, "probe_until": None}
    other.close()


def test_the_settings_watch_wakes_on_notify_and_polls_without_it(postgres_cluster: postgres.Cluster) -> None:
    """A change wakes the watcher at once; with no LISTEN possible (here: no database at all) it still
    wakes every poll period, which is how a server behind a transaction-pooling proxy learns of changes."""
    writer = Store.open(postgres_cluster.create_database())
    wakes: list[float] = []
    stop = threading.Event()
    watched = Store.open(str(writer.engine.url.render_as_string(hide_password=False)))
    watcher = threading.Thread(target=watched.watch_settings, args=(lambda: wakes.append(time.monotonic()), stop, 1.0))
    watcher.start()
    try:
        deadline = time.monotonic() + 5
        while not wakes and time.monotonic() < deadline:  # the first wake: connected and listening
            time.sleep(0.01)
        time.sleep(0.1)
        before, changed_at = len(wakes), time.monotonic()
        writer.put_settings({"kill_switch": "1"}, 1.0)
        while len(wakes) == before and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(wakes) > before and wakes[-1] - changed_at < 0.5  # at once, not at the next poll, 0.9 s later
    finally:
        stop.set()
        watcher.join(10)
        writer.close()
        watched.close()
    nowhere = Store(postgresql_engine(f"postgresql://x@127.0.0.1:{postgres.free_port()}/db"))
    polls: list[float] = []
    stop = threading.Event()
    poller = threading.Thread(target=nowhere.watch_settings, args=(lambda: polls.append(time.monotonic()), stop, 0.2))
    poller.start()
    time.sleep(1.1)
    stop.set()
    poller.join(10)
    assert len(polls) >= 4


def test_an_event_the_database_refuses_is_set_aside_not_in_the_way(tmp_path: Path, store: Store) -> None:
    outbox = Outbox(str(tmp_path / "outbox.db"))
    outbox.append(event(ts=4000.0, session_id="before"))
    outbox.append(event(ts=4001.0, session_id="refused", decision=None))  # NOT NULL: refused for itself
    outbox.append(event(ts=4002.0, session_id="after"))
    assert outbox.drain(store) == 2 and outbox.pending() == 0
    assert sorted(e["session_id"] for e in store.events()) == ["after", "before"]
    refused = sqlite3.connect(tmp_path / "outbox.db").execute("SELECT event FROM refused").fetchall()
    assert len(refused) == 1 and '"refused"' in refused[0][0]
    assert stat.S_IMODE((tmp_path / "outbox.db").stat().st_mode) == 0o600


def wait_until(condition: Any, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s"
        time.sleep(0.02)


def test_the_pool_opens_on_demand_and_shrinks_back(postgres_cluster: postgres.Cluster) -> None:
    """A burst opens as many connections as it needs at once (six, over the pool's size); once idle for
    the pool's idle time every one is closed, and the pool's accounting still lets the next burst open as
    many again (else it would wait on a pool it thinks full, and fail)."""
    url = postgres_cluster.create_database()
    store = Store(postgresql_engine(url, idle_s=0.5))
    store.migrate()
    try:
        for burst in (1, 2):
            barrier = threading.Barrier(6)

            def busy(i: int, burst: int = burst, barrier: threading.Barrier = barrier) -> None:
                barrier.wait()
                with store._read() as conn:  # six at once: six connections
                    conn.exec_driver_sql("SELECT pg_sleep(0.2)")
                store.record_event(event(session_id=f"b{burst}-{i}"))

            threads = [threading.Thread(target=busy, args=(i,)) for i in range(6)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert len(postgres.connections(url)) == PG_POOL_SIZE, burst  # the burst's overflow closed at once
            wait_until(lambda: not postgres.connections(url), timeout=3)
        assert len(store.events(limit=20)) == 12
        pool = store.engine.pool
        assert isinstance(pool, ShrinkingPool) and pool.checkedout() == 0
    finally:
        store.close()


def test_a_listening_watcher_runs_no_statement_and_notices_a_dropped_connection(
    postgres_cluster: postgres.Cluster,
) -> None:
    """While LISTEN works the watcher holds its one connection and asks nothing; a change still wakes it at
    once. When that connection is killed it says so (`listening` False), polls, and listens again."""
    if not postgres_cluster.counts_statements:
        pytest.skip("no pg_stat_statements in this PostgreSQL")
    url = postgres_cluster.create_database()
    writer, watched = (Store(postgresql_engine(url, idle_s=0.3)) for _ in range(2))
    writer.migrate()
    wakes: list[float] = []

    def changed() -> None:
        watched.settings()  # as a server does: a read through the pool
        wakes.append(time.monotonic())

    stop = threading.Event()
    watcher = threading.Thread(target=watched.watch_settings, args=(changed, stop, 0.3))
    watcher.start()
    try:
        wait_until(lambda: watched.listening and wakes, timeout=5)
        wait_until(lambda: [a for a, _ in postgres.connections(url)] == ["stopwarden-listen"], timeout=3)
        before, woken = postgres.statements(url), len(wakes)
        time.sleep(3 * LISTEN_WAKE_S)
        assert postgres.statements(url) == before and len(wakes) == woken  # idle: not one statement
        assert [a for a, _ in postgres.connections(url)] == ["stopwarden-listen"]

        changed_at = time.monotonic()
        writer.put_settings({"kill_switch": "1"}, 1.0)
        wait_until(lambda: len(wakes) > woken, timeout=1)
        assert wakes[-1] - changed_at < 0.5

        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE application_name = 'stopwarden-listen' AND datname = current_database()")  # fmt: skip
        wait_until(lambda: not watched.listening, timeout=2)
        dropped = len(wakes)
        wait_until(lambda: watched.listening and len(wakes) > dropped, timeout=5)  # polled, then listening again
        woken = len(wakes)
        writer.put_settings({"kill_switch": "0"}, 2.0)
        wait_until(lambda: len(wakes) > woken, timeout=1)
    finally:
        stop.set()
        watcher.join(10)
        writer.close()
        watched.close()


def test_last_authority_failure_is_the_newest_of_the_authoritys_own(store: Store) -> None:
    assert store.last_authority_failure() is None
    store.record_event(event(ts=1000.0, fail_open_kind="unavailable"))
    store.record_event(event(ts=1001.0, fail_open_kind="timeout"))
    store.record_event(event(ts=1002.0, fail_open_kind="breaker_open"))  # not the authority's own failure
    store.record_event(event(ts=1003.0, fail_open_kind="rate_limited"))
    assert store.last_authority_failure() == {"kind": "timeout", "ts": 1001.0}
    assert store.last_authority_failure("another-project") is None
