"""Scenarios: a named, saved state of a recruiter's work, versioned, with a shortlist of territories and statuses.

A scenario holds the preset and weights, the constraints, the sites in use, the shortlist (each territory with a
status — :data:`STATUSES`, shown in French as *à explorer, retenu, ouvert, écarté* — and a note), the data vintages
(period and status of every indicator weighted) and the ranks at save time, its author, times and version number.

Every write is one transaction that bumps the version. A write that names the version it read
(``expect_version``) is refused if someone saved in between (:class:`StaleWriteError`: "modifié par X à 10:42 —
rechargez"), never silently lost. A scenario locked as approved (managers) is read-only. Exports, locks, status
changes and deletions are recorded in the audit trail in the same transaction.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

import pandas as pd
import sqlalchemy as sa

from regions import codes, export, scoring, shortlist, sources, wording
from regions.formatting import Lang
from regions.workspace import db, schema
from regions.workspace.people import Actor, _record

STATUSES: Final[tuple[str, ...]] = ("to_explore", "selected", "opened", "dropped")
STATUS_LABELS_FR: Final[dict[str, str]] = wording.STATUS_LABELS["fr"]
MAX_NAME: Final[int] = 200


class StaleWriteError(db.WorkspaceError):
    """Someone else saved the scenario since it was read: reload, then redo the change."""


@dataclass(frozen=True)
class Territory:
    """One territory of the shortlist: its code, status and note."""

    code: str
    status: str = "to_explore"
    note: str = ""


@dataclass(frozen=True)
class State:
    """What a scenario saves. ``constraints``: ``min_ftth_pct``, ``max_travel_min``, ``regions``,
    ``max_hub_travel_min`` (0 = your sites, no time limit), and from the app ``preset_base``: the preset the weights
    were moved from when ``preset`` is ``custom`` (``preset`` is a preset id; scenarios saved before ids hold the
    French label, or *personnalisé*, which ``scoring.preset_id`` still reads); ``sites``: ``hubs`` (bundled
    site ids) and ``user_sites`` (records name/lat/lon… of the sites you added); ``vintages``: indicator id ->
    period and status; ``ranks``: code -> rank at save time (``None``: excluded or ranked apart)."""

    preset: str
    weights: dict[str, float]
    constraints: dict[str, Any] = field(default_factory=dict)
    sites: dict[str, Any] = field(default_factory=dict)
    territories: tuple[Territory, ...] = ()
    vintages: dict[str, dict[str, str]] = field(default_factory=dict)
    ranks: dict[str, int | None] = field(default_factory=dict)
    note: str = ""

    def filters(self) -> scoring.Filters:
        """The constraints as the scoring's filters."""
        return filters_from_dict(self.constraints)


@dataclass(frozen=True)
class Scenario:
    """A saved scenario and its bookkeeping."""

    name: str
    state: State
    author: str
    created_at: str
    updated_at: str
    updated_by: str
    version: int
    locked_by: str | None = None
    locked_at: str | None = None

    @property
    def locked(self) -> bool:
        return self.locked_by is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: bookkeeping, state, territories with French status labels."""
        state = self.state
        return {
            "name": self.name, "version": self.version, "author": self.author, "created_at": self.created_at,
            "updated_at": self.updated_at, "updated_by": self.updated_by, "locked_by": self.locked_by,
            "locked_at": self.locked_at, "preset": state.preset, "weights": state.weights,
            "constraints": state.constraints, "sites": state.sites, "note": state.note,
            "territories": [
                {"code": t.code, "status": t.status, "status_fr": STATUS_LABELS_FR[t.status], "note": t.note,
                 "rank_at_save": state.ranks.get(t.code)}
                for t in state.territories
            ],
            "vintages": state.vintages, "ranks": state.ranks,
        }  # fmt: skip


def filters_to_dict(filters: scoring.Filters) -> dict[str, Any]:
    """Scoring filters as JSON (an unlimited travel to your sites, ``inf``, is stored as 0)."""
    hub = filters.max_hub_travel_min
    return {
        "min_ftth_pct": filters.min_ftth_pct,
        "max_travel_min": filters.max_travel_min,
        "regions": list(filters.regions),
        "max_hub_travel_min": None if hub is None else (0.0 if math.isinf(hub) else hub),
    }


def filters_from_dict(data: Mapping[str, Any]) -> scoring.Filters:
    """The inverse of :func:`filters_to_dict`."""
    hub = data.get("max_hub_travel_min")
    return scoring.Filters(
        min_ftth_pct=data.get("min_ftth_pct"),
        max_travel_min=data.get("max_travel_min"),
        regions=tuple(data.get("regions") or ()),
        max_hub_travel_min=None if hub is None else (math.inf if hub == 0 else float(hub)),
    )


def status_id(text: str) -> str:
    """A status from its id or its French label (``retenu``, ``ecarte``…); refused in French with the allowed set."""
    wanted = _plain(text)
    for status, label in STATUS_LABELS_FR.items():
        if wanted in (status, _plain(label), _plain(label).replace(" ", "_")):
            return status
    allowed = ", ".join(f"{s} ({label})" for s, label in STATUS_LABELS_FR.items())
    raise db.WorkspaceError(f"statut {text!r} inconnu ; attendus : {allowed}")


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def check_name(name: str) -> str:
    """A scenario name: 1 to 200 printable characters, spaces around removed."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_NAME or any(unicodedata.category(c).startswith("C") for c in cleaned):
        raise db.WorkspaceError(f"nom de scénario {name!r} invalide : 1 à {MAX_NAME} caractères, sans caractère de "
                                "contrôle")  # fmt: skip
    return cleaned


def clock(iso: str) -> str:
    """``10:42`` (local time) from a stored time."""
    return datetime.fromisoformat(iso).astimezone().strftime("%H:%M")


def _stale_message(name: str, row: Any) -> str:
    return (f"le scénario « {name} » a été modifié par {row.updated_by} à {clock(row.updated_at)} (version "
            f"{row.version}) — rechargez-le, puis refaites votre modification")  # fmt: skip


# --- reading ---------------------------------------------------------------------------------------------------


def _row(connection: sa.Connection, by: Actor, name: str, *, for_update: bool = False) -> Any:
    """The scenario's row; ``for_update`` locks it until the transaction ends (PostgreSQL; SQLite transactions are
    already exclusive), so that concurrent writers queue and each sees the version the other wrote."""
    table = schema.scenarios
    query = sa.select(table).where((table.c.workspace_id == by.workspace_id) & (table.c.name == name))
    row = connection.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        raise db.WorkspaceError(f"aucun scénario nommé « {name} » ; `regions scenario list` les donne")
    return row


def _load(connection: sa.Connection, row: Any) -> Scenario:
    table = schema.scenario_territories
    territories = connection.execute(
        sa.select(table.c.code, table.c.status, table.c.note)
        .where(table.c.scenario_id == row.id)
        .order_by(table.c.position)
    ).all()
    state = State(
        preset=row.preset, weights=dict(row.weights), constraints=dict(row.constraints), sites=dict(row.sites),
        territories=tuple(Territory(t.code, t.status, t.note) for t in territories),
        vintages=dict(row.vintages), ranks=dict(row.ranks), note=row.note,
    )  # fmt: skip
    return Scenario(row.name, state, row.author, row.created_at, row.updated_at, row.updated_by, row.version,
                    row.locked_by, row.locked_at)  # fmt: skip


def get(by: Actor, name: str, *, url: str | None = None) -> Scenario:
    """The scenario ``name`` of the actor's workspace, as last saved."""
    with db.engine(url).connect() as connection:
        return _load(connection, _row(connection, by, name))


def list_scenarios(by: Actor, *, url: str | None = None) -> list[dict[str, Any]]:
    """One summary per scenario, most recently updated first."""
    table, terr = schema.scenarios, schema.scenario_territories
    count = sa.select(sa.func.count()).where(terr.c.scenario_id == table.c.id).scalar_subquery()
    with db.engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(table.c.name, table.c.version, table.c.preset, table.c.author, table.c.updated_at,
                      table.c.updated_by, table.c.locked_by, count.label("territories"))
            .where(table.c.workspace_id == by.workspace_id)
            .order_by(table.c.updated_at.desc(), table.c.name)
        ).all()  # fmt: skip
    return [dict(row._mapping) for row in rows]


# --- writing -----------------------------------------------------------------------------------------------------


def _territory_rows(scenario_id: int, territories: Sequence[Territory]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    rows = []
    for position, territory in enumerate(territories):
        code = codes.normalise_departement(territory.code)
        if code in seen:
            continue
        seen.add(code)
        rows.append({"scenario_id": scenario_id, "code": code, "position": position,
                     "status": status_id(territory.status), "note": territory.note})  # fmt: skip
    return rows


def _writable(name: str, row: Any, expect_version: int | None) -> None:
    if row.locked_by is not None:
        raise db.WorkspaceError(
            f"le scénario « {name} » est verrouillé comme approuvé par {row.locked_by} le {row.locked_at[:10]} : "
            "il est en lecture seule (dupliquez-le pour le modifier)"
        )
    if expect_version is not None and expect_version != row.version:
        raise StaleWriteError(_stale_message(name, row))


def _bump(connection: sa.Connection, by: Actor, name: str, row: Any, values: Mapping[str, Any] | None = None) -> int:
    """Raise the version of ``row`` if it is still the one read (else :class:`StaleWriteError`); the new version."""
    table = schema.scenarios
    done = connection.execute(
        sa.update(table)
        .where((table.c.id == row.id) & (table.c.version == row.version))
        .values(version=row.version + 1, updated_at=db.now(), updated_by=by.email, **(values or {}))
    )
    if done.rowcount != 1:
        raise StaleWriteError(
            _stale_message(name, connection.execute(sa.select(table).where(table.c.id == row.id)).one())
        )
    return int(row.version) + 1


def save(by: Actor, name: str, state: State, *, expect_version: int | None = None, url: str | None = None) -> Scenario:
    """Save a new scenario, or replace one whose current version is ``expect_version`` (required to replace)."""
    by.require("edit")
    name = check_name(name)
    for territory in state.territories:
        status_id(territory.status)
    values = {"preset": state.preset, "weights": dict(state.weights), "constraints": dict(state.constraints),
              "sites": dict(state.sites), "vintages": dict(state.vintages), "ranks": dict(state.ranks),
              "note": state.note}  # fmt: skip
    try:
        return _save(by, name, values, state.territories, expect_version, url)
    except sa.exc.IntegrityError:  # two people created the same name at once: the second is refused, not merged
        raise StaleWriteError(f"le scénario « {name} » vient d'être créé par quelqu'un d'autre — rechargez la liste, "
                              "puis choisissez un autre nom ou remplacez-le") from None  # fmt: skip


def _save(
    by: Actor, name: str, values: Mapping[str, Any], territories: Sequence[Territory], expect_version: int | None,
    url: str | None,
) -> Scenario:  # fmt: skip
    table = schema.scenarios
    with db.transaction(url) as connection:
        row = connection.execute(
            sa.select(table).where((table.c.workspace_id == by.workspace_id) & (table.c.name == name)).with_for_update()
        ).first()
        if row is None:
            stamp = db.now()
            inserted = connection.execute(sa.insert(table).values(
                workspace_id=by.workspace_id, name=name, author=by.email, created_at=stamp, updated_at=stamp,
                updated_by=by.email, version=1, **values,
            )).inserted_primary_key  # fmt: skip
            assert inserted is not None
            scenario_id, version = int(inserted[0]), 1
        else:
            if expect_version is None:
                raise db.WorkspaceError(
                    f"le scénario « {name} » existe déjà (version {row.version}, modifié par {row.updated_by} à "
                    f"{clock(row.updated_at)}) : choisissez un autre nom, ou remplacez-le en donnant "
                    f"--expect-version {row.version}"
                )
            _writable(name, row, expect_version)
            version = _bump(connection, by, name, row, values)
            scenario_id = int(row.id)
            connection.execute(sa.delete(schema.scenario_territories).where(
                schema.scenario_territories.c.scenario_id == scenario_id))  # fmt: skip
        rows = _territory_rows(scenario_id, territories)
        if rows:
            connection.execute(sa.insert(schema.scenario_territories), rows)
        _record(connection, by, "save", name, version, {"territories": len(rows)})
        return _load(connection, _row(connection, by, name))


def set_status(
    by: Actor, name: str, code: str, status: str, *, note: str | None = None, expect_version: int | None = None,
    url: str | None = None,
) -> Scenario:  # fmt: skip
    """Set a territory's status (and note) in a scenario; a territory not yet in the shortlist is added to it."""
    return set_statuses(by, name, {code: (status, note)}, expect_version=expect_version, url=url)


def set_statuses(
    by: Actor, name: str, changes: Mapping[str, tuple[str, str | None]], *, expect_version: int | None = None,
    url: str | None = None,
) -> Scenario:  # fmt: skip
    """Set several territories' status and note (``code -> (status, note or None to keep it)``) in one transaction
    and one new version; territories not yet in the shortlist are added at its end. One audit event per territory."""
    by.require("edit")
    wanted = {codes.normalise_departement(code): (status_id(status), note) for code, (status, note) in changes.items()}
    if not wanted:
        raise db.WorkspaceError(f"aucun statut à enregistrer dans le scénario « {name} »")
    terr = schema.scenario_territories
    with db.transaction(url) as connection:
        row = _row(connection, by, name, for_update=True)
        _writable(name, row, expect_version)
        version = _bump(connection, by, name, row)
        for code, (status, note) in wanted.items():
            where = (terr.c.scenario_id == row.id) & (terr.c.code == code)
            before = connection.execute(sa.select(terr.c.status, terr.c.note).where(where)).first()
            if before is None:
                last = connection.execute(
                    sa.select(sa.func.max(terr.c.position)).where(terr.c.scenario_id == row.id)
                ).scalar_one_or_none()
                connection.execute(sa.insert(terr).values(
                    scenario_id=row.id, code=code, position=(last or 0) + 1, status=status, note=note or ""
                ))  # fmt: skip
            else:
                values = {"status": status} | ({"note": note} if note is not None else {})
                connection.execute(sa.update(terr).where(where).values(**values))
            detail: dict[str, object] = {"code": code, "status": status, "before": before.status if before else None}
            if note is not None:
                detail["note"] = note
            _record(connection, by, "status", name, version, detail)
        return _load(connection, _row(connection, by, name))


def lock(by: Actor, name: str, *, expect_version: int | None = None, url: str | None = None) -> Scenario:
    """Lock a scenario as approved (managers): it becomes read-only for everyone."""
    by.require("lock")
    with db.transaction(url) as connection:
        row = _row(connection, by, name, for_update=True)
        _writable(name, row, expect_version)
        stamp = db.now()
        version = _bump(connection, by, name, row, {"locked_by": by.email, "locked_at": stamp})
        _record(connection, by, "lock", name, version, {})
        return _load(connection, _row(connection, by, name))


def delete(by: Actor, name: str, *, expect_version: int | None = None, url: str | None = None) -> None:
    """Delete a scenario (not a locked one)."""
    by.require("edit")
    with db.transaction(url) as connection:
        row = _row(connection, by, name, for_update=True)
        _writable(name, row, expect_version)
        done = connection.execute(
            sa.delete(schema.scenarios).where((schema.scenarios.c.id == row.id)
                                              & (schema.scenarios.c.version == row.version))
        )  # fmt: skip
        if done.rowcount != 1:
            raise StaleWriteError(_stale_message(name, _row(connection, by, name)))
        _record(connection, by, "delete", name, row.version, {})


def duplicate(by: Actor, name: str, new_name: str, *, url: str | None = None) -> Scenario:
    """A copy of ``name`` under ``new_name`` (version 1, authored by ``by``, not locked)."""
    return save(by, new_name, get(by, name, url=url).state, url=url)


# --- export and changes ------------------------------------------------------------------------------------------


_EXPORT_WORDS: Final[dict[Lang, dict[str, str]]] = {
    "fr": {
        "scenario": "Scénario", "scenario_text": "{name} — version {version}", "saved": "Enregistré",
        "saved_text": "par {who} le {at}", "approved": "Approuvé par", "note": "Note du scénario",
        "preset": "Préréglage", "weights": "Pondérations", "filters": "Contraintes", "date": "Date de l'export",
        "lang": "Langue", "source": "Source ({label})",
    },
    "en": {
        "scenario": "Scenario", "scenario_text": "{name} — version {version}", "saved": "Saved",
        "saved_text": "by {who} on {at}", "approved": "Approved by", "note": "Scenario note",
        "preset": "Preset", "weights": "Weights", "filters": "Constraints", "date": "Export date",
        "lang": "Language", "source": "Source ({label})",
    },
}  # fmt: skip


def export_table(scenario: Scenario, lang: Lang = "fr") -> pd.DataFrame:
    """The shortlist as a table with readable headers in ``lang``: code, département, status (in words of
    ``lang``), note, rank at save time."""
    ranks, labels, h = scenario.state.ranks, wording.STATUS_LABELS[lang], wording.header
    columns = [h("code", lang), h("departement", lang), h("status", lang), h("note", lang), h("rank_saved", lang)]
    rows = [
        (t.code, codes.departement_name(t.code), labels[t.status], t.note, ranks.get(t.code))
        for t in scenario.state.territories
    ]
    return pd.DataFrame(rows, columns=columns).astype({columns[-1]: "Int64"})


def export_about(scenario: Scenario, lang: Lang = "fr", *, today: date | None = None) -> list[tuple[str, str]]:
    """What a scenario's export says about itself, as (label, value) in ``lang``: name and version, who saved and
    approved it, preset, weights, constraints, the source of each weighted figure (producer, dataset, the period
    saved, licence), the date and the language."""
    state, words = scenario.state, _EXPORT_WORDS[lang]
    saved = words["saved_text"].format(who=scenario.updated_by, at=scenario.updated_at)
    rows = [
        (words["scenario"], words["scenario_text"].format(name=scenario.name, version=scenario.version)),
        (words["saved"], saved),
    ]
    if scenario.locked:
        rows.append((words["approved"], str(scenario.locked_by)))
    if state.note:
        rows.append((words["note"], state.note))
    rows.append((words["preset"], scoring.preset_label(state.preset, lang)))
    if state.weights:
        rows.append((words["weights"], shortlist.describe_weights(state.weights, lang)))
    rows.append((words["filters"], shortlist.describe_filters(state.filters(), lang)))
    rows += [(words["date"], f"{today or date.today():%Y-%m-%d}"), (words["lang"], wording.LANGUAGE_NAMES[lang])]
    return rows + _source_rows(state, lang)


def _source_rows(state: State, lang: Lang) -> list[tuple[str, str]]:
    """``Source : label`` -> producer — dataset — period saved — licence, per vintage the scenario recorded."""
    catalogue, datasets = sources.load_catalogue(), sources.load_sources()
    rows = []
    for identifier, vintage in state.vintages.items():
        indicator = catalogue.get(identifier)
        origin = datasets.get(indicator.dataset) if indicator is not None else None
        label = sources.label(identifier, lang) if indicator is not None else identifier
        period = wording.catalogue_text(str(vintage.get("period", "")), lang)
        if origin is None:
            parts = [period]
        else:
            parts = [wording.catalogue_text(origin.producer, lang), origin.dataset, period, origin.licence]
        text = " — ".join(part for part in parts if part)
        rows.append((_EXPORT_WORDS[lang]["source"].format(label=label), text))
    return rows


def export_file(scenario: Scenario, suffix: str, lang: Lang = "fr") -> bytes:
    """The scenario's shortlist as XLSX (the table with the name and version above it, the metadata in the
    companion sheet) or CSV (the metadata as ``#`` lines), in ``lang``."""
    frame, about = export_table(scenario, lang), export_about(scenario, lang)
    if suffix.lower().lstrip(".") == "xlsx":
        sheet = _EXPORT_WORDS[lang]["scenario"]
        notes = [export.comment_line(label, value, lang).removeprefix("# ") for label, value in about[:2]]
        return export.to_xlsx_bytes({sheet: frame}, notes={sheet: notes}, about=about, lang=lang)
    return export.csv_file(frame, lang=lang, about=about)


def export_bytes(
    by: Actor, name: str, suffix: str, *, lang: Lang = "fr", url: str | None = None
) -> tuple[Scenario, bytes]:
    """The scenario's shortlist as XLSX or CSV in ``lang`` (:func:`export_file`), the export recorded in the
    audit trail."""
    by.require("export")
    suffix = suffix.lower().lstrip(".")
    if suffix not in ("xlsx", "csv"):
        raise db.WorkspaceError(f"format {suffix!r} : l'export d'un scénario est en .xlsx ou .csv")
    scenario = get(by, name, url=url)
    # built outside any transaction: the sources it names are read from the workspace too (a second connection,
    # which SQLite would make wait on this one's write lock)
    payload = export_file(scenario, suffix, lang)
    with db.transaction(url) as connection:
        _record(connection, by, "export", scenario.name, scenario.version,
                {"format": suffix, "territories": len(scenario.state.territories)})  # fmt: skip
    return scenario, payload


@dataclass(frozen=True)
class Changes:
    """What changed in the figures since a scenario was saved: vintages (id, old, new) and ranks (code, old, new)."""

    vintages: tuple[tuple[str, str, str], ...]
    ranks: tuple[tuple[str, int | None, int | None], ...]

    def __bool__(self) -> bool:
        return bool(self.vintages)

    def lines(self) -> list[str]:
        """French lines: each changed indicator, then each shortlisted territory whose rank moved."""
        out = [f"{ident} : {old} → {new}" for ident, old, new in self.vintages]
        out += [f"{code} {codes.departement_name(code)} : rang {_rank(old)} → {_rank(new)}"
                for code, old, new in self.ranks]  # fmt: skip
        return out


def _rank(rank: int | None) -> str:
    return "—" if rank is None else str(rank)


def _vintage_text(vintage: Mapping[str, str] | None) -> str:
    return "absent" if not vintage else f"{vintage.get('period', '')} ({vintage.get('status', '')})"


def changes(scenario: Scenario, vintages: Mapping[str, Mapping[str, str]], ranks: Mapping[str, int | None]) -> Changes:
    """Compare a scenario with today's figures (:func:`regions.workspace.capture.vintages` and ranks)."""
    saved = scenario.state.vintages
    moved = tuple(
        (ident, _vintage_text(saved.get(ident)), _vintage_text(vintages.get(ident)))
        for ident in sorted(set(saved) | set(vintages))
        if dict(saved.get(ident) or {}) != dict(vintages.get(ident) or {})
    )
    rank_moves = tuple(
        (t.code, scenario.state.ranks.get(t.code), ranks.get(t.code))
        for t in scenario.state.territories
        if moved and scenario.state.ranks.get(t.code) != ranks.get(t.code)
    )
    return Changes(moved, rank_moves)
