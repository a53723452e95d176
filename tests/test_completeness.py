"""What is missing and how to fill it: the gaps of the bundled snapshot, and completing a catalogued indicator
from a user's file (library and command line)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from regions import completeness, indicators, scoring, sources, user_indicators


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line as a user runs it (the user folder comes from the environment the fixture set)."""
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args], capture_output=True, text=True, check=False, timeout=300
    )


def test_the_bundled_gaps_name_each_pool_and_how_to_fill_it() -> None:
    found = {gap.indicator_id: gap for gap in completeness.gaps()}
    boe = found["boe_jobseekers"]
    assert (boe.filled, boe.total, len(boe.missing)) == (0, 101, 101)
    assert boe.status == "livré" and boe.refresh_command == ""  # no official file Homeshore can read
    assert boe.import_command.startswith("regions data import FICHIER.csv --id boe_jobseekers --period")
    assert found["aah_recipients"].refresh_command == "regions data refresh --only cnaf_msa_aah"
    assert found["aah_home"].refresh_command == ""  # the CNAF file has no home / institution split
    assert found["unemployment_rate_pct"].missing == ("976",)
    assert "ftth_share_pct" not in found  # complete: 101/101
    assert "jobseekers_per_1000" not in found and "population" not in found  # computed / geography: not importable
    rows = completeness.gaps_table(list(found.values())).set_index("indicateur")
    assert rows.loc["unemployment_rate_pct", "départements manquants"] == "976"
    assert rows.loc["boe_jobseekers", "départements manquants"] == "101 départements sur 101"
    assert rows.loc["boe_jobseekers", "actualiser (internet)"] == "pas de fichier officiel lisible connu"


def test_completing_a_partial_indicator_keeps_its_definition_and_can_be_undone(user_folder: Path) -> None:
    bundled = sources.load_catalogue()["other_inactive_15_64_pct"]
    frame = pd.DataFrame({"code": ["23", "87", "19", "2a", "1"], "valeur": ["9,5", "7.2", "8", "6.1", "5"]})
    declaration = user_indicators.completion("other_inactive_15_64_pct", "2022", "INSEE, base-cc RP2022 (copie)")
    assert (declaration.label, declaration.unit, declaration.orientation) == (
        bundled.label_fr, bundled.unit, bundled.orientation,
    )  # fmt: skip
    user_indicators.save(user_indicators.prepare(frame, declaration))
    indicators.reload()
    completed = sources.load_catalogue()["other_inactive_15_64_pct"]
    assert completed.replaces == "insee_census_activity" and completed.region_rule == bundled.region_rule
    assert indicators.status_of(sources.load_sources()[completed.dataset]).startswith("fourni par l'utilisateur")
    table = indicators.territory_table().set_index("code")
    assert table.loc["23", "other_inactive_15_64_pct"] == 9.5 and table.loc["01", "other_inactive_15_64_pct"] == 5.0
    bundled_40 = sources.read_indicator_file(sources.load_sources()["insee_census_activity"]).set_index("code")
    assert table.loc["40", "other_inactive_15_64_pct"] == bundled_40.loc["40", "other_inactive_15_64_pct"]  # merged
    assert table.loc["40", "pop_15_64"] > 0  # the dataset's other columns stay bundled
    result = scoring.score(indicators.territory_table(), {"other_inactive_15_64_pct": 1.0}, draws=20)
    assert result.set_index("code").loc["23", "rank"] == 1
    gap = {g.indicator_id: g for g in completeness.gaps()}["other_inactive_15_64_pct"]
    official = set(bundled_40.index[bundled_40["other_inactive_15_64_pct"].notna()])
    assert gap.filled == len(official | {"23", "87", "19", "2A", "01"}) > 5  # the file's 5 and the official rest
    assert gap.status.startswith("fourni par l'utilisateur")
    user_indicators.remove("other_inactive_15_64_pct")
    indicators.reload()
    assert sources.load_catalogue()["other_inactive_15_64_pct"] == bundled
    assert indicators.territory_table().set_index("code").loc["40", "other_inactive_15_64_pct"] > 0


def test_a_completion_may_not_change_the_definition() -> None:
    changed = user_indicators.Declaration("boe_jobseekers", "BOE", "%", "higher", "2025", "Moi", kind="share")
    with pytest.raises(ValueError) as caught:
        user_indicators.check_declaration(changed)
    message = str(caught.value)
    assert "garde sa définition" in message and "unit '%' (catalogue : 'personnes')" in message
    assert "orientation 'higher' (catalogue : 'neutral')" in message


def test_a_leftover_entry_for_a_bundled_id_is_refused_clearly(user_folder: Path) -> None:
    from regions.workspace import userdata

    folder = sources.overlay_dir()  # an old-layout folder, as an older version left it
    folder.mkdir(parents=True)
    (folder / sources.CATALOGUE_FILE).write_text('[boe_jobseekers]\ndataset = "dares_boe"\nperiod = "2025"\n')
    sources.reload()
    assert sources.load_catalogue()["boe_jobseekers"] == sources.bundled_catalogue()["boe_jobseekers"]  # left out
    (migration,) = userdata.migrations()
    (left,) = migration.left
    assert left.startswith("catalogue.toml [boe_jobseekers]") and "may only complete it" in left
    assert (migration.backup / sources.CATALOGUE_FILE).exists() and sources.overlay_damage() == []


def test_command_line_completes_boe_from_a_file_then_gives_it_back(user_folder: Path, tmp_path: Path) -> None:
    listed = cli("data", "missing")
    assert listed.returncode == 0, listed.stderr
    assert "boe_jobseekers — Demandeurs d'emploi bénéficiaires de l'obligation d'emploi (BOE) : 0/101 (livré)" in (
        listed.stdout
    )
    upload = tmp_path / "boe.csv"
    upload.write_text("Département;Nombre\n23;1 230\n87;2450\n2a;300\n1;980\nZZ;12\n19;\n", encoding="utf-8")
    added = cli("data", "import", str(upload), "--id", "boe_jobseekers", "--period", "2025-12",
                "--source", "France Travail, DEFM BOE")  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert "completed boe_jobseekers" in added.stdout and "coverage: 0/101 -> 4/101" in added.stdout
    assert "line 6: code inconnu : ZZ" in added.stdout and "line 7: valeur vide" in added.stdout
    table = pd.read_csv(io.StringIO(cli("indicators", "--format", "csv").stdout), dtype={"code": str})
    by_code = table.set_index("code")
    assert by_code.loc["23", "boe_jobseekers"] == 1230 and by_code.loc["01", "boe_jobseekers"] == 980
    assert pd.isna(by_code.loc["19", "boe_jobseekers"])  # empty cell: missing, never 0
    shown = pd.read_csv(io.StringIO(cli("sources", "--format", "csv").stdout)).set_index("id")
    assert shown.loc["boe_jobseekers", "status"].startswith("fourni par l'utilisateur")
    assert shown.loc["boe_jobseekers", "label"] == "Demandeurs d'emploi bénéficiaires de l'obligation d'emploi (BOE)"
    assert shown.loc["boe_jobseekers", "period"] == "2025-12" and shown.loc["boe_jobseekers", "coverage"] == "4/101"
    wrong = cli("data", "import", str(upload), "--id", "boe_jobseekers", "--period", "2025", "--source", "x",
                "--orientation", "higher")  # fmt: skip
    assert wrong.returncode == 1 and "garde sa définition" in wrong.stderr
    new = cli("data", "import", str(upload), "--id", "boe_perso", "--period", "2025", "--source", "x")
    assert new.returncode == 1 and "--label, --unit, --orientation required for a new indicator" in new.stderr
    removed = cli("data", "remove", "--id", "boe_jobseekers")
    assert removed.returncode == 0, removed.stderr
    again = pd.read_csv(io.StringIO(cli("data", "missing", "--format", "csv").stdout)).set_index("indicateur")
    assert again.loc["boe_jobseekers", "couverture"] == "0/101" and again.loc["boe_jobseekers", "statut"] == "livré"
