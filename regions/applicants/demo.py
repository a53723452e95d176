"""The synthetic demo applicant file, and the label every table of it carries when it leaves the app."""

from __future__ import annotations

import functools
import hashlib
from typing import Final

import pandas as pd

from regions import settings

#: The synthetic demo file (``scripts/make_demo_applicants.py``): invented applicants, labelled wherever they show.
DEMO_FILE: Final = settings.DATA_DIR / "demo" / "candidats_fictifs.csv"
#: The column every applicant-level export of the demo file starts with, and its value on every row.
FICTIONAL_COLUMN: Final = "Jeu de données"
FICTIONAL_LABEL: Final = "données fictives (fichier de démonstration)"
#: The same column and value in English.
FICTIONAL_COLUMN_EN: Final = "Dataset"
FICTIONAL_LABEL_EN: Final = "fictional data (demo file)"


@functools.cache
def _demo_digest() -> tuple[int, bytes]:
    data = DEMO_FILE.read_bytes()
    return len(data), hashlib.sha256(data).digest()


def is_demo(data: bytes) -> bool:
    """True when ``data`` is the demo file, byte for byte (an edited copy is the user's own data); a file of
    another size is not hashed."""
    size, digest = _demo_digest()
    return len(data) == size and hashlib.sha256(data).digest() == digest


def label_fictional(frame: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """``frame`` with a first column :data:`FICTIONAL_COLUMN` saying :data:`FICTIONAL_LABEL` on every row (in
    English with ``lang="en"``): for every table of the demo file that leaves the app or the command line
    (shortlist, unmatched rows, totals)."""
    labelled = frame.copy()
    if lang == "en":
        labelled.insert(0, FICTIONAL_COLUMN_EN, FICTIONAL_LABEL_EN)
    else:
        labelled.insert(0, FICTIONAL_COLUMN, FICTIONAL_LABEL)
    return labelled
