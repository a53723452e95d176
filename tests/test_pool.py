"""The session's applicant file (``homeshore.pool``): read and joined once, ``None`` only for a user's problem."""

from __future__ import annotations

import hashlib

import pytest
from streamlit.testing.v1 import AppTest

from regions import applicants


def _page() -> None:
    import streamlit as st

    from homeshore import pool

    result = pool.current()
    st.markdown("none" if result is None else f"rows {result.rows_read}, matched {len(result.matched)}")


def _with_upload(content: bytes, name: str = "ats.csv") -> AppTest:
    at = AppTest.from_function(_page, default_timeout=120)
    at.session_state["hs_pool_upload"] = (name, content, hashlib.sha256(content).hexdigest())
    return at


def test_an_uploaded_file_is_joined() -> None:
    at = _with_upload("nom;code postal;commune\nA;23000;Guéret\nB;87000;Limoges\n".encode())
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "rows 2, matched 2"


@pytest.mark.parametrize(
    "content",
    [
        b"nom;age\nA;30\n",  # no location column: the mapping is not usable
        b"\x00\x01\x02binary" * 50,  # not a table
    ],
)
def test_a_file_the_user_must_fix_gives_none(content: bytes) -> None:
    at = _with_upload(content)
    at.run()
    assert not at.exception
    assert at.markdown[0].value == "none"


def test_a_programming_error_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> applicants.ImportResult:
        raise ValueError("a bug, not the user's file")

    monkeypatch.setattr(applicants, "import_frame", broken)
    at = _with_upload(b"nom;code postal\nA;23000\n")
    at.run()
    assert at.exception and "a bug, not the user's file" in at.exception[0].message
