"""A user's own indicator: a CSV/XLSX of codes and values, checked row by row, then added to the catalogue.

The file holds a département code column (or a commune code column, aggregated up to départements with a stated
rule) and a value column. Codes are repaired as elsewhere (``regions.codes``: lost leading zeros, ``2a``, names);
every row ends either kept or rejected with its reason (kept + rejected = rows read). Saved, the indicator is a
dataset of the user's workspace (``regions.snapshot``, in the database) marked as
user-supplied, with the source the user
declared: it then appears in ``regions indicators``, the score (when oriented) and the app.

Nothing a user types can damage the folder: the id must match :data:`sources.USER_ID_PATTERN` and not be one of
:data:`sources.RESERVED_IDS`; every text field (label, unit, period, source, URL, licence) is refused — not
silently cleaned, since it is the declared provenance — when it holds a control character (C0, DEL, C1, line
separators) or undecodable bytes, naming the field. A value that is not a finite number within
:data:`MAX_ABS_VALUE` (``inf``, ``1e309``, ``nan``…) is set aside with its reason, as text is.

Completing a catalogued indicator merges: the file's figures win where it has one, the figures in use (official,
or an earlier import of the user) stay elsewhere, so coverage never drops; :attr:`UserImport.origin` says, per
département, where the figure in use after saving comes from.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from regions import codes, formatting, geo, indicators, snapshot, sources, tabular

if TYPE_CHECKING:  # the database layer is loaded when a file is checked or saved
    from regions.workspace.people import Actor

#: The level of the codes in a user's file (its values are aggregated to départements).
FileLevel = Literal["departement", "commune"]
Aggregation = Literal["sum", "mean", "population_weighted_mean"]

#: Headers that name the code and the value columns (compared with ``codes.slug``).
FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "code departement", "departement", "dep", "code dep", "code commune", "code insee", "codgeo",
             "insee", "commune"),
    "value": ("valeur", "value", "nombre", "effectif", "taux", "part", "indicateur"),
}  # fmt: skip
ID_PATTERN = sources.USER_ID_PATTERN
DATASET_PREFIX = sources.USER_PREFIX
#: Largest magnitude a value may have: beyond it, a figure per département is a typing or export error.
MAX_ABS_VALUE = 1e15
#: The declaration's text fields, with the name the user knows them by (CLI option).
TEXT_FIELDS: dict[str, str] = {
    "label": "--label", "label_en": "label_en", "unit": "--unit", "period": "--period", "source": "--source",
    "url": "--url", "licence": "--licence",
}  # fmt: skip
MAX_TEXT_LENGTH = 500
_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
#: Where a completed indicator's figure comes from after saving (:attr:`UserImport.origin`).
ORIGIN_FILE = "ce fichier"
ORIGIN_PREVIOUS = "votre import précédent"


@dataclass(frozen=True)
class Declaration:
    """What the user says of the indicator: id, labels, unit, orientation, period, source (all required)."""

    indicator_id: str
    label: str
    unit: str
    orientation: str
    period: str
    source: str
    kind: str = "ratio"
    label_en: str = ""
    url: str = ""
    licence: str = "non précisée par l'utilisateur"


@dataclass(frozen=True)
class UserImport:
    """A checked file: one value per département (``figures``: ``code``, ``value``), the rows set aside with
    their reason (``rejected``: ``row``, ``code``, ``value``, ``reason``), and how the file was read."""

    declaration: Declaration
    level: FileLevel
    aggregation: Aggregation | None
    figures: pd.DataFrame
    rejected: pd.DataFrame
    rows_read: int
    kept_rows: int
    #: A completion only: départements with a figure in use before, and per département code where the figure in
    #: use after saving comes from (:data:`ORIGIN_FILE`, :data:`ORIGIN_PREVIOUS`, ``indicators.ORIGIN_OFFICIAL``,
    #: ``""``). ``figures`` then holds the user's rows: this file's, and an earlier import's where the file has none.
    coverage_before: int | None = None
    origin: pd.Series | None = None
    #: The version of the user's figures under this id when the file was checked (0: none): saving is refused if
    #: someone saved them since (:class:`regions.workspace.userdata.StaleDataError`). ``None``: not checked.
    stored_version: int | None = None

    def __post_init__(self) -> None:
        if self.kept_rows + len(self.rejected) != self.rows_read:
            raise ValueError(f"{self.kept_rows} kept + {len(self.rejected)} rejected != {self.rows_read} rows read")

    @property
    def coverage(self) -> int:
        """Départements with a value after saving (for a completion: merged with the figures in use)."""
        if self.origin is not None:
            return int((self.origin != "").sum())
        return int(self.figures["value"].notna().sum())

    def origin_counts(self) -> dict[str, int]:
        """A completion: départements per origin (:data:`ORIGIN_FILE`, :data:`ORIGIN_PREVIOUS`, official)."""
        if self.origin is None:
            return {ORIGIN_FILE: self.coverage}
        counts = self.origin.value_counts()
        return {key: int(counts.get(key, 0)) for key in (ORIGIN_FILE, ORIGIN_PREVIOUS, indicators.ORIGIN_OFFICIAL)}


def check_declaration(declaration: Declaration) -> None:
    """Raise ``ValueError`` naming every problem of the declaration at once."""
    problems: list[str] = []
    existing = sources.load_catalogue().get(declaration.indicator_id)
    if existing is None or existing.id not in sources.bundled_catalogue():
        problems += filter(None, [sources.user_id_problem(declaration.indicator_id)])
    if existing is not None and existing.id in completable_ids():
        problems += _definition_changes(existing, declaration)
    elif existing is not None and existing.dataset != DATASET_PREFIX + declaration.indicator_id:
        problems.append(
            f"identifiant {declaration.indicator_id!r} déjà pris par un indicateur livré qui ne se complète pas depuis "
            "un fichier (géographie ou calcul Homeshore) ; choisissez-en un autre"
        )
    if declaration.orientation not in sources.ORIENTATIONS:
        problems.append(f"orientation {declaration.orientation!r} : attendu higher, lower ou neutral")
    if declaration.kind not in sources.KINDS:
        problems.append(f"nature {declaration.kind!r} : attendu une de {', '.join(sources.KINDS)}")
    for name in ("label", "unit", "period", "source"):
        if not str(getattr(declaration, name)).strip():
            problems.append(f"champ « {name} » obligatoire")
    problems += filter(None, (_text_problem(name, getattr(declaration, name)) for name in TEXT_FIELDS))
    if problems:
        raise ValueError("Indicateur invalide : " + " ; ".join(problems))


def _text_problem(name: str, text: str) -> str:
    """Why the text field ``name`` cannot be stored (``""`` when it can)."""
    where = f"champ « {name} » ({TEXT_FIELDS[name]})"
    bad = _FORBIDDEN.search(text)
    if bad:
        return (
            f"{where} : caractère invisible ou non valide U+{ord(bad[0]):04X} en position {bad.start() + 1} ; "
            "retapez le texte sans caractère de contrôle"
        )
    if len(text) > MAX_TEXT_LENGTH:
        return f"{where} : {len(text)} caractères, au plus {MAX_TEXT_LENGTH}"
    return ""


def completable_ids() -> list[str]:
    """The catalogued official indicators a user may complete from a file: those read from a dataset file (not
    the geography, nor the indicators Homeshore computes), including those already completed."""
    all_sources = sources.load_sources()
    return [
        indicator.id
        for indicator in sources.load_catalogue().values()
        if indicator.replaces
        or (
            indicator.dataset in all_sources
            and not indicator.dataset.startswith(DATASET_PREFIX)
            and bool(all_sources[indicator.dataset].file)
        )
    ]


def completion(
    indicator_id: str, period: str, source: str, *, url: str = "", licence: str = "non précisée par l'utilisateur"
) -> Declaration:
    """The declaration that completes the catalogued indicator ``indicator_id`` from a user's file: its
    definition (labels, unit, orientation, kind) is the catalogue's; the period and source are the user's."""
    if indicator_id not in completable_ids():
        raise ValueError(
            f"`indicator_id` was {indicator_id!r} but is expected to be a catalogued indicator read from a file: "
            f"{completable_ids()}"
        )
    ind = sources.load_catalogue()[indicator_id]
    return Declaration(
        indicator_id, ind.label_fr, ind.unit, ind.orientation, period, source,
        kind=ind.kind, label_en=ind.label_en, url=url, licence=licence,
    )  # fmt: skip


def is_completion(declaration: Declaration) -> bool:
    """Whether ``declaration`` completes a catalogued indicator (rather than adding the user's own)."""
    return declaration.indicator_id in completable_ids()


def _definition_changes(existing: sources.Indicator, declaration: Declaration) -> list[str]:
    """A completion keeps the catalogue's definition: name every field the declaration changes."""
    changed = [
        f"{name} {getattr(declaration, name)!r} (catalogue : {expected!r})"
        for name, expected in (
            ("label", existing.label_fr),
            ("unit", existing.unit),
            ("orientation", existing.orientation),
            ("kind", existing.kind),
        )
        if getattr(declaration, name) != expected
    ]
    if not changed:
        return []
    return [
        f"{existing.id!r} est un indicateur du catalogue : le compléter garde sa définition, or "
        f"{', '.join(changed)} ; ne donnez que la période et la source, ou choisissez un autre identifiant"
    ]


def prepare(
    frame: pd.DataFrame,
    declaration: Declaration,
    *,
    code_column: str | None = None,
    value_column: str | None = None,
    level: FileLevel | None = None,
    aggregation: Aggregation | None = None,
    line_numbers: Sequence[int] | None = None,
) -> UserImport:
    """Check every row of ``frame`` and compute one value per département (nothing is written)."""
    check_declaration(declaration)
    code_col, value_col = _columns(frame, code_column, value_column)
    lines = list(line_numbers) if line_numbers else list(range(2, len(frame) + 2))
    raw_codes, raw_values = frame[code_col].astype(str).str.strip(), frame[value_col].astype(str).str.strip()
    chosen = level or _guess_level(raw_codes)
    values = raw_values.map(_number)
    territory = raw_codes.map(lambda text: _territory(text, chosen))
    reason = pd.Series("", index=frame.index)
    reason[raw_codes == ""] = "code vide"
    bad_code = (reason == "") & territory.map(lambda t: t.startswith("!"))
    reason[bad_code] = territory[bad_code].str[1:]
    reason[(reason == "") & (raw_values == "")] = "valeur vide"
    reason[(reason == "") & values.isna()] = "valeur non numérique"
    absurd = (reason == "") & ~(values.abs() <= MAX_ABS_VALUE)
    reason[absurd] = f"valeur infinie ou hors limites (au plus {MAX_ABS_VALUE:.0e} en valeur absolue)"
    first = pd.Series(lines, index=frame.index).groupby(territory.where(reason == "")).transform("min")
    duplicate = (reason == "") & (pd.Series(lines, index=frame.index) != first)
    reason[duplicate] = "doublon (déjà ligne " + first[duplicate].astype(int).astype(str) + ")"
    kept = reason == ""
    rejected = pd.DataFrame(
        {
            "row": np.array(lines)[~kept.to_numpy()],
            "code": raw_codes[~kept],
            "value": raw_values[~kept],
            "reason": reason[~kept],
        }
    ).reset_index(drop=True)
    rule = aggregation or ("sum" if declaration.kind == "count" else "population_weighted_mean")
    figures = _per_departement(territory[kept], values[kept], chosen, rule)
    before, origin = None, None
    if is_completion(declaration):
        figures, before, origin = _merge(figures, declaration.indicator_id)
    from regions.workspace import userdata

    stored = userdata.version(DATASET_PREFIX + declaration.indicator_id)
    return UserImport(
        declaration=declaration,
        level=chosen,
        aggregation=rule if chosen == "commune" else None,
        figures=figures,
        rejected=rejected,
        rows_read=len(frame),
        kept_rows=int(kept.sum()),
        coverage_before=before,
        origin=origin,
        stored_version=stored,
    )


def _merge(figures: pd.DataFrame, indicator_id: str) -> tuple[pd.DataFrame, int, pd.Series]:
    """A completion's figures merged with those in use: the user's rows to save (this file's, else an earlier
    import's), the coverage before, and per département where the figure in use after saving comes from."""
    indicator = sources.load_catalogue()[indicator_id]
    previous = indicators.dataset_column(indicator.dataset, indicator_id) if indicator.replaces else None
    official = indicators.dataset_column(indicator.replaces or indicator.dataset, indicator_id)
    mine = pd.Series(figures["value"].to_numpy(), index=figures["code"].to_numpy())
    earlier = pd.Series(np.nan, index=official.index) if previous is None else previous
    origin = pd.Series("", index=mine.index)
    origin[official.reindex(mine.index).notna()] = indicators.ORIGIN_OFFICIAL
    origin[earlier.reindex(mine.index).notna()] = ORIGIN_PREVIOUS
    origin[mine.notna()] = ORIGIN_FILE
    before = int((earlier.combine_first(official)).notna().sum())
    saved = mine.combine_first(earlier.reindex(mine.index))
    return pd.DataFrame({"code": figures["code"], "value": saved.to_numpy()}), before, origin


def save(user_import: UserImport, *, by: Actor | None = None, file: str = "") -> None:
    """Write the indicator into the workspace for ``by`` (default the local owner; the role must allow imports), in
    one transaction recorded in the audit trail (``file``: the name of the file read); it then appears in the
    catalogue and the table. Refused if someone saved the same indicator since the file was checked.

    A completion (:func:`is_completion`) merges: the user's figures (this file's, and an earlier import's where
    the file has none) win for their départements, the official figures stay elsewhere; the user's period and
    source are recorded with how many départements come from each. ``remove`` gives the official figures back."""
    check_declaration(user_import.declaration)
    d = user_import.declaration
    figures = user_import.figures.rename(columns={"value": d.indicator_id})
    how = "" if user_import.aggregation is None else f" ; communes agrégées par {user_import.aggregation}"
    caveats = ["Indicateur fourni par l'utilisateur : source déclarée, non vérifiée par Homeshore."]
    existing = sources.load_catalogue().get(d.indicator_id)
    replaced = (existing.replaces or existing.dataset) if existing and is_completion(d) else ""
    coverage_note = f"{user_import.coverage} départements sur 101"
    if replaced:
        counts = user_import.origin_counts()
        mine = counts[ORIGIN_FILE] + counts[ORIGIN_PREVIOUS]
        official = counts[indicators.ORIGIN_OFFICIAL]
        coverage_note += f" : {mine} du fichier de l'utilisateur, {official} du jeu officiel « {replaced} »"
        caveats.append(
            f"Ces chiffres complètent, pour cet indicateur, ceux du jeu « {replaced} » : les départements du fichier "
            f"de l'utilisateur prennent sa valeur, les autres gardent le chiffre officiel (regions data remove --id "
            f"{d.indicator_id} rétablit les seuls chiffres officiels)."
        )
    record = {
        "producer": d.source,
        "dataset": f"{d.label} (fourni par l'utilisateur)",
        "period": d.period,
        "url": d.url or "fichier fourni par l'utilisateur",
        "licence": d.licence,
        "retrieved_via": f"import utilisateur le {date.today():%Y-%m-%d}{how}",
        "coverage_note": coverage_note,
        "caveats": caveats,
        "status": "user",
        "updated": f"{date.today():%Y-%m-%d}",
    }
    detail = {"indicator": d.indicator_id, "file": file, "rows": user_import.kept_rows,
              "coverage": user_import.coverage}  # fmt: skip
    write = functools.partial(snapshot.write_dataset, by=by, expect_version=user_import.stored_version, detail=detail)
    if replaced:
        completes = {"completes": replaced, "dataset": DATASET_PREFIX + d.indicator_id, "period": d.period}
        write(DATASET_PREFIX + d.indicator_id, figures, record, {d.indicator_id: completes})
        return
    entry = {
        "label_fr": d.label,
        "label_en": d.label_en or d.label,
        "unit": d.unit,
        "period": d.period,
        "dataset": DATASET_PREFIX + d.indicator_id,
        "orientation": d.orientation,
        "kind": d.kind,
        "region_rule": "sum" if d.kind == "count" else "population_weighted_mean",
        "description_fr": f"Indicateur fourni par l'utilisateur ; source déclarée : {d.source}.",
    }
    write(DATASET_PREFIX + d.indicator_id, figures, record, {d.indicator_id: entry})


def remove(indicator_id: str, *, by: Actor | None = None) -> None:
    """Remove a user's indicator for ``by`` (default the local owner; the bundled data are untouched), even a
    damaged one."""
    snapshot.remove_dataset(DATASET_PREFIX + indicator_id, [indicator_id], by=by)
    indicators.reload()


def user_indicator_ids() -> list[str]:
    """Ids of the indicators the user added (or completed) that are in use."""
    return [i.id for i in sources.load_catalogue().values() if i.dataset.startswith(DATASET_PREFIX)]


def stored_ids() -> list[str]:
    """Ids of the user's indicators stored in the workspace, also those of a damaged entry (what :func:`remove` can
    remove)."""
    from regions.workspace import userdata

    found = [key.removeprefix(DATASET_PREFIX) for key in userdata.stored_ids()]
    return list(dict.fromkeys(i for i in [*user_indicator_ids(), *found] if ID_PATTERN.fullmatch(i)))


def is_stored(indicator_id: str) -> bool:
    """Whether the user already has figures under ``indicator_id`` (saving again replaces them)."""
    return indicator_id in stored_ids()


def _columns(frame: pd.DataFrame, code_column: str | None, value_column: str | None) -> tuple[str, str]:
    found = tabular.match_columns([str(c) for c in frame.columns], FIELDS)
    code_col, value_col = code_column or found["code"], value_column or found["value"]
    if value_col is None and code_col is not None and len(frame.columns) == 2:
        value_col = next(str(c) for c in frame.columns if str(c) != code_col)
    missing = [name for name, col in (("code", code_col), ("valeur", value_col)) if col not in frame.columns]
    if missing or code_col is None or value_col is None:
        raise ValueError(
            f"colonne(s) {', '.join(missing)} introuvable(s) parmi {list(frame.columns)} : "
            "indiquez la colonne du code et celle de la valeur"
        )
    return code_col, value_col


def _guess_level(raw_codes: pd.Series) -> FileLevel:
    texts = raw_codes[raw_codes != ""].str.replace(r"\.0$", "", regex=True)
    return "commune" if len(texts) and (texts.str.len() >= 4).mean() > 0.5 else "departement"


def _territory(text: str, level: FileLevel) -> str:
    """The département (or commune) code of a cell, or ``"!" + reason``."""
    if not text:
        return "!code vide"
    try:
        return codes.normalise_departement(text) if level == "departement" else codes.normalise_commune(text)
    except codes.CodeError as error:
        return "!" + ("code inconnu : " if error.reason == "unknown" else "code invalide : ") + text


def _number(text: str) -> float:
    """The cell's number (:func:`regions.formatting.parse_number`), ``nan`` if it is empty or not a number."""
    try:
        return formatting.parse_number(text)
    except ValueError:
        return float("nan")


def _per_departement(territory: pd.Series, values: pd.Series, level: FileLevel, rule: Aggregation) -> pd.DataFrame:
    deps = geo.departements()["code"]
    if level == "departement":
        per_dep = pd.Series(values.to_numpy(), index=territory.to_numpy())
    else:
        communes = geo.communes().set_index("code")
        frame = pd.DataFrame({"dep": territory.map(communes["dep_code"]).to_numpy(), "v": values.to_numpy(),
                              "w": territory.map(communes["population"]).to_numpy()})  # fmt: skip
        grouped = frame.groupby("dep")
        if rule == "sum":
            per_dep = grouped["v"].sum()
        elif rule == "mean":
            per_dep = grouped["v"].mean()
        else:
            weighted = (frame["v"] * frame["w"]).groupby(frame["dep"]).sum(min_count=1)
            per_dep = weighted / frame["w"].where(frame["v"].notna()).groupby(frame["dep"]).sum(min_count=1)
    return pd.DataFrame({"code": deps.to_numpy(), "value": deps.map(per_dep).to_numpy(dtype=float)})
