"""The one error the CLI shows as a one-line message with a hint (exit 1); anything else is a bug (exit 3)."""

from __future__ import annotations


class StopwardenError(Exception):
    """An expected failure: bad input, a missing build, a file we refuse to touch. Nothing was lost."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Unreadable(StopwardenError):
    """A file of ours that cannot be read as what we wrote (a database that is no database): not a passing
    state, as a store one migration behind or a server away for a moment is, but one for the operator."""
