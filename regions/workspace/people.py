"""People, roles and permissions of a workspace, enforced here (every write takes the acting :class:`Actor`).

Roles, each including the one before: *recruiter* (create and edit scenarios, import files), *manager* (also lock a
scenario as approved, export applicant shortlists with sensitive columns when a purpose is stated), *admin* (also
manage members). Local mode: one workspace (``local``; ``HOMESHORE_WORKSPACE`` names another),
whose first user — the local owner, or the first person to
log in on a team server — becomes its admin; everyone else is added by an admin
(``regions workspace members add EMAIL ROLE``).

Who acts: the app passes the logged-in e-mail (Streamlit's ``st.user`` when ``[auth]`` is configured); the CLI takes
``HOMESHORE_USER`` if set, else the local owner (``<login>@local``).
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import sqlalchemy as sa

from regions.workspace import db, schema

ROLES: Final[tuple[str, ...]] = ("recruiter", "manager", "admin")
ROLE_LABELS_FR: Final[dict[str, str]] = {"recruiter": "recruteur", "manager": "manager", "admin": "administrateur"}
#: The least role each action needs.
NEEDS: Final[dict[str, str]] = {
    "edit": "recruiter",
    "import": "recruiter",
    "export": "recruiter",
    "lock": "manager",
    "export_sensitive": "manager",
    "members": "admin",
}
_ACTIONS_FR: Final[dict[str, str]] = {
    "edit": "modifier un scénario",
    "import": "importer un fichier",
    "export": "exporter",
    "lock": "verrouiller un scénario comme approuvé",
    "export_sensitive": "exporter des colonnes sensibles",
    "members": "gérer les membres",
}
#: The workspace of the local mode (and of a team server: one team, one workspace).
DEFAULT_WORKSPACE: Final[str] = "local"
USER_ENV: Final[str] = "HOMESHORE_USER"
#: Environment variable naming the workspace this process works in (default :data:`DEFAULT_WORKSPACE`): two teams
#: sharing one database each run their server with their own.
WORKSPACE_ENV: Final[str] = "HOMESHORE_WORKSPACE"
_EMAIL: Final[re.Pattern[str]] = re.compile(r"^[^@\s]+@[^@\s]+$")


class PermissionDenied(db.WorkspaceError):
    """The acting user's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    """Who acts, in which workspace, with which role."""

    email: str
    role: str
    workspace_id: int

    def can(self, action: str) -> bool:
        """Whether this role allows ``action`` (a key of :data:`NEEDS`)."""
        return ROLES.index(self.role) >= ROLES.index(NEEDS[action])

    def require(self, action: str) -> None:
        """Refuse, in French, an action the role does not allow."""
        if not self.can(action):
            needed = ROLE_LABELS_FR[NEEDS[action]]
            raise PermissionDenied(
                f"{self.email} ({ROLE_LABELS_FR[self.role]}) ne peut pas {_ACTIONS_FR[action]} : il faut le rôle "
                f"{needed} ou plus (un administrateur le donne : regions workspace members add {self.email} "
                f"{NEEDS[action]})"
            )


def local_owner() -> str:
    """The identity of the local mode: ``HOMESHORE_USER``, else ``<login>@local``."""
    given = os.environ.get(USER_ENV, "").strip()
    if given:
        return given.lower()
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "proprietaire"
    return f"{login}@local"


def workspace_name() -> str:
    """The workspace of this process: ``HOMESHORE_WORKSPACE``, else :data:`DEFAULT_WORKSPACE`."""
    return os.environ.get(WORKSPACE_ENV, "").strip() or DEFAULT_WORKSPACE


def find_workspace(connection: sa.Connection) -> int | None:
    """The id of this process's workspace, ``None`` before its first use."""
    found = connection.execute(
        sa.select(schema.workspaces.c.id).where(schema.workspaces.c.name == workspace_name())
    ).scalar_one_or_none()
    return None if found is None else int(found)


def _workspace_id(connection: sa.Connection) -> int:
    """This process's workspace's id (:func:`workspace_name`), created on first use."""
    found = find_workspace(connection)
    if found is not None:
        return found
    inserted = connection.execute(
        sa.insert(schema.workspaces).values(name=workspace_name(), created_at=db.now())
    ).inserted_primary_key
    assert inserted is not None
    return int(inserted[0])


def actor(email: str | None = None, *, url: str | None = None) -> Actor:
    """The acting user (default :func:`local_owner`) as a member of the workspace; the first user ever becomes admin.

    Someone who is not a member is refused with the command an admin runs to add them. Two processes creating the
    workspace at once: the second one reads what the first created.
    """
    email = (email or local_owner()).strip().lower()
    try:
        return _actor(email, url)
    except sa.exc.IntegrityError:  # created by another process in the meantime
        return _actor(email, url)


def _actor(email: str, url: str | None) -> Actor:
    with db.transaction(url) as connection:
        workspace = _workspace_id(connection)
        rows = connection.execute(
            sa.select(schema.members.c.email, schema.members.c.role).where(schema.members.c.workspace_id == workspace)
        ).all()
        roles = {row.email: row.role for row in rows}
        if not roles:
            connection.execute(sa.insert(schema.members).values(
                workspace_id=workspace, email=email, role="admin", added_at=db.now(), added_by=email
            ))  # fmt: skip
            return Actor(email, "admin", workspace)
    if email not in roles:
        raise PermissionDenied(
            f"{email} n'est pas membre de l'espace de travail ; un administrateur l'ajoute : "
            f"regions workspace members add {email} recruiter"
        )
    return Actor(email, roles[email], workspace)


def add_member(by: Actor, email: str, role: str, *, url: str | None = None) -> None:
    """Add a member, or change a member's role (admins only)."""
    by.require("members")
    email = email.strip().lower()
    if not _EMAIL.match(email):
        raise db.WorkspaceError(f"{email!r} n'est pas une adresse e-mail (exemple : prenom.nom@exemple.fr)")
    if role not in ROLES:
        raise db.WorkspaceError(f"rôle {role!r} inconnu ; attendus : {', '.join(ROLES)}")
    with db.transaction(url) as connection:
        table = schema.members
        where = (table.c.workspace_id == by.workspace_id) & (table.c.email == email)
        if connection.execute(sa.select(table.c.role).where(where)).first() is None:
            connection.execute(sa.insert(table).values(
                workspace_id=by.workspace_id, email=email, role=role, added_at=db.now(), added_by=by.email
            ))  # fmt: skip
        else:
            connection.execute(sa.update(table).where(where).values(role=role))
        _record(connection, by, "member", None, None, {"email": email, "role": role})


def members(by: Actor, *, url: str | None = None) -> list[dict[str, str]]:
    """The workspace's members (any member may read them)."""
    with db.engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(schema.members.c.email, schema.members.c.role, schema.members.c.added_at,
                      schema.members.c.added_by)
            .where(schema.members.c.workspace_id == by.workspace_id)
            .order_by(schema.members.c.email)
        ).all()  # fmt: skip
    return [dict(row._mapping) for row in rows]


def _record(
    connection: sa.Connection,
    by: Actor,
    action: str,
    scenario: str | None,
    version: int | None,
    detail: dict[str, object],
) -> None:
    """One audit row, in the caller's transaction (the event and what it records commit together)."""
    connection.execute(
        sa.insert(schema.audit).values(
            workspace_id=by.workspace_id, at=db.now(), actor=by.email, action=action, scenario=scenario,
            scenario_version=version, detail=detail,
        )
    )  # fmt: skip


def authorise_sensitive_export(by: Actor, purpose: str | None) -> str:
    """Allow an applicant export with its sensitive columns: managers only, and only with a stated purpose (the
    purpose, cleaned, is what the audit trail records)."""
    by.require("export_sensitive")
    stated = " ".join((purpose or "").split())
    if len(stated) < 5:
        raise db.WorkspaceError("un export avec colonnes sensibles exige sa finalité : --purpose « entretiens "
                                "d'embauche de mars, sur demande de … »")  # fmt: skip
    return stated


def record(by: Actor, action: str, detail: dict[str, object], *, scenario: str | None = None,
           version: int | None = None, url: str | None = None) -> None:  # fmt: skip
    """Record an event that writes nothing else (an import, an applicant-shortlist export)."""
    with db.transaction(url) as connection:
        _record(connection, by, action, scenario, version, detail)


def record_export(
    by: Actor, action: str, detail: Mapping[str, object], *, scenario: str | None = None, version: int | None = None,
    url: str | None = None,
) -> None:  # fmt: skip
    """Record an export ``by`` made (a download in the app): refused for a role that may not export; an export whose
    ``detail`` says ``sensitive_columns`` needs the manager role and the stated ``purpose`` (as
    :func:`authorise_sensitive_export`)."""
    by.require("export")
    if detail.get("sensitive_columns"):
        authorise_sensitive_export(by, str(detail.get("purpose") or ""))
    record(by, action, dict(detail), scenario=scenario, version=version, url=url)


def audit_trail(by: Actor, *, url: str | None = None, limit: int = 1000) -> list[dict[str, object]]:
    """The workspace's audit trail, newest first: who, when, what, which scenario version."""
    table = schema.audit
    with db.engine(url).connect() as connection:
        rows = connection.execute(
            sa.select(table.c.at, table.c.actor, table.c.action, table.c.scenario, table.c.scenario_version,
                      table.c.detail)
            .where(table.c.workspace_id == by.workspace_id)
            .order_by(table.c.id.desc())
            .limit(limit)
        ).all()  # fmt: skip
    return [dict(row._mapping) for row in rows]
