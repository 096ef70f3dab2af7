"""delivery faults: retry times apart from due times, in-flight marks, shared send slots

Revision ID: e001
Revises: r001
Create Date: 2026-12-01 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "e001"
down_revision: str | None = "r001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_before", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("posting_since", storage.models.UTCDateTime(), nullable=True))
    op.create_table(
        "send_slots",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("next_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "channel", name=op.f("pk_send_slots")),
    )


def downgrade() -> None:
    op.drop_table("send_slots")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("posting_since")
        batch_op.drop_column("not_before")
