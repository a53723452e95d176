"""The team workspace: a database (embedded SQLite by default, PostgreSQL for a team) holding scenarios, members,
roles and the audit trail. Modules: :mod:`~regions.workspace.db` (engine, migrations, info),
:mod:`~regions.workspace.people` (members, roles, audit trail), :mod:`~regions.workspace.scenarios` (saved
scenarios, optimistic locking), :mod:`~regions.workspace.capture` (a ranking turned into a scenario),
:mod:`~regions.workspace.userdata` (the user's refreshed and imported datasets, indicators and sites, versioned; an
old user folder migrated once).

Applicant files never enter the database: only counts and export events do.
"""

from __future__ import annotations

from regions.workspace.db import WorkspaceError
from regions.workspace.people import Actor, PermissionDenied, actor
from regions.workspace.scenarios import Scenario, StaleWriteError, State, Territory

__all__ = ["Actor", "PermissionDenied", "Scenario", "StaleWriteError", "State", "Territory", "WorkspaceError", "actor"]
