"""The project's config and its store, opened for a command that works without the server (`gate …`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from stopwarden.common.errors import StopwardenError
from stopwarden.common.project import require_root


@contextmanager
def local_store() -> Iterator[tuple[Any, Any]]:
    """The project's config and an open store, for commands that work without the server."""
    from stopwarden.common import config as config_module
    from stopwarden.store import schema
    from stopwarden.store.store import Store

    root = require_root(os.getcwd())
    config = config_module.load(root)
    # Migrations are the server's business at start: a command migrates only a database that is behind
    # (a write lock, taken only then), never one a running server already brought up to date.
    store = Store.open(config.store_location, migrate=False)
    if store.schema_version() < schema.LATEST:  # a new project, or one whose server has not run since
        if store.backend == "postgresql":  # shared: upgrading it is a decision for `store migrate`, not a read
            store.close()
            raise StopwardenError(
                "the shared database's schema is older than this stopwarden's",
                hint="run `stopwarden store migrate` once every server sharing it runs this version",
            )
        store.migrate()
    try:
        yield config, store
    finally:
        store.close()
