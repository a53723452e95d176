"""Arcep, « Ma connexion internet »: FTTH eligibility by département (``arcep_broadband``).

The file's layout is :data:`SOURCE`'s ``layout`` (also in ``tests/fixtures/refresh/README.md``, generated from it).
"""

from __future__ import annotations

from typing import Final

from regions.codes import slug
from regions.official import cells
from regions.official.base import OfficialSource, ParsedDataset, RefreshError

ARCEP_URL: Final[str] = (
    "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/last/departement/departement_techno.csv"
)
FILE_NAME: Final[str] = "departement_techno.csv"

_ARCEP_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("code_dep", "code_departement", "code departement", "dep", "departement"),
    "date": ("date", "date_edition", "date de reference"),
    "nbr": ("nbr", "nb_locaux", "locaux"),
    "elig_ftth": ("elig_ftth",),
    "type": ("type", "type_locaux"),
}


def parse_arcep_broadband(data: bytes, *, url: str = ARCEP_URL) -> ParsedDataset:
    """Arcep ``departement_techno.csv`` -> ``ftth_share_pct`` (``100 × elig_ftth / nbr``, rounded to 0.1 as the
    bundled figures) and ``total_premises`` (``nbr``); the period is the file's ``date`` column."""
    name = FILE_NAME
    frame = cells.read_records(data, name, url)
    cols = cells.columns(frame, _ARCEP_COLUMNS, ("code", "date", "nbr", "elig_ftth"), name, url)
    if cols["type"] is not None:
        kinds = frame[cols["type"]].map(slug)
        if not (kinds == "all").any():
            values = ", ".join(sorted(set(frame[cols["type"]]))[:10])
            raise RefreshError(f"{name} : la colonne {cols['type']!r} n'a aucune ligne « all » (valeurs : {values})")
        frame = frame[kinds == "all"]
    rows, notes = cells.keep_departements(frame, str(cols["code"]))
    if rows.empty:
        raise RefreshError(f"{name} : aucune ligne avec un code département dans la colonne {cols['code']!r}")
    premises = cells.numbers(rows[str(cols["nbr"])], f"{name}, colonne {cols['nbr']}", rows["code"])
    eligible = cells.numbers(rows[str(cols["elig_ftth"])], f"{name}, colonne {cols['elig_ftth']}", rows["code"])
    share = (100 * eligible / premises).where(premises > 0).round(1)
    dates = frozenset(cells.iso_date(d, f"{name}, colonne {cols['date']}") for d in rows[str(cols["date"])])
    periods = {"ftth_share_pct": dates, "total_premises": dates}
    figures = {"ftth_share_pct": share, "total_premises": premises}
    return cells.parsed("arcep_broadband", figures, rows["code"], periods, url, notes)


SOURCE: Final[OfficialSource] = OfficialSource(
    dataset_id="arcep_broadband",
    title="Arcep — Ma connexion internet, éligibilité par département",
    title_en="Arcep — Ma connexion internet, fibre eligibility by département",
    url=ARCEP_URL,
    file_name=FILE_NAME,
    page=ARCEP_URL,
    layout=(
        "CSV (`;`-separated) with a header: `date` (the edition, ISO date), `code_dep` (département code as text), "
        "`nbr` (all premises), `elig_ftth` (FTTH-eligible premises), other `elig_*` columns ignored; one row per "
        "département. Assumed: the code column may also be named `code_departement`, `dep` or `departement`; a "
        "`type` column, as in Arcep's commune files, is read when present (only the `all` rows are kept)."
    ),
    parser=parse_arcep_broadband,
    indicators=("ftth_share_pct", "total_premises"),
    period_format="YYYY-MM-DD (the file's date column)",
    period_pattern=r"\d{4}-\d{2}-\d{2}",
    caveats=(
        "Share computed by Homeshore as elig_ftth / nbr x 100 from the official file, rounded to 0.1; do not "
        "multiply share x premises to get FTTH counts.",
        "Paris is one unit (75).",
    ),
    stale_caveats=(
        "Obtained through a third-party mirror",
        "Share = elig_ftth / nbr x 100, rounded to 0.1 by",
        "Mayotte (976) stands out at",
    ),
    documented_in=("facts/broadband.md",),
)
