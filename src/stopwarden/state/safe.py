"""Open files under `.stopwarden/` as a stranger's repository may have laid them out: never through a
link, never unbounded, never in a folder that is not the current user's own.

Every refusal is a `NotOurs` (an OSError, so the callers' existing "cannot read/write: fail open" paths
take it) whose message says what was odd. On the hook's path: `posix` only, no `os`.
"""

import posix

S_IFMT, S_IFDIR, S_IFREG = 0o170000, 0o040000, 0o100000
# A repository can commit a symlink but not a device or a FIFO; O_NONBLOCK still keeps a FIFO made by
# hand from hanging a reader, and O_NOFOLLOW makes a link at the last component fail with ELOOP.
READ_FLAGS = posix.O_RDONLY | posix.O_NOFOLLOW | posix.O_NONBLOCK | posix.O_CLOEXEC
WRITE_FLAGS = posix.O_WRONLY | posix.O_NOFOLLOW | posix.O_CLOEXEC
SMALL = 64 * 1024  # the cap for every small file: config, token, pid, hot-path, a session record
STATE_CAP = 1 << 20  # a build's state: its steps grow with the build


class NotOurs(OSError):
    """A file or folder under `.stopwarden/` that stopwarden did not make: a link, a non-regular file,
    another user's, or larger than any file we write. Callers treat it as absent and say why."""


def check_folder(path: str) -> None:
    """`path` is a real folder (not a link to one) owned by the current user; else NotOurs."""
    try:
        st = posix.lstat(path)
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as e:
        raise NotOurs(f"{path}: {e}") from None
    if st.st_mode & S_IFMT != S_IFDIR:
        raise NotOurs(f"{path} is not a real folder (a link or a file): not ours, left alone")
    if st.st_uid != posix.geteuid():
        raise NotOurs(f"{path} belongs to another user: not ours, left alone")


def check_folders(base: str, path: str) -> None:
    """Every folder from `base` down to the folder that holds `path` is a real folder of ours."""
    folder = path.rpartition("/")[0]
    check_folder(base)
    rest = folder[len(base) :].strip("/")
    current = base
    for part in rest.split("/") if rest else ():
        current = f"{current}/{part}"
        check_folder(current)


def read(path: str, cap: int = SMALL, private: bool = False) -> bytes:
    """The bytes of a regular file, never through a link; NotOurs when it is over `cap` or odd,
    FileNotFoundError when it is absent. `private`: a secret, which others must not be able to read and
    which must be the current user's (a repository's copy is checked out readable by all)."""
    fd = _open(path, READ_FLAGS, 0)
    try:
        st = posix.fstat(fd)
        if st.st_mode & S_IFMT != S_IFREG:
            raise NotOurs(f"{path} is not a regular file: not ours, left alone")
        if private and (st.st_mode & 0o077 or st.st_uid != posix.geteuid()):
            raise NotOurs(f"{path} is readable by others (a committed secret is none): run `stopwarden doctor --fix`")
        if st.st_size > cap:
            raise NotOurs(f"{path} is {st.st_size} bytes, over the {cap} we ever write: not ours, left alone")
        chunks: list[bytes] = []
        size = 0
        while size <= cap:
            chunk = posix.read(fd, cap + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > cap:  # grew while we read
            raise NotOurs(f"{path} is over the {cap} bytes we ever write: not ours, left alone")
        return b"".join(chunks)
    finally:
        posix.close(fd)


def open_append(path: str, mode: int = 0o600) -> int:
    """A descriptor for appending to `path` (created if missing), never through a link."""
    return _open_regular(path, WRITE_FLAGS | posix.O_APPEND | posix.O_CREAT, mode)


def append(path: str, data: bytes, mode: int = 0o600) -> None:
    """One O_APPEND write (concurrent writers never interleave a line), never through a link."""
    _write_all(open_append(path, mode), data)


def create_new(path: str, data: bytes = b"", mode: int = 0o600) -> bool:
    """Create `path` only if nothing (not even a dangling link) is there; False when something is."""
    try:
        fd = posix.open(path, WRITE_FLAGS | posix.O_CREAT | posix.O_EXCL, mode)
    except FileExistsError:
        return False
    _write_all(fd, data)
    return True


def open_lock(path: str) -> int:
    """A descriptor of a lock file (created if missing) to `flock`, never through a link."""
    return _open_regular(path, posix.O_RDWR | posix.O_CREAT | posix.O_NOFOLLOW | posix.O_CLOEXEC, 0o600)


def make_folder(path: str) -> None:
    """Create the folder if missing (0700), then check it is a real folder of ours."""
    try:
        posix.mkdir(path, 0o700)
    except FileExistsError:
        pass
    check_folder(path)


def _open(path: str, flags: int, mode: int) -> int:
    """`posix.open`, with every refusal but absence (a link at the end, a folder, a FIFO) as NotOurs."""
    try:
        return posix.open(path, flags, mode)
    except FileNotFoundError:
        raise
    except OSError as e:
        raise NotOurs(f"{path}: cannot open it as a plain file ({e.strerror}): not ours, left alone") from None


def _open_regular(path: str, flags: int, mode: int) -> int:
    """`_open` for writing: the file must also be a regular one of the current user's."""
    fd = _open(path, flags, mode)
    st = posix.fstat(fd)
    if st.st_mode & S_IFMT != S_IFREG or st.st_uid != posix.geteuid():
        posix.close(fd)
        raise NotOurs(f"{path} is not a plain file of ours: left alone")
    return fd


def _write_all(fd: int, data: bytes) -> None:
    """Write all of `data` to `fd`, then close it."""
    try:
        view = memoryview(data)
        while view:
            view = view[posix.write(fd, view) :]
    finally:
        posix.close(fd)
