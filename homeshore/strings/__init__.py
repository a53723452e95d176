"""Every user-facing string of the app, in French (default) and English, in one place.

``text(key, lang, **values)`` formats a string; a key missing in a language is a bug caught by the tests.
Indicator labels come from the catalogue (``label_fr`` / ``label_en``), not from here. The tables:
:mod:`homeshore.strings.fr`, :mod:`homeshore.strings.en`, and the applicant-file field labels
(:mod:`homeshore.strings.fields`).
"""

from __future__ import annotations

import re
from typing import Literal

from homeshore.strings import en, fr
from homeshore.strings.fields import FIELD_LABELS

Lang = Literal["fr", "en"]
LANGUAGES: dict[str, str] = {"fr": "Français", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {"fr": fr.STRINGS, "en": en.STRINGS}

__all__ = ["FIELD_LABELS", "LANGUAGES", "STRINGS", "Lang", "text"]


def text(key: str, lang: Lang = "fr", **values: object) -> str:
    """The string ``key`` in ``lang``, formatted with ``values``.

    A count ``n`` of one (of zero or one in French) takes the key's singular, ``<key>_one``, where there is one:
    « 1 site ajouté », "1 site added"; ``n`` may be a number already written (``"1"``, ``"1 204"``)."""
    if "n" in values and f"{key}_one" in STRINGS[lang] and is_one(values["n"], lang):
        key = f"{key}_one"
    return STRINGS[lang][key].format(**values) if values else STRINGS[lang][key]


def is_one(count: object, lang: Lang) -> bool:
    """Whether ``count`` takes the singular: 0 and 1 in French, 1 in English."""
    digits = re.sub(r"[\s\u202f,.]", "", str(count))
    if not digits.isdigit():
        return False
    return int(digits) <= 1 if lang == "fr" else int(digits) == 1
