"""Provenance records and the indicator catalogue of the bundled snapshot.

``data/sources.toml`` holds one record per dataset (producer, title, period, official URL, licence, the
copy actually read, caveats); ``data/catalogue.toml`` one record per indicator (labels, unit, period, dataset,
orientation, kind, how a région value is obtained). Both are validated when first loaded: a missing field or
an unknown dataset raises a ``ValueError`` naming the file, the entry and the field. ``read_indicator_file``
reads a dataset's figures with codes as text and missing values as NaN (never 0).

The user's datasets (refreshed and imported, held by the workspace database: :mod:`regions.workspace.userdata`;
an old-layout folder :func:`overlay_dir` is migrated there once, see :func:`read_folder`) are read the same way
(:func:`check_overlay`), but a damaged part — a TOML file that does not parse, an entry with a missing or mistyped
field, a reserved or malformed indicator id, figures that are unreadable, lack a column or hold a non-number — never
stops the product: that part is left out (the bundled figures show instead) and :func:`overlay_damage` names it and
the command that repairs it (``regions data remove --id …`` or ``regions data reset``).
"""

from __future__ import annotations

import io
import math
import os
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
#: The readers' texts of each bundled dataset in French and English (``[id.fr]`` / ``[id.en]``), beside sources.toml.
TEXTS_FILE: Final[str] = "sources_texts.toml"
#: The fields of a dataset record a reader sees, translated in ``TEXTS_FILE``.
TRANSLATED: Final[tuple[str, ...]] = ("producer", "dataset", "period", "licence", "coverage_note", "caveats")

#: ``dataset`` of an indicator computed from other indicators.
DERIVED: Final[str] = "derived"
ORIENTATIONS: Final[tuple[str, ...]] = ("higher", "lower", "neutral")
KINDS: Final[tuple[str, ...]] = ("count", "rate", "share", "ratio", "area")
#: How an indicator's figures were obtained: a published figure unchanged, a sum of published figures, published
#: digits read with a decision (run-together counts split), or a calculation. All but "copied" need ``method_fr``.
OBTAINED: Final[tuple[str, ...]] = ("copied", "summed", "reconstructed", "computed")
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

#: Prefix of the datasets a user imported (``user_<indicator id>``).
USER_PREFIX: Final[str] = "user_"
#: What a user's indicator id must look like: it becomes a table column, a TOML key and a file name.
USER_ID_PATTERN: Final[re.Pattern[str]] = re.compile(r"[a-z][a-z0-9_]{1,48}")
#: Ids a user's indicator may not take: the territory table's identity columns, the other columns of figure files
#: and geography layers, and the columns the score adds (``contrib_<id>`` too, by prefix).
RESERVED_IDS: Final[tuple[str, ...]] = (
    "code", "name", "reg_code", "dep_code", "geometry", "source_url",
    "score", "rank", "rank_p05", "rank_p95", "excluded", "excluded_reason", "weight_available_pct",
    "missing_components",
)  # fmt: skip
RESERVED_PREFIXES: Final[tuple[str, ...]] = ("contrib_",)

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
    #: One of :data:`OBTAINED`; a derived indicator is always "computed".
    obtained: str = "copied"
    #: For a bundled indicator the user completed from a file: the bundled dataset its figures replace.
    replaces: str = ""
    #: ``method_fr`` and ``period`` in English (empty: the same in both languages, or not written yet).
    method_en: str = ""
    period_en: str = ""


STATUSES: Final[tuple[str, ...]] = ("bundled", "refreshed", "user")


def overlay_dir() -> Path:
    """The user's snapshot folder of earlier versions (refreshed and user-supplied datasets), migrated into the
    workspace database on first read (:func:`regions.workspace.userdata.migrate_folder`)."""
    return settings.user_data_root() / "snapshot"


def _read_toml(name: str) -> dict[str, Any]:
    with (settings.DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class Damage:
    """A part of the user's folder left out because it is damaged: the file, the entry (``""``: the whole file),
    why, and the indicator whose removal repairs it (``""``: ``regions data reset`` does)."""

    path: Path
    entry: str
    reason: str
    indicator_id: str = ""

    @property
    def repair(self) -> str:
        """The commands that repair it, in French."""
        reset = "`regions data reset` (retire la partie endommagée en la gardant au journal d'audit, rien n'est effacé)"
        if self.indicator_id:
            return f"`regions data remove --id {self.indicator_id}` (puis réimportez votre fichier) ou {reset}"
        return reset

    def message(self) -> str:
        """One French line: the file, the entry, the reason, what is used instead and the repair."""
        where = f"{self.path}" + (f" [{self.entry}]" if self.entry else "")
        return (
            f"données utilisateur endommagées : {where} : {self.reason}. Cette partie est ignorée, les chiffres livrés "
            f"sont utilisés à la place. Pour réparer : {self.repair}"
        )


def user_id_problem(indicator_id: str) -> str:
    """Why ``indicator_id`` cannot name a user's indicator (``""`` when it can)."""
    if not USER_ID_PATTERN.fullmatch(indicator_id):
        return f"identifiant {indicator_id!r} : lettres minuscules, chiffres et _ (2 à 49 caractères, ex. mon_taux)"
    if indicator_id in RESERVED_IDS or indicator_id.startswith(RESERVED_PREFIXES):
        reserved = ", ".join([*RESERVED_IDS, *(f"{p}…" for p in RESERVED_PREFIXES)])
        return f"identifiant {indicator_id!r} réservé (colonnes du tableau : {reserved}) ; choisissez-en un autre"
    return ""


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


def _parse_indicator(indicator_id: str, entry: dict[str, Any], where: str = "") -> Indicator:
    where = where or f"{CATALOGUE_FILE} [{indicator_id}]"
    text = {key: _text(entry, key, where) for key in _INDICATOR_TEXT}
    _check_choice(text["orientation"], ORIENTATIONS, where, "orientation")
    _check_choice(text["kind"], KINDS, where, "kind")
    default = "computed" if text["dataset"] == DERIVED else "copied"
    obtained = _text(entry, "obtained", where, required=False) or default
    _check_choice(obtained, OBTAINED, where, "obtained")
    indicator = Indicator(
        id=indicator_id,
        **text,
        derived_from=_texts(entry, "derived_from", where),
        method_fr=_text(entry, "method_fr", where, required=False),
        method_en=_text(entry, "method_en", where, required=False),
        period_en=_text(entry, "period_en", where, required=False),
        obtained=obtained,
    )
    if indicator.dataset == DERIVED and not (indicator.derived_from and indicator.method_fr.strip()):
        raise ValueError(f"{where}: a derived indicator needs fields 'derived_from' and 'method_fr'")
    if indicator.dataset == DERIVED and obtained != "computed":
        raise ValueError(f"{where}: a derived indicator is 'computed', not {obtained!r} (field 'obtained')")
    if obtained != "copied" and not indicator.method_fr.strip():
        raise ValueError(f"{where}: figures {obtained!r}, not copied: field 'method_fr' must say how")
    return indicator


def _check_references(catalogue: dict[str, Indicator], sources: dict[str, Source]) -> None:
    """Every dataset, weight column and ``derived_from`` id named in the catalogue must exist."""
    for ind in catalogue.values():
        _check_indicator_references(ind, catalogue, sources, f"{CATALOGUE_FILE} [{ind.id}]")


def _check_indicator_references(
    ind: Indicator, catalogue: dict[str, Indicator], sources: dict[str, Source], where: str
) -> None:
    """The dataset, weight column and ``derived_from`` ids one indicator names must exist."""
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
    snapshot folder (refreshed or imported datasets; a damaged one is left out, see :func:`overlay_damage`).
    Cached; call :func:`reload` after writing the overlay."""
    return {**_bundled_sources(), **_overlay().sources}


@cache
def load_catalogue() -> dict[str, Indicator]:
    """The indicators by id: the bundled ``catalogue.toml`` plus the user's own indicators, checked against the
    sources (cached; read-only). A user entry may reuse a bundled id only to complete it (:func:`_completion`)."""
    catalogue = {**bundled_catalogue(), **_overlay().indicators}
    _check_references(catalogue, load_sources())
    return catalogue


def overlay_damage() -> list[Damage]:
    """The damaged parts of the user's folder, left out of :func:`load_sources` and :func:`load_catalogue`."""
    return list(_overlay().damage)


def _bundled_sources() -> dict[str, Source]:
    return {key: _parse_source(key, entry) for key, entry in _read_toml(SOURCES_FILE).items()}


def bundled_catalogue() -> dict[str, Indicator]:
    """The bundled ``catalogue.toml`` alone (a completed indicator's own definition and period)."""
    return {ind_id: _parse_indicator(ind_id, entry) for ind_id, entry in _read_toml(CATALOGUE_FILE).items()}


@dataclass(frozen=True)
class RawOverlay:
    """The user's data as stored, before checking: the entries of ``sources.toml`` and ``catalogue.toml`` by key, the
    figures' text by file name (``None``: read each file from ``folder``), the damage found reading them (a file that
    does not parse), and ``folder``: where they live (a folder, or the label of the workspace database)."""

    folder: Path
    sources: dict[str, Any]
    catalogue: dict[str, Any]
    figures: dict[str, str] | None = None
    damage: tuple[Damage, ...] = ()


@dataclass(frozen=True)
class _Overlay:
    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    damage: tuple[Damage, ...]
    figures: dict[str, str] | None = None


@cache
def _overlay() -> _Overlay:
    """The user's data of the workspace (:mod:`regions.workspace.userdata`), checked entry by entry."""
    if _nothing_stored():
        return _Overlay({}, {}, ())
    from regions.workspace import userdata  # the database layer imports this module

    return check_overlay(userdata.raw_overlay())


#: :data:`regions.workspace.db.DATABASE_URL_ENV` and :data:`~regions.workspace.db.SQLITE_FILE`, named here so that
#: reading the figures on a machine where nothing was ever stored does not load the database layer.
_DATABASE_URL_ENV: Final[str] = "HOMESHORE_DATABASE_URL"
_SQLITE_FILE: Final[str] = "workspace.sqlite3"


def _nothing_stored() -> bool:
    """No database named, no embedded database file and no old folder to migrate: no user data anywhere."""
    if os.environ.get(_DATABASE_URL_ENV, "").strip():
        return False
    root = settings.user_data_root()
    return not (root / _SQLITE_FILE).exists() and not any(root.glob(f"{overlay_dir().name}*"))


def read_folder(folder: Path) -> RawOverlay:
    """The user's data of an old-layout folder (``sources.toml``, ``catalogue.toml``, ``indicators/*.csv``)."""
    damage: list[Damage] = []
    raw_sources = _read_overlay_toml(folder / SOURCES_FILE, damage)
    raw_catalogue = _read_overlay_toml(folder / CATALOGUE_FILE, damage)
    return RawOverlay(folder, raw_sources, raw_catalogue, None, tuple(damage))


def check_overlay(raw: RawOverlay) -> _Overlay:
    """Check the user's data entry by entry, leaving out (and naming) every damaged part."""
    folder = raw.folder
    damage = list(raw.damage)
    raw_sources, raw_catalogue = raw.sources, raw.catalogue
    unreadable = any(item.path == folder / SOURCES_FILE and not item.entry for item in damage)
    bundled = bundled_catalogue()
    columns: dict[str, list[str]] = {}  # dataset -> the indicator columns its file must hold
    for ind in bundled.values():
        columns.setdefault(ind.dataset, []).append(ind.id)
    for ind_id, entry in raw_catalogue.items():
        valid = ind_id in bundled or not user_id_problem(ind_id)  # else named below, as the entry's problem
        if valid and isinstance(entry, dict) and isinstance(entry.get("dataset"), str):
            columns.setdefault(entry["dataset"], []).append(ind_id)
    found: dict[str, Source] = {}
    for key, entry in raw_sources.items():
        fix = key.removeprefix(USER_PREFIX) if key.startswith(USER_PREFIX) else ""
        fix = fix if USER_ID_PATTERN.fullmatch(fix) else ""
        try:
            if not isinstance(entry, dict):
                raise ValueError(f"{folder / SOURCES_FILE} [{key}]: not a table")
            source = _parse_source(key, entry, folder)
            if source.file:
                text = None if raw.figures is None else raw.figures.get(source.file, "")
                _read_figures(folder / source.file, columns.get(key, []), text)
        except (ValueError, OSError) as error:
            path = folder / (str(entry.get("file", "")) or SOURCES_FILE) if isinstance(entry, dict) else folder
            path = path if raw.figures is not None or path.is_file() else folder / SOURCES_FILE
            reason = _reason(error, f"{folder / SOURCES_FILE} [{key}]").removeprefix(f"{path}: ")
            damage.append(Damage(path, key, reason, fix))
            continue
        found[key] = source
    all_sources = {**_bundled_sources(), **found}
    indicators: dict[str, Indicator] = {}
    for ind_id, entry in raw_catalogue.items():
        where = f"{folder / CATALOGUE_FILE} [{ind_id}]"
        dataset = entry.get("dataset", "") if isinstance(entry, dict) else ""
        if dataset not in found and (dataset in raw_sources or (unreadable and dataset.startswith(USER_PREFIX))):
            continue  # its dataset, or the whole sources file, is damaged: already named
        try:
            indicators[ind_id] = _overlay_indicator(ind_id, entry, where, bundled, all_sources)
        except ValueError as error:
            fix = ind_id if USER_ID_PATTERN.fullmatch(ind_id) else ""
            damage.append(Damage(folder / CATALOGUE_FILE, ind_id, _reason(error, where), fix))
    return _Overlay(found, indicators, tuple(damage), raw.figures)


def _overlay_indicator(
    ind_id: str, entry: Any, where: str, bundled: dict[str, Indicator], all_sources: dict[str, Source]
) -> Indicator:
    """One entry of the user's catalogue: a completion of a bundled indicator, or the user's own indicator."""
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: not a table")
    if ind_id in bundled:
        indicator = _completion(bundled[ind_id], entry, where)
    else:
        problem = user_id_problem(ind_id)
        if problem:
            raise ValueError(problem)
        indicator = _parse_indicator(ind_id, entry, where)
        if indicator.dataset == DERIVED:
            raise ValueError(f"{where}: a user's indicator is read from its own file, not derived")
    source = all_sources.get(indicator.dataset)
    if source is None or source.status != "user":
        raise ValueError(f"{where}: field 'dataset' is {indicator.dataset!r}, not a dataset the user imported")
    _check_indicator_references(indicator, {**bundled, ind_id: indicator}, all_sources, where)
    return indicator


def _read_overlay_toml(path: Path, damage: list[Damage]) -> dict[str, Any]:
    """A TOML file of the user's folder; ``{}`` (and the damage named) when it is absent or does not parse."""
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as error:
        damage.append(Damage(path, "", f"fichier illisible ({_reason(error)})"))
        return {}


def _reason(error: Exception, where: str = "") -> str:
    """An error's message on one line, without the ``where: `` it may start with (the damage names it)."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text.removeprefix(f"{where}: ") if where else text


def _completion(bundled: Indicator, entry: dict[str, Any], where: str) -> Indicator:
    """A bundled indicator whose figures now come from the user's file: same definition (labels, unit,
    orientation, kind, région rule), the user's ``dataset`` and ``period``. The entry names the bundled dataset it
    replaces (``completes``), so an entry left over from another version of the catalogue is refused."""
    completes = _text(entry, "completes", where, required=False)
    if completes != bundled.dataset:
        raise ValueError(
            f"{where}: {bundled.id!r} is a bundled indicator of dataset {bundled.dataset!r}; a user entry may only "
            f"complete it (field 'completes' = {bundled.dataset!r}, found {completes!r}): rename or remove it"
        )
    return replace(
        bundled,
        dataset=_text(entry, "dataset", where),
        period=_text(entry, "period", where),
        replaces=completes,
        obtained="copied",  # the user's figures, as supplied: the bundled computation no longer applies
        method_fr="",
    )


def reload() -> None:
    """Forget the cached records, after the user's snapshot folder changed."""
    load_sources.cache_clear()
    load_catalogue.cache_clear()
    _overlay.cache_clear()


@cache
def load_texts() -> dict[str, dict[str, dict[str, Any]]]:
    """``TEXTS_FILE``: dataset id -> language -> translated field -> text (a list of texts for ``caveats``)."""
    with (settings.DATA_DIR / TEXTS_FILE).open("rb") as handle:
        return tomllib.load(handle)


def text(source: Source, field_name: str, lang: str = "fr") -> Any:
    """A dataset's ``field_name`` (one of :data:`TRANSLATED`) in ``lang``: its translation for a bundled dataset,
    else the record's own text (a refreshed or imported dataset writes its own record). ``caveats`` is a tuple."""
    _check_choice(field_name, TRANSLATED, "text()", "field_name")
    _check_choice(lang, LANGUAGES, "text()", "lang")
    translated = load_texts().get(source.id, {}).get(lang, {}) if source.status == "bundled" else {}
    value = translated.get(field_name, getattr(source, field_name))
    return tuple(value) if field_name == "caveats" else value


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
    numeric = [ind.id for ind in load_catalogue().values() if source.id in (ind.dataset, ind.replaces)]
    stored = _overlay().figures if source.base else None  # the user's figures, when held by the database
    text = None if stored is None else stored.get(source.file, "")
    return _read_figures(Path(source.base or settings.DATA_DIR) / source.file, numeric, text)


def _read_figures(path: Path, numeric: list[str], text: str | None = None) -> pd.DataFrame:
    """Read a figures file (``text``: its content, held by the database; else read from ``path``): ``code`` as text,
    the ``numeric`` columns as finite floats (empty -> NaN).

    Raises ``ValueError`` naming the file when it is not UTF-8 CSV, a column is absent, a code is repeated or a
    cell holds a non-number or an infinite number."""
    try:
        content = path if text is None else io.StringIO(text)
        frame = pd.read_csv(content, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    missing = [col for col in dict.fromkeys([CODE_COLUMN, *numeric]) if col not in frame.columns]
    if missing:
        raise ValueError(f"{path}: column(s) {missing} absent")
    repeated = frame.loc[frame[CODE_COLUMN].duplicated(), CODE_COLUMN].tolist()
    if repeated:
        raise ValueError(f"{path}: codes {repeated[:5]} appear more than once")
    for col in dict.fromkeys(numeric):
        cells = frame[col].str.strip()
        values = pd.to_numeric(cells.mask(cells == ""), errors="coerce").astype(float)
        bad = frame.loc[values.isna() & (cells != ""), CODE_COLUMN].tolist()
        if bad:
            raise ValueError(f"{path}: column {col!r} holds non-numbers in rows {bad[:5]}")
        infinite = frame.loc[values.map(math.isinf), CODE_COLUMN].tolist()
        if infinite:
            raise ValueError(f"{path}: column {col!r} holds infinite numbers in rows {infinite[:5]}")
        frame[col] = values
    return frame
