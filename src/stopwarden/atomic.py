"""Atomic file writes and exclusive locks, for every file another process may read at the same time;
plus the few other file-system helpers the layers share.

Stdlib-only: the hook uses it on the owner path.
"""

from __future__ import annotations

import _thread
import os


def write_atomic(path: str, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that readers see the old content or the new, never a mix.

    The temp file sits in the same folder (rename is atomic only within one file system) and is fsynced
    before the rename, so a crash or a kill at any point leaves either the old or the new file.
    """
    folder = os.path.dirname(path) or "."
    # Unique per process and thread: two threads of the server may rewrite the same file at once.
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.{_thread.get_ident()}.tmp")
    # O_EXCL: a name planted where our temp file goes (a link a repository committed) is never written
    # through; a leftover of ours from a crash is removed and the name taken again.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        fd = os.open(tmp, flags, mode)
    except FileExistsError:
        os.unlink(tmp)
        fd = os.open(tmp, flags, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.chmod(tmp, mode)  # O_CREAT's mode is filtered by the umask
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: str) -> None:
    # Makes the rename itself durable; not every file system lets a directory be opened for it.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
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

    def __enter__(self) -> FileLock:
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
                    os.close(self._fd)
                    self._fd = -1
                    raise TimeoutError(f"{self.path} stayed locked for {self.timeout} s") from None
                time.sleep(0.005)

    def __exit__(self, *exc: object) -> None:
        os.close(self._fd)  # closing the descriptor releases the lock
        self._fd = -1


def rmdir_if_empty(path: str) -> None:
    """Remove a folder we may have created, only when nothing (of the user's) is left in it."""
    try:
        os.rmdir(path)
    except OSError:
        pass


def append_line(path: str, line: str) -> None:
    """Append a line to a file someone else owns, ending its last line first if it is unfinished."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "a+b") as f:
        f.seek(0, os.SEEK_END)
        if f.tell():
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
        f.write(line.encode("utf-8") + b"\n")
