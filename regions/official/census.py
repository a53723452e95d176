"""INSEE, commune bases of the 2022 census (« bases communales » RP2022), summed by département:
« Activité des résidents » (``insee_census_activity``) and « Couples – Familles – Ménages » (``insee_families``).

The files' layouts are :data:`ACTIVITY`'s and :data:`FAMILIES`'s ``layout`` (also in
``tests/fixtures/refresh/README.md``, generated from them).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from typing import Final

import numpy as np
import pandas as pd

from regions import tabular
from regions.official import cells
from regions.official._http import MAX_DOWNLOAD_BYTES
from regions.official.base import OfficialSource, ParsedDataset, RefreshError

INSEE_CENSUS_ACTIVITY_PAGE: Final[str] = "https://www.insee.fr/fr/statistiques/8581444"
INSEE_CENSUS_ACTIVITY_URL: Final[str] = (
    "https://www.insee.fr/fr/statistiques/fichier/8581444/base-cc-emploi-pop-active-2022_csv.zip"
)
ACTIVITY_FILE_NAME: Final[str] = "base-cc-emploi-pop-active-2022_csv.zip"
INSEE_FAMILIES_PAGE: Final[str] = "https://www.insee.fr/fr/statistiques/8582452"
INSEE_FAMILIES_URL: Final[str] = (
    "https://www.insee.fr/fr/statistiques/fichier/8582452/base-cc-coupl-fam-men-2022_csv.zip"
)
FAMILIES_FILE_NAME: Final[str] = "base-cc-coupl-fam-men-2022_csv.zip"
#: Municipal arrondissements, by the commune they divide (Paris, Marseille, Lyon).
ARRONDISSEMENTS: Final[dict[str, frozenset[str]]] = {
    "75056": frozenset(f"751{n:02d}" for n in range(1, 21)),
    "13055": frozenset(f"132{n:02d}" for n in range(1, 17)),
    "69123": frozenset(f"6938{n}" for n in range(1, 10)),
}
MAYOTTE: Final[str] = "976"
_COMMUNE: Final[re.Pattern[str]] = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")

_CENSUS_CODE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("codgeo", "com", "code commune", "code_commune", "codecom", "depcom", "code geographique", "code insee"),
}


def _census_text(data: bytes, name: str, url: str) -> tuple[str, str, tuple[str, ...]]:
    """The name, text and notes of a commune base: the main ``base-cc….csv`` member of INSEE's ZIP (``meta…``
    members aside, and the collectivities' ``…-COM.CSV`` beside it, said in a note), or the bytes themselves when
    they are no ZIP; UTF-8, else Windows-1252, else Latin-1 (INSEE's bases are Latin-1)."""
    cells.check_not_html(data, name, url)
    notes: tuple[str, ...] = ()
    if data.startswith(cells.ZIP_MAGIC):
        try:
            with tabular.open_archive(data) as archive:  # a ZIP bomb is refused before anything is decompressed
                members = [info for info in archive.infolist() if not info.is_dir()]
                bases = [
                    info
                    for info in members
                    if (base := info.filename.rsplit("/", 1)[-1].lower()).startswith("base-cc")
                    and base.endswith(".csv")
                ]
                collectivities = [info for info in bases if _is_com_member(info.filename)]
                if collectivities and len(collectivities) < len(bases):
                    bases = [info for info in bases if info not in collectivities]
                    listed = ", ".join(info.filename.rsplit("/", 1)[-1] for info in collectivities)
                    notes = (f"fichier des collectivités d'outre-mer laissé de côté (pas des départements) : {listed}",)
                if len(bases) != 1:
                    listed = ", ".join(info.filename for info in members[:10]) or "aucun fichier"
                    what = "aucun fichier" if not bases else "plusieurs fichiers"
                    raise RefreshError(f"{name} : {what} base-cc….csv dans l'archive ZIP (contenu : {listed})", url=url)
                if bases[0].file_size > MAX_DOWNLOAD_BYTES:
                    raise RefreshError(f"{name} : {bases[0].filename} trop volumineux une fois décompressé", url=url)
                name, data = bases[0].filename.rsplit("/", 1)[-1], archive.read(bases[0])
        except tabular.TabularError as error:
            raise RefreshError(f"{name} : {error}", url=url) from error
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
            raise RefreshError(f"{name} : archive ZIP illisible ({error})", url=url) from error
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return name, data.decode(encoding), notes
        except UnicodeDecodeError:
            continue
    return name, data.decode("latin-1"), notes  # every byte is a Latin-1 character


def _is_com_member(filename: str) -> bool:
    """Whether a ZIP member is the collectivities' companion of a base (``base-cc-…-2022-COM.CSV``)."""
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.lower().endswith("-com")


def _census_columns(
    headers: Sequence[str], fields: Sequence[str], prefix: str, name: str, url: str
) -> tuple[str, dict[str, int]]:
    """The census year (``2022``) of the latest columns ``<P|C><yy>_<FIELD>`` present for every field, and the
    position of each field's column (the ``prefix`` exploitation when both are there)."""
    pattern = re.compile(rf"^([PC])(\d{{2}})_({'|'.join(map(re.escape, fields))})$", re.IGNORECASE)
    found: dict[int, dict[str, tuple[bool, int]]] = {}
    for index, header in enumerate(headers):
        if match := pattern.match(header):
            letter, yy, field_name = match.group(1).upper(), int(match.group(2)), match.group(3).upper()
            year = 1900 + yy if yy >= 60 else 2000 + yy
            other = letter != prefix
            found.setdefault(year, {})
            if field_name not in found[year] or found[year][field_name][0] > other:
                found[year][field_name] = (other, index)
    complete = [year for year, columns in found.items() if len(columns) == len(fields)]
    if not complete:
        latest = max(found, default=2022)
        missing = ", ".join(f"{prefix}{latest % 100:02d}_{f}" for f in fields if f not in found.get(latest, {}))
        seen = ", ".join(headers[:25]) + (f"… ({len(headers)} colonnes)" if len(headers) > 25 else "")
        raise RefreshError(
            f"{name} : présentation non reconnue — colonne(s) {missing} introuvable(s) (attendu : une colonne"
            f" <P|C><aa>_<champ> pour chacun des champs {', '.join(fields)}, d'une même année de recensement) ;"
            f" colonnes du fichier : {seen}",
            url=url,
        )
    year = max(complete)
    return str(year), {f: found[year][f][1] for f in fields}


def _census_base(
    data: bytes, name: str, url: str, fields: Sequence[str], prefix: str
) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """A commune base of the census summed by département: one column per field (unrounded; NaN for a département
    with a blank commune cell) indexed by département code, the census year of the columns, and the notes. Only the
    code and field columns are read, by pandas' C parser: the real files hold ~35,000 communes × ~150 columns."""
    name, text, member_notes = _census_text(data, name, url)
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    headers = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
    code_at = headers.index(
        str(cells.columns(pd.DataFrame(columns=headers), _CENSUS_CODE_COLUMNS, ("code",), name, url)["code"])
    )
    year, positions = _census_columns(headers, fields, prefix, name, url)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=0, usecols=[code_at, *positions.values()], dtype=str,
            keep_default_na=False, na_filter=False, skip_blank_lines=True, engine="c", nrows=cells.MAX_ROWS + 1,
        )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise RefreshError(f"{name} : CSV illisible ({error})", url=url) from error
    if len(frame) > cells.MAX_ROWS:
        raise RefreshError(f"{name} : plus de {cells.MAX_ROWS} lignes", url=url)
    frame = frame.set_axis([headers[i] for i in sorted([code_at, *positions.values()])], axis=1)
    codes = frame[headers[code_at]].fillna("").astype(str).str.strip().str.upper()
    codes = codes.where(~codes.str.fullmatch(r"\d{4}"), "0" + codes)  # a leading zero lost in a spreadsheet
    valid = codes.str.match(_COMMUNE.pattern)
    notes: list[str] = list(member_notes)
    if (~valid).any():
        notes.append(f"{int((~valid).sum())} ligne(s) sans code commune ignorée(s) (lignes vides ou de total)")
    frame, codes = frame[valid], codes[valid]
    doubles = sorted(set(codes[codes.duplicated()]))
    if doubles:
        raise RefreshError(f"{name} : codes commune en double : {', '.join(doubles[:10])}", url=url)
    departements = codes.str[:3].where(codes.str.startswith(("97", "98")), codes.str[:2])
    outside = departements.isin(cells.COLLECTIVITIES)
    if outside.any():
        listed = ", ".join(sorted(set(departements[outside])))
        notes.append(f"collectivités d'outre-mer laissées de côté (pas des départements) : {listed}")
    dropped = [
        (parent, int(codes.isin(arms).sum()))
        for parent, arms in ARRONDISSEMENTS.items()
        if (codes == parent).any() and codes.isin(arms).any()
    ]
    if dropped:
        listed = ", ".join(f"{parent} ({count})" for parent, count in dropped)
        notes.append(f"arrondissements municipaux laissés de côté, leur commune étant déjà comptée : {listed}")
    arrondissements = codes.isin({code for parent, _ in dropped for code in ARRONDISSEMENTS[parent]})
    kept = ~outside & ~arrondissements
    frame, codes, departements = frame[kept], codes[kept], departements[kept]
    sums: dict[str, pd.Series] = {}
    for field_name, position in positions.items():
        column = headers[position]
        values = cells.commune_numbers(frame[column], f"{name}, colonne {column}", codes)
        negative = values < 0
        if negative.any():
            first_bad = int(np.argmax(negative.to_numpy()))
            raise RefreshError(
                f"{name} : valeur négative dans la colonne {column!r} (commune {codes.iloc[first_bad]} :"
                f" {values.iloc[first_bad]:g})",
                url=url,
            )
        blank = values.isna()
        if blank.any():
            listed = ", ".join(codes[blank].iloc[:5]) + ("…" if blank.sum() > 5 else "")
            deps = ", ".join(sorted(set(departements[blank])))
            notes.append(
                f"{column} : {int(blank.sum())} commune(s) sans valeur ({listed}) ; total laissé manquant pour : {deps}"
            )
        grouped = values.groupby(departements)
        sums[field_name] = grouped.sum().where(~blank.groupby(departements).any())
    if not departements.eq(MAYOTTE).any():
        notes.append(f"{MAYOTTE} (Mayotte) absent du fichier : les bases communales couvrent la France hors Mayotte")
    return pd.DataFrame(sums), year, tuple(notes)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``100 × part / whole`` rounded to 0.1; missing when ``whole`` is missing or 0."""
    return (100 * part / whole).where(whole > 0).round(1)


def parse_insee_census_activity(data: bytes, *, url: str = INSEE_CENSUS_ACTIVITY_URL) -> ParsedDataset:
    """INSEE commune base « activité des résidents » -> ``pop_15_64`` (``P22_POP1564``) and
    ``other_inactive_15_64`` (``P22_AINACT1564``), département sums rounded to the unit, and
    ``other_inactive_15_64_pct`` (100 × their ratio, rounded to 0.1); period: the census year of the columns."""
    sums, year, notes = _census_base(data, ACTIVITY_FILE_NAME, url, ("POP1564", "AINACT1564"), "P")
    figures = {
        "pop_15_64": sums["POP1564"].round(0),
        "other_inactive_15_64": sums["AINACT1564"].round(0),
        "other_inactive_15_64_pct": _share(sums["AINACT1564"], sums["POP1564"]),
    }
    periods = {column: frozenset({year}) for column in figures}
    return cells.parsed("insee_census_activity", figures, pd.Series(sums.index), periods, url, notes)


def parse_insee_census_families(data: bytes, *, url: str = INSEE_FAMILIES_URL) -> ParsedDataset:
    """INSEE commune base « couples – familles – ménages » -> ``families_total`` (``C22_FAM``) and
    ``single_parent_families`` (``C22_FAMMONO``), département sums rounded to the unit, and the shares of all
    families (100 × ``FMONO``, ``HMONO``, ``COUPAENF``, ``COUPSENF`` / ``FAM``, rounded to 0.1); period: the census
    year of the columns."""
    fields = ("FAM", "FAMMONO", "FMONO", "HMONO", "COUPAENF", "COUPSENF")
    sums, year, notes = _census_base(data, FAMILIES_FILE_NAME, url, fields, "C")
    families = sums["FAM"]
    figures = {
        "families_total": families.round(0),
        "single_parent_families": sums["FAMMONO"].round(0),
        "single_mothers_share_pct": _share(sums["FMONO"], families),
        "single_fathers_share_pct": _share(sums["HMONO"], families),
        "couples_with_children_share_pct": _share(sums["COUPAENF"], families),
        "couples_no_child_share_pct": _share(sums["COUPSENF"], families),
    }
    periods = {column: frozenset({year}) for column in figures}
    return cells.parsed("insee_families", figures, pd.Series(sums.index), periods, url, notes)


ACTIVITY: Final[OfficialSource] = OfficialSource(
    dataset_id="insee_census_activity",
    title="INSEE — base communale « Activité des résidents » (emploi – population active), RP2022",
    title_en="INSEE — census commune base, residents' activity (employment – labour force), RP2022",
    url=INSEE_CENSUS_ACTIVITY_URL,
    file_name=ACTIVITY_FILE_NAME,
    page=INSEE_CENSUS_ACTIVITY_PAGE,
    layout=(
        "a ZIP holding `base-cc-emploi-pop-active-2022.CSV` (`meta…` members ignored, and a collectivities' "
        "`…-COM.CSV` member beside the main one left out with a note; the CSV alone is read too), Latin-1 (UTF-8 "
        "and Windows-1252 read too), `;`-separated, values possibly quoted, perimeter France hors Mayotte (so "
        "100/101 at most, said in a note), one row per commune with `CODGEO` (commune code as text), `REG`, `DEP`, "
        "`LIBGEO`, then numeric columns `P22_<FIELD>`/`C22_<FIELD>` (weighted census estimates, decimal point; "
        "`22`: census year 2022) beside older censuses' columns (`P16_…`, `P11_…`). The latest year with every "
        "field needed is read (`P22_POP1564` and `P22_AINACT1564`), each field column matched case-insensitively, "
        "and summed by département (`2A004` -> `2A`, `97101` -> `971`); a blank commune cell leaves its "
        "département's sum missing, never 0, and a note names the communes and départements. Counts are rounded to "
        "the unit, shares computed from the unrounded sums. Municipal arrondissements (Paris, Marseille, Lyon) are "
        "dropped when their commune (75056, 13055, 69123) is listed too. Assumed: the layout is known from public "
        "code using INSEE's base-cc files, not from a download of these files; a four-digit code is a commune code "
        "that lost its leading zero (`1001` -> `01001`)."
    ),
    parser=parse_insee_census_activity,
    indicators=("pop_15_64", "other_inactive_15_64", "other_inactive_15_64_pct"),
    period_format="YYYY (census year of the columns, e.g. P22_ → 2022)",
    period_pattern=r"\d{4}",
    dataset=(
        "Base communale « Activité des résidents » (emploi – population active), RP2022, exploitation "
        "principale (P22_POP1564, P22_AINACT1564), summed by département by Homeshore"
    ),
    caveats=(
        "Département sums of INSEE's commune base computed by Homeshore (RP2022, geography of 1 January "
        "2025): counts rounded to the unit, as INSEE prints département census counts; the share is "
        "100 × AINACT1564 / POP1564 from the unrounded sums, rounded to 0.1, so it may differ by 0.1 from "
        "INSEE's own département tables.",
    ),
    stale_caveats=("Couverture très partielle (2/101)",),
    documented_in=(),
)


FAMILIES: Final[OfficialSource] = OfficialSource(
    dataset_id="insee_families",
    title="INSEE — base communale « Couples – Familles – Ménages », RP2022",
    title_en="INSEE — census commune base, couples, families and households, RP2022",
    url=INSEE_FAMILIES_URL,
    file_name=FAMILIES_FILE_NAME,
    page=INSEE_FAMILIES_PAGE,
    layout=(
        "a ZIP holding `base-cc-coupl-fam-men-2022.CSV` (`meta…` members ignored, and a collectivities' `…-COM.CSV` "
        "member beside the main one left out with a note; the CSV alone is read too), Latin-1 (UTF-8 and "
        "Windows-1252 read too), `;`-separated, values possibly quoted, perimeter France hors Mayotte (so 100/101 "
        "at most, said in a note), one row per commune with `CODGEO` (commune code as text), `REG`, `DEP`, "
        "`LIBGEO`, then numeric columns `P22_<FIELD>`/`C22_<FIELD>` (weighted census estimates, decimal point; "
        "`22`: census year 2022) beside older censuses' columns (`P16_…`, `P11_…`). The latest year with every "
        "field needed is read (`C22_FAM`, `C22_FAMMONO`, `C22_FMONO`, `C22_HMONO`, `C22_COUPAENF` and "
        "`C22_COUPSENF`), each field column matched case-insensitively, and summed by département (`2A004` -> `2A`, "
        "`97101` -> `971`); a blank commune cell leaves its département's sum missing, never 0, and a note names "
        "the communes and départements. Counts are rounded to the unit, shares computed from the unrounded sums. "
        "Municipal arrondissements (Paris, Marseille, Lyon) are dropped when their commune (75056, 13055, 69123) is "
        "listed too. Assumed: the layout is known from public code using INSEE's base-cc files, not from a download "
        "of these files; a four-digit code is a commune code that lost its leading zero (`1001` -> `01001`)."
    ),
    parser=parse_insee_census_families,
    indicators=(
        "families_total",
        "single_parent_families",
        "single_mothers_share_pct",
        "single_fathers_share_pct",
        "couples_with_children_share_pct",
        "couples_no_child_share_pct",
    ),
    period_format="YYYY (census year of the columns, e.g. P22_ → 2022)",
    period_pattern=r"\d{4}",
    dataset=(
        "Base communale « Couples – Familles – Ménages », RP2022, exploitation complémentaire (C22_FAM, "
        "C22_FAMMONO, C22_FMONO, C22_HMONO, C22_COUPAENF, C22_COUPSENF), summed by département by Homeshore"
    ),
    caveats=(
        "Département sums of INSEE's commune base computed by Homeshore (RP2022, exploitation complémentaire, "
        "geography of 1 January 2025): counts rounded to the unit, as INSEE prints département census "
        "counts; each share is 100 × FMONO, HMONO, COUPAENF or COUPSENF / FAM from the unrounded sums, "
        "rounded to 0.1, so it may differ by 0.1 from INSEE's own département tables.",
    ),
    stale_caveats=(
        "The table's footnotes were not seen",
        "Shares are rounded to 0.1",
        "Fill the missing départements from the same 2022 table only",
        "Rows 34, 40 and 43 have no family figures",
    ),
    documented_in=(),
)
