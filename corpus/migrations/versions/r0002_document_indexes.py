"""Index document.superseded_by_id and document.created_at.

Deleting a document clears ``superseded_by_id`` where it points at it (an UPDATE on that
column), and PostgreSQL checks the self-referencing foreign key on every document delete:
both scanned the whole document table. The admin list pages documents newest first
(ORDER BY created_at DESC): with the index that is a walk down the index, not a sort of
every row.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_document_superseded_by_id", "document", ["superseded_by_id"])
    op.create_index("ix_document_created_at", "document", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_document_created_at", table_name="document")
    op.drop_index("ix_document_superseded_by_id", table_name="document")
