"""The user's data of a workspace, in the database: refreshed and imported datasets, the user's indicators and
completions, the user's sites (what the per-user ``snapshot/`` folder held before).

A dataset is its provenance record (the fields of ``sources.toml``), its figures (the CSV text ``indicators/<id>.csv``
held) and, for a user's indicator, its catalogue entry; it belongs to a workspace and carries a version. Every write
is one transaction that checks the acting user's role (``import``) and the version read: a stale write is refused
(:class:`StaleDataError`: "modifié par X à 10:42 — rechargez"), never silently lost. Reads see the workspace of the
process (:func:`regions.workspace.people.workspace_name`): another workspace's data stay invisible.

An old-layout folder is migrated once, on first read (:func:`migrate_folder`): it is first renamed to a claim
(``snapshot.migration-<id>``, which only one process can win), its sound entries imported in one transaction with an
audit event ``migration``, then the claim is renamed to ``snapshot.sauvegarde-<date>``, the backup. A damaged part
is not imported but stays in the backup and is reported; nothing is deleted. A process killed half-way leaves the
claim, which the next process imports (the audit event says whether the transaction had committed).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import sqlalchemy as sa

from regions import sources
from regions.errors import HomeshoreError
from regions.workspace import db, people, schema
from regions.workspace.people import Actor
from regions.workspace.scenarios import StaleWriteError, clock

#: Name of the user's folder of old versions, and what it becomes while and after it is migrated.
FOLDER: Final[str] = "snapshot"
CLAIM_PREFIX: Final[str] = "snapshot.migration-"
BACKUP_PREFIX: Final[str] = "snapshot.sauvegarde-"
_PG_MIGRATION_LOCK: Final[int] = 0x55736572  # "User": taken while a folder is migrated
_DONE: list[Migration] = []  # the migrations this process did, not yet reported (:func:`take_migrations`)


class StaleDataError(StaleWriteError, HomeshoreError):
    """Someone saved the same data since it was read: reload, then redo the change (French and English)."""

    def __init__(self, fr: str, *, en: str = "") -> None:
        HomeshoreError.__init__(self, fr, en=en, reason="stale")


@dataclass(frozen=True)
class Dataset:
    """One dataset to write: its id, figures (CSV text, a ``code`` column), provenance record and, for a user's
    indicator, the catalogue entries it brings (indicator id -> entry)."""

    dataset_id: str
    figures: str
    record: Mapping[str, Any]
    indicators: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Migration:
    """What a migration of an old folder did: the backup, the datasets and indicators imported, and what was left in
    the backup without being imported (damaged parts, each with why; datasets already in the database)."""

    backup: Path
    datasets: tuple[str, ...]
    indicators: tuple[str, ...]
    left: tuple[str, ...]

    def lines(self) -> list[str]:
        """French lines for a user: what was migrated, where the backup is, what was left in it."""
        head = (f"dossier migré dans la base : {len(self.datasets)} jeu(x) de données, {len(self.indicators)} "
                f"indicateur(s) ; l'ancien dossier est gardé tel quel : {self.backup}")  # fmt: skip
        return [head, *(f"non importé (gardé dans la sauvegarde) : {item}" for item in self.left)]


def label() -> Path:
    """How the user's data are named in messages: the workspace database (the ``folder`` of their entries)."""
    return Path(f"espace de travail « {people.workspace_name()} »")


def figures_file(dataset_id: str) -> str:
    """The file name a dataset's figures keep (as in the old folder; the key of their text)."""
    return f"indicators/{dataset_id}.csv"


# --- reading ------------------------------------------------------------------------------------------------------


def raw_overlay(*, url: str | None = None) -> sources.RawOverlay:
    """The workspace's datasets and catalogue entries as :func:`regions.sources.check_overlay` reads them (an old
    folder, if any, migrated first)."""
    migrate_folder(url=url)
    found: dict[str, Any] = {}
    catalogue: dict[str, Any] = {}
    figures: dict[str, str] = {}
    with db.engine(url).connect() as connection:
        workspace = people.find_workspace(connection)
        if workspace is not None:
            table = schema.user_datasets
            rows = connection.execute(
                sa.select(table.c.dataset_id, table.c.record, table.c.figures)
                .where(table.c.workspace_id == workspace)
                .order_by(table.c.id)
            ).all()
            for row in rows:
                found[row.dataset_id] = {**row.record, "file": figures_file(row.dataset_id)}
                figures[figures_file(row.dataset_id)] = row.figures
            entries = schema.user_catalogue
            for entry in connection.execute(
                sa.select(entries.c.indicator_id, entries.c.entry).where(entries.c.workspace_id == workspace)
            ).all():
                catalogue[entry.indicator_id] = dict(entry.entry)
    return sources.RawOverlay(label(), found, catalogue, figures)


def stamp(*, url: str | None = None) -> tuple[int, ...]:
    """A cheap fingerprint of the workspace's datasets and entries: it changes with every write, remove or import
    (another process's too), so that a long-running process knows when to read them again."""
    table, entries = schema.user_datasets, schema.user_catalogue
    with db.engine(url).connect() as connection:
        workspace = people.find_workspace(connection)
        row = connection.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(table.c.version), 0),
                      sa.func.coalesce(sa.func.max(table.c.id), 0)).where(table.c.workspace_id == workspace)
        ).one()  # fmt: skip
        count = connection.execute(
            sa.select(sa.func.count()).select_from(entries).where(entries.c.workspace_id == workspace)
        ).scalar_one()
    return (int(row[0]), int(row[1]), int(row[2]), int(count))


def version(dataset_id: str, *, url: str | None = None) -> int:
    """The version of a dataset of the workspace (0: not stored): what a later write expects."""
    table = schema.user_datasets
    with db.engine(url).connect() as connection:
        workspace = people.find_workspace(connection)
        found = connection.execute(
            sa.select(table.c.version).where((table.c.workspace_id == workspace) & (table.c.dataset_id == dataset_id))
        ).scalar_one_or_none()
    return 0 if found is None else int(found)


def stored_ids(*, url: str | None = None) -> list[str]:
    """Every dataset id and catalogue key of the workspace, also of a damaged entry (what can be removed)."""
    with db.engine(url).connect() as connection:
        workspace = people.find_workspace(connection)
        datasets = connection.execute(
            sa.select(schema.user_datasets.c.dataset_id).where(schema.user_datasets.c.workspace_id == workspace)
        ).scalars()
        keys = [*datasets]
        keys += connection.execute(
            sa.select(schema.user_catalogue.c.indicator_id).where(schema.user_catalogue.c.workspace_id == workspace)
        ).scalars()
    return [str(key) for key in keys]


# --- writing ------------------------------------------------------------------------------------------------------


def _stale(what: tuple[str, str], row: Any | None, *, feminine: bool = False) -> StaleDataError:
    """The refusal of a stale write: who changed ``what`` (French, English) and when (``row``), or that it was
    removed."""
    fr, en = what
    ending = "e" if feminine else ""
    if row is None:
        return StaleDataError(
            f"{fr} a été supprimé{ending} par quelqu'un d'autre depuis votre lecture — rechargez, puis refaites "
            "votre modification",
            en=f"{en} was removed by someone else since you read it — reload, then redo your change",
        )
    return StaleDataError(
        f"{fr} a été modifié{ending} par {row.updated_by} à {clock(row.updated_at)} (version {row.version}) — "
        "rechargez, puis refaites votre modification",
        en=f"{en} was changed by {row.updated_by} at {clock(row.updated_at)} (version {row.version}) — reload, "
        "then redo your change",
    )


def _what(dataset_id: str) -> tuple[str, str]:
    """How a dataset is named in a refusal, in French and English."""
    if dataset_id.startswith(sources.USER_PREFIX):
        name = dataset_id.removeprefix(sources.USER_PREFIX)
        return f"l'indicateur « {name} »", f"indicator “{name}”"
    return f"le jeu de données « {dataset_id} »", f"dataset “{dataset_id}”"


_SITES: Final[tuple[str, str]] = ("la liste de vos sites", "the list of your sites")


def write(
    by: Actor,
    datasets: Sequence[Dataset],
    *,
    expect: Mapping[str, int] | None = None,
    action: str = "import",
    detail: Mapping[str, object] | None = None,
    url: str | None = None,
) -> dict[str, int]:
    """Write ``datasets`` in one transaction and return their new versions. ``expect``: dataset id -> the version
    read (0: absent); a dataset saved by someone else since is refused (:class:`StaleDataError`), and so is the
    whole write. Recorded in the audit trail (``action``, ``detail``) in the same transaction."""
    by.require("import")
    _check(datasets)
    try:
        with db.transaction(url) as connection:
            versions = {item.dataset_id: _write_one(connection, by, item, (expect or {}).get(item.dataset_id))
                        for item in datasets}  # fmt: skip
            people._record(connection, by, action, None, None, {**(detail or {}), "datasets": versions})
    except sa.exc.IntegrityError:  # created at the same time by someone else: refused, not merged
        raise _created_meanwhile(by, datasets, url) from None
    sources.reload()
    return versions


def _created_meanwhile(by: Actor, datasets: Sequence[Dataset], url: str | None) -> StaleDataError:
    """The refusal of a dataset another process created at the same time, naming who and when."""
    table = schema.user_datasets
    ids = [item.dataset_id for item in datasets]
    with db.engine(url).connect() as connection:
        row = connection.execute(
            sa.select(table).where((table.c.workspace_id == by.workspace_id) & table.c.dataset_id.in_(ids))
        ).first()
    if row is not None:
        return _stale(_what(row.dataset_id), row)
    return StaleDataError(
        "ces données viennent d'être enregistrées par quelqu'un d'autre — rechargez, puis refaites votre modification",
        en="these data were just saved by someone else — reload, then redo your change",
    )


def _check(datasets: Sequence[Dataset]) -> None:
    """Refuse (``ValueError`` naming the entry) a dataset that would be read back as damaged, or text that is not
    Unicode (a lone surrogate: undecodable bytes of a command line)."""
    for item in datasets:
        for text in _texts([item.record, item.indicators, item.figures]):
            if any("\ud800" <= char <= "\udfff" for char in text):
                raise ValueError(
                    f"texte {text[:80]!r} : caractère non Unicode (octets mal encodés ?) : rien n'a été écrit"
                )
    raw = sources.RawOverlay(
        label(),
        {item.dataset_id: {**item.record, "file": figures_file(item.dataset_id)} for item in datasets},
        {key: dict(entry) for item in datasets for key, entry in item.indicators.items()},
        {figures_file(item.dataset_id): item.figures for item in datasets},
    )
    damage = sources.check_overlay(raw).damage
    if damage:
        raise ValueError(f"rien n'a été écrit : {damage[0].path} [{damage[0].entry}] : {damage[0].reason}")


def _texts(value: object) -> list[str]:
    """Every string in nested mappings and lists (keys too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for key, item in value.items() for text in [*_texts(key), *_texts(item)]]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return []


def _write_one(connection: sa.Connection, by: Actor, item: Dataset, expected: int | None) -> int:
    table = schema.user_datasets
    where = (table.c.workspace_id == by.workspace_id) & (table.c.dataset_id == item.dataset_id)
    row = connection.execute(sa.select(table).where(where).with_for_update()).first()
    current = 0 if row is None else int(row.version)
    if expected is not None and expected != current:
        raise _stale(_what(item.dataset_id), row)
    values = {"record": dict(item.record), "figures": item.figures, "updated_at": db.now(), "updated_by": by.email}
    if row is None:
        inserted = connection.execute(
            sa.insert(table).values(workspace_id=by.workspace_id, dataset_id=item.dataset_id, version=1, **values)
        ).inserted_primary_key
        assert inserted is not None
        row_id = int(inserted[0])
    else:
        done = connection.execute(
            sa.update(table)
            .where((table.c.id == row.id) & (table.c.version == current))
            .values(version=current + 1, **values)
        )
        if done.rowcount != 1:
            raise _stale(
                _what(item.dataset_id), connection.execute(sa.select(table).where(table.c.id == row.id)).first()
            )
        row_id = int(row.id)
    entries = schema.user_catalogue
    connection.execute(sa.delete(entries).where(
        (entries.c.workspace_id == by.workspace_id)
        & ((entries.c.dataset_row == row_id) | entries.c.indicator_id.in_(list(item.indicators)))
    ))  # fmt: skip
    if item.indicators:
        connection.execute(sa.insert(entries), [
            {"workspace_id": by.workspace_id, "indicator_id": key, "dataset_row": row_id, "entry": dict(entry)}
            for key, entry in item.indicators.items()
        ])  # fmt: skip
    return current + 1


def remove(
    by: Actor, dataset_ids: Sequence[str], indicator_ids: Sequence[str] = (), *, action: str = "remove",
    url: str | None = None,
) -> list[str]:  # fmt: skip
    """Remove datasets (their catalogue entries go with them) and catalogue entries, in one transaction; recorded in
    the audit trail with what was removed (nothing is lost: the record and entries are in the event). Returns the
    keys removed."""
    by.require("import")
    table, entries = schema.user_datasets, schema.user_catalogue
    with db.transaction(url) as connection:
        rows = connection.execute(sa.select(table.c.id, table.c.dataset_id, table.c.record, table.c.version).where(
            (table.c.workspace_id == by.workspace_id) & table.c.dataset_id.in_(list(dataset_ids))
        ).with_for_update()).all()  # fmt: skip
        gone = connection.execute(sa.select(entries.c.indicator_id, entries.c.entry).where(
            (entries.c.workspace_id == by.workspace_id)
            & (entries.c.indicator_id.in_(list(indicator_ids)) | entries.c.dataset_row.in_([r.id for r in rows]))
        )).all()  # fmt: skip
        connection.execute(sa.delete(entries).where(
            (entries.c.workspace_id == by.workspace_id) & entries.c.indicator_id.in_([g.indicator_id for g in gone])
        ))  # fmt: skip
        connection.execute(sa.delete(table).where(table.c.id.in_([r.id for r in rows])))
        removed = [*(r.dataset_id for r in rows), *(g.indicator_id for g in gone)]
        if removed:
            datasets = {r.dataset_id: {"version": r.version, "record": r.record} for r in rows}
            detail: dict[str, object] = {"datasets": datasets,
                      "catalogue": {g.indicator_id: g.entry for g in gone}}  # fmt: skip
            people._record(connection, by, action, None, None, detail)
    sources.reload()
    return list(dict.fromkeys(removed))


def repair(by: Actor, *, url: str | None = None) -> list[str]:
    """Remove every damaged entry of the workspace (:func:`regions.sources.overlay_damage`), kept whole in the audit
    event ``repair`` (figures too: nothing is lost), so that the bundled figures show again; the entries removed."""
    damage = [item for item in sources.overlay_damage() if item.entry]
    if not damage:
        return []
    by.require("import")
    datasets = {item.entry for item in damage if item.path.name != sources.CATALOGUE_FILE}
    table = schema.user_datasets
    with db.engine(url).connect() as connection:
        kept = connection.execute(sa.select(table.c.dataset_id, table.c.figures).where(
            (table.c.workspace_id == by.workspace_id) & table.c.dataset_id.in_(sorted(datasets))
        )).all()  # fmt: skip
    with db.transaction(url) as connection:
        people._record(connection, by, "repair", None, None, {
            "damaged": [f"{item.path} [{item.entry}] : {item.reason}" for item in damage],
            "figures": {row.dataset_id: row.figures for row in kept},
        })  # fmt: skip
    catalogue = {item.entry for item in damage if item.path.name == sources.CATALOGUE_FILE}
    return remove(by, sorted(datasets), sorted(catalogue), action="repair", url=url)


# --- the user's sites ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sites:
    """The workspace's sites (records: the columns of :func:`regions.sites.read_user_sites`'s located rows, without
    the geometry) and their version, author and time."""

    records: list[dict[str, Any]]
    version: int
    updated_by: str = ""
    updated_at: str = ""


def load_sites(*, url: str | None = None) -> Sites:
    """The workspace's sites (version 0 and none when never saved)."""
    table = schema.user_sites
    with db.engine(url).connect() as connection:
        workspace = people.find_workspace(connection)
        row = connection.execute(sa.select(table).where(table.c.workspace_id == workspace)).first()
    if row is None:
        return Sites([], 0)
    return Sites([dict(record) for record in row.sites], int(row.version), row.updated_by, row.updated_at)


def save_sites(
    by: Actor, records: Sequence[Mapping[str, Any]], *, expect_version: int, url: str | None = None
) -> Sites:
    """Replace the workspace's sites (none: ``[]``) if their version is still ``expect_version`` (else
    :class:`StaleDataError`), in one transaction recorded in the audit trail."""
    by.require("import")
    table = schema.user_sites
    stamp, saved = db.now(), [dict(record) for record in records]
    try:
        with db.transaction(url) as connection:
            row = connection.execute(
                sa.select(table).where(table.c.workspace_id == by.workspace_id).with_for_update()
            ).first()
            current = 0 if row is None else int(row.version)
            if current != expect_version:
                raise _stale(_SITES, row, feminine=True)
            values = {"sites": saved, "version": current + 1, "updated_at": stamp, "updated_by": by.email}
            if row is None:
                connection.execute(sa.insert(table).values(workspace_id=by.workspace_id, **values))
            else:
                connection.execute(sa.update(table).where(table.c.workspace_id == by.workspace_id).values(**values))
            people._record(connection, by, "sites", None, None, {"sites": len(saved), "version": current + 1})
    except sa.exc.IntegrityError:
        raise _stale(_SITES, None, feminine=True) from None
    return Sites(saved, current + 1, by.email, stamp)


# --- the old folder -----------------------------------------------------------------------------------------------


def migrate_folder(*, url: str | None = None) -> list[Migration]:
    """Import the user's old-layout folder (``snapshot/``), once: see the module's docstring. Returns what was done
    (nothing when there is no old folder, or another process migrated it)."""
    root = sources.overlay_dir().parent
    folder = root / FOLDER
    if folder.is_dir():
        with contextlib.suppress(OSError):  # another process claimed it first
            folder.rename(root / f"{CLAIM_PREFIX}{datetime.now():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}")
    done = [item for claim in sorted(root.glob(f"{CLAIM_PREFIX}*")) if (item := _migrate(claim, url)) is not None]
    _DONE.extend(done)
    return done


def take_migrations() -> list[Migration]:
    """The migrations this process did since the last call (to report them once, e.g. on the command line)."""
    done = list(_DONE)
    _DONE.clear()
    return done


def _migrate(claim: Path, url: str | None) -> Migration | None:
    raw = sources.read_folder(claim)
    checked = sources.check_overlay(raw)
    owner = people.local_owner()
    imported: list[str] = []
    left = [f"{item.path.relative_to(claim)}" + (f" [{item.entry}]" if item.entry else "") + f" : {item.reason}"
            for item in checked.damage]  # fmt: skip
    with db.transaction(url) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
        workspace = people._workspace_id(connection)
        if _migrated(connection, workspace, claim.name):
            done = None
        else:
            table = schema.user_datasets
            present = set(connection.execute(
                sa.select(table.c.dataset_id).where(table.c.workspace_id == workspace)).scalars())  # fmt: skip
            for key, source in checked.sources.items():
                if key in present:
                    left.append(f"{key} : déjà dans la base, la version de la base est gardée")
                    continue
                _import(connection, workspace, owner, raw, source, checked.indicators)
                imported.append(key)
            indicators = [i.id for i in checked.indicators.values() if i.dataset in imported]
            backup = _backup_name(claim)
            connection.execute(sa.insert(schema.audit).values(
                workspace_id=workspace, at=db.now(), actor=owner, action="migration", scenario=None,
                scenario_version=None,
                detail={"claim": claim.name, "backup": str(backup), "datasets": imported, "indicators": indicators,
                        "left": left},
            ))  # fmt: skip
            done = Migration(backup, tuple(imported), tuple(indicators), tuple(left))
    target = done.backup if done is not None else _backup_name(claim)
    claim.rename(target)
    sources.reload()
    return done


def migrations(*, url: str | None = None) -> list[Migration]:
    """The migrations of old folders into this workspace, newest first (from the audit trail; an old folder still
    there is migrated first)."""
    migrate_folder(url=url)
    audit = schema.audit
    with db.engine(url).connect() as connection:
        workspace = people.find_workspace(connection)
        details = connection.execute(
            sa.select(audit.c.detail)
            .where((audit.c.workspace_id == workspace) & (audit.c.action == "migration"))
            .order_by(audit.c.id.desc())
        ).scalars()
        return [
            Migration(Path(d["backup"]), tuple(d["datasets"]), tuple(d["indicators"]), tuple(d["left"]))
            for d in details
        ]


def _migrated(connection: sa.Connection, workspace: int, claim: str) -> bool:
    """Whether the claim ``claim`` was already imported (its ``migration`` event committed)."""
    audit = schema.audit
    events = connection.execute(
        sa.select(audit.c.detail).where((audit.c.workspace_id == workspace) & (audit.c.action == "migration"))
    ).scalars()
    return any(isinstance(detail, dict) and detail.get("claim") == claim for detail in events)


def _import(
    connection: sa.Connection, workspace: int, owner: str, raw: sources.RawOverlay, source: sources.Source,
    indicators: Mapping[str, sources.Indicator],
) -> None:  # fmt: skip
    """One dataset of an old folder as it was written: its record, its figures file's text, its catalogue entries."""
    record = {key: value for key, value in raw.sources[source.id].items() if key != "file"}
    text = (raw.folder / source.file).read_text(encoding="utf-8") if source.file else ""
    inserted = connection.execute(sa.insert(schema.user_datasets).values(
        workspace_id=workspace, dataset_id=source.id, record=record, figures=text, version=1, updated_at=db.now(),
        updated_by=owner,
    )).inserted_primary_key  # fmt: skip
    assert inserted is not None
    rows = [{"workspace_id": workspace, "indicator_id": key, "dataset_row": int(inserted[0]),
             "entry": raw.catalogue[key]} for key, ind in indicators.items() if ind.dataset == source.id]  # fmt: skip
    if rows:
        connection.execute(sa.insert(schema.user_catalogue), rows)


def _backup_name(claim: Path) -> Path:
    """``snapshot.sauvegarde-<date-time>`` beside the claim, numbered when taken."""
    stamp = claim.name.removeprefix(CLAIM_PREFIX)[:15]
    target, number = claim.with_name(f"{BACKUP_PREFIX}{stamp}"), 1
    while target.exists():
        number += 1
        target = claim.with_name(f"{BACKUP_PREFIX}{stamp}-{number}")
    return target
