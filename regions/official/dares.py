"""DARES, jobseekers registered at France Travail by département, raw month-end stocks (``dares_jobseekers``).

The file's layout is :data:`SOURCE`'s ``layout`` (also in ``tests/fixtures/refresh/README.md``, generated from it).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from regions.codes import slug
from regions.official import cells
from regions.official.base import OfficialSource, ParsedDataset, RefreshError

_DARES_API: Final[str] = "https://data.dares.travail-emploi.gouv.fr/api/explore/v2.1/catalog/datasets"
DARES_URL: Final[str] = (
    f"{_DARES_API}/dares_defm_stock_regions_brut_mens/exports/csv?delimiter=%3B&where=categorie%3D%22A%22"
)
DARES_PAGE: Final[str] = "https://data.dares.travail-emploi.gouv.fr/explore/dataset/dares_defm_stock_regions_brut_mens/"
FILE_NAME: Final[str] = "dares_defm_stock_regions_brut_mens.csv"
#: January of the last year before the 2025 reform of jobseeker registration (``jobseekers_cat_a_prev``).
JOBSEEKERS_PREV_MONTH: Final[str] = "2024-01"

_DARES_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("code_departement", "code departement", "code_dep", "dep"),
    "date": ("date", "mois", "periode"),
    "category": ("categorie", "categorie d inscription"),
    "value": (
        "nombre_de_demandeurs_d_emploi",
        "nombre de demandeurs d emploi",
        "demandeurs d emploi",
        "nombre",
        "valeur",
        "effectif",
    ),
    "kind": ("type_de_donnees", "type de donnees"),
}
#: Breakdown columns of the DARES files whose "all" rows are kept.
_DARES_BREAKDOWNS: Final[frozenset[str]] = frozenset(
    {"sexe", "tranche d age", "age", "anciennete", "anciennete d inscription", "tranche d heures travaillees"}
)
_ALL: Final[frozenset[str]] = frozenset({"total", "ensemble", "tous", "toutes"})


def parse_dares_jobseekers(data: bytes, *, url: str = DARES_URL) -> ParsedDataset:
    """DARES raw month-end stocks by département -> ``jobseekers_cat_a`` (latest January, category A) and
    ``jobseekers_cat_a_prev`` (``JOBSEEKERS_PREV_MONTH``); periods ``YYYY-MM``."""
    name = FILE_NAME
    frame = cells.read_records(data, name, url)
    cols = cells.columns(frame, _DARES_COLUMNS, ("code", "date", "category", "value"), name, url)
    frame = frame[frame[str(cols["category"])].map(slug).isin({"a", "categorie a", "cat a"})]
    for column in frame.columns:
        if slug(str(column)) in _DARES_BREAKDOWNS:
            frame = frame[frame[column].map(slug).isin(_ALL)]
    if cols["kind"] is not None and frame[cols["kind"]].nunique() > 1:
        raw = frame[cols["kind"]].map(slug).str.contains("brut")
        if not raw.any():
            kinds = ", ".join(sorted(set(frame[cols["kind"]])))
            raise RefreshError(f"{name} : aucune série « brute » dans la colonne {cols['kind']!r} ({kinds})", url=url)
        frame = frame[raw]
    rows, notes = cells.keep_departements(frame, str(cols["code"]))
    if rows.empty:
        raise RefreshError(f"{name} : aucune ligne « catégorie A, total » avec un code département", url=url)
    months = rows[str(cols["date"])].map(lambda text: cells.month(text, f"{name}, colonne {cols['date']}"))
    rows = rows.assign(month=months)
    doubles = rows[rows.duplicated(["code", "month"], keep=False)]
    if not doubles.empty:
        first = doubles.iloc[0]
        raise RefreshError(
            f"{name} : plusieurs lignes pour le département {first['code']} en {first['month']} — ventilation non"
            f" reconnue (colonnes : {', '.join(map(str, frame.columns))})",
            url=url,
        )
    januaries = sorted(m for m in set(rows["month"]) if m.endswith("-01"))
    if not januaries or JOBSEEKERS_PREV_MONTH not in januaries:
        found = f"{min(rows['month'])} à {max(rows['month'])}"
        raise RefreshError(f"{name} : il faut janvier {JOBSEEKERS_PREV_MONTH[:4]} et un janvier récent ({found})")
    latest = januaries[-1]
    values = cells.numbers(rows[str(cols["value"])], f"{name}, colonne {cols['value']}", rows["code"])
    table = rows.assign(value=values).pivot(index="code", columns="month", values="value")
    figures = {"jobseekers_cat_a": table[latest], "jobseekers_cat_a_prev": table[JOBSEEKERS_PREV_MONTH]}
    periods = {"jobseekers_cat_a": frozenset({latest}), "jobseekers_cat_a_prev": frozenset({JOBSEEKERS_PREV_MONTH})}
    return cells.parsed("dares_jobseekers", figures, pd.Series(table.index), periods, url, notes)


SOURCE: Final[OfficialSource] = OfficialSource(
    dataset_id="dares_jobseekers",
    title="DARES — demandeurs d'emploi inscrits à France Travail par département (données brutes)",
    title_en="DARES — jobseekers registered with France Travail by département (raw data)",
    url=DARES_URL,
    file_name=FILE_NAME,
    page=DARES_PAGE,
    layout=(
        "Opendatasoft CSV export (`;`) of `dares_defm_stock_regions_brut_mens` (raw month-end stocks by région and "
        "département): `date` (`YYYY-MM`), `code_departement`, `categorie` (A…), the breakdowns `sexe`, "
        "`tranche_d_age`, `anciennete` (`Total` rows kept), `type_de_donnees` and `nombre_de_demandeurs_d_emploi` "
        "(technical names or their labels); `Total` rows of `code_departement` skipped. `jobseekers_cat_a` takes "
        "the latest January (the catalogue defines it as an end-of-January stock) and `jobseekers_cat_a_prev` "
        "January 2024, the last January before the 2025 reform. Assumed: the dataset id and fields were seen in "
        "public code using the DARES API; its page was not consulted."
    ),
    parser=parse_dares_jobseekers,
    indicators=("jobseekers_cat_a", "jobseekers_cat_a_prev"),
    period_format="YYYY-MM (latest January; January 2024 for the previous column)",
    period_pattern=r"\d{4}-01",
    dataset=(
        "Demandeurs d'emploi inscrits à France Travail par département, catégorie A, stocks en fin de mois, "
        "données brutes (DARES open data, dares_defm_stock_regions_brut_mens)"
    ),
    caveats=(
        "Read from the DARES open-data export dares_defm_stock_regions_brut_mens (dataset id seen in public "
        "code using the DARES API; the dataset page was not consulted); the latest January fills the current "
        "column, January 2024 the previous one.",
    ),
    stale_caveats=(
        "Third-party extract",
        "In some rows source_url also lists",
        "Mayotte absent from the extract",
        "The departmental dataset page on the DARES portal",
    ),
    documented_in=(),
)
