"""Atomic file writes and exclusive locks, for every file another process may read at the same time;
plus the few other file-system helpers the layers share.

Stdlib-only: the hook uses it on the owner path.
"""

from __future__ import annotations

import os


def write_atomic(path: str, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` so that readers see the old content or the new, never a mix.

    The temp file sits in the same folder (rename is atomic only within one file system) and is fsynced
    before the rename, so a crash or a kill at any point leaves either the old or the new file.
    """
    folder = os.path.dirname(path) or "."
    tmp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
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

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd = -1

    def __enter__(self) -> FileLock:
        import fcntl

        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self._fd)  # closing the descriptor releases the lock
        self._fd = -1


def rmdir_if_empty(path: str) -> None:
    """Remove a folder we may have created, only when nothing (of the user's) is left in it."""
    try:
        os.rmdir(path)
    except OSError:
        pass
