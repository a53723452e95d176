"""Refresh the snapshot from the producers' official files: download, parse, validate, then write all or nothing.

``regions data refresh [--only ID,...] [--dry-run]`` calls :func:`run`. For each requested dataset of
:data:`~regions.official.registry.OFFICIAL` it downloads the official file (:func:`regions.official.download`:
timeouts, retries with exponential backoff, sha256 recorded), parses it with its producer's parser
(:mod:`regions.official`: one module per producer, its layout in its record and in
``tests/fixtures/refresh/README.md``), validates the result (:func:`regions.official.validate`) and only when every
requested dataset passed writes them into the workspace database, in one transaction
(:mod:`regions.workspace.userdata`); the bundled snapshot stays the fallback. Any failure leaves the current snapshot
untouched. Without network access :func:`run` raises :class:`RefreshError` naming the official URLs and the two
ways out: run it on a machine with internet, or import the figures from a file with ``regions data import``. When
insee.fr answers a server error (it may refuse clients that are not browsers), the message says so and points to a
manual download.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd
import sqlalchemy as sa

from regions import indicators, settings, snapshot, sources
from regions.official import (
    OFFICIAL,
    OfficialSource,
    ParsedDataset,
    RefreshError,
    download,
    filled_counts,
    official_codes,
    validate,
)
from regions.official._http import megabytes, silent
from regions.official.base import IMPORT_COMMAND
from regions.workspace import people, userdata

__all__ = ["OFFICIAL", "Change", "Download", "RefreshError", "RefreshReport", "refreshable_ids", "reset", "run"]

_TOTAL: Final[int] = settings.N_DEPARTEMENTS
#: A problem that cancels a run, in French and in English.
_Problem = tuple[str, str]


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


def run(
    only: Sequence[str] | None = None,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] = silent,
    fetch: Callable[[str], bytes] | None = None,
    by: people.Actor | None = None,
) -> RefreshReport:
    """Refresh the datasets ``only`` names (default: every id of :data:`OFFICIAL`).

    Downloads every file first (``fetch``, default :func:`download` with ``progress``), then parses and validates
    every file, and only when all succeeded writes them into the workspace for ``by`` (default the local owner, whose
    role must allow imports), unless ``dry_run``: one transaction, so any failure leaves the current snapshot as it
    was. Raises ``ValueError`` for an unknown id and
    :class:`RefreshError` (a message listing every problem, in French and English) otherwise.
    """
    ids = _select(only)
    if not dry_run:
        by = by or people.actor()
        by.require("import")  # before any download
    getter = fetch if fetch is not None else functools.partial(download, progress=progress)
    today = dt.date.today().isoformat()
    progress(f"Actualisation depuis les fichiers officiels : {', '.join(ids)}{' (simulation)' if dry_run else ''}")
    fetched, problems = _fetch_all(ids, getter, progress)
    parsed: dict[str, ParsedDataset] = {}
    for dataset_id, (item, data) in fetched.items():
        try:
            result = OFFICIAL[dataset_id].parser(data, url=item.url)
        except RefreshError as error:
            problems.append((f"{dataset_id} : {error}", f"{dataset_id}: {error.message('en')}"))
            continue
        except (ValueError, KeyError, IndexError, TypeError) as error:
            cause = f"{type(error).__name__} : {error}"
            problems.append((f"{dataset_id} : fichier illisible ({cause})", f"{dataset_id}: unreadable file ({cause})"))
            continue
        issues = validate.validate(result)
        problems += [(f"{dataset_id} : {issue}", f"{dataset_id}: {issue}") for issue in issues]
        if not issues:
            parsed[dataset_id] = result
            progress(
                f"[{dataset_id}] lu et vérifié : "
                + ", ".join(f"{c} {n}/{_TOTAL}" for c, n in filled_counts(result).items())
            )
    if problems:
        raise _aborted(problems)
    prepared = [_prepare(parsed[i], fetched[i][0], today, dry_run) for i in ids]
    drops = [_coverage_drop(change) for item in prepared for change in item.changes if _is_drop(change)]
    if drops:
        raise _aborted(drops)
    written: tuple[Path, ...] = () if dry_run else _write_all(prepared, progress, by or people.actor())
    return RefreshReport(
        changes=tuple(change for p in prepared for change in p.changes),
        downloads=tuple(item for item, _ in fetched.values()),
        written=written,
        dry_run=dry_run,
        updated=today,
        notes=tuple(f"{p.dataset_id} : {note}" for p in prepared for note in p.notes),
    )


def reset(only: Sequence[str] | None = None, *, by: people.Actor | None = None) -> list[str]:
    """Forget the refreshed figures of the datasets ``only`` names (default: every refreshed one), so that the bundled
    snapshot shows again; return the ids reset, in registry order. Indicators a user completed from a file are not
    touched (``regions data remove`` does that). One transaction, by ``by`` (default the local owner). Raises
    ``ValueError`` for an id that is not refreshable."""
    wanted = _select(only) if only is not None else list(OFFICIAL)
    refreshed = {key for key, source in sources.load_sources().items() if source.status == "refreshed"}
    ids = [dataset_id for dataset_id in wanted if dataset_id in refreshed]
    if ids:
        userdata.remove(by or people.actor(), ids, action="reset")
    indicators.reload()
    return ids


def _is_drop(change: Change) -> bool:
    """A column the official file fills for fewer départements than the current snapshot: a truncated or changed
    file, which must not replace more complete figures."""
    return change.new_coverage < change.old_coverage and not change.status.startswith("conservé")


def _coverage_drop(change: Change) -> _Problem:
    new, old = f"{change.new_coverage}/{change.total}", f"{change.old_coverage}/{change.total}"
    return (
        f"{change.dataset_id} : {change.indicator} couvrirait {new} départements contre {old} aujourd'hui : fichier "
        "incomplet ou présentation changée ? Les chiffres actuels, plus complets, restent en place",
        f"{change.dataset_id}: {change.indicator} would cover {new} départements against {old} today: a truncated "
        "file or a changed layout? The current, more complete figures stay in place",
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
) -> tuple[dict[str, tuple[Download, bytes]], list[_Problem]]:
    """Download every file; stop at the first one no server answered (offline), with the offline message."""
    fetched: dict[str, tuple[Download, bytes]] = {}
    problems: list[_Problem] = []
    for dataset_id in ids:
        official = OFFICIAL[dataset_id]
        progress(f"[{dataset_id}] {official.title}")
        try:
            data = getter(official.url)
        except RefreshError as error:
            if error.offline:
                raise _offline(ids, error) from error
            problems.append(
                (
                    f"{dataset_id} : {error} (page du producteur : {official.page})",
                    f"{dataset_id}: {error.message('en')} (producer's page: {official.page})",
                )
            )
            continue
        except (OSError, RuntimeError) as error:  # another fetcher than download()
            offline = RefreshError(
                f"impossible de joindre {official.url} : {error}",
                en=f"cannot reach {official.url}: {error}",
                url=official.url,
                offline=True,
            )
            raise _offline(ids, offline) from error
        digest = hashlib.sha256(data).hexdigest()
        progress(f"  {megabytes(len(data))}, sha256 {digest}")
        fetched[dataset_id] = (Download(dataset_id, official.url, len(data), digest), data)
    return fetched, problems


def _offline(ids: Sequence[str], error: RefreshError) -> RefreshError:
    """No server answered: nothing changed, and the two ways out (a machine with internet, an import)."""
    files = "\n".join(f"  - {i} : {OFFICIAL[i].url}" for i in ids)
    files_en = "\n".join(f"  - {i}: {OFFICIAL[i].url}" for i in ids)
    return RefreshError(
        f"Actualisation impossible : {error}\n"
        "Rien n'a été modifié : les chiffres actuels (instantané fourni ou déjà actualisé) restent en place.\n"
        "Pour les actualiser, lancez `regions data refresh` sur une machine connectée à internet, ou téléchargez "
        f"les fichiers officiels ci-dessous et importez les chiffres avec `{IMPORT_COMMAND}` :\n{files}\n"
        "`regions data missing` liste chaque indicateur incomplet, les départements qui lui manquent et la commande "
        "d'import qui le complète.",
        en=f"Refresh impossible: {error.message('en')}\n"
        "Nothing was changed: the current figures (bundled snapshot or an earlier refresh) stay in place.\n"
        "To refresh them, run `regions data refresh` on a machine connected to the internet, or download the "
        f"official files below and import their figures with `{IMPORT_COMMAND}`:\n{files_en}\n"
        "`regions data missing` lists each incomplete indicator, the départements it lacks and the import command "
        "that completes it.",
        url=error.url,
        offline=True,
    )


def _aborted(problems: Sequence[_Problem]) -> RefreshError:
    """Every problem of a run, listed: nothing was written."""
    listed = "\n".join(f"  - {fr}" for fr, _ in problems)
    listed_en = "\n".join(f"  - {en}" for _, en in problems)
    return RefreshError(
        f"Actualisation annulée : rien n'a été écrit, les chiffres actuels restent en place.\n{listed}",
        en=f"Refresh cancelled: nothing was written, the current figures stay in place.\n{listed_en}",
        reason="refresh_aborted",
    )


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


def _write_all(prepared: Sequence[_Prepared], progress: Callable[[str], None], by: people.Actor) -> tuple[Path, ...]:
    """Write every dataset in one transaction: all of them, or (on an error) none and the snapshot as it was."""
    items = [snapshot.dataset(item.dataset_id, item.figures, item.record) for item in prepared]
    try:
        userdata.write(by, items, action="refresh")
    except (OSError, ValueError, sa.exc.SQLAlchemyError) as error:
        sources.reload()
        if isinstance(error, userdata.StaleDataError | people.PermissionDenied):
            raise
        raise RefreshError(
            f"Écriture interrompue ({error}) ; l'instantané précédent est intact.",
            en=f"Writing interrupted ({error}); the previous snapshot is untouched.",
            reason="write_failed",
        ) from error
    written = [userdata.label() / userdata.figures_file(item.dataset_id) for item in prepared]
    for item, path in zip(prepared, written, strict=True):
        progress(f"[{item.dataset_id}] écrit : {path}")
    indicators.reload()
    return tuple(written)
