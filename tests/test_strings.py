"""The app's string tables (``homeshore.strings``): French and English complete and alike, every string used."""

from __future__ import annotations

import re
import string
from pathlib import Path

from homeshore import strings
from regions import applicants

ROOT = Path(__file__).resolve().parent.parent
#: Keys the app builds from a prefix (``t(f"orientation_{o}")``, ``t("plan_scope_" + scope)``).
BUILT_PREFIXES = ("orientation_", "add_mode_", "sl_status_", "plan_scope_")
#: Keys kept although unused (none: the preset box now says "preset_custom_from").
KEPT_UNUSED: set[str] = set()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_french_and_english_have_the_same_keys_and_placeholders() -> None:
    fr, en = strings.STRINGS["fr"], strings.STRINGS["en"]
    assert set(fr) - set(en) == set(), "missing in English"
    assert set(en) - set(fr) == set(), "missing in French"
    assert {k: _fields(fr[k]) for k in fr} == {k: _fields(en[k]) for k in fr}
    assert all(text.strip() for table in (fr, en) for text in table.values())


def test_field_labels_cover_every_applicant_field_in_both_languages() -> None:
    assert set(strings.FIELD_LABELS) == set(strings.LANGUAGES)
    for labels in strings.FIELD_LABELS.values():
        assert list(labels) == list(applicants.FIELDS)


def test_every_string_is_used_by_the_app() -> None:
    code = "\n".join(
        path.read_text(encoding="utf-8")
        for path in [*sorted((ROOT / "homeshore").rglob("*.py")), ROOT / "app.py"]
        if "strings" not in path.parts
    )
    unused = [
        key
        for key in strings.STRINGS["fr"]
        if not re.search(rf"[\"']{re.escape(key)}[\"']", code) and not key.startswith(BUILT_PREFIXES)
    ]
    assert sorted(unused) == sorted(KEPT_UNUSED)


def test_text_formats_the_values() -> None:
    assert strings.text("top_sentence", "en", rank=1, name="Creuse", code="23", reasons="x") == (
        "**1. Creuse** (23) — x."
    )
