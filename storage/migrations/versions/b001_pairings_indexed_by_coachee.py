"""pairings indexed by coachee: a coachee's sessions in all their pairings, for the summaries

The partial index on open pairings cannot serve that lookup: both databases scanned every pairing.

Revision ID: b001
Revises: a001
Create Date: 2026-12-01 22:03:51.337443
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b001"
down_revision: str | None = "a001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairings_coachee_id"), ["coachee_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairings_coachee_id"))
