"""Where the workspace lives and how it is opened: the engine, the schema migrations, ``regions db info``.

Default, with zero set-up: an embedded SQLite file ``workspace.sqlite3`` in the per-user data folder
(:func:`regions.settings.user_data_root`, ``HOMESHORE_USER_DATA_DIR`` overrides), in WAL mode with foreign keys on,
every transaction taken as ``BEGIN IMMEDIATE`` (writers queue instead of failing half-way). For a team server:
``HOMESHORE_DATABASE_URL`` (e.g. ``postgresql+psycopg://homeshore:…@db.example/homeshore``).

:func:`engine` migrates the schema to the newest revision on first use (once per process and URL), so the app and the
CLI need no set-up step; ``regions db upgrade`` does the same explicitly. Concurrent first uses are safe: SQLite
serialises them, PostgreSQL takes an advisory lock.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from regions import settings
from regions.workspace import schema

#: Environment variable naming the database (SQLAlchemy URL); unset: the embedded SQLite file.
DATABASE_URL_ENV: Final[str] = "HOMESHORE_DATABASE_URL"
#: File name of the embedded database in the user's data folder.
SQLITE_FILE: Final[str] = "workspace.sqlite3"
#: Seconds a writer waits for another one before giving up (SQLite busy timeout).
BUSY_TIMEOUT_S: Final[float] = 30.0
_MIGRATIONS: Final[Path] = Path(__file__).resolve().parent / "migrations"
_PG_LOCK_KEY: Final[int] = 0x486F6D65  # "Home": the advisory lock taken while migrating


class WorkspaceError(ValueError):
    """A workspace operation that cannot be done; the message (French) says why and what to do."""


def database_url() -> str:
    """The database in use: ``HOMESHORE_DATABASE_URL``, else the embedded SQLite file in the user's data folder."""
    given = os.environ.get(DATABASE_URL_ENV, "").strip()
    if given:
        return given
    return f"sqlite:///{settings.user_data_root() / SQLITE_FILE}"


def describe_error(error: sa.exc.SQLAlchemyError) -> str:
    """One French line for a database that cannot be reached or written (URL with its password hidden)."""
    try:
        where = sa.engine.make_url(database_url()).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        where = DATABASE_URL_ENV
    reason = str(getattr(error, "orig", None) or error).splitlines()[0]
    return (f"base de l'espace de travail inaccessible ({where}) : {reason} ; vérifiez {DATABASE_URL_ENV} ou le "
            "dossier de données, puis `regions db info`")  # fmt: skip


def now() -> str:
    """The current time, ISO 8601 in UTC (how every time is stored)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def engine(url: str | None = None) -> sa.Engine:
    """The engine for ``url`` (default :func:`database_url`), its schema migrated to the newest revision."""
    return _engine(url or database_url())


@functools.lru_cache(maxsize=8)
def _engine(url: str) -> sa.Engine:
    made = _create(url)
    if current_revision(made) != head_revision():
        upgrade(made)
    return made


def _create(url: str) -> sa.Engine:
    """A new engine; SQLite gets its folder, WAL, foreign keys and immediate transactions."""
    try:
        parsed = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise WorkspaceError(
            f"{DATABASE_URL_ENV} n'est pas une adresse de base de données valide "
            "(exemple : postgresql+psycopg://utilisateur:motdepasse@serveur/homeshore)"
        ) from None
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    made = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
    sa.event.listen(made, "connect", _sqlite_connect)
    sa.event.listen(made, "begin", _sqlite_begin)
    return made


def _sqlite_connect(dbapi_connection: Any, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below opens the transactions
    cursor = dbapi_connection.cursor()
    _write_ahead_log(cursor)
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def _write_ahead_log(cursor: Any) -> None:
    """Put the database in WAL mode (kept in its file). Switching needs the file to itself, and SQLite answers
    "database is locked" at once, without its busy wait, while another process is opening the same new database:
    tried again until the busy timeout (two servers or commands starting together on a new workspace)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def transaction(url: str | None = None) -> Iterator[sa.Connection]:
    """One transaction: committed when the block ends, rolled back on any error (or a killed process)."""
    with engine(url).begin() as connection:
        yield connection


def _alembic_config(connection: sa.Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest schema revision this version of Homeshore knows."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def current_revision(target: sa.Engine) -> str | None:
    """The schema revision of the database (``None`` when it has never been set up)."""
    with target.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(target: sa.Engine | None = None) -> str:
    """Create or migrate the schema to the newest revision, in one transaction; return the revision."""
    target = target or _create(database_url())
    with target.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        command.upgrade(_alembic_config(connection), "head")
    return head_revision()


@dataclass(frozen=True)
class DatabaseInfo:
    """What ``regions db info`` says: the database (password hidden), its schema revision, row counts."""

    url: str
    backend: str
    revision: str | None
    head: str
    counts: dict[str, int]

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "backend": self.backend, "revision": self.revision, "head": self.head,
                "counts": self.counts}  # fmt: skip


def info(url: str | None = None) -> DatabaseInfo:
    """Describe the database in use (its schema migrated first, as on any use)."""
    made = engine(url)
    with made.connect() as connection:
        counts = {
            table.name: int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            for table in schema.metadata.sorted_tables
        }
    return DatabaseInfo(
        made.url.render_as_string(hide_password=True),
        made.dialect.name,
        current_revision(made),
        head_revision(),
        counts,
    )
