"""A user's own indicator: every row kept or rejected with its reason, communes aggregated, saved as user data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regions import indicators, scoring, sources, user_indicators

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
