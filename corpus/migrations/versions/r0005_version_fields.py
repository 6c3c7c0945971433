"""Versions keep their parsed fields and original file; the questions log keeps the answer.

- ``document.file_sha256``, ``document_version.file_sha256``: the original file of the current
  and of each kept version, stored under the data directory by its digest (NULL: not kept,
  as for every row before this revision);
- ``document_version.fields``: the parsed metadata of a kept version (type, number, issuers,
  date, subject, signer); NULL for rows kept before this revision, whose fields are read
  again from their text when shown;
- ``query_log.answer``: the answer given, in plain text (NULL for older questions).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("file_sha256", sa.String(), nullable=True))
    with op.batch_alter_table("document_version") as batch:
        batch.add_column(sa.Column("fields", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("file_sha256", sa.String(), nullable=True))
    with op.batch_alter_table("query_log") as batch:
        batch.add_column(sa.Column("answer", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("query_log") as batch:
        batch.drop_column("answer")
    with op.batch_alter_table("document_version") as batch:
        batch.drop_column("file_sha256")
        batch.drop_column("fields")
    with op.batch_alter_table("document") as batch:
        batch.drop_column("file_sha256")
