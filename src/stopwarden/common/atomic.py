"""Atomic file writes and exclusive locks, for every file another process may read at the same time;
plus the few other file-system helpers the layers share.

Stdlib-only, and `posix` rather than `os` (about 2 ms to import where no `site` has loaded it): the hook
uses it on the owner path and, for the agent's env file, at every session start.
"""

import _thread
import posix
from io import SEEK_END


def write_atomic(path: str, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that readers see the old content or the new, never a mix.

    The temp file sits in the same folder (rename is atomic only within one file system) and is fsynced
    before the rename, so a crash or a kill at any point leaves either the old or the new file.
    """
    folder = _folder(path)
    # Unique per process and thread: two threads of the server may rewrite the same file at once.
    tmp = f"{folder.rstrip('/')}/.{path.rpartition('/')[2]}.{posix.getpid()}.{_thread.get_ident()}.tmp"
    # O_EXCL: a name planted where our temp file goes (a link a repository committed) is never written
    # through; a leftover of ours from a crash is removed and the name taken again.
    flags = posix.O_WRONLY | posix.O_CREAT | posix.O_EXCL | posix.O_NOFOLLOW
    try:
        fd = posix.open(tmp, flags, mode)
    except FileExistsError:
        posix.unlink(tmp)
        fd = posix.open(tmp, flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[posix.write(fd, view) :]
        posix.fsync(fd)
    finally:
        posix.close(fd)
    try:
        posix.chmod(tmp, mode)  # O_CREAT's mode is filtered by the umask
        posix.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(folder)


def _folder(path: str) -> str:
    """`os.path.dirname(path) or "."`."""
    head = path[: path.rfind("/") + 1]
    return head.rstrip("/") or head or "."


def _fsync_dir(folder: str) -> None:
    # Makes the rename itself durable; not every file system lets a directory be opened for it.
    try:
        fd = posix.open(folder, posix.O_RDONLY)
    except OSError:
        return
    try:
        posix.fsync(fd)
    except OSError:
        pass
    finally:
        posix.close(fd)


def _unlink_quietly(path: str) -> None:
    try:
        posix.unlink(path)
    except OSError:
        pass


class FileLock:
    """An exclusive `flock` on a lock file beside the data, held for the `with` block.

    A lock file, not the data file, because the data file is replaced by rename on every write and a lock
    on the old inode would not exclude a process that opened the new one.
    """

    def __init__(self, path: str, timeout: float | None = None) -> None:
        self.path = path
        self.timeout = timeout  # None: wait as long as it takes; else raise TimeoutError after this long
        self._fd = -1

    def __enter__(self) -> "FileLock":
        import fcntl
        import time

        from stopwarden.state.safe import open_lock

        self._fd = open_lock(self.path)  # never through a link a repository committed
        if self.timeout is None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            return self
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError:
                if time.monotonic() > deadline:
                    posix.close(self._fd)
                    self._fd = -1
                    raise TimeoutError(f"{self.path} stayed locked for {self.timeout} s") from None
                time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        posix.close(self._fd)  # closing the descriptor releases the lock
        self._fd = -1


def rmdir_if_empty(path: str) -> None:
    """Remove a folder we may have created, only when nothing (of the user's) is left in it."""
    try:
        posix.rmdir(path)
    except OSError:
        pass


def append_line(path: str, line: str) -> None:
    """Append a line to a file someone else owns, ending its last line first if it is unfinished."""
    folder = _folder(path)
    try:
        posix.stat(folder)
    except FileNotFoundError:  # rare, so `os` is imported only then
        import os

        os.makedirs(folder, exist_ok=True)
    with open(path, "a+b") as f:
        f.seek(0, SEEK_END)
        if f.tell():
            f.seek(-1, SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
        f.write(line.encode("utf-8") + b"\n")
