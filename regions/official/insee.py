"""INSEE, taux de chômage localisés par département, table ``TCRD_025`` (``insee_unemployment``).

The file's layout is :data:`SOURCE`'s ``layout`` (also in ``tests/fixtures/refresh/README.md``, generated from it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import pandas as pd

from regions.codes import CodeError, normalise_departement, slug
from regions.official import cells
from regions.official.base import OfficialSource, ParsedDataset, RefreshError

INSEE_UNEMPLOYMENT_PAGE: Final[str] = "https://www.insee.fr/fr/statistiques/2012804"
INSEE_UNEMPLOYMENT_URL: Final[str] = "https://www.insee.fr/fr/statistiques/fichier/2012804/TCRD_025.xlsx"
FILE_NAME: Final[str] = "TCRD_025.xlsx"
#: Codes of TCRD_025's aggregate rows: France métropolitaine (M) and France hors Mayotte (F).
TCRD_AGGREGATES: Final[frozenset[str]] = frozenset({"M", "F"})


def parse_insee_unemployment(data: bytes, *, url: str = INSEE_UNEMPLOYMENT_URL) -> ParsedDataset:
    """INSEE ``TCRD_025.xlsx`` -> ``unemployment_rate_pct`` (latest quarter) and ``unemployment_rate_prev_pct``
    (same quarter a year before), periods ``YYYY-Qn`` read in the header row."""
    name = FILE_NAME
    sheets = cells.xlsx_rows(data, name, url)
    found = [
        (title, rows, i)
        for title, rows in sheets
        for i, row in enumerate(rows)
        if any(cells.quarter(cell) for cell in row)
    ]
    found.sort(key=lambda item: "dep" not in slug(item[0]))  # a sheet named after départements first
    if not found:
        titles = ", ".join(title for title, _ in sheets)
        raise RefreshError(
            f"{name} : présentation non reconnue — aucune ligne d'en-tête avec des trimestres (« 3ᵉ trim. 2025 »,"
            f" « T3 2025 »…) dans les feuilles {titles}",
            url=url,
        )
    _, rows, start = found[0]
    header, body = rows[start], rows[start + 1 :]
    quarters: dict[str, int] = {}
    for index, cell in enumerate(header):
        quarter = cells.quarter(cell)
        if quarter is not None and quarters.setdefault(quarter, index) != index:
            raise RefreshError(f"{name} : le trimestre {quarter} a deux colonnes dans l'en-tête", url=url)
    latest = max(quarters)
    previous = f"{int(latest[:4]) - 1}{latest[4:]}"
    if previous not in quarters:
        raise RefreshError(
            f"{name} : pas de colonne pour {previous}, le trimestre un an avant {latest} (trimestres trouvés :"
            f" {', '.join(sorted(quarters))})",
            url=url,
        )
    first = min(quarters.values())
    counts = [sum(cells.departement_code(r[i] if i < len(r) else None) is not None for r in body) for i in range(first)]
    if not counts or max(counts) == 0:
        raise RefreshError(f"{name} : aucune colonne de codes département avant les colonnes de trimestres", url=url)
    code_at = counts.index(max(counts))
    records = [r for r in body if code_at < len(r) and cells.departement_code(r[code_at]) is not None]
    aggregates = [
        f"{str(r[code_at]).strip()} ({str(r[code_at + 1]).strip() if code_at + 1 < len(r) else ''})"
        for r in body
        if code_at < len(r) and str(r[code_at]).strip().upper() in TCRD_AGGREGATES
    ]
    _check_names(records, code_at, name, url)
    frame = pd.DataFrame(
        {
            "code": [cells.departement_code(r[code_at]) for r in records],
            "latest": [r[quarters[latest]] if quarters[latest] < len(r) else None for r in records],
            "previous": [r[quarters[previous]] if quarters[previous] < len(r) else None for r in records],
        }
    )
    kept, notes = cells.keep_departements(frame, "code")
    if aggregates:
        notes += (f"lignes agrégées laissées de côté : {', '.join(aggregates)}",)
    provisional = [slug(str(header[i])).endswith(" p") for i in (quarters[latest], quarters[previous])]
    notes += tuple(f"{q} : valeurs provisoires (p)" for q, p in zip((latest, previous), provisional, strict=True) if p)
    figures = {
        "unemployment_rate_pct": cells.numbers(kept["latest"], f"{name}, colonne {latest}", kept["code"]),
        "unemployment_rate_prev_pct": cells.numbers(kept["previous"], f"{name}, colonne {previous}", kept["code"]),
    }
    periods = {"unemployment_rate_pct": frozenset({latest}), "unemployment_rate_prev_pct": frozenset({previous})}
    return cells.parsed("insee_unemployment", figures, kept["code"], periods, url, notes)


def _check_names(records: Sequence[Sequence[object]], code_at: int, name: str, url: str) -> None:
    """The name beside each code must be that département's (région codes overlap département codes)."""
    wrong = []
    for row in records:
        code, label = cells.departement_code(row[code_at]), row[code_at + 1] if code_at + 1 < len(row) else None
        if not isinstance(label, str) or not label.strip() or code is None or code in cells.COLLECTIVITIES:
            continue
        try:
            matches = normalise_departement(label) == code
        except CodeError:
            matches = False
        if not matches:
            wrong.append(f"{code} « {label.strip()} »")
    if wrong:
        raise RefreshError(
            f"{name} : noms et codes ne concordent pas ({', '.join(wrong[:5])}) : ce tableau n'est-il pas celui des "
            "régions ?",
            url=url,
        )


SOURCE: Final[OfficialSource] = OfficialSource(
    dataset_id="insee_unemployment",
    title="INSEE — taux de chômage localisés par département (TCRD_025)",
    title_en="INSEE — localised unemployment rates by département (TCRD_025)",
    url=INSEE_UNEMPLOYMENT_URL,
    file_name=FILE_NAME,
    page=INSEE_UNEMPLOYMENT_PAGE,
    layout=(
        "XLSX: a few title lines, then a header row whose quarter cells read `3ᵉ trim. 2025 (p)` (`T3 2025`, "
        "`2025-T3` are accepted too), then one row per département with its code (text), its name and one rate per "
        "quarter (in %, one decimal); the aggregate rows `M` (France métropolitaine, after 95) and `F` (France hors "
        "Mayotte, after 974) and the notes are left out, said in a note; no 976. The latest quarter fills "
        "`unemployment_rate_pct` and the same quarter a year before `unemployment_rate_prev_pct`. Assumed: the "
        "download path `/statistiques/fichier/2012804/TCRD_025.xlsx` (INSEE's usual file path; a ZIP holding the "
        "xlsx is read too). The long quarterly series `sl_etc_*.xls` is an Excel 97 file, which needs a reader the "
        "project does not ship: not used."
    ),
    parser=parse_insee_unemployment,
    indicators=("unemployment_rate_pct", "unemployment_rate_prev_pct"),
    period_format="YYYY-Qn (quarter of the header)",
    period_pattern=r"\d{4}-Q[1-4]",
    dataset=(
        "Taux de chômage localisés par département (chiffres clés TCRD_025), estimations de taux de chômage localisés"
    ),
    caveats=("Read from INSEE's TCRD_025.xlsx; the latest quarter is usually provisional (p).",),
    stale_caveats=(
        "Not the latest quarter",
        "Read through a third-party GitHub project",
        "2025-Q3 is provisional",
    ),
    documented_in=("facts/unemployment.md", "facts/producer_layouts.md"),
)
