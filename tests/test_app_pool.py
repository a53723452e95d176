"""The applicant pool in the app (``homeshore.pool``), through ``AppTest``: read only by the pages that need it,
a user's unreadable file is a message, a bug is not hidden."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from regions import applicants, tabular
from regions.applicants import read

APP = str(Path(__file__).resolve().parents[1] / "app.py")
SITES_PAGE = "homeshore/pages/sites.py"


def _fresh_app() -> AppTest:
    """A new session on a server whose caches are empty (the demo file is not read and joined yet)."""
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=180)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of an applicant file, and every join, as it happens."""
    calls: list[str] = []
    read_table, import_frame = tabular.read_table, applicants.import_frame

    def counted_read(*args: object, **kwargs: object) -> tabular.ReadResult:
        calls.append("read")
        return read_table(*args, **kwargs)  # type: ignore[arg-type]

    def counted_import(*args: object, **kwargs: object) -> applicants.ImportResult:
        calls.append("import")
        return import_frame(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tabular, "read_table", counted_read)
    monkeypatch.setattr(applicants, "import_frame", counted_import)
    monkeypatch.setattr(read, "import_frame", counted_import)
    return calls


def _in_partial_components(at: AppTest, key: str) -> bool:
    """Is the slider ``key`` inside the sidebar's expander of partly covered components?"""
    return any(key in [slider.key for slider in expander.slider] for expander in at.sidebar.expander)


def test_the_sidebar_on_a_page_without_pool_depth_does_not_read_the_applicant_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = _count_reads(monkeypatch)
    at = _fresh_app()
    at.switch_page(SITES_PAGE).run()
    assert not at.exception, at.exception
    assert at.slider(key="hs_w_applicants_per_10k") is not None  # the sidebar is drawn, pool-depth slider included
    assert calls == []
    assert not _in_partial_components(at, "hs_w_applicants_per_10k")
    at.switch_page("homeshore/pages/carte.py").run()  # the map ranks with the pool depth: read and joined, once
    assert not at.exception, at.exception
    assert calls == ["read", "import"]
    at.run()  # the sidebar now knows the pool's coverage: the slider has not moved
    assert not _in_partial_components(at, "hs_w_applicants_per_10k")
    at.switch_page(SITES_PAGE).run()
    at.switch_page("homeshore/pages/carte.py").run()
    assert calls == ["read", "import"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"id;cp;ville\nA1;87000;\x00Limoges\n", ["Fichier illisible", "Ligne 2 : caractère nul"]),
        (b"nom;age\nA;30\n", ["Correspondance des colonnes invalide", "aucune colonne de localisation"]),
    ],
)
def test_an_applicant_file_the_user_must_fix_is_a_message_on_the_map_page(content: bytes, expected: list[str]) -> None:
    at = _fresh_app()
    at.session_state["hs_pool_upload"] = ("candidats.csv", content, hashlib.sha256(content).hexdigest())
    at.run()
    assert not at.exception, at.exception
    shown = [w.value.replace("\\", "") for w in at.warning]
    assert any(all(part in text for part in expected) for text in shown), shown
    assert at.markdown  # the page is still drawn, ranked without pool depth


def test_a_bug_in_the_join_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> applicants.ImportResult:
        raise ValueError("a programming error, not the user's file")

    monkeypatch.setattr(applicants, "import_frame", broken)
    monkeypatch.setattr(read, "import_frame", broken)
    at = _fresh_app().run()
    assert at.exception, "a bug in the join was swallowed into 'no applicant file'"
    assert "a programming error" in str(at.exception[0].message)
