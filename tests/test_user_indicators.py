"""A user's own indicator: every row kept or rejected with its reason, communes aggregated, saved as user data."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regions import indicators, scoring, snapshot, sources, user_indicators
from regions.workspace import people, userdata

RATE = user_indicators.Declaration("taux_test", "Taux test", "%", "higher", "2025", "Observatoire local")


def test_every_row_is_kept_or_rejected_with_its_reason() -> None:
    frame = pd.DataFrame(
        {
            "Département": ["1", "2a", "Côte-d'Or", "99", "", "75", "75", "13", "20"],
            "Valeur": ["12,5", "3", "7 %", "1", "2", "abc", "4", "", "5"],
        }
    )
    result = user_indicators.prepare(frame, RATE)
    assert result.level == "departement"
    assert result.kept_rows + len(result.rejected) == result.rows_read == 9
    reasons = dict(zip(result.rejected["row"], result.rejected["reason"], strict=True))
    assert reasons[5] == "code inconnu : 99"
    assert reasons[6] == "code vide"
    assert reasons[7] == "valeur non numérique"
    assert reasons[9] == "valeur vide"
    assert reasons[10].startswith("code invalide : 20")  # Corse-du-Sud or Haute-Corse? not guessed
    values = result.figures.set_index("code")["value"]
    assert (values["01"], values["2A"], values["21"], values["75"]) == (12.5, 3.0, 7.0, 4.0)
    assert np.isnan(values["13"]) and result.coverage == 4


def test_a_duplicate_departement_keeps_the_first_row() -> None:
    frame = pd.DataFrame({"code": ["01", "1", "02"], "valeur": ["1", "2", "3"]})
    result = user_indicators.prepare(frame, RATE)
    assert result.rejected["reason"].tolist() == ["doublon (déjà ligne 2)"]
    assert result.figures.set_index("code").loc["01", "value"] == 1.0


def test_communes_are_aggregated_with_the_stated_rule() -> None:
    frame = pd.DataFrame({"code commune": ["1001", "01002", "23096"], "nombre": ["10", "20", "5"]})
    count = user_indicators.Declaration("n_test", "N", "personnes", "neutral", "2025", "Moi", kind="count")
    summed = user_indicators.prepare(frame, count)
    assert (summed.level, summed.aggregation) == ("commune", "sum")
    assert summed.figures.set_index("code").loc["01", "value"] == 30.0
    mean = user_indicators.prepare(frame, RATE, aggregation="mean").figures.set_index("code")
    assert mean.loc["01", "value"] == 15.0


def test_declaration_problems_are_all_named() -> None:
    bad = user_indicators.Declaration("Population", "", "%", "up", "2025", "Moi")
    with pytest.raises(ValueError) as caught:
        user_indicators.prepare(pd.DataFrame({"code": ["01"], "valeur": ["1"]}), bad)
    message = str(caught.value)
    assert "identifiant 'Population'" in message and "orientation 'up'" in message and "« label »" in message


def test_a_bundled_id_cannot_be_reused() -> None:
    taken = user_indicators.Declaration("population_communes_2017", "P", "hab", "neutral", "2025", "Moi")  # geography
    with pytest.raises(ValueError, match="déjà pris par un indicateur livré"):
        user_indicators.check_declaration(taken)


def test_a_saved_indicator_enters_the_table_and_can_weigh_in_the_score(user_folder: Path) -> None:
    frame = pd.DataFrame({"code": ["23", "87", "19"], "valeur": ["30", "10", "20"]})
    user_indicators.save(user_indicators.prepare(frame, RATE))
    indicators.reload()
    assert "taux_test" in user_indicators.user_indicator_ids()
    assert "taux_test" in scoring.components()  # oriented "higher": a component the user can weight
    source = sources.load_sources()["user_taux_test"]
    assert (source.status, source.producer) == ("user", "Observatoire local")
    table = indicators.territory_table()
    assert table.set_index("code").loc["23", "taux_test"] == 30.0
    result = scoring.score(table, {"taux_test": 1.0}, draws=20).set_index("code")
    assert result.loc["23", "rank"] == 1 and result.loc["01", "missing_components"] == "taux_test"
    user_indicators.remove("taux_test")
    indicators.reload()
    assert "taux_test" not in indicators.territory_table().columns


# --- hostile input: absurd values, control characters, reserved ids, atomic writes, completions that merge -------


def test_infinite_and_absurd_values_are_set_aside_with_their_reason() -> None:
    cells = ["inf", "Infinity", "1e309", "-inf", "nan", "NaN", "1e16", "-1E400", "12,5"]
    codes_ = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    result = user_indicators.prepare(pd.DataFrame({"code": codes_, "valeur": cells}), RATE)
    assert result.kept_rows == 1 and result.kept_rows + len(result.rejected) == result.rows_read == 9
    reasons = dict(zip(result.rejected["value"], result.rejected["reason"], strict=True))
    for cell in ("inf", "Infinity", "1e309", "-inf", "1e16", "-1E400"):
        assert reasons[cell].startswith("valeur infinie ou hors limites"), cell
    assert reasons["nan"] == reasons["NaN"] == "valeur non numérique"
    assert np.isfinite(result.figures["value"].dropna()).all() and result.coverage == 1


@pytest.mark.parametrize("field", ["label", "unit", "period", "source", "url", "licence"])
@pytest.mark.parametrize("char", ["\x7f", "\x00", "\n", "\t", "\x1b", "\x85", "\x9f", "\u2028", "\udcff"])
def test_a_control_character_in_any_text_is_refused_naming_the_field(field: str, char: str) -> None:
    text = f"https://example.org/{char}x" if field == "url" else f"a{char}b"
    declaration = dataclasses.replace(RATE, **{field: text})
    with pytest.raises(ValueError, match=rf"champ « {field} » .*U\+{ord(char):04X}"):
        user_indicators.check_declaration(declaration)


BAD_IDS = ["code", "name", "reg_code", "dep_code", "source_url", "geometry", "score", "rank", "excluded", "contrib_x",
           "taux\n", "taux\r\n", "Taux", "t", "é_x"]  # fmt: skip


@pytest.mark.parametrize("indicator_id", BAD_IDS)
def test_reserved_and_malformed_ids_are_refused(indicator_id: str) -> None:
    with pytest.raises(ValueError, match=re.escape(f"identifiant {indicator_id!r}")) as caught:
        user_indicators.check_declaration(dataclasses.replace(RATE, indicator_id=indicator_id))
    if indicator_id in sources.RESERVED_IDS:
        assert "réservé" in str(caught.value) and "code, name, reg_code" in str(caught.value)


def test_every_character_survives_the_database(user_folder: Path) -> None:
    text = "".join(chr(i) for i in [*range(1, 0xD800, 7), *range(0xE000, 0x10FFFF, 997), 0x7F, 0x85, 0x2028])
    record = {
        "dataset": "x",
        "period": "2025",
        "url": "x",
        "licence": "x",
        "retrieved_via": "x",
        "coverage_note": "x",
        "status": "user",
        "producer": text,
        "caveats": [text, '"\\'],
    }
    snapshot.write_dataset("user_taux_test", pd.DataFrame({"code": ["23"], "taux_test": [99.0]}), record)
    source = sources.load_sources()["user_taux_test"]
    assert (source.producer, source.caveats) == (text, (text, '"\\'))
    with pytest.raises(ValueError, match="non Unicode"):
        snapshot.write_dataset("user_taux_test", pd.DataFrame({"code": ["23"], "taux_test": [1.0]}),
                               {**record, "producer": "a\udcff"})  # fmt: skip
    assert sources.load_sources()["user_taux_test"].producer == text


def test_a_crash_while_saving_leaves_the_database_as_it_was(user_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    frame = pd.DataFrame({"code": ["23", "87"], "valeur": ["30", "10"]})
    user_indicators.save(user_indicators.prepare(frame, RATE))
    before = userdata.raw_overlay()

    def crash(*args: object, **kwargs: object) -> None:  # after the dataset and its entry were written
        raise OSError(28, "No space left on device")

    other = user_indicators.Declaration("autre_taux", "Autre", "%", "higher", "2025", "Moi")
    prepared = user_indicators.prepare(frame, other)
    with monkeypatch.context() as patch, pytest.raises(OSError, match="No space left"):
        patch.setattr(people, "_record", crash)
        user_indicators.save(prepared)
    assert userdata.raw_overlay() == before  # the transaction rolled back: no dataset without its entry
    indicators.reload()
    assert sources.overlay_damage() == [] and user_indicators.user_indicator_ids() == ["taux_test"]


def test_completing_an_official_indicator_merges_and_never_lowers_coverage(user_folder: Path) -> None:
    official = indicators.territory_table().set_index("code")["unemployment_rate_pct"]
    assert official.notna().sum() == 100 and np.isnan(official["976"])
    declaration = user_indicators.completion("unemployment_rate_pct", "2024", "Observatoire (mon fichier)")
    three = pd.DataFrame({"code": ["976", "23", "87"], "valeur": ["30,1", "6,5", "7"]})
    first = user_indicators.prepare(three, declaration)
    assert (first.coverage_before, first.coverage) == (100, 101)
    assert first.origin_counts() == {"ce fichier": 3, "votre import précédent": 0, "officiel": 98}
    user_indicators.save(first)
    indicators.reload()
    table = indicators.territory_table().set_index("code")["unemployment_rate_pct"]
    assert (table["976"], table["23"], table["01"]) == (30.1, 6.5, official["01"])  # the user's rows win
    assert table.notna().sum() == 101
    origin = indicators.origins("unemployment_rate_pct")
    assert sorted(origin[origin == indicators.ORIGIN_USER].index) == ["23", "87", "976"]
    status = indicators.provenance_table(indicators.territory_table()).set_index("id").loc["unemployment_rate_pct"]
    assert status["coverage"] == "101/101" and "3 dép. de votre fichier, 98 du jeu officiel" in status["status"]
    record = sources.load_sources()["user_unemployment_rate_pct"]
    assert "3 du fichier de l'utilisateur, 98 du jeu officiel « insee_unemployment »" in record.coverage_note
    second = user_indicators.prepare(pd.DataFrame({"code": ["19"], "valeur": ["5"]}), declaration)
    assert (second.coverage_before, second.coverage) == (101, 101)
    assert second.origin_counts() == {"ce fichier": 1, "votre import précédent": 3, "officiel": 97}
    user_indicators.save(second)
    user_indicators.remove("unemployment_rate_pct")
    assert indicators.territory_table()["unemployment_rate_pct"].notna().sum() == 100  # the official figures alone
