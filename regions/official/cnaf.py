"""CNAF (data.caf.fr), AAH recipients by département (``cnaf_msa_aah``).

The file's layout is :data:`SOURCE`'s ``layout`` (also in ``tests/fixtures/refresh/README.md``, generated from it).
"""

from __future__ import annotations

from typing import Final

import pandas as pd

from regions.official import cells
from regions.official.base import OfficialSource, ParsedDataset, RefreshError

CNAF_AAH_URL: Final[str] = (
    "https://data.caf.fr/api/explore/v2.1/catalog/datasets/aah_s_complaah_age_5_dep/exports/csv?delimiter=%3B"
)
CNAF_AAH_PAGE: Final[str] = (
    "https://www.data.gouv.fr/datasets/aah-repartition-des-allocataires-selon-le-type-de-complement-daah-departement/"
)
FILE_NAME: Final[str] = "aah_s_complaah_age_5_dep.csv"
#: CAF pseudo-codes for an unknown or other département: skipped with a count, not départements.
CAF_PSEUDO_CODES: Final[frozenset[str]] = frozenset({"XX", "99"})

_CNAF_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": (
        "numdep",
        "numero de departement",
        "numero departement",
        "code_departement",
        "code departement",
        "code_dep",
        "dep",
    ),
    "date": ("dtreffre", "date de reference", "date_reference", "date"),
    "value": (
        "indben_aah",
        "nombre de beneficiaires de l aah",
        "nombre de beneficiaires",
        "beneficiaires",
        "nombre d allocataires",
        "allocataires",
    ),
}


def parse_cnaf_aah(data: bytes, *, url: str = CNAF_AAH_URL) -> ParsedDataset:
    """CNAF data.caf.fr AAH recipients by département -> ``aah_recipients``: the sum over the file's breakdowns
    (complément, age) for the latest December, period ``YYYY-12``. A blank count leaves the total missing."""
    name = FILE_NAME
    frame = cells.read_records(data, name, url)
    cols = cells.columns(frame, _CNAF_COLUMNS, ("code", "date", "value"), name, url)
    pseudo = frame[str(cols["code"])].astype(str).str.strip().str.upper().isin(CAF_PSEUDO_CODES)
    rows, notes = cells.keep_departements(frame[~pseudo], str(cols["code"]))
    if pseudo.any():
        skipped = int(pseudo.sum())
        notes += (f"{skipped} ligne(s) aux pseudo-codes XX/99 (département inconnu ou autre) laissée(s) de côté",)
    if rows.empty:
        raise RefreshError(f"{name} : aucune ligne avec un code département dans la colonne {cols['code']!r}")
    months = rows[str(cols["date"])].map(lambda text: cells.month(text, f"{name}, colonne {cols['date']}"))
    decembers = sorted(m for m in set(months) if m.endswith("-12"))
    if not decembers:
        raise RefreshError(f"{name} : aucun mois de décembre (mois trouvés : {min(months)} à {max(months)})", url=url)
    latest = decembers[-1]
    rows = rows[months == latest]
    values = cells.numbers(rows[str(cols["value"])], f"{name}, colonne {cols['value']}", rows["code"])
    if (values < 0).any():
        raise RefreshError(f"{name} : effectif négatif dans la colonne {cols['value']!r}", url=url)
    grouped = values.groupby(rows["code"])
    totals = grouped.sum().where(~values.isna().groupby(rows["code"]).any())
    periods = {"aah_recipients": frozenset({latest})}
    return cells.parsed("cnaf_msa_aah", {"aah_recipients": totals}, pd.Series(totals.index), periods, url, notes)


SOURCE: Final[OfficialSource] = OfficialSource(
    dataset_id="cnaf_msa_aah",
    title="CNAF — allocataires de l'AAH par département (data.caf.fr)",
    title_en="CNAF — AAH recipients by département (data.caf.fr)",
    url=CNAF_AAH_URL,
    file_name=FILE_NAME,
    page=CNAF_AAH_PAGE,
    layout=(
        "Opendatasoft CSV export (`;`) of data.caf.fr `aah_s_complaah_age_5_dep` (« AAH – répartition des "
        "allocataires selon le type de complément d'AAH », by département, monthly): `dtreffre` (`YYYY-MM`), "
        "`numdep`, `nomdep`, `numregi`, `nomregi`, the breakdowns `aah_complaah` and `aah_age_5`, `indben_aah` "
        "(recipients), `lieures`; one row per département × month × complément × age band. The CAF pseudo-codes "
        "`XX` and `99` (unknown or other département) are skipped with a count. `aah_recipients` is the sum of "
        "`indben_aah` over the breakdowns for the latest December (CNAF only, without MSA: a different scope from "
        "the bundled CNAF + MSA figures, said in the record). The file has no home/institution split nor rate per "
        "1,000 aged 20–64: those columns keep their current values and period, and the report says so. Assumed: the "
        "field names were seen in a public extract of the dataset."
    ),
    parser=parse_cnaf_aah,
    indicators=("aah_recipients",),
    period_format="YYYY-12 (latest December)",
    period_pattern=r"\d{4}-12",
    producer="CNAF (aah_recipients, data.caf.fr); CNAF and CCMSA via HandiDonnées (other columns, kept)",
    dataset=(
        "AAH – répartition des allocataires selon le type de complément d'AAH – département (CNAF open data) "
        "for aah_recipients; the home / institution counts and the rate per 1,000 aged 20–64 keep the "
        "previous snapshot's CNAF + MSA figures"
    ),
    caveats=(
        "aah_recipients now counts CNAF recipients only (no MSA), at the latest December of the CNAF file: "
        "a narrower scope than the bundled CNAF + MSA totals, and no longer equal to aah_home + "
        "aah_institution, which keep their previous period.",
        "The CNAF file has no home / institution split and no rate per 1,000 aged 20–64: those columns are "
        "unchanged by the refresh.",
    ),
    stale_caveats=(
        "aah_recipients = home + institution",
        "One year only (2021)",
        "CNAF and MSA combined, unlike",
    ),
    documented_in=("facts/aah.md", "facts/disability.md", "facts/producer_layouts.md"),
)
