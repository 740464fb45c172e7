"""Open the DuckDB warehouse, apply the schema, and turn DuckDB's lock errors into clear ones.

DuckDB's concurrency model (DuckDB 2.0, see ../shared/ENVIRONMENT.md and
https://duckdb.org/docs/connect/concurrency): one process may hold a read-write connection to a
file, and while it does no other process can open the file at all, not even read-only. Several
read-only processes can share it. compute-limits therefore writes from one process only (the
flow's main thread), and every reader opens read-only; a reader that meets a writer gets
:class:`WarehouseBusy` with a message that says to retry, never a stack trace.
"""

from __future__ import annotations

import hashlib
import os
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

import duckdb

#: Environment variable that overrides the warehouse path.
WAREHOUSE_ENV = "COMPUTE_LIMITS_WAREHOUSE"
#: Default warehouse file, relative to the working directory.
DEFAULT_WAREHOUSE = "warehouse.duckdb"


class WarehouseError(Exception):
    """Base error of the warehouse layer. ``path`` is the warehouse file concerned."""

    def __init__(self, message: str, path: str | os.PathLike | None = None):
        super().__init__(message)
        self.path = str(path) if path is not None else None

    def __reduce__(self):  # pickles cleanly across process boundaries
        return (type(self), (self.args[0], self.path))


class WarehouseBusy(WarehouseError):
    """Another process holds the warehouse file (DuckDB allows one writer and no reader beside it)."""


class WarehouseMissing(WarehouseError):
    """A read-only command was pointed at a warehouse file that does not exist."""


def default_path() -> Path:
    """Return the warehouse path: ``$COMPUTE_LIMITS_WAREHOUSE`` or ``./warehouse.duckdb``."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def utcnow() -> datetime:
    """Return the current time in UTC as a naive datetime (the warehouse stores UTC without zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def stable_id(*parts: object) -> str:
    """Given identifying fields, return a 32-hex-digit id (SHA-256 prefix) of their repr.

    Floats should be rounded by the caller; None and strings are distinguished.
    """
    h = hashlib.sha256("\x1f".join(repr(p) for p in parts).encode("utf-8"))
    return h.hexdigest()[:32]


def schema_sql() -> str:
    """Return the text of ``warehouse/schema.sql`` (the single schema file)."""
    return resources.files("warehouse").joinpath("schema.sql").read_text(encoding="utf-8")


def _is_lock_error(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return "lock" in msg and ("could not set" in msg or "conflicting" in msg or "lock on file" in msg)


#: Seconds an interactive writer (review decisions, import, refit) waits before "warehouse busy".
DEFAULT_WRITER_WAIT_S = 2.0
#: Seconds a reader waits for the file before answering "warehouse busy".
DEFAULT_READER_WAIT_S = 1.0
#: Seconds the nightly flow waits for short-lived readers (``compute-limits sql`` ...) to let go.
INGEST_WAIT_S = 60.0


def _default_wait(read_only: bool) -> float:
    env = os.environ.get("COMPUTE_LIMITS_LOCK_WAIT_S")
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            raise WarehouseError(f"COMPUTE_LIMITS_LOCK_WAIT_S must be a number of seconds, got {env!r}") from None
    return DEFAULT_READER_WAIT_S if read_only else DEFAULT_WRITER_WAIT_S


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False,
            wait_s: float | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse at ``path`` (default :func:`default_path`) and return a connection.

    A read-write connection creates the file and its parent folder if needed and applies
    ``schema.sql``. A read-only connection needs an existing file. The session time zone is set
    to UTC. While another process holds the file, the call retries for up to ``wait_s`` seconds
    (default: 2 s for a writer, 1 s for a reader, ``$COMPUTE_LIMITS_LOCK_WAIT_S`` overrides both;
    the nightly flow passes :data:`INGEST_WAIT_S` to outwait short readers such as
    ``compute-limits sql``).

    Raises:
        WarehouseBusy: another process still holds the file after ``wait_s`` (retry later).
        WarehouseMissing: ``read_only`` and the file does not exist.
        WarehouseError: the file is not a DuckDB database or cannot be opened.
    """
    wait = _default_wait(read_only) if wait_s is None else wait_s
    deadline = time.monotonic() + wait
    delay = 0.05
    while True:
        try:
            return _connect_once(path, read_only=read_only)
        except WarehouseBusy:
            if time.monotonic() + delay > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _connect_once(path: str | os.PathLike | None, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    p = Path(path) if path is not None else default_path()
    if read_only and not p.exists():
        raise WarehouseMissing(
            f"no warehouse at {p}: run `compute-limits nightly` or `compute-limits import-reference` first, "
            f"or pass --warehouse PATH (or set {WAREHOUSE_ENV})",
            p,
        )
    if not read_only:
        p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        if _is_lock_error(exc):
            raise WarehouseBusy(
                f"warehouse busy: {p} is held by another process (a running ingest?); retry when it finishes",
                p,
            ) from None
        raise WarehouseError(f"cannot open warehouse {p}: {exc}", p) from None
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot open warehouse {p}: {exc}", p) from None
    con.execute("SET TimeZone = 'UTC'")
    if not read_only:
        con.execute(schema_sql())
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: commit on success, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Return ``{table: row count}`` for every table of the main schema."""
    names = [r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
    ).fetchall()]
    return {n: scalar(con, f'SELECT count(*) FROM "{n}"') for n in names}


def first_row(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> tuple | None:
    """Run ``query`` with bound ``params`` and return its first row, or None when it has none.

    Fetches the whole result, so the connection is left with no unfinished result (DuckDB 2.0
    refuses ``register`` and some other calls while a partly fetched result is open).
    """
    rows = con.execute(query, params or []).fetchall()
    return rows[0] if rows else None


def scalar(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None):
    """Run ``query`` with bound ``params`` and return the first column of its first row (or None)."""
    row = first_row(con, query, params)
    return row[0] if row else None
