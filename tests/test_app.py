"""The app as a user drives it, through ``streamlit.testing.v1.AppTest`` (widgets found by key)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from regions import formatting, indicators, refresh, snapshot, sources

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SHORTLIST_PAGE = "homeshore/pages/shortlist.py"
DATA_PAGE = "homeshore/pages/donnees.py"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180).run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[MemoryMediaFileStorage]]:
    """Keep the media storages AppTest creates, so a download button's file can be read back."""
    stores: list[MemoryMediaFileStorage] = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, endpoint: str) -> None:
            super().__init__(endpoint)
            stores.append(self)

    monkeypatch.setattr("streamlit.testing.v1.app_test.MemoryMediaFileStorage", Recording)
    yield stores


def ranking(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "Rang" in d.value.columns or "Rank" in d.value.columns)


def first_ranked(at: AppTest) -> list[str]:
    table = ranking(at)
    return table[table.iloc[:, 0].notna()].iloc[:5, 2].tolist()


def test_the_app_starts_in_french_with_a_ranking(app: AppTest) -> None:
    assert app.title[0].value == "Homeshore"
    assert app.selectbox(key="hs_colour_by").label == "Colorer la carte par"
    table = ranking(app)
    assert len(table) == 101
    assert table["Rang"].iloc[0] == 1
    # by default no territory out of reach of a site within 120 min is ranked (Guyane, La Réunion…): 15 excluded
    assert app.selectbox(key="hs_max_travel").value == 120
    assert table["Rang"].notna().sum() == 86
    unreachable = table.set_index("Code").loc[["973", "974", "976"], "Exclu (raison)"]
    assert (unreachable == "aucun site accessible par la route").all()
    assert any("**1. " in m.value for m in app.markdown)  # the top-5 sentences


def no_travel_limit(at: AppTest) -> AppTest:
    """Lift the default travel limit (for tests of what it would otherwise hide: Mayotte, other reasons)."""
    at.selectbox(key="hs_max_travel").set_value(0).run()
    assert not at.exception
    return at


def test_moving_a_weight_slider_changes_the_ranking(app: AppTest) -> None:
    before = first_ranked(app)
    for key in ("hs_w_unemployment_rate_pct", "hs_w_jobseekers_per_1000", "hs_w_rural_population_share_pct"):
        app.slider(key=key).set_value(0)
    app.slider(key="hs_w_ftth_share_pct").set_value(100).run()
    assert not app.exception
    after = first_ranked(app)
    assert after != before
    ftth = ranking(app)
    first, second = (formatting.parse_number(score) for score in ftth["Score"].iloc[:2])  # written « 74,1 »
    assert first >= second


def test_a_filter_removes_territories_from_the_ranking(app: AppTest) -> None:
    assert ranking(no_travel_limit(app))["Rang"].notna().sum() == 100  # Mayotte ranked apart
    app.slider(key="hs_min_ftth").set_value(95).run()
    table = ranking(app)
    kept = table[table["Rang"].notna()]
    assert 0 < len(kept) < 101
    excluded = table[table["Rang"].isna()]
    assert excluded["Exclu (raison)"].str.startswith("fibre ").all()
    assert any("exclus par vos contraintes" in c.value for c in app.caption)


def test_choosing_a_departement_shows_its_detail(app: AppTest) -> None:
    app.selectbox(key="hs_pick").set_value("23").run()
    assert not app.exception
    assert any(s.value == "Creuse (23)" for s in app.subheader)
    labels = [m.label for m in app.metric]
    assert "Score" in labels and "Classement" in labels
    rank = next(m.value for m in app.metric if m.label == "Classement")
    assert rank.startswith("rang ")
    assert any("Ce qui fait le score" in m.value for m in app.markdown)


def test_territories_on_too_few_weights_are_ranked_apart_and_flagged(app: AppTest) -> None:
    table = ranking(no_travel_limit(app))
    mayotte = table.iloc[-1]
    assert mayotte["Code"] == "976" and pd.isna(mayotte["Rang"]) and mayotte["Poids renseigné"] == 40
    assert mayotte["Classé à part"] == "classé à part : score sur 40 % des poids (moins de 75 %)"
    assert (table.iloc[:-1]["Classé à part"] == "").all()
    assert any("100 départements classés, 1 classés à part" in c.value for c in app.caption)
    app.selectbox(key="hs_pick").set_value("976").run()
    assert not app.exception
    assert any(w.value.startswith("Classé à part : classé à part : score sur 40 %") for w in app.warning)


def test_the_detail_shows_ten_years_of_unemployment_and_the_pools_with_their_periods(app: AppTest) -> None:
    app.selectbox(key="hs_pick").set_value("23").run()
    assert not app.exception
    assert any(m.value == "**Chômage, moyennes annuelles 2015–2025**" for m in app.markdown)
    series = next(d.value for d in app.dataframe if "Année" in d.value.columns)
    assert series["Année"].tolist() == [str(y) for y in range(2015, 2026)]
    assert series["Taux (%)"].tolist()[0] == "9,5" and series["Taux (%)"].tolist()[-1] == "6,9"
    assert len(app.get("vega_lite_chart")) == 2  # the score breakdown and the unemployment series
    caption = next(c.value for c in app.caption if c.value.startswith("INSEE, taux de chômage localisés"))
    assert "évolution 2020–2025 : -0,2" in caption.replace("\u202f", " ").replace("−", "-")
    people = [m.value.replace("\u202f", " ").replace("\xa0", " ") for m in app.markdown]
    assert any("115 527 habitants au 1er janvier 2023 (estimation INSEE définitive)" in m for m in people)
    assert any("Allocataires de l'AAH : 3 464 fin 2019" in m for m in people)
    assert any("Contexte, 2021 (chiffres partiels, 27/101 départements)" in m for m in people)  # Creuse has 2021
    assert any("familles monoparentales renseignées pour 33/101" in m for m in people)
    app.selectbox(key="hs_pick").set_value("972").run()
    caption = next(c.value for c in app.caption if c.value.startswith("INSEE, enquête Emploi"))
    assert "14,4" in caption  # the quarterly rate, beside the annual Labour Force Survey one
    app.selectbox(key="hs_pick").set_value("971").run()
    assert any("Saint-Martin et Saint-Barthélemy" in m.value for m in app.markdown)
    assert not any(c.value.startswith("À confirmer") for c in app.caption)
    app.selectbox(key="hs_pick").set_value("974").run()
    assert any(c.value.startswith("À confirmer : le taux livré du 3e trimestre 2025 (16,7 %)") for c in app.caption)


def test_adding_the_top_ten_and_exporting_an_excel_shortlist(app: AppTest, media: list[MemoryMediaFileStorage]) -> None:
    no_travel_limit(app).button(key="btn_add_top").click().run()
    chosen = app.multiselect(key="hs_shortlist").value
    assert len(chosen) == 10 and chosen[:2] == first_ranked(app)[:2]
    app.switch_page(SHORTLIST_PAGE).run()
    assert not app.exception
    button = next(b for b in app.get("download_button") if b.proto.label == "Télécharger le classeur Excel")
    name = button.proto.url.rsplit("/", 1)[-1]
    content = next(bytes(s.get_file(name).content) for s in media if _has(s, name))
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Shortlist", "Indicateurs", "Méthode et pondérations", "Sources", "À propos"]
    rows = list(book["Shortlist"].iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "Rang")
    assert [row[2] for row in rows[header + 1 :]] == chosen  # the ten départements, in rank order
    sources = list(book["Sources"].iter_rows(values_only=True))
    assert any("INSEE" in str(row) for row in sources)
    assert "Poids renseigné (%)" in rows[header]
    method = {row[0]: row[1] for row in book["Méthode et pondérations"].iter_rows(values_only=True) if row[0]}
    assert method["Classés à part"] == "score sur moins de 75 % des poids : sans rang, après les autres (976)"


def test_the_detail_trend_and_the_slider_help_give_the_periods_in_use(app: AppTest, user_folder: Path) -> None:
    bundled = sources.load_sources()["insee_unemployment"]
    record = {
        "producer": "INSEE", "dataset": "TCRD_025 (test)", "url": bundled.url, "licence": bundled.licence,
        "period": "unemployment_rate_pct: 2026-Q1; unemployment_rate_prev_pct: 2025-Q1", "retrieved_via": "test",
        "coverage_note": "test", "caveats": ["same figures as bundled, periods of a test"], "status": "refreshed",
        "updated": "2026-11-29",
    }  # fmt: skip
    snapshot.write_dataset("insee_unemployment", sources.read_indicator_file(bundled), record)
    indicators.reload()
    app.selectbox(key="hs_pick").set_value("23").run()
    assert not app.exception
    trend = next(m.value for m in app.markdown if m.value.startswith("- Chômage :"))
    assert "(2025-Q1) →" in trend and trend.endswith("(2026-Q1).")
    assert "2026-Q1" in app.slider(key="hs_w_unemployment_rate_pct").help


def test_the_language_switch_changes_labels(app: AppTest) -> None:
    app.radio(key="hs_lang").set_value("en").run()
    assert not app.exception
    assert app.selectbox(key="hs_colour_by").label == "Colour the map by"
    assert "Rank" in ranking(app).columns
    assert app.slider(key="hs_w_unemployment_rate_pct").label == "Localised unemployment rate"


def test_the_data_page_lists_every_source(app: AppTest) -> None:
    app.switch_page(DATA_PAGE).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert len(table) >= 20
    assert "Lien" in table.columns and table["Lien"].str.startswith("https://").any()
    rows = table.set_index("Indicateur")
    population = rows.loc["Population au 1er janvier 2023 (estimation INSEE définitive)"]
    assert population["Obtenu"] == "copié tel que publié" and "codealchemist/mapstats" in population["Copie lue"]
    assert population["Couverture"] == "101/101"
    aah = rows.loc["Allocataires de l'AAH pour 1 000 habitants de 15 à 64 ans, 2019 (calcul Homeshore)"]
    assert aah["Obtenu"] == "calculé" and aah["Couverture"] == "101/101"


def _has(store: MemoryMediaFileStorage, name: str) -> bool:
    try:
        store.get_file(name)
    except Exception:
        return False
    return True


def test_the_sites_page_lists_the_bundled_sites(app: AppTest) -> None:
    app.switch_page("homeshore/pages/sites.py").run()
    assert not app.exception
    assert any("77 sites connus localisés ; 2 non localisés" in c.value for c in app.caption)


def test_exclusion_reasons_follow_the_language(app: AppTest) -> None:
    no_travel_limit(app).slider(key="hs_min_ftth").set_value(95).run()
    app.radio(key="hs_lang").set_value("en").run()
    table = ranking(app)
    reasons = table[table["Rank"].isna()]["Excluded (reason)"]
    assert len(reasons) and reasons.str.match(r"fibre \d+\.\d% < 95\.0%").all()


# --- the applicant pool (Vivier) ----------------------------------------------------------------------------------

POOL_PAGE = "homeshore/pages/vivier.py"
UPLOAD = (
    "id;code postal;ville;compétences;fibre;rqth\n"
    "A1;87000;Limoges;réclamations; oui;oui\n"
    "A2;1590;Dortan;technique;oui;non\n"
    "A3;98000;Monaco;technique;oui;\n"
    "A4;;;technique;non;\n"
    "A5;87000;LIMOGES;technique;oui;oui\n"
)


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value.replace("\u202f", " ") for m in at.metric}


def upload(at: AppTest, name: str, content: bytes) -> None:
    """What the uploader's callback stores (AppTest cannot drive st.file_uploader)."""
    import hashlib

    at.session_state["hs_pool_upload"] = (name, content, hashlib.sha256(content).hexdigest())


def test_the_pool_page_loads_the_labelled_demo_file(app: AppTest) -> None:
    app.switch_page(POOL_PAGE).run()
    assert not app.exception
    assert any("Données fictives" in w.value for w in app.warning)
    counts = metrics(app)
    assert counts["Lignes lues"] == "5 000"
    matched, unmatched = int(counts["Rattachées à une commune"].replace(" ", "")), int(counts["Non rattachées"])
    assert matched + unmatched == 5000 and unmatched > 0


def test_uploading_a_file_shows_its_report_and_the_mapping_can_be_changed(app: AppTest) -> None:
    app.switch_page(POOL_PAGE).run()
    upload(app, "candidats.csv", UPLOAD.encode("cp1252"))
    app.run()
    assert not app.exception
    assert metrics(app) == {"Lignes lues": "5", "Rattachées à une commune": "3", "Non rattachées": "2"}
    reasons = next(d.value for d in app.table if "Raison" in d.value.columns)  # a small HTML table, in full
    assert set(reasons["Raison"]) == {"localisation vide", next(r for r in reasons["Raison"] if "Monaco" in r)}
    assert any("cp1252" in c.value for c in app.caption)
    town_key = next(s.key for s in app.selectbox if s.key and s.key.endswith("_town"))
    app.selectbox(key=town_key).set_value(None).run()  # the user unmaps the town column
    assert not app.exception
    assert metrics(app)["Rattachées à une commune"] == "2"  # 87000 is Limoges alone; 01590 serves 3 communes


def test_the_applicant_export_leaves_sensitive_columns_out_by_default(
    app: AppTest, media: list[MemoryMediaFileStorage]
) -> None:
    app.switch_page(POOL_PAGE).run()
    upload(app, "candidats.csv", UPLOAD.encode("utf-8"))
    app.run()
    app.multiselect(key="hs_pool_deps").set_value(["87", "01"]).run()
    assert not app.exception
    button = next(b for b in app.get("download_button") if b.proto.label == "Télécharger les candidats (Excel)")
    name = button.proto.url.rsplit("/", 1)[-1]
    content = next(bytes(s.get_file(name).content) for s in media if _has(s, name))
    book = openpyxl.load_workbook(io.BytesIO(content))
    header = [c.value for c in next(book["Candidats"].iter_rows(max_row=1))]
    assert "rqth" not in header and "id" in header
    assert book["Candidats"].max_row == 4  # A1, A2, A5
    about = " ".join(str(c.value) for row in book["À propos"].iter_rows() for c in row if c.value)
    assert "sensibles" in about


def test_the_pool_depth_component_says_when_it_is_fictional(app: AppTest) -> None:
    slider = app.slider(key="hs_w_applicants_per_10k")
    assert "— données fictives" in slider.label and slider.value == 0
    before = ranking(app)["Score"].tolist()
    slider.set_value(100).run()
    assert not app.exception
    assert ranking(app)["Score"].tolist() != before  # the pool now weighs in the score


def test_adding_an_indicator_from_a_file(app: AppTest, user_folder: Path) -> None:
    app.switch_page("homeshore/pages/indicateur.py").run()
    app.session_state["hs_add_file"] = ("taux.csv", "Département;Taux\n23;30\n87;10\n99;1\n".encode())
    app.run()
    app.radio(key="hs_add_mode").set_value("new").run()
    app.text_input(key="hs_add_id").input("taux_local")
    app.text_input(key="hs_add_label").input("Taux local")
    app.text_input(key="hs_add_unit").input("%")
    app.text_input(key="hs_add_period").input("2025")
    app.text_input(key="hs_add_source").input("Observatoire départemental").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric} == {
        "Lignes retenues": "2", "Lignes écartées": "1", "Départements couverts": "2/101"
    }  # fmt: skip
    app.button(key="btn_add_save").click().run()
    assert any("taux_local" in s.value for s in app.success)
    app.switch_page("homeshore/pages/donnees.py").run()
    table = app.dataframe[0].value.set_index("Indicateur")
    assert table.loc["Taux local", "Statut"].startswith("fourni par l'utilisateur")


def test_completing_a_catalogued_pool_from_a_file(app: AppTest, user_folder: Path) -> None:
    app.switch_page(DATA_PAGE).run()
    missing = app.dataframe[1].value.set_index("Indicateur")
    boe = "Demandeurs d'emploi bénéficiaires de l'obligation d'emploi (BOE)"
    assert missing.loc[boe, "Couverture"] == "0/101"
    command = "regions data import FICHIER.csv --id boe_jobseekers"
    assert missing.loc[boe, "Compléter depuis un fichier"].startswith(command)
    app.switch_page("homeshore/pages/indicateur.py").run()
    app.session_state["hs_add_file"] = ("boe.csv", b"Code;Nombre\n23;1230\n87;2450\nXX;3\n")
    app.run()
    assert app.radio(key="hs_add_mode").value == "complete"
    app.selectbox(key="hs_add_target").set_value("boe_jobseekers").run()
    app.text_input(key="hs_add_period").input("2025-12")
    app.text_input(key="hs_add_source").input("France Travail, DEFM BOE").run()
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Couverture : avant → après"] == "0/101 → 2/101" and metrics["Lignes écartées"] == "1"
    app.button(key="btn_add_save").click().run()
    assert any("boe_jobseekers" in s.value for s in app.success)
    app.switch_page(DATA_PAGE).run()
    table = app.dataframe[0].value.set_index("Indicateur")
    assert table.loc[boe, "Statut"].startswith("fourni par l'utilisateur")
    assert table.loc[boe, "Couverture"] == "2/101" and table.loc[boe, "Période"] == "2025-12"


def test_going_back_to_the_bundled_figures_from_the_app(app: AppTest, user_folder: Path) -> None:
    record = {
        "producer": "Arcep", "dataset": "Ma connexion internet (test)", "period": "ftth_share_pct: 2026-09-30",
        "url": "https://data.arcep.fr", "licence": "Licence Ouverte", "retrieved_via": "test", "coverage_note": "test",
        "caveats": ["figures of a test, not real"], "status": "refreshed", "updated": "2026-11-29",
    }  # fmt: skip
    figures = pd.DataFrame({"code": ["01"], "ftth_share_pct": [12.5], "total_premises": [1000]})
    snapshot.write_dataset("arcep_broadband", figures, record)
    indicators.reload()
    app.switch_page(DATA_PAGE).run()
    fibre = "Locaux éligibles à la fibre (FttH)"
    assert app.dataframe[0].value.set_index("Indicateur").loc[fibre, "Statut"] == "actualisé le 2026-11-29"
    assert set(app.multiselect(key="hs_refresh_ids").value) == set(refresh.refreshable_ids())
    assert any("arcep_broadband" in caption.value for caption in app.caption)
    app.button(key="btn_reset").click().run()
    assert not app.exception
    table = app.dataframe[0].value.set_index("Indicateur")
    assert table.loc[fibre, "Statut"] == "livré" and table.loc[fibre, "Couverture"] == "101/101"
    assert "btn_reset" not in [button.key for button in app.button]


def test_refresh_from_the_app_offline_says_why(app: AppTest) -> None:
    app.switch_page(DATA_PAGE).run()
    app.button(key="btn_refresh").click().run(timeout=120)
    assert not app.exception
    assert any("Actualisation impossible" in e.value and "internet" in e.value for e in app.error)


def test_a_refused_workbook_or_csv_is_a_message_on_the_pool_page(app: AppTest) -> None:
    import spreadsheet_bombs

    app.switch_page(POOL_PAGE).run()
    skills = {3: '"Vente'}  # line 3 opens a quote that nothing closes
    stray = "id;CP;ville;rqth;compétences\n" + "".join(
        f"A{n};87000;Limoges;;{skills.get(n, 'Vente')}\n" for n in range(2, 10)
    )
    for name, content, expected in [
        ("candidats.xlsx", spreadsheet_bombs.bombs()["compression ratio"][0], "Archive suspecte"),
        ("candidats.xlsx", spreadsheet_bombs.bombs()["row 15 000 000"][0], "au-delà de la dernière ligne d'Excel"),
        ("candidats.csv", stray.encode(), "Ligne 3, colonne « compétences » : guillemet"),
    ]:
        upload(app, name, content)
        app.run()
        assert not app.exception, app.exception  # today: the workbook's ZIP bomb is a traceback
        shown = [e.value.replace("\\", "") for e in app.error]  # the Markdown source, escaped by plain.md
        assert any(expected in text for text in shown), shown
        assert not app.metric  # no report of a file not read


PROTECTED_UPLOAD = (
    "id;code postal;ville;compétences;Situation de famille;Nombre d'enfants;Handicapé;Statut BOETH;Nationalité;"
    "Date de naissance;rqth\n"
    "A1;87000;Limoges;vente;Pacsée-SF1;Trois-NE2;Oui-HA3;Boeth-SB4;Zorgane-NA5;1987-03-14-DN6;oui\n"
    "A2;98000;Monaco;vente;Pacsée-SF1;Trois-NE2;Oui-HA3;Boeth-SB4;Zorgane-NA5;1987-03-14-DN6;oui\n"
)
PROTECTED_HEADERS = ["Situation de famille", "Nombre d'enfants", "Handicapé", "Statut BOETH", "Nationalité",
                     "Date de naissance"]  # fmt: skip


# --- decisions not misled by bookkeeping ------------------------------------------------------------------------


def _download(at: AppTest, media: list[MemoryMediaFileStorage], label: str) -> bytes:
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    name = button.proto.url.rsplit("/", 1)[-1]
    return next(bytes(s.get_file(name).content) for s in media if _has(s, name))


def test_shortlisted_departements_a_new_constraint_excludes_are_flagged_not_counted(
    app: AppTest, media: list[MemoryMediaFileStorage]
) -> None:
    app.button(key="btn_add_top").click().run()
    chosen = app.multiselect(key="hs_shortlist").value
    fibre = indicators.territory_table().set_index("code").loc[chosen, "ftth_share_pct"]
    limit = next(step for step in range(0, 101, 5) if 0 < (fibre < step).sum() < len(chosen))  # the slider's steps
    below = fibre[fibre < limit].index
    n_out, n_kept = len(below), len(chosen) - len(below)
    app.slider(key="hs_min_ftth").set_value(limit).run()
    app.switch_page(SHORTLIST_PAGE).run()
    assert not app.exception
    assert any(m.value.startswith(f"{n_kept} départements retenus") for m in app.markdown)
    warning = next(w.value for w in app.warning if w.value.startswith(f"Non comptés : {n_out} département(s)"))
    assert all(f"({code})" in warning for code in below)
    short = next(d.value for d in app.dataframe if "Statut" in d.value.columns)
    assert (short["Statut"] == "retenu").sum() == n_kept
    assert short["Statut"].str.startswith("exclu par vos contraintes : fibre").sum() == n_out
    csv = _download(app, media, "Télécharger le CSV").decode("utf-8-sig")
    assert csv.count("exclu par vos contraintes : fibre") == n_out


def test_a_shortlist_scored_on_the_demo_pool_says_fictional_in_its_exports(
    app: AppTest, media: list[MemoryMediaFileStorage]
) -> None:
    app.slider(key="hs_w_applicants_per_10k").set_value(100).run()
    app.button(key="btn_add_top").click().run()
    app.switch_page(SHORTLIST_PAGE).run()
    assert not app.exception
    assert any("Données fictives" in c.value for c in app.caption)
    assert "données fictives" in _download(app, media, "Télécharger le CSV").decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(_download(app, media, "Télécharger le classeur Excel")))
    for sheet in ("Shortlist", "Indicateurs", "Sources"):
        text = " ".join(str(c) for row in book[sheet].iter_rows(values_only=True) for c in row if c is not None)
        assert "données fictives" in text, sheet


def test_the_demo_applicant_exports_say_fictional(app: AppTest, media: list[MemoryMediaFileStorage]) -> None:
    app.switch_page(POOL_PAGE).run()
    app.multiselect(key="hs_pool_deps").set_value(["23"]).run()
    assert not app.exception
    csv = _download(app, media, "Télécharger les candidats (CSV)").decode("utf-8-sig")
    table = [line for line in csv.splitlines() if not line.startswith(("#", '"#'))]
    assert table[1].startswith("données fictives (fichier de démonstration)")  # the first applicant's row
    unmatched = _download(app, media, "Télécharger les lignes non rattachées (avec leur raison)").decode("utf-8-sig")
    assert "données fictives" in unmatched
    book = openpyxl.load_workbook(io.BytesIO(_download(app, media, "Télécharger les candidats (Excel)")))
    for sheet in book.sheetnames:
        text = " ".join(str(c) for row in book[sheet].iter_rows(values_only=True) for c in row if c is not None)
        assert "données fictives" in text, sheet


def test_sensitive_columns_are_detected_by_meaning_and_one_can_be_declared_not_sensitive(
    app: AppTest, media: list[MemoryMediaFileStorage]
) -> None:
    app.switch_page(POOL_PAGE).run()
    upload(app, "candidats.csv", PROTECTED_UPLOAD.encode("utf-8"))
    app.run()
    assert not app.exception
    unmatched = _download(app, media, "Télécharger les lignes non rattachées (avec leur raison)").decode("utf-8-sig")
    assert "Monaco" in unmatched
    table = "\n".join(line for line in unmatched.splitlines() if not line.startswith(("#", '"#')))
    assert all(h not in table for h in [*PROTECTED_HEADERS, "rqth"]) and "Zorgane-NA5" not in unmatched
    assert "# Colonnes sensibles retirées : " in unmatched  # named in the metadata block, as in an XLSX's À propos
    chooser = next(m for m in app.multiselect if m.key and m.key.startswith("hs_pool_sensitive_cols"))
    assert chooser.value == PROTECTED_HEADERS  # every detected column ticked: left out
    assert any("Nationalité — origine, nationalité" in option for option in chooser.options)
    assert any("rqth" in c.value for c in app.caption)  # mapped to disability: always left out, said so
    app.multiselect(key="hs_pool_deps").set_value(["87"]).run()
    book = openpyxl.load_workbook(io.BytesIO(_download(app, media, "Télécharger les candidats (Excel)")))
    header = [c.value for c in next(book["Candidats"].iter_rows(max_row=1))]
    assert set(PROTECTED_HEADERS).isdisjoint(header) and "compétences" in header

    chooser = next(m for m in app.multiselect if m.key and m.key.startswith("hs_pool_sensitive_cols"))
    chooser.unselect("Nationalité").run()
    assert not app.exception
    assert any("Nationalité" in w.value for w in app.warning)
    book = openpyxl.load_workbook(io.BytesIO(_download(app, media, "Télécharger les candidats (Excel)")))
    header = [c.value for c in next(book["Candidats"].iter_rows(max_row=1))]
    assert "Nationalité" in header and "Handicapé" not in header
    notes = dict(book["À propos"].iter_rows(min_row=2, values_only=True))
    assert notes["Colonnes déclarées non sensibles par l'utilisateur"].startswith("Nationalité (détectée : origine")
    csv_text = _download(app, media, "Télécharger les candidats (CSV)").decode("utf-8-sig")
    block = [line.strip('"') for line in csv_text.splitlines() if line.startswith(("#", '"#'))]
    assert any(line.startswith("# Colonnes déclarées non sensibles par l'utilisateur : Nationalité (détectée")
               for line in block)  # fmt: skip
    assert "Zorgane-NA5" in csv_text and "Oui-HA3" not in csv_text


def test_a_damaged_old_folder_is_migrated_and_the_data_page_says_what_was_kept_aside(
    app: AppTest, user_folder: Path
) -> None:
    folder = user_folder / "snapshot"
    folder.mkdir()
    damaged = b'["user_x"]\n"producer" = "CAF\x7f"\n'
    (folder / "sources.toml").write_bytes(damaged)
    indicators.reload()
    app.switch_page(DATA_PAGE).run()
    assert not app.exception
    (backup,) = user_folder.glob("snapshot.sauvegarde-*")
    assert (backup / "sources.toml").read_bytes() == damaged and not folder.exists()  # kept as it was
    assert any(backup.name in i.value for i in app.info)
    warning = next(w.value for w in app.warning if "sources.toml" in w.value)
    assert "Illegal character" in warning and "gardé dans la sauvegarde" in warning
    fibre = "Locaux éligibles à la fibre (FttH)"
    assert app.dataframe[0].value.set_index("Indicateur").loc[fibre, "Statut"] == "livré"  # the page still works


def test_a_damaged_entry_of_the_database_is_named_on_the_pages_and_repaired_from_the_app(
    app: AppTest, user_folder: Path
) -> None:
    from regions.workspace import db, people, schema

    owner = people.actor()
    entry = {"label_fr": "x", "label_en": "x", "unit": "x", "period": "x", "dataset": "user_mon_taux",
             "orientation": "higher", "kind": "ratio", "region_rule": "population_weighted_mean",
             "description_fr": "x"}  # fmt: skip
    record = {"producer": "p", "dataset": "d", "period": "2025", "url": "u", "licence": "l", "retrieved_via": "r",
              "coverage_note": "c", "status": "user"}  # fmt: skip
    with db.transaction() as connection:  # as another version of Homeshore might have written it
        row = connection.execute(schema.user_datasets.insert().values(
            workspace_id=owner.workspace_id, dataset_id="user_mon_taux", record=record,
            figures="code,mon_taux\n23,beaucoup\n", version=1, updated_at=db.now(), updated_by=owner.email,
        )).inserted_primary_key  # fmt: skip
        assert row is not None
        connection.execute(schema.user_catalogue.insert().values(
            workspace_id=owner.workspace_id, indicator_id="mon_taux", dataset_row=row[0], entry=entry))  # fmt: skip
    indicators.reload()
    app.switch_page(DATA_PAGE).run()
    assert not app.exception
    warning = next(w.value for w in app.warning if "user_mon_taux" in w.value.replace("\\", "")).replace("\\", "")
    assert "non-numbers" in warning and "regions data remove --id mon_taux" in warning and "chiffres livrés" in warning
    app.switch_page("homeshore/pages/indicateur.py").run()
    assert not app.exception and any("user_mon_taux" in w.value.replace("\\", "") for w in app.warning)
    app.switch_page(DATA_PAGE).run()
    app.button(key="btn_repair").click().run()
    assert not app.exception and not [w for w in app.warning if "user_mon_taux" in w.value.replace("\\", "")]
    assert any("user_mon_taux" in s.value.replace("\\", "") for s in app.success)
    (repair,) = [e for e in people.audit_trail(owner) if e["action"] == "repair" and "figures" in e["detail"]]
    assert repair["detail"]["figures"] == {"user_mon_taux": "code,mon_taux\n23,beaucoup\n"}  # kept, not deleted


def test_completing_an_official_indicator_previews_the_merge_and_a_reimport_says_replaced(
    app: AppTest, user_folder: Path
) -> None:
    app.switch_page("homeshore/pages/indicateur.py").run()
    app.session_state["hs_add_file"] = ("chomage.csv", b"Code;Taux\n976;30,1\n23;6,5\n87;7\n")
    app.run()
    app.selectbox(key="hs_add_target").set_value("unemployment_rate_pct").run()
    app.text_input(key="hs_add_period").input("2024")
    app.text_input(key="hs_add_source").input("Observatoire").run()
    assert not app.exception
    assert {m.label: m.value for m in app.metric}["Couverture : avant → après"] == "100/101 → 101/101"
    assert any("3 département(s) de ce fichier, 0 de votre import précédent, 98 du chiffre officiel" in c.value
               for c in app.caption)  # fmt: skip
    app.button(key="btn_add_save").click().run()
    assert any("unemployment_rate_pct" in s.value for s in app.success)
    app.session_state["hs_add_file"] = ("taux.csv", "Département;Taux\n23;30\n87;10\n".encode())
    app.run()
    app.radio(key="hs_add_mode").set_value("new").run()
    for key, value in (("hs_add_id", "taux_local"), ("hs_add_label", "Taux local"), ("hs_add_unit", "%"),
                       ("hs_add_period", "2025"), ("hs_add_source", "Observatoire")):  # fmt: skip
        app.text_input(key=key).input(value)
    app.run()
    app.button(key="btn_add_save").click().run()
    assert any(s.value.startswith("Indicateur « taux_local » enregistré") for s in app.success)
    app.button(key="btn_add_save").click().run()
    assert any(s.value.startswith("Indicateur « taux_local » remplacé") for s in app.success)
