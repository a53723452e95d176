"""Refresh the snapshot from the producers' official files: download, parse, validate, then write all or nothing.

``regions data refresh [--only ID,...] [--dry-run]`` calls :func:`run`. For each requested dataset of
:data:`OFFICIAL` it downloads the official file (timeouts, retries with exponential backoff, sha256 recorded),
parses it into the dataset's indicator columns, validates the result (the 101 département codes as text, no
duplicate, plausible ranges, one period per column) and only when every requested dataset passed writes them into
the user's snapshot folder (:func:`regions.snapshot.write_dataset`); the bundled snapshot stays the fallback. Any
failure leaves the current snapshot untouched. Without network access :func:`run` raises :class:`RefreshError`
naming the official URLs and the two ways out: run it on a machine with internet, or import the figures from a file
with ``regions data import``.

Layouts (what the notes in ``facts/`` document, and what is assumed). Every parser matches headers through
``codes.slug`` (no case, accents or punctuation), reads French decimal commas and spaces as thousands separators,
repairs codes that lost their leading zero (``1`` -> ``01``), skips total and note rows, and leaves out the overseas
collectivities (975, 977, 978, 98x), which are not départements; an unknown code is kept so that validation names
it. A layout it does not recognise raises :class:`RefreshError` naming the file, what is missing and the headers seen.

- ``arcep_broadband``: ``departement_techno.csv`` (``;``-separated), one row per département with ``date`` (the
  edition, ISO date), ``code_dep``, ``nbr`` (premises) and ``elig_ftth`` (FTTH-eligible premises), documented in
  ``facts/broadband.md``. Assumed: the code column may also be named ``code_departement``/``dep``/``departement``;
  a ``type`` column, as in Arcep's commune files, is read when present (only the ``all`` rows are kept).
- ``insee_unemployment``: ``TCRD_025.xlsx`` (``facts/unemployment.md``): a few title lines, then a header row whose
  quarter cells read ``3ᵉ trim. 2025 (p)`` (``T3 2025``, ``2025-T3`` are accepted too), then one row per
  département with its code, its name and one rate per quarter; France rows and notes follow. The latest quarter
  fills ``unemployment_rate_pct`` and the same quarter a year before ``unemployment_rate_prev_pct``. Assumed: the
  download URL ``/statistiques/fichier/2012804/TCRD_025.xlsx`` (INSEE's usual file path; a ZIP holding the xlsx is
  read too). The long quarterly series ``sl_etc_*.xls`` is an Excel 97 file, which needs a reader the project
  does not ship: not used.
- ``dares_jobseekers``: the DARES open-data export of ``dares_defm_stock_regions_brut_mens`` (raw month-end stocks
  by région and département; the dataset id was seen in public code using the DARES API, its page was not
  consulted): ``date`` (``YYYY-MM``), ``code_departement``, ``categorie``, the breakdowns ``sexe``,
  ``tranche_d_age``, ``anciennete`` (``Total`` rows kept), ``type_de_donnees`` and ``nombre_de_demandeurs_d_emploi``
  (technical names or their labels). ``jobseekers_cat_a`` takes the latest January (the catalogue defines it as an
  end-of-January stock) and ``jobseekers_cat_a_prev`` January 2024, the last January before the 2025 reform.
- ``cnaf_msa_aah``: CNAF open data, data.caf.fr dataset ``aah_s_complaah_age_5_dep`` ("AAH – répartition des
  allocataires selon le type de complément d'AAH", by département, monthly; ``facts/aah.md``): ``dtreffre``
  (``YYYY-MM``), ``numdep``, the breakdowns ``aah_complaah`` and ``aah_age_5`` and ``indben_aah`` (recipients);
  field names were seen in a public extract of the dataset. ``aah_recipients`` is the sum over the breakdowns for
  the latest December (CNAF only, without MSA: a different scope from the bundled CNAF + MSA figures, said in the
  record). The file has no home/institution split nor rate per 1,000 aged 20–64: those columns keep their current
  values and period, and the report says so.
- ``insee_census_activity`` and ``insee_families``: INSEE's commune bases of the 2022 census ("bases communales",
  RP2022), ``base-cc-emploi-pop-active-2022_csv.zip`` (activité des résidents) and
  ``base-cc-coupl-fam-men-2022_csv.zip`` (couples – familles – ménages): a ZIP holding ``base-cc-….CSV`` (``meta…``
  members ignored; the CSV alone is read too), ``;``-separated, values possibly quoted, one row per commune with
  ``CODGEO`` (commune code as text) and numeric columns ``P22_<FIELD>``/``C22_<FIELD>`` (``22``: census year 2022)
  beside older censuses' columns (``P16_…``). The latest year with every field needed is read (``POP1564`` and
  ``AINACT1564``; ``FAM``, ``FAMMONO``, ``FMONO``, ``HMONO``, ``COUPAENF``, ``COUPSENF``), each field column
  matched case-insensitively, and summed by département (``2A004`` -> ``2A``, ``97101`` -> ``971``); a blank
  commune cell leaves its département's sum missing, never 0. Counts are rounded to the unit, shares computed from
  the unrounded sums. Municipal arrondissements (Paris, Marseille, Lyon) are dropped when their commune is listed
  too. Assumed: the layout is known from public code using INSEE's base-cc files, not from a download of these
  files; a four-digit code is a commune code that lost its leading zero (``1001`` -> ``01001``).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import http.client
import io
import json
import math
import re
import time
import tomllib
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import openpyxl
import pandas as pd

from regions import _datafrance, indicators, settings, snapshot, sources, tabular
from regions.codes import CodeError, normalise_departement, slug

#: Seconds a connection or a read may wait before it fails.
TIMEOUT_SECONDS: Final[float] = 30.0
#: Attempts per file (the first one included).
RETRIES: Final[int] = 3
#: Wait before the second attempt; doubled before each further one.
BACKOFF_SECONDS: Final[float] = 1.0
#: Largest official file accepted (bytes).
MAX_DOWNLOAD_BYTES: Final[int] = 300 * 1024 * 1024
#: Largest number of rows read from an official CSV.
MAX_ROWS: Final[int] = 5_000_000
#: Sent with every request, so that producers can see what fetches their files.
USER_AGENT: Final[str] = "Homeshore/0.1 (regions data refresh; Python urllib)"
#: The command that adds figures from a file the user supplies.
IMPORT_COMMAND: Final[str] = "regions data import"

ARCEP_URL: Final[str] = (
    "https://data.arcep.fr/fixe/maconnexioninternet/statistiques/last/departement/departement_techno.csv"
)
INSEE_UNEMPLOYMENT_PAGE: Final[str] = "https://www.insee.fr/fr/statistiques/2012804"
INSEE_UNEMPLOYMENT_URL: Final[str] = "https://www.insee.fr/fr/statistiques/fichier/2012804/TCRD_025.xlsx"
_DARES_API: Final[str] = "https://data.dares.travail-emploi.gouv.fr/api/explore/v2.1/catalog/datasets"
DARES_URL: Final[str] = (
    f"{_DARES_API}/dares_defm_stock_regions_brut_mens/exports/csv?delimiter=%3B&where=categorie%3D%22A%22"
)
DARES_PAGE: Final[str] = "https://data.dares.travail-emploi.gouv.fr/explore/dataset/dares_defm_stock_regions_brut_mens/"
CNAF_AAH_URL: Final[str] = (
    "https://data.caf.fr/api/explore/v2.1/catalog/datasets/aah_s_complaah_age_5_dep/exports/csv?delimiter=%3B"
)
CNAF_AAH_PAGE: Final[str] = (
    "https://www.data.gouv.fr/datasets/aah-repartition-des-allocataires-selon-le-type-de-complement-daah-departement/"
)
INSEE_CENSUS_ACTIVITY_PAGE: Final[str] = "https://www.insee.fr/fr/statistiques/8581444"
INSEE_CENSUS_ACTIVITY_URL: Final[str] = (
    "https://www.insee.fr/fr/statistiques/fichier/8581444/base-cc-emploi-pop-active-2022_csv.zip"
)
INSEE_FAMILIES_PAGE: Final[str] = "https://www.insee.fr/fr/statistiques/8582452"
INSEE_FAMILIES_URL: Final[str] = (
    "https://www.insee.fr/fr/statistiques/fichier/8582452/base-cc-coupl-fam-men-2022_csv.zip"
)

#: January of the last year before the 2025 reform of jobseeker registration (``jobseekers_cat_a_prev``).
JOBSEEKERS_PREV_MONTH: Final[str] = "2024-01"

#: Overseas collectivities that some files list beside the départements; they are left out, with a note.
COLLECTIVITIES: Final[frozenset[str]] = frozenset({"975", "977", "978", "984", "986", "987", "988", "989"})
#: Municipal arrondissements, by the commune they divide (Paris, Marseille, Lyon).
ARRONDISSEMENTS: Final[dict[str, frozenset[str]]] = {
    "75056": frozenset(f"751{n:02d}" for n in range(1, 21)),
    "13055": frozenset(f"132{n:02d}" for n in range(1, 17)),
    "69123": frozenset(f"6938{n}" for n in range(1, 10)),
}

_MISSING: Final[frozenset[str]] = frozenset(
    {"", "na", "nan", "n.a.", "nd", "n.d.", "n/d", "s", "-", "–", "—", "...", "…", "null", "none", "secret"}
)
_CODE_TEXT: Final[re.Pattern[str]] = re.compile(r"^(?:\d{1,3}|2[AB])$", re.IGNORECASE)
_INTEGRAL: Final[re.Pattern[str]] = re.compile(r"^(\d+)\.0+$")
_PLAIN_NUMBER: Final[re.Pattern[str]] = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)(?:[eE][+-]?\d+)?$")
_SPACES: Final[re.Pattern[str]] = re.compile(r"[\s\u00a0\u202f]+")
_QUARTERS: Final[tuple[re.Pattern[str], ...]] = tuple(
    re.compile(rf"^(?:taux )?{body}(?: p)?$")
    for body in (
        r"(?P<q>[1-4])(?:e|er|eme|re)? trim(?:estre)? (?P<y>\d{4})",
        r"t(?P<q>[1-4]) ?(?P<y>\d{4})",
        r"(?P<y>\d{4}) ?[tq](?P<q>[1-4])",
        r"q(?P<q>[1-4]) ?(?P<y>\d{4})",
    )
)
_MONTHS: Final[tuple[re.Pattern[str], ...]] = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})(?:-\d{2})?(?:[T ].*)?$"),
    re.compile(r"^(?:\d{2}/)?(?P<m>\d{2})/(?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})M(?P<m>\d{2})$"),
)
_TOTAL: Final[int] = settings.N_DEPARTEMENTS
_OLE_MAGIC: Final[bytes] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final[bytes] = b"PK\x03\x04"
_COMMUNE: Final[re.Pattern[str]] = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


class RefreshError(RuntimeError):
    """A refresh that cannot go on; ``str(error)`` is a French message meant to be shown as is.

    ``url`` names the file concerned (empty when several are), ``offline`` is true when no server answered at all
    (no network access, most likely) rather than answering with an error.
    """

    def __init__(self, message: str, *, url: str = "", offline: bool = False) -> None:
        super().__init__(message)
        self.url = url
        self.offline = offline

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_error, (str(self), self.url, self.offline))


def _rebuild_error(message: str, url: str, offline: bool) -> RefreshError:
    return RefreshError(message, url=url, offline=offline)


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

    ``url``: the official file downloaded; ``page``: the producer's page that documents it (the record's ``url``).
    ``layout``: the expected layout and what is assumed. ``indicators``: the columns the parser yields (the other
    catalogue columns of the dataset keep their current values). ``period_format``/``period_pattern``: the period
    of each column, for people and for validation. ``producer``/``dataset``: replace the bundled record's when the
    official file is another publication; ``caveats`` are added to the record, and bundled caveats starting with
    one of ``stale_caveats`` are dropped (they describe the copy the official download replaces).
    """

    dataset_id: str
    title: str
    url: str
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


@dataclass(frozen=True)
class Download:
    """One official file fetched: its URL, size in bytes and sha256."""

    dataset_id: str
    url: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Change:
    """What a refresh does to one indicator: period and coverage (of ``total`` départements) before and after."""

    dataset_id: str
    indicator: str
    old_period: str
    new_period: str
    old_coverage: int
    new_coverage: int
    total: int
    status: str


@dataclass(frozen=True)
class RefreshReport:
    """The outcome of :func:`run`: one :class:`Change` per indicator, the files fetched, the files written (none
    in a dry run), the date of the refresh and the parsers' notes."""

    changes: tuple[Change, ...]
    downloads: tuple[Download, ...]
    written: tuple[Path, ...]
    dry_run: bool
    updated: str
    notes: tuple[str, ...] = ()

    def table(self) -> pd.DataFrame:
        """The summary table: dataset, indicator, old → new period, coverage before → after, status."""
        rows = [
            {
                "jeu de données": c.dataset_id,
                "indicateur": c.indicator,
                "ancienne période → nouvelle période": f"{c.old_period or '—'} → {c.new_period or '—'}",
                "couverture avant → après": f"{c.old_coverage}/{c.total} → {c.new_coverage}/{c.total}",
                "statut": c.status,
            }
            for c in self.changes
        ]
        columns = ["jeu de données", "indicateur", "ancienne période → nouvelle période"]
        return pd.DataFrame(rows, columns=[*columns, "couverture avant → après", "statut"])


# --- download -----------------------------------------------------------------------------------------------------


def _silent(message: str) -> None:
    """The default progress callback: says nothing."""


def download(
    url: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    retries: int = RETRIES,
    progress: Callable[[str], None] = _silent,
    backoff: float | None = None,
) -> bytes:
    """Download ``url`` and return its bytes, with a progress message per attempt and per 10 Mo received.

    Up to ``retries`` attempts; before attempt n+1 it waits ``backoff × 2^(n-1)`` seconds (default
    ``BACKOFF_SECONDS``). A client error (HTTP 4xx other than 408/429) is not retried. Raises :class:`RefreshError`
    naming the URL and the cause, with ``offline=True`` when no server answered (network down or blocked).
    """
    if retries < 1:
        raise ValueError(f"`retries` was {retries} but is expected to be at least 1")
    pause = BACKOFF_SECONDS if backoff is None else backoff
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
    cause, offline = "", True
    for attempt in range(1, retries + 1):
        progress(f"Téléchargement de {url} (essai {attempt}/{retries})…")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                data = _read_body(response, url, progress)
        except RefreshError:
            raise
        except urllib.error.HTTPError as error:
            offline = False
            cause = f"le serveur a répondu HTTP {error.code} {error.reason}"
            if error.code < 500 and error.code not in (408, 429):
                break
        except (OSError, http.client.HTTPException, RuntimeError) as error:  # RuntimeError: a blocked socket (tests)
            cause = _describe(error, timeout)
        else:
            progress(f"  reçu : {_megabytes(len(data))}")
            return data
        if attempt < retries:
            wait = pause * 2 ** (attempt - 1)
            progress(f"  échec ({cause}) ; nouvel essai dans {wait:g} s")
            time.sleep(wait)
    if offline:
        raise RefreshError(f"impossible de joindre {url} (pas d'accès à internet ?) : {cause}", url=url, offline=True)
    raise RefreshError(f"échec du téléchargement de {url} : {cause}", url=url)


def _read_body(response: Any, url: str, progress: Callable[[str], None]) -> bytes:
    """The response's bytes, with a progress bar per tenth received when the server gives the size (else a line per
    10 Mo); more than ``MAX_DOWNLOAD_BYTES`` raises."""
    total = _content_length(response)
    chunks: list[bytes] = []
    size, shown = 0, 0
    while chunk := response.read(1024 * 1024):
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_DOWNLOAD_BYTES:
            raise RefreshError(f"{url} : fichier trop volumineux (plus de {_megabytes(MAX_DOWNLOAD_BYTES)})", url=url)
        step = min(10 * size // total, 10) if total else size // (10 * 1024 * 1024)
        if step > shown:
            shown = step
            progress(progress_bar(size, total))
    return b"".join(chunks)


def _content_length(response: Any) -> int:
    headers = getattr(response, "headers", None)
    value = headers.get("Content-Length", "") if headers is not None else ""
    return int(value) if str(value).strip().isdigit() else 0


def progress_bar(received: int, total: int) -> str:
    """``  [██████░░░░]  60 % — 24,0 Mo sur 40,0 Mo``, or ``  … 20,0 Mo reçus`` when the size is unknown (0)."""
    if total <= 0:
        return f"  … {_megabytes(received)} reçus"
    tenths = min(10 * received // total, 10)
    percent = min(100 * received // total, 100)
    return f"  [{'█' * tenths}{'░' * (10 - tenths)}] {percent:>3} % — {_megabytes(received)} sur {_megabytes(total)}"


def _describe(error: BaseException, timeout: float) -> str:
    reason: object = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return f"pas de réponse en {timeout:g} s"
    return f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")


# --- reading helpers ----------------------------------------------------------------------------------------------


def _number(value: object, where: str) -> float:
    """A cell as a float: numbers as they are, text with a decimal comma and spaces as thousands separators;
    blanks and the usual "not available" marks give NaN. Anything else raises :class:`RefreshError`."""
    if value is None:
        return math.nan
    if isinstance(value, bool):
        raise RefreshError(f"{where} : {value!r} n'est pas un nombre")
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip()
    if text.casefold() in _MISSING:
        return math.nan
    compact = _SPACES.sub("", text)
    if not _PLAIN_NUMBER.match(compact):
        raise RefreshError(f"{where} : {text!r} n'est pas un nombre")
    return float(compact.replace(",", "."))


def _numbers(values: pd.Series, where: str, codes: pd.Series) -> pd.Series:
    return pd.Series(
        [_number(v, f"{where}, ligne {c}") for v, c in zip(values, codes, strict=True)], index=values.index, dtype=float
    )


def _departement_code(value: object) -> str | None:
    """A département code as text (``1`` or ``1.0`` -> ``01``, ``2a`` -> ``2A``), or None for a cell that is no code
    (a total row, a blank, a name). Codes that are no département (``20``, ``99``) come back as text: validation
    names them."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if math.isnan(value) or not value.is_integer():
            return None
        value = int(value)
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
        integral = _INTEGRAL.match(text)
        text = integral.group(1) if integral else text
    else:
        return None
    if not _CODE_TEXT.match(text):
        return None
    text = text.upper()
    return text.zfill(2) if text.isdigit() and len(text) < 3 else text


def _iso_date(text: str, where: str) -> str:
    """``2026-06-30``, ``2026-06-30T00:00:00`` or ``30/06/2026`` -> ``2026-06-30``."""
    value = text.strip()
    if match := re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", value):
        year, month, day = match.groups()
    elif match := re.match(r"^(\d{2})/(\d{2})/(\d{4})$", value):
        day, month, year = match.groups()
    else:
        raise RefreshError(f"{where} : date {text!r} non reconnue (attendu : AAAA-MM-JJ)")
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError as error:
        raise RefreshError(f"{where} : date {text!r} impossible") from error


def _month(text: str, where: str) -> str:
    """``2026-01``, ``2026-01-31``, ``01/2026``, ``2026M01`` -> ``2026-01``."""
    value = text.strip()
    for pattern in _MONTHS:
        if match := pattern.match(value):
            year, month = int(match["y"]), int(match["m"])
            if 1 <= month <= 12:
                return f"{year:04d}-{month:02d}"
    raise RefreshError(f"{where} : mois {text!r} non reconnu (attendu : AAAA-MM)")


def _quarter(cell: object) -> str | None:
    """A quarter header (``3ᵉ trim. 2025 (p)``, ``T3 2025``, ``2025-T3``) as ``2025-Q3``, else None."""
    if not isinstance(cell, str):
        return None
    key = slug(cell)
    for pattern in _QUARTERS:
        if match := pattern.match(key):
            return f"{match['y']}-Q{match['q']}"
    return None


def _check_not_html(data: bytes, name: str, url: str) -> None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<html" in head[:512]:
        raise RefreshError(
            f"{name} : le serveur a renvoyé une page web au lieu du fichier attendu (page d'erreur ou de protection"
            f" anti-robots ?) ; téléchargez-le depuis {url} avec un navigateur et importez-le avec `{IMPORT_COMMAND}`",
            url=url,
        )


def _read_records(data: bytes, name: str, url: str) -> pd.DataFrame:
    """An official CSV (any delimiter and encoding ``tabular`` reads) or JSON export (a list of records, or
    Opendatasoft's ``{"results": [...]}``) as a table of text, empty cells as ``""``."""
    _check_not_html(data, name, url)
    stripped = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        try:
            payload = json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise RefreshError(f"{name} : JSON illisible ({error})", url=url) from error
        records = payload.get("results") if isinstance(payload, dict) else payload
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise RefreshError(f"{name} : JSON sans liste d'enregistrements", url=url)
        cells = [{str(k): "" if v is None else str(v) for k, v in record.items()} for record in records]
        return pd.DataFrame.from_records(cells).fillna("")
    try:
        return tabular.read_table(data, name, max_bytes=MAX_DOWNLOAD_BYTES, max_rows=MAX_ROWS).frame
    except tabular.TabularError as error:
        raise RefreshError(f"{name} : {error}", url=url) from error


def _columns(
    frame: pd.DataFrame, wanted: Mapping[str, Sequence[str]], required: Sequence[str], name: str, url: str
) -> dict[str, str | None]:
    """Map each wanted field to its header (see ``tabular.match_columns``); a missing required one raises."""
    found = tabular.match_columns(list(frame.columns), wanted)
    missing = [key for key in required if found[key] is None]
    if missing:
        accepted = "; ".join(f"{key} : {', '.join(wanted[key])}" for key in missing)
        seen = ", ".join(map(str, list(frame.columns)[:25]))
        raise RefreshError(
            f"{name} : présentation non reconnue — colonne(s) {', '.join(missing)} introuvable(s)"
            f" (noms acceptés : {accepted}) ; colonnes du fichier : {seen}",
            url=url,
        )
    return found


def _keep_departements(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Rows whose ``column`` holds a département code (as ``code``), without the overseas collectivities."""
    codes = frame[column].map(_departement_code)
    kept = frame.assign(code=codes)[codes.notna()]
    outside = kept["code"].isin(COLLECTIVITIES)
    notes: tuple[str, ...] = ()
    if outside.any():
        listed = ", ".join(sorted(set(kept.loc[outside, "code"])))
        notes = (f"collectivités d'outre-mer laissées de côté (pas des départements) : {listed}",)
    return kept[~outside], notes


def _parsed(
    dataset_id: str, figures: dict[str, pd.Series], codes: pd.Series, periods: dict[str, frozenset[str]], url: str,
    notes: Sequence[str] = (),
) -> ParsedDataset:  # fmt: skip
    frame = pd.DataFrame({"code": codes.astype(str).to_numpy()})
    for column, values in figures.items():
        frame[column] = values.to_numpy(dtype=float)
    frame["source_url"] = url
    return ParsedDataset(dataset_id, frame, periods, url, tuple(notes))


# --- parsers ------------------------------------------------------------------------------------------------------

_ARCEP_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("code_dep", "code_departement", "code departement", "dep", "departement"),
    "date": ("date", "date_edition", "date de reference"),
    "nbr": ("nbr", "nb_locaux", "locaux"),
    "elig_ftth": ("elig_ftth",),
    "type": ("type", "type_locaux"),
}


def parse_arcep_broadband(data: bytes, *, url: str = ARCEP_URL) -> ParsedDataset:
    """Arcep ``departement_techno.csv`` -> ``ftth_share_pct`` (``100 × elig_ftth / nbr``, rounded to 0.1 as the
    bundled figures) and ``total_premises`` (``nbr``); the period is the file's ``date`` column."""
    name = "departement_techno.csv"
    frame = _read_records(data, name, url)
    cols = _columns(frame, _ARCEP_COLUMNS, ("code", "date", "nbr", "elig_ftth"), name, url)
    if cols["type"] is not None:
        kinds = frame[cols["type"]].map(slug)
        if not (kinds == "all").any():
            values = ", ".join(sorted(set(frame[cols["type"]]))[:10])
            raise RefreshError(f"{name} : la colonne {cols['type']!r} n'a aucune ligne « all » (valeurs : {values})")
        frame = frame[kinds == "all"]
    rows, notes = _keep_departements(frame, str(cols["code"]))
    if rows.empty:
        raise RefreshError(f"{name} : aucune ligne avec un code département dans la colonne {cols['code']!r}")
    premises = _numbers(rows[str(cols["nbr"])], f"{name}, colonne {cols['nbr']}", rows["code"])
    eligible = _numbers(rows[str(cols["elig_ftth"])], f"{name}, colonne {cols['elig_ftth']}", rows["code"])
    share = (100 * eligible / premises).where(premises > 0).round(1)
    dates = frozenset(_iso_date(d, f"{name}, colonne {cols['date']}") for d in rows[str(cols["date"])])
    periods = {"ftth_share_pct": dates, "total_premises": dates}
    figures = {"ftth_share_pct": share, "total_premises": premises}
    return _parsed("arcep_broadband", figures, rows["code"], periods, url, notes)


def parse_insee_unemployment(data: bytes, *, url: str = INSEE_UNEMPLOYMENT_URL) -> ParsedDataset:
    """INSEE ``TCRD_025.xlsx`` -> ``unemployment_rate_pct`` (latest quarter) and ``unemployment_rate_prev_pct``
    (same quarter a year before), periods ``YYYY-Qn`` read in the header row."""
    name = "TCRD_025.xlsx"
    sheets = _xlsx_rows(data, name, url)
    found = [
        (title, rows, i) for title, rows in sheets for i, row in enumerate(rows) if any(_quarter(cell) for cell in row)
    ]
    found.sort(key=lambda item: "dep" not in slug(item[0]))  # a sheet named after départements first
    if not found:
        titles = ", ".join(title for title, _ in sheets)
        raise RefreshError(
            f"{name} : présentation non reconnue — aucune ligne d'en-tête avec des trimestres (« 3ᵉ trim. 2025 »,"
            f" « T3 2025 »…) dans les feuilles {titles}",
            url=url,
        )
    _, rows, start = found[0]
    header, body = rows[start], rows[start + 1 :]
    quarters: dict[str, int] = {}
    for index, cell in enumerate(header):
        quarter = _quarter(cell)
        if quarter is not None and quarters.setdefault(quarter, index) != index:
            raise RefreshError(f"{name} : le trimestre {quarter} a deux colonnes dans l'en-tête", url=url)
    latest = max(quarters)
    previous = f"{int(latest[:4]) - 1}{latest[4:]}"
    if previous not in quarters:
        raise RefreshError(
            f"{name} : pas de colonne pour {previous}, le trimestre un an avant {latest} (trimestres trouvés :"
            f" {', '.join(sorted(quarters))})",
            url=url,
        )
    first = min(quarters.values())
    counts = [sum(_departement_code(r[i] if i < len(r) else None) is not None for r in body) for i in range(first)]
    if not counts or max(counts) == 0:
        raise RefreshError(f"{name} : aucune colonne de codes département avant les colonnes de trimestres", url=url)
    code_at = counts.index(max(counts))
    records = [r for r in body if code_at < len(r) and _departement_code(r[code_at]) is not None]
    _check_names(records, code_at, name, url)
    frame = pd.DataFrame(
        {
            "code": [_departement_code(r[code_at]) for r in records],
            "latest": [r[quarters[latest]] if quarters[latest] < len(r) else None for r in records],
            "previous": [r[quarters[previous]] if quarters[previous] < len(r) else None for r in records],
        }
    )
    kept, notes = _keep_departements(frame, "code")
    provisional = [slug(str(header[i])).endswith(" p") for i in (quarters[latest], quarters[previous])]
    notes += tuple(f"{q} : valeurs provisoires (p)" for q, p in zip((latest, previous), provisional, strict=True) if p)
    figures = {
        "unemployment_rate_pct": _numbers(kept["latest"], f"{name}, colonne {latest}", kept["code"]),
        "unemployment_rate_prev_pct": _numbers(kept["previous"], f"{name}, colonne {previous}", kept["code"]),
    }
    periods = {"unemployment_rate_pct": frozenset({latest}), "unemployment_rate_prev_pct": frozenset({previous})}
    return _parsed("insee_unemployment", figures, kept["code"], periods, url, notes)


def _check_names(records: Sequence[Sequence[object]], code_at: int, name: str, url: str) -> None:
    """The name beside each code must be that département's (région codes overlap département codes)."""
    wrong = []
    for row in records:
        code, label = _departement_code(row[code_at]), row[code_at + 1] if code_at + 1 < len(row) else None
        if not isinstance(label, str) or not label.strip() or code is None or code in COLLECTIVITIES:
            continue
        try:
            matches = normalise_departement(label) == code
        except CodeError:
            matches = False
        if not matches:
            wrong.append(f"{code} « {label.strip()} »")
    if wrong:
        raise RefreshError(
            f"{name} : noms et codes ne concordent pas ({', '.join(wrong[:5])}) : ce tableau n'est-il pas celui des "
            "régions ?",
            url=url,
        )


def _xlsx_rows(data: bytes, name: str, url: str) -> list[tuple[str, list[list[object]]]]:
    """Every worksheet of an XLSX file (or of the first XLSX inside a ZIP archive) as rows of cell values."""
    if data.startswith(_OLE_MAGIC):
        raise RefreshError(f"{name} : classeur Excel 97-2003 (.xls), non pris en charge (attendu : .xlsx)", url=url)
    _check_not_html(data, name, url)
    try:
        with tabular.open_archive(data) as archive:  # a ZIP bomb is refused before anything is decompressed
            members = archive.namelist()
            if "[Content_Types].xml" not in members:
                inner = [m for m in members if m.lower().endswith(".xlsx")]
                if not inner:
                    listed = ", ".join(members[:10])
                    raise RefreshError(f"{name} : archive ZIP sans classeur .xlsx (contenu : {listed})", url=url)
                data = archive.read(inner[0])
                tabular.open_archive(data).close()  # the workbook inside, checked the same way
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except tabular.TabularError as error:
        raise RefreshError(f"{name} : {error}", url=url) from error
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise RefreshError(f"{name} : ce n'est pas un classeur XLSX lisible ({error})", url=url) from error
    try:
        return [(str(ws.title), [list(row) for row in ws.iter_rows(values_only=True)]) for ws in workbook.worksheets]
    finally:
        workbook.close()


_DARES_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("code_departement", "code departement", "code_dep", "dep"),
    "date": ("date", "mois", "periode"),
    "category": ("categorie", "categorie d inscription"),
    "value": (
        "nombre_de_demandeurs_d_emploi",
        "nombre de demandeurs d emploi",
        "demandeurs d emploi",
        "nombre",
        "valeur",
        "effectif",
    ),
    "kind": ("type_de_donnees", "type de donnees"),
}
#: Breakdown columns of the DARES files whose "all" rows are kept.
_DARES_BREAKDOWNS: Final[frozenset[str]] = frozenset(
    {"sexe", "tranche d age", "age", "anciennete", "anciennete d inscription", "tranche d heures travaillees"}
)
_ALL: Final[frozenset[str]] = frozenset({"total", "ensemble", "tous", "toutes"})


def parse_dares_jobseekers(data: bytes, *, url: str = DARES_URL) -> ParsedDataset:
    """DARES raw month-end stocks by département -> ``jobseekers_cat_a`` (latest January, category A) and
    ``jobseekers_cat_a_prev`` (``JOBSEEKERS_PREV_MONTH``); periods ``YYYY-MM``."""
    name = "dares_defm_stock_regions_brut_mens.csv"
    frame = _read_records(data, name, url)
    cols = _columns(frame, _DARES_COLUMNS, ("code", "date", "category", "value"), name, url)
    frame = frame[frame[str(cols["category"])].map(slug).isin({"a", "categorie a", "cat a"})]
    for column in frame.columns:
        if slug(str(column)) in _DARES_BREAKDOWNS:
            frame = frame[frame[column].map(slug).isin(_ALL)]
    if cols["kind"] is not None and frame[cols["kind"]].nunique() > 1:
        raw = frame[cols["kind"]].map(slug).str.contains("brut")
        if not raw.any():
            kinds = ", ".join(sorted(set(frame[cols["kind"]])))
            raise RefreshError(f"{name} : aucune série « brute » dans la colonne {cols['kind']!r} ({kinds})", url=url)
        frame = frame[raw]
    rows, notes = _keep_departements(frame, str(cols["code"]))
    if rows.empty:
        raise RefreshError(f"{name} : aucune ligne « catégorie A, total » avec un code département", url=url)
    months = rows[str(cols["date"])].map(lambda text: _month(text, f"{name}, colonne {cols['date']}"))
    rows = rows.assign(month=months)
    doubles = rows[rows.duplicated(["code", "month"], keep=False)]
    if not doubles.empty:
        first = doubles.iloc[0]
        raise RefreshError(
            f"{name} : plusieurs lignes pour le département {first['code']} en {first['month']} — ventilation non"
            f" reconnue (colonnes : {', '.join(map(str, frame.columns))})",
            url=url,
        )
    januaries = sorted(m for m in set(rows["month"]) if m.endswith("-01"))
    if not januaries or JOBSEEKERS_PREV_MONTH not in januaries:
        found = f"{min(rows['month'])} à {max(rows['month'])}"
        raise RefreshError(f"{name} : il faut janvier {JOBSEEKERS_PREV_MONTH[:4]} et un janvier récent ({found})")
    latest = januaries[-1]
    values = _numbers(rows[str(cols["value"])], f"{name}, colonne {cols['value']}", rows["code"])
    table = rows.assign(value=values).pivot(index="code", columns="month", values="value")
    figures = {"jobseekers_cat_a": table[latest], "jobseekers_cat_a_prev": table[JOBSEEKERS_PREV_MONTH]}
    periods = {"jobseekers_cat_a": frozenset({latest}), "jobseekers_cat_a_prev": frozenset({JOBSEEKERS_PREV_MONTH})}
    return _parsed("dares_jobseekers", figures, pd.Series(table.index), periods, url, notes)


_CNAF_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": (
        "numdep",
        "numero de departement",
        "numero departement",
        "code_departement",
        "code departement",
        "code_dep",
        "dep",
    ),
    "date": ("dtreffre", "date de reference", "date_reference", "date"),
    "value": (
        "indben_aah",
        "nombre de beneficiaires de l aah",
        "nombre de beneficiaires",
        "beneficiaires",
        "nombre d allocataires",
        "allocataires",
    ),
}


def parse_cnaf_aah(data: bytes, *, url: str = CNAF_AAH_URL) -> ParsedDataset:
    """CNAF data.caf.fr AAH recipients by département -> ``aah_recipients``: the sum over the file's breakdowns
    (complément, age) for the latest December, period ``YYYY-12``. A blank count leaves the total missing."""
    name = "aah_s_complaah_age_5_dep.csv"
    frame = _read_records(data, name, url)
    cols = _columns(frame, _CNAF_COLUMNS, ("code", "date", "value"), name, url)
    rows, notes = _keep_departements(frame, str(cols["code"]))
    if rows.empty:
        raise RefreshError(f"{name} : aucune ligne avec un code département dans la colonne {cols['code']!r}")
    months = rows[str(cols["date"])].map(lambda text: _month(text, f"{name}, colonne {cols['date']}"))
    decembers = sorted(m for m in set(months) if m.endswith("-12"))
    if not decembers:
        raise RefreshError(f"{name} : aucun mois de décembre (mois trouvés : {min(months)} à {max(months)})", url=url)
    latest = decembers[-1]
    rows = rows[months == latest]
    values = _numbers(rows[str(cols["value"])], f"{name}, colonne {cols['value']}", rows["code"])
    if (values < 0).any():
        raise RefreshError(f"{name} : effectif négatif dans la colonne {cols['value']!r}", url=url)
    grouped = values.groupby(rows["code"])
    totals = grouped.sum().where(~values.isna().groupby(rows["code"]).any())
    periods = {"aah_recipients": frozenset({latest})}
    return _parsed("cnaf_msa_aah", {"aah_recipients": totals}, pd.Series(totals.index), periods, url, notes)


_CENSUS_CODE_COLUMNS: Final[dict[str, tuple[str, ...]]] = {
    "code": ("codgeo", "com", "code commune", "code_commune", "codecom", "depcom", "code geographique", "code insee"),
}


def _census_text(data: bytes, name: str, url: str) -> tuple[str, str]:
    """The name and text of a commune base: the ``base-cc….csv`` member of INSEE's ZIP (``meta…`` members aside),
    or the bytes themselves when they are no ZIP; UTF-8, else Windows-1252 (older vintages)."""
    _check_not_html(data, name, url)
    if data.startswith(_ZIP_MAGIC):
        try:
            with tabular.open_archive(data) as archive:  # a ZIP bomb is refused before anything is decompressed
                members = [info for info in archive.infolist() if not info.is_dir()]
                bases = [
                    info
                    for info in members
                    if (base := info.filename.rsplit("/", 1)[-1].lower()).startswith("base-cc")
                    and base.endswith(".csv")
                ]
                if len(bases) != 1:
                    listed = ", ".join(info.filename for info in members[:10]) or "aucun fichier"
                    what = "aucun fichier" if not bases else "plusieurs fichiers"
                    raise RefreshError(f"{name} : {what} base-cc….csv dans l'archive ZIP (contenu : {listed})", url=url)
                if bases[0].file_size > MAX_DOWNLOAD_BYTES:
                    raise RefreshError(f"{name} : {bases[0].filename} trop volumineux une fois décompressé", url=url)
                name, data = bases[0].filename.rsplit("/", 1)[-1], archive.read(bases[0])
        except tabular.TabularError as error:
            raise RefreshError(f"{name} : {error}", url=url) from error
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as error:
            raise RefreshError(f"{name} : archive ZIP illisible ({error})", url=url) from error
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return name, data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RefreshError(f"{name} : encodage non reconnu (ni UTF-8 ni Windows-1252)", url=url)


def _census_columns(
    headers: Sequence[str], fields: Sequence[str], prefix: str, name: str, url: str
) -> tuple[str, dict[str, int]]:
    """The census year (``2022``) of the latest columns ``<P|C><yy>_<FIELD>`` present for every field, and the
    position of each field's column (the ``prefix`` exploitation when both are there)."""
    pattern = re.compile(rf"^([PC])(\d{{2}})_({'|'.join(map(re.escape, fields))})$", re.IGNORECASE)
    found: dict[int, dict[str, tuple[bool, int]]] = {}
    for index, header in enumerate(headers):
        if match := pattern.match(header):
            letter, yy, field_name = match.group(1).upper(), int(match.group(2)), match.group(3).upper()
            year = 1900 + yy if yy >= 60 else 2000 + yy
            other = letter != prefix
            found.setdefault(year, {})
            if field_name not in found[year] or found[year][field_name][0] > other:
                found[year][field_name] = (other, index)
    complete = [year for year, columns in found.items() if len(columns) == len(fields)]
    if not complete:
        latest = max(found, default=2022)
        missing = ", ".join(f"{prefix}{latest % 100:02d}_{f}" for f in fields if f not in found.get(latest, {}))
        seen = ", ".join(headers[:25]) + (f"… ({len(headers)} colonnes)" if len(headers) > 25 else "")
        raise RefreshError(
            f"{name} : présentation non reconnue — colonne(s) {missing} introuvable(s) (attendu : une colonne"
            f" <P|C><aa>_<champ> pour chacun des champs {', '.join(fields)}, d'une même année de recensement) ;"
            f" colonnes du fichier : {seen}",
            url=url,
        )
    year = max(complete)
    return str(year), {f: found[year][f][1] for f in fields}


def _commune_numbers(values: pd.Series, where: str, codes: pd.Series) -> pd.Series:
    """:func:`_numbers` for long columns, vectorised: the same rules, the same messages."""
    text = values.fillna("").astype(str).str.strip()
    missing = text.str.casefold().isin(_MISSING)
    compact = text.str.replace(_SPACES.pattern, "", regex=True)
    wrong = ~missing & ~compact.str.match(_PLAIN_NUMBER.pattern)
    if wrong.any():
        first = int(np.argmax(wrong.to_numpy()))
        raise RefreshError(f"{where}, ligne {codes.iloc[first]} : {text.iloc[first]!r} n'est pas un nombre")
    return pd.to_numeric(compact.where(~missing).str.replace(",", ".", regex=False)).astype(float)


def _census_base(
    data: bytes, name: str, url: str, fields: Sequence[str], prefix: str
) -> tuple[pd.DataFrame, str, tuple[str, ...]]:
    """A commune base of the census summed by département: one column per field (unrounded; NaN for a département
    with a blank commune cell) indexed by département code, the census year of the columns, and the notes. Only the
    code and field columns are read, by pandas' C parser: the real files hold ~35,000 communes × ~150 columns."""
    name, text = _census_text(data, name, url)
    first = next((line for line in io.StringIO(text) if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    headers = [h.strip() for h in next(csv.reader([first], delimiter=delimiter), [])]
    code_at = headers.index(
        str(_columns(pd.DataFrame(columns=headers), _CENSUS_CODE_COLUMNS, ("code",), name, url)["code"])
    )
    year, positions = _census_columns(headers, fields, prefix, name, url)
    try:
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter, header=0, usecols=[code_at, *positions.values()], dtype=str,
            keep_default_na=False, na_filter=False, skip_blank_lines=True, engine="c", nrows=MAX_ROWS + 1,
        )  # fmt: skip
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise RefreshError(f"{name} : CSV illisible ({error})", url=url) from error
    if len(frame) > MAX_ROWS:
        raise RefreshError(f"{name} : plus de {MAX_ROWS} lignes", url=url)
    frame = frame.set_axis([headers[i] for i in sorted([code_at, *positions.values()])], axis=1)
    codes = frame[headers[code_at]].fillna("").astype(str).str.strip().str.upper()
    codes = codes.where(~codes.str.fullmatch(r"\d{4}"), "0" + codes)  # a leading zero lost in a spreadsheet
    valid = codes.str.match(_COMMUNE.pattern)
    notes: list[str] = []
    if (~valid).any():
        notes.append(f"{int((~valid).sum())} ligne(s) sans code commune ignorée(s) (lignes vides ou de total)")
    frame, codes = frame[valid], codes[valid]
    doubles = sorted(set(codes[codes.duplicated()]))
    if doubles:
        raise RefreshError(f"{name} : codes commune en double : {', '.join(doubles[:10])}", url=url)
    departements = codes.str[:3].where(codes.str.startswith(("97", "98")), codes.str[:2])
    outside = departements.isin(COLLECTIVITIES)
    if outside.any():
        listed = ", ".join(sorted(set(departements[outside])))
        notes.append(f"collectivités d'outre-mer laissées de côté (pas des départements) : {listed}")
    dropped = [
        (parent, int(codes.isin(arms).sum()))
        for parent, arms in ARRONDISSEMENTS.items()
        if (codes == parent).any() and codes.isin(arms).any()
    ]
    if dropped:
        listed = ", ".join(f"{parent} ({count})" for parent, count in dropped)
        notes.append(f"arrondissements municipaux laissés de côté, leur commune étant déjà comptée : {listed}")
    arrondissements = codes.isin({code for parent, _ in dropped for code in ARRONDISSEMENTS[parent]})
    kept = ~outside & ~arrondissements
    frame, codes, departements = frame[kept], codes[kept], departements[kept]
    sums: dict[str, pd.Series] = {}
    for field_name, position in positions.items():
        column = headers[position]
        values = _commune_numbers(frame[column], f"{name}, colonne {column}", codes)
        negative = values < 0
        if negative.any():
            first_bad = int(np.argmax(negative.to_numpy()))
            raise RefreshError(
                f"{name} : valeur négative dans la colonne {column!r} (commune {codes.iloc[first_bad]} :"
                f" {values.iloc[first_bad]:g})",
                url=url,
            )
        blank = values.isna()
        if blank.any():
            listed = ", ".join(codes[blank].iloc[:5]) + ("…" if blank.sum() > 5 else "")
            deps = ", ".join(sorted(set(departements[blank])))
            notes.append(
                f"{column} : {int(blank.sum())} commune(s) sans valeur ({listed}) ; total laissé manquant pour : {deps}"
            )
        grouped = values.groupby(departements)
        sums[field_name] = grouped.sum().where(~blank.groupby(departements).any())
    return pd.DataFrame(sums), year, tuple(notes)


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """``100 × part / whole`` rounded to 0.1; missing when ``whole`` is missing or 0."""
    return (100 * part / whole).where(whole > 0).round(1)


def parse_insee_census_activity(data: bytes, *, url: str = INSEE_CENSUS_ACTIVITY_URL) -> ParsedDataset:
    """INSEE commune base « activité des résidents » -> ``pop_15_64`` (``P22_POP1564``) and
    ``other_inactive_15_64`` (``P22_AINACT1564``), département sums rounded to the unit, and
    ``other_inactive_15_64_pct`` (100 × their ratio, rounded to 0.1); period: the census year of the columns."""
    sums, year, notes = _census_base(
        data, "base-cc-emploi-pop-active-2022_csv.zip", url, ("POP1564", "AINACT1564"), "P"
    )
    figures = {
        "pop_15_64": sums["POP1564"].round(0),
        "other_inactive_15_64": sums["AINACT1564"].round(0),
        "other_inactive_15_64_pct": _share(sums["AINACT1564"], sums["POP1564"]),
    }
    periods = {column: frozenset({year}) for column in figures}
    return _parsed("insee_census_activity", figures, pd.Series(sums.index), periods, url, notes)


def parse_insee_census_families(data: bytes, *, url: str = INSEE_FAMILIES_URL) -> ParsedDataset:
    """INSEE commune base « couples – familles – ménages » -> ``families_total`` (``C22_FAM``) and
    ``single_parent_families`` (``C22_FAMMONO``), département sums rounded to the unit, and the shares of all
    families (100 × ``FMONO``, ``HMONO``, ``COUPAENF``, ``COUPSENF`` / ``FAM``, rounded to 0.1); period: the census
    year of the columns."""
    fields = ("FAM", "FAMMONO", "FMONO", "HMONO", "COUPAENF", "COUPSENF")
    sums, year, notes = _census_base(data, "base-cc-coupl-fam-men-2022_csv.zip", url, fields, "C")
    families = sums["FAM"]
    figures = {
        "families_total": families.round(0),
        "single_parent_families": sums["FAMMONO"].round(0),
        "single_mothers_share_pct": _share(sums["FMONO"], families),
        "single_fathers_share_pct": _share(sums["HMONO"], families),
        "couples_with_children_share_pct": _share(sums["COUPAENF"], families),
        "couples_no_child_share_pct": _share(sums["COUPSENF"], families),
    }
    periods = {column: frozenset({year}) for column in figures}
    return _parsed("insee_families", figures, pd.Series(sums.index), periods, url, notes)


# --- registry -----------------------------------------------------------------------------------------------------

OFFICIAL: Final[dict[str, OfficialSource]] = {
    source.dataset_id: source
    for source in (
        OfficialSource(
            dataset_id="arcep_broadband",
            title="Arcep — Ma connexion internet, éligibilité par département",
            url=ARCEP_URL,
            page=ARCEP_URL,
            layout=(
                "CSV ';' with a header: date (edition, ISO date), code_dep (département code as text), nbr (all "
                "premises), elig_ftth (FTTH-eligible premises), other elig_* columns ignored; one row per "
                "département. Assumed: code column also as code_departement/dep/departement; a 'type' column, if "
                "any, is filtered to 'all'."
            ),
            parser=parse_arcep_broadband,
            indicators=("ftth_share_pct", "total_premises"),
            period_format="YYYY-MM-DD (the file's date column)",
            period_pattern=r"\d{4}-\d{2}-\d{2}",
            caveats=(
                "Share computed by Homeshore as elig_ftth / nbr x 100 from the official file, rounded to 0.1; do not "
                "multiply share x premises to get FTTH counts.",
                "Paris is one unit (75).",
            ),
            stale_caveats=(
                "Obtained through a third-party mirror",
                "Share = elig_ftth / nbr x 100, rounded to 0.1 by",
                "Mayotte (976) stands out at",
            ),
        ),
        OfficialSource(
            dataset_id="insee_unemployment",
            title="INSEE — taux de chômage localisés par département (TCRD_025)",
            url=INSEE_UNEMPLOYMENT_URL,
            page=INSEE_UNEMPLOYMENT_PAGE,
            layout=(
                "XLSX: title lines, a header row with one cell per quarter ('3ᵉ trim. 2025 (p)', '2ᵉ trim. 2025', "
                "'3ᵉ trim. 2024'), then one row per département: code (text), name, rates in % with one decimal; "
                "France rows and notes after. Assumed: the download path /statistiques/fichier/2012804/TCRD_025.xlsx "
                "(a ZIP holding the xlsx is read too)."
            ),
            parser=parse_insee_unemployment,
            indicators=("unemployment_rate_pct", "unemployment_rate_prev_pct"),
            period_format="YYYY-Qn (quarter of the header)",
            period_pattern=r"\d{4}-Q[1-4]",
            dataset=(
                "Taux de chômage localisés par département (chiffres clés TCRD_025), estimations de taux de chômage "
                "localisés"
            ),
            caveats=("Read from INSEE's TCRD_025.xlsx; the latest quarter is usually provisional (p).",),
            stale_caveats=(
                "Not the latest quarter",
                "Read through a third-party GitHub project",
                "2025-Q3 is provisional",
            ),
        ),
        OfficialSource(
            dataset_id="dares_jobseekers",
            title="DARES — demandeurs d'emploi inscrits à France Travail par département (données brutes)",
            url=DARES_URL,
            page=DARES_PAGE,
            layout=(
                "Opendatasoft CSV export ';' of dares_defm_stock_regions_brut_mens: date (YYYY-MM), code_departement, "
                "categorie (A…), breakdowns sexe / tranche_d_age / anciennete ('Total' kept), type_de_donnees, "
                "nombre_de_demandeurs_d_emploi (or the same fields' labels). Assumed: dataset id and fields seen in "
                "public code using the DARES API, its page not consulted; 'Total' rows of code_departement skipped."
            ),
            parser=parse_dares_jobseekers,
            indicators=("jobseekers_cat_a", "jobseekers_cat_a_prev"),
            period_format="YYYY-MM (latest January; January 2024 for the previous column)",
            period_pattern=r"\d{4}-01",
            dataset=(
                "Demandeurs d'emploi inscrits à France Travail par département, catégorie A, stocks en fin de mois, "
                "données brutes (DARES open data, dares_defm_stock_regions_brut_mens)"
            ),
            caveats=(
                "Read from the DARES open-data export dares_defm_stock_regions_brut_mens (dataset id seen in public "
                "code using the DARES API; the dataset page was not consulted); the latest January fills the current "
                "column, January 2024 the previous one.",
            ),
            stale_caveats=(
                "Third-party extract",
                "In some rows source_url also lists",
                "Mayotte absent from the extract",
                "The departmental dataset page on the DARES portal",
            ),
        ),
        OfficialSource(
            dataset_id="cnaf_msa_aah",
            title="CNAF — allocataires de l'AAH par département (data.caf.fr)",
            url=CNAF_AAH_URL,
            page=CNAF_AAH_PAGE,
            layout=(
                "Opendatasoft CSV export ';' of data.caf.fr aah_s_complaah_age_5_dep: dtreffre (YYYY-MM), numdep, "
                "nomdep, numregi, nomregi, aah_complaah, aah_age_5, indben_aah (recipients), lieures; one row per "
                "département x month x complément x age band. Assumed: field names seen in a public extract; "
                "aah_recipients = sum of indben_aah over the breakdowns for the latest December."
            ),
            parser=parse_cnaf_aah,
            indicators=("aah_recipients",),
            period_format="YYYY-12 (latest December)",
            period_pattern=r"\d{4}-12",
            producer="CNAF (aah_recipients, data.caf.fr); CNAF and CCMSA via HandiDonnées (other columns, kept)",
            dataset=(
                "AAH – répartition des allocataires selon le type de complément d'AAH – département (CNAF open data) "
                "for aah_recipients; the home / institution counts and the rate per 1,000 aged 20–64 keep the "
                "previous snapshot's CNAF + MSA figures"
            ),
            caveats=(
                "aah_recipients now counts CNAF recipients only (no MSA), at the latest December of the CNAF file: "
                "a narrower scope than the bundled CNAF + MSA totals, and no longer equal to aah_home + "
                "aah_institution, which keep their previous period.",
                "The CNAF file has no home / institution split and no rate per 1,000 aged 20–64: those columns are "
                "unchanged by the refresh.",
            ),
            stale_caveats=(
                "aah_recipients = home + institution",
                "One year only (2021)",
                "CNAF and MSA combined, unlike",
            ),
        ),
        OfficialSource(
            dataset_id="insee_census_activity",
            title="INSEE — base communale « Activité des résidents » (emploi – population active), RP2022",
            url=INSEE_CENSUS_ACTIVITY_URL,
            page=INSEE_CENSUS_ACTIVITY_PAGE,
            layout=(
                "ZIP holding base-cc-emploi-pop-active-2022.CSV (a meta_*.CSV member is ignored; the CSV alone is "
                "read too): ';'-separated, UTF-8 (Windows-1252 read too), values possibly quoted, one row per "
                "commune: CODGEO (commune code as text), REG/DEP/LIBGEO, then numeric columns P22_*/C22_* (weighted "
                "census estimates, decimal point) beside older censuses' (P16_*, P11_*). Reads P22_POP1564 and "
                "P22_AINACT1564 (the latest year with both) and sums them by département. Assumed: this layout is "
                "known from public code using INSEE's base-cc files, not checked against a live download; municipal "
                "arrondissements are dropped when their commune (75056, 13055, 69123) is listed too."
            ),
            parser=parse_insee_census_activity,
            indicators=("pop_15_64", "other_inactive_15_64", "other_inactive_15_64_pct"),
            period_format="YYYY (census year of the columns, e.g. P22_ → 2022)",
            period_pattern=r"\d{4}",
            dataset=(
                "Base communale « Activité des résidents » (emploi – population active), RP2022, exploitation "
                "principale (P22_POP1564, P22_AINACT1564), summed by département by Homeshore"
            ),
            caveats=(
                "Département sums of INSEE's commune base computed by Homeshore (RP2022, geography of 1 January "
                "2025): counts rounded to the unit, as INSEE prints département census counts; the share is "
                "100 × AINACT1564 / POP1564 from the unrounded sums, rounded to 0.1, so it may differ by 0.1 from "
                "INSEE's own département tables.",
            ),
            stale_caveats=("Couverture très partielle (2/101)",),
        ),
        OfficialSource(
            dataset_id="insee_families",
            title="INSEE — base communale « Couples – Familles – Ménages », RP2022",
            url=INSEE_FAMILIES_URL,
            page=INSEE_FAMILIES_PAGE,
            layout=(
                "ZIP holding base-cc-coupl-fam-men-2022.CSV (a meta_*.CSV member is ignored; the CSV alone is read "
                "too): ';'-separated, UTF-8 (Windows-1252 read too), values possibly quoted, one row per commune: "
                "CODGEO (commune code as text), REG/DEP/LIBGEO, then numeric columns P22_*/C22_* (weighted census "
                "estimates, decimal point) beside older censuses'. Reads C22_FAM, C22_FAMMONO, C22_FMONO, C22_HMONO, "
                "C22_COUPAENF and C22_COUPSENF (the latest year with all six) and sums them by département. Assumed: "
                "this layout is known from public code using INSEE's base-cc files, not checked against a live "
                "download; municipal arrondissements are dropped when their commune (75056, 13055, 69123) is listed "
                "too."
            ),
            parser=parse_insee_census_families,
            indicators=(
                "families_total",
                "single_parent_families",
                "single_mothers_share_pct",
                "single_fathers_share_pct",
                "couples_with_children_share_pct",
                "couples_no_child_share_pct",
            ),
            period_format="YYYY (census year of the columns, e.g. P22_ → 2022)",
            period_pattern=r"\d{4}",
            dataset=(
                "Base communale « Couples – Familles – Ménages », RP2022, exploitation complémentaire (C22_FAM, "
                "C22_FAMMONO, C22_FMONO, C22_HMONO, C22_COUPAENF, C22_COUPSENF), summed by département by Homeshore"
            ),
            caveats=(
                "Département sums of INSEE's commune base computed by Homeshore (RP2022, exploitation complémentaire, "
                "geography of 1 January 2025): counts rounded to the unit, as INSEE prints département census "
                "counts; each share is 100 × FMONO, HMONO, COUPAENF or COUPSENF / FAM from the unrounded sums, "
                "rounded to 0.1, so it may differ by 0.1 from INSEE's own département tables.",
            ),
            stale_caveats=(
                "The table's footnotes were not seen",
                "Shares are rounded to 0.1",
                "Fill the missing départements from the same 2022 table only",
                "Rows 34, 40 and 43 have no family figures",
            ),
        ),
    )
}


# --- validation ---------------------------------------------------------------------------------------------------


@functools.cache
def official_codes() -> tuple[str, ...]:
    """The 101 département codes, in official order (``01``…``19``, ``2A``, ``2B``, ``21``…``95``, ``971``…)."""
    codes = _datafrance.departements_table()["code"].astype(str)
    return tuple(sorted(codes, key=lambda code: (int(code[:2]) if code[:2].isdigit() else 20, code)))


def coverage(parsed: ParsedDataset) -> dict[str, int]:
    """Per indicator column of ``parsed``: how many of the 101 départements have a value."""
    official = parsed.figures[parsed.figures["code"].isin(official_codes())].drop_duplicates("code")
    columns = [c for c in parsed.figures.columns if c not in ("code", "source_url")]
    return {column: int(official[column].notna().sum()) for column in columns}


def validate(parsed: ParsedDataset) -> list[str]:
    """Every problem of ``parsed``, in French: unknown or duplicate codes, values out of their plausible range
    (shares and rates in % within 0–100, ‰ within 0–1000, counts ≥ 0), missing or empty columns, and each column
    not at exactly one period of the expected format. An empty list means it can be written."""
    problems: list[str] = []
    figures = parsed.figures
    official = OFFICIAL.get(parsed.dataset_id)
    catalogue = sources.load_catalogue()
    codes = figures["code"].astype(str)
    unknown = sorted(set(codes) - set(official_codes()))
    if unknown:
        problems.append(
            f"codes inconnus : {', '.join(unknown)} (attendus : les 101 codes officiels en texte, 01…95, 2A, 2B, "
            "971…974, 976)"
        )
    doubles = sorted(set(codes[codes.duplicated()]))
    if doubles:
        problems.append(f"codes en double : {', '.join(doubles)}")
    expected = official.indicators if official else tuple(c for c in figures.columns if c in catalogue)
    counts = coverage(parsed) if "code" in figures else {}
    for column in expected:
        if column not in figures.columns:
            problems.append(f"colonne {column} absente")
            continue
        problems += [f"{column} : {p}" for p in _range_problems(figures, column, catalogue.get(column))]
        if counts.get(column, 0) == 0:
            problems.append(f"{column} : aucune valeur pour un département")
        periods = parsed.periods.get(column, frozenset())
        if len(periods) != 1:
            found = ", ".join(sorted(periods)) or "aucune"
            problems.append(f"{column} : une seule période attendue par colonne (trouvé : {found})")
        elif official and not re.fullmatch(official.period_pattern, next(iter(periods))):
            problems.append(f"{column} : période {next(iter(periods))!r} hors format ({official.period_format})")
    return problems


def _range_problems(figures: pd.DataFrame, column: str, indicator: sources.Indicator | None) -> list[str]:
    values = pd.to_numeric(figures[column], errors="coerce")
    codes = figures["code"].astype(str)
    problems = []
    if (values.isna() & figures[column].notna()).any():
        problems.append("valeurs non numériques")
    if np.isinf(values).any():
        problems.append(f"valeurs infinies ({', '.join(codes[np.isinf(values)])})")
    if indicator is None:
        return problems
    bounds = {"%": 100.0, "‰": 1000.0}.get(indicator.unit) if indicator.kind in ("share", "rate") else None
    low = values < 0
    high = values > bounds if bounds is not None else pd.Series(False, index=values.index)
    bad = low | high
    if bad.any():
        limit = f"entre 0 et {bounds:g} {indicator.unit}" if bounds is not None else "positifs ou nuls"
        listed = ", ".join(f"{c} = {v:g}" for c, v in zip(codes[bad], values[bad], strict=True))
        problems.append(f"valeurs hors de la plage plausible ({limit}) : {listed}")
    return problems


# --- run ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Prepared:
    dataset_id: str
    figures: pd.DataFrame
    record: dict[str, snapshot.TomlValue]
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = field(default=())


def refreshable_ids() -> list[str]:
    """The dataset ids ``run`` can refresh, in registry order."""
    return list(OFFICIAL)


def plan(
    only: Sequence[str] | None = None,
    *,
    progress: Callable[[str], None] = _silent,
    fetch: Callable[[str], bytes] | None = None,
) -> list[Change]:
    """What a refresh would change (the files are downloaded, parsed and validated; nothing is written)."""
    return list(run(only, dry_run=True, progress=progress, fetch=fetch).changes)


def run(
    only: Sequence[str] | None = None,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] = _silent,
    fetch: Callable[[str], bytes] | None = None,
) -> RefreshReport:
    """Refresh the datasets ``only`` names (default: every id of :data:`OFFICIAL`).

    Downloads every file first (``fetch``, default :func:`download` with ``progress``), then parses and validates
    every file, and only when all succeeded writes them into the user's snapshot folder (unless ``dry_run``): all
    or nothing, so any failure leaves the current snapshot as it was. Raises ``ValueError`` for an unknown id and
    :class:`RefreshError` (a French message listing every problem) otherwise.
    """
    ids = _select(only)
    getter = fetch if fetch is not None else functools.partial(download, progress=progress)
    today = dt.date.today().isoformat()
    progress(f"Actualisation depuis les fichiers officiels : {', '.join(ids)}{' (simulation)' if dry_run else ''}")
    fetched, problems = _fetch_all(ids, getter, progress)
    parsed: dict[str, ParsedDataset] = {}
    for dataset_id, (item, data) in fetched.items():
        try:
            result = OFFICIAL[dataset_id].parser(data, url=item.url)
        except RefreshError as error:
            problems.append(f"{dataset_id} : {error}")
            continue
        except (ValueError, KeyError, IndexError, TypeError) as error:
            problems.append(f"{dataset_id} : fichier illisible ({type(error).__name__} : {error})")
            continue
        issues = validate(result)
        problems += [f"{dataset_id} : {issue}" for issue in issues]
        if not issues:
            parsed[dataset_id] = result
            progress(
                f"[{dataset_id}] lu et vérifié : " + ", ".join(f"{c} {n}/{_TOTAL}" for c, n in coverage(result).items())
            )
    if problems:
        raise RefreshError(_abort_message(problems))
    prepared = [_prepare(parsed[i], fetched[i][0], today, dry_run) for i in ids]
    drops = [_coverage_drop(change) for item in prepared for change in item.changes if _is_drop(change)]
    if drops:
        raise RefreshError(_abort_message(drops))
    written: tuple[Path, ...] = () if dry_run else _write_all(prepared, progress)
    return RefreshReport(
        changes=tuple(change for p in prepared for change in p.changes),
        downloads=tuple(item for item, _ in fetched.values()),
        written=written,
        dry_run=dry_run,
        updated=today,
        notes=tuple(f"{p.dataset_id} : {note}" for p in prepared for note in p.notes),
    )


def reset(only: Sequence[str] | None = None) -> list[str]:
    """Forget the refreshed figures of the datasets ``only`` names (default: every refreshed one), so that the bundled
    snapshot shows again; return the ids reset, in registry order. Indicators a user completed from a file are not
    touched (``regions data remove`` does that). Raises ``ValueError`` for an id that is not refreshable."""
    wanted = _select(only) if only is not None else list(OFFICIAL)
    refreshed = {key for key, source in sources.load_sources().items() if source.status == "refreshed"}
    ids = [dataset_id for dataset_id in wanted if dataset_id in refreshed]
    for dataset_id in ids:
        snapshot.remove_dataset(dataset_id)
    indicators.reload()
    return ids


def _is_drop(change: Change) -> bool:
    """A column the official file fills for fewer départements than the current snapshot: a truncated or changed
    file, which must not replace more complete figures."""
    return change.new_coverage < change.old_coverage and not change.status.startswith("conservé")


def _coverage_drop(change: Change) -> str:
    return (
        f"{change.dataset_id} : {change.indicator} couvrirait {change.new_coverage}/{change.total} départements "
        f"contre {change.old_coverage}/{change.total} aujourd'hui : fichier incomplet ou présentation changée ? "
        "Les chiffres actuels, plus complets, restent en place"
    )


def _select(only: Sequence[str] | None) -> list[str]:
    if only is None:
        return list(OFFICIAL)
    if isinstance(only, str):
        only = [part.strip() for part in only.split(",") if part.strip()]
    unknown = [dataset_id for dataset_id in only if dataset_id not in OFFICIAL]
    if unknown or not only:
        bundled = [dataset_id for dataset_id in unknown if dataset_id in _bundled_records()]
        raise ValueError(
            f"`only` was {list(only)} but is expected to name datasets among {list(OFFICIAL)}"
            + (f" ({', '.join(bundled)}: no machine-readable official file to refresh from)" if bundled else "")
        )
    return list(dict.fromkeys(only))


def _fetch_all(
    ids: Sequence[str], getter: Callable[[str], bytes], progress: Callable[[str], None]
) -> tuple[dict[str, tuple[Download, bytes]], list[str]]:
    """Download every file; stop at the first one no server answered (offline), with the offline message."""
    fetched: dict[str, tuple[Download, bytes]] = {}
    problems: list[str] = []
    for dataset_id in ids:
        official = OFFICIAL[dataset_id]
        progress(f"[{dataset_id}] {official.title}")
        try:
            data = getter(official.url)
        except RefreshError as error:
            if error.offline:
                raise RefreshError(_offline_message(ids, error), url=error.url, offline=True) from error
            problems.append(f"{dataset_id} : {error} (page du producteur : {official.page})")
            continue
        except (OSError, RuntimeError) as error:  # another fetcher than download()
            offline = RefreshError(f"impossible de joindre {official.url} : {error}", url=official.url, offline=True)
            raise RefreshError(_offline_message(ids, offline), url=official.url, offline=True) from error
        digest = hashlib.sha256(data).hexdigest()
        progress(f"  {_megabytes(len(data))}, sha256 {digest}")
        fetched[dataset_id] = (Download(dataset_id, official.url, len(data), digest), data)
    return fetched, problems


def _offline_message(ids: Sequence[str], error: RefreshError) -> str:
    files = "\n".join(f"  - {i} : {OFFICIAL[i].url}" for i in ids)
    return (
        f"Actualisation impossible : {error}\n"
        "Rien n'a été modifié : les chiffres actuels (instantané fourni ou déjà actualisé) restent en place.\n"
        "Pour les actualiser, lancez `regions data refresh` sur une machine connectée à internet, ou téléchargez "
        f"les fichiers officiels ci-dessous et importez les chiffres avec `{IMPORT_COMMAND}` :\n{files}\n"
        "`regions data missing` liste chaque indicateur incomplet, les départements qui lui manquent et la commande "
        "d'import qui le complète."
    )


def _abort_message(problems: Sequence[str]) -> str:
    listed = "\n".join(f"  - {problem}" for problem in problems)
    return f"Actualisation annulée : rien n'a été écrit, les chiffres actuels restent en place.\n{listed}"


def _current_figures(source: sources.Source) -> pd.DataFrame:
    frame = sources.read_indicator_file(source) if source.file else pd.DataFrame({"code": []})
    return frame.drop_duplicates("code").set_index("code").reindex(list(official_codes()))


def _indicator_periods(source: sources.Source) -> dict[str, str]:
    """Per-indicator periods written by a previous refresh (``"col: period; col: period"``), else empty."""
    if source.status != "refreshed":
        return {}
    pairs = (part.split(":", 1) for part in source.period.split(";") if ":" in part)
    return {key.strip(): value.strip() for key, value in pairs}


@functools.cache
def _bundled_records() -> dict[str, dict[str, Any]]:
    with (settings.DATA_DIR / sources.SOURCES_FILE).open("rb") as handle:
        return tomllib.load(handle)


@functools.cache
def _bundled_periods() -> dict[str, str]:
    """The catalogue's period of every bundled indicator (a completed indicator's catalogue entry holds the user's)."""
    with (settings.DATA_DIR / sources.CATALOGUE_FILE).open("rb") as handle:
        return {key: str(entry["period"]) for key, entry in tomllib.load(handle).items()}


def _prepare(parsed: ParsedDataset, item: Download, today: str, dry_run: bool) -> _Prepared:
    """The figures to write (the 101 codes; columns the official file lacks keep their current values), the
    provenance record and the changes, indicator by indicator."""
    dataset_id, official = parsed.dataset_id, OFFICIAL[parsed.dataset_id]
    current = sources.load_sources()[dataset_id]
    before = _current_figures(current)
    catalogue = sources.load_catalogue()
    columns = [ind.id for ind in catalogue.values() if dataset_id in (ind.dataset, ind.replaces)]
    hidden = [ind.id for ind in catalogue.values() if ind.replaces == dataset_id]  # the user's figures show instead
    old_periods = {**{c: _bundled_periods()[c] for c in columns}, **_indicator_periods(current)}
    new = parsed.figures.drop_duplicates("code").set_index("code").reindex(list(official_codes()))
    figures = pd.DataFrame(index=new.index)
    urls: dict[str, list[str]] = {code: [] for code in new.index}
    periods: dict[str, str] = {}
    changes: list[Change] = []
    for column in columns:
        carried = column not in official.indicators
        values = (before[column] if carried else new[column]).astype(float)
        figures[column] = values
        periods[column] = old_periods[column] if carried else parsed.period(column)
        old_values = before[column] if column in before else pd.Series(np.nan, index=new.index)
        for code in values.index[values.notna()]:
            origin = str(before.at[code, "source_url"]) if carried and "source_url" in before else item.url
            urls[code] += [u for u in origin.split(" | ") if u and u not in urls[code]]
        old_cov, new_cov = int(old_values.notna().sum()), int(values.notna().sum())
        same = periods[column] == old_periods[column] and _same_values(old_values, values)
        if carried:
            status = "conservé (absent du fichier officiel)"
        elif same:
            status = "inchangé"
        else:
            status = "à mettre à jour" if dry_run else "mis à jour"
        if column in hidden:
            status += f" ; vos chiffres importés restent affichés (regions data remove --id {column} : ceux-ci)"
        changes.append(
            Change(dataset_id, column, old_periods[column], periods[column], old_cov, new_cov, _TOTAL, status)
        )
    for column in columns:  # counts as whole numbers in the file, as in the bundled snapshot
        values = figures[column]
        if catalogue[column].kind == "count" and bool((values.dropna() % 1 == 0).all()):
            figures[column] = values.astype("Int64")
    figures["source_url"] = [" | ".join(urls[code]) for code in figures.index]
    figures = figures.reset_index(names="code")
    record = _record(dataset_id, official, item, today, periods, figures, columns)
    return _Prepared(dataset_id, figures, record, tuple(changes), parsed.notes)


def _same_values(old: pd.Series, new: pd.Series) -> bool:
    a, b = old.to_numpy(dtype=float), new.to_numpy(dtype=float)
    return bool(np.array_equal(np.isnan(a), np.isnan(b)) and np.allclose(a[~np.isnan(a)], b[~np.isnan(b)]))


def _record(
    dataset_id: str, official: OfficialSource, item: Download, today: str, periods: Mapping[str, str],
    figures: pd.DataFrame, columns: Sequence[str],
) -> dict[str, snapshot.TomlValue]:  # fmt: skip
    """The provenance record of a refreshed dataset: the bundled record's producer, dataset, licence, URL and
    still-valid caveats (unless the official source names its own), with the new periods and the download."""
    bundled = _bundled_records()[dataset_id]
    kept = [c for c in bundled.get("caveats", []) if not str(c).startswith(official.stale_caveats)]
    parts = []
    for column in columns:
        missing = figures.loc[figures[column].isna(), "code"].tolist()
        listed = f" (missing: {', '.join(missing)})" if 0 < len(missing) <= 10 else ""
        parts.append(f"{column}: {_TOTAL - len(missing)}/{_TOTAL}{listed}")
    cover = "; ".join(parts)
    return {
        "producer": official.producer or str(bundled["producer"]),
        "dataset": official.dataset or str(bundled["dataset"]),
        "period": "; ".join(f"{column}: {period}" for column, period in periods.items()),
        "url": official.page or str(bundled["url"]),
        "licence": str(bundled["licence"]),
        "retrieved_via": f"téléchargement officiel {item.url} le {today} (sha256 {item.sha256})",
        "coverage_note": f"Refreshed from the official file on {today}. {cover}.",
        "caveats": [*official.caveats, *map(str, kept)],
        "status": "refreshed",
        "updated": today,
    }


def _write_all(prepared: Sequence[_Prepared], progress: Callable[[str], None]) -> tuple[Path, ...]:
    """Write every dataset; if one write fails, put back the overlay files as they were, then raise."""
    folder = sources.overlay_dir()
    touched = [folder / sources.SOURCES_FILE, *(folder / "indicators" / f"{p.dataset_id}.csv" for p in prepared)]
    saved = {path: path.read_bytes() if path.exists() else None for path in touched}
    written: list[Path] = []
    try:
        for item in prepared:
            written.append(snapshot.write_dataset(item.dataset_id, item.figures, item.record))
            progress(f"[{item.dataset_id}] écrit : {written[-1]}")
    except (OSError, ValueError) as error:
        for path, content in saved.items():
            if content is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(content)
        sources.reload()
        raise RefreshError(f"Écriture interrompue ({error}) ; l'instantané précédent a été rétabli.") from error
    indicators.reload()
    return tuple(written)
