"""Provenance records and the indicator catalogue of the bundled snapshot.

``data/sources.toml`` holds one record per dataset (producer, title, period, official URL, licence, the
copy actually read, caveats); ``data/catalogue.toml`` one record per indicator (labels, unit, period, dataset,
orientation, kind, how a région value is obtained). Both are validated when first loaded: a missing field or
an unknown dataset raises a ``ValueError`` naming the file, the entry and the field. ``read_indicator_file``
reads a dataset's figures with codes as text and missing values as NaN (never 0).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, Final

import pandas as pd

from regions import settings

SOURCES_FILE: Final[str] = "sources.toml"
CATALOGUE_FILE: Final[str] = "catalogue.toml"

#: ``dataset`` of an indicator computed from other indicators.
DERIVED: Final[str] = "derived"
ORIENTATIONS: Final[tuple[str, ...]] = ("higher", "lower", "neutral")
KINDS: Final[tuple[str, ...]] = ("count", "rate", "share", "ratio", "area")
LANGUAGES: Final[tuple[str, ...]] = ("fr", "en")
#: Région rules; ``weighted_mean:<indicator id>`` is checked separately.
REGION_RULES: Final[tuple[str, ...]] = ("sum", "population_weighted_mean", "recompute")
_WEIGHTED: Final[re.Pattern[str]] = re.compile(r"weighted_mean:(?P<weight>\w+)")

#: Inputs a derived indicator may name besides catalogue ids, with where their provenance lives.
EXTERNAL_INPUTS: Final[dict[str, str]] = {
    "sites": "data/sites.csv: contact-centre sites named in public sources, one source_url per site",
    "hubs": "the operator's own sites (hubs), picked from data/sites.csv or supplied by the user; never bundled",
    "applicants": "the recruiter's applicant file, held in memory for the session (never bundled, never written)",
}

#: Columns of an indicator file that are not figures.
CODE_COLUMN: Final[str] = "code"
SOURCE_URL_COLUMN: Final[str] = "source_url"

_SOURCE_TEXT: Final[tuple[str, ...]] = ("producer", "dataset", "period", "url", "licence", "retrieved_via")
_INDICATOR_TEXT: Final[tuple[str, ...]] = (
    "label_fr",
    "label_en",
    "unit",
    "period",
    "dataset",
    "orientation",
    "kind",
    "region_rule",
    "description_fr",
)


@dataclass(frozen=True)
class Source:
    """Provenance of one dataset; ``file`` is relative to ``DATA_DIR`` (empty for a packaged dataset)."""

    id: str
    producer: str
    dataset: str
    period: str
    url: str
    licence: str
    retrieved_via: str
    file: str
    coverage_note: str
    caveats: tuple[str, ...] = ()
    reference_values: dict[str, float] = field(default_factory=dict, hash=False)
    #: "bundled" (the snapshot shipped in ``data/``), "refreshed" (downloaded by ``regions data refresh``) or
    #: "user" (a file the user imported); ``updated`` is the date of the refresh or import.
    status: str = "bundled"
    updated: str = ""
    #: Folder ``file`` is relative to: empty for ``DATA_DIR``, else the user's snapshot folder.
    base: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator: a column of its dataset's file, or a ``derived`` column with its inputs and method."""

    id: str
    label_fr: str
    label_en: str
    unit: str
    period: str
    dataset: str
    orientation: str
    kind: str
    region_rule: str
    description_fr: str
    derived_from: tuple[str, ...] = ()
    method_fr: str = ""
    #: For a bundled indicator the user completed from a file: the bundled dataset its figures replace.
    replaces: str = ""


STATUSES: Final[tuple[str, ...]] = ("bundled", "refreshed", "user")


def overlay_dir() -> Path:
    """The user's snapshot folder: refreshed and user-supplied datasets that overlay the bundled ones."""
    return settings.user_data_root() / "snapshot"


def _read_toml(name: str, folder: Path | None = None) -> dict[str, Any]:
    path = (folder or settings.DATA_DIR) / name
    if folder is not None and not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _text(entry: dict[str, Any], key: str, where: str, required: bool = True) -> str:
    """Return ``entry[key]`` as text; fail when it is not text, or empty while ``required``."""
    value = entry.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{where}: field {key!r} is missing or empty (got {value!r})")
    return value


def _texts(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    """Return ``entry[key]`` as a tuple of non-empty strings (absent -> empty tuple)."""
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise ValueError(f"{where}: field {key!r} must be a list of non-empty strings (got {values!r})")
    return tuple(values)


def _numbers(entry: dict[str, Any], key: str, where: str) -> dict[str, float]:
    """Return ``entry[key]`` as a ``{label: number}`` mapping (absent -> empty)."""
    values = entry.get(key, {})
    ok = isinstance(values, dict) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values.values()
    )
    if not ok:
        raise ValueError(f"{where}: field {key!r} must be a table of numbers (got {values!r})")
    return {str(k): float(v) for k, v in values.items()}


def _parse_source(source_id: str, entry: dict[str, Any], base: Path | None = None) -> Source:
    where = f"{(base or settings.DATA_DIR) / SOURCES_FILE} [{source_id}]"
    text = {key: _text(entry, key, where) for key in _SOURCE_TEXT}
    status = _text(entry, "status", where, required=False) or ("bundled" if base is None else "refreshed")
    _check_choice(status, STATUSES, where, "status")
    return Source(
        id=source_id,
        **text,
        file=_text(entry, "file", where, required=False),
        coverage_note=_text(entry, "coverage_note", where),
        caveats=_texts(entry, "caveats", where),
        reference_values=_numbers(entry, "reference_values", where),
        status=status,
        updated=_text(entry, "updated", where, required=False),
        base="" if base is None else str(base),
    )


def _check_choice(value: str, allowed: tuple[str, ...], where: str, key: str) -> None:
    if value not in allowed:
        raise ValueError(f"{where}: field {key!r} is {value!r} but is expected to be in {allowed}")


def _parse_indicator(indicator_id: str, entry: dict[str, Any]) -> Indicator:
    where = f"{CATALOGUE_FILE} [{indicator_id}]"
    text = {key: _text(entry, key, where) for key in _INDICATOR_TEXT}
    _check_choice(text["orientation"], ORIENTATIONS, where, "orientation")
    _check_choice(text["kind"], KINDS, where, "kind")
    indicator = Indicator(
        id=indicator_id,
        **text,
        derived_from=_texts(entry, "derived_from", where),
        method_fr=_text(entry, "method_fr", where, required=False),
    )
    if indicator.dataset == DERIVED and not (indicator.derived_from and indicator.method_fr.strip()):
        raise ValueError(f"{where}: a derived indicator needs fields 'derived_from' and 'method_fr'")
    return indicator


def _check_references(catalogue: dict[str, Indicator], sources: dict[str, Source]) -> None:
    """Every dataset, weight column and ``derived_from`` id named in the catalogue must exist."""
    for ind in catalogue.values():
        where = f"{CATALOGUE_FILE} [{ind.id}]"
        if ind.dataset != DERIVED and ind.dataset not in sources:
            raise ValueError(f"{where}: field 'dataset' is {ind.dataset!r}, not a dataset of {SOURCES_FILE}")
        unknown = [dep for dep in ind.derived_from if dep not in catalogue and dep not in EXTERNAL_INPUTS]
        if unknown:
            raise ValueError(f"{where}: field 'derived_from' names unknown indicators {unknown}")
        weighted = _WEIGHTED.fullmatch(ind.region_rule)
        if weighted is None:
            _check_choice(ind.region_rule, REGION_RULES, where, "region_rule")
        elif weighted["weight"] not in catalogue:
            raise ValueError(f"{where}: field 'region_rule' weights by unknown indicator {weighted['weight']!r}")


@cache
def load_sources() -> dict[str, Source]:
    """The dataset records by id: the bundled ``sources.toml``, overlaid dataset by dataset by the user's
    snapshot folder (refreshed or imported datasets). Cached; call :func:`reload` after writing the overlay."""
    bundled = {key: _parse_source(key, entry) for key, entry in _read_toml(SOURCES_FILE).items()}
    folder = overlay_dir()
    overlay = {key: _parse_source(key, entry, folder) for key, entry in _read_toml(SOURCES_FILE, folder).items()}
    return {**bundled, **overlay}


@cache
def load_catalogue() -> dict[str, Indicator]:
    """The indicators by id: the bundled ``catalogue.toml`` plus the user's own indicators, checked against the
    sources (cached; read-only). A user entry may reuse a bundled id only to complete it (:func:`_completion`)."""
    raw = _read_toml(CATALOGUE_FILE)
    catalogue = {ind_id: _parse_indicator(ind_id, entry) for ind_id, entry in raw.items()}
    for ind_id, entry in _read_toml(CATALOGUE_FILE, overlay_dir()).items():
        if ind_id in catalogue:
            catalogue[ind_id] = _completion(catalogue[ind_id], entry)
        else:
            catalogue[ind_id] = _parse_indicator(ind_id, entry)
    _check_references(catalogue, load_sources())
    return catalogue


def _completion(bundled: Indicator, entry: dict[str, Any]) -> Indicator:
    """A bundled indicator whose figures now come from the user's file: same definition (labels, unit,
    orientation, kind, région rule), the user's ``dataset`` and ``period``. The entry names the bundled dataset it
    replaces (``completes``), so an entry left over from another version of the catalogue is refused."""
    where = f"{overlay_dir() / CATALOGUE_FILE} [{bundled.id}]"
    completes = _text(entry, "completes", where, required=False)
    if completes != bundled.dataset:
        raise ValueError(
            f"{where}: {bundled.id!r} is a bundled indicator of dataset {bundled.dataset!r}; a user entry may only "
            f"complete it (field 'completes' = {bundled.dataset!r}, found {completes!r}): rename or remove it"
        )
    return replace(
        bundled, dataset=_text(entry, "dataset", where), period=_text(entry, "period", where), replaces=completes
    )


def reload() -> None:
    """Forget the cached records, after the user's snapshot folder changed."""
    load_sources.cache_clear()
    load_catalogue.cache_clear()


def label(indicator_id: str, lang: str = "fr") -> str:
    """Return the label of an indicator in ``lang`` ("fr" or "en")."""
    _check_choice(lang, LANGUAGES, "label()", "lang")
    catalogue = load_catalogue()
    if indicator_id not in catalogue:
        raise ValueError(f"`indicator_id` was {indicator_id!r} but is expected to be in {sorted(catalogue)}")
    indicator = catalogue[indicator_id]
    return indicator.label_fr if lang == "fr" else indicator.label_en


def read_indicator_file(source: Source) -> pd.DataFrame:
    """Read a dataset's file: ``code`` as text, its indicators as float (empty -> NaN), other columns as text.

    Raises ``ValueError`` if the dataset has no file, a catalogued column is absent or holds a non-number.
    """
    if not source.file:
        raise ValueError(f"{SOURCES_FILE} [{source.id}]: the dataset has no file under {settings.DATA_DIR}")
    path: Path = Path(source.base or settings.DATA_DIR) / source.file
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    numeric = [ind.id for ind in load_catalogue().values() if source.id in (ind.dataset, ind.replaces)]
    missing = [col for col in [CODE_COLUMN, *numeric] if col not in frame.columns]
    if missing:
        raise ValueError(f"{path}: column(s) {missing} absent (catalogue of dataset {source.id!r})")
    for col in numeric:
        cells = frame[col].str.strip()
        values = pd.to_numeric(cells.mask(cells == ""), errors="coerce")
        bad = frame.loc[values.isna() & (cells != ""), CODE_COLUMN].tolist()
        if bad:
            raise ValueError(f"{path}: column {col!r} holds non-numbers in rows {bad}")
        frame[col] = values.astype(float)
    return frame
