"""The user's figures: refreshed official datasets and user-supplied indicators, written to the workspace database.

The bundled snapshot (``data/``) is never modified. A dataset written here — its figures, its provenance record (the
fields of ``sources.toml``) and, for a user's own indicator, its catalogue entry — overlays the bundled dataset of
the same id; removing it restores the bundled one. Every write is one transaction of
:mod:`regions.workspace.userdata` (checked first: nothing that would read back as damaged is written), by the acting
user (default: the local owner), with the version read when one is given (a stale write is refused, never lost).

Data the user's folder held before (``snapshot/``: ``sources.toml``, ``catalogue.toml``, ``indicators/*.csv``) are
migrated into the database on first read and the folder kept as a dated backup. A damaged entry of the database
(written by another version of Homeshore) is left out of the figures and named (:func:`regions.sources.
overlay_damage`); :func:`repair` removes it, keeping its content in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from regions import export

if TYPE_CHECKING:  # the database layer is loaded by the functions that write (reading the figures may not need it)
    from regions.workspace import people, userdata

TomlValue = str | float | int | Sequence[str] | Mapping[str, float]


def dataset(
    dataset_id: str,
    figures: pd.DataFrame,
    record: Mapping[str, TomlValue],
    indicators: Mapping[str, Mapping[str, TomlValue]] | None = None,
) -> userdata.Dataset:
    """One dataset to write. ``figures``: ``code`` (text) and one column per indicator (NaN where missing),
    optionally ``source_url``. ``record``: the provenance fields (producer, dataset, period, url, licence,
    retrieved_via, coverage_note, caveats, status, updated). ``indicators``: catalogue entries (a user's indicator)."""
    if "code" not in figures.columns:
        raise ValueError(f"dataset {dataset_id!r}: the figures need a 'code' column")
    from regions.workspace import userdata

    text = export.to_csv_text(figures, lineterminator="\n")
    return userdata.Dataset(dataset_id, text, dict(record), dict(indicators or {}))


def write_dataset(
    dataset_id: str,
    figures: pd.DataFrame,
    record: Mapping[str, TomlValue],
    indicators: Mapping[str, Mapping[str, TomlValue]] | None = None,
    *,
    by: people.Actor | None = None,
    expect_version: int | None = None,
    detail: Mapping[str, object] | None = None,
) -> str:
    """Write one dataset (see :func:`dataset`) for ``by`` (default the local owner) in one transaction and return
    where it is (``<workspace>/indicators/<id>.csv``). ``expect_version``: the version read (0: none), refused when
    someone saved since. Caches are cleared, so the next read sees the new dataset."""
    from regions.workspace import people, userdata

    item = dataset(dataset_id, figures, record, indicators)
    expect = None if expect_version is None else {dataset_id: expect_version}
    userdata.write(by or people.actor(), [item], expect=expect, detail=detail)
    return str(userdata.label() / userdata.figures_file(dataset_id))


def remove_dataset(dataset_id: str, indicator_ids: Sequence[str] = (), *, by: people.Actor | None = None) -> None:
    """Remove a dataset (and the catalogue entries of the user's indicators it held), even a damaged one."""
    from regions.workspace import people, userdata

    userdata.remove(by or people.actor(), [dataset_id], indicator_ids)


def repair(by: people.Actor | None = None) -> list[str]:
    """Remove every damaged entry (kept whole in the audit trail) so that the bundled figures show again; return
    the entries removed."""
    from regions.workspace import people, userdata

    return userdata.repair(by or people.actor())
