"""Storage: the schema is created on first use or by ``regions db upgrade``; ``regions db info`` describes it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from regions.workspace import db


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args],
        capture_output=True, text=True, check=False, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


def test_default_is_an_embedded_sqlite_file_in_the_user_folder_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    env = {"HOMESHORE_USER_DATA_DIR": str(tmp_path), "HOMESHORE_DATABASE_URL": ""}
    upgraded = run("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert (tmp_path / db.SQLITE_FILE).is_file()
    with sqlite3.connect(tmp_path / db.SQLITE_FILE) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == db.head_revision()
    made = db._create(f"sqlite:///{tmp_path / db.SQLITE_FILE}")
    with made.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    made.dispose()


def test_db_info_names_the_database_without_its_password_and_counts_rows(database: str) -> None:
    url = database
    if url.startswith("postgresql"):
        url = url.replace("homeshore@", "homeshore:s3cret-pw@", 1)  # trust auth: the password is ignored
    found = run("db", "info", "--format", "json", env={"HOMESHORE_DATABASE_URL": url})
    assert found.returncode == 0, found.stderr
    described = json.loads(found.stdout)
    assert "s3cret-pw" not in found.stdout
    assert described["revision"] == described["head"] == db.head_revision()
    assert described["counts"]["scenarios"] == 0
    assert described["backend"] == sa.engine.make_url(database).get_backend_name()


def test_a_bad_database_url_is_one_french_line(tmp_path: Path) -> None:
    found = run("db", "info", env={"HOMESHORE_DATABASE_URL": "pas une url"})
    assert found.returncode == 1
    assert found.stderr.startswith("regions: error: HOMESHORE_DATABASE_URL n'est pas une adresse")
    assert "Traceback" not in found.stderr


def test_an_unreachable_database_is_one_line_with_the_password_hidden() -> None:
    url = "postgresql+psycopg://equipe:tres-secret@/homeshore?host=/nonexistent-socket-dir"
    found = run("scenario", "list", env={"HOMESHORE_DATABASE_URL": url})
    assert found.returncode == 1
    assert found.stderr.startswith("regions: error: base de l'espace de travail inaccessible (postgresql+psycopg://")
    assert "tres-secret" not in found.stderr and "Traceback" not in found.stderr
    assert len(found.stderr.strip().splitlines()) == 1
