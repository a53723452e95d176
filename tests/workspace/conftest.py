"""The workspace tests run on both databases: the embedded SQLite file and PostgreSQL.

PostgreSQL comes from ``HOMESHORE_TEST_POSTGRES_URL`` (``.ci/run`` starts a throwaway cluster with ``.ci/postgres``
and sets it). Without it, the PostgreSQL cases are skipped with the reason — except in CI (``CI=true``), where a
missing PostgreSQL fails: the promise "no lost update on PostgreSQL" must be tested there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "HOMESHORE_TEST_POSTGRES_URL"


def _reset_postgres(url: str) -> None:
    """An empty database: every table of an earlier test dropped."""
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP SCHEMA public CASCADE"))
        connection.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, empty workspace database (its URL, also set as ``HOMESHORE_DATABASE_URL`` for subprocesses)."""
    from regions.workspace import db

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'workspace.sqlite3'}"
    else:
        url = os.environ.get(POSTGRES_ENV, "")
        if not url:
            reason = f"PostgreSQL absent : {POSTGRES_ENV} non défini (.ci/run démarre un serveur jetable)"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(reason)
            pytest.skip(reason)
        _reset_postgres(url)
    monkeypatch.setenv(db.DATABASE_URL_ENV, url)
    monkeypatch.delenv("HOMESHORE_USER", raising=False)
    db._engine.cache_clear()
    yield url
    for made in [db._engine(url)] if db._engine.cache_info().currsize else []:
        made.dispose()
    db._engine.cache_clear()
