"""session attendance: the coach's answer to "Did it happen?" and when it was given

Revision ID: a001
Revises: e001
Create Date: 2026-12-01 18:58:36.548062
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models


revision: str = "a001"
down_revision: str | None = "e001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "attendance",
                sa.Enum("held", "not_held", "rescheduled", name="attendance", native_enum=False, length=16),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("attendance_at", storage.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_column("attendance_at")
        batch_op.drop_column("attendance")
