"""Applicant-level exports (XLSX, CSV): sensitive columns left out unless explicitly asked, with the reason recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Final

import pandas as pd

from regions import export, formatting, sensitive
from regions.applicants.fields import ColumnMapping, declared_not_sensitive, export_columns, sensitive_detections

SHEET_APPLICANTS: Final[str] = "Candidats"
SHEET_ABOUT: Final[str] = "À propos"
DECLARED_LABEL: Final[str] = "Colonnes déclarées non sensibles par l'utilisateur"
SENSITIVE_SENTENCE: Final[str] = (
    "Export incluant des données sensibles (santé, handicap, situation de famille, origine, âge…) à la demande "
    "explicite de l'utilisateur"
)


def declared_note(declared: Sequence[sensitive.Detection]) -> str:
    """The French line recording the columns a user declared non-sensitive (``"aucune"`` if none)."""
    listed = " ; ".join(f"{found.column} (détectée : {found.reason()})" for found in declared)
    return f"{DECLARED_LABEL} : {listed or 'aucune'}"


def sensitive_sentence(purpose: str) -> str:
    """The sentence a user accepts to export sensitive columns, for a stated purpose."""
    return f"{SENSITIVE_SENTENCE}, pour {purpose.strip().rstrip('.')}."


def applicants_workbook(
    shortlist: pd.DataFrame,
    mapping: ColumnMapping,
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
    mapping: ColumnMapping,
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
