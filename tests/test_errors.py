"""The base of user errors (``regions.errors``): a reason code and a message in French and English."""

from __future__ import annotations

import pickle

import pytest

from regions import errors
from regions.official import DownloadError, RefreshError


def test_a_user_error_speaks_both_languages_and_french_first() -> None:
    error = errors.HomeshoreError("fichier illisible", en="unreadable file", reason="unreadable")
    assert str(error) == "fichier illisible" and error.reason == "unreadable"
    assert error.message("en") == "unreadable file" and error.message("fr") == "fichier illisible"
    assert error.message("de") == "fichier illisible"  # a language the product does not speak: French
    assert errors.HomeshoreError("seulement en français").message("en") == "seulement en français"


def test_refresh_errors_are_user_errors_that_pickle_whole() -> None:
    error = DownloadError("impossible de joindre x", en="cannot reach x", url="https://x.test/f", offline=True)
    assert isinstance(error, errors.HomeshoreError) and isinstance(error, RuntimeError)  # the CLI catches RuntimeError
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DownloadError and str(copy) == str(error)
    assert (copy.url, copy.offline, copy.reason, copy.message("en")) == (
        "https://x.test/f",
        True,
        "offline",
        "cannot reach x",
    )
    assert RefreshError("x").reason == "refresh_failed"
    with pytest.raises(RuntimeError, match=r"^x$"):
        raise RefreshError("x")
