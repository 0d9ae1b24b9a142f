"""The shared vocabulary (SPEC §1): phases, sizes, audit events, folder and variable names.

Stdlib-free on purpose: the hook imports it on every agent turn. Everything that names a concept in code,
CLI, files or docs takes the name from here.
"""

STATE_DIR = ".stopwarden"
BUILDS_DIR = "builds"
ACTIVE_DIR = "active"  # builds/active/<id>: an empty marker per build not complete or failed, read by the hook
SESSIONS_DIR = "sessions"
PLANS_DIR = "plans"
WORKTREES_DIR = "worktrees"
BACKUPS_DIR = "backups"
EVIDENCE_DIR = "evidence"  # evidence/<checkout key>.json: the plans' history as of a commit, machine-local
AUDIT_FILE = "audit.jsonl"
HOOK_LOG = "hook.log"
CONFIG_FILE = "config.toml"
TOKEN_FILE = "token"
PORT_FILE = "port"  # the server's port on this machine: never committed, so two clones never share one
APPROVED_FILE = "approved"  # what of the config this machine's operator approved (state/approval.py)
# Left by `uninstall` without --purge (install/project_files.py): hooks that still run here, another
# project's user-scope install, allow every stop; `init` removes it.
UNINSTALLED_FILE = "uninstalled"

AGENTS = ("claude-code", "codex", "gemini", "copilot")

# Hook events as the hook script names them on its command line (§10 launch form).
HOOK_EVENTS = ("stop", "session_start")

# Phases (§4.2).
IDLE = "idle"
CLARIFY = "clarify"
PLANNING = "planning"
EXECUTING = "executing"
VERIFYING = "verifying"
FIXING = "fixing"
HARDENING = "hardening"
COMPLETE = "complete"
FAILED = "failed"
ESCALATED = "escalated"
PHASES = (IDLE, CLARIFY, PLANNING, EXECUTING, VERIFYING, FIXING, HARDENING, COMPLETE, FAILED, ESCALATED)
TERMINAL_PHASES = (COMPLETE, FAILED, ESCALATED)  # the agent may stop: nothing for the build gate to hold
# A build in these never goes on; an escalated one goes on once the user answers (`build resume`), so it
# keeps its active marker and the status line shows why it waits.
ENDED_PHASES = (COMPLETE, FAILED)

# Build sizes and their protection: (reinforcements, label) (§4.2).
SIZES = {"SMALL": (3, "light"), "STANDARD": (5, "medium"), "LARGE": (10, "heavy")}
DEFAULT_SIZE = "STANDARD"
MAX_FIX_ITERATIONS = 3

# Audit events (§4.1).
BUILD_STARTED = "build.started"
PHASE_CHANGED = "phase.changed"
STEP_COMPLETED = "step.completed"
BUILD_ESCALATED = "build.escalated"
BUILD_COMPLETED = "build.completed"
BUILD_RESUMED = "build.resumed"  # an escalated build taken up again, in the phase it left
GATE_BLOCKED = "gate.blocked"
GATE_BUDGET_EXHAUSTED = "gate.budget_exhausted"
GATE_UNOWNED = "gate.unowned"  # an active build without any owner identity: never adopted, never blocks
OWNER_RECONCILED = "owner.reconciled"
WORKTREE_CREATED = "worktree.created"
WORKTREE_MERGED = "worktree.merged"
WORKTREE_REMOVED = "worktree.removed"
AUDIT_EVENTS = (
    BUILD_STARTED,
    PHASE_CHANGED,
    STEP_COMPLETED,
    BUILD_ESCALATED,
    BUILD_COMPLETED,
    BUILD_RESUMED,
    GATE_BLOCKED,
    GATE_BUDGET_EXHAUSTED,
    GATE_UNOWNED,
    OWNER_RECONCILED,
    WORKTREE_CREATED,
    WORKTREE_MERGED,
    WORKTREE_REMOVED,
)

# Environment variables. Identity overrides: set to "" to mean "none" (§4.3).
ENV_SESSION_ID = "STOPWARDEN_SESSION_ID"
ENV_AGENT_PID = "STOPWARDEN_AGENT_PID"
ENV_TMUX = "STOPWARDEN_TMUX"
ENV_DISABLE = "STOPWARDEN_DISABLE"  # "1": every hook allows at once, touching nothing

# The stop gate (SPEC §5).
MODES = ("off", "shadow", "enforce")
DECISIONS = ("continue", "allow", "escalate", "force_allow")
# Rule id -> the decision it stands for; any other rule is invalid (§5.4).
RULES = {
    "U1_DURABLE_ARTIFACT_CONTINUATION_SAFE": "continue",
    "U2_PLAN_FILE_NEXT_STEP_EXPLICIT": "continue",
    "U3_RECENT_COMMIT_PROVES_INCREMENTAL": "continue",
    "U4_NEXT_STEP_ANNOUNCED": "continue",
    "U5_PERMISSION_MID_PLAN": "continue",
    "U_LEGIT_DESIGN_QUESTION": "allow",
    "U_LEGIT_MISSING_INFO": "allow",
    "U_LEGIT_ERROR": "allow",
    "U_LEGIT_COMPLETION": "allow",
    "U_LEGIT_USER_REQUESTED": "allow",
    "U_META_SELF_REFERENCE": "allow",
    "U_NOT_A_STOP": "allow",
    "U_AMBIGUOUS_INSUFFICIENT_SIGNAL": "escalate",
    "U_GIVE_UP": "escalate",
}
# What a stop text does, its last act (docs/stop-acts.md): the classifier's classes, one verdict each
# given the evidence. The first five let the agent stop; the rest, with a plan older than the session and
# progress in it, are early stops (give_up is escalated: a human should look).
STOP_ACTS = (
    "completion", "question", "blocker", "user_requested", "not_a_stop",
    "next_step", "context_excuse", "permission", "break_point", "give_up",
)  # fmt: skip
LEGIT_ACTS = STOP_ACTS[:5]
# Why an evaluation let the agent stop without a valid verdict (events.fail_open_kind).
FAIL_OPEN_KINDS = (
    "timeout",
    "unavailable",
    "malformed",
    "invalid_rule",
    "invalid_evidence",
    "missing_pointer",
    "breaker_open",
    "rate_limited",
    "shed_overload",
    "store_unavailable",
    "internal_error",
)
# The kinds that are the authority's own failure (what the breaker counts), not the gate's or the store's.
AUTHORITY_FAILURES = ("timeout", "unavailable", "malformed", "invalid_rule", "invalid_evidence", "missing_pointer")
# The failures where no verdict came back from the authority: it was not asked (a rate limit, an overload,
# an open breaker, no store) or gave no answer (a timeout, an unreachable authority, our own error). Such an
# event says nothing of the authority's judgement: readiness does not count it, and review shows it last.
NO_VERDICT_FAIL_OPEN_KINDS = (
    "timeout", "unavailable", "rate_limited", "shed_overload", "breaker_open", "store_unavailable", "internal_error",
)  # fmt: skip
# Why an evaluation was answered without asking the authority (events.short_circuit).
SHORT_CIRCUITS = (
    "kill_switch", "mode_off", "cached", "no_stop_text", "no_evidence", "no_session_start", "self_reference", "ceiling",
)  # fmt: skip
# The authorities (SPEC §5.5) and their default time budgets in seconds: a provider's API, or a CLI. A
# cascade (`rules+<provider>`) asks its provider only where the offline rules abstain, on its budget.
AUTHORITY_TIMEOUTS = {
    "rules": 3.0, "anthropic": 3.0, "openai": 3.0, "claude-cli": 20.0,
    "rules+anthropic": 3.0, "rules+openai": 3.0, "rules+claude-cli": 20.0,
}  # fmt: skip
AUTHORITIES = tuple(AUTHORITY_TIMEOUTS)
# Every stop-gate reminder starts so (gate/reminders.py); the hook prints nothing else as a stop-gate reason.
REMINDER_PREFIX = "stopwarden: Continue — "
HOT_PATH_FILE = "hot-path.json"
SERVER_LOG = "server.log"
SERVER_PID = "server.pid"
OPEN_PAGE = "open.html"  # `stopwarden open`'s one-time link, for the browser to open by its path (0600)
SERVER_STARTING = "server.starting"  # while an autostarted server comes up
DB_FILE = "stopwarden.db"
# The schema version this code reads and writes: store/schema.py's last migration (a test keeps them equal),
# here so that store/sqlite_read.py can check a database's version without importing SQLAlchemy.
SCHEMA_VERSION = 8
OUTBOX_FILE = "outbox.db"  # events a server decided while its store was away, until it is back
# The /build playbook says this right before the task, in every agent's format (install/templates/): a
# transcript that records the playbook expanded (Gemini's) is read as that task.
PLAYBOOK_TASK = "You are starting a tracked build of: **"
# A settings scope (SPEC §13): "*" or a project's name; printable, no blank at either end. Spelled with
# explicit ranges so that the API's validator (pydantic) and Python's re agree on every character.
SCOPE_PATTERN = r"^[^\x00-\x20\x7f-\x9f](?:[^\x00-\x1f\x7f-\x9f]{0,198}[^\x00-\x20\x7f-\x9f])?$"
# The store (SPEC §13): `[store] url` in the config, or this variable, which wins; no URL, the SQLite file.
ENV_STORE_URL = "STOPWARDEN_STORE_URL"
ENV_LISTEN_URL = "STOPWARDEN_STORE_LISTEN_URL"  # where to LISTEN, when the store URL is a pooling proxy
STORE_URL_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
API_VERSION = 1
