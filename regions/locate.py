"""The one commune locator: each row of a table to a commune of France, or the reason it cannot be.

Methods are tried in this order, each on the cells it needs: ``insee`` (code INSEE), ``postcode_town`` (postcode
+ town), ``postcode`` (postcode alone, when it serves a single commune), ``town`` (town alone, when its name is
unique in France), ``coordinates`` (the commune polygon containing the point; on a border, the lowest code).
A row falls through to the next method when a method has no input or fails. If all fail, the row's reason is
the reason of the FIRST method that had input (the most specific thing the file said); a row with no location
cell at all is ``empty_location``. Town alone is not tried when the row has a postcode known to La Poste: the
town then either matched within it or contradicts it, and a namesake elsewhere in France would be a guess.
Repairs: what ``regions.codes`` repairs (lost leading zeros, ``1400.0``, ``75 001``, ``CEDEX 12``, accents,
case, hyphens, ``St``/``Ste``, old Corsica ``20xxx``, communes déléguées / arrondissements -> their commune),
decimal commas and ``°`` in coordinates. INSEE codes of overseas collectivities and foreign countries
(``975``, ``977``, ``978``, ``98x``, ``99x``) are ``outside_france``, as are Monaco and collectivity postcodes.
Every reason is a stable code of :data:`REASONS`, labelled in French (:data:`REASON_LABELS`) and English
(:data:`REASON_LABELS_EN`): :func:`reason_label` gives it in the user's language.

:func:`locate` is vectorised: every scalar function of ``regions.codes`` is called once per DISTINCT value
(``pd.factorize``), or per distinct (postcode, town) pair, never per row; points are placed with one spatial
index query (:func:`commune_at`). Cell values are never logged.

Used by the applicant files (``regions.applicants``). The user's sites (``regions.sites``) share the cell reader
(:func:`cell_text`), the coordinate reader (:func:`degrees`) and the point-in-commune query (:func:`commune_at`);
they keep their own order (coordinates first: a site is placed where the user says) and messages naming the value.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely

from regions import codes, errors, geo

#: The fields a row can be located by (each the name of a column, or absent).
LOCATION_FIELDS: Final[tuple[str, ...]] = ("insee", "postcode", "town", "lat", "lon")

#: Match methods, in the order they are tried.
METHODS: Final[tuple[str, ...]] = ("insee", "postcode_town", "postcode", "town", "coordinates")
METHOD_LABELS: Final[dict[str, str]] = {
    "insee": "code INSEE",
    "postcode_town": "code postal + commune",
    "postcode": "code postal seul, une seule commune",
    "town": "commune seule, nom unique",
    "coordinates": "coordonnées",
}
METHOD_LABELS_EN: Final[dict[str, str]] = {
    "insee": "INSEE code",
    "postcode_town": "postcode + town",
    "postcode": "postcode alone, a single commune",
    "town": "town alone, unique name",
    "coordinates": "coordinates",
}

#: Reasons a row is unmatched (stable machine codes), with their labels.
REASON_LABELS: Final[dict[str, str]] = {
    "empty_location": "localisation vide",
    "insee_malformed": "code INSEE mal formé (5 caractères attendus, par ex. 01001 ou 2A004)",
    "insee_unknown": "code INSEE inconnu",
    "postcode_malformed": "code postal mal formé (5 chiffres attendus, par ex. 01400)",
    "postcode_unknown": "code postal inconnu",
    "postcode_ambiguous": "code postal desservant plusieurs communes, sans commune pour trancher",
    "town_not_in_postcode": "commune absente de ce code postal",
    "town_unknown": "commune inconnue (aucune commune de ce nom)",
    "town_ambiguous": "plusieurs communes portent ce nom, sans code postal pour trancher",
    "outside_france": "hors des départements français (Monaco, collectivités d'outre-mer, étranger)",
    "coordinates_unreadable": "coordonnées illisibles ou incomplètes",
    "coordinates_outside": "coordonnées hors de toute commune",
}
REASON_LABELS_EN: Final[dict[str, str]] = {
    "empty_location": "no location",
    "insee_malformed": "malformed INSEE code (5 characters expected, e.g. 01001 or 2A004)",
    "insee_unknown": "unknown INSEE code",
    "postcode_malformed": "malformed postcode (5 digits expected, e.g. 01400)",
    "postcode_unknown": "unknown postcode",
    "postcode_ambiguous": "postcode serving several communes, no town to decide",
    "town_not_in_postcode": "town not served by this postcode",
    "town_unknown": "unknown town (no commune of that name)",
    "town_ambiguous": "several communes have this name, no postcode to decide",
    "outside_france": "outside the French départements (Monaco, overseas collectivities, abroad)",
    "coordinates_unreadable": "unreadable or incomplete coordinates",
    "coordinates_outside": "coordinates in no commune",
}
REASONS: Final[tuple[str, ...]] = tuple(REASON_LABELS)


def reason_label(reason: str, language: str = "fr") -> str:
    """The label of a reason code in ``language`` (``"fr"`` or ``"en"``; French otherwise)."""
    return errors.pick({"fr": REASON_LABELS[reason], "en": REASON_LABELS_EN[reason]}, language)


def method_label(method: str, language: str = "fr") -> str:
    """The label of a method code in ``language`` (``"fr"`` or ``"en"``; French otherwise)."""
    return errors.pick({"fr": METHOD_LABELS[method], "en": METHOD_LABELS_EN[method]}, language)


#: INSEE codes of overseas collectivities (975, 977, 978, 98x) and of foreign countries (99xxx but 99100, France).
_OUTSIDE_INSEE: Final[re.Pattern[str]] = re.compile(r"^(?:97[578]\d\d|98\d{3}|99(?!100)\d{3})$")
_DEGREES: Final[re.Pattern[str]] = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)°?$")
_PLAIN_DEGREES: Final[str] = r"-?[0-9]{1,3}(?:[.,][0-9]{1,12})?"  # what :func:`degrees` reads as is, in Arrow
_BLANKS: Final[re.Pattern[str]] = re.compile(r"[\s\u00a0\u202f]+")
_CEDEX_ONLY: Final[re.Pattern[str]] = re.compile(r"^(?:cedex(?: \d{1,3})?)?$")
_NO_INPUT: Final[int] = np.iinfo(np.int32).min  # outcome of a row a method cannot try

IntArray = npt.NDArray[np.int64]
#: Communes found for a distinct value (positions in ``communes()``), or the (negative) reason of a failure.
Found = tuple[int, ...] | int
_T = TypeVar("_T")


# --- the locator --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Located:
    """Where each row of a table is: ``commune``, its commune's position in :func:`communes` (-1: not located);
    ``method``, the index in :data:`METHODS` of the method that located it (-1: none); ``reason``, the index in
    :data:`REASONS` of why it is not located (-1: located)."""

    commune: IntArray
    method: IntArray
    reason: IntArray

    def __post_init__(self) -> None:
        if not len(self.commune) == len(self.method) == len(self.reason):
            raise ValueError("`commune`, `method` and `reason` must have one item per row")


def locate(table: pd.DataFrame, columns: Mapping[str, str | None]) -> Located:
    """Locate every row of ``table`` in a commune, or say why it cannot be (see the module docstring).

    ``columns``: each of :data:`LOCATION_FIELDS` -> the column of ``table`` that holds it (absent or ``None``: not
    in the table). Each method is solved only for the rows still unmatched, once per distinct value among them.
    """
    unknown = sorted(set(columns) - set(LOCATION_FIELDS))
    if unknown:
        raise ValueError(f"`columns` has fields {unknown} but is expected to use only {list(LOCATION_FIELDS)}")
    mapping = {name: columns.get(name) for name in LOCATION_FIELDS}
    insee = _Distinct.of(table, mapping["insee"])
    postcode = _postcode_keys(_Distinct.of(table, mapping["postcode"]))
    town = _town_keys(_Distinct.of(table, mapping["town"]))
    lat, lon = _Distinct.of(table, mapping["lat"]), _Distinct.of(table, mapping["lon"])
    state = _Outcomes.empty(len(table))
    state.record("insee", _per_row(insee, state.pending, _insee_outcome))
    served = _per_distinct(postcode, state.pending, _postcode_served)
    named: dict[int, tuple[int, ...]] = {}  # town id -> communes of that name in France, filled when needed
    state.record("postcode_town", _by_postcode_and_town(postcode, served, town, named, state.pending))
    by_postcode = _rows(postcode.ids, _outcomes(served, several="postcode_ambiguous", none="postcode_unknown"))
    state.record("postcode", np.where(state.pending, by_postcode, _NO_INPUT))
    alone = state.pending & ~((postcode.ids >= 0) & ~np.isin(by_postcode, _POSTCODE_FAILURES))  # no known postcode
    homonyms: list[tuple[int, ...] | None] = [None] * len(town.texts)
    for i in _met(town, alone):
        homonyms[i] = _named(town, named, i)
    by_town = _rows(town.ids, _outcomes(homonyms, several="town_ambiguous", none="town_unknown"))
    state.record("town", np.where(alone, by_town, _NO_INPUT))
    state.record("coordinates", _by_coordinates(lat, lon, state.pending))
    return Located(*state.finish())


@dataclass(frozen=True)
class _Outcomes:
    """Per row: commune position (-1: none yet), method index, reason index of the first method that had input."""

    commune: IntArray
    method: IntArray
    reason: IntArray

    @classmethod
    def empty(cls, n_rows: int) -> _Outcomes:
        return cls(*(np.full(n_rows, -1, dtype=np.int64) for _ in range(3)))

    @property
    def pending(self) -> npt.NDArray[np.bool_]:
        return self.commune < 0

    def record(self, method: str, outcome: IntArray) -> None:
        """First success wins; a failure counts only if no earlier method had input."""
        success = self.pending & (outcome >= 0)
        self.commune[success] = outcome[success]
        self.method[success] = METHODS.index(method)
        failure = (self.reason < 0) & (outcome < 0) & (outcome != _NO_INPUT)
        self.reason[failure] = -outcome[failure] - 1

    def finish(self) -> tuple[IntArray, IntArray, IntArray]:
        self.reason[self.reason < 0] = REASONS.index("empty_location")
        self.reason[self.commune >= 0] = -1
        return self.commune, self.method, self.reason


@dataclass(frozen=True)
class _Distinct:
    """A column as ids into its distinct non-empty keys (-1: empty cell)."""

    ids: IntArray
    texts: list[str]

    @classmethod
    def of(cls, table: pd.DataFrame, column: str | None) -> _Distinct:
        if column is None:
            return cls(np.full(len(table), -1, dtype=np.int64), [])
        ids, uniques = pd.factorize(table[column], use_na_sentinel=True)
        if isinstance(uniques.dtype, pd.StringDtype):  # text already: strip in one vectorised call
            texts = pd.Series(uniques, dtype=uniques.dtype).str.strip().tolist()
        else:
            texts = [cell_text(value) for value in uniques]
        distinct = cls(np.asarray(ids, dtype=np.int64), texts)
        return distinct if "" not in texts and len(set(texts)) == len(texts) else _rekey(distinct, texts)


def _rekey(column: _Distinct, keys: Sequence[str]) -> _Distinct:
    """Replace the distinct values of ``column`` by ``keys`` (one per value): equal keys merge, empty ones -> -1."""
    remap, distinct = pd.factorize(np.asarray(keys, dtype=object))  # in order of first appearance
    texts = [str(key) for key in distinct]
    if "" in texts:  # the empty key -> -1, the others shift down
        empty = texts.index("")
        remap = np.where(remap == empty, -1, remap - (remap > empty))
        del texts[empty]
    return _Distinct(_take(np.asarray(remap, dtype=np.int64), column.ids), texts)


def _take(values: IntArray, ids: IntArray, missing: int = -1) -> IntArray:
    """``values[ids]``, with ``missing`` where ``ids`` is -1."""
    if len(values) == 0:
        return np.full(len(ids), missing, dtype=np.int64)
    return np.where(ids >= 0, values[np.maximum(ids, 0)], missing).astype(np.int64)


def _rows(ids: IntArray, per_value: IntArray) -> IntArray:
    """Per-row outcomes from per-value outcomes; an empty cell is ``_NO_INPUT``."""
    return _take(per_value, ids, _NO_INPUT)


def _met(column: _Distinct, rows: npt.NDArray[np.bool_]) -> list[int]:
    """The distinct values met in ``rows``, by id (a count per id: no sort)."""
    ids = column.ids[rows & (column.ids >= 0)]
    return np.flatnonzero(np.bincount(ids, minlength=len(column.texts))).tolist()


def _per_distinct(column: _Distinct, rows: npt.NDArray[np.bool_], step: Callable[[str], _T]) -> list[_T | None]:
    """Call a scalar step once per distinct value met in ``rows`` (``None`` for the values not met)."""
    out: list[_T | None] = [None] * len(column.texts)
    for i in _met(column, rows):
        out[i] = step(column.texts[i])
    return out


def _per_row(column: _Distinct, rows: npt.NDArray[np.bool_], outcome: Callable[[str], int]) -> IntArray:
    """Outcome of each row in ``rows`` from its cell's distinct value (``_NO_INPUT`` elsewhere)."""
    per_value = [_NO_INPUT if value is None else value for value in _per_distinct(column, rows, outcome)]
    return np.where(rows, _rows(column.ids, np.array(per_value, dtype=np.int64)), _NO_INPUT)


def _outcomes(found: Sequence[Found | None], *, several: str, none: str) -> IntArray:
    """Per distinct value: its single commune, else the reason ``several`` or ``none`` (or the value's own)."""
    out = np.full(len(found), _NO_INPUT, dtype=np.int64)
    for i, communes in enumerate(found):
        if isinstance(communes, int):
            out[i] = communes
        elif communes is not None:
            out[i] = communes[0] if len(communes) == 1 else _reason(several if communes else none)
    return out


def cell_text(value: object) -> str:
    """A cell as stripped text (missing -> ``""``; whole floats lose ``.0``)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float | np.floating):
        number = float(value)
        if not np.isfinite(number):
            return ""
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)
    return str(value).strip()


def _reason(code: str) -> int:
    """The (negative) outcome of a failure: -1 - index of the reason."""
    return -REASONS.index(code) - 1


@functools.cache
def _commune_layer() -> gpd.GeoDataFrame:
    """The commune layer sorted by code (so that the lowest position is the lowest code)."""
    return geo.communes().sort_values("code").reset_index(drop=True)


@functools.cache
def communes() -> pd.DataFrame:
    """Communes (COM) by code: ``code``, ``name``, ``dep_code``, ``reg_code``, ``population``, ``lat``, ``lon``."""
    table = pd.DataFrame(_commune_layer()[["code", "name", "dep_code", "reg_code", "population"]])
    points = geo.commune_points().set_index("code")
    table["lat"] = table["code"].map(points["lat"])
    table["lon"] = table["code"].map(points["lon"])
    return table


@functools.cache
def _commune_positions() -> dict[str, int]:
    return {code: position for position, code in enumerate(communes()["code"].tolist())}


def _position(code: str) -> int:
    return _commune_positions().get(code, _reason("insee_unknown"))


def _insee_outcome(text: str) -> int:
    position = _commune_positions().get(text)
    if position is not None:  # a commune's own code: what normalising it gives
        return position
    try:
        return _position(codes.normalise_commune(text))
    except codes.CodeError as error:
        if error.reason == "malformed":
            return _reason("insee_malformed")
        outside = _OUTSIDE_INSEE.match(text.strip().upper())
        return _reason("outside_france" if outside else "insee_unknown")  # ambiguous_corsica: none in COG 2025


_POSTCODE_REASONS: Final[dict[str, str]] = {
    "malformed": "postcode_malformed",
    "unknown": "postcode_unknown",
    "outside_france": "outside_france",
}
_POSTCODE_FAILURES: Final[IntArray] = np.array([_reason(code) for code in _POSTCODE_REASONS.values()], dtype=np.int64)
_MALFORMED_MARK: Final[str] = "\x00"  # prefix of a malformed postcode's key: cannot collide with a postcode


def _postcode_keys(postcode: _Distinct) -> _Distinct:
    """Distinct values replaced by their normalised postcode (a malformed one keeps its text, marked)."""
    keys = []
    for text in postcode.texts:
        try:
            keys.append(codes.normalise_postcode(text))
        except codes.CodeError:
            keys.append(_MALFORMED_MARK + text)
    return _rekey(postcode, keys)


def _postcode_served(postcode: str) -> Found:
    """Positions of the communes a normalised postcode serves, or why it serves none."""
    if postcode.startswith(_MALFORMED_MARK):
        return _reason("postcode_malformed")
    known = _postcode_positions().get(postcode)
    if known:
        return known
    try:
        found = codes.postcode_communes(postcode)
    except codes.CodeError as error:
        return _reason(_POSTCODE_REASONS.get(error.reason, "postcode_unknown"))
    positions = tuple(position for code in found if (position := _position(code)) >= 0)
    return positions or _reason("postcode_unknown")


@functools.cache
def _postcode_positions() -> dict[str, tuple[int, ...]]:
    """Every postcode of La Poste -> the positions of the communes it serves (``codes.postcode_communes``)."""
    served = codes.postcode_table()
    return {postcode: tuple(p for code in found if (p := _position(code)) >= 0) for postcode, found in served.items()}


def _town_keys(town: _Distinct) -> _Distinct:
    """Distinct values replaced by their ``codes.slug``; a town that is only ``CEDEX`` counts as empty."""
    keys = [codes.slug(text) for text in town.texts]
    return _rekey(town, ["" if _CEDEX_ONLY.match(key) else key for key in keys])


def _by_postcode_and_town(
    postcode: _Distinct,
    served: Sequence[Found | None],
    town: _Distinct,
    named: dict[int, tuple[int, ...]],
    rows: npt.NDArray[np.bool_],
) -> IntArray:
    """Postcode + town for ``rows``, solved once per distinct (postcode, town) pair, as
    ``codes.communes_for_postcode`` would.

    Shortcut with the same answer: the communes named ``town`` in France (``codes.find_communes_by_name``, computed
    once per town and needed for the town alone anyway) that the postcode serves, when there are some — both functions
    try the same name keys in the same order, so the first key that names a commune anywhere decides. Otherwise
    ``codes.communes_for_postcode`` is asked (a name known in the postcode under a later key, or not at all).
    """
    both = rows & (postcode.ids >= 0) & (town.ids >= 0)
    out = np.full(len(postcode.ids), _NO_INPUT, dtype=np.int64)
    if not both.any():
        return out
    width = len(town.texts)
    inverse, distinct = pd.factorize(postcode.ids[both] * width + town.ids[both])
    pair_postcode, pair_town = np.divmod(np.asarray(distinct, dtype=np.int64), width)
    solved = np.full(len(distinct), _NO_INPUT, dtype=np.int64)
    own = np.array([_own_failure(served[p]) for p in pair_postcode.tolist()], dtype=np.int64)
    failed = own != _NO_INPUT  # the postcode's own failure decides
    solved[failed] = own[failed]
    common, count = _common_communes(served, pair_postcode, pair_town, ~failed, town, named)
    solved[~failed & (count == 1)] = common[~failed & (count == 1)]
    solved[~failed & (count > 1)] = _reason("town_ambiguous")
    for k in np.flatnonzero(~failed & (count == 0)).tolist():  # not named so in the postcode: the general rule
        solved[k] = _postcode_town_outcome(postcode.texts[pair_postcode[k]], town.texts[pair_town[k]])
    out[both] = solved[inverse]
    return out


def _positions(communes: Found | None) -> tuple[int, ...]:
    return communes if isinstance(communes, tuple) else ()


def _own_failure(communes: Found | None) -> int:
    """The outcome of a pair whose postcode serves no commune (its reason), else ``_NO_INPUT``."""
    if communes is None:
        return _reason("postcode_unknown")
    return communes if isinstance(communes, int) else _NO_INPUT


def _common_communes(
    served: Sequence[Found | None],
    pair_postcode: IntArray,
    pair_town: IntArray,
    wanted: npt.NDArray[np.bool_],
    town: _Distinct,
    named: dict[int, tuple[int, ...]],
) -> tuple[IntArray, IntArray]:
    """Per (postcode, town) pair in ``wanted``: how many communes both serve the postcode and bear the town's name,
    and one of them (the commune, when it is the only one). One join of the pairs' served and named communes,
    not a loop over pairs."""
    pairs = np.flatnonzero(wanted)
    towns = np.unique(pair_town[pairs]).tolist()
    named_rows = [(t, position) for t in towns for position in _named(town, named, t)]
    postcodes = np.unique(pair_postcode[pairs]).tolist()
    served_rows = [(p, position) for p in postcodes for position in _positions(served[p])]
    candidates = pd.DataFrame({"pair": pairs, "p": pair_postcode[pairs], "t": pair_town[pairs]})
    by_name = pd.DataFrame(named_rows, columns=["t", "commune"], dtype=np.int64)
    by_postcode = pd.DataFrame(served_rows, columns=["p", "commune"], dtype=np.int64)
    both = candidates.merge(by_name, on="t").merge(by_postcode, on=["p", "commune"])
    first = both.drop_duplicates("pair")  # the commune when it is the only one (the count says)
    count = np.bincount(both["pair"].to_numpy(dtype=np.int64), minlength=len(pair_postcode)).astype(np.int64)
    common = np.full(len(pair_postcode), -1, dtype=np.int64)
    common[first["pair"].to_numpy(dtype=np.int64)] = first["commune"].to_numpy(dtype=np.int64)
    return common, count


def _named(town: _Distinct, named: dict[int, tuple[int, ...]], town_id: int) -> tuple[int, ...]:
    """The communes named like one distinct town, computed once."""
    if town_id not in named:
        named[town_id] = _town_named(town.texts[town_id])
    return named[town_id]


def _postcode_town_outcome(postcode: str, town: str) -> int:
    try:
        found = codes.communes_for_postcode(postcode, town=town)
    except codes.CodeError as error:
        if error.reason == "town_not_in_postcode":
            return _reason("town_not_in_postcode")
        return _reason(_POSTCODE_REASONS.get(error.reason, "postcode_unknown"))
    return _position(found[0]) if len(found) == 1 else _reason("town_ambiguous")


def _town_named(town: str) -> tuple[int, ...]:
    """Positions of the communes of France named by a town's key (``codes.find_communes_by_key``)."""
    try:
        found = codes.find_communes_by_key(town)
    except codes.CodeError:
        return ()
    return tuple(position for code in found if (position := _position(code)) >= 0)


def degrees(texts: pd.Series) -> npt.NDArray[np.float64]:
    """Decimal degrees (point or comma, optional sign and ``°``, blanks ignored), else NaN."""
    compact = texts.str.replace(_BLANKS, "", regex=True)
    numbers = compact.str.rstrip("°").str.replace(",", ".", regex=False).where(compact.str.fullmatch(_DEGREES))
    return np.asarray(pd.to_numeric(numbers, errors="coerce"), dtype=np.float64)


def _degrees_per_row(column: _Distinct, rows: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Each row's coordinate in degrees, parsed once per distinct text in ``rows`` (NaN: empty or unreadable)."""
    needed = np.asarray(_met(column, rows), dtype=np.int64)
    values = np.full(len(column.texts) + 1, np.nan)  # the trailing NaN is what id -1 (empty cell) reads
    texts = pd.Series([column.texts[i] for i in needed], dtype="str")
    plain = texts.str.fullmatch(_PLAIN_DEGREES).to_numpy(dtype=bool)  # "45.1", "-0,5": no blank, sign or degree
    values[needed[plain]] = pd.to_numeric(texts[plain].str.replace(",", ".", regex=False)).to_numpy(dtype=float)
    values[needed[~plain]] = degrees(texts[~plain].astype(object))
    return np.asarray(values[column.ids], dtype=np.float64)


def _by_coordinates(lat: _Distinct, lon: _Distinct, rows: npt.NDArray[np.bool_]) -> IntArray:
    """``rows`` with a latitude or a longitude: the commune containing the point, one query per distinct point."""
    has_input = rows & ((lat.ids >= 0) | (lon.ids >= 0))
    out = np.full(len(rows), _NO_INPUT, dtype=np.int64)
    if not has_input.any():
        return out
    lat_values, lon_values = _degrees_per_row(lat, has_input), _degrees_per_row(lon, has_input)
    readable = has_input & (np.abs(lat_values) <= 90) & (np.abs(lon_values) <= 180)  # NaN compares False
    out[has_input] = _reason("coordinates_unreadable")
    if readable.any():
        pairs = lat.ids[readable] * (len(lon.texts) + 1) + lon.ids[readable]
        inverse, distinct = pd.factorize(pairs)
        one_per_point = np.empty(len(distinct), dtype=np.int64)
        one_per_point[inverse] = np.flatnonzero(readable)  # any row of each distinct point: they agree
        found = _containing_commune(lat_values[one_per_point], lon_values[one_per_point])
        out[readable] = found[inverse]
    return out


@functools.cache
def _commune_tree() -> tuple[shapely.STRtree, IntArray]:
    """Spatial index of the commune polygons, and the position in ``communes()`` of each indexed polygon."""
    layer = _commune_layer()
    with_geometry = layer.geometry.notna().to_numpy()
    return shapely.STRtree(layer.geometry.to_numpy()[with_geometry]), np.flatnonzero(with_geometry).astype(np.int64)


def _containing_commune(lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]) -> IntArray:
    """Position of the commune containing each point, or the reason ``coordinates_outside``."""
    found = commune_at(lats, lons)
    return np.where(found >= 0, found, _reason("coordinates_outside")).astype(np.int64)


def commune_at(lats: npt.ArrayLike, lons: npt.ArrayLike) -> IntArray:
    """Position in :func:`communes` of the commune containing each point (on a shared border, the lowest code),
    -1 where none does (a latitude beyond ±90 or a longitude beyond ±180, NaN included, is in no commune)."""
    lat_values, lon_values = np.asarray(lats, dtype=np.float64), np.asarray(lons, dtype=np.float64)
    valid = (np.abs(lat_values) <= 90) & (np.abs(lon_values) <= 180)  # NaN compares False
    found = np.full(len(lat_values), -1, dtype=np.int64)
    if not valid.any():
        return found
    tree, positions = _commune_tree()
    points, polygons = tree.query(shapely.points(lon_values[valid], lat_values[valid]), predicate="intersects")
    candidates = positions[polygons]
    order = np.lexsort((candidates, points))  # by point, then lowest position (= lowest code) first
    points, candidates = points[order], candidates[order]
    first = np.unique(points, return_index=True)[1]
    found[np.flatnonzero(valid)[points[first]]] = candidates[first]
    return found
