"""The user's snapshot folder: refreshed official figures and user-supplied indicators, written safely.

The bundled snapshot (``data/``) is never modified. A dataset written here — its figures as
``indicators/<dataset>.csv`` and its provenance record in ``sources.toml`` (plus, for a user's own indicator, its
catalogue entry in ``catalogue.toml``) — overlays the bundled dataset of the same id; removing it restores the
bundled one. Every file is written atomically (temporary file, then rename), so a failed refresh leaves the
current snapshot as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from regions import export, sources

TomlValue = str | float | int | Sequence[str] | Mapping[str, float]


def write_dataset(
    dataset_id: str,
    figures: pd.DataFrame,
    record: Mapping[str, TomlValue],
    indicators: Mapping[str, Mapping[str, TomlValue]] | None = None,
) -> Path:
    """Write one dataset into the user's snapshot folder and return the figures' path.

    ``figures``: ``code`` (text) and one column per indicator (NaN where missing), optionally ``source_url``.
    ``record``: the provenance fields of ``sources.toml`` (producer, dataset, period, url, licence, retrieved_via,
    coverage_note, caveats, status, updated); ``file`` is set here. ``indicators``: catalogue entries to add (for
    a user's own indicator). Caches are cleared, so the next read sees the new dataset.
    """
    if "code" not in figures.columns:
        raise ValueError(f"dataset {dataset_id!r}: the figures need a 'code' column")
    folder = sources.overlay_dir()
    relative = f"indicators/{dataset_id}.csv"
    _atomic_write(folder / relative, export.to_csv_text(figures, lineterminator="\n").encode("utf-8"))
    _merge_toml(folder / sources.SOURCES_FILE, dataset_id, {**record, "file": relative})
    for indicator_id, entry in (indicators or {}).items():
        _merge_toml(folder / sources.CATALOGUE_FILE, indicator_id, entry)
    sources.reload()
    return folder / relative


def remove_dataset(dataset_id: str, indicator_ids: Sequence[str] = ()) -> None:
    """Remove a dataset (and the catalogue entries of the user's indicators it held) from the overlay."""
    folder = sources.overlay_dir()
    (folder / "indicators" / f"{dataset_id}.csv").unlink(missing_ok=True)
    _drop_toml(folder / sources.SOURCES_FILE, [dataset_id])
    _drop_toml(folder / sources.CATALOGUE_FILE, list(indicator_ids))
    sources.reload()


def _merge_toml(path: Path, key: str, entry: Mapping[str, TomlValue]) -> None:
    tables = _load(path)
    tables[key] = dict(entry)
    _atomic_write(path, _dumps(tables).encode("utf-8"))


def _drop_toml(path: Path, keys: Sequence[str]) -> None:
    tables = _load(path)
    if any(key in tables for key in keys):
        _atomic_write(path, _dumps({k: v for k, v in tables.items() if k not in keys}).encode("utf-8"))


def _load(path: Path) -> dict[str, dict[str, TomlValue]]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _dumps(tables: Mapping[str, Mapping[str, TomlValue]]) -> str:
    """TOML for one level of tables holding strings, numbers, lists of strings and tables of numbers."""
    lines: list[str] = []
    for name, entry in tables.items():
        lines.append(f"[{json.dumps(name)}]")
        nested = []
        for key, value in entry.items():
            if isinstance(value, Mapping):
                nested.append((key, value))
            else:
                lines.append(f"{json.dumps(key)} = {_value(value)}")
        for key, table in nested:
            lines.append(f"[{json.dumps(name)}.{json.dumps(key)}]")
            lines += [f"{json.dumps(k)} = {_value(v)}" for k, v in table.items()]
        lines.append("")
    return "\n".join(lines)


def _value(value: TomlValue) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, bool):
        raise ValueError("booleans are not used in the snapshot files")
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return "[" + ", ".join(json.dumps(str(item), ensure_ascii=False) for item in value) + "]"


def _atomic_write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    tmp = Path(tmp_name)
    try:
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
