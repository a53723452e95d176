"""Every user-facing string of the app, in French (default) and English, in one place.

``text(key, lang, **values)`` formats a string; a key missing in a language is a bug caught by the tests.
Indicator labels come from the catalogue (``label_fr`` / ``label_en``), not from here. The tables:
:mod:`homeshore.strings.fr`, :mod:`homeshore.strings.en`, and the applicant-file field labels
(:mod:`homeshore.strings.fields`).
"""

from __future__ import annotations

from typing import Literal

from homeshore.strings import en, fr
from homeshore.strings.fields import FIELD_LABELS

Lang = Literal["fr", "en"]
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {"fr": fr.STRINGS, "en": en.STRINGS}

__all__ = ["FIELD_LABELS", "LANGUAGES", "STRINGS", "Lang", "text"]


def text(key: str, lang: Lang = "fr", **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``."""
    return STRINGS[lang][key].format(**values) if values else STRINGS[lang][key]
