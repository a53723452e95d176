"""What a new session of the app costs: the work shared by sessions is done once per server (``AppTest``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from regions import applicants
from regions.applicants import read

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def test_a_new_session_does_not_read_and_join_the_demo_applicant_file_again(monkeypatch: pytest.MonkeyPatch) -> None:
    first = AppTest.from_file(APP, default_timeout=180).run()
    assert not first.exception
    depth = [m.value for m in first.markdown]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the demo file was joined again for a new session")

    monkeypatch.setattr(applicants, "import_frame", refuse)
    monkeypatch.setattr(read, "import_frame", refuse)
    second = AppTest.from_file(APP, default_timeout=180).run()
    assert not second.exception, second.exception
    assert [m.value for m in second.markdown] == depth  # the same page, pool-depth figures included
