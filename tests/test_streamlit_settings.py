"""The settings Streamlit reads when the app starts from the repository folder (``.streamlit/config.toml``), as
``streamlit config show`` reports them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def shown_setting(name: str) -> str:
    """What `streamlit config show`, run from the repository folder, gives for ``name`` (e.g. ``toolbarMode``)."""
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    values = [line.split("=", 1)[1].strip() for line in shown.stdout.splitlines() if line.startswith(f"{name} =")]
    assert len(values) == 1, f"{name} not shown once by `streamlit config show`"
    return values[0]


def test_the_app_does_not_watch_its_source_files() -> None:
    # watching costs each new session 0.3–0.4 s with the README's virtualenv inside the repository
    assert shown_setting("fileWatcherType") == '"none"'


def test_the_app_runs_no_full_garbage_collection_after_each_run() -> None:
    # a hidden setting, not shown by `streamlit config show`: read as Streamlit reads it, from the repository folder
    read = subprocess.run(
        [sys.executable, "-c", "from streamlit import config; print(config.get_option('runner.postScriptGC'))"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert read.returncode == 0, read.stderr
    assert read.stdout.strip() == "False"  # Streamlit's default, True, stalls the end of every run 0.1–0.2 s


def test_the_app_sends_no_usage_statistics_and_shows_no_developer_menu() -> None:
    assert shown_setting("gatherUsageStats") == "false"
    assert shown_setting("toolbarMode") == '"viewer"'
