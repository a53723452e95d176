"""The user's data of a workspace: refreshed and imported datasets (provenance record and figures), the catalogue
entries of the user's indicators and completions, the user's sites. Each versioned for optimistic locking.

Revision ID: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_datasets",
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
    op.create_table(
        "user_catalogue",
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("indicator_id", sa.String(120), primary_key=True),
        sa.Column("dataset_row", sa.Integer, sa.ForeignKey("user_datasets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entry", sa.JSON, nullable=False),
    )
    op.create_table(
        "user_sites",
        sa.Column("workspace_id", sa.Integer, sa.ForeignKey("workspaces.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("sites", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
        sa.Column("updated_by", sa.String(320), nullable=False),
    )


def downgrade() -> None:
    for table in ("user_sites", "user_catalogue", "user_datasets"):
        op.drop_table(table)
