"""The hook process's environment and stdin through `posix`, without importing `os` (which the hot path
skips: every hook run pays an import). Shared by the hook (main.py) and the status line (statusline.py)."""

import posix


def environ() -> dict[str, str]:
    """`os.environ`, decoded as `os` decodes it (surrogateescape)."""
    return {
        k.decode("utf-8", "surrogateescape"): v.decode("utf-8", "surrogateescape") for k, v in posix.environ.items()
    }


def read_stdin() -> bytes:
    """All of stdin, however the client writes it (in one piece or several)."""
    chunks: list[bytes] = []
    while True:
        chunk = posix.read(0, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
