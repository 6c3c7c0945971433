"""Property-based run of the API against its own OpenAPI document (schemathesis).

Every operation gets a bounded number of generated requests (valid and invalid); checks: no 5xx,
status codes, content types, headers and bodies as documented, invalid input rejected, auth not
ignored. Runs on SQLite with one seeded document.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

import os  # noqa: E402
from pathlib import Path  # noqa: E402

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

from admin.app import create_app  # noqa: E402
from corpus.db import make_engine  # noqa: E402
from corpus.store import CorpusStore  # noqa: E402
from retrieval.indexing import IndexBuilder  # noqa: E402
from retrieval.service import Settings  # noqa: E402
from tests.admin.conftest import ADMIN, ADMIN_TOKEN, dispatch, make_app, upload  # noqa: E402

# Small by default to stay well under a minute; raise it for a deeper run.
pytestmark = pytest.mark.slow

MAX_EXAMPLES = int(os.environ.get("CHINAM_SCHEMATHESIS_EXAMPLES", "6"))


def _schema_app() -> FastAPI:
    """An app on an in-memory database, only to read the OpenAPI document at collection."""
    store = CorpusStore(make_engine("sqlite://"))
    config = Settings(data_dir=Path("unused"), embedding_model=None,  # type: ignore[call-arg]
                      admin_token=ADMIN_TOKEN, _env_file=None)
    retriever = IndexBuilder(store)
    retriever.refresh()  # built here, so the app starts no thread on this in-memory database
    return create_app(config, store=store, index=retriever, refresh_loop=False)


schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", _schema_app(), headers=ADMIN)
# Undeclared query parameters are ignored, as most HTTP APIs do; do not count them as invalid.
schema.config.generation.update(allow_extra_parameters=False)


@pytest.fixture()
def api_app(admin_settings: Settings, sqlite_store: CorpusStore) -> FastAPI:
    """The app under test, on a fresh SQLite file with one document in it."""
    app = make_app(admin_settings, sqlite_store, dense=False)
    status, _ = upload(TestClient(app), dispatch())
    assert status == 201
    return app


UPLOADS = {
    "POST /api/v1/documents", "POST /api/v1/documents/{doc_id}/file",
    "POST /api/v1/uploads/preview", "POST /api/v1/uploads/publish",
}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
)
def test_api_matches_its_schema(case, api_app: FastAPI) -> None:  # type: ignore[no-untyped-def]
    excluded = []
    if case.operation.label in UPLOADS:
        # Whether an upload is accepted depends on the file's name and content (.txt with
        # Vietnamese text: 201; "file" without a suffix: 415), which a schema cannot express.
        excluded.append(schemathesis.checks.positive_data_acceptance)
    case.call_and_validate(headers=ADMIN, app=api_app, excluded_checks=excluded)
