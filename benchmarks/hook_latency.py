"""Whole-process latency of the installed Stop hook, as a ratio to a bare interpreter start (SPEC §10).

Run it from the repository root with the venv's interpreter:

    .venv/bin/python benchmarks/hook_latency.py              # 30 rounds, a markdown table
    .venv/bin/python benchmarks/hook_latency.py --rounds 60  # more rounds, steadier medians
    .venv/bin/python benchmarks/hook_latency.py --json       # the same results (and every sample) as JSON

What is measured. In a temp folder (its own HOME and CLAUDE_CONFIG_DIR, no agent identity leaking in) the
script sets projects up with the real CLI (`git init`, `stopwarden init --agent claude-code`), reads the
exact Stop hook command that init wrote to `.claude/settings.local.json`, and runs it the way the agent
does: `sh -c <command>` with a Stop payload on stdin. Each run is timed with `time.perf_counter_ns` around
`subprocess.run`, so a sample is the whole process: fork, sh, interpreter start, imports, the hook's work,
exit. Scenarios:

  no build                project initialised, no active build          target <= 1.0x, never > 1.5x
  owner                   the payload's session owns a build in phase   target <= 2.0x
                          executing: lock, read, write, audit, block
  user scope, no project  payload cwd with no .stopwarden above it      target <= 1.0x

The baseline is `sh -c '"<venv python>" -c pass'`, so it pays the same sh cost; `<venv python> -c pass`
without sh is timed too, for information. Every round runs the baseline, the bare baseline and each
scenario once, in an order rotated by one place per round; a warm-up round is run first and not counted.
A ratio is the scenario's median over the baseline's median. The owner's build is LARGE (10 blocks); when
its budget is spent it is abandoned and a fresh one started with the CLI, between rounds, outside the
timed region. Every timed run is checked: the owner run must print a block and spend exactly one block,
the others must print nothing (and the no-build run must log "allow: no active build").

This is a measurement, not a gate: the exit code is 0 whatever the numbers (missed targets are listed
under the table), and 2 only when the setup or a run's check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The repository root goes on the path so that `benchmarks` imports as a package both when this file is run as
# a script and when mypy checks it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness

HOOK_MARKER = "/stopwarden/hooks/run.py"

BASELINE = "baseline (sh + python -c pass)"
BARE = "python -c pass (no sh)"
NO_BUILD = "no build"
OWNER = "owner"
USER_SCOPE = "user scope, no project"
NO_BUILD_CODEX = "no build, Codex payload"
NO_BUILD_GEMINI = "no build, Gemini payload"
NO_BUILD_COPILOT = "no build, Copilot payload"

# The highest ratio to the baseline that passes, and one never to exceed, for each scenario.
TARGETS: dict[str, tuple[float, float | None]] = {
    NO_BUILD: (1.0, 1.5),
    OWNER: (2.0, None),
    USER_SCOPE: (1.0, None),
    NO_BUILD_CODEX: (1.0, 1.5),  # the same budget for every agent (SPEC §10)
    NO_BUILD_GEMINI: (1.0, 1.5),
    NO_BUILD_COPILOT: (1.0, 1.5),
}


@dataclass
class Result(harness.Timing):
    ratio: float  # median over the baseline's median
    paired_ratio: float  # median of the per-round ratios to that round's baseline, a check on drift
    target: float | None
    ceiling: float | None
    status: str


# --- setup ---------------------------------------------------------------------------------------------------


def stop_hook_command(project: Path) -> str:
    """The Stop hook command `stopwarden init` registered in the project's Claude Code settings."""
    settings = project / ".claude" / "settings.local.json"
    try:
        data = json.loads(settings.read_text(encoding="utf-8"))
        entries = data["hooks"]["Stop"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise harness.SetupError(f"no Stop hooks in {settings}: {e}") from None
    for entry in entries:
        for hook in entry.get("hooks", []) if isinstance(entry, dict) else []:
            command = hook.get("command") if isinstance(hook, dict) else None
            if isinstance(command, str) and HOOK_MARKER in command:
                return command
    raise harness.SetupError(f"no Stop hook command containing {HOOK_MARKER!r} in {settings}")


def stopwarden_above(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if (folder / ".stopwarden").exists():
            return folder
    return None


def stop_payload(session_id: str, cwd: Path, config: Path) -> bytes:
    """A Stop payload as Claude Code sends it."""
    slug = str(cwd).replace("/", "-")
    return json.dumps(
        {
            "session_id": session_id,
            "transcript_path": str(config / "projects" / slug / f"{session_id}.jsonl"),
            "cwd": str(cwd),
            "permission_mode": "default",
            "hook_event_name": "Stop",
            "stop_hook_active": False,
            "last_assistant_message": "Done: the change is in place and the tests pass.",
        }
    ).encode("utf-8")


def agent_stop(
    name: str, command: str, agent: str, folder: Path, check: harness.Check, env: dict[str, str]
) -> harness.Subject:
    """The same hook for another agent: its launch form names the agent, and its payload is that agent's
    (Codex: `last_assistant_message` and a `turn_id`; Gemini: `AfterAgent` with `prompt_response`; Copilot
    CLI: camelCase, no stop text, a transcript that no-build never reads)."""
    payload = {"session_id": f"bench-{agent}", "transcript_path": "", "cwd": str(folder), "stop_hook_active": False}
    if agent == "codex":
        payload |= {
            "hook_event_name": "Stop",
            "turn_id": "t1",
            "model": "gpt-5.5",
            "last_assistant_message": "Done: the change is in place and the tests pass.",
        }
    elif agent == "copilot":
        payload = {"sessionId": f"bench-{agent}", "timestamp": 1796251200516, "cwd": str(folder),
                   "transcriptPath": str(folder / "events.jsonl"), "stopReason": "end_turn",
                   "stop_hook_active": False}  # fmt: skip
    else:
        payload |= {
            "hook_event_name": "AfterAgent",
            "prompt": "Fix it.",
            "timestamp": "2026-11-24T09:00:00Z",
            "prompt_response": "Done: the change is in place and the tests pass.",
        }
    argv = ["sh", "-c", f"{command} {agent}"]
    return harness.Subject(name, argv, folder, env, check, json.dumps(payload).encode("utf-8"))


def quote(path: str) -> str:
    """Quote an interpreter path the way the hook command does, so both sh -c lines parse alike."""
    return shlex.quote(path) if any(c in path for c in '"$`\\!') else f'"{path}"'


class OwnedBuild:
    """The owner scenario's build, kept in phase executing with budget left, renewed with the real CLI."""

    def __init__(self, project: Path, cli: Path, env: dict[str, str], session_id: str) -> None:
        self.project = project
        self.cli = cli
        self.env = env
        self.session_id = session_id
        self.build_id = ""
        self.budget = 0
        self.used = 0
        self.renewals = 0

    def start(self) -> None:
        out = harness.run_tool(
            [str(self.cli), "build", "start", "bench", "--size", "LARGE", "--owner-session", self.session_id, "--json"],
            self.project,
            self.env,
        )
        try:
            state = json.loads(out)
            self.build_id = str(state["id"])
            self.budget = int(state["protection"]["reinforcements"])
        except (ValueError, KeyError, TypeError) as e:
            raise harness.SetupError(f"`stopwarden build start --json` printed no build: {e}") from None
        harness.run_tool(
            [str(self.cli), "build", "phase", "executing", "--build", self.build_id], self.project, self.env
        )
        self.used = self.state_used()
        if self.used != 0 or self.budget < 1:
            raise harness.SetupError(f"new build {self.build_id} has {self.used} of {self.budget} blocks used")

    def renew_if_spent(self) -> None:
        """Between rounds: abandon a build whose budget is spent and start a fresh one."""
        if self.used < self.budget:
            return
        harness.run_tool(
            [str(self.cli), "build", "abandon", "--reason", "benchmark: budget spent", "--build", self.build_id],
            self.project,
            self.env,
        )
        self.start()
        self.renewals += 1

    def state_used(self) -> int:
        path = self.project / ".stopwarden" / "builds" / f"{self.build_id}.json"
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            return int(state.get("reinforcements_used") or 0)
        except (OSError, ValueError, TypeError, AttributeError) as e:
            raise harness.SetupError(f"cannot read {path}: {e}") from None

    def check(self, proc: subprocess.CompletedProcess[bytes]) -> str | None:
        """The run blocked, with a reason, and spent exactly one block of the build (read from its state)."""
        if proc.returncode != 0:
            return f"exit {proc.returncode}"
        try:
            decision = json.loads(proc.stdout)
        except ValueError:
            return f"stdout is not a JSON decision: {proc.stdout[:200]!r}"
        if not isinstance(decision, dict) or decision.get("decision") != "block":
            return f"not a block: {proc.stdout[:200]!r}"
        if not str(decision.get("reason", "")).startswith("stopwarden:"):
            return f"block without a stopwarden reason: {proc.stdout[:200]!r}"
        used = self.state_used()
        if used != self.used + 1:
            return f"the build's blocks used went from {self.used} to {used}, not by one"
        self.used = used
        return None


def allows_silently(proc: subprocess.CompletedProcess[bytes]) -> str | None:
    if proc.returncode != 0:
        return f"exit {proc.returncode}"
    if proc.stdout.strip():
        return f"expected no output (an allow), got {proc.stdout[:200]!r}"
    if proc.stderr.strip():
        return f"unexpected stderr {proc.stderr[:200]!r}"
    return None


def allows_with_log(log: Path, expected: str, allow: bytes = b"") -> harness.Check:
    """Allows (`allow` on stdout: nothing, or `{}` for Gemini) and logs `expected` as the last line of
    hook.log: the path measured is the one meant."""

    def check(proc: subprocess.CompletedProcess[bytes]) -> str | None:
        problem = (
            allows_silently(proc)
            if not allow
            else (
                None
                if proc.returncode == 0 and proc.stdout.strip() == allow.strip()
                else f"expected {allow!r}, got {proc.stdout[:200]!r}"
            )
        )
        if problem is not None:
            return problem
        try:
            last = log.read_text(encoding="utf-8").splitlines()[-1]
        except (OSError, IndexError):
            return f"nothing logged in {log}"
        return None if expected in last else f"hook.log says {last!r}, expected {expected!r}"

    return check


@dataclass
class Bench:
    subjects: list[harness.Subject]
    owned: OwnedBuild
    hook_command: str
    baseline_command: str


def set_up(workdir: Path, venv: Path) -> Bench:
    box = harness.Sandbox.make(workdir, venv, needs=("git", "sh"))
    bare = workdir / "no-project"
    bare.mkdir()
    found = stopwarden_above(workdir)
    if found is not None:
        raise harness.SetupError(f"{found} holds a .stopwarden folder, so no temp folder here is outside every project")

    idle, owner = workdir / "idle-project", workdir / "owner-project"
    harness.init_project(idle, box)
    harness.init_project(owner, box)
    command = stop_hook_command(idle)
    if stop_hook_command(owner) != command:
        raise harness.SetupError("init registered different Stop hook commands in two projects")
    interpreter = shlex.split(command)[0]
    if os.path.realpath(interpreter) != os.path.realpath(box.python):
        print(f"note: the hook runs {interpreter}, the baseline {box.python}", file=sys.stderr)

    owned = OwnedBuild(owner, box.cli, box.env, "bench-session-owner")
    owned.start()

    def stop(name: str, argv: list[str], folder: Path, session_id: str, check: harness.Check) -> harness.Subject:
        """A run the way Claude Code makes it at a stop: in `folder`, with the session's Stop payload on stdin."""
        env = {**box.env, "CLAUDE_PROJECT_DIR": str(folder)}
        return harness.Subject(name, argv, folder, env, check, stop_payload(session_id, folder, box.config))

    baseline_command = f"{quote(str(box.python))} -c pass"
    hook = ["sh", "-c", command]
    logs_no_build = allows_with_log(idle / ".stopwarden" / "hook.log", "allow: no active build")
    subjects = [
        stop(BASELINE, ["sh", "-c", baseline_command], idle, "bench-session-idle", harness.exits_zero),
        stop(BARE, [str(box.python), "-c", "pass"], idle, "bench-session-idle", harness.exits_zero),
        stop(NO_BUILD, hook, idle, "bench-session-idle", logs_no_build),
        stop(OWNER, hook, owner, owned.session_id, owned.check),
        stop(USER_SCOPE, hook, bare, "bench-session-user", allows_silently),
        agent_stop(NO_BUILD_CODEX, command, "codex", idle, logs_no_build, box.env),
        agent_stop(
            NO_BUILD_GEMINI,
            command,
            "gemini",
            idle,
            allows_with_log(idle / ".stopwarden" / "hook.log", "allow: no active build", b"{}"),
            box.env,
        ),
        agent_stop(NO_BUILD_COPILOT, command, "copilot", idle, logs_no_build, box.env),
    ]
    return Bench(subjects, owned, command, baseline_command)


def run(workdir: Path, args: argparse.Namespace) -> Bench:
    bench = set_up(workdir, args.venv)
    harness.measure(bench.subjects, args, between_rounds=bench.owned.renew_if_spent)
    return bench


# --- reporting -----------------------------------------------------------------------------------------------


def judge(subjects: list[harness.Subject]) -> list[Result]:
    baseline = next(s for s in subjects if s.name == BASELINE)
    base_median = statistics.median(baseline.samples)
    results = []
    for s in subjects:
        ratio = statistics.median(s.samples) / base_median
        paired = statistics.median(a / b for a, b in zip(s.samples, baseline.samples, strict=True))
        target, ceiling = TARGETS.get(s.name, (None, None))
        if target is None:
            status = "reference" if s.name == BASELINE else "info"
        elif ceiling is not None and ratio > ceiling:
            status = "FAIL (above the ceiling)"
        elif ratio > target:
            status = "FAIL"
        else:
            status = "pass"
        results.append(
            Result(
                **vars(harness.timing(s)),
                ratio=ratio,
                paired_ratio=paired,
                target=target,
                ceiling=ceiling,
                status=status,
            )
        )
    return results


def describe_target(r: Result) -> str:
    if r.target is None:
        return "-"
    text = f"<= {r.target:.1f}x"
    return text + (f" (never > {r.ceiling:.1f}x)" if r.ceiling is not None else "")


def report(bench: Bench, info: dict[str, Any]) -> harness.Report:
    results = judge(bench.subjects)
    by_name = {r.name: r for r in results}
    base, bare = by_name[BASELINE], by_name[BARE]
    scenarios = [r for r in results if r.target is not None]
    return harness.Report(
        title="Stop hook latency",
        rule="ratio = median / baseline median",
        goals="targets",
        table=harness.table(
            ("scenario", "median ms", "p90 ms", "ratio to baseline", "target", "pass/fail"),
            "lrrrll",
            (
                (r.name, f"{r.median_ms:.2f}", f"{r.p90_ms:.2f}", f"{r.ratio:.2f}x", describe_target(r), r.status)
                for r in results
            ),
        ),
        notes=[
            f"sh costs about {base.median_ms - bare.median_ms:.2f} ms (baseline with sh minus without).",
            "over the baseline, in ms (median): "
            + ", ".join(f"{r.name} {r.median_ms - base.median_ms:+.2f}" for r in scenarios),
            "paired ratio (median of per-round ratios): "
            + ", ".join(f"{r.name} {r.paired_ratio:.2f}x" for r in scenarios),
            f"owner build renewed {bench.owned.renewals} times (LARGE, abandoned when its budget was spent)",
            f"hook command: `sh -c {shlex.quote(bench.hook_command)}`",
            f"baseline command: `sh -c {shlex.quote(bench.baseline_command)}`",
        ],
        misses=[
            f"{r.name}: {r.ratio:.2f}x against {describe_target(r)} (median {r.median_ms:.2f} ms)"
            for r in results
            if r.status.startswith("FAIL")
        ],
        json={
            "machine": info,
            "hook_command": bench.hook_command,
            "baseline_command": bench.baseline_command,
            "owner_build_renewals": bench.owned.renewals,
            "results": harness.records(results),
        },
    )


if __name__ == "__main__":
    sys.exit(harness.main("hook_latency", harness.parse_args(sys.argv[1:], __doc__), run, report))
