"""Applicant-level exports (XLSX, CSV): sensitive columns left out unless explicitly asked, with the reason recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Final

import pandas as pd

from regions import export, locate, sensitive, wording
from regions.applicants.demo import FICTIONAL_LABEL, FICTIONAL_LABEL_EN
from regions.applicants.fields import ColumnMapping, declared_not_sensitive, export_columns, sensitive_detections
from regions.applicants.selection import TRAVEL_COLUMN
from regions.formatting import Lang

SHEET_APPLICANTS: Final[str] = "Candidats"
SHEET_ABOUT: Final[str] = export.ABOUT_SHEET["fr"]
#: The applicants' sheet, by language.
SHEETS_APPLICANTS: Final[dict[Lang, str]] = {"fr": SHEET_APPLICANTS, "en": "Applicants"}
DECLARED_LABEL: Final[str] = "Colonnes déclarées non sensibles par l'utilisateur"
SENSITIVE_SENTENCE: Final[str] = (
    "Export incluant des données sensibles (santé, handicap, situation de famille, origine, âge…) à la demande "
    "explicite de l'utilisateur"
)

#: The columns the commune join adds, as an export titles them: (French, English); the reason and method codes
#: are written in words of the export's language, ``reason_label`` (always French) is dropped.
ADDED_COLUMNS: Final[dict[str, tuple[str, str]]] = {
    "row": wording.HEADERS["file_line"],
    "commune_code": wording.HEADERS["commune"],
    "commune_name": ("Commune rattachée", "Matched commune"),
    "dep_code": ("Département (code)", "Département (code)"),
    "reg_code": wording.HEADERS["region_code"],
    "match_method": ("Rattachement par", "Matched by"),
    "reason": ("Motif du non-rattachement", "Why not matched"),
    TRAVEL_COLUMN: ("Trajet estimé jusqu'au site le plus proche (min)", "Estimated travel to the nearest site (min)"),
}
_DROPPED: Final[tuple[str, ...]] = ("reason_label",)

_WORDS: Final[dict[Lang, dict[str, str]]] = {
    "fr": {
        "date": "Date de l'export", "lang": "Langue", "count": "Candidats exportés",
        "sensitive": "Données sensibles incluses", "yes": "oui", "no": "non", "accepted": "Mention acceptée",
        "removed": "Colonnes sensibles retirées", "none": "aucune", "why": "Motif du retrait",
        "declared": DECLARED_LABEL, "detected": "détectée", "notes": "Filtres et notes",
    },
    "en": {
        "date": "Export date", "lang": "Language", "count": "Applicants exported",
        "sensitive": "Sensitive data included", "yes": "yes", "no": "no", "accepted": "Statement accepted",
        "removed": "Sensitive columns removed", "none": "none", "why": "Why removed",
        "declared": "Columns declared non-sensitive by the user", "detected": "detected",
        "notes": "Filters and notes",
    },
}  # fmt: skip


_SOURCE_WORDS: Final[dict[Lang, dict[str, str]]] = {
    "fr": {
        "file": "Fichier",
        "data": "Jeu de données",
        "by": "Colonnes sensibles incluses par",
        "scenario": "Scénario",
    },
    "en": {"file": "File", "data": "Dataset", "by": "Sensitive columns included by", "scenario": "Scenario"},
}


def source_about(
    file_name: str,
    *,
    fictional: bool,
    lang: Lang = "fr",
    sensitive_by: str | None = None,
    scenario: tuple[str, int] | None = None,
) -> list[tuple[str, str]]:
    """Where an applicant export comes from, as (label, value) in ``lang``: the file (or the fictional demo data),
    who included the sensitive columns, the scenario open (name and version)."""
    words = _SOURCE_WORDS[lang]
    label = FICTIONAL_LABEL if lang == "fr" else FICTIONAL_LABEL_EN
    rows = [(words["data"], label) if fictional else (words["file"], file_name)]
    if sensitive_by:
        rows.append((words["by"], sensitive_by))
    if scenario is not None:
        rows.append((words["scenario"], f"{scenario[0]} — version {scenario[1]}"))
    return rows


def declared_note(declared: Sequence[sensitive.Detection], lang: Lang = "fr") -> str:
    """The line recording the columns a user declared non-sensitive (``"aucune"`` if none), in ``lang``."""
    return f"{_WORDS[lang]['declared']}{' : ' if lang == 'fr' else ': '}{_declared_listing(declared, lang)}"


def _declared_listing(declared: Sequence[sensitive.Detection], lang: Lang) -> str:
    words, sep = _WORDS[lang], " : " if lang == "fr" else ": "
    listed = " ; ".join(f"{found.column} ({words['detected']}{sep}{found.reason(lang)})" for found in declared)
    return listed or words["none"]


def sensitive_sentence(purpose: str) -> str:
    """The sentence a user accepts to export sensitive columns, for a stated purpose."""
    return f"{SENSITIVE_SENTENCE}, pour {purpose.strip().rstrip('.')}."


def readable(frame: pd.DataFrame, lang: Lang = "fr") -> pd.DataFrame:
    """Applicant rows as they leave the product: the user's columns as they are, the columns the join added titled
    in ``lang`` (:data:`ADDED_COLUMNS`), reasons and methods in words, minutes as whole numbers."""
    out = frame.drop(columns=[c for c in _DROPPED if c in frame.columns])
    if "reason" in out.columns:
        out["reason"] = [locate.reason_label(code, lang) if code in locate.REASONS else code for code in out["reason"]]
    if "match_method" in out.columns:
        out["match_method"] = [
            locate.method_label(code, lang) if code in locate.METHODS else code for code in out["match_method"]
        ]
    if TRAVEL_COLUMN in out.columns:
        out[TRAVEL_COLUMN] = pd.to_numeric(out[TRAVEL_COLUMN], errors="coerce").round().astype("Int64")
    if "row" in out.columns:
        out["row"] = pd.to_numeric(out["row"], errors="coerce").astype("Int64")
    names = {column: pair[1 if lang == "en" else 0] for column, pair in ADDED_COLUMNS.items()}
    return out.rename(columns={c: names[c] for c in out.columns if c in names})


def about_rows(
    applicant_rows: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    include_sensitive: bool,
    about: Sequence[str | tuple[str, str]] = (),
    purpose: str | None = None,
    now: dt.datetime | None = None,
    not_sensitive: Collection[str] = (),
    lang: Lang = "fr",
    require_sentence: bool = True,
) -> list[tuple[str, object]]:
    """What an applicant export says about itself, in ``lang``: date, language, number of applicants (a number),
    sensitive columns included or removed with why and, if included, the sentence accepted; the detected columns
    the user declared non-sensitive; then ``about`` (filters and notes: a line, or a (label, value) pair).

    With ``include_sensitive`` and ``require_sentence``, the sentence is :func:`sensitive_sentence` of ``purpose``
    or a line of ``about`` starting with ``SENSITIVE_SENTENCE``; without either, ``ValueError``."""
    if isinstance(about, str):
        raise ValueError("`about` is one string; give a sequence of lines")
    words = _WORDS[lang]
    declared = declared_not_sensitive(applicant_rows, mapping, not_sensitive)
    kept = export_columns(applicant_rows, mapping, include_sensitive=include_sensitive, not_sensitive=not_sensitive)
    dropped = [found for found in sensitive_detections(applicant_rows, mapping) if found.column not in kept.columns]
    rows: list[tuple[str, object]] = [
        (words["date"], (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")),
        (words["lang"], wording.LANGUAGE_NAMES[lang]),
        (words["count"], len(kept)),
        (words["sensitive"], words["yes"] if include_sensitive else words["no"]),
    ]
    lines = [line for line in about if isinstance(line, str)]
    if include_sensitive:
        accepted = [line for line in lines if line.startswith(SENSITIVE_SENTENCE)]
        if purpose and purpose.strip():
            accepted.insert(0, sensitive_sentence(purpose))
        if not accepted and require_sentence:
            raise ValueError(
                "Export de données sensibles : indiquez la finalité acceptée par l'utilisateur (`purpose`)"
            )
        rows += [(words["accepted"], accepted[0])] if accepted else []
        about = [line for line in about if not (isinstance(line, str) and line.startswith(SENSITIVE_SENTENCE))]
    else:
        rows.append((words["removed"], ", ".join(found.column for found in dropped) or words["none"]))
        sep = " : " if lang == "fr" else ": "
        rows += [(words["why"], f"{found.column}{sep}{found.reason(lang)}") for found in dropped]
    rows.append((words["declared"], _declared_listing(declared, lang)))
    rows += [line if isinstance(line, tuple) else (words["notes"], str(line)) for line in about]
    return rows


def applicants_workbook(
    applicant_rows: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    include_sensitive: bool,
    about: Sequence[str | tuple[str, str]],
    purpose: str | None = None,
    now: dt.datetime | None = None,
    not_sensitive: Collection[str] = (),
    lang: Lang = "fr",
) -> bytes:
    """XLSX with the sheets "Candidats" (formula-safe, :func:`readable`) and "À propos" (:func:`about_rows`), named
    in ``lang``; with ``include_sensitive`` and no accepted sentence, ``ValueError``."""
    rows = about_rows(applicant_rows, mapping, include_sensitive=include_sensitive, about=about, purpose=purpose,
                      now=now, not_sensitive=not_sensitive, lang=lang)  # fmt: skip
    frame = export_columns(applicant_rows, mapping, include_sensitive=include_sensitive, not_sensitive=not_sensitive)
    return export.to_xlsx_bytes({SHEETS_APPLICANTS[lang]: readable(frame, lang)}, about=rows, lang=lang)


def applicants_csv(
    applicant_rows: pd.DataFrame,
    mapping: ColumnMapping,
    *,
    include_sensitive: bool,
    french_excel: bool | None = None,
    not_sensitive: Collection[str] = (),
    about: Sequence[str | tuple[str, str]] = (),
    lang: Lang = "fr",
) -> bytes:
    """Formula-safe CSV for Excel (:func:`regions.export.csv_file`) of applicant rows (:func:`readable`), its
    :func:`about_rows` as the ``#`` block above the header (what the XLSX says in its "À propos" sheet)."""
    rows = about_rows(applicant_rows, mapping, include_sensitive=include_sensitive, about=about, lang=lang,
                      not_sensitive=not_sensitive, require_sentence=False)  # fmt: skip
    frame = export_columns(applicant_rows, mapping, include_sensitive=include_sensitive, not_sensitive=not_sensitive)
    return export.csv_file(readable(frame, lang), lang=lang, about=rows, french_excel=french_excel)
