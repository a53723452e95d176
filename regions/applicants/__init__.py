"""Applicant files (the *vivier* in the French UI): read, map columns, join each row to a commune, aggregate with
confidentiality, select applicants, export. Three lists are kept apart by their names: the applicant *selection*
(here), the territory *shortlist* (``regions.shortlist``) and a scenario's *territories* with their statuses
(``regions.workspace.scenarios``).

- :mod:`regions.applicants.fields`: fields, the column mapping, sensitive columns;
- :mod:`regions.applicants.read`: reading and the commune join (:func:`import_file`, :func:`import_frame`);
- :mod:`regions.applicants.aggregate`: suppressed counts per territory;
- :mod:`regions.applicants.selection`: the applicant selection (by département and job fields);
- :mod:`regions.applicants.demo`: the fictional demo file;
- :mod:`regions.applicants.export`: applicant-level XLSX/CSV exports.
"""

from __future__ import annotations

from regions.applicants.aggregate import (
    aggregate,
    applicant_counts,
)
from regions.applicants.demo import (
    DEMO_FILE,
    FICTIONAL_COLUMN,
    FICTIONAL_COLUMN_EN,
    FICTIONAL_LABEL,
    FICTIONAL_LABEL_EN,
    is_demo,
    label_fictional,
)
from regions.applicants.export import (
    DECLARED_LABEL,
    SENSITIVE_SENTENCE,
    SHEET_ABOUT,
    SHEET_APPLICANTS,
    applicants_csv,
    applicants_workbook,
    declared_note,
    sensitive_sentence,
    source_about,
)
from regions.applicants.fields import (
    FIELDS,
    JOB_FIELDS,
    NOT_GIVEN,
    SENSITIVE_FIELDS,
    SKILL_SEPARATORS,
    TRUTHY,
    ColumnMapping,
    check_mapping,
    declared_not_sensitive,
    detect_mapping,
    export_columns,
    sensitive_columns,
    sensitive_detections,
)
from regions.applicants.read import (
    MATCHED_COLUMNS,
    UNMATCHED_COLUMNS,
    ImportResult,
    import_file,
    import_frame,
)
from regions.applicants.selection import (
    TRAVEL_COLUMN,
    select_applicants,
    selection_about,
)
from regions.locate import (
    LOCATION_FIELDS,
    METHOD_LABELS,
    METHOD_LABELS_EN,
    METHODS,
    REASON_LABELS,
    REASON_LABELS_EN,
    REASONS,
)

__all__ = [
    "DECLARED_LABEL",
    "DEMO_FILE",
    "FICTIONAL_COLUMN",
    "FICTIONAL_COLUMN_EN",
    "FICTIONAL_LABEL",
    "FICTIONAL_LABEL_EN",
    "FIELDS",
    "JOB_FIELDS",
    "LOCATION_FIELDS",
    "MATCHED_COLUMNS",
    "METHODS",
    "METHOD_LABELS",
    "METHOD_LABELS_EN",
    "NOT_GIVEN",
    "REASONS",
    "REASON_LABELS",
    "REASON_LABELS_EN",
    "SENSITIVE_FIELDS",
    "SENSITIVE_SENTENCE",
    "SHEET_ABOUT",
    "SHEET_APPLICANTS",
    "SKILL_SEPARATORS",
    "TRAVEL_COLUMN",
    "TRUTHY",
    "UNMATCHED_COLUMNS",
    "ColumnMapping",
    "ImportResult",
    "aggregate",
    "applicant_counts",
    "applicants_csv",
    "applicants_workbook",
    "check_mapping",
    "declared_not_sensitive",
    "declared_note",
    "detect_mapping",
    "export_columns",
    "import_file",
    "import_frame",
    "is_demo",
    "label_fictional",
    "select_applicants",
    "selection_about",
    "sensitive_columns",
    "sensitive_detections",
    "sensitive_sentence",
    "source_about",
]
