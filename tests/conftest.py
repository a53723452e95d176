"""Shared test set-up: no network, and one geometry cache for the whole run.

The network is blocked (as in osmnx's test suite) so that no test silently depends on the internet.
The user data folder (refreshed figures, user indicators) is an empty temporary one. The cache folder is the
user's default unless ``HOMESHORE_CACHE_DIR`` is set (CI sets it to a folder of its
own); the first test that needs a layer builds it, the others read it.
"""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# A user's refreshed or imported figures must not change what the tests see: an empty user data folder.
os.environ["HOMESHORE_USER_DATA_DIR"] = tempfile.mkdtemp(prefix="homeshore-test-userdata-")


class NetworkBlockedError(RuntimeError):
    """Raised when a test tries to open a network connection."""


@pytest.fixture(autouse=True)
def _block_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    def guard(*args: object, **kwargs: object) -> None:
        raise NetworkBlockedError("tests must not use the network")

    monkeypatch.setattr(socket.socket, "connect", guard)
    monkeypatch.setattr(socket, "create_connection", guard)
    yield


@pytest.fixture
def user_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh user data folder (refreshed figures, user indicators) for one test; caches reloaded around it."""
    from regions import indicators

    monkeypatch.setenv("HOMESHORE_USER_DATA_DIR", str(tmp_path))
    indicators.reload()
    yield tmp_path
    monkeypatch.undo()
    indicators.reload()
