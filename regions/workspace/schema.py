"""The workspace tables as SQLAlchemy Core objects (what the code reads and writes; the migrations create them).

Times are ISO 8601 text in UTC (``2026-12-04T10:42:00+00:00``): the same on SQLite and PostgreSQL, sortable.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

workspaces = sa.Table(
    "workspaces",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.String(40), nullable=False),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("email", sa.String(320), primary_key=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("added_at", sa.String(40), nullable=False),
    sa.Column("added_by", sa.String(320), nullable=False),
)

scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("preset", sa.String(200), nullable=False),
    sa.Column("weights", sa.JSON, nullable=False),
    sa.Column("constraints", sa.JSON, nullable=False),
    sa.Column("sites", sa.JSON, nullable=False),
    sa.Column("vintages", sa.JSON, nullable=False),
    sa.Column("ranks", sa.JSON, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("author", sa.String(320), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("locked_by", sa.String(320)),
    sa.Column("locked_at", sa.String(40)),
    sa.UniqueConstraint("workspace_id", "name", name="uq_scenarios_workspace_name"),
)

scenario_territories = sa.Table(
    "scenario_territories",
    metadata,
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code", sa.String(3), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(320), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("scenario", sa.String(200)),
    sa.Column("scenario_version", sa.Integer),
    sa.Column("detail", sa.JSON, nullable=False),
)

# --- the user's data of a workspace (migration 0002): what the per-user ``snapshot/`` folder held ---------------

user_datasets = sa.Table(
    "user_datasets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), nullable=False),
    sa.Column("dataset_id", sa.String(120), nullable=False),
    sa.Column("record", sa.JSON, nullable=False),
    sa.Column("figures", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
    sa.UniqueConstraint("workspace_id", "dataset_id", name="uq_user_datasets_workspace_dataset"),
)

user_catalogue = sa.Table(
    "user_catalogue",
    metadata,
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("indicator_id", sa.String(120), primary_key=True),
    sa.Column("dataset_row", sa.Integer, sa.ForeignKey("user_datasets.id", ondelete="CASCADE"), nullable=False),
    sa.Column("entry", sa.JSON, nullable=False),
)

user_sites = sa.Table(
    "user_sites",
    metadata,
    sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("sites", sa.JSON, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
    sa.Column("updated_by", sa.String(320), nullable=False),
)
