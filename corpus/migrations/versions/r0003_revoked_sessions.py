"""Table revoked_session: admin page sessions ended by logout.

A signed-out session's cookie must stop working in every process sharing the database, not
only in the one that served the logout; the digest of its id is kept until the cookie would
have expired anyway (``expires_at``, indexed for the clean-up).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revoked_session",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_revoked_session_expires_at", "revoked_session", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_revoked_session_expires_at", table_name="revoked_session")
    op.drop_table("revoked_session")
