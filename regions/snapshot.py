"""The user's snapshot folder: refreshed official figures and user-supplied indicators, written safely.

The bundled snapshot (``data/``) is never modified. A dataset written here — its figures as
``indicators/<dataset>.csv`` and its provenance record in ``sources.toml`` (plus, for a user's own indicator, its
catalogue entry in ``catalogue.toml``) — overlays the bundled dataset of the same id; removing it restores the
bundled one. Every file is written atomically (temporary file, flushed to disk, then renamed), so a failed
refresh or a crash leaves the current snapshot as it was, never half a file. Strings are escaped for TOML
(:func:`toml_string`: quotes, backslashes and every control character), so no text a user typed can make the
folder unreadable.

A folder damaged anyway (edited by hand, an older version's bug, a disk error) can still be repaired:
:func:`remove_dataset` removes a dataset's sections even from a TOML file that no longer parses, and
:func:`repair` sets every damaged part aside (``<name>.damaged-<date>``: nothing is deleted) so that the bundled
figures show again.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime
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
    # Everything is checked and encoded before the first write: a damaged file or an unwritable text changes nothing.
    updates: dict[Path, Mapping[str, Mapping[str, TomlValue]]] = {
        folder / sources.SOURCES_FILE: {dataset_id: {**record, "file": relative}}
    }
    if indicators:
        updates[folder / sources.CATALOGUE_FILE] = indicators
    contents = {path: _merged(path, entries) for path, entries in updates.items()}
    _atomic_write(folder / relative, export.to_csv_text(figures, lineterminator="\n").encode("utf-8"))
    for path, content in contents.items():
        _atomic_write(path, content)
    sources.reload()
    return folder / relative


def remove_dataset(dataset_id: str, indicator_ids: Sequence[str] = ()) -> None:
    """Remove a dataset (and the catalogue entries of the user's indicators it held) from the overlay."""
    folder = sources.overlay_dir()
    (folder / "indicators" / f"{dataset_id}.csv").unlink(missing_ok=True)
    _drop_toml(folder / sources.SOURCES_FILE, [dataset_id])
    _drop_toml(folder / sources.CATALOGUE_FILE, list(indicator_ids))
    sources.reload()


def _merged(path: Path, entries: Mapping[str, Mapping[str, TomlValue]]) -> bytes:
    """The content of ``path`` with ``entries`` added or replaced; ``ValueError`` when ``path`` is damaged."""
    try:
        tables = _load(path)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ValueError(
            f"{path} est endommagé ({' '.join(str(error).split())}) : rien n'a été écrit. Réparez d'abord le dossier "
            "avec `regions data reset` (le fichier est mis de côté, rien n'est effacé)"
        ) from None
    tables.update({key: dict(entry) for key, entry in entries.items()})
    return _dumps(tables).encode("utf-8")


def _drop_toml(path: Path, keys: Sequence[str]) -> None:
    """Remove the tables ``keys`` from ``path``; from a file that no longer parses, remove their sections by text."""
    if not path.exists() or not keys:
        return
    try:
        tables = _load(path)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        text = path.read_bytes().decode("utf-8", errors="surrogateescape")
        kept = drop_sections(text, keys)
        if kept != text:
            _atomic_write(path, kept.encode("utf-8", errors="surrogateescape"))
        return
    if any(key in tables for key in keys):
        _atomic_write(path, _dumps({k: v for k, v in tables.items() if k not in keys}).encode("utf-8"))


_HEADER = re.compile(r'^[ \t]*\[+[ \t]*(?P<key>"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|[A-Za-z0-9_-]+)')


def section_keys(text: str) -> list[str]:
    """The top-level table names of a TOML text, read line by line (so also from a text that does not parse)."""
    return list(dict.fromkeys(key for key in map(_header_key, text.split("\n")) if key is not None))


def drop_sections(text: str, keys: Sequence[str]) -> str:
    """``text`` without the sections (``[key]`` and ``[key.sub]`` up to the next other header) of ``keys``."""
    kept: list[str] = []
    dropping = False
    for line in text.split("\n"):
        key = _header_key(line)
        if key is not None:
            dropping = key in keys
        if not dropping:
            kept.append(line)
    return "\n".join(kept)


def _header_key(line: str) -> str | None:
    match = _HEADER.match(line)
    if match is None:
        return None
    raw = match["key"]
    if raw.startswith('"'):
        try:
            return str(json.loads(raw))
        except ValueError:
            return raw[1:-1]
    return raw.strip("'")


def stored_keys(path: Path) -> list[str]:
    """The top-level table names of a TOML file of the folder, also when it does not parse (``[]`` if absent)."""
    if not path.exists():
        return []
    return section_keys(path.read_bytes().decode("utf-8", errors="replace"))


def repair() -> list[Path]:
    """Set every damaged part of the folder (:func:`sources.overlay_damage`) aside so that it reads clean again;
    return the copies kept (``<name>.damaged-<date-time>``, never deleted).

    A file that does not parse is renamed; a damaged entry is removed from its file after a copy of the file is
    kept, and a user's dataset goes with its catalogue entry (its figures file is renamed). Entries left without
    their dataset by a first pass are removed by a second one."""
    kept: list[Path] = []
    copied: set[Path] = set()
    for _ in range(3):
        damage = sources.overlay_damage()
        if not damage:
            break
        kept += _repair(damage, copied)
    return kept


def _repair(damage: Sequence[sources.Damage], copied: set[Path]) -> list[Path]:
    folder = sources.overlay_dir()
    kept: list[Path] = []

    def keep(path: Path, move: bool) -> None:
        if not path.exists() or (path in copied and not move):
            return
        target = _aside_name(path)
        if move:
            path.replace(target)
        else:
            target.write_bytes(path.read_bytes())
        copied.add(path)
        kept.append(target)

    for item in damage:
        if not item.entry:
            keep(item.path, move=True)
            continue
        in_catalogue = item.path.name == sources.CATALOGUE_FILE
        dataset = sources.USER_PREFIX + item.entry if in_catalogue else item.entry
        ids = [item.entry] if in_catalogue else [dataset.removeprefix(sources.USER_PREFIX)]
        for path in (folder / sources.SOURCES_FILE, folder / sources.CATALOGUE_FILE):
            keep(path, move=False)
        keep(folder / "indicators" / f"{dataset}.csv", move=True)
        if item.path.suffix == ".csv":
            keep(item.path, move=True)
        _drop_toml(folder / sources.SOURCES_FILE, [dataset])
        if in_catalogue or dataset.startswith(sources.USER_PREFIX):
            _drop_toml(folder / sources.CATALOGUE_FILE, ids)
    sources.reload()
    return kept


def _aside_name(path: Path) -> Path:
    """``<name>.damaged-<date-time>`` beside ``path``, numbered when taken."""
    stem = f"{path.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}"
    target, number = path.with_name(stem), 1
    while target.exists():
        number += 1
        target = path.with_name(f"{stem}-{number}")
    return target


def _load(path: Path) -> dict[str, dict[str, TomlValue]]:
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _dumps(tables: Mapping[str, Mapping[str, TomlValue]]) -> str:
    """TOML for one level of tables holding strings, numbers, lists of strings and tables of numbers."""
    lines: list[str] = []
    for name, entry in tables.items():
        lines.append(f"[{toml_string(name)}]")
        nested = []
        for key, value in entry.items():
            if isinstance(value, Mapping):
                nested.append((key, value))
            else:
                lines.append(f"{toml_string(key)} = {_value(value)}")
        for key, table in nested:
            lines.append(f"[{toml_string(name)}.{toml_string(key)}]")
            lines += [f"{toml_string(k)} = {_value(v)}" for k, v in table.items()]
        lines.append("")
    return "\n".join(lines)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f-\x9f\u2028\u2029]')


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string: quotes, backslashes and every control character (C0, DEL, C1) escaped.

    Raises ``ValueError`` for a lone surrogate (text that is not Unicode, e.g. undecodable bytes of a command
    line), which no UTF-8 file can hold."""
    if any("\ud800" <= char <= "\udfff" for char in text):
        raise ValueError(f"texte {text!r} : caractère non Unicode (octets mal encodés ?)")
    escaped = _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m[0]) or f"\\u{ord(m[0]):04X}", text)
    return f'"{escaped}"'


def _value(value: TomlValue) -> str:
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        raise ValueError("booleans are not used in the snapshot files")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"number {value!r}: the snapshot files hold finite numbers only")
        return repr(float(value)) if isinstance(value, float) else str(value)
    return "[" + ", ".join(toml_string(str(item)) for item in value) + "]"


def _atomic_write(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file of the same folder, flush it to disk, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
