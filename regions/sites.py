"""Contact-centre sites: the bundled list (``data/sites.csv``) as a point layer.

Each site was named in a public source (``source_url``) and matched to one INSEE commune by
``scripts/build_sites.py``; a site is placed at its commune's representative point (``location_method`` says
which: the commune's centroid, or a point inside it when the centroid falls outside). Towns that match no single
commune are kept with ``matched = False`` and the reason in ``match_note``; they have no coordinates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final, NamedTuple

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from regions import codes, geo, locate, settings, tabular
from regions.formatting import Lang

SITES_FILE = "sites.csv"

#: Columns of ``data/sites.csv``, in order.
COLUMNS = [
    "site_id",
    "operator",
    "site_name",
    "commune_as_published",
    "dep_code",
    "year",
    "source_url",
    "matched",
    "match_note",
    "commune_code",
    "commune_name",
    "lat",
    "lon",
    "location_method",
]

_TEXT = ["site_id", "operator", "site_name", "commune_as_published", "dep_code", "year", "source_url",
         "match_note", "commune_code", "commune_name", "location_method"]  # fmt: skip


def load_sites(include_unmatched: bool = False) -> gpd.GeoDataFrame:
    """The bundled contact-centre sites as WGS84 points (unmatched ones, without geometry, on request)."""
    frame = _read().copy()
    if not include_unmatched:
        frame = frame[frame["matched"]].reset_index(drop=True)
    points = gpd.points_from_xy(frame["lon"], frame["lat"], crs=settings.CRS_WGS84)
    geometry = gpd.GeoSeries(points, index=frame.index).where(frame["matched"], None)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=settings.CRS_WGS84)


@cache
def _read() -> pd.DataFrame:
    path = settings.DATA_DIR / SITES_FILE
    frame = pd.read_csv(path, dtype=dict.fromkeys(_TEXT, str), keep_default_na=False, na_values={"lat": "", "lon": ""})
    missing = sorted(set(COLUMNS) - set(frame.columns))
    if missing:
        raise ValueError(f"{path}: columns {missing} are missing; rebuild it with scripts/build_sites.py")
    frame["matched"] = frame["matched"].astype(str).str.lower().eq("true")
    return frame[COLUMNS]


# --- access to the nearest site --------------------------------------------------------------------------------

EARTH_RADIUS_KM: Final[float] = settings.EARTH_RADIUS_KM


def road_network(dep_codes: pd.Series) -> pd.Series:
    """Road network of each département: ``"continent"``, or Corsica / the overseas département's own."""
    return dep_codes.map(settings.ROAD_NETWORKS).fillna("continent")


def great_circle_km(lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike) -> np.ndarray:
    """Haversine distances in km, broadcast over the inputs (degrees)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=float)


def travel_minutes(km: np.ndarray | pd.Series) -> np.ndarray:
    """Estimated travel time: great-circle km x ``ROAD_DETOUR_FACTOR`` / ``AVERAGE_ROAD_SPEED_KMH``, in minutes."""
    return np.asarray(km, dtype=float) * settings.ROAD_DETOUR_FACTOR / settings.AVERAGE_ROAD_SPEED_KMH * 60


def site_access(origins: pd.DataFrame, site_points: gpd.GeoDataFrame) -> pd.DataFrame:
    """Access of each origin to the sites.

    ``origins``: ``code``, ``dep_code`` (for its road network), ``lat``, ``lon`` (e.g. population-weighted centres).
    Returns, by ``code``: ``nearest_site_km`` (great circle), ``nearest_site_travel_min`` (estimate; missing when no
    site shares the origin's road network), ``nearest_site_id`` and ``sites_within_60min`` (sites reachable by road
    within ``NEARBY_SITE_MINUTES``).
    """
    located, road_km = _road_km(origins, site_points)
    out = pd.DataFrame(index=pd.Index(origins["code"], name="code"))
    has_sites = road_km.shape[1] > 0
    nearest = road_km.argmin(axis=1) if has_sites else np.zeros(len(origins), dtype=int)
    best = road_km.min(axis=1) if has_sites else np.full(len(origins), np.inf)
    reachable = np.isfinite(best)
    out["nearest_site_km"] = np.where(reachable, best, np.nan)
    out["nearest_site_travel_min"] = travel_minutes(out["nearest_site_km"])
    out["nearest_site_id"] = np.where(reachable, located["site_id"].to_numpy()[nearest] if has_sites else "", "")
    within = travel_minutes(road_km) <= settings.NEARBY_SITE_MINUTES
    out["sites_within_60min"] = within.sum(axis=1).astype(float)
    return out


def _road_km(origins: pd.DataFrame, site_points: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """The located sites, and the great-circle km from each origin (rows) to each of them (columns), ``inf`` where
    the site is on another road network (Corsica, overseas)."""
    located = site_points[site_points.geometry.notna()]
    km = great_circle_km(
        origins["lat"].to_numpy()[:, None],
        origins["lon"].to_numpy()[:, None],
        located.geometry.y.to_numpy()[None, :],
        located.geometry.x.to_numpy()[None, :],
    )
    same = (
        road_network(origins["dep_code"]).to_numpy()[:, None] == road_network(located["dep_code"]).to_numpy()[None, :]
    )
    return located, np.where(same & np.isfinite(km), km, np.inf)  # a site or origin without a point: unreachable


def nearest_sites(origin: pd.Series, site_points: gpd.GeoDataFrame, k: int = 3) -> pd.DataFrame:
    """The ``k`` sites nearest to one origin (``lat``, ``lon``, ``dep_code``), with km, estimated minutes and
    whether they share its road network; reachable ones first."""
    located = site_points[site_points.geometry.notna()].copy()
    lat, lon = np.float64(origin["lat"]), np.float64(origin["lon"])
    located["km"] = great_circle_km(lat, lon, located.geometry.y.to_numpy(), located.geometry.x.to_numpy())
    located["by_road"] = road_network(located["dep_code"]) == road_network(pd.Series([origin["dep_code"]])).iloc[0]
    located["travel_min"] = travel_minutes(located["km"]).round()
    located.loc[~located["by_road"], "travel_min"] = np.nan
    ranked = located.sort_values(["by_road", "km"], ascending=[False, True]).head(k)
    return pd.DataFrame(ranked.drop(columns="geometry")).reset_index(drop=True)


# --- sites supplied by the user ---------------------------------------------------------------------------------
# An uploaded file or an edited table of sites is read row by row into the columns of ``load_sites()``, so that the
# user's sites can be concatenated with the bundled ones. Every row ends either located or rejected with a French
# reason: located + rejected = rows read. Text (names, operators) is kept literally; escaping is the UI's job.


#: Fields of a user's sites table and the headers that name them (compared with ``codes.slug``).
SITE_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("nom", "site", "name", "nom du site", "libellé"),
    "town": ("commune", "ville", "town", "city", "localité"),
    "postcode": ("code postal", "cp", "postcode", "zip", "code_postal"),
    "insee": ("code insee", "code commune", "insee", "cog", "code_insee", "insee code"),
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "lon", "lng", "long", "x"),
    "operator": ("opérateur", "operator", "société", "entreprise"),
    "departement": ("département", "departement", "dép", "dep", "code département", "department"),
}

#: The template's headers in English (each one of the ``SITE_FIELDS`` names of its field).
TEMPLATE_HEADERS_EN: tuple[str, ...] = (
    "name",
    "operator",
    "town",
    "postcode",
    "INSEE code",
    "department",
    "latitude",
    "longitude",
)
#: Headers of the template offered to the user (one per field of ``SITE_FIELDS``).
TEMPLATE_HEADERS: tuple[str, ...] = (
    "nom",
    "opérateur",
    "commune",
    "code postal",
    "code INSEE",
    "département",
    "latitude",
    "longitude",
)

USER_OPERATOR = "Site ajouté par l'utilisateur"
USER_SITE_PREFIX = "U"
LOCATED_BY_COORDINATES = "coordonnées fournies"


class _Reason(NamedTuple):
    """Why a row of a user's sites was rejected, in French and in English."""

    fr: str
    en: str

    def but(self, fr: str, en: str) -> _Reason:
        """The reason followed by a detail (``fr`` and ``en`` appended)."""
        return _Reason(self.fr + fr, self.en + en)


REASON_NO_LOCATION = _Reason(
    "aucune localisation (commune, code postal, code INSEE ou coordonnées)",
    "no location (town, postcode, INSEE code or coordinates)",
)
REASON_UNREADABLE_COORDINATES = _Reason("latitude/longitude illisibles", "unreadable latitude/longitude")
REASON_OUTSIDE_COMMUNES = _Reason(
    "coordonnées hors de toute commune française", "coordinates outside every French commune"
)
REASON_SWAPPED_HINT = _Reason(" (latitude et longitude inversées ?)", " (latitude and longitude swapped?)")


@dataclass(frozen=True, eq=False)
class SitesImport:
    """The outcome of reading a user's sites.

    ``located``: the located rows as points, with the columns of :func:`load_sites` (``site_id`` ``U001``…, in input
    order; ``match_note`` names the input line). ``rejected``: the other rows as read, plus ``row`` (line in the
    file, header = line 1) and ``reason`` (in ``lang``). ``rows_read``: rows in the input; located + rejected = rows
    read.
    """

    located: gpd.GeoDataFrame
    rejected: pd.DataFrame
    rows_read: int

    def __post_init__(self) -> None:
        if len(self.located) + len(self.rejected) != self.rows_read:
            raise ValueError(
                f"{len(self.located)} located + {len(self.rejected)} rejected rows != {self.rows_read} rows read"
            )


class _Placed(NamedTuple):
    code: str
    lat: float
    lon: float
    method: str


def sites_template(lang: str = "fr") -> pd.DataFrame:
    """An empty sites table with French headers (``TEMPLATE_HEADERS``; English ones, ``TEMPLATE_HEADERS_EN``, for
    ``lang="en"``), all columns text: a template to download or an editable table. Both are read the same way."""
    headers = TEMPLATE_HEADERS_EN if lang == "en" else TEMPLATE_HEADERS
    return pd.DataFrame({header: pd.Series(dtype=str) for header in headers})


def read_user_sites(
    frame: pd.DataFrame,
    mapping: Mapping[str, str | None] | None = None,
    *,
    line_numbers: Sequence[int] | None = None,
    lang: Lang = "fr",
) -> SitesImport:
    """Locate each row of a user's sites table in a commune.

    ``mapping``: field of ``SITE_FIELDS`` -> column of ``frame`` (or ``None``); by default guessed from the headers
    with ``tabular.match_columns``. ``line_numbers``: the line of each row in the file (``ReadResult.line_numbers``);
    by default the spreadsheet convention, header = line 1 and row *i* (from 0) on line *i* + 2. ``lang``: the
    language of the rejected rows' reasons.

    Each row is located by the first of these it fills: coordinates (the commune containing the point);
    INSEE code; postcode, with the town if given; town, with the département if given. A located row keeps the
    given coordinates, or takes its commune's point (``geo.commune_points``). Anything else is rejected with why.
    Cells, coordinates and the point-in-commune query are the commune locator's (``regions.locate``); the order
    (coordinates first: a site stands where the user says), the town + département step and the messages naming
    the value are the sites' own.
    """
    if mapping is None:
        mapping = tabular.match_columns([str(column) for column in frame.columns], SITE_FIELDS)
    columns = _site_mapping(frame, mapping)
    n_rows = len(frame)
    lines = list(range(2, n_rows + 2)) if line_numbers is None else [int(line) for line in line_numbers]
    if len(lines) != n_rows:
        raise ValueError(f"`line_numbers` has {len(lines)} items but the frame has {n_rows} rows")
    cells = {name: _text_cells(frame, column) for name, column in columns.items()}
    outcomes: list[_Placed | _Reason | None] = [None] * n_rows
    with_coordinates = [i for i in range(n_rows) if cells["lat"][i] or cells["lon"][i]]
    if n_rows:
        communes = geo.communes()
        _place_by_coordinates(with_coordinates, cells, outcomes)
        table = geo.commune_points()
        points = dict(
            zip(table["code"], zip(table["lat"], table["lon"], table["location_method"], strict=True), strict=True)
        )
        names = dict(zip(communes["code"], communes["name"], strict=True))
        deps = dict(zip(communes["code"], communes["dep_code"], strict=True))
        for i in range(n_rows):
            if outcomes[i] is None:
                outcomes[i] = _place_by_codes({name: values[i] for name, values in cells.items()}, points, names)
    else:
        names, deps = {}, {}
    if any(outcome is None for outcome in outcomes):
        raise AssertionError("a row was neither located nor rejected")
    located = _located_frame(outcomes, cells, lines, names, deps)
    rejected = _rejected_frame(frame, outcomes, lines, lang)
    return SitesImport(located=located, rejected=rejected, rows_read=n_rows)


def _site_mapping(frame: pd.DataFrame, mapping: Mapping[str, str | None]) -> dict[str, str | None]:
    """Every field of ``SITE_FIELDS`` -> a column of ``frame`` or ``None``; unknown fields or columns raise."""
    unknown = sorted(set(mapping) - set(SITE_FIELDS))
    if unknown:
        raise ValueError(f"`mapping` has fields {unknown} but is expected to use only {list(SITE_FIELDS)}")
    present = {str(column) for column in frame.columns}
    for name, column in mapping.items():
        if column is not None and str(column) not in present:
            raise ValueError(f"`mapping[{name!r}]` was {column!r} but the table's columns are {sorted(present)}")
    return {name: mapping.get(name) for name in SITE_FIELDS}


def _text_cells(frame: pd.DataFrame, column: str | None) -> list[str]:
    """The cells of one column as stripped text (missing -> ``""``; whole floats lose ``.0``)."""
    if column is None:
        return [""] * len(frame)
    position = [str(name) for name in frame.columns].index(column)
    return [locate.cell_text(value) for value in frame.iloc[:, position].tolist()]


def _place_by_coordinates(
    rows: list[int], cells: Mapping[str, list[str]], outcomes: list[_Placed | _Reason | None]
) -> None:
    """Rows with coordinates: the commune containing each point (``locate.commune_at``: one spatial-index query)."""
    if not rows:
        return
    lats = locate.degrees(pd.Series([cells["lat"][i] for i in rows], dtype=object))
    lons = locate.degrees(pd.Series([cells["lon"][i] for i in rows], dtype=object))
    readable = ~np.isnan(lats) & ~np.isnan(lons)
    for i in np.asarray(rows)[~readable]:
        cells_read = f"« {cells['lat'][i]} » ; « {cells['lon'][i]} »"
        outcomes[int(i)] = REASON_UNREADABLE_COORDINATES.but(f" ({cells_read})", f" ({cells_read})")
    if not readable.any():
        return
    index, lats, lons = np.asarray(rows)[readable], lats[readable], lons[readable]
    found, swapped = locate.commune_at(lats, lons), locate.commune_at(lons, lats)
    commune_codes = locate.communes()["code"].to_numpy()
    for i, lat, lon, position, position_if_swapped in zip(index, lats, lons, found, swapped, strict=True):
        if position >= 0:
            outcomes[int(i)] = _Placed(str(commune_codes[position]), float(lat), float(lon), LOCATED_BY_COORDINATES)
        elif position_if_swapped >= 0:
            outcomes[int(i)] = REASON_OUTSIDE_COMMUNES.but(*REASON_SWAPPED_HINT)
        else:
            outcomes[int(i)] = REASON_OUTSIDE_COMMUNES


_Points = Mapping[str, tuple[float, float, str]]  # commune code -> lat, lon, location method


def _place_by_codes(row: Mapping[str, str], points: _Points, names: Mapping[str, str]) -> _Placed | _Reason:
    """A row without coordinates: INSEE code, else postcode (+ town), else town (+ département)."""
    try:
        if row["insee"]:
            return _commune_point(codes.normalise_commune(row["insee"]), points, names)
        if row["postcode"]:
            found = codes.communes_for_postcode(row["postcode"], town=row["town"] or None)
            if len(found) > 1:
                postcode = codes.normalise_postcode(row["postcode"])
                return _Reason(
                    f"code postal {postcode} : {len(found)} communes possibles, précisez la commune",
                    f"postcode {postcode}: {len(found)} possible communes, give the town",
                )
            return _commune_point(found[0], points, names)
        if row["town"]:
            found = codes.find_communes_by_name(row["town"], dep_code=row["departement"] or None)
            if not found:
                where = f" (département {row['departement']})" if row["departement"] else ""
                return _Reason(f"commune inconnue : {row['town']}{where}", f"unknown town: {row['town']}{where}")
            if len(found) > 1:
                return _Reason(
                    f"commune « {row['town']} » : {len(found)} communes portent ce nom, "
                    "précisez le code postal ou le département",
                    f"town “{row['town']}”: {len(found)} communes have this name, give the postcode or the département",
                )
            return _commune_point(found[0], points, names)
    except codes.CodeError as error:
        return _code_problem(error, row, names)
    return REASON_NO_LOCATION


def _commune_point(code: str, points: _Points, names: Mapping[str, str]) -> _Placed | _Reason:
    if code not in points:
        commune = f"{code} ({names.get(code, '?')})"
        return _Reason(
            f"commune {commune} sans contour géographique : indiquez ses coordonnées",
            f"commune {commune} has no boundary: give its coordinates",
        )
    lat, lon, method = points[code]
    return _Placed(code, float(lat), float(lon), str(method))


def _code_problem(error: codes.CodeError, row: Mapping[str, str], names: Mapping[str, str]) -> _Reason:
    """The reason for a ``codes.CodeError`` (chosen by its ``kind`` and ``reason``)."""
    value = str(error.value).strip()
    if error.reason == "town_not_in_postcode":
        postcode = codes.normalise_postcode(row["postcode"])
        served = codes.communes_for_postcode(postcode)
        listed = ", ".join(names.get(code, code) for code in served[:5]) + (", …" if len(served) > 5 else "")
        return _Reason(
            f"commune « {value} » absente du code postal {postcode} (communes de ce code : {listed})",
            f"town “{value}” not served by postcode {postcode} (its communes: {listed})",
        )
    french = {
        ("commune", "malformed"): f"code INSEE mal formé : {value} (5 caractères attendus, par ex. 01001 ou 2A004)",
        ("commune", "unknown"): f"code INSEE inconnu : {value}",
        ("commune", "ambiguous_corsica"): (
            f"code INSEE {value} ambigu : ancien code de la Corse, précisez 2A (Corse-du-Sud) ou 2B (Haute-Corse)"
        ),
        ("postcode", "malformed"): f"code postal mal formé : {value} (5 chiffres attendus, par ex. 01400)",
        ("postcode", "unknown"): f"code postal inconnu : {value}",
        ("postcode", "outside_france"): f"code postal hors des départements français : {value}",
        ("commune name", "empty"): f"commune inconnue : {value}",
        ("département", "unknown"): f"département inconnu : {value}",
        ("département", "ambiguous_corsica"): f"département {value} ambigu : précisez 2A ou 2B",
    }
    english = {
        ("commune", "malformed"): f"malformed INSEE code: {value} (5 characters expected, e.g. 01001 or 2A004)",
        ("commune", "unknown"): f"unknown INSEE code: {value}",
        ("commune", "ambiguous_corsica"): (
            f"ambiguous INSEE code {value}: former Corsica code, give 2A (Corse-du-Sud) or 2B (Haute-Corse)"
        ),
        ("postcode", "malformed"): f"malformed postcode: {value} (5 digits expected, e.g. 01400)",
        ("postcode", "unknown"): f"unknown postcode: {value}",
        ("postcode", "outside_france"): f"postcode outside the French départements: {value}",
        ("commune name", "empty"): f"unknown town: {value}",
        ("département", "unknown"): f"unknown département: {value}",
        ("département", "ambiguous_corsica"): f"ambiguous département {value}: give 2A or 2B",
    }
    key, other = (error.kind, error.reason), f"{error.kind} {value} : {error}"
    return _Reason(french.get(key, other), english.get(key, other))


def _located_frame(
    outcomes: Sequence[_Placed | _Reason | None],
    cells: Mapping[str, list[str]],
    lines: Sequence[int],
    names: Mapping[str, str],
    deps: Mapping[str, str],
) -> gpd.GeoDataFrame:
    rows = [i for i, outcome in enumerate(outcomes) if isinstance(outcome, _Placed)]
    placed = [outcome for outcome in outcomes if isinstance(outcome, _Placed)]
    width = max(3, len(str(len(rows))))
    commune_codes = [p.code for p in placed]
    columns: dict[str, list[object]] = {
        "site_id": [f"{USER_SITE_PREFIX}{k:0{width}d}" for k in range(1, len(rows) + 1)],
        "operator": [cells["operator"][i] or USER_OPERATOR for i in rows],
        "site_name": [cells["name"][i] for i in rows],
        "commune_as_published": [cells["town"][i] for i in rows],
        "dep_code": [deps[code] for code in commune_codes],
        "year": [""] * len(rows),
        "source_url": [""] * len(rows),
        "matched": [True] * len(rows),
        "match_note": [f"ajouté par l'utilisateur (ligne {lines[i]})" for i in rows],
        "commune_code": list(commune_codes),
        "commune_name": [names.get(code, "") for code in commune_codes],
        "lat": [p.lat for p in placed],
        "lon": [p.lon for p in placed],
        "location_method": [p.method for p in placed],
    }
    table = pd.DataFrame(
        {
            name: pd.Series(values, dtype=bool if name == "matched" else float if name in ("lat", "lon") else str)
            for name, values in columns.items()
        }
    )
    geometry = gpd.points_from_xy(table["lon"], table["lat"], crs=settings.CRS_WGS84)
    return gpd.GeoDataFrame(table[COLUMNS], geometry=geometry, crs=settings.CRS_WGS84)


def _rejected_frame(
    frame: pd.DataFrame, outcomes: Sequence[_Placed | _Reason | None], lines: Sequence[int], lang: Lang
) -> pd.DataFrame:
    reasons = {i: outcome for i, outcome in enumerate(outcomes) if isinstance(outcome, _Reason)}
    positions = list(reasons)
    rejected = frame.iloc[positions].reset_index(drop=True)
    rejected = rejected.rename(columns={c: f"{c} (fichier)" for c in ("row", "reason") if c in rejected.columns})
    rejected["row"] = pd.Series([lines[i] for i in positions], dtype="int64")
    rejected["reason"] = pd.Series([reasons[i].en if lang == "en" else reasons[i].fr for i in positions], dtype=str)
    return rejected


# --- the operator's own sites (hubs) ----------------------------------------------------------------------------
# Two kinds of sites are never confused: the *sector* sites (``load_sites()``: every known contact centre of every
# operator, a measure of how much the sector already recruits somewhere) and the operator's *hubs* (its own sites,
# where its home-based advisers spend the monthly on-site day). Hubs never enter sector presence.


class HubError(ValueError):
    """A hub selection that cannot be honoured (unknown site id or operator); the message is French."""


def select_hubs(
    site_ids: Sequence[str] = (),
    operators: Sequence[str] = (),
    user: gpd.GeoDataFrame | None = None,
) -> gpd.GeoDataFrame:
    """The operator's hubs: bundled sites picked by id (``S012``) or by operator (a case- and accent-insensitive part
    of the operator's name, e.g. ``"Webhelp"``), plus the located rows of a user's own sites
    (``read_user_sites(...).located``). Columns of :func:`load_sites`; each site once, in the order given.

    Unknown ids or operators, or a bundled site with no location, raise :class:`HubError` naming them all.
    """
    bundled = load_sites(include_unmatched=True)
    by_id = bundled.set_index("site_id")
    problems = []
    wanted = [str(i).strip().upper() for i in site_ids if str(i).strip()]
    unknown = [i for i in wanted if i not in by_id.index]
    if unknown:
        problems.append(f"identifiants de site inconnus : {', '.join(unknown)} (ex. {bundled['site_id'].iloc[0]})")
    unplaced = [i for i in wanted if i in by_id.index and not bool(by_id.at[i, "matched"])]
    if unplaced:
        problems.append(f"sites non localisés, inutilisables comme vos sites : {', '.join(unplaced)}")
    for name in operators:
        matches = bundled["operator"].map(codes.slug).str.contains(codes.slug(name), regex=False)
        found = bundled.loc[matches & bundled["matched"], "site_id"].tolist()
        if not found:
            problems.append(f"aucun site localisé de l'opérateur « {name} »")
        wanted += [i for i in found if i not in wanted]
    if problems:
        raise HubError("; ".join(problems))
    picked = bundled[bundled["site_id"].isin(wanted)].set_index("site_id").loc[wanted].reset_index()
    frames = [picked[COLUMNS]]
    if user is not None and len(user):
        frames.append(pd.DataFrame(user[COLUMNS]))
    table = pd.concat(frames, ignore_index=True).drop_duplicates("site_id")
    points = gpd.points_from_xy(table["lon"], table["lat"], crs=settings.CRS_WGS84)
    return gpd.GeoDataFrame(table.reset_index(drop=True), geometry=points, crs=settings.CRS_WGS84)


def travel_matrix(origins: pd.DataFrame, site_points: gpd.GeoDataFrame) -> pd.DataFrame:
    """Estimated travel minutes from each origin (rows, by ``code``) to each located site (columns, by
    ``site_id``); missing (NaN) when the site is on another road network (Corsica, overseas)."""
    located, road_km = _road_km(origins, site_points)
    minutes = np.where(np.isfinite(road_km), travel_minutes(road_km), np.nan)
    return pd.DataFrame(
        minutes, index=pd.Index(origins["code"], name="code"), columns=pd.Index(located["site_id"], name="site_id")
    )


def hub_access(origins: pd.DataFrame, hubs: gpd.GeoDataFrame | None) -> pd.DataFrame:
    """By origin ``code``: ``nearest_hub_travel_min`` (missing when no hub is reachable by road, or none is
    declared) and ``nearest_hub_id`` (``""`` then)."""
    out = pd.DataFrame(index=pd.Index(origins["code"], name="code"))
    matrix = travel_matrix(origins, hubs) if hubs is not None and len(hubs) else None
    if matrix is None or matrix.shape[1] == 0 or matrix.isna().all().all():
        out["nearest_hub_travel_min"] = np.nan
        out["nearest_hub_id"] = ""
        return out
    out["nearest_hub_travel_min"] = matrix.min(axis=1, skipna=True)
    out["nearest_hub_id"] = matrix.fillna(np.inf).idxmin(axis=1).where(out["nearest_hub_travel_min"].notna(), "")
    return out


#: Headers naming a hub's capacity (advisers it can receive on a monthly day) in a user's sites file.
CAPACITY_HEADERS: tuple[str, ...] = ("capacité", "capacite", "capacity", "places", "capacité (conseillers)")


@dataclass(frozen=True, eq=False)
class HubFile:
    """Your sites read from a file: ``hubs`` (located, columns of :func:`load_sites`, ids ``U001``…) and
    ``capacities`` (site id -> advisers per monthly day, for rows that give one)."""

    hubs: gpd.GeoDataFrame
    capacities: dict[str, int]


def read_hubs_file(data: bytes, name: str) -> HubFile:
    """Read your sites from a CSV/XLSX file (the columns of ``TEMPLATE_HEADERS``, plus an optional capacity).

    Every row must be located and every capacity a whole number >= 0: otherwise :class:`HubError` lists each bad
    line and why, so that no site of a plan is dropped silently.
    """
    read = tabular.read_table(data, name)
    imported = read_user_sites(read.frame, line_numbers=read.line_numbers or None)
    problems = [f"ligne {row.row} : {row.reason}" for row in imported.rejected.itertuples()]
    column = tabular.match_columns([str(c) for c in read.frame.columns], {"capacity": CAPACITY_HEADERS})["capacity"]
    capacities: dict[str, int] = {}
    if column is not None and not problems:
        lines = list(read.line_numbers) or list(range(2, len(read.frame) + 2))
        for site_id, cell, line in zip(imported.located["site_id"], read.frame[column], lines, strict=True):
            text = locate.cell_text(cell)
            if not text:
                continue
            if not text.isdigit():
                problems.append(f"ligne {line} : capacité « {text} » illisible (nombre entier attendu)")
                continue
            capacities[str(site_id)] = int(text)
    if problems:
        raise HubError(f"{name} : " + " ; ".join(problems) + " — corrigez ces lignes")
    if not len(imported.located):
        raise HubError(f"{name} : aucun site dans le fichier")
    return HubFile(imported.located, capacities)
