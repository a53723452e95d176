"""What every producer module declares and returns: the source record, the parsed figures, the refresh error.

A producer module (``arcep``, ``insee``, ``dares``, ``cnaf``, ``census``) holds its official file's URL, its parser
(bytes -> :class:`ParsedDataset`) and its :class:`OfficialSource` record, whose ``layout`` is the one description of
the file's layout (``tests/fixtures/refresh/README.md`` is generated from it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol

import pandas as pd

from regions.errors import HomeshoreError

#: The command that adds figures from a file the user supplies.
IMPORT_COMMAND: Final[str] = "regions data import"


class RefreshError(HomeshoreError, RuntimeError):
    """A refresh that cannot go on; ``str(error)`` is a French message meant to be shown as is, ``message("en")``
    its English (the download and run messages are written in both languages; a parser's detail is French in both).

    ``url`` names the file concerned (empty when several are), ``offline`` is true when no server answered at all
    (no network access, most likely) rather than answering with an error. ``reason``: ``offline``,
    ``download_failed``, ``too_large``, ``refresh_aborted``, ``write_failed``, else ``refresh_failed``.
    """

    def __init__(self, message: str, *, url: str = "", offline: bool = False, en: str = "", reason: str = "") -> None:
        super().__init__(message, en=en, reason=reason or ("offline" if offline else "refresh_failed"))
        self.url = url
        self.offline = offline


@dataclass(frozen=True, eq=False)
class ParsedDataset:
    """Figures read from an official file, before validation.

    ``figures``: ``code`` (text, as found once repaired), one float column per indicator (NaN where missing) and
    ``source_url`` (the official URL). ``periods``: per indicator, the periods its values refer to (validation
    wants exactly one). ``notes``: what the parser left aside, said in the report.
    """

    dataset_id: str
    figures: pd.DataFrame
    periods: Mapping[str, frozenset[str]]
    url: str
    notes: tuple[str, ...] = ()

    def period(self, indicator: str) -> str:
        """The period of an indicator column (several are joined by ", ", which validation refuses)."""
        return ", ".join(sorted(self.periods.get(indicator, frozenset())))


class Parser(Protocol):
    """Reads the bytes of an official file (downloaded from ``url``) into a :class:`ParsedDataset`."""

    def __call__(self, data: bytes, *, url: str) -> ParsedDataset: ...


@dataclass(frozen=True)
class OfficialSource:
    """Where and how one dataset is refreshed.

    ``url``: the official file downloaded, ``file_name`` its name (in messages); ``page``: the producer's page that
    documents it (the record's ``url``). ``layout``: the expected layout and what is assumed, in Markdown — the one
    description of it (the fixtures' README is generated from it); ``documented_in``: the notes that describe it.
    ``indicators``: the columns the parser yields (the other catalogue columns of the dataset keep their current
    values). ``period_format``/``period_pattern``: the period
    of each column, for people and for validation. ``producer``/``dataset``: replace the bundled record's when the
    official file is another publication; ``caveats`` are added to the record, and bundled caveats starting with
    one of ``stale_caveats`` are dropped (they describe the copy the official download replaces).
    ``title_en``: ``title`` in English.
    """

    dataset_id: str
    title: str
    url: str
    file_name: str
    page: str
    layout: str
    parser: Parser
    indicators: tuple[str, ...]
    period_format: str
    period_pattern: str
    producer: str = ""
    dataset: str = ""
    caveats: tuple[str, ...] = ()
    stale_caveats: tuple[str, ...] = ()
    documented_in: tuple[str, ...] = ()
    #: ``title`` in English (the app's English UI lists the official files by it).
    title_en: str = ""
