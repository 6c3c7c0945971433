"""Column document_version.uploaded_by: who stored each kept version.

A document's version list says who stored every version, not only the current one. Rows kept
before this revision have no uploader (NULL).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document_version") as batch:
        batch.add_column(sa.Column("uploaded_by", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("document_version") as batch:
        batch.drop_column("uploaded_by")
