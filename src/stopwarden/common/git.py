"""The one way stopwarden runs git, without `subprocess`, whose import alone costs about one interpreter
start: the hook's evidence, the server's post-checks, build worktrees, init and the demo all call `run`.

`posix_spawnp` with a pipe for stdout (stdin on /dev/null; stderr too, or into a file a caller gives: `checked`
reads git's own error message from one), `poll` for the deadline, reads bounded by a cap. A git that overruns
either is killed with its process group and reaped: nobody waits on git past its deadline, and nobody
holds more than `cap` bytes of its output.
"""

import posix
import select
import time

MAX_OUTPUT = 16 << 20
CHUNK = 1 << 16
KILL = 9  # SIGKILL, without importing `signal`


def run(
    cwd: str, args: "list[str]", deadline: float, cap: int = MAX_OUTPUT, stderr_fd: "int | None" = None
) -> "tuple[bytes, int | None]":
    """(git's stdout, its exit code). The code is None when git could not be started (no git on PATH),
    did not finish before `deadline` (a `time.monotonic()` value) or wrote more than `cap` bytes; then
    git is killed and the output is what it had written, at most `cap` bytes. Its standard error goes to
    /dev/null, or to `stderr_fd` (a file: `checked` reads git's message from it)."""
    if deadline <= time.monotonic():
        return b"", None
    read_end, write_end = posix.pipe()  # both close-on-exec; dup2 clears it on the child's stdout
    try:
        pid = posix.posix_spawnp(
            "git",
            ["git", "-C", cwd, "-c", "core.quotePath=false", *args],
            posix.environ,
            file_actions=[
                (posix.POSIX_SPAWN_OPEN, 0, "/dev/null", posix.O_RDONLY, 0),
                (posix.POSIX_SPAWN_DUP2, write_end, 1),
                (posix.POSIX_SPAWN_DUP2, stderr_fd, 2)
                if stderr_fd is not None
                else (posix.POSIX_SPAWN_OPEN, 2, "/dev/null", posix.O_WRONLY, 0),
            ],
            setpgroup=0,  # its own group, so that a kill reaches whatever git started too
        )
    except OSError:
        posix.close(read_end)
        return b"", None
    finally:
        posix.close(write_end)  # ours must go, or the pipe never reports the end of git's output
    chunks: list[bytes] = []
    code = None
    try:
        size = _read(read_end, chunks, deadline, cap)
        if size <= cap:
            code = _reap(pid, deadline)
    finally:
        posix.close(read_end)
        if code is None:
            _kill(pid)
    out = b"".join(chunks)
    return (out, code) if code is not None else (out[:cap], None)


def _read(fd: int, chunks: "list[bytes]", deadline: float, cap: int) -> int:
    """Read `fd` into `chunks` until its end, the deadline or more than `cap` bytes; the bytes read,
    or cap + 1 when it did not reach the end."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    size = 0
    while size <= cap:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not poller.poll(remaining * 1000):
            return cap + 1
        chunk = posix.read(fd, CHUNK)
        if not chunk:
            return size
        chunks.append(chunk)
        size += len(chunk)
    return size


def _reap(pid: int, deadline: float) -> "int | None":
    """git's exit code once it has closed its output; None if it lingers past the deadline."""
    while True:
        done, status = posix.waitpid(pid, posix.WNOHANG)
        if done:
            return posix.waitstatus_to_exitcode(status)
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.0005)


def _kill(pid: int) -> None:
    try:
        posix.killpg(pid, KILL)
    except OSError:
        pass
    try:
        posix.waitpid(pid, 0)
    except ChildProcessError:
        pass


def text(cwd: str, *args: str, timeout_s: float = 60.0) -> "tuple[str, int | None]":
    """`run` for callers off the hook's path: (stdout as text, stripped; the exit code or None)."""
    out, code = run(cwd, list(args), time.monotonic() + timeout_s)
    return out.decode("utf-8", "replace").strip(), code


def checked(cwd: str, *args: str, timeout_s: float = 60.0) -> str:
    """git's stdout (stripped) when it succeeds; else StopwardenError with git's own last line of error.
    Its standard error goes to a temporary file, never into the answer: a warning or a trace
    (`GIT_TRACE`) on stderr must not become part of a branch name."""
    import tempfile

    from stopwarden.common.errors import StopwardenError

    with tempfile.TemporaryFile() as err:
        out, code = run(cwd, list(args), time.monotonic() + timeout_s, stderr_fd=err.fileno())
        if code == 0:
            return out.decode("utf-8", "replace").strip()
        err.seek(0)
        said = err.read(1 << 16).decode("utf-8", "replace").strip().splitlines()
    if code is None:
        raise StopwardenError(f"git {args[0]} did not finish in {timeout_s:.0f} s, or git is not installed")
    raise StopwardenError(f"git {args[0]} failed: {said[-1] if said else f'exit {code}'}")
