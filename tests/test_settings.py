"""Every tunable lives in ``regions.settings``: the modules read theirs from there, the pages hard-code none."""

from __future__ import annotations

import re
from pathlib import Path

from homeshore import state
from regions import settings, sites, tabular
from regions.official import _http, cells

ROOT = Path(__file__).resolve().parent.parent


def test_the_readers_and_the_downloads_use_the_settings() -> None:
    assert tabular.MAX_UPLOAD_BYTES == settings.MAX_UPLOAD_BYTES
    assert tabular.MAX_UPLOAD_ROWS == settings.MAX_UPLOAD_ROWS
    assert tabular.MAX_ZIP_MEMBERS == settings.MAX_ZIP_MEMBERS
    assert _http.TIMEOUT_SECONDS == settings.DOWNLOAD_TIMEOUT_SECONDS
    assert _http.RETRIES == settings.DOWNLOAD_RETRIES
    assert _http.MAX_DOWNLOAD_BYTES == settings.MAX_DOWNLOAD_BYTES
    assert cells.MAX_ROWS == settings.OFFICIAL_MAX_ROWS
    assert sites.EARTH_RADIUS_KM == settings.EARTH_RADIUS_KM
    assert state.TRAVEL_CHOICES == settings.TRAVEL_LIMIT_CHOICES_MIN
    assert state.HUB_TRAVEL_CHOICES == settings.HUB_TRAVEL_LIMIT_CHOICES_MIN
    assert state.NO_LIMIT in state.TRAVEL_CHOICES and state.NO_LIMIT in state.HUB_TRAVEL_CHOICES


def test_no_page_hard_codes_the_number_of_departements() -> None:
    pattern = re.compile(rf"/{settings.N_DEPARTEMENTS}\b|\b{settings.N_DEPARTEMENTS} départements")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*sorted((ROOT / "homeshore").rglob("*.py")), ROOT / "app.py"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == []
