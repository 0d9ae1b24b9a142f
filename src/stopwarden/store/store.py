"""The store: every read and write of the decision log and the gate's persistent state (SPEC §7.1, §13).

The server and the CLI both call these methods; neither writes SQL of its own. Two backends sit behind
the one class, told apart by where the store is: a file path is the project's SQLite database, a
`postgresql://` URL a PostgreSQL database a fleet shares. Each public write method is one transaction: it
commits as a whole or not at all. With SQLite, writes in this process go through one lock (SQLite has a
single writer anyway, and waiting on a Python lock is cheaper than retrying on SQLITE_BUSY); other
processes, such as a CLI command while the server runs, wait on SQLite's busy timeout. PostgreSQL takes
concurrent writers itself; what must hold across servers is written as one atomic statement.

One class, `Store`, put together from one class per concern over one engine: the engine, connections,
transactions and migrations (`engine.py`), the settings rows (`settings_rows.py`), the decision log
(`events.py`), annotations and the operator log (`annotations.py`), and the counters: sessions, rate
windows, continues, the breaker (`counters.py`); what several share is in `rows.py`. Callers import from
here: this module is the store's public face, and the names below are all of it.
"""

from __future__ import annotations

from stopwarden.store.annotations import Annotations
from stopwarden.store.backends import PG_POOL_IDLE_S as PG_POOL_IDLE_S
from stopwarden.store.backends import PG_POOL_SIZE as PG_POOL_SIZE
from stopwarden.store.backends import ShrinkingPool as ShrinkingPool
from stopwarden.store.backends import is_url as is_url
from stopwarden.store.backends import postgresql_engine as postgresql_engine
from stopwarden.store.backends import safe_location as safe_location
from stopwarden.store.counters import Counters
from stopwarden.store.engine import FLEET as FLEET
from stopwarden.store.engine import LISTEN_WAKE_S as LISTEN_WAKE_S
from stopwarden.store.engine import StoreUnavailable as StoreUnavailable
from stopwarden.store.events import Events
from stopwarden.store.events import Recorded as Recorded
from stopwarden.store.rows import event_columns as event_columns
from stopwarden.store.settings_rows import SettingsRows


class Store(Events, Annotations, Counters, SettingsRows):
    """The decision log and the gate's persistent state on SQLite or PostgreSQL: `Store.open(location)`."""
