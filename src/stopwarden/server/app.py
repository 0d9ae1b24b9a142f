"""The local gate server's HTTP API (SPEC §6.2), as a FastAPI app over the store and the gate.

Routes are thin: parse (pydantic), call one function of `gate/` or `store/`, answer. Every error is
JSON `{error, detail}` with the status of §6.2, the bad field named for a 400.
"""

from __future__ import annotations

import logging
import os
import pathlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import FastAPI, Path, Query, Request, Security
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from stopwarden import __version__
from stopwarden.common.config import Config
from stopwarden.common.errors import StopwardenError
from stopwarden.common.names import API_VERSION, DECISIONS
from stopwarden.gate import breaker, report, settings
from stopwarden.gate import since as since_module
from stopwarden.gate.pipeline import case_signals
from stopwarden.gate.service import Gate
from stopwarden.gate.service import Request as GateRequest
from stopwarden.gate.status import gate_status
from stopwarden.server import models
from stopwarden.server.auth import ERROR_NAMES, BodyLimit, Guard
from stopwarden.server.decisions import DecisionThreads
from stopwarden.server.direct import DirectPaths, DirectRoute
from stopwarden.server.signin import SignIns
from stopwarden.store.redact import redact
from stopwarden.store.store import Store, StoreUnavailable

log = logging.getLogger("stopwarden.server")
STATIC = pathlib.Path(__file__).parent / "static"  # the review page: shipped in the package, no CDN
# Up to 32 times (each ISO 8601 or epoch seconds), comma-separated.
DAY_STARTS = rf"^{since_module.TIME}(,{since_module.TIME}){{0,31}}$"
STATIC_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
                ".png": "image/png", ".ico": "image/x-icon"}  # fmt: skip


def create_app(config: Config, store: Store, gate: Gate, token: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        redact("warm up")  # its rules compile now, not on the event loop while the first stop waits
        decisions.start()
        try:
            yield
        finally:
            decisions.stop()

    app = FastAPI(
        lifespan=lifespan,
        title="stopwarden",
        version=__version__,
        description=(
            "The local stop-gate server: judges agent stops, logs every decision. Served to loopback clients "
            "whose Host names loopback. /v1 routes take `Authorization: Bearer <.stopwarden/token>` or a "
            "request signed with the token (X-Stopwarden-Nonce, X-Stopwarden-Auth), whose every answer "
            "carries X-Stopwarden-Proof."
        ),
        responses={code: {"model": models.ErrorOut} for code in (400, 401, 403, 413)},
        # FastAPI's docs pages load their scripts from a CDN, and this machine may be offline.
        docs_url=None,
        redoc_url=None,
    )
    # The innermost of ours: the hooks' hot routes, answered directly once Guard and BodyLimit let them in.
    direct: dict[str, DirectRoute] = {}
    app.add_middleware(DirectPaths, routes=direct, handlers=lambda: app.exception_handlers)
    app.add_middleware(BodyLimit)
    # Added last: runs first, so a stranger is refused before any body is read (auth.py).
    app.add_middleware(Guard, token=token)
    # Enforced by Guard; declared here so that the OpenAPI schema says every /v1 route needs the token. The
    # hook's signature headers are only described above: as a declared scheme, schema-driven clients
    # (schemathesis) would send made-up values for them, which Guard refuses.
    authorized = [Security(HTTPBearer(auto_error=False, description="the token in .stopwarden/token"))]

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        said = first.get("msg", "invalid")
        if first.get("type") == "string_pattern_mismatch":  # the form in words, not a regular expression
            said = f"takes {_FORMS.get(str(first.get('loc', ('',))[-1]), 'another form')}"
        return _error(400, f"{where}: {said}")

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        response = _error(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})  # e.g. the Allow header of a 405
        return response

    @app.exception_handler(StopwardenError)
    async def conflict(_: Request, exc: StopwardenError) -> JSONResponse:
        if isinstance(exc, StoreUnavailable):  # not the request's fault: try again later
            return _error(503, exc.message)
        return _error(409, exc.message)

    @app.get("/health", response_model=models.HealthOut)
    def health() -> dict[str, Any]:
        base = {"version": __version__, "api_version": API_VERSION, "authority": config.authority}
        try:
            current = settings.read(store, config)
            state = breaker.state(store, config.authority, time.time())
        except StoreUnavailable:  # the server runs and answers: say so, with what its hooks see meanwhile
            seen = settings.from_hot_path(config)
            return base | {
                "status": "degraded",
                "mode": seen.mode,
                "kill_switch": seen.kill_switch,
                "breaker": "unknown",
            }
        failures = store.breaker(config.authority)["failures"]
        last = store.last_authority_failure(config.events_project)
        return base | {"status": "ok", "mode": current.mode, "kill_switch": current.kill_switch, "breaker": state,
                       "breaker_failures": failures, "last_failure_kind": last["kind"] if last else None}  # fmt: skip

    @app.get("/v1/hot-path", response_model=models.HotPathOut, dependencies=authorized)
    def hot_path(session: Annotated[str | None, Query(max_length=200, pattern=models.NO_NUL)] = None) -> dict[str, Any]:
        current = gate.settings(time.time())
        return {
            "mode": current.mode,
            "kill_switch": current.kill_switch,
            "session_start": store.session_start(session) if session else None,
            "api_version": API_VERSION,
        }

    def post_direct(path: str, endpoint: Any, body: type[BaseModel], answer: type[BaseModel]) -> None:
        """A POST route for the hooks' hot requests: declared as any route (the OpenAPI document, and what
        answers a request the direct path does not take), answered on the direct path when well formed
        (direct.py). Only under /v1, where Guard asks for the token before any route runs."""
        if not path.startswith("/v1/"):
            raise ValueError(f"a direct route must be under /v1, where Guard asks for the token: {path}")
        app.router.add_api_route(path, endpoint, methods=["POST"], response_model=answer, dependencies=authorized)
        direct[path] = DirectRoute(body, answer, endpoint)

    def start_session(body: models.SessionIn) -> dict[str, Any]:
        recorded, stuck = store.start_session(
            body.session_id, body.agent, _epoch(body.started_at), body.source, config.project
        )
        notice = (
            "stopwarden: the previous session in this project was told to continue instead of stopping "
            f"{config.limits.continue_ceiling} times, then allowed to stop; check what it left unfinished."
            if stuck
            else None
        )
        return {"recorded": recorded, "notice": notice}

    async def sessions(body: models.SessionIn) -> dict[str, Any]:
        # Every SessionStart hook waits for this answer. On SQLite it is one short local transaction, done
        # on the event loop as decisions are (server/decisions.py); PostgreSQL's round trips wait on a thread.
        if store.backend == "sqlite":
            return start_session(body)
        return await run_in_threadpool(start_session, body)

    post_direct("/v1/sessions", sessions, models.SessionIn, models.SessionOut)

    async def evaluate(body: models.EvaluateIn) -> dict[str, Any]:
        start = body.evidence.session_start
        request = GateRequest(
            session_id=body.session_id,
            agent=body.agent,
            case=case_signals(body.case()),
            session_start=_epoch(start) if start else None,
        )
        # On a decision thread (server/decisions.py). A decision still running at the deadline (just inside
        # the hook's own wait) is answered without: the agent may stop.
        started = time.monotonic()
        outcome = await decisions.decide(request, config.decision_deadline_s)
        if outcome is None:
            outcome = gate.too_late(request, time.monotonic() - started)
        return outcome.as_response()

    post_direct("/v1/evaluate", evaluate, models.EvaluateIn, models.EvaluateOut)

    decisions = DecisionThreads(gate, gate.evaluate)
    sign_ins = SignIns(token)

    @app.get("/v1/mode", response_model=models.ModeOut, dependencies=authorized)
    def get_mode() -> dict[str, Any]:
        return _mode_out(settings.read(store, config))

    @app.put(
        "/v1/mode", response_model=models.ModeOut, dependencies=authorized, responses={409: {"model": models.ErrorOut}}
    )
    def put_mode(body: models.ModeIn) -> dict[str, Any]:
        current = settings.set_mode(store, config, body.mode, body.force or "", body.scope)
        gate.forget_settings()
        return _mode_out(current)

    def _mode_out(current: settings.GateSettings) -> dict[str, Any]:
        own = None if current.mode_scope == "*" else current.mode_scope  # a project's own mode: its own readiness
        return {"mode": current.mode, "mode_scope": current.mode_scope, "forced_reason": current.forced_reason,
                "readiness": settings.readiness(store, own)}  # fmt: skip

    @app.get("/v1/status", response_model=models.StatusOut, dependencies=authorized)
    def get_status() -> dict[str, Any]:
        # The server's environment, not a caller's: the server is what calls the authority.
        return gate_status(store, config, os.environ, time.time())

    @app.get("/v1/kill-switch", response_model=models.KillSwitchOut, dependencies=authorized)
    def get_kill_switch() -> dict[str, Any]:
        return _kill_switch_out(settings.read(store, config))

    @app.put("/v1/kill-switch", response_model=models.KillSwitchOut, dependencies=authorized)
    def put_kill_switch(body: models.KillSwitchIn) -> dict[str, Any]:
        current = settings.set_kill_switch(store, config, body.value, body.reason or "", body.scope)
        gate.forget_settings()
        return _kill_switch_out(current)

    def _kill_switch_out(current: settings.GateSettings) -> dict[str, Any]:
        return {"value": current.kill_switch, "scope": current.kill_switch_scope, "reason": current.kill_switch_reason}

    @app.get("/v1/events", response_model=list[models.EventOut], dependencies=authorized)
    def events(
        limit: Annotated[int, Query(ge=1, le=1000)] = 50,
        decision: Annotated[str | None, Query(pattern="^(" + "|".join(DECISIONS) + ")$")] = None,
        since: Annotated[str | None, Query(max_length=60, pattern=since_module.SINCE_PATTERN)] = None,
        session: Annotated[str | None, Query(max_length=200, pattern=models.NO_NUL)] = None,
        annotated: bool | None = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        project: Annotated[str | None, Query(max_length=200)] = None,
        host: Annotated[str | None, Query(max_length=200)] = None,
    ) -> list[dict[str, Any]]:
        since_ts = None if since is None else _since(since)
        return store.events(limit, decision, since_ts, session, annotated, offset, project=project, host=host)

    @app.post(
        "/v1/events/{event_id}/annotations",
        status_code=201,
        response_model=models.AnnotationOut,
        dependencies=authorized,
        responses={404: {"model": models.ErrorOut}, 409: {"model": models.ErrorOut}},
    )
    def annotate(event_id: Annotated[int, Path(ge=1, le=2**63 - 1)], body: models.AnnotationIn) -> dict[str, Any]:
        if body.dwell_ms < config.min_dwell_s * 1000:
            raise StopwardenError(
                f"a verdict after {body.dwell_ms / 1000:.1f} s: read the event for at least "
                f"{config.min_dwell_s:g} s before judging it"
            )
        annotation = store.add_annotation(
            event_id, body.operator, body.verdict, body.rationale, body.dwell_ms, time.time()
        )
        if annotation is None:
            raise HTTPException(404, f"no event {event_id}")
        return annotation

    @app.get(
        "/v1/events/{event_id}/annotations",
        response_model=list[models.AnnotationOut],
        dependencies=authorized,
        responses={404: {"model": models.ErrorOut}},
    )
    def annotations(event_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> list[dict[str, Any]]:
        if store.event(event_id) is None:
            raise HTTPException(404, f"no event {event_id}")
        return store.annotations(event_id)

    @app.get("/v1/report", response_model=models.ReportOut, dependencies=authorized)
    def report_route(
        since: Annotated[str, Query(max_length=60, pattern=since_module.SINCE_PATTERN)] = "7d",
        project: Annotated[str | None, Query(max_length=200)] = None,
        day_starts: Annotated[str | None, Query(max_length=1200, pattern=DAY_STARTS)] = None,
    ) -> dict[str, Any]:
        start = _since(since)
        answer = report.build(store, start, config.min_dwell_s, project)
        answer["days_by_start"] = _days_by_start(store, day_starts, project) if day_starts else []
        return answer

    # The review page's own, like GET /: outside /v1 (the code is the credential, a link from `stopwarden open`;
    # loopback and Host still hold) and outside the API's schema (no client but the page has a code to send).
    @app.post("/signin", response_model=models.SignInOut, include_in_schema=False)
    def sign_in(body: models.SignInIn) -> dict[str, Any]:
        if not sign_ins.redeem(body.code, time.time()):
            raise HTTPException(403, "the sign-in link is wrong, expired or already used: run `stopwarden open` again")
        return {"token": token}

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return static("index.html")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        # Only the files the package ships: a name is looked up, never joined into a path.
        files = {p.name: p for p in STATIC.iterdir() if p.is_file()} if STATIC.is_dir() else {}
        if name not in files:
            raise HTTPException(404, f"no static file {name}")
        # no-cache: the browser asks again each time (the files are small), so after an upgrade the page never
        # runs an old app.js against the new API.
        return FileResponse(files[name], media_type=STATIC_TYPES.get(files[name].suffix, "application/octet-stream"),
                            headers={"Cache-Control": "no-cache"})  # fmt: skip

    @app.post("/v1/breaker/reset", response_model=models.BreakerOut, dependencies=authorized)
    def reset_breaker() -> dict[str, Any]:
        breaker.reset(store, config.authority)
        store.log_operator("breaker_reset", config.authority, time.time())
        return {"authority": config.authority, "breaker": breaker.state(store, config.authority, time.time())}

    return app


def _days_by_start(store: Store, day_starts: str, project: str | None) -> list[dict[str, Any]]:
    """Decisions between consecutive `day_starts` (the review page's local midnights, which the server, whose
    days are UTC, cannot know), the last one up to now: those since each start less those since the next.
    Read earliest first, so an event recorded meanwhile can only make a day short (never < 0)."""
    starts = sorted({_time("day_starts", part) for part in day_starts.split(",")})
    since = [store.decision_counts(start, project) for start in starts] + [{}]
    days = []
    for i, start in enumerate(starts):
        later = since[i + 1]
        days.append(
            {"start": start, "decisions": {d: n - later.get(d, 0) for d, n in since[i].items() if n > later.get(d, 0)}}
        )
    return days


# What a query parameter with a pattern takes, said to whoever sent another (an operator review found the
# patterns' regular expressions, hundreds of characters, in the answers).
_FORMS = {
    "since": since_module.FORMS,
    "day_starts": "up to 32 times, comma-separated (ISO 8601 or epoch seconds)",
    "decision": "one of " + ", ".join(DECISIONS),
    "session": "a session id without NUL",
}


def _since(text: str) -> float:
    """`since` in epoch seconds: a time, or a duration ago ("7d"), as `gate log --since` takes it; else a 400
    that says what it takes (not the pattern's regular expression, an operator review)."""
    try:
        return since_module.parse_since(text, time.time())
    except StopwardenError as e:
        raise HTTPException(400, f"since: {e.message}: {e.hint}") from None


def _time(name: str, text: str) -> float:
    """A time query parameter's value (ISO 8601 or epoch seconds, gate/since.py) in epoch seconds; else 400."""
    found = since_module.parse_time(text)
    if found is None:
        raise HTTPException(400, f"{name}: not a time (ISO 8601, e.g. 2026-12-03T09:12:03.123Z, or epoch seconds)")
    return found


def _epoch(moment: datetime) -> float:
    """Seconds since the epoch; a time without a zone is UTC (never the server's local time)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse({"error": ERROR_NAMES.get(status, "error"), "detail": detail}, status_code=status)
