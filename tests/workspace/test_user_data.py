"""The user's data (indicators, completions, refreshed datasets, sites) in the workspace database, on SQLite and
PostgreSQL: an old folder migrated once and losslessly, concurrent saves refused rather than lost, a killed save
rolled back, one workspace's data invisible to another."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from regions import indicators, sources, user_indicators
from regions.workspace import people, userdata

OLD = Path(__file__).resolve().parent.parent / "fixtures" / "userdata_v1" / "snapshot"
RATE = user_indicators.Declaration("taux_test", "Taux test", "%", "higher", "2025", "Observatoire local")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "regions.cli", *args],
        capture_output=True, text=True, check=False, timeout=300, env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture
def user_dir(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty user data folder on the test's database (also for subprocesses)."""
    folder = tmp_path / "user"
    folder.mkdir()
    monkeypatch.setenv("HOMESHORE_USER_DATA_DIR", str(folder))
    monkeypatch.delenv(people.WORKSPACE_ENV, raising=False)
    indicators.reload()
    yield folder
    monkeypatch.undo()
    indicators.reload()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _migrations(by: people.Actor) -> list[dict[str, object]]:
    return [event for event in people.audit_trail(by) if event["action"] == "migration"]


def test_an_old_folder_is_migrated_once_losslessly_and_kept_as_a_backup(user_dir: Path) -> None:
    shutil.copytree(OLD, user_dir / "snapshot")
    catalogue = sources.load_catalogue()  # the first read migrates
    assert catalogue["taux_test"].label_en == "Test rate" and catalogue["aah_home"].replaces == "cnaf_msa_aah"
    assert sources.load_sources()["arcep_broadband"].status == "refreshed"
    table = indicators.territory_table().set_index("code")
    assert table.loc["23", "taux_test"] == 30.5 and table.loc["976", "aah_home"] == 5.0
    (backup,) = user_dir.glob("snapshot.sauvegarde-*")
    assert not (user_dir / "snapshot").exists()
    assert _files(backup) == _files(OLD)  # the old folder as it was, byte for byte
    stored = userdata.raw_overlay()
    for name in ("arcep_broadband", "user_taux_test", "user_aah_home"):  # the figures, character for character
        assert stored.figures is not None
        assert stored.figures[f"indicators/{name}.csv"] == (OLD / "indicators" / f"{name}.csv").read_text("utf-8")
    owner = people.actor()
    (event,) = _migrations(owner)
    detail = event["detail"]
    assert isinstance(detail, dict) and detail["left"] == [] and detail["backup"] == str(backup)
    assert sorted(detail["datasets"]) == ["arcep_broadband", "user_aah_home", "user_taux_test"]
    again = run("indicators", "--format", "json")  # a second run, in a new process: nothing to migrate
    assert again.returncode == 0, again.stderr
    assert "taux_test" in again.stdout and len(_migrations(owner)) == 1
    assert userdata.migrate_folder() == [] and list(user_dir.glob("snapshot*")) == [backup]
    info = json.loads(run("db", "info", "--format", "json").stdout)["counts"]
    assert (info["user_datasets"], info["user_catalogue"], info["user_sites"]) == (3, 2, 0)


def test_a_damaged_old_file_is_not_imported_but_kept_in_the_backup_and_reported(user_dir: Path) -> None:
    shutil.copytree(OLD, user_dir / "snapshot")
    damaged = user_dir / "snapshot" / "indicators" / "user_taux_test.csv"
    damaged.write_text(damaged.read_text("utf-8").replace("23,30.5", "23,trente"), encoding="utf-8")
    content = damaged.read_bytes()
    (done,) = userdata.migrate_folder()
    assert sorted(done.datasets) == ["arcep_broadband", "user_aah_home"] and done.indicators == ("aah_home",)
    (left,) = done.left
    assert left.startswith("indicators/user_taux_test.csv [user_taux_test]") and "non-numbers" in left
    assert (done.backup / "indicators" / "user_taux_test.csv").read_bytes() == content  # kept as it was
    assert any("gardé dans la sauvegarde" in line and "user_taux_test" in line for line in done.lines())
    indicators.reload()
    assert "taux_test" not in sources.load_catalogue() and sources.overlay_damage() == []
    (event,) = _migrations(people.actor())
    assert isinstance(event["detail"], dict) and event["detail"]["left"] == [left]


def test_a_migration_killed_before_its_commit_is_done_by_the_next_process(user_dir: Path) -> None:
    shutil.copytree(OLD, user_dir / "snapshot")
    killed = textwrap.dedent(
        """
        import time
        from regions.workspace import userdata
        real = userdata._import
        def stall(*args, **kwargs):
            real(*args, **kwargs)
            print("inside", flush=True)
            time.sleep(60)
        userdata._import = stall  # dies after a first dataset is inserted, before the commit
        userdata.migrate_folder()
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", killed], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    (claim,) = user_dir.glob("snapshot.migration-*")  # claimed, not imported, nothing lost
    assert userdata.stored_ids() == [] and _files(claim) == _files(OLD)
    (done,) = userdata.migrate_folder()
    assert len(done.datasets) == 3 and not claim.exists() and done.backup.exists()
    assert len(_migrations(people.actor())) == 1


_RACER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import pandas as pd
    from regions import user_indicators
    from regions.workspace import userdata
    go, value = Path(sys.argv[1]), sys.argv[2]
    rate = user_indicators.Declaration("taux_test", "Taux test", "%", "higher", "2025", "Observatoire local")
    prepared = user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": [value]}), rate)  # reads version 0
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    try:
        user_indicators.save(prepared, file=f"fichier-{value}.csv")
        print("ok", flush=True)
    except userdata.StaleDataError as error:
        print("stale", error.message("fr"), "|", error.message("en"), flush=True)
    """
)


def test_two_processes_saving_the_same_indicator_one_wins_the_other_is_refused(user_dir: Path, tmp_path: Path) -> None:
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", _RACER, str(go), value], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for value in ("11", "22")
    ]  # fmt: skip
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(out.strip())
    assert sorted(line.split()[0] for line in outputs) == ["ok", "stale"]
    refused = next(line for line in outputs if line.startswith("stale"))
    assert "l'indicateur « taux_test » a été modifié par" in refused and "— rechargez" in refused
    assert "indicator “taux_test” was changed by" in refused and "— reload" in refused
    winner = "11" if outputs[0] == "ok" else "22"
    indicators.reload()
    assert indicators.territory_table().set_index("code").loc["23", "taux_test"] == float(winner)
    imports = [e for e in people.audit_trail(people.actor()) if e["action"] == "import"]
    assert len(imports) == 1 and isinstance(imports[0]["detail"], dict)
    assert imports[0]["detail"]["file"] == f"fichier-{winner}.csv"  # the winner's save, whole; the loser's nowhere
    assert userdata.version("user_taux_test") == 1


def test_a_save_prepared_before_another_is_refused_in_the_same_process(user_dir: Path) -> None:
    first = user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["1"]}), RATE)
    second = user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["2"]}), RATE)
    user_indicators.save(first)
    with pytest.raises(userdata.StaleDataError, match=r"modifié par .* à \d\d:\d\d \(version 1\) — rechargez"):
        user_indicators.save(second)
    again = user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["3"]}), RATE)  # reloaded: saved
    user_indicators.save(again)
    assert userdata.version("user_taux_test") == 2


_KILLED = textwrap.dedent(
    """
    import time
    import pandas as pd
    from regions import user_indicators
    from regions.workspace import people
    def stall(*args, **kwargs):
        print("inside", flush=True)
        time.sleep(60)
    rate = user_indicators.Declaration("taux_test", "Taux test", "%", "higher", "2025", "Observatoire local")
    prepared = user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["99"]}), rate)
    people._record = stall  # dies after the dataset and its catalogue entry are written, before the commit
    user_indicators.save(prepared)
    """
)


def test_a_process_killed_mid_save_leaves_the_database_as_it_was(user_dir: Path) -> None:
    user_indicators.save(user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["7"]}), RATE))
    before = userdata.raw_overlay()
    proc = subprocess.Popen([sys.executable, "-c", _KILLED], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "inside"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert userdata.raw_overlay() == before and userdata.version("user_taux_test") == 1
    indicators.reload()
    assert indicators.territory_table().set_index("code").loc["23", "taux_test"] == 7.0
    again = user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["8"]}), RATE)
    user_indicators.save(again)  # the database is usable
    assert userdata.version("user_taux_test") == 2


def test_another_workspace_does_not_see_nor_remove_the_first_ones_indicator(
    user_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_indicators.save(user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["7"]}), RATE))
    other = {people.WORKSPACE_ENV: "equipe-sud"}
    listed = run("indicators", "--format", "json", env=other)
    assert listed.returncode == 0, listed.stderr
    assert "taux_test" not in listed.stdout
    removed = run("data", "remove", "--id", "taux_test", env=other)
    assert removed.returncode == 1 and "taux_test" in removed.stderr
    monkeypatch.setenv(people.WORKSPACE_ENV, "equipe-sud")
    indicators.reload()
    assert "taux_test" not in sources.load_catalogue() and userdata.stored_ids() == []
    monkeypatch.delenv(people.WORKSPACE_ENV)
    indicators.reload()
    assert "taux_test" in sources.load_catalogue()  # the first workspace's, untouched


def test_the_sites_are_saved_with_a_version_and_a_stale_save_is_refused(user_dir: Path) -> None:
    owner = people.actor()
    site = {"site_name": "Agence de Guéret", "lat": 46.17, "lon": 1.87, "commune_code": "23096"}
    saved = userdata.save_sites(owner, [site], expect_version=0)
    assert saved.version == 1 and userdata.load_sites().records == [site]
    with pytest.raises(userdata.StaleDataError, match=r"la liste de vos sites a été modifiée par .* — rechargez"):
        userdata.save_sites(owner, [], expect_version=0)
    assert userdata.load_sites().records == [site]
    assert userdata.save_sites(owner, [], expect_version=1).version == 2 and userdata.load_sites().records == []


SITES_PAGE = "homeshore/pages/sites.py"
APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _sites_app(file: tuple[str, bytes] | None = None) -> AppTest:
    """A new session of the app on the Sites page (``file``: a sites file as if uploaded, then applied)."""
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page(SITES_PAGE).run()
    assert not at.exception, at.exception
    if file is not None:
        at.session_state["hs_sites_file"] = file
        at.button(key="btn_sites_apply").click().run()
        assert not at.exception, at.exception
    return at


def test_the_sites_page_saves_your_sites_and_refuses_a_stale_change(user_dir: Path) -> None:
    first = _sites_app(("sites.csv", "nom;commune;code postal\nAgence de Guéret;Guéret;23000\n".encode()))
    assert any("1 site ajouté" in s.value for s in first.success)
    assert [r["site_name"] for r in userdata.load_sites().records] == ["Agence de Guéret"]
    second = _sites_app()  # a new session (another tab, another day) finds them
    assert "Agence de Guéret" in second.dataframe[-1].value.to_string()
    second.session_state["hs_sites_file"] = (
        "autres.csv",
        b"nom;commune;code postal\nAgence de Tulle;Tulle;19000\n",
    )
    second.button(key="btn_sites_apply").click().run()
    assert userdata.load_sites().version == 2
    first.button(key="btn_sites_clear").click().run()  # read version 1: refused, not lost
    assert not first.exception
    refusal = " ".join(e.value for e in first.error).replace("\\", "")
    assert "la liste de vos sites a été modifiée par" in refusal and "rechargez" in refusal
    assert [r["site_name"] for r in userdata.load_sites().records] == ["Agence de Tulle"]
    first.button(key="btn_sites_reload").click().run()
    assert "Agence de Tulle" in first.dataframe[-1].value.to_string()
    sites_events = [e for e in people.audit_trail(people.actor()) if e["action"] == "sites"]
    assert len(sites_events) == 2


def test_the_app_sees_an_indicator_another_process_imported(user_dir: Path, tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("homeshore/pages/donnees.py").run()
    assert not at.exception, at.exception
    assert "Taux test" not in at.dataframe[0].value.to_string()
    rates = tmp_path / "taux.csv"
    rates.write_text("Département;Taux\n23;30\n87;10\n", encoding="utf-8")
    args = ["--label", "Taux test", "--unit", "%", "--orientation", "higher", "--period", "2025", "--source", "CAF"]
    added = run("data", "import", str(rates), "--id", "taux_test", *args)  # another process, e.g. a command
    assert added.returncode == 0, added.stderr
    at.run()
    assert not at.exception, at.exception
    assert "Taux test" in at.dataframe[0].value.to_string()


def test_reading_the_figures_knows_where_the_database_is_without_loading_it() -> None:
    from regions.workspace import db

    assert (sources._DATABASE_URL_ENV, sources._SQLITE_FILE) == (db.DATABASE_URL_ENV, db.SQLITE_FILE)


def test_db_upgrade_migrates_an_old_folder_and_says_where_it_is_kept(user_dir: Path) -> None:
    shutil.copytree(OLD, user_dir / "snapshot")
    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    (backup,) = user_dir.glob("snapshot.sauvegarde-*")
    assert "regions: dossier migré dans la base : 3 jeu(x) de données, 2 indicateur(s)" in upgraded.stderr
    assert f"l'ancien dossier est gardé tel quel : {backup}" in upgraded.stderr
    again = run("db", "upgrade")
    assert again.returncode == 0 and "migré" not in again.stderr
    assert sorted(userdata.stored_ids()) == [
        "aah_home",
        "arcep_broadband",
        "taux_test",
        "user_aah_home",
        "user_taux_test",
    ]


def test_someone_who_is_not_a_member_cannot_import_nor_remove(user_dir: Path, tmp_path: Path) -> None:
    user_indicators.save(user_indicators.prepare(pd.DataFrame({"code": ["23"], "valeur": ["7"]}), RATE))  # the owner
    rates = tmp_path / "taux.csv"
    rates.write_text("Département;Taux\n23;30\n", encoding="utf-8")
    args = ["--label", "Autre", "--unit", "%", "--orientation", "higher", "--period", "2025", "--source", "CAF"]
    stranger = {people.USER_ENV: "inconnu@exemple.fr"}
    refused = run("data", "import", str(rates), "--id", "autre_taux", *args, env=stranger)
    assert refused.returncode == 1 and "inconnu@exemple.fr n'est pas membre" in refused.stderr
    removed = run("data", "remove", "--id", "taux_test", env=stranger)
    assert removed.returncode == 1 and "n'est pas membre" in removed.stderr
    assert sorted(userdata.stored_ids()) == ["taux_test", "user_taux_test"]  # nothing written, nothing removed
    member = people.actor()
    people.add_member(member, "rec@exemple.fr", "recruiter")
    added = run("data", "import", str(rates), "--id", "autre_taux", *args, env={people.USER_ENV: "rec@exemple.fr"})
    assert added.returncode == 0, added.stderr  # a recruiter imports
    (event,) = [e for e in people.audit_trail(member) if e["action"] == "import" and e["actor"] == "rec@exemple.fr"]
    assert isinstance(event["detail"], dict) and event["detail"]["file"] == "taux.csv"
