"""The app's string tables (``homeshore.strings``): French and English complete and alike, every string used;
plurals, numbers and acronyms in generated sentences."""

from __future__ import annotations

import re
import string
from pathlib import Path

from homeshore import strings, views
from homeshore.strings import en, fr
from regions import applicants

ROOT = Path(__file__).resolve().parent.parent
#: Keys the app builds from a prefix (``t(f"orientation_{o}")``, ``t("plan_scope_" + scope)``, an audit column).
BUILT_PREFIXES = ("orientation_", "add_mode_", "sl_status_", "plan_scope_", "sc_audit_col_")
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
        if not re.search(rf"[\"']{re.escape(key.removesuffix('_one'))}[\"']", code)  # a singular: its plural's use
        and not key.startswith(BUILT_PREFIXES)
    ]
    assert sorted(unused) == sorted(KEPT_UNUSED)


def test_text_formats_the_values() -> None:
    assert strings.text("top_sentence", "en", rank=1, name="Creuse", code="23", reasons="x") == (
        "**1. Creuse** (23) — x."
    )


def test_both_languages_have_the_same_keys_singulars_included() -> None:
    assert set(fr.STRINGS) == set(en.STRINGS)
    singulars = [key for key in fr.STRINGS if key.endswith("_one")]
    assert singulars and all(key.removesuffix("_one") in fr.STRINGS for key in singulars)


def test_a_count_of_one_takes_the_singular() -> None:
    assert strings.text("sites_added", "fr", n=1) == "1 site ajouté et localisé."
    assert strings.text("sites_added", "fr", n=0) == "0 site ajouté et localisé."  # French: 0 is singular
    assert strings.text("sites_added", "fr", n=2) == "2 sites ajoutés et localisés."
    assert strings.text("sites_added", "en", n=1) == "1 site added and located."
    assert strings.text("sites_added", "en", n=0) == "0 sites added and located."
    assert strings.text("hubs_added", "fr", n=1) == "+ 1 site ajouté sur la page Sites."
    assert strings.text("pool_shortlist_count", "fr", n="1") == "1 candidat retenu."  # a number already written
    assert strings.text("pool_shortlist_count", "fr", n="1\u202f204") == "1\u202f204 candidats retenus."
    assert strings.text("plan_for", "en", n=1) == "1 hire" and strings.text("plan_for", "en", n=3) == "3 hires"
    assert "(s)" not in "".join(fr.STRINGS[key] for key in ("hubs_added", "sites_added"))


def test_labels_in_a_french_sentence_keep_their_acronyms() -> None:
    assert views.in_sentence("Taux de chômage localisé") == "taux de chômage localisé"
    assert views.in_sentence("Locaux éligibles à la fibre (FttH)") == "locaux éligibles à la fibre (FttH)"
    assert views.in_sentence("AAH pour 1 000 habitants") == "AAH pour 1 000 habitants"
    assert views.in_sentence("Demandeurs d'emploi en catégorie A") == "demandeurs d'emploi en catégorie A"


def test_the_top_sentences_keep_acronyms_and_write_french_numbers() -> None:
    from regions import indicators, scoring

    table = indicators.territory_table()
    weights = {"ftth_share_pct": 0.5, "jobseekers_per_1000": 0.5}
    result = scoring.score(table, weights, scoring.Filters(), lang="fr")
    text = " ".join(views.top_sentences(table, result, weights, "fr"))
    assert "(FttH)" in text and "(ftth)" not in text and "catégorie A" in text
    assert re.search(r"\d,\d", text) and not re.search(r"\d\.\d", text)  # decimal commas only


def test_the_travel_estimate_is_written_with_the_languages_decimal_mark() -> None:
    from homeshore import sidebar

    figures = {"detour": "1,3", "speed": "70"}
    for key in ("max_travel_help", "hub_max_travel_help", "detail_sites_caption"):
        assert "× 1,3 ÷ 70 km/h" in strings.text(key, "fr", **figures)
    assert sidebar.formatting.number(1.3, 1, "fr") == "1,3" and sidebar.formatting.number(70.0, 0, "fr") == "70"


def test_site_names_lose_the_compilers_english_notes() -> None:
    assert views.without_note("Bouygues Telecom (in-house customer service)") == "Bouygues Telecom"
    assert views.without_note("Teleperformance France (TP, renamed VelsiA in 2025)") == "Teleperformance France"
    assert views.without_note('centre de relation clients "Oceania"') == 'centre de relation clients "Oceania"'
