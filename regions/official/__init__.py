"""The producers' official files: where to download them, how to read them, how to check what was read.

One module per producer, each holding its file's URL, its parser (bytes -> :class:`ParsedDataset`) and its
:class:`OfficialSource` record (the file's layout written once, in ``layout``): :mod:`~regions.official.arcep`,
:mod:`~regions.official.insee` (TCRD_025 unemployment), :mod:`~regions.official.dares`,
:mod:`~regions.official.cnaf`, :mod:`~regions.official.census` (the two commune bases of the 2022 census).
:mod:`~regions.official.registry` assembles :data:`OFFICIAL`; :mod:`~regions.official.cells` holds the cell and file
readers they share; :func:`regions.official.validate.validate` checks parsed figures; :mod:`~regions.official._http`
downloads. The all-or-nothing run that writes the snapshot is :func:`regions.refresh.run`.

Every parser matches headers through ``codes.slug`` (no case, accents or punctuation), reads French decimal commas and
spaces as thousands separators, repairs codes that lost their leading zero (``1`` -> ``01``), skips total and note
rows, and leaves out the overseas collectivities (975, 977, 978, 98x), which are not départements; an unknown code is
kept so that validation names it. A layout it does not recognise raises :class:`RefreshError` naming the file, what
is missing and the headers seen.
"""

from __future__ import annotations

from regions.official._http import DownloadError, download, progress_bar
from regions.official.base import OfficialSource, ParsedDataset, Parser, RefreshError
from regions.official.registry import OFFICIAL
from regions.official.validate import filled_counts, official_codes

__all__ = [
    "OFFICIAL",
    "DownloadError",
    "OfficialSource",
    "ParsedDataset",
    "Parser",
    "RefreshError",
    "download",
    "filled_counts",
    "official_codes",
    "progress_bar",
]
