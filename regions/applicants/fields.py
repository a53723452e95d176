"""Applicant file columns: the fields, their header synonyms, the column mapping, and which columns are sensitive.

Disability (health data, GDPR art. 9) and family situation (a protected criterion in French labour law) are
``SENSITIVE_FIELDS``; beyond them every column whose header means a protected criterion (``regions.sensitive``) is
left out of applicant-level exports (:func:`export_columns`) unless the user declares it non-sensitive.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Final

import pandas as pd

from regions import sensitive, tabular

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
ColumnMapping = dict[str, str | None]


#: Cell values read as "yes" for the fibre filter (compared case-insensitively).
TRUTHY: Final[frozenset[str]] = frozenset({"oui", "yes", "true", "1", "x", "vrai", "o"})
#: Separators of a multi-valued skills cell.
SKILL_SEPARATORS: Final[re.Pattern[str]] = re.compile(r"[;,|/]")
#: Category of an empty cell in a breakdown.
NOT_GIVEN: Final[str] = "(non renseigné)"


# --- mapping ---------------------------------------------------------------------------------------------------


def detect_mapping(headers: Sequence[str]) -> ColumnMapping:
    """Guess the column of each field from the headers (``tabular.match_columns`` over ``FIELDS``).

    A lone latitude or longitude is left unmapped: coordinates need both.
    """
    mapping = tabular.match_columns([str(header) for header in headers], FIELDS)
    if (mapping["lat"] is None) != (mapping["lon"] is None):
        mapping["lat"] = mapping["lon"] = None
    return mapping


def check_mapping(mapping: ColumnMapping, headers: Sequence[str]) -> None:
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


def _full_mapping(mapping: ColumnMapping) -> ColumnMapping:
    return {name: mapping.get(name) for name in FIELDS}


#: Sensitive field -> the category of ``regions.sensitive`` its column falls under.
_FIELD_CATEGORIES: Final[dict[str, sensitive.Category]] = {"disability": "health", "family": "family"}


def sensitive_detections(frame: pd.DataFrame, mapping: ColumnMapping) -> list[sensitive.Detection]:
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
    frame: pd.DataFrame, mapping: ColumnMapping, not_sensitive: Collection[str]
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


def sensitive_columns(frame: pd.DataFrame, mapping: ColumnMapping, *, not_sensitive: Collection[str] = ()) -> list[str]:
    """The columns :func:`sensitive_detections` finds, but those the user declared non-sensitive."""
    kept = {found.column for found in declared_not_sensitive(frame, mapping, not_sensitive)}
    return [found.column for found in sensitive_detections(frame, mapping) if found.column not in kept]


def export_columns(
    frame: pd.DataFrame,
    mapping: ColumnMapping,
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
