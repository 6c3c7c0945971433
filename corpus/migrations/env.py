"""Alembic environment: always given a connection by corpus.db (no alembic.ini, no URL here).

SQLite alters tables by copy-and-move ("batch" mode); PostgreSQL runs each upgrade in the
caller's transaction, so a failed revision leaves nothing half-applied.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import corpus.models  # noqa: F401  (registers the tables on SQLModel.metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("corpus.migrations runs through corpus.db (chinam db upgrade) only")

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
